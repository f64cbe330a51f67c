// 收文 through the API: registration contract, numbering per year, 密级 rules (classified bodies
// refused), the whole 办理 life cycle with the 收文处理单, return to the sender, lists and filters.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from '../lib/server.mjs'
import { docsServer, incomingBody, act, todosOf } from './docs-helpers.mjs'

let srv, as, uid, dept
before(async () => { ({ srv, as, uid, dept } = await docsServer()) })
after(async () => { await srv.stop() })

test('GET /doc-types lists the 15 types, the 13 procuratorate types first', async () => {
  const res = await as.chenj.get('/api/v1/doc-types')
  assert.equal(res.status, 200)
  assert.equal(res.body.total, 15)
  const names = res.body.items.map((t) => t.name)
  assert.deepEqual(names.slice(13), ['决议', '公报'])
  assert.ok(res.body.items.slice(0, 13).every((t) => t.procuratorate))
  assert.ok(names.includes('通知') && names.includes('请示') && names.includes('纪要'))
  assert.deepEqual(res.body.secrecy.map((s) => [s.code, s.max_years]),
    [['none', 0], ['internal', 0], ['secret', 10], ['confidential', 20], ['top_secret', 30]])
})

test('registering answers id, number 收文〔year〕N号 and state; numbers follow without gaps', async () => {
  const a = await as.zhaol.post('/api/v1/incoming', incomingBody())
  assert.equal(a.status, 201, JSON.stringify(a.body))
  assert.ok(Number.isInteger(a.body.id))
  assert.match(a.body.number, /^收文〔2026〕[1-9]\d*号$/)
  assert.equal(a.body.state, 'registered')
  assert.equal(a.body.copies, 2)
  const b = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const seq = (n) => Number(/〕(\d+)号/.exec(n)[1])
  assert.equal(seq(b.body.number), seq(a.body.number) + 1)
  // another year has its own series, from 1
  const c = await as.zhaol.post('/api/v1/incoming', incomingBody({ received_date: '2025-12-31', due_date: null }))
  assert.equal(c.status, 201)
  assert.equal(c.body.number, '收文〔2025〕1号')
  // 签收 and 登记 are on the processing sheet with name and date
  const steps = a.body.opinions.map((o) => [o.step, o.user.name])
  assert.deepEqual(steps, [['签收', '赵丽'], ['登记', '赵丽']])
  assert.match(a.body.opinions[0].date, /^\d{4}-\d{2}-\d{2}$/)
  // 初审 is in the registrar's 待办
  const todos = await todosOf(as.zhaol, 'incoming')
  assert.ok(todos.some((t) => t.object_id === a.body.id && t.step === '初审'))
})

test('registration is validated with Chinese messages', async () => {
  const cases = [
    [{ title: '' }, 'title', /标题不能为空/],
    [{ doc_type: '报表' }, 'doc_type', /文种/],
    [{ secrecy: 'secret', secrecy_years: 11, body: '' }, 'secrecy_years', /秘密公文的保密期限最长10年/],
    [{ secrecy: 'internal', secrecy_years: 5 }, 'secrecy_years', /只有秘密、机密、绝密/],
    [{ urgency: 'fast' }, 'urgency', /紧急程度/],
    [{ received_date: '2026-02-30' }, 'received_date', /收文日期/],
    [{ due_date: '2026-01-01' }, 'due_date', /办理期限不能早于收文日期/],
    [{ color: 'red' }, 'color', /不支持的字段/],
  ]
  for (const [extra, field, msg] of cases) {
    const res = await as.zhaol.post('/api/v1/incoming', incomingBody(extra))
    assert.equal(res.status, 422, JSON.stringify(extra))
    assert.equal(res.body.error.field, field)
    assert.match(res.body.error.message, msg)
  }
  // only the office registers
  const staff = await as.chenj.post('/api/v1/incoming', incomingBody())
  assert.equal(staff.status, 403)
})

test('classified documents are register entries only: body or attachments refused unless switched on', async () => {
  for (const secrecy of ['secret', 'confidential', 'top_secret']) {
    const res = await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy }))
    assert.equal(res.status, 422, secrecy)
    assert.equal(res.body.error.field, 'body')
    assert.match(res.body.error.message, /非涉密网络.*不得录入正文或上传附件/)
    const att = await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy, body: '', attachments: [1] }))
    assert.equal(att.status, 422)
    assert.equal(att.body.error.field, 'attachments')
  }
  // the register entry itself is fine; unmarked period = the maximum of the level
  const ok = await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy: 'confidential', body: '' }))
  assert.equal(ok.status, 201)
  assert.equal(ok.body.secrecy_years, 20)
  assert.equal(ok.body.secrecy_mark, '机密★20年')
  // adding a body later is refused as well
  const patch = await as.zhaol.patch(`/api/v1/incoming/${ok.body.id}`, { version: ok.body.version, body: '正文' })
  assert.equal(patch.status, 422)
  // raising an unclassified document with a body to 秘密 is refused
  const plain = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const up = await as.zhaol.patch(`/api/v1/incoming/${plain.body.id}`, { version: plain.body.version, secrecy: 'secret' })
  assert.equal(up.status, 422)
  // a classified network lifts the rule: only the 安全保密管理员 switches it, and it is audited
  assert.equal((await as.zhaol.get('/api/v1/doc-settings')).body.classified_network, false)
  assert.equal((await as.zhaol.call('PUT', '/api/v1/doc-settings', { classified_network: true })).status, 403)
  assert.equal((await as.admin.call('PUT', '/api/v1/doc-settings', { classified_network: true })).status, 403)
  assert.equal((await as.wug.call('PUT', '/api/v1/doc-settings', {})).status, 422)
  const on = await as.wug.call('PUT', '/api/v1/doc-settings', { classified_network: true })
  assert.equal(on.status, 200)
  assert.equal(on.body.classified_network, true)
  try {
    const lifted = await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy: 'secret', secrecy_years: 5 }))
    assert.equal(lifted.status, 201)
    assert.equal(lifted.body.secrecy_mark, '秘密★5年')
    assert.match(lifted.body.body, /现就有关事项通知如下/)
  } finally {
    assert.equal((await as.wug.call('PUT', '/api/v1/doc-settings', { classified_network: false })).status, 200)
  }
  assert.equal((await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy: 'secret' }))).status, 422)
  const audit = JSON.parse(sql(srv.dbPath, "SELECT detail FROM audit_log WHERE action = 'docs.settings' AND result = 'ok' ORDER BY id"))
  assert.deepEqual(audit.map((a) => a.detail), ['classified_network=1', 'classified_network=0'])
})

test('full life cycle: 初审 → 拟办 → 批办 → 承办 (主办 + 协办) → 办结 → 答复, with the processing sheet', async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const id = reg.body.id
  // steps out of order or by the wrong role are refused
  await act(as.zhaol, 'incoming', id, { action: 'instruct', opinion: '同意' }, 422)
  await act(as.lihm, 'incoming', id, { action: 'review' }, 403)
  let doc = await act(as.zhaol, 'incoming', id, { action: 'review', opinion: '属我院办理范围' })
  assert.equal(doc.state, 'reviewed')
  assert.deepEqual(doc.actions.includes('propose'), true)
  await act(as.wangq, 'incoming', id, { action: 'propose', opinion: '拟请李副检察长阅示' }, 422) // no leader named
  await act(as.wangq, 'incoming', id, { action: 'propose', opinion: '拟请阅示', leader_id: uid.chenj }, 422)
  doc = await act(as.wangq, 'incoming', id, { action: 'propose', opinion: '拟请李红梅副检察长阅示，第一检察部主办', leader_id: uid.lihm })
  assert.equal(doc.state, 'proposed')
  assert.ok((await todosOf(as.lihm, 'incoming')).some((t) => t.object_id === id && t.step === '批办'))
  // stale version is a conflict
  await act(as.lihm, 'incoming', id, { action: 'instruct', opinion: '同意', version: doc.version - 1 }, 409)
  doc = await act(as.lihm, 'incoming', id, { action: 'instruct', opinion: '同意拟办意见，请第一检察部牵头办理', version: doc.version })
  assert.equal(doc.state, 'instructed')
  // 承办 needs a 主办 department; the 主办 cannot also be 协办
  await act(as.zhaol, 'incoming', id, { action: 'assign' }, 422)
  await act(as.zhaol, 'incoming', id, { action: 'assign', main_department_id: dept.DYJCB, assist: [{ department_id: dept.DYJCB }] }, 422)
  doc = await act(as.zhaol, 'incoming', id, {
    action: 'assign', opinion: '按批示交办', main_department_id: dept.DYJCB, main_deadline: '2026-03-15',
    assist: [{ department_id: dept.DEJCB, deadline: '2026-03-12' }],
  })
  assert.equal(doc.state, 'handling')
  assert.equal(doc.main_department.id, dept.DYJCB)
  assert.deepEqual(doc.assignments.map((a) => [a.department, a.role, a.deadline, a.head]),
    [['第一检察部', 'main', '2026-03-15', '刘洋'], ['第二检察部', 'assist', '2026-03-12', '黄涛']])
  const liuyTodos = await todosOf(as.liuy, 'incoming')
  const t = liuyTodos.find((x) => x.object_id === id)
  assert.equal(t.step, '主办')
  assert.equal(t.due, '2026-03-15')
  // the head hands it to one of his people, who can now see it
  assert.equal((await as.chenj.get(`/api/v1/incoming/${id}`)).status, 404)
  await act(as.liuy, 'incoming', id, { action: 'delegate', user_id: uid.xuf }, 422) // not his department
  await act(as.liuy, 'incoming', id, { action: 'delegate', opinion: '请陈杰承办', user_id: uid.chenj })
  assert.equal((await as.chenj.get(`/api/v1/incoming/${id}`)).status, 200)
  // 办结 waits for the 主办 department
  await act(as.huangt, 'incoming', id, { action: 'report', opinion: '' }, 422)
  await act(as.huangt, 'incoming', id, { action: 'report', opinion: '已提供相关材料' })
  await act(as.zhaol, 'incoming', id, { action: 'finish' }, 422)
  doc = await act(as.zhaol, 'incoming', id, { action: 'urge', opinion: '请于3月15日前反馈' })
  const notices = await as.chenj.get('/api/v1/notices')
  assert.ok(notices.body.items.some((n) => n.kind === 'reminded'))
  await act(as.xuf, 'incoming', id, { action: 'report', opinion: '越权' }, 404)
  await act(as.chenj, 'incoming', id, { action: 'report', opinion: '已办理完毕并报送结果' })
  assert.ok(!(await todosOf(as.chenj, 'incoming')).some((x) => x.object_id === id))
  doc = await act(as.zhaol, 'incoming', id, { action: 'finish', opinion: '已按批示办结' })
  assert.equal(doc.state, 'finished')
  await act(as.zhaol, 'incoming', id, { action: 'reply' }, 422) // the answer is required
  doc = await act(as.zhaol, 'incoming', id, { action: 'reply', opinion: '已将办理结果函复来文单位', method: '机要交通' })
  assert.equal(doc.state, 'archivable')
  assert.equal(doc.state_name, '待归档')
  // the 收文处理单: every opinion with name and date, grouped as printed
  assert.deepEqual(doc.opinions.map((o) => o.step),
    ['签收', '登记', '初审', '拟办', '批办', '承办', '交办承办人', '办理反馈', '催办', '办理反馈', '办结', '答复'])
  assert.equal(doc.sheet.proposal[0].user.name, '王强')
  assert.equal(doc.sheet.instructions[0].opinion, '同意拟办意见，请第一检察部牵头办理')
  assert.equal(doc.sheet.instructions[0].user.name, '李红梅')
  assert.equal(doc.sheet.reports.length, 2)
  assert.equal(doc.sheet.reply[0].detail.method, '机要交通')
  assert.ok(doc.opinions.every((o) => /^\d{4}-\d{2}-\d{2}$/.test(o.date) && o.user.name))
  assert.deepEqual(doc.assignments.map((a) => a.state), ['done', 'done'])
  // nothing left in anyone's 待办 for it
  for (const u of ['zhaol', 'wangq', 'lihm', 'liuy', 'chenj', 'huangt']) {
    assert.ok(!(await todosOf(as[u], 'incoming')).some((x) => x.object_id === id), u)
  }
  // every step left an audit row
  const audit = JSON.parse(sql(srv.dbPath, `SELECT count(*) AS n FROM audit_log WHERE object_type = 'incoming' AND object_id = '${id}' AND result = 'ok'`))
  assert.equal(audit[0].n, 11)
})

test('初审 may return a document to its sender with reasons', async () => {
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody())
  const id = reg.body.id
  const noReason = await as.zhaol.post(`/api/v1/incoming/${id}/actions`, { action: 'return' })
  assert.equal(noReason.status, 422)
  assert.equal(noReason.body.error.field, 'opinion')
  assert.match(noReason.body.error.message, /退回理由/)
  const doc = await act(as.zhaol, 'incoming', id, { action: 'return', opinion: '不属于我院办理范围，已退回来文单位' })
  assert.equal(doc.state, 'returned')
  assert.equal(doc.state_name, '已退回')
  assert.equal(doc.opinions.at(-1).step, '退回')
  assert.equal(doc.opinions.at(-1).opinion, '不属于我院办理范围，已退回来文单位')
  assert.deepEqual(doc.actions, [])
  await act(as.zhaol, 'incoming', id, { action: 'review' }, 422)
  assert.ok(!(await todosOf(as.zhaol, 'incoming')).some((x) => x.object_id === id))
})

test('list: filters by year, state, type, secrecy, department and overdue, with paging and totals', async () => {
  const mk = async (extra) => (await as.zhaol.post('/api/v1/incoming', incomingBody({ received_date: '2024-05-06', due_date: '2024-05-10', ...extra }))).body
  const a = await mk({ doc_type: 'letter' })
  const b = await mk({ doc_type: '请示', secrecy: 'secret', body: '' })
  await mk({ doc_type: 'letter', received_date: '2023-01-05', due_date: null })
  const get = async (q) => {
    const res = await as.zhaol.get('/api/v1/incoming?' + q)
    assert.equal(res.status, 200, q + JSON.stringify(res.body))
    return res.body
  }
  const y = await get('year=2024')
  assert.equal(y.total, 2)
  assert.deepEqual(y.items.map((d) => d.id), [b.id, a.id]) // newest first
  assert.equal((await get('year=2024&doc_type=letter')).total, 1)
  assert.equal((await get('year=2024&doc_type=请示')).items[0].id, b.id)
  assert.equal((await get('year=2024&secrecy=secret')).items[0].secrecy_mark, '秘密★10年')
  assert.equal((await get('year=2024&state=registered')).total, 2)
  assert.equal((await get('year=2024&state=handling')).total, 0)
  // overdue: due date passed and not finished
  const od = await get('year=2024&overdue=1')
  assert.equal(od.total, 2)
  assert.ok(od.items.every((d) => d.overdue))
  // department: documents assigned to it
  await act(as.zhaol, 'incoming', a.id, { action: 'review' })
  await act(as.wangq, 'incoming', a.id, { action: 'propose', opinion: '拟办', leader_id: uid.lihm })
  await act(as.lihm, 'incoming', a.id, { action: 'instruct', opinion: '同意' })
  await act(as.zhaol, 'incoming', a.id, { action: 'assign', main_department_id: dept.DEJCB })
  const byDept = await get(`year=2024&department_id=${dept.DEJCB}`)
  assert.deepEqual(byDept.items.map((d) => d.id), [a.id])
  // paging
  const all = await get('limit=2')
  assert.equal(all.items.length, 2)
  const next = await get('limit=2&offset=2')
  assert.notEqual(next.items[0].id, all.items[0].id)
  assert.equal(next.total, all.total)
  // bad parameters are refused, not ignored
  for (const q of ['year=abc', 'state=flying', 'secrecy=x', 'doc_type=报表', 'limit=500', 'department_id=-1']) {
    assert.equal((await as.zhaol.get('/api/v1/incoming?' + q)).status, 400, q)
  }
})

test('the demo year holds documents in every state', async () => {
  for (const state of ['registered', 'returned', 'reviewed', 'proposed', 'instructed', 'handling', 'circulating', 'finished', 'archivable']) {
    const res = await as.wangq.get(`/api/v1/incoming?state=${state}&limit=1`)
    assert.ok(res.body.total > 0, state)
  }
})

test('PATCH edits register fields with the version; the 收文编号 date is fixed', async () => {
  const reg = (await as.zhaol.post('/api/v1/incoming', incomingBody())).body
  const res = await as.zhaol.patch(`/api/v1/incoming/${reg.id}`, { version: reg.version, due_date: '2026-04-01', urgency: 'urgent' })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.due_date, '2026-04-01')
  assert.equal(res.body.urgency_name, '加急')
  assert.equal((await as.zhaol.patch(`/api/v1/incoming/${reg.id}`, { version: reg.version, pages: 9 })).status, 409)
  assert.equal((await as.zhaol.patch(`/api/v1/incoming/${reg.id}`, { version: res.body.version, received_date: '2026-03-03' })).status, 422)
  assert.equal((await as.liuy.patch(`/api/v1/incoming/${reg.id}`, { version: res.body.version, pages: 9 })).status, 403)
})

test('attachments: files the caller uploaded are linked, readable by those who see the document', async () => {
  const up = async (client, name, text) => {
    const res = await client.call('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, undefined,
      { raw: Buffer.from(text), headers: { 'content-type': 'application/octet-stream' } })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body.id
  }
  const f1 = await up(as.zhaol, '附件1：工作安排表.txt', '工作安排表\n一、时间\n二、地点\n')
  const f2 = await up(as.zhaol, '附件2：联系人名单.txt', '联系人名单\n张三\n')
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody({ attachments: [f1] }))
  assert.equal(reg.status, 201, JSON.stringify(reg.body))
  assert.deepEqual(reg.body.attachments.map((f) => f.name), ['附件1：工作安排表.txt'])
  // someone else's upload cannot be attached by its id
  const other = await up(as.chenj, '私人文件.txt', '不应被他人引用')
  const stolen = await as.zhaol.patch(`/api/v1/incoming/${reg.body.id}`, { version: reg.body.version, attachments: [f1, other] })
  assert.equal(stolen.status, 422)
  assert.equal(stolen.body.error.field, 'attachments')
  // the set is replaced as given
  const both = await as.zhaol.patch(`/api/v1/incoming/${reg.body.id}`, { version: reg.body.version, attachments: [f2, f1] })
  assert.equal(both.status, 200, JSON.stringify(both.body))
  assert.equal(both.body.attachments.length, 2)
  // readers of the document may read its files; others may not
  assert.equal((await as.xuf.get(`/api/v1/files/${f2}`)).status, 404)
  await act(as.zhaol, 'incoming', reg.body.id, { action: 'review' })
  await as.zhaol.post(`/api/v1/incoming/${reg.body.id}/circulate`, { user_ids: [uid.xuf] })
  const read = await as.xuf.get(`/api/v1/files/${f2}`)
  assert.equal(read.status, 200)
  assert.match(read.body, /联系人名单/)
  // a document with files cannot be raised to 秘密 on this network
  const cur = (await as.zhaol.get(`/api/v1/incoming/${reg.body.id}`)).body
  const up2 = await as.zhaol.patch(`/api/v1/incoming/${reg.body.id}`, { version: cur.version, secrecy: 'secret', body: '' })
  assert.equal(up2.status, 422)
  assert.equal(up2.body.error.field, 'attachments')
})
