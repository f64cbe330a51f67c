// 报备审批 on the approval engine, through the API: forms validated with Chinese messages, routing
// (请假 over 3 days reaches the 检察长), permission refusals (403 for a caller without pending
// work, 404 outside need-to-know, 409 for a stale version), return/resubmit, transfer, add-signer,
// withdraw, remind, 我的申请, 待办/已办/notices, definitions versioned per org, the calendar.
// The clock stands at Monday 2026-03-02 09:00 (JIANWU_FAKE_NOW), so time limits are exact.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql, cli } from '../lib/server.mjs'

process.env.JIANWU_FAKE_NOW = '2026-03-02T09:00:00+08:00'

const USERS = ['chenj', 'liuy', 'lihm', 'zhangjg', 'wangq', 'xuf', 'huangt', 'admin', 'zhaol']
let srv
const as = {}

before(async () => {
  srv = await startServer({ demo: true })
  for (const u of USERS) as[u] = await bearer(srv, u)
})
after(async () => { await srv.stop() })

const start = (who, def_key, form, extra = {}) => as[who].post('/api/v1/workflows/instances', { def_key, form, ...extra })
const act = (who, id, body) => as[who].post(`/api/v1/workflows/instances/${id}/actions`, body)
const show = (who, id) => as[who].get(`/api/v1/workflows/instances/${id}`)
const names = (inst) => inst.pending.map((p) => p.name).sort()
const leave = (days, more = {}) => ({ kind: '事假', start_date: '2026-03-09', end_date: '2026-03-13', days, reason: '家中有事', ...more })
const outing = (more = {}) => ({ destination: '榆林市', start_at: '2026-03-02T14:00:00+08:00', end_at: '2026-03-02T17:30:00+08:00', reason: '赴市院汇报工作', ...more })
const approvalTodos = async (who) => (await as[who].get('/api/v1/todos?kind=approval')).body
const approvalDone = async (who) => (await as[who].get('/api/v1/done?kind=approval')).body

async function started(who, key, form) {
  const res = await start(who, key, form)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

async function ok(who, id, body) {
  const res = await act(who, id, body)
  assert.equal(res.status, 200, `${who} ${body.action}: ${JSON.stringify(res.body)}`)
  return res.body
}

test('default definitions are seeded per org and listed as forms', async () => {
  const res = await as.chenj.get('/api/v1/workflows/definitions')
  assert.equal(res.status, 200)
  const byKey = Object.fromEntries(res.body.items.map((d) => [d.key, d]))
  for (const k of ['leave', 'trip', 'outing']) {
    assert.equal(byKey[k].version, 1)
    assert.equal(byKey[k].form, true)
    assert.equal(byKey[k].active, true)
  }
  assert.deepEqual(byKey.leave.definition.steps.map((s) => s.id), ['dept', 'leader', 'chief'])
  assert.deepEqual(byKey.leave.definition.steps[2].condition, { field: 'days', op: '>', value: 3 })
  const one = await as.chenj.get('/api/v1/workflows/definitions/leave')
  assert.equal(one.status, 200)
  assert.deepEqual(one.body.versions.map((v) => v.version), [1])
  assert.equal((await as.chenj.get('/api/v1/workflows/definitions/nothing')).status, 404)
  assert.equal((await as.admin.get('/api/v1/workflows/definitions')).status, 403)
})

test('forms are validated on the server with Chinese messages naming the field', async () => {
  const cases = [
    ['leave', { ...leave(2), kind: undefined }, 'kind'],
    ['leave', leave(2, { kind: '旅游假' }), 'kind'],
    ['leave', leave(2, { end_date: '2026-03-01' }), 'end_date'],
    ['leave', leave(2, { start_date: '2026-02-30' }), 'start_date'],
    ['leave', leave(6), 'days'],
    ['leave', leave(1.3), 'days'],
    ['leave', leave(0), 'days'],
    ['leave', leave('3'), 'days'],
    ['leave', leave(2, { reason: '  ' }), 'reason'],
    ['leave', leave(2, { bonus: 1 }), 'bonus'],
    ['trip', { destination: '北京', start_date: '2026-03-09', end_date: '2026-03-10', purpose: '培训', estimated_cost: -5 }, 'estimated_cost'],
    ['trip', { destination: '北京', start_date: '2026-03-09', end_date: '2026-03-10', purpose: '培训', estimated_cost: 12.345 }, 'estimated_cost'],
    ['trip', { destination: '', start_date: '2026-03-09', end_date: '2026-03-10', purpose: '培训', estimated_cost: 100 }, 'destination'],
    ['outing', outing({ end_at: '2026-03-02T13:00:00+08:00' }), 'end_at'],
    ['outing', outing({ start_at: '2026-03-07T09:00:00+08:00', end_at: '2026-03-07T17:00:00+08:00' }), 'start_at'],
    ['outing', outing({ start_at: 'tomorrow' }), 'start_at'],
  ]
  for (const [key, form, field] of cases) {
    const res = await start('chenj', key, form)
    assert.equal(res.status, 422, `${key} ${field}: ${JSON.stringify(res.body)}`)
    assert.equal(res.body.error.field, field, `${key}: ${res.body.error.message}`)
    assert.match(res.body.error.message, /[\u4e00-\u9fff]/)
  }
  const weekend = await start('chenj', 'outing', outing({ start_at: '2026-03-07T09:00:00+08:00', end_at: '2026-03-07T17:00:00+08:00' }))
  assert.match(weekend.body.error.message, /不在工作时间内/)
  assert.equal((await start('chenj', 'car', {})).body.error.field, 'def_key')
  assert.equal(sql(srv.dbPath, "SELECT count(*) n FROM wf_instance WHERE module = 'approval'"), '[{"n":0}]')
})

test('leave of 3 days: department head, then 分管领导, approved without the 检察长', async () => {
  const inst = await started('chenj', 'leave', leave(3))
  assert.equal(inst.title, '陈杰的请假申请（事假3天）')
  assert.deepEqual(names(inst), ['刘洋'])
  assert.deepEqual(inst.steps.map((s) => s.status), ['current', 'waiting', 'skipped'])
  assert.equal(inst.items[0].due_at, '2026-03-03T18:00:00+08:00')
  const todo = (await approvalTodos('liuy')).items.find((t) => t.instance_id === inst.id)
  assert.equal(todo.step, '部门负责人审批')
  assert.equal(todo.due, '2026-03-03')
  assert.equal(todo.object_id, inst.id)
  assert.equal(todo.due_at, inst.items[0].due_at)
  assert.equal(todo.since, inst.items[0].created_at)
  assert.equal(todo.since, '2026-03-02T09:00:00+08:00')

  let cur = await ok('liuy', inst.id, { action: 'approve', opinion: '同意', version: inst.version })
  assert.deepEqual(names(cur), ['李红梅'])
  cur = await ok('lihm', inst.id, { action: 'approve', opinion: '同意', version: cur.version })
  assert.equal(cur.state, 'approved')
  assert.deepEqual(cur.pending, [])
  assert.ok(!cur.history.some((h) => h.actor?.name === '张建国'))
  assert.deepEqual(cur.history.filter((h) => h.opinion).map((h) => [h.actor.name, h.event, h.opinion]),
    [['刘洋', 'approve', '同意'], ['李红梅', 'approve', '同意']])
  assert.ok(!(await approvalTodos('zhangjg')).items.some((t) => t.instance_id === inst.id))
  const done = (await approvalDone('liuy')).items.find((t) => t.instance_id === inst.id)
  assert.equal(done.outcome, 'approved')
  assert.ok(!(await approvalTodos('liuy')).items.some((t) => t.instance_id === inst.id))
  const notice = (await as.chenj.get('/api/v1/notices')).body.items.find((n) => n.instance_id === inst.id)
  assert.equal(notice.kind, 'finished')
  assert.equal(notice.title, '已通过：陈杰的请假申请（事假3天）')
})

test('leave of more than 3 days routes to the 检察长 after the 分管领导', async () => {
  const inst = await started('chenj', 'leave', leave(4))
  assert.deepEqual(inst.steps.map((s) => s.status), ['current', 'waiting', 'waiting'])
  let cur = await ok('liuy', inst.id, { action: 'approve', opinion: '同意' })
  cur = await ok('lihm', inst.id, { action: 'approve', opinion: '同意' })
  assert.equal(cur.state, 'running')
  assert.deepEqual(names(cur), ['张建国'])
  assert.equal(cur.current_step.id, 'chief')
  assert.ok((await approvalTodos('zhangjg')).items.some((t) => t.instance_id === inst.id && t.step === '检察长审批'))
  cur = await ok('zhangjg', inst.id, { action: 'approve', opinion: '同意' })
  assert.equal(cur.state, 'approved')
})

test('refusals: no pending work 403, outside need-to-know 404, stale version 409, roles 403', async () => {
  const inst = await started('chenj', 'leave', leave(2))
  // the initiator and a leader who sees everything but holds nothing at this step
  for (const who of ['chenj', 'lihm', 'zhangjg']) {
    const res = await act(who, inst.id, { action: 'approve', opinion: '同意' })
    assert.equal(res.status, 403, who)
    assert.equal(res.body.error.code, 'forbidden')
    assert.match(res.body.error.message, /没有待办/)
  }
  // a colleague of another department may not even see it
  assert.equal((await show('xuf', inst.id)).status, 404)
  assert.equal((await act('xuf', inst.id, { action: 'approve', opinion: '同意' })).status, 404)
  assert.equal((await show('huangt', inst.id)).status, 404)
  // the office and leaders see it, the approver sees it
  for (const who of ['wangq', 'zhaol', 'lihm', 'liuy']) assert.equal((await show(who, inst.id)).status, 200, who)
  // sysadmin: no business content at all
  assert.equal((await as.admin.get(`/api/v1/workflows/instances/${inst.id}`)).status, 403)
  // stale version
  const stale = await act('liuy', inst.id, { action: 'approve', opinion: '同意', version: inst.version + 7 })
  assert.equal(stale.status, 409)
  assert.equal(stale.body.error.code, 'conflict')
  // reject and return need an opinion; an unknown action or field is refused
  assert.equal((await act('liuy', inst.id, { action: 'reject' })).status, 422)
  assert.equal((await act('liuy', inst.id, { action: 'return', to: 'initiator' })).status, 422)
  assert.equal((await act('liuy', inst.id, { action: 'fly' })).status, 422)
  assert.equal((await act('liuy', inst.id, { action: 'approve', hack: 1 })).status, 422)
  assert.equal((await act('liuy', inst.id, { action: 'tick' })).status, 422)
  assert.equal((await act('liuy', inst.id, { action: 'submit', form: {} })).status, 422)
  assert.equal((await act('liuy', 999999, { action: 'approve' })).status, 404)
  // nothing of that changed the instance
  const after = (await show('chenj', inst.id)).body
  assert.equal(after.version, inst.version)
  assert.deepEqual(names(after), ['刘洋'])
  // a stale version is refused even for a holder once someone else acted
  const v1 = after.version
  await ok('liuy', inst.id, { action: 'approve', opinion: '同意', version: v1 })
  assert.equal((await act('lihm', inst.id, { action: 'approve', opinion: '同意', version: v1 })).status, 409)
  await ok('lihm', inst.id, { action: 'reject', opinion: '时间冲突，不同意', version: v1 + 1 })
  const rejected = (await show('chenj', inst.id)).body
  assert.equal(rejected.state, 'rejected')
  assert.equal((await act('liuy', inst.id, { action: 'approve', opinion: '同意' })).status, 409)
})

test('withdraw while nobody acted, resubmit restarts; after an approval withdraw is refused', async () => {
  const inst = await started('chenj', 'leave', leave(2))
  assert.ok(inst.allowed_actions.includes('withdraw'))
  let cur = await ok('chenj', inst.id, { action: 'withdraw' })
  assert.equal(cur.state, 'withdrawn')
  assert.ok(!(await approvalTodos('liuy')).items.some((t) => t.instance_id === inst.id))
  assert.ok(!(await approvalDone('liuy')).items.some((t) => t.instance_id === inst.id), 'a cancelled item is not 已办')
  cur = await ok('chenj', inst.id, { action: 'resubmit' })
  assert.deepEqual(names(cur), ['刘洋'])
  cur = await ok('liuy', inst.id, { action: 'approve', opinion: '同意' })
  const res = await act('chenj', inst.id, { action: 'withdraw' })
  assert.equal(res.status, 409)
  cur = await ok('chenj', inst.id, { action: 'cancel', opinion: '计划取消' })
  assert.equal(cur.state, 'cancelled')
  assert.ok(!(await approvalTodos('lihm')).items.some((t) => t.instance_id === inst.id))
})

test('return to the initiator, resubmit a corrected form (validated), continue at the returning step', async () => {
  const inst = await started('chenj', 'leave', leave(2))
  let cur = await ok('liuy', inst.id, { action: 'approve', opinion: '同意' })
  assert.deepEqual(cur.return_targets, [])
  const leaderView = (await show('lihm', inst.id)).body
  assert.deepEqual(leaderView.return_targets.map((t) => t.to), ['initiator', 'dept'])
  cur = await ok('lihm', inst.id, { action: 'return', to: 'initiator', opinion: '请写明工作交接' })
  assert.equal(cur.state, 'returned')
  assert.deepEqual(names(cur), ['陈杰'])
  const back = (await approvalTodos('chenj')).items.find((t) => t.instance_id === inst.id)
  assert.equal(back.step, '修改后重新提交')
  const notice = (await as.chenj.get('/api/v1/notices')).body.items.find((n) => n.instance_id === inst.id && n.kind === 'returned')
  assert.equal(notice.body, '李红梅退回：请写明工作交接')
  const bad = await act('chenj', inst.id, { action: 'resubmit', form: leave(9) })
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.field, 'days')
  cur = await ok('chenj', inst.id, { action: 'resubmit', opinion: '已补充', form: leave(5, { reason: '家中有事，工作已交接给刘洋' }) })
  assert.equal(cur.title, '陈杰的请假申请（事假5天）')
  assert.equal(cur.form.days, 5)
  assert.deepEqual(names(cur), ['李红梅'], 'continue: back to the step that returned')
  cur = await ok('lihm', inst.id, { action: 'approve', opinion: '同意' })
  assert.deepEqual(names(cur), ['张建国'], 'the corrected form now needs the 检察长')
  const row = JSON.parse(sql(srv.dbPath, `SELECT title FROM wf_instance WHERE id = ${inst.id}`))[0]
  assert.equal(row.title, '陈杰的请假申请（事假5天）')
})

test('return to an earlier step comes back to the returning step when it completes', async () => {
  const inst = await started('chenj', 'leave', leave(4))
  await ok('liuy', inst.id, { action: 'approve', opinion: '同意' })
  await ok('lihm', inst.id, { action: 'approve', opinion: '同意' })
  let cur = await ok('zhangjg', inst.id, { action: 'return', to: 'dept', opinion: '部门请核实人手安排' })
  assert.deepEqual(names(cur), ['刘洋'])
  cur = await ok('liuy', inst.id, { action: 'approve', opinion: '已核实' })
  assert.deepEqual(names(cur), ['张建国'])
  cur = await ok('zhangjg', inst.id, { action: 'approve', opinion: '同意' })
  assert.equal(cur.state, 'approved')
  assert.equal(cur.history.find((h) => h.event === 'return').to_step_name, '部门负责人审批')
})

test('transfer and add-signer: exactly the right people hold pending work', async () => {
  const users = JSON.parse(sql(srv.dbPath, "SELECT id, username FROM app_user"))
  const id = Object.fromEntries(users.map((u) => [u.username, u.id]))
  const inst = await started('chenj', 'leave', leave(2))
  let cur = await ok('liuy', inst.id, { action: 'add_signer', position: 'before', target: id.huangt, opinion: '请黄涛先看' })
  assert.deepEqual(names(cur), ['黄涛'])
  assert.ok(!(await approvalTodos('liuy')).items.some((t) => t.instance_id === inst.id), 'a waiting item is not 待办')
  assert.equal((await show('huangt', inst.id)).status, 200, 'an added signer may see it')
  cur = await ok('huangt', inst.id, { action: 'approve', opinion: '无意见' })
  assert.deepEqual(names(cur), ['刘洋'])
  cur = await ok('liuy', inst.id, { action: 'transfer', target: id.wangq, opinion: '请王强代为审核' })
  assert.deepEqual(names(cur), ['王强'])
  const done = (await approvalDone('liuy')).items.find((t) => t.instance_id === inst.id)
  assert.equal(done.outcome, 'transferred')
  const bad = await act('wangq', inst.id, { action: 'transfer', target: id.wangq })
  assert.equal(bad.status, 422)
  cur = await ok('wangq', inst.id, { action: 'approve', opinion: '同意' })
  assert.deepEqual(names(cur), ['李红梅'])
  const rows = JSON.parse(sql(srv.dbPath, `SELECT u.username, t.state, t.outcome FROM todo t JOIN app_user u ON u.id = t.user_id WHERE t.instance_id = ${inst.id} ORDER BY t.item_id`))
  assert.deepEqual(rows.map((r) => [r.username, r.state, r.outcome]), [
    ['liuy', 'done', 'transferred'],
    ['huangt', 'done', 'approved'],
    ['wangq', 'done', 'approved'],
    ['lihm', 'pending', null],
  ])
})

test('remind: the initiator may 催办 once per 10 minutes; the holders are notified', async () => {
  const inst = await started('chenj', 'outing', outing())
  assert.equal(inst.title, '陈杰的外出报备（榆林市，2026-03-02）')
  assert.equal(inst.form.work_hours, 3)
  assert.equal(inst.items[0].due_at, '2026-03-02T15:30:00+08:00')
  await ok('chenj', inst.id, { action: 'remind', opinion: '下午两点出发，请尽快审批' })
  const again = await act('chenj', inst.id, { action: 'remind' })
  assert.equal(again.status, 429)
  const n = (await as.liuy.get('/api/v1/notices')).body.items.filter((x) => x.instance_id === inst.id && x.kind === 'reminded')
  assert.equal(n.length, 1)
  assert.equal(n[0].body, '陈杰催办“部门负责人审批”：下午两点出发，请尽快审批')
  assert.equal((await act('xuf', inst.id, { action: 'remind' })).status, 404)
  const cur = await ok('liuy', inst.id, { action: 'approve', opinion: '同意' })
  assert.equal(cur.state, 'approved')
})

test('我的申请: own instances with filters; 全院 for office and leaders only', async () => {
  const mine = await as.chenj.get('/api/v1/workflows/instances')
  assert.equal(mine.status, 200)
  assert.ok(mine.body.total >= 8)
  assert.ok(mine.body.items.every((i) => i.initiator.name === '陈杰'))
  const approved = await as.chenj.get('/api/v1/workflows/instances?state=approved&def_key=leave')
  assert.ok(approved.body.items.length > 0)
  assert.ok(approved.body.items.every((i) => i.state === 'approved' && i.def_key === 'leave' && i.state_name === '已通过'))
  const running = await as.chenj.get('/api/v1/workflows/instances?state=running')
  assert.ok(running.body.items.every((i) => i.handlers))
  const q = await as.chenj.get('/api/v1/workflows/instances?q=' + encodeURIComponent('外出报备'))
  assert.ok(q.body.items.every((i) => i.title.includes('外出报备')))
  const dated = await as.chenj.get('/api/v1/workflows/instances?from=2026-03-03')
  assert.equal(dated.body.total, 0)
  // the demo's 发文 and 督办 approvals are the drafters' own too; the forms are chenj's alone
  assert.equal((await as.xuf.get('/api/v1/workflows/instances?module=approval')).body.total, 0)
  assert.ok((await as.xuf.get('/api/v1/workflows/instances?module=outgoing')).body.total > 0)
  assert.equal((await as.xuf.get('/api/v1/workflows/instances?scope=all')).status, 403)
  const all = await as.wangq.get('/api/v1/workflows/instances?scope=all&module=approval&limit=200')
  const mineForms = await as.chenj.get('/api/v1/workflows/instances?module=approval')
  assert.equal(all.body.total, mineForms.body.total)
  assert.equal((await as.chenj.get('/api/v1/workflows/instances?state=lost')).status, 400)
})

test('definitions: the office director saves versions; running instances keep theirs', async () => {
  const old = await started('chenj', 'outing', outing())
  const def = (await as.wangq.get('/api/v1/workflows/definitions/outing')).body.definition
  const v2 = { ...def, steps: [...def.steps, { id: 'office', name: '办公室备案', kind: 'single', assignee: { rule: 'office_director' } }] }
  assert.equal((await as.liuy.post('/api/v1/workflows/definitions', { ...v2, version: 1 })).status, 403)
  const stale = await as.wangq.post('/api/v1/workflows/definitions', { ...v2, version: 0 })
  assert.equal(stale.status, 409)
  const badRole = await as.wangq.post('/api/v1/workflows/definitions', { ...v2, version: 1, steps: [{ ...v2.steps[0], assignee: { rule: 'role', role: '保洁员' } }] })
  assert.equal(badRole.status, 422)
  assert.equal(badRole.body.error.field, 'steps[0].assignee')
  const badShape = await as.wangq.post('/api/v1/workflows/definitions', { ...v2, version: 1, steps: [{ ...v2.steps[0], kind: 'vote' }] })
  assert.equal(badShape.status, 422)
  const saved = await as.wangq.post('/api/v1/workflows/definitions', { ...v2, version: 1 })
  assert.equal(saved.status, 201, JSON.stringify(saved.body))
  assert.equal(saved.body.version, 2)
  assert.deepEqual(saved.body.versions.map((v) => v.version), [2, 1])
  const fresh = await started('chenj', 'outing', outing())
  assert.equal(fresh.def_version, 2)
  assert.equal(fresh.steps.length, 2)
  // the old instance still runs version 1: the department head's approval ends it
  let cur = await ok('liuy', old.id, { action: 'approve', opinion: '同意' })
  assert.equal(cur.def_version, 1)
  assert.equal(cur.state, 'approved')
  cur = await ok('liuy', fresh.id, { action: 'approve', opinion: '同意' })
  assert.deepEqual(names(cur), ['王强'])
  // an inactive definition starts nothing
  const off = await as.wangq.post('/api/v1/workflows/definitions', { ...v2, version: 2, active: false })
  assert.equal(off.status, 201)
  const refused = await start('chenj', 'outing', outing())
  assert.equal(refused.status, 422)
  assert.equal(refused.body.error.field, 'def_key')
  assert.equal((await ok('wangq', fresh.id, { action: 'approve', opinion: '已备案' })).state, 'approved')
  const audit = JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM audit_log WHERE action = 'workflow.definition.save' AND result = 'ok'"))[0].n
  assert.equal(audit, 2)
})

test('calendar: stored per org, edited by the office director or sysadmin, drives time limits', async () => {
  const cal = await as.chenj.get('/api/v1/calendar/2026')
  assert.equal(cal.status, 200)
  assert.equal(cal.body.configured, true)
  assert.equal(cal.body.version, 1)
  assert.ok(cal.body.holidays.includes('2026-10-01'))
  assert.ok(cal.body.workdays.includes('2026-01-04'))
  const body = { holidays: [...cal.body.holidays, '2026-03-03'], workdays: cal.body.workdays, note: cal.body.note, version: 1 }
  assert.equal((await as.chenj.call('PUT', '/api/v1/calendar/2026', body)).status, 403)
  assert.equal((await as.wangq.call('PUT', '/api/v1/calendar/2026', { ...body, version: 0 })).status, 409)
  const bad = await as.wangq.call('PUT', '/api/v1/calendar/2026', { ...body, workdays: ['2026-03-04'] })
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.field, 'workdays')
  const put = await as.wangq.call('PUT', '/api/v1/calendar/2026', body)
  assert.equal(put.status, 200, JSON.stringify(put.body))
  assert.equal(put.body.version, 2)
  assert.ok(put.body.holidays.includes('2026-03-03'))
  // a new item's one-working-day limit skips the new holiday: Wednesday 18:00
  const inst = await started('chenj', 'leave', leave(1))
  assert.equal(inst.items[0].due_at, '2026-03-04T18:00:00+08:00')
  const admin = await as.admin.call('PUT', '/api/v1/calendar/2027', { holidays: ['2027-01-01'], workdays: [] })
  assert.equal(admin.status, 200)
  assert.equal(admin.body.version, 1)
  const y2030 = await as.chenj.get('/api/v1/calendar/2030')
  assert.deepEqual([y2030.body.configured, y2030.body.holidays], [false, []])
  assert.equal((await as.chenj.get('/api/v1/calendar/1800')).status, 404)
  const audits = JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM audit_log WHERE action = 'calendar.update' AND result = 'ok'"))[0].n
  assert.equal(audits, 2)
})

test('every action is audited with its instance, refusals included', async () => {
  const rows = JSON.parse(sql(srv.dbPath, "SELECT action, result, count(*) n FROM audit_log WHERE object_type = 'wf_instance' GROUP BY action, result"))
  const byKey = Object.fromEntries(rows.map((r) => [`${r.action} ${r.result}`, r.n]))
  // the forms' instances: the demo's 发文 and 督办 ones were acted on by their own modules
  const acted = JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM wf_history h JOIN wf_instance i ON i.id = h.instance_id WHERE i.module = 'approval' AND h.actor IS NOT NULL AND h.event NOT IN ('submit')"))[0].n
  const started = JSON.parse(sql(srv.dbPath, "SELECT count(*) n FROM wf_instance WHERE module = 'approval'"))[0].n
  assert.equal(byKey['workflow.action ok'], acted)
  assert.equal(byKey['workflow.start ok'], started)
  assert.ok(byKey['workflow.action fail:forbidden'] >= 3)
  assert.ok(byKey['workflow.action fail:not_found'] >= 2)
  assert.ok(byKey['workflow.action fail:conflict'] >= 2)
  const verify = cli(['audit', 'verify', '--db', srv.dbPath])
  assert.match(verify, /审计链完整/)
})

test('the scheduler route exists only under the test clock and for the sysadmin', async () => {
  assert.equal((await as.wangq.post('/api/v1/workflows/scheduler/run', {})).status, 403)
  const res = await as.admin.post('/api/v1/workflows/scheduler/run', {})
  assert.equal(res.status, 200)
  assert.equal(res.body.now, '2026-03-02T09:00:00+08:00')
})
