// Walks the whole route table (`jianwu routes`): every route answers 401 without credentials
// (except the public ones), and 403 for a signed-in user whose roles the route does not allow.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, Client, bearer, cli } from '../lib/server.mjs'

const routes = cli(['routes']).trim().split('\n').map((l) => JSON.parse(l))
// health, sign-in, and calendar feeds (the secret in the address is the credential)
const PUBLIC = new Set(['GET /api/v1/health', 'POST /api/v1/session', 'GET /api/v1/calendar/{secret}.ics'])
const ALL_ROLES = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff', 'sysadmin', 'secadmin', 'auditor']

let srv
const byRole = {}
before(async () => {
  srv = await startServer({ demo: true })
  // one Bearer client per role, each user holding only that role
  for (const role of ALL_ROLES) {
    cli(['user', 'add', '--db', srv.dbPath, '--username', `only-${role.replace('_', '')}`, '--name', role,
      '--department', 'BGS', '--role', role, '--password', 'Route#Test2026'])
    byRole[role] = await bearer(srv, `only-${role.replace('_', '')}`)
  }
})
after(async () => { await srv.stop() })

const concrete = (pattern) => pattern.replace(/\{[^}]+\}/g, '1')

test('the route table has routes and only the expected public ones', () => {
  assert.ok(routes.length > 5)
  const pub = routes.filter((r) => r.public).map((r) => `${r.method} ${r.pattern}`)
  assert.deepEqual(pub.sort(), [...PUBLIC].sort())
})

for (const r of routes) {
  const name = `${r.method} ${r.pattern}`
  if (PUBLIC.has(name)) continue
  test(`${name}: 401 without credentials`, async () => {
    const res = await new Client(srv.url).call(r.method, concrete(r.pattern), r.method === 'GET' ? undefined : {})
    assert.equal(res.status, 401)
    assert.equal(res.body.error.code, 'unauthenticated')
  })
  if (r.roles.length === 0) continue
  const denied = ALL_ROLES.filter((role) => !r.roles.includes(role))
  test(`${name}: 403 for roles ${denied.join(',')}`, async () => {
    for (const role of denied) {
      const res = await byRole[role].call(r.method, concrete(r.pattern), r.method === 'GET' ? undefined : {})
      assert.equal(res.status, 403, `${role} got ${res.status}`)
      assert.equal(res.body.error.code, 'forbidden')
    }
  })
}
