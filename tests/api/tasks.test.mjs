// 督察督办 through the API: 立项 → 交办 → 签收 → 办理 → 报结 → 初审 → 领导审阅 → 销号 → 归档, joint
// supervision, 退办, extensions (approved, refused, late), 报备审批, need-to-know, lights, lists,
// the board, reminders, statistics against a hand-computed fixture and the 通报 files.
// The server runs with the module's test clock: JIANWU_FAKE_NOW fixes "now", and the office
// director moves it with POST /api/v1/tasks/scheduler/run {"now"}.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, bearer, sql, Client } from '../lib/server.mjs'

const START = '2026-03-02T09:00:00+08:00' // a Monday
let srv
const as = {}
const uid = (name) => JSON.parse(sql(srv.dbPath, `SELECT id FROM app_user WHERE username='${name}'`))[0].id
const U = {}

before(async () => {
  process.env.JIANWU_FAKE_NOW = START
  srv = await startServer({ demo: true })
  delete process.env.JIANWU_FAKE_NOW
  for (const name of ['zhaol', 'wangq', 'lihm', 'zhangjg', 'liuy', 'chenj', 'huangt', 'xuf', 'sunm', 'zhoup']) {
    as[name] = await bearer(srv, name)
    U[name] = uid(name)
  }
})
after(async () => { await srv.stop() })

const clock = async (now) => {
  const res = await as.wangq.post('/api/v1/tasks/scheduler/run', { now })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

const routine = (over = {}) => ({
  title: '落实党组会关于案件质量评查的决定',
  content: '对2025年办结案件开展质量评查，形成评查报告。',
  source: 'party_group',
  type: 'routine',
  lead_department: 'DYJCB',
  responsible_id: U.chenj,
  supervisor_ids: [U.zhaol],
  assigned_date: '2026-03-02',
  deadline: '2026-03-31',
  feedback: 'weekly',
  ...over,
})

const act = (who, id, action, extra = {}) => as[who].post(`/api/v1/tasks/${id}/actions`, { action, ...extra })
const ok = async (who, id, action, extra = {}) => {
  const res = await act(who, id, action, extra)
  assert.equal(res.status, 200, `${action} by ${who}: ${JSON.stringify(res.body)}`)
  return res.body
}

test('立项 → 交办 → 签收 → 报结 → 初审 → 领导审阅 → 销号 → 归档, with history and todos', async () => {
  await clock(START)
  const res = await as.zhaol.post('/api/v1/tasks', routine())
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const t = res.body
  assert.match(t.number, /^督〔2026〕\d+号$/)
  assert.equal(t.state, 'registered')
  assert.equal(t.leader.name, '李红梅') // the 分管领导 of the lead department by default
  assert.equal(t.light, 'green')
  assert.deepEqual(t.actions.map((a) => a.action).sort(), ['assign', 'cancel', 'remind'])

  // need-to-know: the responsible person and the leaders see it, an uninvolved department does not
  assert.equal((await as.chenj.get(`/api/v1/tasks/${t.id}`)).status, 200)
  assert.equal((await as.zhangjg.get(`/api/v1/tasks/${t.id}`)).status, 200)
  assert.equal((await as.xuf.get(`/api/v1/tasks/${t.id}`)).status, 404)
  assert.equal((await act('xuf', t.id, 'sign')).status, 404)
  const xufList = await as.xuf.get('/api/v1/tasks?limit=200')
  assert.ok(!xufList.body.items.some((i) => i.id === t.id))

  // actions are checked against the state and the caller's role in the item
  assert.equal((await act('chenj', t.id, 'sign')).status, 409)
  assert.equal((await act('chenj', t.id, 'assign')).status, 403)
  assert.equal((await act('zhaol', t.id, 'fly')).status, 422)
  assert.equal((await act('zhaol', t.id, 'assign', { version: t.version + 7 })).status, 409)
  let x = await ok('zhaol', t.id, 'assign', { opinion: '请按期办结', version: t.version })
  assert.equal(x.state, 'assigned')
  const todos = await as.chenj.get('/api/v1/todos?kind=task')
  assert.ok(todos.body.items.some((i) => i.object_id === t.id && i.step === '签收'))

  x = await ok('chenj', t.id, 'sign')
  assert.equal(x.state, 'in_progress')
  assert.equal(x.next_report_due, '2026-03-09')
  const rep = await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: '已抽取评查案件120件，正在评查。' })
  assert.equal(rep.status, 201)
  assert.equal(rep.body.report_date, '2026-03-02')
  assert.equal((await as.chenj.post(`/api/v1/tasks/${t.id}/reports`, { content: '' })).status, 422)
  const reports = await as.zhaol.get(`/api/v1/tasks/${t.id}/reports`)
  assert.equal(reports.body.total, 1)

  assert.equal((await act('chenj', t.id, 'report_done')).status, 422) // the 办结报告 is required
  x = await ok('chenj', t.id, 'report_done', { opinion: '评查报告已形成，共发现问题12个，已整改。' })
  assert.equal(x.state, 'reported')
  assert.equal(x.done_date, '2026-03-02')
  assert.equal((await act('chenj', t.id, 'pass')).status, 403) // not a supervisor
  x = await ok('zhaol', t.id, 'pass', { opinion: '情况属实' })
  assert.equal(x.state, 'leader_review')
  assert.equal((await act('zhaol', t.id, 'approve')).status, 403)
  x = await ok('lihm', t.id, 'approve', { opinion: '同意销号' })
  assert.equal(x.state, 'closed')
  assert.equal(x.closed_date, '2026-03-02')
  x = await ok('zhaol', t.id, 'archive')
  assert.equal(x.state, 'archived')

  const names = x.events.map((ev) => ev.action)
  assert.deepEqual(names, ['create', 'assign', 'sign', 'report', 'report_done', 'pass', 'approve', 'archive'])
  for (const ev of x.events) {
    assert.ok(ev.actor_name.length > 0)
    assert.match(ev.ts, /^2026-03-02T\d\d:\d\d:\d\d\+08:00$/)
  }
  const notices = await as.chenj.get('/api/v1/notices?limit=200')
  assert.ok(notices.body.items.some((n) => n.title.includes(t.number) && n.title.includes('销号')))
})

test('复杂事项: joint supervisors must all pass; 退办 resets the round; only the responsible leader closes', async () => {
  const base = routine({
    type: 'complex',
    title: '推进检察听证室建设',
    supervisor_ids: [U.zhaol, U.wangq],
    leader_id: U.zhangjg,
    feedback: 'none',
  })
  // a complex item must be split into a lead part and at least one assisting department
  let res = await as.zhaol.post('/api/v1/tasks', base)
  assert.equal(res.status, 422)
  assert.equal(res.body.error.field, 'parts')
  res = await as.zhaol.post('/api/v1/tasks', routine({ supervisor_ids: [U.zhaol, U.wangq] }))
  assert.equal(res.status, 422) // a routine item has exactly one supervisor
  assert.equal(res.body.error.field, 'supervisor_ids')
  res = await as.zhaol.post('/api/v1/tasks', {
    ...base,
    parts: [
      { department: 'DYJCB', role: 'lead', assignee_id: U.chenj, content: '牵头制定方案并组织实施', deadline: '2026-03-31' },
      { department: 'DEJCB', role: 'assist', assignee_id: U.xuf, content: '提供听证案件需求', deadline: '2026-03-20' },
    ],
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const t = res.body
  assert.equal(t.parts.length, 2)
  assert.equal(t.supervisors.length, 2)
  // the assisting department's members see it now
  assert.equal((await as.huangt.get(`/api/v1/tasks/${t.id}`)).status, 200)
  assert.equal((await as.sunm.get(`/api/v1/tasks/${t.id}`)).status, 404)

  await ok('zhaol', t.id, 'assign')
  await ok('chenj', t.id, 'sign')
  await ok('xuf', t.id, 'sign')
  let r = await act('chenj', t.id, 'report_done', { opinion: '已完成' })
  assert.equal(r.status, 422) // the assisting part is still open
  const assist = t.parts.find((p) => p.role === 'assist')
  assert.equal((await act('chenj', t.id, 'complete_part', { part_id: assist.id, opinion: 'x' })).status, 403)
  await ok('xuf', t.id, 'complete_part', { part_id: assist.id, opinion: '需求清单已提交' })
  let x = await ok('chenj', t.id, 'report_done', { opinion: '听证室已建成投入使用。' })
  x = await ok('zhaol', t.id, 'pass')
  assert.equal(x.state, 'reported') // wangq has not passed yet
  assert.equal((await act('zhaol', t.id, 'pass')).status, 403) // passing twice
  assert.equal((await act('wangq', t.id, 'return')).status, 422) // reasons required
  x = await ok('wangq', t.id, 'return', { opinion: '缺少验收材料，请补充后重新报结。' })
  assert.equal(x.state, 'in_progress')
  assert.equal(x.done_date, null)
  assert.ok(x.supervisors.every((s) => s.passed_at === null))
  x = await ok('chenj', t.id, 'report_done', { opinion: '已补充验收材料。' })
  x = await ok('wangq', t.id, 'pass')
  assert.equal(x.state, 'reported') // the round restarted: zhaol must pass again
  x = await ok('zhaol', t.id, 'pass')
  assert.equal(x.state, 'leader_review')
  assert.equal((await act('lihm', t.id, 'approve')).status, 403) // the responsible leader is the chief
  x = await ok('zhangjg', t.id, 'approve', { opinion: '同意' })
  assert.equal(x.state, 'closed')
  const ret = x.events.find((ev) => ev.action === 'return')
  assert.equal(ret.actor_name, '王强')
  assert.match(ret.opinion, /验收材料/)
})

test('延期: approved moves the deadline and counts; refused keeps it; late requests are refused', async () => {
  const res = await as.zhaol.post('/api/v1/tasks', routine({ deadline: '2026-03-06', feedback: 'none' }))
  const t = res.body
  await ok('zhaol', t.id, 'assign')
  await ok('chenj', t.id, 'sign')
  assert.equal((await act('chenj', t.id, 'request_extension', { new_deadline: '2026-03-20' })).status, 422) // reason
  assert.equal((await act('chenj', t.id, 'request_extension', { opinion: '需调取外单位材料', new_deadline: '2026-03-05' })).status, 422)
  let x = await ok('chenj', t.id, 'request_extension', { opinion: '需调取外单位材料', new_deadline: '2026-03-20' })
  assert.equal(x.pending_extension.new_deadline, '2026-03-20')
  assert.equal((await act('chenj', t.id, 'request_extension', { opinion: '再次', new_deadline: '2026-03-27' })).status, 409)
  assert.equal((await act('chenj', t.id, 'report_done', { opinion: '完成' })).status, 409)
  assert.equal((await act('chenj', t.id, 'approve_extension')).status, 403)
  assert.equal((await act('zhangjg', t.id, 'approve_extension')).status, 403) // not the responsible leader
  const lihmTodos = await as.lihm.get('/api/v1/todos?kind=task')
  const extTodo = lihmTodos.body.items.find((i) => i.object_id === t.id && i.step === '延期审批')
  assert.equal(extTodo.instance_id, x.pending_extension.instance_id)
  // the instance is the item's: its people see it, others do not
  const inst = await as.chenj.get(`/api/v1/workflows/instances/${extTodo.instance_id}`)
  assert.equal(inst.status, 200)
  assert.equal(inst.body.form.new_deadline, '2026-03-20')
  assert.equal(inst.body.def_key, 'task_extension')
  assert.equal((await as.xuf.get(`/api/v1/workflows/instances/${extTodo.instance_id}`)).status, 404)
  assert.equal((await as.zhangjg.post(`/api/v1/workflows/instances/${extTodo.instance_id}/actions`, { action: 'approve' })).status, 403)
  x = await ok('lihm', t.id, 'approve_extension', { opinion: '同意' })
  assert.equal(x.deadline, '2026-03-20')
  assert.equal(x.orig_deadline, '2026-03-06')
  assert.equal(x.extensions, 1)
  assert.equal(x.pending_extension, null)

  await ok('chenj', t.id, 'request_extension', { opinion: '还需一周', new_deadline: '2026-03-27' })
  assert.equal((await act('lihm', t.id, 'refuse_extension')).status, 422) // reasons required
  // refused on the engine's page: the item keeps its deadline
  const inst2 = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body.pending_extension.instance_id
  assert.equal((await as.lihm.post(`/api/v1/workflows/instances/${inst2}/actions`, { action: 'reject', opinion: '时限不再延长' })).status, 200)
  x = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(x.deadline, '2026-03-20')
  assert.equal(x.extensions, 1)
  assert.equal(x.pending_extension, null)
  assert.deepEqual(x.approvals.map((a) => a.state), ['approved', 'refused'])
  assert.deepEqual(x.events.filter((ev) => ev.action.endsWith('_extension')).map((ev) => [ev.action, ev.actor_name]),
    [['request_extension', '陈杰'], ['approve_extension', '李红梅'], ['request_extension', '陈杰'], ['refuse_extension', '李红梅']])
  assert.equal(x.events.find((ev) => ev.action === 'approve_extension').detail, '2026-03-20')

  // an extension still pending when the item is cancelled ends with it
  await ok('chenj', t.id, 'request_extension', { opinion: '再申请', new_deadline: '2026-03-25' })
  const inst3 = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body.pending_extension.instance_id
  x = await ok('lihm', t.id, 'cancel', { opinion: '任务调整' })
  assert.equal(x.state, 'cancelled')
  assert.equal(x.approvals.at(-1).state, 'withdrawn')
  assert.equal((await as.lihm.get(`/api/v1/workflows/instances/${inst3}`)).body.state, 'cancelled')
  assert.ok(!(await as.lihm.get('/api/v1/todos?kind=task')).body.items.some((i) => i.instance_id === inst3))

  // late: the deadline (2026-02-27) passed before the request
  const late = (await as.zhaol.post('/api/v1/tasks', routine({ assigned_date: '2026-02-02', deadline: '2026-02-27', feedback: 'none' }))).body
  await ok('zhaol', late.id, 'assign')
  await ok('chenj', late.id, 'sign')
  const r = await act('chenj', late.id, 'request_extension', { opinion: '来不及', new_deadline: '2026-03-20' })
  assert.equal(r.status, 422)
  assert.match(r.body.error.message, /超过办理时限/)
  assert.equal((await as.chenj.get(`/api/v1/tasks/${late.id}`)).body.light, 'red')
  assert.equal((await as.chenj.get(`/api/v1/tasks/${late.id}`)).body.approvals.length, 0) // never reached the engine
})

test('延期 returned for changes: resubmitted in time it is decided again, after the deadline it is refused', async () => {
  const t = (await as.zhaol.post('/api/v1/tasks', routine({ deadline: '2026-03-06', feedback: 'none' }))).body
  await ok('zhaol', t.id, 'assign')
  await ok('chenj', t.id, 'sign')
  let x = await ok('chenj', t.id, 'request_extension', { opinion: '需调取外单位材料', new_deadline: '2026-03-20' })
  const inst = x.pending_extension.instance_id
  const wf = (who, body) => as[who].post(`/api/v1/workflows/instances/${inst}/actions`, body)
  assert.equal((await wf('lihm', { action: 'return', to: 'initiator', opinion: '请说明需调取哪些材料' })).status, 200)
  x = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(x.events.at(-1).action, 'return_extension')
  assert.equal(x.pending_extension.instance_id, inst) // still open: the requester may send it again
  // sent again in time with a new date: the leader decides the new request
  assert.equal((await wf('chenj', { action: 'resubmit', form: { ...(await as.chenj.get(`/api/v1/workflows/instances/${inst}`)).body.form, new_deadline: '2026-03-13' } })).status, 200)
  x = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(x.pending_extension.new_deadline, '2026-03-13')
  assert.equal((await wf('lihm', { action: 'return', to: 'initiator', opinion: '再补充' })).status, 200)
  // the deadline passes before it is sent again: refused, the instance stays as it was
  await clock('2026-03-09T09:00:00+08:00')
  const late = await wf('chenj', { action: 'resubmit' })
  assert.equal(late.status, 422)
  assert.match(late.body.error.message, /超过办理时限/)
  assert.equal((await as.chenj.get(`/api/v1/workflows/instances/${inst}`)).body.state, 'returned')
  // the requester gives up: the request is withdrawn and the item can be reported
  assert.equal((await wf('chenj', { action: 'cancel', opinion: '不再申请' })).status, 200)
  x = (await as.chenj.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(x.pending_extension, null)
  assert.equal(x.approvals[0].state, 'withdrawn')
  assert.equal(x.deadline, '2026-03-06')
  assert.equal(x.extensions, 0)
  await ok('chenj', t.id, 'report_done', { opinion: '已办结' })
  await clock(START)
})

test('报备审批 on the approval engine: 办公室主任 审核, then the 分管领导 approves; refusals end it', async () => {
  assert.equal((await as.chenj.post('/api/v1/tasks', routine())).status, 403) // staff cannot
  let res = await as.liuy.post('/api/v1/tasks', routine({ lead_department: 'DEJCB', responsible_id: U.xuf, source: 'department' }))
  assert.equal(res.status, 422) // only the filer's own department
  res = await as.liuy.post('/api/v1/tasks', routine({ source: 'department', title: '部门自报：完成积案清理' }))
  assert.equal(res.status, 201)
  const t = res.body
  assert.equal(t.state, 'filing')
  assert.equal(t.number, null)
  assert.ok(t.pending_filing.instance_id > 0)
  assert.equal((await act('liuy', t.id, 'approve_filing')).status, 403)
  assert.equal((await act('lihm', t.id, 'approve_filing')).status, 403) // not his step yet
  const todos = await as.wangq.get('/api/v1/todos?kind=task')
  const todo = todos.body.items.find((i) => i.object_id === t.id && i.step === '报备审核')
  assert.ok(todo, JSON.stringify(todos.body.items))
  assert.equal(todo.instance_id, t.pending_filing.instance_id) // the workbench opens the instance
  let x = await ok('wangq', t.id, 'approve_filing', { opinion: '同意纳入督办' })
  assert.equal(x.state, 'filing') // the 分管领导 decides next
  assert.deepEqual(x.actions.map((a) => a.action).includes('approve_filing'), false)
  const lihmTodo = (await as.lihm.get('/api/v1/todos?kind=task')).body.items.find((i) => i.object_id === t.id)
  assert.equal(lihmTodo.step, '报备审批')
  // the 分管领导 decides on the engine's own page: the listener applies it to the item
  const res2 = await as.lihm.post(`/api/v1/workflows/instances/${t.pending_filing.instance_id}/actions`, { action: 'approve', opinion: '同意立项' })
  assert.equal(res2.status, 200, JSON.stringify(res2.body))
  x = (await as.liuy.get(`/api/v1/tasks/${t.id}`)).body
  assert.equal(x.state, 'registered')
  assert.match(x.number, /^督〔2026〕\d+号$/)
  assert.equal(x.pending_filing, null)
  assert.deepEqual(x.approvals.map((a) => [a.kind, a.state, a.decided_name]), [['filing', 'approved', '李红梅']])
  assert.deepEqual(x.events.map((ev) => ev.action), ['file', 'approve_filing_step', 'approve_filing'])
  assert.equal(x.events[2].opinion, '同意立项')
  assert.ok(x.actions.some((a) => a.action === 'assign'))

  const r2 = (await as.liuy.post('/api/v1/tasks', routine({ source: 'department', title: '部门自报：整理内务' }))).body
  assert.equal((await act('wangq', r2.id, 'refuse_filing')).status, 422)
  const y = await ok('wangq', r2.id, 'refuse_filing', { opinion: '属部门日常工作，不纳入督办' })
  assert.equal(y.state, 'rejected')
  assert.equal(y.number, null)
  assert.equal(y.events.at(-1).action, 'refuse_filing')

  // the filer withdraws (cancels) the 报备 on the engine: the item is cancelled with it
  const r3 = (await as.liuy.post('/api/v1/tasks', routine({ source: 'department', title: '部门自报：撤回的事项' }))).body
  const c3 = await as.liuy.post(`/api/v1/workflows/instances/${r3.pending_filing.instance_id}/actions`, { action: 'cancel', opinion: '不再报备' })
  assert.equal(c3.status, 200, JSON.stringify(c3.body))
  const z = (await as.liuy.get(`/api/v1/tasks/${r3.id}`)).body
  assert.equal(z.state, 'cancelled')
  assert.equal(z.approvals[0].state, 'withdrawn')
})

test('numbers run per org and year without gaps', async () => {
  const rows = JSON.parse(sql(srv.dbPath, "SELECT seq FROM task WHERE year = 2026 ORDER BY seq"))
  rows.forEach((r, i) => { if (i) assert.equal(r.seq, rows[i - 1].seq + 1) })
})

test('validation: unknown fields, limits, dates, people', async () => {
  const bad = async (body, field) => {
    const res = await as.zhaol.post('/api/v1/tasks', body)
    assert.equal(res.status, 422, JSON.stringify(res.body))
    assert.equal(res.body.error.field, field)
  }
  await bad({ ...routine(), colour: 'red' }, 'colour')
  await bad(routine({ title: '' }), 'title')
  await bad(routine({ source: 'rumour' }), 'source')
  await bad(routine({ deadline: '2026-02-30' }), 'deadline')
  await bad(routine({ deadline: '2026-02-01' }), 'deadline') // before the 交办日期
  await bad(routine({ responsible_id: U.xuf }), 'responsible_id') // not in the lead department
  await bad(routine({ supervisor_ids: [U.chenj] }), 'supervisor_ids') // supervises oneself
  await bad(routine({ leader_id: U.zhaol }), 'leader_id') // not a leader
  await bad(routine({ source: 'incoming' }), 'link_id') // a 收文批示 needs its 收文
  await bad(routine({ lead_department: 'NOPE' }), 'lead_department')
  // limits: one past each
  const many = Array.from({ length: 11 }, () => U.zhaol)
  await bad(routine({ type: 'complex', supervisor_ids: many }), 'supervisor_ids')
  const parts = Array.from({ length: 21 }, () => ({ department: 'DYJCB', role: 'assist', assignee_id: U.chenj, content: 'x', deadline: '2026-03-10' }))
  await bad(routine({ type: 'complex', parts }), 'parts')
  await bad(routine({ content: 'x'.repeat(64 * 1024 + 1) }), 'content')
  const far = await as.zhaol.post('/api/v1/tasks', routine({ deadline: '2029-03-10' })) // > 3*366 days
  assert.equal(far.status, 422)
  // query limits: the search text (128 bytes) and the statistics span (5*366 days)
  assert.equal((await as.zhaol.get(`/api/v1/tasks?q=${'a'.repeat(128)}`)).status, 200)
  assert.equal((await as.zhaol.get(`/api/v1/tasks?q=${'a'.repeat(129)}`)).status, 400)
  assert.equal((await as.zhaol.get('/api/v1/tasks/stats?from=2026-01-01&to=2031-01-05')).status, 200)
  assert.equal((await as.zhaol.get('/api/v1/tasks/stats?from=2026-01-01&to=2031-01-06')).status, 400)
})

test('收文批示: an item linked to a 收文 the creator can see', async () => {
  const doc = JSON.parse(sql(srv.dbPath, 'SELECT min(id) AS id FROM incoming_doc'))[0].id
  assert.ok(doc, 'the documents demo registers 收文')
  const res = await as.zhaol.post('/api/v1/tasks', routine({ source: 'incoming', link_id: doc, title: '收文批示落实' }))
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.deepEqual(res.body.link, { kind: 'incoming', id: doc })
  assert.equal(res.body.source_name, '收文批示')
  const bad = await as.zhaol.post('/api/v1/tasks', routine({ source: 'incoming', link_id: 999999 }))
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.field, 'link_id')
  const wrong = await as.zhaol.post('/api/v1/tasks', routine({ source: 'party_group', link_id: doc }))
  assert.equal(wrong.status, 422)
})

test('lights, list filters and the department board', async () => {
  // assigned 2026-02-02: red (deadline passed), yellow (deadline tomorrow), green (end of month)
  const mk = async (deadline, title) => {
    const t = (await as.zhaol.post('/api/v1/tasks', routine({ assigned_date: '2026-02-02', deadline, title, feedback: 'none', lead_department: 'DEJCB', responsible_id: U.xuf }))).body
    await ok('zhaol', t.id, 'assign')
    await ok('xuf', t.id, 'sign')
    return t.id
  }
  const red = await mk('2026-02-27', '灯测试：红')
  const yellow = await mk('2026-03-03', '灯测试：黄')
  const green = await mk('2026-03-31', '灯测试：绿')
  const byLight = async (light) => (await as.huangt.get(`/api/v1/tasks?department=DEJCB&light=${light}&q=灯测试`)).body.items.map((i) => i.id)
  assert.deepEqual(await byLight('red'), [red])
  assert.deepEqual(await byLight('yellow'), [yellow])
  assert.deepEqual(await byLight('green'), [green])
  const board = await as.huangt.get('/api/v1/tasks/board?department=DEJCB&limit=200')
  assert.equal(board.status, 200)
  const ours = board.body.items.filter((i) => [red, yellow, green].includes(i.id))
  assert.deepEqual(ours.map((i) => i.light), ['red', 'yellow', 'green']) // red first
  assert.ok(board.body.counts.red >= 1 && board.body.counts.yellow >= 1)
  assert.equal(ours[0].part.assignee, '徐芳')
  // scopes
  const mine = await as.xuf.get('/api/v1/tasks?scope=mine&q=灯测试')
  assert.equal(mine.body.total, 3)
  const sup = await as.zhaol.get('/api/v1/tasks?scope=supervising&q=灯测试')
  assert.equal(sup.body.total, 3)
  assert.equal((await as.zhaol.get('/api/v1/tasks?light=purple')).status, 400)
})

test('reminders: yellow and red fire once; 催办 reaches the responsible person; report overdue', async () => {
  const t = (await as.zhaol.post('/api/v1/tasks', routine({ deadline: '2026-03-06', title: '催办测试', lead_department: 'BGS', responsible_id: U.zhoup, feedback: 'none' }))).body
  await ok('zhaol', t.id, 'assign')
  await ok('zhoup', t.id, 'sign')
  const ledger = (kind) => JSON.parse(sql(srv.dbPath, `SELECT count(*) AS n FROM task_reminder WHERE task_id = ${t.id} AND kind = '${kind}'`))[0].n
  await clock('2026-03-05T09:00:00+08:00')
  assert.equal(ledger('near_due'), 1)
  await clock('2026-03-05T16:00:00+08:00')
  assert.equal(ledger('near_due'), 1)
  await clock('2026-03-09T09:00:00+08:00')
  await clock('2026-03-09T09:01:00+08:00')
  assert.equal(ledger('overdue'), 1)
  assert.equal(ledger('escalate'), 1)
  const leaderNotices = await as.lihm.get('/api/v1/notices?limit=200')
  assert.equal(leaderNotices.body.items.filter((n) => n.title.includes(t.number) && n.kind === 'overdue').length, 1)

  assert.equal((await act('zhoup', t.id, 'remind', { opinion: '请抓紧' })).status, 403) // the handler does not chase
  assert.equal((await act('zhaol', t.id, 'remind')).status, 422)
  const x = await ok('zhaol', t.id, 'remind', { opinion: '请于本周内报结。' })
  const manual = x.reminders.filter((r) => r.kind === 'manual')
  assert.equal(manual.length, 1)
  assert.equal(manual[0].recipients, '周萍')
  const n = await as.zhoup.get('/api/v1/notices?limit=200')
  assert.ok(n.body.items.some((i) => i.title.includes('督办催办') && i.body === '请于本周内报结。'))

  // weekly feedback from 2026-03-02: the report due 2026-03-09 is missing on 2026-03-10
  const w = (await as.zhaol.post('/api/v1/tasks', routine({ title: '周报测试', lead_department: 'BGS', responsible_id: U.zhoup }))).body
  await ok('zhaol', w.id, 'assign')
  await ok('zhoup', w.id, 'sign')
  await clock('2026-03-10T09:00:00+08:00')
  await clock('2026-03-10T10:00:00+08:00')
  const rows = JSON.parse(sql(srv.dbPath, `SELECT kind, due_key FROM task_reminder WHERE task_id = ${w.id}`))
  assert.equal(rows.filter((r) => r.kind === 'report_overdue').length, 1)
  const detail = (await as.zhoup.get(`/api/v1/tasks/${w.id}`)).body
  assert.equal(detail.report_overdue, true)
  assert.equal(detail.next_report_due, '2026-03-16')
  const todo = await as.zhoup.get('/api/v1/todos?kind=task')
  assert.ok(todo.body.items.some((i) => i.object_id === w.id && i.step === '进展报告'))
  await as.zhoup.post(`/api/v1/tasks/${w.id}/reports`, { content: '补报：进展顺利' })
  const after2 = await as.zhoup.get('/api/v1/todos?kind=task')
  assert.ok(!after2.body.items.some((i) => i.object_id === w.id && i.step === '进展报告'))
  await clock(START)
})

test('the scheduler hook: office director only, and "now" only with the test clock', async () => {
  assert.equal((await as.zhaol.post('/api/v1/tasks/scheduler/run', {})).status, 403)
  const st = await as.wangq.get('/api/v1/tasks/scheduler')
  assert.equal(st.status, 200)
  assert.equal(st.body.fake_clock, true)
  assert.ok(st.body.sweeps >= 1) // the thread swept at start
  assert.equal((await as.wangq.post('/api/v1/tasks/scheduler/run', { now: 'yesterday' })).status, 422)
})

// The fixture of 2031 H1 (no demo data there), as of 2031-07-10; hand counted:
//   P1 DYJCB party_group 01-06..02-28 报结 02-27, closed          due closed on-time
//   P2 DYJCB party_group 01-06..03-31 报结 04-03, closed          due closed overdue
//   P3 DYJCB superior    02-03..04-30 extended to 05-30, 报结 05-29, closed  due closed on-time extended
//   P4 DYJCB key_work    03-03..06-30 open                         due overdue
//   P5 DEJCB superior    01-06..06-13 报结 06-12, in 领导审阅       due
//   P6 DEJCB key_work    02-03..03-14 open, cancelled              nothing
//   P7 DEJCB key_work    06-02..08-29 open                         assigned only
test('statistics: the contract against a hand-computed fixture', async () => {
  const at = (d) => clock(`${d}T10:00:00+08:00`)
  const mk = async (o) => {
    await at(o.assigned_date)
    const res = await as.zhaol.post('/api/v1/tasks', routine({ feedback: 'none', title: '统计夹具', ...o }))
    assert.equal(res.status, 201, JSON.stringify(res.body))
    await ok('zhaol', res.body.id, 'assign')
    await ok(o.responsible_id === U.xuf ? 'xuf' : 'chenj', res.body.id, 'sign')
    return res.body.id
  }
  const close = async (id, who, done, closed) => {
    await at(done)
    await ok(who, id, 'report_done', { opinion: '办结' })
    await at(closed)
    await ok('zhaol', id, 'pass')
    await ok('lihm', id, 'approve')
  }
  const dej = { lead_department: 'DEJCB', responsible_id: U.xuf }
  const p1 = await mk({ assigned_date: '2031-01-06', deadline: '2031-02-28' })
  await close(p1, 'chenj', '2031-02-27', '2031-03-03')
  const p2 = await mk({ assigned_date: '2031-01-06', deadline: '2031-03-31' })
  await close(p2, 'chenj', '2031-04-03', '2031-04-04')
  const p3 = await mk({ assigned_date: '2031-02-03', deadline: '2031-04-30', source: 'superior' })
  await at('2031-04-25')
  await ok('chenj', p3, 'request_extension', { opinion: '延期', new_deadline: '2031-05-30' })
  await ok('lihm', p3, 'approve_extension')
  await close(p3, 'chenj', '2031-05-29', '2031-06-02')
  await mk({ assigned_date: '2031-03-03', deadline: '2031-06-30', source: 'key_work' })
  const p5 = await mk({ assigned_date: '2031-01-06', deadline: '2031-06-13', source: 'superior', ...dej })
  await at('2031-06-12')
  await ok('xuf', p5, 'report_done', { opinion: '办结' })
  await ok('zhaol', p5, 'pass')
  const p6 = await mk({ assigned_date: '2031-02-03', deadline: '2031-03-14', source: 'key_work', ...dej })
  await ok('wangq', p6, 'cancel', { opinion: '撤销' })
  await mk({ assigned_date: '2031-06-02', deadline: '2031-08-29', source: 'key_work', ...dej })
  await at('2031-07-10')

  const res = await as.wangq.get('/api/v1/tasks/stats?from=2031-01-01&to=2031-06-30')
  assert.equal(res.status, 200)
  const s = res.body
  const pick = (r) => ({ due: r.due, closed: r.closed, closed_on_time: r.closed_on_time, overdue: r.overdue, extended: r.extended, on_time_rate: r.on_time_rate })
  const dept = (code) => pick(s.by_department.find((r) => r.department_code === code))
  assert.deepEqual(dept('DYJCB'), { due: 4, closed: 3, closed_on_time: 2, overdue: 2, extended: 1, on_time_rate: 0.5 })
  assert.deepEqual(dept('DEJCB'), { due: 1, closed: 0, closed_on_time: 0, overdue: 0, extended: 0, on_time_rate: 0 })
  assert.deepEqual(pick(s.total), { due: 5, closed: 3, closed_on_time: 2, overdue: 2, extended: 1, on_time_rate: 0.4 })
  const src = (code) => pick(s.by_source.find((r) => r.source === code))
  assert.deepEqual(src('party_group'), { due: 2, closed: 2, closed_on_time: 1, overdue: 1, extended: 0, on_time_rate: 0.5 })
  assert.deepEqual(src('superior'), { due: 2, closed: 1, closed_on_time: 1, overdue: 0, extended: 1, on_time_rate: 0.5 })
  assert.deepEqual(src('key_work'), { due: 1, closed: 0, closed_on_time: 0, overdue: 1, extended: 0, on_time_rate: 0 })
  assert.equal(s.total.assigned, 6) // P1-P5, P7 (P6 cancelled)

  // the list behind each number
  const list = async (q) => (await as.wangq.get(`/api/v1/tasks?due_from=2031-01-01&due_to=2031-06-30&limit=200&${q}`)).body.total
  assert.equal(await list('stat=due'), 5)
  assert.equal(await list('stat=closed_on_time&lead_department=DYJCB'), 2)
  assert.equal(await list('stat=overdue'), 2)
  assert.equal(await list('stat=extended'), 1)

  // the dashboard of 2031
  const dash = await as.zhangjg.get('/api/v1/tasks/dashboard?year=2031')
  assert.equal(dash.status, 200)
  assert.equal(dash.body.by_month.length, 12)
  assert.equal(dash.body.by_month[5].due, 2) // June: P4, P5
  assert.equal(dash.body.by_month[1].closed_on_time, 1) // February: P1
  assert.ok(dash.body.red_total >= 1 && dash.body.red_items.length >= 1)
  const red = await as.wangq.get('/api/v1/tasks?light=red&due_from=2031-01-01&due_to=2031-12-31')
  assert.deepEqual(red.body.items.map((i) => i.title), ['统计夹具']) // P4
  assert.ok('overdue_documents' in dash.body)

  // a department head counts only what is visible to them (DEJCB: P5 only)
  const mine = await as.huangt.get('/api/v1/tasks/stats?from=2031-01-01&to=2031-06-30')
  assert.equal(mine.body.total.due, 1)
  assert.equal((await as.wangq.get('/api/v1/tasks/stats?from=2031-07-01&to=2031-01-01')).status, 400)

  // the 通报: Excel cells and PDF text
  const dir = mkdtempSync(join(tmpdir(), 'jw-bulletin-'))
  try {
    const x = await fetch(`${srv.url}/api/v1/tasks/bulletin.xlsx?from=2031-01-01&to=2031-06-30`, { headers: { authorization: `Bearer ${as.wangq.token}` } })
    assert.equal(x.status, 200)
    assert.match(x.headers.get('content-type'), /spreadsheetml/)
    writeFileSync(join(dir, 'b.xlsx'), Buffer.from(await x.arrayBuffer()))
    const rows = JSON.parse(execFileSync('python3', ['-c', XLSX_ROWS, join(dir, 'b.xlsx')], { encoding: 'utf8' }))
    assert.deepEqual(rows[0].slice(0, 3), ['分类', '名称', '应办结'])
    const total = rows.find((r) => r[0] === '合计')
    assert.deepEqual(total.slice(2, 8).map(Number), [5, 3, 2, 2, 1, 40])
    const p = await fetch(`${srv.url}/api/v1/tasks/bulletin.pdf?from=2031-01-01&to=2031-06-30`, { headers: { authorization: `Bearer ${as.wangq.token}` } })
    assert.equal(p.status, 200)
    assert.equal(p.headers.get('content-type'), 'application/pdf')
    writeFileSync(join(dir, 'b.pdf'), Buffer.from(await p.arrayBuffer()))
    const text = execFileSync('pdftotext', [join(dir, 'b.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
    assert.match(text, /督察督办事项办理情况的通报/)
    assert.match(text, /应办结5件/)
    assert.match(text, /按期办结率40\.0%/)
    assert.equal((await as.chenj.get('/api/v1/tasks/bulletin.pdf')).status, 403)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  await clock(START)
})

// Reads the first sheet of an .xlsx (shared strings and numbers) as rows of strings.
const XLSX_ROWS = `
import sys, zipfile, json, re, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1]); ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
ss = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
        ss.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
rows = []
for row in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}row' % ns['m']):
    out = []
    for c in row.findall('m:c', ns):
        v = c.find('m:v', ns); isv = c.find('m:is', ns)
        if c.get('t') == 's': out.append(ss[int(v.text)])
        elif c.get('t') == 'inlineStr': out.append(''.join(t.text or '' for t in isv.iter('{%s}t' % ns['m'])))
        else: out.append(v.text if v is not None else '')
    rows.append(out)
print(json.dumps(rows, ensure_ascii=False))
`
