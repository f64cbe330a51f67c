// The archive's view of need-to-know (src/docs/acl.h): the 档案员 (sunm, role archivist) sees
// every 收文 and 发文 of the org that is ready for archiving (收文 待归档 = archivable, 发文
// 已分发，待归档 = distributed) in lists, totals, details and search, and still nothing else:
// drafts and documents in progress answer 404 and are absent from every list, total and search
// result, as for any user they were not routed to. Other roles gain nothing from it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from '../lib/server.mjs'
import { docsServer, act } from './docs-helpers.mjs'

let srv, as
before(async () => { ({ srv, as } = await docsServer()) })
after(async () => { await srv.stop() })

const ARCHIVABLE = { incoming: 'archivable', outgoing: 'distributed' }
const rows = (q) => JSON.parse(sql(srv.dbPath, q) || '[]')
const sunmId = () => rows("SELECT id FROM app_user WHERE username = 'sunm'")[0].id
// ids of the kind the archivist should see: ready for archiving, or an acl row of their own
const expectedIds = (kind) => rows(
  `SELECT id FROM ${kind}_doc WHERE state = '${ARCHIVABLE[kind]}' OR id IN` +
  ` (SELECT object_id FROM acl WHERE kind = '${kind}' AND user_id = ${sunmId()}) ORDER BY id`,
).map((r) => r.id)
const inProgress = (kind) => rows(
  `SELECT id, title, state FROM ${kind}_doc WHERE state <> '${ARCHIVABLE[kind]}' AND id NOT IN` +
  ` (SELECT object_id FROM acl WHERE kind = '${kind}' AND user_id = ${sunmId()}) ORDER BY id`,
)

const list = async (client, path) => {
  const res = await client.get(path)
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`)
  return res.body
}
const search = async (client, params) => {
  const res = await client.get('/api/v1/search?' + new URLSearchParams({ limit: 200, ...params }))
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

test('the demo holds documents on both sides of the rule (the tests below are not vacuous)', () => {
  for (const kind of ['incoming', 'outgoing']) {
    assert.ok(expectedIds(kind).length >= 3, `${kind}: archivable documents in the demo`)
    assert.ok(inProgress(kind).length >= 3, `${kind}: documents in progress in the demo`)
  }
  assert.ok(inProgress('outgoing').some((d) => d.state === 'draft'), 'a draft in the demo')
})

for (const kind of ['incoming', 'outgoing']) {
  test(`${kind}: the archivist's list and total are exactly the documents ready for archiving`, async () => {
    const want = expectedIds(kind)
    const all = await list(as.sunm, `/api/v1/${kind}?limit=200`)
    assert.equal(all.total, want.length)
    assert.deepEqual(all.items.map((d) => d.id).sort((a, b) => a - b), want)
    for (const d of all.items) assert.equal(d.state, ARCHIVABLE[kind], `${kind} ${d.id}`)
    // a filter on a state in progress: nothing, and a total of nothing
    const other = kind === 'incoming' ? 'handling' : 'draft'
    const none = await list(as.sunm, `/api/v1/${kind}?state=${other}&limit=200`)
    assert.equal(none.total, 0)
    assert.deepEqual(none.items, [])
    // filtered on the archivable state: the same set
    const ready = await list(as.sunm, `/api/v1/${kind}?state=${ARCHIVABLE[kind]}&limit=200`)
    assert.equal(ready.total, want.length)
    // 与我有关 (?mine=1) is the archivist's own acl rows only: none in the demo
    assert.equal((await list(as.sunm, `/api/v1/${kind}?mine=1&limit=200`)).total, 0)
  })

  test(`${kind}: detail 200 when ready for archiving, 404 for drafts and documents in progress`, async () => {
    const ready = expectedIds(kind)
    for (const id of ready.slice(0, 3)) {
      const res = await as.sunm.get(`/api/v1/${kind}/${id}`)
      assert.equal(res.status, 200, `${kind} ${id}`)
      assert.equal(res.body.state, ARCHIVABLE[kind])
    }
    for (const d of inProgress(kind)) {
      assert.equal((await as.sunm.get(`/api/v1/${kind}/${d.id}`)).status, 404, `${kind} ${d.id} (${d.state})`)
    }
    // the role, not a general opening: a 干警 not routed to an archivable document still gets 404
    const chenj = rows("SELECT id FROM app_user WHERE username = 'chenj'")[0].id
    const hidden = rows(`SELECT id FROM ${kind}_doc WHERE state = '${ARCHIVABLE[kind]}' AND id NOT IN` +
      ` (SELECT object_id FROM acl WHERE kind = '${kind}' AND user_id = ${chenj}) LIMIT 1`)
    assert.equal(hidden.length, 1)
    assert.equal((await as.chenj.get(`/api/v1/${kind}/${hidden[0].id}`)).status, 404)
  })

  test(`${kind}: search finds what is ready for archiving and nothing in progress`, async () => {
    const archivable = new Set(expectedIds(kind))
    // the title of a document in progress and of one ready for archiving, as the office finds them
    const busy = inProgress(kind)[0]
    const done = rows(`SELECT title FROM ${kind}_doc WHERE id = ${[...archivable][0]}`)[0]
    for (const q of [busy.title, done.title]) {
      const office = await search(as.wangq, { q, kind })
      const mine = await search(as.sunm, { q, kind })
      const officeIds = office.items.map((i) => i.id)
      assert.ok(office.total <= 200, 'one page holds every match')
      if (q === busy.title) assert.ok(officeIds.includes(busy.id), 'the office finds the busy document')
      const want = officeIds.filter((id) => archivable.has(id)).sort((a, b) => a - b)
      assert.deepEqual(mine.items.map((i) => i.id).sort((a, b) => a - b), want, q)
      assert.equal(mine.total, want.length)
      const count = mine.kinds.find((k) => k.kind === kind)?.count ?? 0
      assert.equal(count, want.length, 'the count by kind')
      assert.ok(!mine.items.some((i) => i.id === busy.id), 'the busy document is not found')
      if (q === done.title) assert.ok(want.length >= 1, 'the archivist finds the archivable document')
    }
  })
}

test('incoming: a document becomes visible to the archivist when it is ready for archiving', async () => {
  const [doc] = rows("SELECT id, version, title FROM incoming_doc WHERE state = 'finished' LIMIT 1")
  assert.ok(doc, 'a finished (待答复) document in the demo')
  const before = (await list(as.sunm, '/api/v1/incoming?limit=1')).total
  assert.equal((await as.sunm.get(`/api/v1/incoming/${doc.id}`)).status, 404)
  assert.ok(!(await search(as.sunm, { q: doc.title, kind: 'incoming' })).items.some((i) => i.id === doc.id))
  await act(as.zhaol, 'incoming', doc.id, { action: 'close', opinion: '无需答复，办结归档。' })
  const res = await as.sunm.get(`/api/v1/incoming/${doc.id}`)
  assert.equal(res.status, 200)
  assert.equal(res.body.state, 'archivable')
  assert.equal((await list(as.sunm, '/api/v1/incoming?limit=1')).total, before + 1, 'the total follows')
  assert.ok((await search(as.sunm, { q: doc.title, kind: 'incoming' })).items.some((i) => i.id === doc.id))
})

test('the archivist cannot act on what they see: no action offered, actions refused', async () => {
  const id = expectedIds('incoming')[0]
  const res = await as.sunm.get(`/api/v1/incoming/${id}`)
  assert.equal(res.status, 200)
  assert.deepEqual(res.body.actions ?? [], [])
  const r = await as.sunm.post(`/api/v1/incoming/${id}/actions`, { action: 'close', opinion: 'x' })
  assert.ok([403, 409, 422].includes(r.status), `refused: ${r.status} ${JSON.stringify(r.body)}`)
})
