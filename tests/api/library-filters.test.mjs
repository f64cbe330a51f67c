// 法规资料库 list filters used by the web page (issue 5): ?issuer= (exact, from GET
// /library/issuers), ?year= (the year of the document's date), combined with ?type= and ?q=,
// with totals that follow the filters and server paging; a malformed year is refused.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, bearer, cli } from '../lib/server.mjs'

let srv, staff, admin
before(async () => {
  srv = await startServer({ demo: true })
  const docs = [
    { id: 'lf-1', title: '检察工作条例甲', issuer: '最高人民检察院', date: '2019-12-30', type: '司法解释', body: '第一条 甲。' },
    { id: 'lf-2', title: '检察工作条例乙', issuer: '最高人民检察院', date: '2021-01-05', type: '司法解释', body: '第一条 乙。' },
    { id: 'lf-3', title: '地方条例丙', issuer: '陕西省人民代表大会常务委员会', date: '2021-06-01', type: '地方性法规', body: '第一条 丙。' },
    { id: 'lf-4', title: '无日期的通知丁', issuer: '最高人民检察院', date: null, type: '其他', body: '丁。' },
    { id: 'lf-5', title: '无机关的文件戊', issuer: null, date: '2021-03-03', type: '其他', body: '戊。' },
  ]
  const file = join(srv.dir, 'lf.jsonl')
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n')
  cli(['import', '--db', srv.dbPath, '--kind', 'library', file])
  staff = await bearer(srv, 'chenj')
  admin = await bearer(srv, 'admin')
})
after(async () => { await srv.stop() })

const list = async (qs) => {
  const res = await staff.get('/api/v1/library?' + new URLSearchParams(qs))
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}
const ext = (body) => body.items.map((d) => d.external_id).sort()

test('issuers: every issuer with its count, most first, no null issuer', async () => {
  const res = await staff.get('/api/v1/library/issuers')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body.items, [
    { issuer: '最高人民检察院', count: 3 },
    { issuer: '陕西省人民代表大会常务委员会', count: 1 },
  ])
  assert.equal(res.body.total, 2)
  assert.equal((await admin.get('/api/v1/library/issuers')).status, 403)
})

test('issuer and year filter the list and its total; combined with type and q', async () => {
  assert.deepEqual(ext(await list({ issuer: '最高人民检察院' })), ['lf-1', 'lf-2', 'lf-4'])
  assert.equal((await list({ issuer: '最高人民检察院' })).total, 3)
  assert.deepEqual(ext(await list({ year: '2021' })), ['lf-2', 'lf-3', 'lf-5'])
  assert.deepEqual(ext(await list({ year: '2019' })), ['lf-1'])
  assert.deepEqual(ext(await list({ year: '2020' })), [])
  assert.deepEqual(ext(await list({ issuer: '最高人民检察院', year: '2021' })), ['lf-2'])
  assert.deepEqual(ext(await list({ year: '2021', type: '地方性法规' })), ['lf-3'])
  assert.deepEqual(ext(await list({ issuer: '最高人民检察院', q: '条例' })), ['lf-1', 'lf-2'])
  assert.deepEqual(ext(await list({ issuer: '最高人民检察' })), [], 'the issuer is matched exactly')
})

test('paging: pages are disjoint and the total is the filtered total', async () => {
  const p1 = await list({ issuer: '最高人民检察院', limit: 2, offset: 0 })
  const p2 = await list({ issuer: '最高人民检察院', limit: 2, offset: 2 })
  assert.equal(p1.items.length, 2)
  assert.equal(p2.items.length, 1)
  assert.equal(p1.total, 3)
  assert.equal(new Set([...ext(p1), ...ext(p2)]).size, 3)
  // newest first, the undated last
  assert.deepEqual(p1.items.map((d) => d.external_id), ['lf-2', 'lf-1'])
  assert.equal(p2.items[0].external_id, 'lf-4')
})

test('a malformed or out-of-range year is refused with a Chinese message', async () => {
  for (const year of ['21', '2021x', '1800', '3000']) {
    const res = await staff.get('/api/v1/library?year=' + year)
    assert.equal(res.status, 400, year)
    assert.equal(res.body.error.field, 'year')
    assert.match(res.body.error.message, /年份/)
  }
})
