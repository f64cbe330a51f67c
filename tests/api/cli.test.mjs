// The administration CLI end to end: audit chain verification against tampering, backup while
// the server runs, restore refused while it runs and a full round trip, clean SIGTERM.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, Client, bearer, cli, cliResult, sql } from '../lib/server.mjs'

function sqlite(db, script) {
  execFileSync('sqlite3', [db], { input: script })
}

async function seeded() {
  const srv = await startServer()
  const a = await bearer(srv, 'admin')
  for (let i = 0; i < 5; i++) await a.post('/api/v1/departments', { code: `D${i}`, name: `部门${i}` })
  return srv
}

test('audit verify passes on an intact chain and names the first bad row after tampering', async () => {
  const srv = await seeded()
  await srv.stop({ keep: true })
  const ok = cliResult(['audit', 'verify', '--db', srv.dbPath])
  assert.equal(ok.status, 0, ok.stderr)
  assert.match(ok.stdout, /审计链完整/)

  // the schema itself refuses edits
  assert.throws(() => sqlite(srv.dbPath, "UPDATE audit_log SET actor='x' WHERE id=3;"), /append-only/)
  assert.throws(() => sqlite(srv.dbPath, 'DELETE FROM audit_log WHERE id=3;'), /append-only/)

  const variants = {
    edited: "UPDATE audit_log SET detail='部门X' WHERE id=4;",
    deleted: 'DELETE FROM audit_log WHERE id=4;',
    reordered: "UPDATE audit_log SET id=100 WHERE id=4; UPDATE audit_log SET id=4 WHERE id=5; UPDATE audit_log SET id=5 WHERE id=100;",
  }
  for (const [kind, change] of Object.entries(variants)) {
    const copy = join(srv.dir, `${kind}.db`)
    copyFileSync(srv.dbPath, copy)
    sqlite(copy, `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${change}`)
    const res = cliResult(['audit', 'verify', '--db', copy])
    assert.equal(res.status, 1, `${kind}: exit 1`)
    assert.match(res.stdout, /id=(4|5)\b/, `${kind}: names the row: ${res.stdout}`)
  }
})

test('backup while serving, restore refused while serving, round trip after stop', async () => {
  const srv = await seeded()
  const a = await bearer(srv, 'admin')
  const out = join(srv.dir, 'backup.db')
  assert.match(cli(['backup', '--db', srv.dbPath, '--out', out]), /已备份/)
  assert.equal(cliResult(['backup', '--db', srv.dbPath, '--out', out]).status, 1, 'never overwrites a backup')
  await a.post('/api/v1/departments', { code: 'AFTER', name: '备份之后' })
  const refused = cliResult(['restore', '--db', srv.dbPath, '--in', out])
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /正被运行中的 jianwu serve 使用/)
  await srv.stop({ keep: true })
  const restored = cliResult(['restore', '--db', srv.dbPath, '--in', out])
  assert.equal(restored.status, 0, restored.stderr)
  const codes = JSON.parse(sql(srv.dbPath, 'SELECT code FROM department ORDER BY id')).map((r) => r.code)
  assert.deepEqual(codes, ['BGS', 'D0', 'D1', 'D2', 'D3', 'D4'])
  assert.equal(cliResult(['audit', 'verify', '--db', srv.dbPath]).status, 0)
  const again = await startServer({ dir: srv.dir })
  const c = new Client(again.url)
  assert.equal((await c.login('admin', srv.adminPassword)).status, 200)
  await again.stop()
  assert.equal(cliResult(['restore', '--db', srv.dbPath, '--in', join(srv.dir, 'missing.db')]).status, 1)
})

test('SIGTERM finishes requests in flight and exits 0', async () => {
  const srv = await startServer()
  const c = new Client(srv.url)
  // an argon2id sign-in takes tens of milliseconds: send several, then SIGTERM while in flight
  const inflight = Array.from({ length: 4 }, () => c.login('admin', srv.adminPassword))
  await new Promise((r) => setTimeout(r, 5))
  srv.proc.kill('SIGTERM')
  const results = await Promise.allSettled(inflight)
  const answered = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.status)
  assert.ok(answered.every((s) => s === 200 || s === 503), `answers: ${answered}`)
  const { code } = await srv.exited
  assert.equal(code, 0)
  assert.equal(cliResult(['audit', 'verify', '--db', srv.dbPath]).status, 0)
  assert.ok(existsSync(srv.dbPath))
})

test('init refuses a second run and bad arguments exit non-zero with one line', async () => {
  const srv = await startServer()
  await srv.stop({ keep: true })
  const again = cliResult(['init', '--db', srv.dbPath, '--org', '某院', '--org-code', '某检', '--admin-password', 'Another#2026'])
  assert.equal(again.status, 1)
  assert.match(again.stderr, /已初始化/)
  const missing = cliResult(['init', '--db', srv.dbPath])
  assert.notEqual(missing.status, 0)
  assert.match(missing.stderr, /缺少参数/)
  assert.equal(missing.stderr.trim().split('\n').length, 1)
  const serveBad = cliResult(['serve', '--db', srv.dbPath, '--listen', 'nonsense'])
  assert.notEqual(serveBad.status, 0)
})

test('a database newer than the binary is refused with a clear message', async () => {
  const srv = await startServer()
  await srv.stop({ keep: true })
  sqlite(srv.dbPath, 'INSERT INTO schema_version VALUES (9999);')
  const res = cliResult(['serve', '--db', srv.dbPath, '--listen', '127.0.0.1:0'])
  assert.equal(res.status, 1)
  assert.match(res.stderr, /比本程序支持的版本.*新/)
})
