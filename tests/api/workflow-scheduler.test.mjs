// The scheduler fires reminders, overdue notices and escalations at the right working time,
// exactly once, across server restarts and repeated or concurrent sweeps, and again (once) for the
// fresh item after a return. Time is the test clock: each server starts with JIANWU_FAKE_NOW (its
// start-up sweep runs before it accepts requests), and POST /workflows/scheduler/run moves it.
//
// 请假 (default definition): the department head has 1 working day (close of business), a reminder
// 2 working hours before, escalation to the 办公室主任 when it runs out.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

const MON_0900 = '2026-03-02T09:00:00+08:00'
let srv, dir, inst
const as = {}

async function boot(now, first = false) {
  process.env.JIANWU_FAKE_NOW = now
  srv = first ? await startServer({ demo: true }) : await startServer({ dir })
  dir = srv.dir
  for (const u of ['chenj', 'liuy', 'wangq', 'admin']) as[u] = await bearer(srv, u)
}

async function restart(now) {
  await srv.stop({ keep: true })
  await boot(now)
}

const run = (now) => as.admin.post('/api/v1/workflows/scheduler/run', { now })
const count = (q) => JSON.parse(sql(srv.dbPath, q))[0].n
const notices = (user, kind) => count(`SELECT count(*) n FROM notice n JOIN app_user u ON u.id = n.user_id WHERE u.username = '${user}' AND n.kind = '${kind}' AND n.instance_id = ${inst.id}`)
const events = (ev) => count(`SELECT count(*) n FROM wf_history WHERE instance_id = ${inst.id} AND event = '${ev}'`)
const ticks = () => count(`SELECT count(*) n FROM audit_log WHERE action = 'workflow.tick' AND object_id = '${inst.id}'`)

before(async () => {
  await boot(MON_0900, true)
  // the demo's own approvals (督办 with time limits, 发文) keep out of these counts: only the
  // instance below has a timer for the sweeps to find
  sql(srv.dbPath, "UPDATE wf_instance SET next_timer_at = NULL WHERE module <> 'approval'")
  const res = await as.chenj.post('/api/v1/workflows/instances', {
    def_key: 'leave',
    form: { kind: '病假', start_date: '2026-03-05', end_date: '2026-03-06', days: 2, reason: '就医' },
  })
  assert.equal(res.status, 201)
  inst = res.body
})
after(async () => {
  await srv.stop()
  const { rmSync } = await import('node:fs')
  rmSync(dir, { recursive: true, force: true })
})

test('timers are working-time instants stored with the item', () => {
  const item = inst.items[0]
  assert.equal(item.due_at, '2026-03-03T18:00:00+08:00')
  const row = JSON.parse(sql(srv.dbPath, `SELECT next_timer_at FROM wf_instance WHERE id = ${inst.id}`))[0]
  assert.equal(row.next_timer_at, Date.parse('2026-03-03T16:00:00+08:00') / 1000, 'reminder due 2 working hours before')
})

test('nothing fires before the reminder time', async () => {
  const res = await run('2026-03-03T15:59:00+08:00')
  assert.equal(res.status, 200)
  assert.equal(res.body.fired, 0)
  assert.equal(notices('liuy', 'reminded'), 0)
})

test('a reminder that fell due while the server was down fires once at start, and never again', async () => {
  await restart('2026-03-03T16:30:00+08:00')
  assert.equal(notices('liuy', 'reminded'), 1)
  assert.equal(events('auto_remind'), 1)
  assert.equal(ticks(), 1)
  const n = (await as.liuy.get('/api/v1/notices')).body.items.find((x) => x.instance_id === inst.id && x.kind === 'reminded')
  assert.equal(n.body, '“部门负责人审批”将于 2026-03-03 18:00 到期，请及时处理')
  await restart('2026-03-03T17:00:00+08:00')
  assert.equal(notices('liuy', 'reminded'), 1)
  const again = await Promise.all([run('2026-03-03T17:30:00+08:00'), run('2026-03-03T17:30:00+08:00'), run('2026-03-03T17:31:00+08:00')])
  assert.deepEqual(again.map((r) => [r.status, r.body.fired]), [[200, 0], [200, 0], [200, 0]])
  assert.equal(notices('liuy', 'reminded'), 1)
  assert.equal(events('auto_remind'), 1)
})

test('at close of business the item is overdue and the 办公室主任 is told, once', async () => {
  const res = await run('2026-03-03T18:00:00+08:00')
  assert.equal(res.body.fired, 2)
  assert.equal(notices('liuy', 'overdue'), 1)
  assert.equal(notices('wangq', 'escalated'), 1)
  const n = (await as.wangq.get('/api/v1/notices')).body.items.find((x) => x.instance_id === inst.id)
  assert.equal(n.body, '刘洋办理的“部门负责人审批”已超过办理时限（2026-03-03 18:00）')
  assert.equal((await as.wangq.get(`/api/v1/workflows/instances/${inst.id}`)).status, 200, 'the supervisor sees it')
  await run('2026-03-04T09:00:00+08:00')
  await restart('2026-03-04T10:00:00+08:00')
  assert.equal(notices('liuy', 'overdue'), 1)
  assert.equal(notices('wangq', 'escalated'), 1)
  const row = JSON.parse(sql(srv.dbPath, `SELECT next_timer_at FROM wf_instance WHERE id = ${inst.id}`))[0]
  assert.equal(row.next_timer_at, null, 'no timer left on the item')
})

test('after a return and resubmit the new item has a fresh clock that fires once too', async () => {
  let res = await as.liuy.post(`/api/v1/workflows/instances/${inst.id}/actions`, { action: 'return', to: 'initiator', opinion: '请附病历' })
  assert.equal(res.status, 200)
  res = await as.chenj.post(`/api/v1/workflows/instances/${inst.id}/actions`, { action: 'resubmit', opinion: '已附' })
  assert.equal(res.status, 200)
  const item = res.body.items.filter((i) => i.state === 'pending')
  assert.equal(item.length, 1)
  assert.equal(item[0].due_at, '2026-03-05T18:00:00+08:00')
  assert.equal((await run('2026-03-05T15:00:00+08:00')).body.fired, 0)
  assert.equal((await run('2026-03-05T16:05:00+08:00')).body.fired, 1)
  await restart('2026-03-05T16:10:00+08:00')
  assert.equal(notices('liuy', 'reminded'), 2)
  await restart('2026-03-05T18:30:00+08:00')
  assert.equal(notices('liuy', 'overdue'), 2)
  assert.equal(notices('wangq', 'escalated'), 2)
  await restart('2026-03-06T09:00:00+08:00')
  assert.equal(notices('liuy', 'reminded'), 2)
  assert.equal(notices('liuy', 'overdue'), 2)
  assert.equal(notices('wangq', 'escalated'), 2)
  assert.equal(ticks(), 4)
  res = await as.liuy.post(`/api/v1/workflows/instances/${inst.id}/actions`, { action: 'approve', opinion: '同意' })
  assert.equal(res.status, 200)
  assert.equal(res.body.items.find((i) => i.state === 'pending').due_at, '2026-03-09T18:00:00+08:00', 'Friday + 1 working day = Monday')
})
