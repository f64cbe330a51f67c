// 收文/发文 lists against need-to-know computed independently (src/docs/docs_query.c): for staff
// (chenj, xuf), a dept_head (liuy), the archivist (sunm) and the clerk (zhaol), every filter of a
// grid answers exactly the documents the caller may see — same rows, same order (newest first),
// same total — whether the page is read from the caller's acl rows (acl-only callers, ?mine=1) or
// from the documents (office, archivist). The expected set is built here with SQL from the acl
// and document tables, not through the server.
//
// The demo holds one year (2026); older years are added below, with ids deliberately out of year
// order (2024, 2025, then 2024 again), so the year's id range that bounds the acl walk encloses
// documents of another year.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

const USERS = ['chenj', 'xuf', 'liuy', 'sunm', 'zhaol']
const SEES_ALL = new Set(['zhaol']) // clerk: office role
const ARCHIVIST = new Set(['sunm'])
const ARCHIVABLE = { incoming: 'archivable', outgoing: 'distributed' }
const OPEN = ['registered', 'reviewed', 'proposed', 'instructed', 'handling', 'circulating']

let srv
const as = {}
const uid = {}
const orgOf = {}
let docs, acl // { incoming: [...], outgoing: [...] }, rows of acl
const rows = (q) => JSON.parse(sql(srv.dbPath, q) || '[]')

const IN_COLS = 'org_id, year, seq, number, title, from_org, from_number, doc_type, secrecy,' +
  ' secrecy_years, urgency, copies, pages, received_date, due_date, body, state, source,' +
  ' main_dept_id, registrar_id, created_at, updated_at'
const OUT_COLS = 'org_id, year, title, doc_type, main_to, copy_to, secrecy, secrecy_years,' +
  ' urgency, direction, dept_id, drafter_id, body, state, created_at, updated_at'

// Copies of the demo's 2026 documents into another year (收文: a seq series of their own, due
// dates moved back by the same number of years, so some are overdue and some not).
const copyIncoming = (year, seqBase) =>
  `INSERT INTO incoming_doc (${IN_COLS}) SELECT org_id, ${year}, seq + ${seqBase},` +
  ` '收文〔${year}〕' || (seq + ${seqBase}) || '号', title, from_org, from_number, doc_type,` +
  ` secrecy, secrecy_years, urgency, copies, pages, received_date,` +
  ` date(due_date, '-${2026 - year} years'), body, state, source, main_dept_id, registrar_id,` +
  ` created_at, updated_at FROM incoming_doc WHERE year = 2026 ORDER BY id;`
const copyOutgoing = (year) =>
  `INSERT INTO outgoing_doc (${OUT_COLS}) SELECT org_id, ${year}, ${OUT_COLS.replace(/^org_id, year, /, '')}` +
  ` FROM outgoing_doc WHERE year = 2026 ORDER BY id;`
// acl rows on the added documents: a different share for each user, whatever the state (so the
// archivist also holds rows on documents not ready for archiving)
const grant = (kind, user, mod, rest) =>
  `INSERT OR IGNORE INTO acl (org_id, kind, object_id, user_id, reason, created_at)` +
  ` SELECT d.org_id, '${kind}', d.id, u.id, 'circulated', d.created_at FROM ${kind}_doc d, app_user u` +
  ` WHERE u.username = '${user}' AND d.year < 2026 AND d.id % ${mod} = ${rest};`

before(async () => {
  srv = await startServer({ demo: true })
  const script = ['PRAGMA busy_timeout = 10000;', 'BEGIN;',
    copyIncoming(2024, 0), copyIncoming(2025, 0), copyIncoming(2024, 500),
    copyOutgoing(2024), copyOutgoing(2025), copyOutgoing(2024)]
  for (const kind of ['incoming', 'outgoing']) {
    script.push(grant(kind, 'chenj', 3, 0), grant(kind, 'xuf', 4, 1), grant(kind, 'liuy', 5, 2),
      grant(kind, 'sunm', 2, 0), grant(kind, 'zhaol', 7, 3))
  }
  script.push('COMMIT;')
  sql(srv.dbPath, script.join('\n'))
  for (const u of USERS) as[u] = await bearer(srv, u)
  for (const r of rows(`SELECT id, org_id, username FROM app_user WHERE username IN ('${USERS.join("','")}')`)) {
    uid[r.username] = r.id
    orgOf[r.username] = r.org_id
  }
  docs = {
    incoming: rows('SELECT id, org_id, year, state, doc_type, due_date FROM incoming_doc'),
    outgoing: rows('SELECT id, org_id, year, state, doc_type FROM outgoing_doc'),
  }
  acl = rows("SELECT kind, object_id, user_id FROM acl WHERE kind IN ('incoming', 'outgoing')")
})
after(async () => { await srv.stop() })

// Today in China (the server's "overdue" is due_date < today, Asia/Shanghai).
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)

// The ids (newest first) and total the caller must get, from the tables alone.
function expected(user, kind, f) {
  const own = new Set(acl.filter((a) => a.kind === kind && a.user_id === uid[user]).map((a) => a.object_id))
  const org = orgOf[user]
  const sees = (d) => {
    if (f.mine) return own.has(d.id)
    if (SEES_ALL.has(user)) return true
    return own.has(d.id) || (ARCHIVIST.has(user) && d.state === ARCHIVABLE[kind])
  }
  const match = (d) => d.org_id === org && sees(d) &&
    (f.year === undefined || d.year === f.year) &&
    (f.state === undefined || d.state === f.state) &&
    (f.doc_type === undefined || d.doc_type === f.doc_type) &&
    (!f.overdue || (d.due_date !== null && d.due_date < today() && OPEN.includes(d.state)))
  const ids = docs[kind].filter(match).map((d) => d.id).sort((a, b) => b - a)
  return { ids, total: ids.length }
}

function filters(kind) {
  const grid = [{}, { year: 2026 }, { year: 2025 }, { year: 2024 }, { year: 2016 },
    { state: ARCHIVABLE[kind] }, { year: 2024, state: ARCHIVABLE[kind] },
    { doc_type: 'notice' }, { year: 2025, doc_type: 'notice' },
    { mine: 1 }, { mine: 1, year: 2024 }, { mine: 1, state: ARCHIVABLE[kind] }]
  if (kind === 'incoming') {
    grid.push({ state: 'handling' }, { year: 2025, state: 'circulating' }, { overdue: 1 },
      { overdue: 1, year: 2024 }, { overdue: 1, mine: 1 })
  } else {
    grid.push({ state: 'draft' }, { year: 2025, state: 'draft' })
  }
  return grid
}

const query = (f, page) => new URLSearchParams({ ...f, ...page }).toString()

async function check(user, kind, f) {
  const want = expected(user, kind, f)
  const pages = [{ limit: 1 }, { limit: 20 }, { limit: 200 }, { limit: 20, offset: 3 },
    { limit: 1, offset: Math.max(want.total - 1, 0) }, { limit: 20, offset: want.total },
    { limit: 200, offset: want.total + 50 }]
  for (const page of pages) {
    const path = `/api/v1/${kind}?${query(f, page)}`
    const res = await as[user].get(path)
    assert.equal(res.status, 200, `${user} ${path}: ${JSON.stringify(res.body)}`)
    const offset = page.offset ?? 0
    assert.equal(res.body.total, want.total, `${user} ${path}: total`)
    assert.deepEqual(res.body.items.map((d) => d.id), want.ids.slice(offset, offset + page.limit),
      `${user} ${path}: rows`)
  }
  return want.total
}

test('the data covers the grid: acl rows for every user, several years, archivable and open documents', () => {
  for (const kind of ['incoming', 'outgoing']) {
    for (const year of [2024, 2025, 2026]) assert.ok(docs[kind].some((d) => d.year === year), `${kind} ${year}`)
    for (const u of USERS) {
      assert.ok(acl.filter((a) => a.kind === kind && a.user_id === uid[u]).length >= 5, `${kind} acl rows of ${u}`)
    }
    // the archivist holds acl rows on documents not ready for archiving (the OR half matters)
    const sunmOwn = new Set(acl.filter((a) => a.kind === kind && a.user_id === uid.sunm).map((a) => a.object_id))
    assert.ok(docs[kind].some((d) => sunmOwn.has(d.id) && d.state !== ARCHIVABLE[kind]), kind)
    // ids out of year order: a 2025 document lies inside 2024's id range
    const ids = (y) => docs[kind].filter((d) => d.year === y).map((d) => d.id)
    const y25 = ids(2025)[0]
    assert.ok(Math.min(...ids(2024)) < y25 && y25 < Math.max(...ids(2024)), kind)
  }
  assert.ok(expected('chenj', 'incoming', {}).total > 20, 'more than one page of 20 for a staff user')
  assert.ok(expected('chenj', 'incoming', { overdue: 1 }).total > 0, 'overdue documents for a staff user')
})

for (const kind of ['incoming', 'outgoing']) {
  for (const user of USERS) {
    test(`${kind}: ${user}'s lists equal the visible set for every filter and page`, async () => {
      const totals = []
      for (const f of filters(kind)) totals.push(await check(user, kind, f))
      // not vacuous: most filters hold something for this caller, some hold nothing
      assert.ok(totals.filter((t) => t > 0).length >= 6, `${user}: ${totals}`)
      assert.ok(totals.includes(0), `${user}: ${totals}`)
    })
  }
}

test('after a write the lists follow at once (the cached totals and the acl-driven pages agree)', async () => {
  // a new acl row for xuf on an old 收文 not yet visible to him
  const own = new Set(acl.filter((a) => a.kind === 'incoming' && a.user_id === uid.xuf).map((a) => a.object_id))
  const doc = docs.incoming.find((d) => d.year === 2024 && !own.has(d.id))
  const f = { year: 2024 }
  const before2 = await check('xuf', 'incoming', f)
  sql(srv.dbPath, `PRAGMA busy_timeout = 10000; INSERT INTO acl (org_id, kind, object_id, user_id, reason, created_at)` +
    ` VALUES (${doc.org_id}, 'incoming', ${doc.id}, ${uid.xuf}, 'circulated', 0)`)
  acl.push({ kind: 'incoming', object_id: doc.id, user_id: uid.xuf })
  assert.equal(await check('xuf', 'incoming', f), before2 + 1)
  assert.ok((await as.xuf.get(`/api/v1/incoming?year=2024&limit=200`)).body.items.some((d) => d.id === doc.id))
})
