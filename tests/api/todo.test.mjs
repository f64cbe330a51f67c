// 待办 / 已办 / notices: each user sees only their own, newest first, with counts by kind.
// Rows are written straight into the store (the modules that create them have their own tests),
// on a database without demo data so that other modules' demo rows cannot interfere.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { startServer, bearer, sql, cli } from '../lib/server.mjs'

let srv, clerk, staff
const uid = (name) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${name}'`))[0].id
const exec = (q) => execFileSync('sqlite3', [srv.dbPath, q])

before(async () => {
  srv = await startServer()
  for (const [u, role] of [['zhaol', 'clerk'], ['chenj', 'staff']])
    cli(['user', 'add', '--db', srv.dbPath, '--username', u, '--name', u, '--department', 'BGS',
      '--role', role, '--password', 'Todo#Test2026'])
  clerk = await bearer(srv, 'zhaol')
  staff = await bearer(srv, 'chenj')
  const c = uid('zhaol'), s = uid('chenj')
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, due_date, created_at) VALUES
    (1, ${c}, 'incoming', 1, '关于报送2026年度工作总结的通知', '签收', '2026-12-01', 100),
    (1, ${c}, 'incoming', 2, '关于开展检察开放日活动的函', '登记', NULL, 200),
    (1, ${c}, 'task', 3, '落实党组会决定事项', '办理', NULL, 300),
    (1, ${s}, 'incoming', 4, '仅干警可见的待办', '阅知', NULL, 400)`)
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, created_at, done_at, state) VALUES (1, ${c}, 'incoming', 9, '已办结事项', '签收', 50, 60, 'done')`)
  // approval work items: waiting (加签 pending before it) and cancelled rows show nowhere
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, created_at, instance_id, item_id, state) VALUES
    (1, ${c}, 'approval', 7, '等待加签人意见', '审批', 500, 7, 1, 'waiting'),
    (1, ${c}, 'approval', 7, '已被他人处理', '审批', 500, 7, 2, 'cancelled')`)
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
  assert.deepEqual(res.body.counts, { incoming: 1 })
})

test('counts come from trigger-kept counters that follow every insert, close and delete', () => {
  const c = uid('zhaol')
  exec(`UPDATE todo SET state = 'done', done_at = 700 WHERE user_id = ${c} AND object_id = 2`)
  exec(`DELETE FROM todo WHERE user_id = ${c} AND object_id = 9`)
  const kept = sql(srv.dbPath, `SELECT state, kind, n FROM todo_count WHERE user_id = ${c} AND n > 0 ORDER BY state, kind`)
  assert.deepEqual(JSON.parse(kept), [
    { state: 'done', kind: 'incoming', n: 1 },
    { state: 'pending', kind: 'incoming', n: 1 },
    { state: 'pending', kind: 'task', n: 1 },
  ])
  exec(`UPDATE todo SET state = 'pending', done_at = NULL WHERE user_id = ${c} AND object_id = 2`)
  exec(`INSERT INTO todo (org_id, user_id, kind, object_id, title, step, created_at, done_at, state) VALUES (1, ${c}, 'incoming', 9, '已办结事项', '签收', 50, 60, 'done')`)
})

test('todos: an unknown kind filter is an empty list, an overlong one a bad request', async () => {
  assert.equal((await clerk.get('/api/v1/todos?kind=nothing')).body.total, 0)
  assert.equal((await clerk.get('/api/v1/todos?kind=' + 'x'.repeat(40))).status, 400)
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
  assert.equal((await staff.post('/api/v1/notices/read-all', {})).status, 200)
  assert.equal((await staff.get('/api/v1/notices')).body.unread, 0)
  assert.equal((await clerk.get('/api/v1/notices')).body.items[0].read, true)
})
