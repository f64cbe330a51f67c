// 督办 reminders across a restart: the ledger decides, so a reminder that fired before the server
// stopped does not fire again when the scheduler thread sweeps at the next start, while a reminder
// that fell due during the downtime fires exactly once at start.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { startServer, bearer, sql } from '../lib/server.mjs'

const withClock = async (now, opts) => {
  process.env.JIANWU_FAKE_NOW = now
  try {
    return await startServer(opts)
  } finally {
    delete process.env.JIANWU_FAKE_NOW
  }
}

// Waits for the scheduler thread's sweep at start (GET /api/v1/tasks/scheduler).
const swept = async (client) => {
  for (let i = 0; i < 100; i++) {
    const st = await client.get('/api/v1/tasks/scheduler')
    if (st.body.sweeps >= 1) return st.body
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('the scheduler did not sweep at start')
}

test('reminders fire exactly once across a restart', async () => {
  let srv = await withClock('2026-03-02T09:00:00+08:00', { demo: true })
  const dir = srv.dir
  try {
    const clerk = await bearer(srv, 'zhaol')
    let director = await bearer(srv, 'wangq')
    const id = (n) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${n}'`))[0].id
    const base = {
      title: '重启测试', source: 'leader_instruction', type: 'routine', lead_department: 'DYJCB',
      responsible_id: id('chenj'), supervisor_ids: [id('zhaol')], assigned_date: '2026-03-02',
    }
    const a = (await clerk.post('/api/v1/tasks', { ...base, deadline: '2026-03-06', feedback: 'none' })).body
    const b = (await clerk.post('/api/v1/tasks', { ...base, deadline: '2026-03-31', feedback: 'weekly' })).body
    const staff = await bearer(srv, 'chenj')
    for (const t of [a, b]) {
      assert.equal((await clerk.post(`/api/v1/tasks/${t.id}/actions`, { action: 'assign' })).status, 200)
      assert.equal((await staff.post(`/api/v1/tasks/${t.id}/actions`, { action: 'sign' })).status, 200)
    }
    const ledger = () => JSON.parse(sql(srv.dbPath,
      `SELECT task_id, kind, due_key FROM task_reminder WHERE task_id IN (${a.id}, ${b.id}) ORDER BY task_id, kind`))
    const notices = () => JSON.parse(sql(srv.dbPath,
      `SELECT count(*) AS n FROM notice WHERE object_kind = 'task' AND object_id IN (${a.id}, ${b.id}) AND kind IN ('remind', 'overdue')`))[0].n

    // Monday 03-09: a is red (overdue + escalate); b's first weekly report (due 03-09) is not late yet
    let run = await director.post('/api/v1/tasks/scheduler/run', { now: '2026-03-09T09:00:00+08:00' })
    assert.equal(run.status, 200)
    assert.deepEqual(ledger().map((r) => `${r.task_id}:${r.kind}`), [`${a.id}:escalate`, `${a.id}:overdue`])
    const before = notices()
    assert.equal(before, 2)

    await srv.stop({ keep: true })

    // restart the same store at the same instant: the sweep at start fires nothing new
    srv = await withClock('2026-03-09T09:30:00+08:00', { dir })
    director = await bearer(srv, 'wangq')
    await swept(director)
    assert.equal(ledger().length, 2)
    assert.equal(notices(), before)
    await srv.stop({ keep: true })

    // restart a day later: b's missed report (due 03-09) fires once, at start; a stays as it was
    srv = await withClock('2026-03-10T09:00:00+08:00', { dir })
    director = await bearer(srv, 'wangq')
    await swept(director)
    const rows = ledger()
    assert.deepEqual(rows.map((r) => `${r.task_id}:${r.kind}`),
      [`${a.id}:escalate`, `${a.id}:overdue`, `${b.id}:report_overdue`])
    assert.equal(notices(), before + 1)
    run = await director.post('/api/v1/tasks/scheduler/run', {})
    assert.equal(run.body.fired, 0)
    assert.equal(ledger().length, 3)

    // an approved extension moves a's deadline; red again after the new one fires once more
    assert.equal(run.body.now, '2026-03-10T09:00:00+08:00')
    const lead = await bearer(srv, 'lihm')
    const staff2 = await bearer(srv, 'chenj')
    // a is late, so its responsible person may not ask for more time any more
    const late = await staff2.post(`/api/v1/tasks/${a.id}/actions`, { action: 'request_extension', opinion: '申请延期', new_deadline: '2026-03-20' })
    assert.equal(late.status, 422)
    // b is in time: extend it, then let it run late
    assert.equal((await staff2.post(`/api/v1/tasks/${b.id}/actions`, { action: 'request_extension', opinion: '申请延期', new_deadline: '2026-04-10' })).status, 200)
    assert.equal((await lead.post(`/api/v1/tasks/${b.id}/actions`, { action: 'approve_extension' })).status, 200)
    await director.post('/api/v1/tasks/scheduler/run', { now: '2026-04-13T09:00:00+08:00' })
    await director.post('/api/v1/tasks/scheduler/run', { now: '2026-04-13T10:00:00+08:00' })
    const overdueB = JSON.parse(sql(srv.dbPath, `SELECT due_key FROM task_reminder WHERE task_id = ${b.id} AND kind = 'overdue'`))
    assert.deepEqual(overdueB.map((r) => r.due_key), [JSON.parse(sql(srv.dbPath, `SELECT deadline FROM task WHERE id = ${b.id}`))[0].deadline])
  } finally {
    await srv.stop({ keep: true })
    rmSync(dir, { recursive: true, force: true })
  }
})
