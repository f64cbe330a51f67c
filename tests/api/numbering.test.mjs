// 发文字号 through the API: the contract, 64 concurrent reservations (no duplicate, no gap),
// 作废 with a reason and the gap report, per-year counters, validation and roles.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

let srv, clerk, director, staff, leader, admin
// the year in China (UTC+8), which the server numbers by
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear()

before(async () => {
  srv = await startServer({ demo: true })
  clerk = await bearer(srv, 'zhaol')
  director = await bearer(srv, 'wangq')
  staff = await bearer(srv, 'chenj')
  leader = await bearer(srv, 'lihm')
  admin = await bearer(srv, 'admin')
})
after(async () => { await srv.stop() })

async function newSeries(code, format) {
  const res = await clerk.post('/api/v1/number-series', format ? { code, format } : { code })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.id
}

test('contract: create a series, reserve answers the formatted number and its sequence', async () => {
  const res = await clerk.post('/api/v1/number-series', { code: '定检测发', format: '{code}〔{year}〕{seq}号' })
  assert.equal(res.status, 201)
  assert.ok(Number.isInteger(res.body.id))
  assert.equal(res.body.next, `定检测发〔${YEAR}〕1号`)
  const id = res.body.id
  const r1 = await clerk.post(`/api/v1/number-series/${id}/reserve`, { year: YEAR, purpose: '党组会议纪要' })
  assert.equal(r1.status, 200)
  assert.equal(r1.body.number, `定检测发〔${YEAR}〕1号`)
  assert.equal(r1.body.seq, 1)
  // real U+3014/U+3015 brackets, no zero padding, no 第
  assert.ok(r1.body.number.includes('\u3014') && r1.body.number.includes('\u3015'))
  const r2 = await director.call('POST', `/api/v1/number-series/${id}/reserve`)
  assert.equal(r2.status, 200)
  assert.equal(r2.body.number, `定检测发〔${YEAR}〕2号`)
  const list = await staff.get('/api/v1/number-series')
  assert.equal(list.status, 200)
  const mine = list.body.items.find((s) => s.id === id)
  assert.equal(mine.last_seq, 2)
  assert.equal(mine.next, `定检测发〔${YEAR}〕3号`)
  // the demo's families exist, from the org's 机关代字
  const codes = list.body.items.map((s) => s.code)
  for (const c of ['定检发', '定检办发', '定检函']) assert.ok(codes.includes(c), c)
})

test('64 concurrent reservations: every number once, none skipped', async () => {
  const id = await newSeries('定检并发')
  const answers = await Promise.all(Array.from({ length: 64 }, () => clerk.post(`/api/v1/number-series/${id}/reserve`, {})))
  for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body))
  const seqs = answers.map((a) => a.body.seq).sort((a, b) => a - b)
  assert.deepEqual(seqs, Array.from({ length: 64 }, (_, i) => i + 1))
  assert.equal(new Set(answers.map((a) => a.body.number)).size, 64)
  const gaps = await clerk.get(`/api/v1/number-series/${id}/gaps?year=${YEAR}`)
  assert.equal(gaps.status, 200)
  assert.equal(gaps.body.last_seq, 64)
  assert.equal(gaps.body.counts.issued, 64)
  assert.deepEqual(gaps.body.missing, [])
  assert.equal(gaps.body.complete, true)
  const rows = JSON.parse(sql(srv.dbPath, `SELECT count(*) n, count(DISTINCT seq) d, min(seq) lo, max(seq) hi FROM number_issued WHERE series_id = ${id}`))[0]
  assert.deepEqual(rows, { n: 64, d: 64, lo: 1, hi: 64 })
})

test('作废 needs a reason, is audited, and the gap report lists it', async () => {
  const id = await newSeries('定检作废')
  for (let i = 0; i < 6; i++) assert.equal((await clerk.post(`/api/v1/number-series/${id}/reserve`, {})).status, 200)
  const noReason = await clerk.post(`/api/v1/number-series/${id}/void`, { seq: 3, year: YEAR })
  assert.equal(noReason.status, 422)
  assert.equal(noReason.body.error.field, 'reason')
  const blank = await clerk.post(`/api/v1/number-series/${id}/void`, { seq: 3, year: YEAR, reason: '  ' })
  assert.equal(blank.status, 422)
  const ok = await clerk.post(`/api/v1/number-series/${id}/void`, { seq: 3, year: YEAR, reason: '拟稿撤回，文号作废' })
  assert.equal(ok.status, 200)
  assert.equal(ok.body.number, `定检作废〔${YEAR}〕3号`)
  assert.equal(ok.body.state, 'void')
  const again = await clerk.post(`/api/v1/number-series/${id}/void`, { seq: 3, year: YEAR, reason: '再次' })
  assert.equal(again.status, 409)
  const never = await clerk.post(`/api/v1/number-series/${id}/void`, { seq: 99, year: YEAR, reason: '未编发' })
  assert.equal(never.status, 404)
  const gaps = await leader.get(`/api/v1/number-series/${id}/gaps?year=${YEAR}`)
  assert.equal(gaps.status, 200)
  assert.equal(gaps.body.counts.void, 1)
  assert.equal(gaps.body.counts.reserved, 5)
  assert.equal(gaps.body.voided.length, 1)
  assert.equal(gaps.body.voided[0].seq, 3)
  assert.equal(gaps.body.voided[0].reason, '拟稿撤回，文号作废')
  assert.equal(gaps.body.voided[0].voided_by_name, '赵丽')
  assert.equal(gaps.body.complete, true)
  assert.deepEqual(gaps.body.missing, [])
  const audit = JSON.parse(sql(srv.dbPath, `SELECT actor, result, detail FROM audit_log WHERE action = 'number.void' AND object_id = '${id}' ORDER BY id`))
  assert.equal(audit.filter((a) => a.result === 'ok').length, 1)
  assert.match(audit.find((a) => a.result === 'ok').detail, /3号 作废：拟稿撤回/)
  assert.ok(audit.some((a) => a.result.startsWith('fail:')), 'refused attempts leave a trace too')
  // the ledger (文号登记簿) shows the voided number with its reason
  const ledger = await clerk.get(`/api/v1/number-series/${id}/numbers?year=${YEAR}&state=void`)
  assert.equal(ledger.status, 200)
  assert.equal(ledger.body.total, 1)
  assert.equal(ledger.body.items[0].reason, '拟稿撤回，文号作废')
})

test('a silent gap would show: a ledger row removed behind the API is reported missing', async () => {
  const id = await newSeries('定检缺号')
  for (let i = 0; i < 4; i++) await clerk.post(`/api/v1/number-series/${id}/reserve`, {})
  sql(srv.dbPath, `DELETE FROM number_issued WHERE series_id = ${id} AND seq = 2`)
  const gaps = await clerk.get(`/api/v1/number-series/${id}/gaps?year=${YEAR}`)
  assert.equal(gaps.body.complete, false)
  assert.deepEqual(gaps.body.missing, [2])
})

test('each year has its own counter, starting at 1', async () => {
  const id = await newSeries('定检跨年')
  assert.equal((await clerk.post(`/api/v1/number-series/${id}/reserve`, { year: YEAR })).body.seq, 1)
  assert.equal((await clerk.post(`/api/v1/number-series/${id}/reserve`, { year: YEAR })).body.seq, 2)
  const next = await clerk.post(`/api/v1/number-series/${id}/reserve`, { year: YEAR + 1 })
  assert.equal(next.status, 200)
  assert.equal(next.body.seq, 1)
  assert.equal(next.body.number, `定检跨年〔${YEAR + 1}〕1号`)
  const far = await clerk.post(`/api/v1/number-series/${id}/reserve`, { year: YEAR + 5 })
  assert.equal(far.status, 422)
  assert.equal(far.body.error.field, 'year')
})

test('validation: square brackets, 第, duplicates and unknown fields are refused', async () => {
  const square = await clerk.post('/api/v1/number-series', { code: '定检方', format: '{code}[{year}]{seq}号' })
  assert.equal(square.status, 422)
  assert.equal(square.body.error.field, 'format')
  assert.match(square.body.error.message, /六角括号/)
  const di = await clerk.post('/api/v1/number-series', { code: '定检第', format: '{code}〔{year}〕第{seq}号' })
  assert.equal(di.status, 422)
  const dup = await clerk.post('/api/v1/number-series', { code: '定检发' })
  assert.equal(dup.status, 409)
  assert.equal(dup.body.error.field, 'code')
  const unknown = await clerk.post('/api/v1/number-series', { code: '定检新', prefix: 'x' })
  assert.equal(unknown.status, 422)
  assert.equal(unknown.body.error.field, 'prefix')
  const badId = await clerk.post('/api/v1/number-series/999999/reserve', {})
  assert.equal(badId.status, 404)
})

test('PATCH changes the format with the version; a stale version gets 409; inactive series refuse numbers', async () => {
  const id = await newSeries('定检改')
  const cur = await clerk.get(`/api/v1/number-series/${id}`)
  const p = await director.patch(`/api/v1/number-series/${id}`, { version: cur.body.version, format: '{code}〔{year}〕{seq}号文', name: '测试' })
  assert.equal(p.status, 200)
  assert.equal(p.body.next, `定检改〔${YEAR}〕1号文`)
  const stale = await director.patch(`/api/v1/number-series/${id}`, { version: cur.body.version, name: '旧' })
  assert.equal(stale.status, 409)
  const off = await director.patch(`/api/v1/number-series/${id}`, { version: p.body.version, active: false })
  assert.equal(off.status, 200)
  const refused = await clerk.post(`/api/v1/number-series/${id}/reserve`, {})
  assert.equal(refused.status, 422)
})

test('roles: the office manages, business roles read, administrators see nothing', async () => {
  const id = await newSeries('定检权限')
  assert.equal((await staff.get('/api/v1/number-series')).status, 200)
  assert.equal((await staff.get(`/api/v1/number-series/${id}`)).status, 200)
  assert.equal((await staff.post('/api/v1/number-series', { code: '定检越权' })).status, 403)
  assert.equal((await staff.post(`/api/v1/number-series/${id}/reserve`, {})).status, 403)
  assert.equal((await leader.post(`/api/v1/number-series/${id}/reserve`, {})).status, 403)
  assert.equal((await staff.post(`/api/v1/number-series/${id}/void`, { seq: 1, year: YEAR, reason: 'x' })).status, 403)
  assert.equal((await staff.get(`/api/v1/number-series/${id}/gaps`)).status, 403)
  assert.equal((await leader.get(`/api/v1/number-series/${id}/gaps`)).status, 200)
  assert.equal((await admin.get('/api/v1/number-series')).status, 403)
  const rows = JSON.parse(sql(srv.dbPath, `SELECT count(*) n FROM number_issued WHERE series_id = ${id}`))[0]
  assert.equal(rows.n, 0)
})
