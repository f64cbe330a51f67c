// Need-to-know (知悉范围): a document exists only for its creator, the people it was routed or
// circulated to, its handlers, the office and the leaders — 404 on every detail route and absent
// from every list and count for anyone else; the three administrators see no document content.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { docsServer, incomingBody, outgoingBody, act } from './docs-helpers.mjs'

let srv, as, uid, dept
before(async () => { ({ srv, as, uid, dept } = await docsServer()) })
after(async () => { await srv.stop() })

const total = async (client, path) => {
  const res = await client.get(path)
  assert.equal(res.status, 200, path)
  return res.body.total
}
const ids = async (client, path) => (await client.get(path)).body.items.map((d) => d.id)

test('incoming: one routed user sees it, one not routed gets 404 and it is absent from totals', async () => {
  const filters = ['/api/v1/incoming?limit=200', '/api/v1/incoming?year=2026&limit=200',
    '/api/v1/incoming?state=reviewed&limit=200', '/api/v1/incoming?doc_type=notice&year=2026&limit=200',
    '/api/v1/incoming?secrecy=none&limit=200']
  const before = {}
  for (const u of ['chenj', 'xuf', 'wangq', 'lihm']) before[u] = await Promise.all(filters.map((f) => total(as[u], f)))
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const id = reg.body.id
  await act(as.zhaol, 'incoming', id, { action: 'review' })
  // not yet routed to anyone: staff and heads do not see it; office and leaders do
  for (const u of ['chenj', 'xuf', 'liuy', 'huangt', 'sunm']) {
    assert.equal((await as[u].get(`/api/v1/incoming/${id}`)).status, 404, u)
    assert.ok(!(await ids(as[u], '/api/v1/incoming?limit=200')).includes(id), u)
  }
  for (const u of ['wangq', 'lihm', 'zhangjg', 'zhaol']) assert.equal((await as[u].get(`/api/v1/incoming/${id}`)).status, 200, u)
  // route it to chenj only
  await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.chenj] })
  assert.equal((await as.chenj.get(`/api/v1/incoming/${id}`)).status, 200)
  assert.equal((await as.xuf.get(`/api/v1/incoming/${id}`)).status, 404)
  const after = {}
  for (const u of ['chenj', 'xuf', 'wangq', 'lihm']) after[u] = await Promise.all(filters.map((f) => total(as[u], f)))
  // chenj: +1 wherever the document matches (it is now circulating, not reviewed)
  assert.deepEqual(after.chenj, [before.chenj[0] + 1, before.chenj[1] + 1, before.chenj[2], before.chenj[3] + 1, before.chenj[4] + 1])
  assert.deepEqual(after.xuf, before.xuf) // never counted for xuf
  assert.deepEqual(after.wangq, [before.wangq[0] + 1, before.wangq[1] + 1, before.wangq[2], before.wangq[3] + 1, before.wangq[4] + 1])
  assert.deepEqual(after.lihm, after.wangq)
  // every other route on it answers 404 for xuf
  for (const [m, p, b] of [
    ['GET', `/api/v1/incoming/${id}/circulation`],
    ['POST', `/api/v1/incoming/${id}/actions`, { action: 'urge' }],
    ['POST', `/api/v1/incoming/${id}/read`, {}],
    ['POST', `/api/v1/incoming/${id}/circulate`, { user_ids: [uid.xuf] }],
  ]) {
    const res = await as.xuf.call(m, p, b)
    assert.equal(res.status, 404, `${m} ${p}`)
    assert.equal(res.body.error.code, 'not_found')
  }
  // a staff member's list holds exactly what they may see
  const staffList = (await as.xuf.get('/api/v1/incoming?limit=200')).body
  for (const d of staffList.items) assert.equal((await as.xuf.get(`/api/v1/incoming/${d.id}`)).status, 200)
})

test('outgoing: a draft is its drafter\'s; routing opens it step by step', async () => {
  let d = (await as.chenj.post('/api/v1/outgoing', outgoingBody({ countersign_department_ids: [dept.DEJCB] }))).body
  const countBefore = await total(as.huangt, '/api/v1/outgoing?limit=200')
  for (const u of ['liuy', 'huangt', 'xuf']) {
    assert.equal((await as[u].get(`/api/v1/outgoing/${d.id}`)).status, 404, u)
    assert.equal((await as[u].get(`/api/v1/outgoing/${d.id}/versions`)).status, 404, u)
    assert.equal((await as[u].get(`/api/v1/outgoing/${d.id}/versions/1`)).status, 404, u)
    assert.equal((await as[u].get(`/api/v1/outgoing/${d.id}/compare?from=1&to=1`)).status, 404, u)
    assert.equal((await as[u].patch(`/api/v1/outgoing/${d.id}`, { version: d.version, title: 'x' })).status, 404, u)
  }
  for (const u of ['wangq', 'zhaol', 'lihm', 'zhangjg']) assert.equal((await as[u].get(`/api/v1/outgoing/${d.id}`)).status, 200, u)
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  assert.equal((await as.liuy.get(`/api/v1/outgoing/${d.id}`)).status, 200) // the reviewing head
  assert.equal((await as.huangt.get(`/api/v1/outgoing/${d.id}`)).status, 404) // not yet his turn
  await act(as.liuy, 'outgoing', d.id, { action: 'approve' })
  await act(as.wangq, 'outgoing', d.id, { action: 'approve' })
  assert.equal((await as.huangt.get(`/api/v1/outgoing/${d.id}`)).status, 200) // 会签
  assert.equal(await total(as.huangt, '/api/v1/outgoing?limit=200'), countBefore + 1)
  assert.equal((await as.xuf.get(`/api/v1/outgoing/${d.id}`)).status, 404)
  assert.ok(!(await ids(as.xuf, '/api/v1/outgoing?limit=200')).includes(d.id))
})

test('the three administrators see no document content at all', async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  for (const u of ['admin', 'wug']) {
    for (const p of ['/api/v1/incoming', `/api/v1/incoming/${reg.body.id}`, '/api/v1/outgoing', '/api/v1/circulation', '/api/v1/doc-types']) {
      const res = await as[u].get(p)
      assert.equal(res.status, 403, `${u} ${p}`)
    }
  }
})

test('todos and notices only ever go to their own user', async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  await act(as.zhaol, 'incoming', reg.body.id, { action: 'review' })
  await as.zhaol.post(`/api/v1/incoming/${reg.body.id}/circulate`, { user_ids: [uid.huangt] })
  const xufTodos = (await as.xuf.get('/api/v1/todos?limit=200')).body.items
  assert.ok(!xufTodos.some((t) => t.object_id === reg.body.id))
  const huangtTodos = (await as.huangt.get('/api/v1/todos?limit=200')).body.items
  assert.ok(huangtTodos.some((t) => t.object_id === reg.body.id && t.kind === 'circulation'))
})
