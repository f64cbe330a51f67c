// The quality set through the search API (issue 6): the corpus imported with `jianwu import`
// (so through the library's index hook and batches), then every query of the quality set sent
// to GET /api/v1/search?kind=library by a staff member — who may see the library — paging
// through all results; the set of external ids must equal the ground truth (expected_indexed:
// title, body and issuer, computed by build_queries.py with Python and the opencc tool).
//
//   JIANWU_BIN=… SEARCH_CORPUS=… QUALITY_QUERIES=… node --test tests/quality/api_quality.test.mjs
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, cli, bearer, DEFAULT_ADMIN_PASSWORD } from '../lib/server.mjs'

const corpus = process.env.SEARCH_CORPUS
const queries = JSON.parse(readFileSync(process.env.QUALITY_QUERIES, 'utf8')).queries
let srv, staff

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jianwu-quality-'))
  const db = join(dir, 'jianwu.db')
  cli(['init', '--db', db, '--org', '定边县人民检察院', '--org-code', '定检',
    '--admin-password', DEFAULT_ADMIN_PASSWORD])
  cli(['user', 'add', '--db', db, '--username', 'qstaff', '--name', '质检干警', '--department', 'BGS',
    '--role', 'staff', '--password', 'Quality@2026x'])
  cli(['import', '--db', db, '--kind', 'library', corpus], { maxBuffer: 64 * 1024 * 1024 })
  srv = await startServer({ dir })
  staff = await bearer(srv, 'qstaff')
})
after(async () => { await srv.stop() })

// Every external id the API answers for q, page by page (200 a page).
async function all(q) {
  const ids = []
  let total = 0
  for (let offset = 0; ; offset += 200) {
    const res = await staff.get('/api/v1/search?' + new URLSearchParams({ q, kind: 'library', limit: 200, offset }))
    assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`)
    total = res.body.total
    ids.push(...res.body.items.map((i) => i.external_id))
    if (res.body.items.length < 200) break
  }
  return { ids, total }
}

test('every quality query answers exactly its ground truth through the API', async () => {
  let failed = 0
  for (const item of queries) {
    const { ids, total } = await all(item.q)
    const want = [...item.expected_indexed].sort()
    const got = [...ids].sort()
    const same = total === want.length && got.length === want.length && got.every((v, i) => v === want[i])
    if (!same) {
      failed++
      console.log(`FAIL ${item.kind} ${item.q}: got ${got.length} (total ${total}), expected ${want.length}`)
    }
    assert.equal(new Set(ids).size, ids.length, `${item.q}: a document on two pages`)
  }
  console.log(`api quality: ${queries.length - failed} passed, ${failed} failed`)
  assert.equal(failed, 0)
})
