// 待办 / 已办 / notices: each user sees only their own, newest first, with counts by kind.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { startServer, bearer, sql } from '../lib/server.mjs'

let srv, clerk, staff
const uid = (name) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${name}'`))[0].id
const exec = (q) => execFileSync('sqlite3', [srv.dbPath, q])

before(async () => {
  srv = await startServer({ demo: true })
  clerk = await bearer(srv, 'zhaol')
  staff = await bearer(srv, 'chenj')
  const c = uid('zhaol'), s = uid('chenj')
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, due_date, created_at) VALUES
    (1, ${c}, 'incoming', 1, '关于报送2026年度工作总结的通知', '签收', '2026-12-01', 100),
    (1, ${c}, 'incoming', 2, '关于开展检察开放日活动的函', '登记', NULL, 200),
    (1, ${c}, 'task', 3, '落实党组会决定事项', '办理', NULL, 300),
    (1, ${s}, 'incoming', 4, '仅干警可见的待办', '阅知', NULL, 400)`)
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, created_at, done_at) VALUES (1, ${c}, 'incoming', 9, '已办结事项', '签收', 50, 60)`)
  exec(`INSERT INTO notice (org_id, user_id, kind, title, created_at) VALUES (1, ${c}, 'assigned', '您有新的收文待签收', 100), (1, ${s}, 'reminded', '催办', 100)`)
})
after(async () => { await srv.stop() })

test('todos: own items only, newest first, counts by kind, filter by kind', async () => {
  const res = await clerk.get('/api/v1/todos')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body.items.map((t) => t.object_id), [3, 2, 1])
  assert.equal(res.body.total, 3)
  assert.deepEqual(res.body.counts, { incoming: 2, task: 1 })
  assert.equal(res.body.items[2].due, '2026-12-01')
  assert.match(res.body.items[0].since, /\+08:00$/)
  const only = await clerk.get('/api/v1/todos?kind=task')
  assert.equal(only.body.total, 1)
  const other = await staff.get('/api/v1/todos')
  assert.deepEqual(other.body.items.map((t) => t.title), ['仅干警可见的待办'])
})

test('done: closed items only', async () => {
  const res = await clerk.get('/api/v1/done')
  assert.deepEqual(res.body.items.map((t) => t.object_id), [9])
})

test('notices: own only, unread count, mark read, cannot mark another user\'s', async () => {
  const res = await clerk.get('/api/v1/notices')
  assert.equal(res.body.total, 1)
  assert.equal(res.body.unread, 1)
  const id = res.body.items[0].id
  const foreign = JSON.parse(sql(srv.dbPath, "SELECT id FROM notice WHERE kind='reminded'"))[0].id
  assert.equal((await clerk.post(`/api/v1/notices/${foreign}/read`, {})).status, 404)
  assert.equal((await clerk.post(`/api/v1/notices/${id}/read`, {})).status, 200)
  const after = await clerk.get('/api/v1/notices')
  assert.equal(after.body.unread, 0)
  assert.equal(after.body.items[0].read, true)
  assert.equal((await staff.get('/api/v1/notices')).body.unread, 1)
})
