// 督办 items in the search index and progress reports with attachments (issue 8):
// GET /api/v1/search?kind=task finds an item by title, 编号, content and progress reports, for
// the people of the item (and office, leaders) only; a report carries files uploaded through
// /api/v1/files, readable by whoever may see the item and nobody else.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

let srv
const as = {}
const U = {}
const uid = (name) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${name}'`))[0].id

before(async () => {
  process.env.JIANWU_FAKE_NOW = '2026-03-02T09:00:00+08:00'
  srv = await startServer({ demo: true })
  delete process.env.JIANWU_FAKE_NOW
  for (const name of ['zhaol', 'wangq', 'lihm', 'liuy', 'chenj', 'xuf', 'huangt']) {
    as[name] = await bearer(srv, name)
    U[name] = uid(name)
  }
})
after(async () => { await srv.stop() })

const search = async (who, q) => {
  const res = await as[who].get('/api/v1/search?' + new URLSearchParams({ q, kind: 'task' }))
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}
const upload = (who, name, text) =>
  as[who].call('POST', '/api/v1/files?name=' + encodeURIComponent(name), undefined,
    { raw: Buffer.from(text), headers: { 'content-type': 'application/octet-stream' } })
const download = async (who, id) => (await fetch(`${srv.url}/api/v1/files/${id}`, { headers: { authorization: `Bearer ${as[who].token}` } })).status

const W = `鲲鹏${process.pid % 1000}专项`

async function newItem() {
  const res = await as.zhaol.post('/api/v1/tasks', {
    title: `落实${W}整治工作`, content: `对${W}开展排查，形成整治台账。`, source: 'superior', type: 'routine',
    lead_department: 'DYJCB', responsible_id: U.chenj, supervisor_ids: [U.zhaol],
    assigned_date: '2026-03-02', deadline: '2026-04-30', feedback: 'weekly',
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const t = res.body
  assert.equal((await as.zhaol.post(`/api/v1/tasks/${t.id}/actions`, { action: 'assign' })).status, 200)
  assert.equal((await as.chenj.post(`/api/v1/tasks/${t.id}/actions`, { action: 'sign' })).status, 200)
  return t
}

test('search: the item is found by title, 编号 and progress report, with need-to-know', async () => {
  const t = await newItem()
  // involved: the responsible person, members of the lead department, office, leaders
  for (const who of ['chenj', 'liuy', 'zhaol', 'wangq', 'lihm']) {
    const r = await search(who, W)
    assert.deepEqual(r.items.map((i) => [i.kind, i.id]), [['task', t.id]], who)
    assert.equal(r.items[0].url, `/tasks/${t.id}`)
    assert.equal(r.kinds.find((k) => k.kind === 'task').count, 1, who)
  }
  // a staff member and a department head outside the item find and count nothing
  for (const who of ['xuf', 'huangt']) {
    const r = await search(who, W)
    assert.equal(r.total, 0, who)
    assert.deepEqual(r.items, [], who)
    assert.equal(r.kinds.find((k) => k.kind === 'task').count, 0, who)
  }
  assert.equal((await search('chenj', t.number)).items.some((i) => i.id === t.id), true)

  // a progress report is indexed in its transaction
  const word = `麒麟${process.pid % 1000}台账`
  assert.equal((await search('chenj', word)).total, 0)
  const rep = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: `已建立${word}，排查问题8个。` })
  assert.equal(rep.status, 201)
  const r = await search('liuy', word)
  assert.deepEqual(r.items.map((i) => i.id), [t.id])
  assert.match(r.items[0].snippet, /<mark>/)
  assert.equal((await search('xuf', word)).total, 0)
})

test('progress reports carry attachments readable by the item\'s people only', async () => {
  const t = await newItem()
  const f1 = await upload('chenj', '排查台账.txt', '排查台账：共8个问题。\n')
  const f2 = await upload('chenj', '整改报告.txt', '整改报告正文。\n')
  assert.equal(f1.status, 201, JSON.stringify(f1.body))
  // before it is attached only the uploader reads it
  assert.equal(await download('zhaol', f1.body.id), 404)
  const rep = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: '第一周进展', attachments: [f1.body.id, f2.body.id] })
  assert.equal(rep.status, 201, JSON.stringify(rep.body))
  assert.deepEqual(rep.body.files.map((f) => f.name), ['排查台账.txt', '整改报告.txt'])
  const list = await as.zhaol.get(`/api/v1/tasks/${t.id}/reports`)
  assert.deepEqual(list.body.items[0].files.map((f) => f.id), [f1.body.id, f2.body.id])
  const detail = (await as.liuy.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(detail.reports[0].files.length, 2)
  for (const who of ['chenj', 'zhaol', 'liuy', 'wangq', 'lihm']) assert.equal(await download(who, f1.body.id), 200, who)
  for (const who of ['xuf', 'huangt']) assert.equal(await download(who, f1.body.id), 404, who)

  // nobody attaches a file they may not read (someone else's upload); bad lists are refused
  const other = await upload('xuf', '他人文件.txt', '他人的文件\n')
  let res = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: '附他人文件', attachments: [other.body.id] })
  assert.equal(res.status, 422)
  assert.equal(res.body.error.field, 'attachments')
  assert.equal(await download('zhaol', other.body.id), 404)
  res = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: 'x', attachments: [f1.body.id, f1.body.id] })
  assert.equal(res.status, 422)
  res = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: 'x', attachments: 'f1' })
  assert.equal(res.status, 422)
  res = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: 'x', attachments: Array.from({ length: 11 }, (_, i) => i + 1) })
  assert.equal(res.status, 422)
  assert.equal((await as.chenj.get(`/api/v1/tasks/${t.id}/reports`)).body.total, 1) // nothing half-written
})
