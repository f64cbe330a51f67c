// Sign-in, sessions, CSRF, lockout, forced password change, Bearer tokens, departments and users.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, Client, bearer, cli, sql } from '../lib/server.mjs'

let srv
before(async () => { srv = await startServer() })
after(async () => { await srv.stop() })

const admin = async () => {
  const c = new Client(srv.url)
  assert.equal((await c.login('admin', srv.adminPassword)).status, 200)
  return c
}

test('health answers without auth, with security headers', async () => {
  const res = await new Client(srv.url).get('/api/v1/health')
  assert.equal(res.status, 200)
  assert.equal(res.body.status, 'ok')
  assert.match(res.body.version, /^\d+\.\d+\.\d+$/)
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
  assert.equal(res.headers.get('x-frame-options'), 'DENY')
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer')
  assert.equal(res.headers.get('cache-control'), 'no-store')
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/)
})

test('sign-in sets an HttpOnly SameSite=Strict cookie and returns the user and a CSRF token', async () => {
  const c = new Client(srv.url)
  const res = await c.login('admin', srv.adminPassword)
  assert.equal(res.status, 200)
  assert.equal(res.body.user.username, 'admin')
  assert.deepEqual(res.body.user.roles, ['sysadmin'])
  assert.ok(res.body.csrf_token.length >= 40)
  const cookie = res.headers.get('set-cookie')
  assert.match(cookie, /HttpOnly/)
  assert.match(cookie, /SameSite=Strict/)
  const me = await c.get('/api/v1/me')
  assert.equal(me.status, 200)
  assert.equal(me.body.department.code, 'BGS')
  const session = await c.get('/api/v1/session')
  assert.equal(session.body.csrf_token, res.body.csrf_token)
})

test('wrong password is refused in Chinese and leaves an audit row', async () => {
  const res = await new Client(srv.url).login('admin', 'Wrong#Pass1')
  assert.equal(res.status, 401)
  assert.equal(res.body.error.code, 'unauthenticated')
  assert.match(res.body.error.message, /用户名或密码错误/)
  const rows = JSON.parse(sql(srv.dbPath, "SELECT actor, result FROM audit_log WHERE action='session.login' AND result LIKE 'fail%'"))
  assert.ok(rows.some((r) => r.actor === 'admin' && r.result === 'fail:unauthenticated'))
})

test('five failures lock the account for 15 minutes, even with the right password', async () => {
  const a = await admin()
  assert.equal((await a.post('/api/v1/users', { username: 'locky', name: '锁定测试', department_code: 'BGS', roles: ['staff'], password: 'Secret#2026a' })).status, 201)
  const c = new Client(srv.url)
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await c.login('locky', 'Bad#Password' + i)).status)
  assert.deepEqual(statuses, [401, 401, 401, 401, 423])
  const locked = await c.login('locky', 'Secret#2026a')
  assert.equal(locked.status, 423)
  assert.equal(locked.body.error.code, 'locked')
  assert.match(locked.body.error.message, /锁定/)
})

test('a state change with a cookie but without the CSRF token is refused and changes nothing', async () => {
  const a = await admin()
  const before = sql(srv.dbPath, 'SELECT count(*) AS n FROM department')
  const saved = a.csrf
  a.csrf = null
  const res = await a.post('/api/v1/departments', { code: 'CSRF', name: '跨站测试' })
  assert.equal(res.status, 403)
  assert.match(res.body.error.message, /CSRF/)
  a.csrf = 'x'.repeat(saved.length)
  assert.equal((await a.post('/api/v1/departments', { code: 'CSRF', name: '跨站测试' })).status, 403)
  assert.equal(sql(srv.dbPath, 'SELECT count(*) AS n FROM department'), before)
  a.csrf = saved
  assert.equal((await a.post('/api/v1/departments', { code: 'CSRF', name: '跨站测试' })).status, 201)
})

test('Bearer tokens work without CSRF; unknown tokens get 401', async () => {
  const c = await bearer(srv, 'admin')
  assert.equal((await c.get('/api/v1/me')).body.username, 'admin')
  assert.equal((await c.post('/api/v1/departments', { code: 'TOK', name: '令牌部门' })).status, 201)
  const bad = new Client(srv.url, { token: 'not-a-token' })
  const res = await bad.get('/api/v1/me')
  assert.equal(res.status, 401)
  assert.equal(res.body.error.code, 'unauthenticated')
})

test('an administrator-set password must be changed before anything else', async () => {
  const a = await admin()
  const created = await a.post('/api/v1/users', { username: 'newbie', name: '新同事', department_code: 'BGS', roles: ['clerk'], password: 'Initial#2026' })
  assert.equal(created.status, 201)
  assert.equal(created.body.must_change_password, true)
  const u = new Client(srv.url)
  const login = await u.login('newbie', 'Initial#2026')
  assert.equal(login.status, 200)
  assert.equal(login.body.user.must_change_password, true)
  const blocked = await u.get('/api/v1/users')
  assert.equal(blocked.status, 403)
  assert.match(blocked.body.error.message, /修改初始密码/)
  const weak = await u.post('/api/v1/me/password', { old_password: 'Initial#2026', new_password: 'short' })
  assert.equal(weak.status, 422)
  assert.equal(weak.body.error.field, 'password')
  const classes = await u.post('/api/v1/me/password', { old_password: 'Initial#2026', new_password: 'alllowercase' })
  assert.match(classes.body.error.message, /三类/)
  const withName = await u.post('/api/v1/me/password', { old_password: 'Initial#2026', new_password: 'Newbie#2026x' })
  assert.match(withName.body.error.message, /用户名/)
  const wrongOld = await u.post('/api/v1/me/password', { old_password: 'Nope#2026', new_password: 'Better#2026x' })
  assert.equal(wrongOld.body.error.field, 'old_password')
  const ok = await u.post('/api/v1/me/password', { old_password: 'Initial#2026', new_password: 'Better#2026x' })
  assert.equal(ok.status, 200)
  assert.equal(ok.body.user.must_change_password, false)
  u.csrf = ok.body.csrf_token
  assert.equal((await u.get('/api/v1/users')).status, 200)
  // the old password no longer works, the new one does
  assert.equal((await new Client(srv.url).login('newbie', 'Initial#2026')).status, 401)
  assert.equal((await new Client(srv.url).login('newbie', 'Better#2026x')).status, 200)
})

test('sign-out ends the session', async () => {
  const a = await admin()
  assert.equal((await a.del('/api/v1/session')).status, 200)
  const res = await a.get('/api/v1/me')
  assert.equal(res.status, 401)
})

test('deactivating a user ends their sessions and blocks sign-in', async () => {
  const a = await admin()
  const u = await a.post('/api/v1/users', { username: 'leaver', name: '调离人员', department_code: 'BGS', roles: ['staff'], password: 'Secret#2026x' })
  const c = new Client(srv.url)
  assert.equal((await c.login('leaver', 'Secret#2026x')).status, 200)
  const stale = await a.patch(`/api/v1/users/${u.body.id}`, { active: false, version: u.body.version + 5 })
  assert.equal(stale.status, 409)
  const res = await a.patch(`/api/v1/users/${u.body.id}`, { active: false, version: u.body.version })
  assert.equal(res.status, 200)
  assert.equal(res.body.active, false)
  assert.equal((await c.get('/api/v1/me')).status, 401)
  assert.equal((await new Client(srv.url).login('leaver', 'Secret#2026x')).status, 401)
})

test('departments: tree, duplicate code, unknown parent, stale version', async () => {
  const a = await admin()
  const parent = await a.post('/api/v1/departments', { code: 'JCB', name: '检察部', parent_id: null })
  assert.equal(parent.status, 201)
  const child = await a.post('/api/v1/departments', { code: 'JCB1', name: '第一组', parent_id: parent.body.id })
  assert.equal(child.status, 201)
  assert.equal(child.body.parent_id, parent.body.id)
  const dup = await a.post('/api/v1/departments', { code: 'JCB', name: '重复' })
  assert.equal(dup.status, 409)
  assert.equal(dup.body.error.field, 'code')
  const orphan = await a.post('/api/v1/departments', { code: 'ORPH', name: '孤儿', parent_id: 99999 })
  assert.equal(orphan.status, 422)
  assert.equal(orphan.body.error.field, 'parent_id')
  const renamed = await a.patch(`/api/v1/departments/${child.body.id}`, { name: '第一办案组', version: 1 })
  assert.equal(renamed.status, 200)
  const list = await a.get('/api/v1/departments')
  assert.ok(list.body.items.some((d) => d.name === '第一办案组' && d.version === 2))
  assert.equal((await a.patch(`/api/v1/departments/${child.body.id}`, { name: '又改', version: 1 })).status, 409)
})

test('users: list with paging and filters, unknown department, unknown role, taken username', async () => {
  const a = await admin()
  const page = await a.get('/api/v1/users?limit=1&offset=0')
  assert.equal(page.body.items.length, 1)
  assert.ok(page.body.total >= 1)
  assert.equal((await a.get('/api/v1/users?limit=201')).status, 400)
  const q = await a.get('/api/v1/users?q=' + encodeURIComponent('系统管理员'))
  assert.equal(q.body.items[0].username, 'admin')
  const bad = await a.post('/api/v1/users', { username: 'xx1', name: '某', department_code: 'NOPE', roles: ['staff'], password: 'Valid#2026x' })
  assert.equal(bad.body.error.field, 'department_code')
  const badRole = await a.post('/api/v1/users', { username: 'xx2', name: '某', department_code: 'BGS', roles: ['king'], password: 'Valid#2026x' })
  assert.equal(badRole.body.error.field, 'roles')
  const taken = await a.post('/api/v1/users', { username: 'admin', name: '某', department_code: 'BGS', roles: ['staff'], password: 'Valid#2026x' })
  assert.equal(taken.status, 409)
})

test('the CLI adds users and refuses bad input with one line', async () => {
  const out = cli(['user', 'add', '--db', srv.dbPath, '--username', 'cliuser', '--name', '命令行', '--department', 'BGS', '--role', 'staff,clerk', '--password', 'Cli#User2026'])
  assert.match(out, /cliuser/)
  assert.equal((await new Client(srv.url).login('cliuser', 'Cli#User2026')).status, 200)
  assert.throws(() => cli(['user', 'add', '--db', srv.dbPath, '--username', 'x', '--name', 'y', '--department', 'BGS', '--role', 'staff', '--password', 'Cli#User2026']), /用户名长度/)
})

test('failed sign-ins reach the auditor of the account\'s org; unknown names too', async () => {
  const a = await admin()
  await a.post('/api/v1/users', { username: 'auditor1', name: '审计员', department_code: 'BGS', roles: ['auditor'], password: 'Audit#2026xy' })
  await new Client(srv.url).login('admin', 'Wrong#Again1')
  await new Client(srv.url).login('nobody-here', 'Wrong#Again1')
  const au = new Client(srv.url)
  await au.login('auditor1', 'Audit#2026xy')
  await au.post('/api/v1/me/password', { old_password: 'Audit#2026xy', new_password: 'Audit#2027xy' }).then((r) => { au.csrf = r.body.csrf_token })
  const res = await au.get('/api/v1/audit?action=session.login&result=fail&limit=200')
  assert.equal(res.status, 200)
  const actors = res.body.items.map((i) => i.actor)
  assert.ok(actors.includes('admin'))
  assert.ok(actors.includes('nobody-here'))
  assert.ok(res.body.items.every((i) => i.result.startsWith('fail:')))
})
