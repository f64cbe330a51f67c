// 督办 lights follow the org's working-day calendar (issue 8): the office director makes a
// weekday a holiday (PUT /api/v1/calendar/{year}) and an item that was green turns yellow, its
// 临近时限 reminder fires; undoing the edit turns it green again without any request to the
// tasks module (the scheduler notices the change by itself).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer, bearer, sql } from '../lib/server.mjs'

let srv
const as = {}
const uid = (name) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${name}'`))[0].id

before(async () => {
  process.env.JIANWU_FAKE_NOW = '2026-03-02T09:00:00+08:00'
  srv = await startServer({ demo: true })
  delete process.env.JIANWU_FAKE_NOW
  for (const name of ['zhaol', 'wangq', 'chenj']) as[name] = await bearer(srv, name)
})
after(async () => { await srv.stop() })

const run = async (now) => {
  const res = await as.wangq.post('/api/v1/tasks/scheduler/run', { now })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}
const putYear = async (holidays, workdays, version) => {
  const res = await as.wangq.call('PUT', '/api/v1/calendar/2026', { holidays, workdays, version })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

test('editing the calendar changes a light and its reminder', async () => {
  await run('2026-03-02T09:00:00+08:00')
  // 03-02 (Mon) .. 03-20 (Fri): 15 working days, yellow under 3 remaining: from Thursday 03-19
  const created = await as.zhaol.post('/api/v1/tasks', {
    title: '完成检察开放日活动方案', content: '制定方案并报院领导审定。', source: 'key_work', type: 'routine',
    lead_department: 'DYJCB', responsible_id: uid('chenj'), supervisor_ids: [uid('zhaol')],
    assigned_date: '2026-03-02', deadline: '2026-03-20', feedback: 'none',
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const id = created.body.id
  assert.equal((await as.zhaol.post(`/api/v1/tasks/${id}/actions`, { action: 'assign' })).status, 200)
  assert.equal((await as.chenj.post(`/api/v1/tasks/${id}/actions`, { action: 'sign' })).status, 200)

  let r = await run('2026-03-18T09:00:00+08:00')
  const item = async () => (await as.chenj.get(`/api/v1/tasks/${id}`)).body
  assert.equal((await item()).light, 'green')
  const nearDue = () => JSON.parse(sql(srv.dbPath, `SELECT count(*) AS n FROM task_reminder WHERE task_id = ${id} AND kind = 'near_due'`))[0].n
  assert.equal(nearDue(), 0)
  const listed = async (light) => (await as.chenj.get(`/api/v1/tasks?light=${light}&limit=200`)).body.items.some((i) => i.id === id)
  assert.equal(await listed('green'), true)

  // Thursday 03-19 becomes a holiday: on 03-18 only 03-18 and 03-20 remain, under 3
  const cal = (await as.wangq.get('/api/v1/calendar/2026')).body
  assert.ok(!cal.holidays.includes('2026-03-19'))
  const edited = await putYear([...cal.holidays, '2026-03-19'], cal.workdays, cal.version)
  r = await run('2026-03-18T09:00:00+08:00')
  assert.ok(r.lights >= 1, JSON.stringify(r))
  let x = await item()
  assert.equal(x.light, 'yellow')
  assert.equal(x.parts[0].light, 'yellow')
  assert.equal(await listed('yellow'), true) // list filters read the stored light
  assert.equal(await listed('green'), false)
  assert.equal(nearDue(), 1) // the 临近时限 reminder followed the calendar
  const notices = (await as.chenj.get('/api/v1/notices?limit=200')).body.items
  assert.ok(notices.some((n) => n.title.includes('临近时限') && n.title.includes(created.body.number)))

  // undo the edit: the scheduler thread sees the calendar change and recomputes by itself
  await putYear(cal.holidays, cal.workdays, edited.version)
  for (let i = 0; i < 100 && (await item()).light !== 'green'; i++) await sleep(200)
  x = await item()
  assert.equal(x.light, 'green')
  assert.equal(nearDue(), 1) // fired once for this deadline, never again
})
