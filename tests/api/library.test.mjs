// 法规资料库: `jianwu import --kind library` (good lines in, bad lines listed with their numbers,
// re-import idempotent, the shared corpus whole), then the API: list, filters, detail, roles.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { startServer, bearer, cliResult, sql, ROOT, BIN } from '../lib/server.mjs'

// the shared developer corpus (../shared/corpus next to the repository, or JIANWU_CORPUS)
const CORPUS = process.env.JIANWU_CORPUS ?? join(ROOT, '../shared/corpus/laws.jsonl')

let srv, staff, clerk, admin
before(async () => {
  srv = await startServer({ demo: true })
  staff = await bearer(srv, 'chenj')
  clerk = await bearer(srv, 'zhaol')
  admin = await bearer(srv, 'admin')
})
after(async () => { await srv.stop() })

// The CLI without blocking the event loop: a long import must not leave the HTTP client holding
// keep-alive sockets the server has meanwhile closed.
const importCli = (args) => new Promise((resolve) => {
  execFile(BIN, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
    resolve({ status: err ? err.code : 0, stdout, stderr }))
})

const line = (o) => JSON.stringify(o)
const fixture = [
  line({ id: 'fx-1', title: '中华人民共和国刑事诉讼法', issuer: '全国人民代表大会', date: '2018-10-26', type: '法律', body: '第一条 为了保证刑法的正确实施……', category: '刑法', jurisdiction: 'CN', script: 'zh-Hans', source: 'x@y' }),
  line({ id: 'fx-2', title: '人民检察院刑事诉讼规则', issuer: '最高人民检察院', date: '2019-12-30', type: '司法解释', body: '第一条 人民检察院在刑事诉讼中的任务……' }),
  '{"id": "fx-3", "title": "半行被截断", "body": "没有结束', // line 3: malformed
  line({ id: 'fx-4', title: '日期无效', date: '2026-13-01', body: 'x' }), // line 4
  line({ id: 'fx-5', title: '关于印发《人民检察院公文处理办法》的通知（50%）', issuer: null, date: null, type: '司法解释', body: '各级人民检察院：' }),
].join('\n') + '\n'

const rows = () => JSON.parse(sql(srv.dbPath, 'SELECT count(*) n FROM library_doc'))[0].n

test('import: good lines in, malformed lines reported with their line numbers, exit 1', async () => {
  const file = join(srv.dir, 'fixture.jsonl')
  writeFileSync(file, fixture)
  const res = cliResult(['import', '--db', srv.dbPath, '--kind', 'library', file])
  assert.equal(res.status, 1, res.stdout + res.stderr)
  assert.match(res.stderr, /第3行：JSON 格式错误/)
  assert.match(res.stderr, /第4行（date）/)
  assert.doesNotMatch(res.stderr, /第[125]行/)
  assert.match(res.stderr, /导入中/, 'a progress line')
  assert.match(res.stdout, /新增 3/)
  assert.match(res.stdout, /拒绝 2 行/)
  assert.equal(rows(), 3)
  assert.equal(JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM library_doc WHERE external_id IN ('fx-3', 'fx-4')"))[0].n, 0)
  const list = await staff.get('/api/v1/library?limit=10')
  assert.equal(list.status, 200)
  assert.equal(list.body.total, 3)
  // re-import: idempotent
  const again = cliResult(['import', '--db', srv.dbPath, '--kind', 'library', file])
  assert.equal(again.status, 1)
  assert.match(again.stdout, /3 行无变化/)
  assert.equal(rows(), 3)
  const audit = JSON.parse(sql(srv.dbPath, "SELECT detail FROM audit_log WHERE action = 'library.import' ORDER BY id"))
  assert.equal(audit.length, 2)
  assert.match(audit[0].detail, /fixture\.jsonl：导入 3 行（新增 3），拒绝 2 行/)
})

test('import: usage errors exit 2 with one line', () => {
  const kind = cliResult(['import', '--db', srv.dbPath, '--kind', 'deputies', 'x.jsonl'])
  assert.equal(kind.status, 2)
  assert.match(kind.stderr, /未知的导入类型/)
  const missing = cliResult(['import', '--db', srv.dbPath, '--kind', 'library'])
  assert.equal(missing.status, 2)
  const nofile = cliResult(['import', '--db', srv.dbPath, '--kind', 'library', join(srv.dir, 'nope.jsonl')])
  assert.equal(nofile.status, 1)
  assert.match(nofile.stderr, /无法读取文件/)
})

test('API: list without bodies, filters by type and title, detail with body', async () => {
  const all = await staff.get('/api/v1/library')
  assert.equal(all.status, 200)
  assert.ok(all.body.items.every((d) => d.body === undefined))
  const byType = await staff.get('/api/v1/library?type=' + encodeURIComponent('司法解释'))
  assert.equal(byType.body.total, 2)
  const byTitle = await staff.get('/api/v1/library?q=' + encodeURIComponent('刑事诉讼'))
  assert.equal(byTitle.body.total, 2)
  const both = await staff.get(`/api/v1/library?q=${encodeURIComponent('规则')}&type=${encodeURIComponent('司法解释')}`)
  assert.equal(both.body.total, 1)
  assert.equal(both.body.items[0].external_id, 'fx-2')
  // LIKE wildcards in q are literal
  assert.equal((await staff.get('/api/v1/library?q=' + encodeURIComponent('50%'))).body.total, 1)
  assert.equal((await staff.get('/api/v1/library?q=' + encodeURIComponent('%'))).body.total, 1)
  assert.equal((await staff.get('/api/v1/library?q=_')).body.total, 0)
  const id = both.body.items[0].id
  const one = await staff.get(`/api/v1/library/${id}`)
  assert.equal(one.status, 200)
  assert.equal(one.body.title, '人民检察院刑事诉讼规则')
  assert.equal(one.body.date, '2019-12-30')
  assert.match(one.body.body, /刑事诉讼中的任务/)
  const types = await staff.get('/api/v1/library/types')
  assert.deepEqual(types.body.items.find((t) => t.type === '司法解释'), { type: '司法解释', count: 2 })
  assert.equal((await staff.get('/api/v1/library/999999')).status, 404)
  // newest first; unknown dates last
  const dates = all.body.items.map((d) => d.date)
  assert.deepEqual(dates, ['2019-12-30', '2018-10-26', null])
})

test('API: the office writes (create, edit with version, delete), others read only', async () => {
  const created = await clerk.post('/api/v1/library', { title: '检察机关文书格式样本', issuer: '最高人民检察院', date: '2020-05-01', type: '其他', body: '格式样本正文' })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  assert.equal(created.body.external_id, null)
  const id = created.body.id
  const bad = await clerk.post('/api/v1/library', { title: '无正文' })
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.field, 'body')
  const p = await clerk.patch(`/api/v1/library/${id}`, { version: 1, title: '检察机关文书格式样本（2020年版）', abolished: true })
  assert.equal(p.status, 200)
  assert.equal(p.body.abolished, true)
  assert.equal((await clerk.patch(`/api/v1/library/${id}`, { version: 1, title: '旧' })).status, 409)
  assert.equal((await staff.post('/api/v1/library', { title: 'x', body: 'y' })).status, 403)
  assert.equal((await staff.patch(`/api/v1/library/${id}`, { version: 2, title: 'x' })).status, 403)
  assert.equal((await staff.del(`/api/v1/library/${id}`)).status, 403)
  assert.equal((await admin.get('/api/v1/library')).status, 403)
  assert.equal((await clerk.del(`/api/v1/library/${id}`)).status, 200)
  assert.equal((await staff.get(`/api/v1/library/${id}`)).status, 404)
})

test('the shared corpus imports cleanly: 2,865 documents, and again without change',
  { skip: !existsSync(CORPUS) && `corpus not found at ${CORPUS} (set JIANWU_CORPUS)` }, async () => {
  const before = rows()
  const res = await importCli(['import', '--db', srv.dbPath, '--kind', 'library', CORPUS])
  assert.equal(res.status, 0, res.stderr.slice(-2000))
  assert.match(res.stdout, /新增 2865/)
  assert.match(res.stdout, /拒绝 0 行/)
  assert.equal(rows() - before, 2865)
  const list = await staff.get('/api/v1/library?limit=1&type=' + encodeURIComponent('地方性法规'))
  assert.equal(list.body.total, 1246)
  const again = await importCli(['import', '--db', srv.dbPath, '--kind', 'library', CORPUS])
  assert.equal(again.status, 0)
  assert.match(again.stdout, /2865 行无变化/)
  assert.equal(rows() - before, 2865)
  // Traditional-script documents keep their script and jurisdiction
  const tw = JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM library_doc WHERE jurisdiction = 'TW' AND script = 'zh-Hant'"))[0].n
  assert.equal(tw, 600)
})
