// 传阅 with read receipts: circulating grants sight and a 待办 per reader, readers mark it read with
// an optional comment, the sender sees who read when and who has not, unread items stay in 待办.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { docsServer, incomingBody, act, todosOf } from './docs-helpers.mjs'

let srv, as, uid
before(async () => { ({ srv, as, uid } = await docsServer()) })
after(async () => { await srv.stop() })

const reviewed = async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  assert.equal(reg.status, 201)
  await act(as.zhaol, 'incoming', reg.body.id, { action: 'review' })
  return reg.body.id
}

test('a 阅知件: circulate, read with comments, receipts for the sender, 待办 until read', async () => {
  const id = await reviewed()
  assert.equal((await as.xuf.get(`/api/v1/incoming/${id}`)).status, 404)
  const sent = await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.liuy, uid.xuf, uid.lihm] })
  assert.equal(sent.status, 200, JSON.stringify(sent.body))
  assert.equal(sent.body.added, 3)
  assert.equal(sent.body.unread, 3)
  assert.equal(sent.body.read, 0)
  // reviewed → 传阅中 (sent for reading only)
  const doc = (await as.zhaol.get(`/api/v1/incoming/${id}`)).body
  assert.equal(doc.state, 'circulating')
  assert.equal(doc.opinions.at(-1).step, '传阅')
  // each reader now sees it and has it in 待办
  for (const u of ['liuy', 'xuf', 'lihm']) {
    assert.equal((await as[u].get(`/api/v1/incoming/${id}`)).status, 200, u)
    const t = (await todosOf(as[u], 'circulation')).find((x) => x.object_id === id)
    assert.equal(t?.step, '阅知', u)
  }
  // sending again to the same reader adds nobody
  const again = await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.xuf] })
  assert.equal(again.body.added, 0)
  // reading
  const r1 = await as.xuf.post(`/api/v1/incoming/${id}/read`, { comment: '已阅，将按要求落实' })
  assert.equal(r1.status, 200)
  assert.equal(r1.body.read, 1)
  assert.equal((await as.xuf.post(`/api/v1/incoming/${id}/read`, {})).status, 409)
  assert.ok(!(await todosOf(as.xuf, 'circulation')).some((x) => x.object_id === id))
  const r2 = await as.lihm.post(`/api/v1/incoming/${id}/read`)
  assert.equal(r2.status, 200)
  // the sender's view: who read when (with comments), who has not
  const status = await as.zhaol.get(`/api/v1/incoming/${id}/circulation`)
  assert.equal(status.status, 200)
  assert.equal(status.body.read, 2)
  assert.equal(status.body.unread, 1)
  const byName = Object.fromEntries(status.body.items.map((i) => [i.user.name, i]))
  assert.equal(byName['徐芳'].read, true)
  assert.match(byName['徐芳'].read_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
  assert.equal(byName['徐芳'].comment, '已阅，将按要求落实')
  assert.equal(byName['刘洋'].read, false)
  assert.equal(byName['刘洋'].read_at, null)
  assert.equal(status.body.items[0].user.name, '刘洋') // unread first
  // the unread one is still in 待办, and in the reader's reading list
  assert.ok((await todosOf(as.liuy, 'circulation')).some((x) => x.object_id === id))
  const mine = await as.liuy.get('/api/v1/circulation?unread=1&limit=200')
  assert.ok(mine.body.items.some((x) => x.id === id && !x.read))
  // 催办 of a 阅知件 reminds the readers who have not read
  await act(as.zhaol, 'incoming', id, { action: 'urge', opinion: '请尽快阅知' })
  const n = (await as.liuy.get('/api/v1/notices')).body.items
  assert.ok(n.some((x) => x.kind === 'reminded' && x.body === '请尽快阅知'))
  assert.ok(!(await as.xuf.get('/api/v1/notices')).body.items.some((x) => x.kind === 'reminded' && x.body === '请尽快阅知'))
  // readers' comments are on the 收文处理单
  const sheet = (await as.zhaol.get(`/api/v1/incoming/${id}`)).body.opinions
  assert.ok(sheet.some((o) => o.step === '阅知' && o.user.name === '徐芳' && o.opinion === '已阅，将按要求落实'))
})

test('who may circulate, to whom, and when', async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const id = reg.body.id
  // not before 初审
  const early = await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.xuf] })
  assert.equal(early.status, 422)
  await act(as.zhaol, 'incoming', id, { action: 'review' })
  // the security administrators are no readers; unknown users neither
  for (const bad of [[uid.wug], [uid.admin], [999999], [], [uid.xuf, uid.xuf]]) {
    const res = await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: bad })
    assert.equal(res.status, 422, JSON.stringify(bad))
  }
  // a reader is not a circulator
  await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.chenj] })
  const byReader = await as.chenj.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.xuf] })
  assert.equal(byReader.status, 403)
  // someone it was not circulated to cannot read or see the receipts
  assert.equal((await as.huangt.post(`/api/v1/incoming/${id}/read`, {})).status, 404)
  assert.equal((await as.huangt.get(`/api/v1/incoming/${id}/circulation`)).status, 404)
  // the office can read the status but is not a reader
  const notReader = await as.wangq.post(`/api/v1/incoming/${id}/read`, {})
  assert.equal(notReader.status, 422)
  assert.match(notReader.body.error.message, /没有传阅给您/)
})

test('the head of a department handling a document circulates it within the 院', async () => {
  const id = await reviewed()
  await act(as.wangq, 'incoming', id, { action: 'propose', opinion: '拟办', leader_id: uid.lihm })
  await act(as.lihm, 'incoming', id, { action: 'instruct', opinion: '同意' })
  const depts = (await as.zhaol.get('/api/v1/departments')).body.items
  const dyjcb = depts.find((d) => d.code === 'DYJCB').id
  await act(as.zhaol, 'incoming', id, { action: 'assign', main_department_id: dyjcb })
  const res = await as.liuy.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.chenj] })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.equal((await as.chenj.get(`/api/v1/incoming/${id}`)).status, 200)
  // circulating does not change a handled document's state
  assert.equal((await as.chenj.get(`/api/v1/incoming/${id}`)).body.state, 'handling')
})
