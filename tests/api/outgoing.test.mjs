// 发文 through the API: the 稿纸, 部门审核 → 核稿 → 会签 (all must sign) → 分管领导审核 → 签发
// (上行文 only by the 检察长, 代 recorded) → 编号 → 校对 → 印发 → 分发, returns, the re-signing
// after a substantive change, and the 正文 versions with their comparison.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { docsServer, outgoingBody, act, todosOf } from './docs-helpers.mjs'

let srv, as, uid, dept, seriesId
before(async () => { ({ srv, as, uid, dept, seriesId } = await docsServer()) })
after(async () => { await srv.stop() })

const draft = async (client, extra) => {
  const res = await client.post('/api/v1/outgoing', outgoingBody(extra))
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}
const edit = async (client, doc, fields, status = 200) => {
  const res = await client.patch(`/api/v1/outgoing/${doc.id}`, { version: doc.version, ...fields })
  assert.equal(res.status, status, JSON.stringify(res.body))
  return res.body
}

test('the 稿纸 is validated and starts as a draft with version 1 of its text', async () => {
  const d = await draft(as.chenj, { countersign_department_ids: [dept.DEJCB] })
  assert.equal(d.state, 'draft')
  assert.equal(d.department.id, dept.DYJCB) // the drafter's department by default
  assert.equal(d.drafter.name, '陈杰')
  assert.equal(d.body_version, 1)
  assert.equal(d.direction_name, '下行文')
  assert.deepEqual(d.countersign.map((c) => [c.department, c.state]), [['第二检察部', 'pending']])
  assert.deepEqual(d.actions, ['submit'])
  const bad = [
    [{ direction: 'sideways' }, 'direction'],
    [{ doc_type: '简报' }, 'doc_type'],
    [{ countersign_department_ids: [dept.DYJCB] }, 'countersign_department_ids'],
    [{ secrecy: 'secret' }, 'body'],
    [{ title: undefined }, 'title'],
  ]
  for (const [extra, field] of bad) {
    const res = await as.chenj.post('/api/v1/outgoing', outgoingBody(extra))
    assert.equal(res.status, 422, JSON.stringify(extra))
    assert.equal(res.body.error.field, field)
  }
  // the security administrators draft nothing
  assert.equal((await as.wug.post('/api/v1/outgoing', outgoingBody())).status, 403)
})

test('a 下行文 goes through review, countersign by every department, signing, numbering and distribution', async () => {
  let d = await draft(as.chenj, { countersign_department_ids: [dept.DEJCB, dept.BGS] })
  await act(as.liuy, 'outgoing', d.id, { action: 'submit' }, 404) // a draft is the drafter's until sent
  await act(as.wangq, 'outgoing', d.id, { action: 'submit' }, 403) // only the drafter submits
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit', opinion: '请审核' })
  assert.equal(d.state, 'dept_review')
  assert.ok((await todosOf(as.liuy, 'outgoing')).some((t) => t.object_id === d.id && t.step === '部门审核'))
  await act(as.huangt, 'outgoing', d.id, { action: 'approve' }, 404) // not routed to him yet
  d = await act(as.liuy, 'outgoing', d.id, { action: 'approve', opinion: '同意' })
  assert.equal(d.state, 'office_review')
  await act(as.zhaol, 'outgoing', d.id, { action: 'approve' }, 403) // 核稿 is the office director's
  // 核稿 edits the text: a new version by its author
  d = await edit(as.wangq, d, { body: d.body.replace('按时报送', '于每月5日前报送') })
  assert.equal(d.body_version, 2)
  d = await act(as.wangq, 'outgoing', d.id, { action: 'approve', opinion: '已核' })
  assert.equal(d.state, 'countersign')
  // 会签: each involved department's head; all must sign
  await act(as.liuy, 'outgoing', d.id, { action: 'countersign' }, 403)
  d = await act(as.huangt, 'outgoing', d.id, { action: 'countersign', opinion: '同意' })
  assert.equal(d.state, 'countersign')
  await act(as.huangt, 'outgoing', d.id, { action: 'countersign' }, 403) // once
  d = await act(as.wangq, 'outgoing', d.id, { action: 'countersign', opinion: '同意' })
  assert.equal(d.state, 'leader_review')
  assert.deepEqual(d.countersign.map((c) => [c.department, c.state, c.signer_name]),
    [['第二检察部', 'signed', '黄涛'], ['办公室', 'signed', '王强']])
  d = await act(as.lihm, 'outgoing', d.id, { action: 'approve', opinion: '同意，呈检察长签发' })
  assert.equal(d.state, 'signing')
  assert.ok((await todosOf(as.zhangjg, 'outgoing')).some((t) => t.object_id === d.id && t.step === '签发'))
  d = await act(as.zhangjg, 'outgoing', d.id, { action: 'sign', opinion: '同意印发' })
  assert.equal(d.state, 'signed')
  assert.equal(d.signer, '张建国')
  assert.match(d.sign_date, /^\d{4}-\d{2}-\d{2}$/)
  assert.ok((await todosOf(as.zhaol, 'outgoing')).some((t) => t.object_id === d.id && t.step === '编号'))
  // 编号: from a series, in the same step; the next one follows without a gap
  await act(as.chenj, 'outgoing', d.id, { action: 'number', series_id: seriesId('定检发') }, 403)
  d = await act(as.zhaol, 'outgoing', d.id, { action: 'number', series_id: seriesId('定检发') })
  assert.equal(d.state, 'numbered')
  assert.match(d.number, /^定检发〔2026〕[1-9]\d*号$/)
  d = await act(as.chenj, 'outgoing', d.id, { action: 'proofread', opinion: '校对无误' }) // the drafter may proofread
  d = await act(as.zhaol, 'outgoing', d.id, { action: 'print', date: '2026-03-06' })
  assert.equal(d.printed_date, '2026-03-06')
  await act(as.zhaol, 'outgoing', d.id, { action: 'distribute' }, 422) // to whom?
  d = await act(as.zhaol, 'outgoing', d.id, {
    action: 'distribute', internal_user_ids: [uid.xuf], internal_department_ids: [dept.DYJCB],
    external: [{ name: '榆林市人民检察院', method: '机要交通', date: '2026-03-07' }],
  })
  assert.equal(d.state, 'distributed')
  assert.equal(d.state_name, '待归档')
  assert.deepEqual(d.recipients.map((r) => [r.kind, r.name, r.method]),
    [['internal', '徐芳', '内部传阅'], ['internal', '刘洋', '内部传阅'], ['external', '榆林市人民检察院', '机要交通']])
  // internal recipients find it in their 收文, with a read receipt
  const incomingId = d.recipients[0].incoming_id
  const inDoc = await as.xuf.get(`/api/v1/incoming/${incomingId}`)
  assert.equal(inDoc.status, 200)
  assert.equal(inDoc.body.from_number, d.number)
  assert.equal(inDoc.body.source, 'internal')
  assert.equal(inDoc.body.circulation.unread, 2)
  assert.ok((await todosOf(as.xuf, 'circulation')).some((t) => t.object_id === incomingId))
  const read = await as.xuf.post(`/api/v1/incoming/${incomingId}/read`, { comment: '已阅' })
  assert.equal(read.status, 200)
  assert.equal(read.body.read, 1)
  // the whole story is on the sheet
  assert.deepEqual(d.opinions.map((o) => o.action),
    ['draft', 'submit', 'approve', 'edit', 'approve', 'countersign', 'countersign', 'approve', 'sign', 'number', 'proofread', 'print', 'distribute'])
  assert.deepEqual(d.actions, [])
  // no one has it in 待办 any more
  for (const u of ['chenj', 'liuy', 'wangq', 'huangt', 'lihm', 'zhangjg', 'zhaol']) {
    assert.ok(!(await todosOf(as[u], 'outgoing')).some((t) => t.object_id === d.id), u)
  }
})

test('returns go to the drafter or an earlier step with reasons, and countersigns start again', async () => {
  let d = await draft(as.chenj, { countersign_department_ids: [dept.DEJCB] })
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  d = await act(as.liuy, 'outgoing', d.id, { action: 'approve' })
  d = await act(as.wangq, 'outgoing', d.id, { action: 'approve' })
  d = await act(as.huangt, 'outgoing', d.id, { action: 'countersign', opinion: '同意' })
  assert.equal(d.state, 'leader_review')
  await act(as.lihm, 'outgoing', d.id, { action: 'return' }, 422) // reasons required
  await act(as.lihm, 'outgoing', d.id, { action: 'return', opinion: '再核', to: 'signing' }, 422)
  // back to an earlier step: the office director reviews again
  d = await act(as.lihm, 'outgoing', d.id, { action: 'return', opinion: '请办公室再核文字', to: 'office_review' })
  assert.equal(d.state, 'office_review')
  assert.equal(d.countersign[0].state, 'pending')
  assert.ok((await todosOf(as.wangq, 'outgoing')).some((t) => t.object_id === d.id && t.step === '核稿'))
  // back to the drafter, who is told why
  d = await act(as.wangq, 'outgoing', d.id, { action: 'return', opinion: '请补充工作依据' })
  assert.equal(d.state, 'draft')
  // the engine tells the drafter who returned it and why, and puts the revision in their 待办
  const notices = await as.chenj.get('/api/v1/notices')
  assert.ok(notices.body.items.some((n) => n.kind === 'returned' && n.object_id === d.id && n.body === '王强退回：请补充工作依据'))
  assert.ok((await todosOf(as.chenj, 'outgoing')).some((t) => t.object_id === d.id && t.step === '修改后重新提交'))
  // only the drafter edits a draft
  await edit(as.liuy, d, { title: '改标题' }, 403)
  d = await edit(as.chenj, d, { body: d.body + '　　三、依据《人民检察院组织法》。\n' })
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  assert.equal(d.state, 'dept_review')
  const ret = d.opinions.filter((o) => o.action === 'return')
  assert.deepEqual(ret.map((o) => [o.user.name, o.opinion, o.to_state]),
    [['李红梅', '请办公室再核文字', 'office_review'], ['王强', '请补充工作依据', 'draft']])
})

test('上行文 are signed only by the 检察长; another leader signs with 代', async () => {
  const toSigning = async () => {
    let d = await draft(as.zhaol, { direction: 'up', doc_type: 'report', main_to: '榆林市人民检察院', title: `关于工作情况的报告（${Math.random()}）` })
    d = await act(as.zhaol, 'outgoing', d.id, { action: 'submit' })
    d = await act(as.wangq, 'outgoing', d.id, { action: 'approve' }) // head of 办公室
    d = await act(as.wangq, 'outgoing', d.id, { action: 'approve' }) // 核稿
    d = await act(as.lihm, 'outgoing', d.id, { action: 'approve' })
    assert.equal(d.state, 'signing')
    return d
  }
  let d = await toSigning()
  const refused = await as.lihm.post(`/api/v1/outgoing/${d.id}/actions`, { action: 'sign', opinion: '同意' })
  assert.equal(refused.status, 403)
  assert.match(refused.body.error.message, /上行文须由检察长签发/)
  await act(as.wangq, 'outgoing', d.id, { action: 'sign' }, 403) // not a leader at all
  await act(as.lihm, 'outgoing', d.id, { action: 'sign', on_behalf_of: uid.lihm }, 422)
  await act(as.lihm, 'outgoing', d.id, { action: 'sign', on_behalf_of: uid.wangq }, 422)
  d = await act(as.lihm, 'outgoing', d.id, { action: 'sign', opinion: '同意上报', on_behalf_of: uid.zhangjg })
  assert.equal(d.state, 'signed')
  assert.equal(d.signer, '李红梅（代张建国）')
  const s = d.opinions.find((o) => o.action === 'sign')
  assert.equal(s.signature, '李红梅（代张建国）')
  assert.equal(s.on_behalf_of.name, '张建国')
  d = await toSigning()
  d = await act(as.zhangjg, 'outgoing', d.id, { action: 'sign', opinion: '同意' })
  assert.equal(d.signer, '张建国')
  // a 下行文 may be signed by the 分管领导
  let down = await draft(as.zhaol)
  for (const [who, action] of [['zhaol', 'submit'], ['wangq', 'approve'], ['wangq', 'approve'], ['lihm', 'approve'], ['lihm', 'sign']]) {
    down = await act(as[who], 'outgoing', down.id, { action })
  }
  assert.equal(down.signer, '李红梅')
})

test('a substantive change after 签发 goes back to the signer; the number is kept', async () => {
  let d = await draft(as.zhaol)
  for (const [who, action] of [['zhaol', 'submit'], ['wangq', 'approve'], ['wangq', 'approve'], ['lihm', 'approve'], ['zhangjg', 'sign']]) {
    d = await act(as[who], 'outgoing', d.id, { action })
  }
  d = await act(as.zhaol, 'outgoing', d.id, { action: 'number', series_id: seriesId('定检办发') })
  const number = d.number
  assert.match(number, /^定检办发〔2026〕\d+号$/)
  // a non-substantive field does not need a new signature
  d = await edit(as.zhaol, d, { print_copies: 40 })
  assert.equal(d.state, 'numbered')
  // the drafter's department may not touch it any more, the office may — and it goes back
  await edit(as.liuy, d, { body: 'x' }, 404)
  d = await edit(as.zhaol, d, { body: d.body.replace('提高认识', '切实提高认识') })
  assert.equal(d.state, 'signing')
  assert.equal(d.signer, null)
  assert.equal(d.number, number)
  assert.ok((await todosOf(as.zhangjg, 'outgoing')).some((t) => t.object_id === d.id && t.step === '签发'))
  const n = (await as.zhangjg.get('/api/v1/notices')).body.items
  assert.ok(n.some((x) => x.kind === 'returned' && /重新签发/.test(x.title)))
  d = await act(as.zhangjg, 'outgoing', d.id, { action: 'sign', opinion: '同意' })
  assert.equal(d.state, 'numbered') // to be proofread again, same number
  assert.equal(d.number, number)
  // after 印发 nothing changes any more
  d = await act(as.zhaol, 'outgoing', d.id, { action: 'proofread' })
  d = await act(as.zhaol, 'outgoing', d.id, { action: 'print' })
  await edit(as.zhaol, d, { body: '新正文' }, 422)
})

test('every edit of the 正文 is a version with its author; two versions compare line and character-wise', async () => {
  let d = await draft(as.chenj, { body: '第一段：原有内容。\n第二段：保持不变。\n第三段：将被删除。\n' })
  d = await edit(as.chenj, d, { body: '第一段：修改后的内容。\n第二段：保持不变。\n第四段：新增加的。\n' })
  d = await edit(as.chenj, d, { title: d.title + '（修订）' }) // no text change, no version
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  d = await edit(as.liuy, d, { body: '第一段：修改后的内容。\n第二段：保持不变。\n第四段：新增加的段落。\n' })
  const versions = await as.chenj.get(`/api/v1/outgoing/${d.id}/versions`)
  assert.equal(versions.status, 200)
  assert.deepEqual(versions.body.items.map((v) => [v.no, v.author_name, v.state]),
    [[1, '陈杰', 'draft'], [2, '陈杰', 'draft'], [3, '刘洋', 'dept_review']])
  const v1 = await as.chenj.get(`/api/v1/outgoing/${d.id}/versions/1`)
  assert.equal(v1.body.body, '第一段：原有内容。\n第二段：保持不变。\n第三段：将被删除。\n')
  const cmp = await as.chenj.get(`/api/v1/outgoing/${d.id}/compare?from=1&to=2`)
  assert.equal(cmp.status, 200)
  const chunks = cmp.body.chunks
  const old = chunks.filter((c) => c.op !== 'ins').map((c) => c.text).join('')
  const neu = chunks.filter((c) => c.op !== 'del').map((c) => c.text).join('')
  assert.equal(old, v1.body.body)
  assert.equal(neu, '第一段：修改后的内容。\n第二段：保持不变。\n第四段：新增加的。\n')
  // the character pass shows the changed words, not whole lines
  assert.ok(chunks.some((c) => c.op === 'del' && c.text === '原有'))
  assert.ok(chunks.some((c) => c.op === 'ins' && c.text === '修改后的'))
  assert.ok(chunks.some((c) => c.op === 'eq' && c.text.includes('第二段：保持不变。\n')))
  assert.equal(cmp.body.inserted, [...'修改后的'].length + [...'四'].length + [...'新增加的'].length)
  const cmp23 = await as.chenj.get(`/api/v1/outgoing/${d.id}/compare?from=2&to=3`)
  assert.deepEqual(cmp23.body.chunks.filter((c) => c.op !== 'eq'), [{ op: 'ins', text: '段落' }])
  assert.equal((await as.chenj.get(`/api/v1/outgoing/${d.id}/compare?from=1&to=9`)).status, 404)
  assert.equal((await as.chenj.get(`/api/v1/outgoing/${d.id}/compare?from=1`)).status, 400)
})

test('list: filters and the demo year in every state', async () => {
  for (const state of ['draft', 'dept_review', 'office_review', 'countersign', 'leader_review', 'signing', 'signed', 'numbered', 'proofread', 'printed', 'distributed']) {
    const res = await as.wangq.get(`/api/v1/outgoing?state=${state}&limit=1`)
    assert.equal(res.status, 200)
    assert.ok(res.body.total > 0, state)
  }
  const up = await as.wangq.get('/api/v1/outgoing?direction=up&limit=200')
  assert.ok(up.body.items.length > 0 && up.body.items.every((d) => d.direction === 'up'))
  const dy = await as.wangq.get(`/api/v1/outgoing?department_id=${dept.DYJCB}&limit=200`)
  assert.ok(dy.body.items.length > 0 && dy.body.items.every((d) => d.department.id === dept.DYJCB))
  const letters = await as.wangq.get('/api/v1/outgoing?doc_type=函&year=2026')
  assert.ok(letters.body.total > 0 && letters.body.items.every((d) => d.doc_type === 'letter'))
  assert.equal((await as.wangq.get('/api/v1/outgoing?direction=left')).status, 400)
})

test('attachments are part of what is signed: changing them after 签发 goes back to the signer', async () => {
  const res = await as.zhaol.call('POST', `/api/v1/files?name=${encodeURIComponent('附件：名单.txt')}`, undefined,
    { raw: Buffer.from('名单\n'), headers: { 'content-type': 'application/octet-stream' } })
  assert.equal(res.status, 201)
  let d = await draft(as.zhaol, { attachments: [res.body.id], attachment_note: '附件：名单' })
  assert.deepEqual(d.attachments.map((f) => f.name), ['附件：名单.txt'])
  for (const [who, action] of [['zhaol', 'submit'], ['wangq', 'approve'], ['wangq', 'approve'], ['lihm', 'approve'], ['zhangjg', 'sign']]) {
    d = await act(as[who], 'outgoing', d.id, { action })
  }
  d = await edit(as.zhaol, d, { attachments: [res.body.id] }) // the same set: nothing to re-sign
  assert.equal(d.state, 'signed')
  d = await edit(as.zhaol, d, { attachments: [] })
  assert.equal(d.state, 'signing')
  assert.equal(d.attachments.length, 0)
})

// The approval steps run on the shared engine: the same instance answers on the engine's own route,
// and whatever route an approver uses, the 稿纸 and the document follow.
const engineAct = async (client, id, body, status = 200) => {
  const res = await client.post(`/api/v1/workflows/instances/${id}/actions`, body)
  assert.equal(res.status, status, `${body.action}: ${JSON.stringify(res.body)}`)
  return res.body
}

test('the engine runs the chain: its route, its timeline and the 稿纸 agree', async () => {
  let d = await draft(as.chenj, { countersign_department_ids: [dept.DEJCB] })
  assert.equal(d.instance_id, null)
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit', opinion: '请审核' })
  const inst = (await as.chenj.get(`/api/v1/workflows/instances/${d.instance_id}`)).body
  assert.equal(inst.module, 'outgoing')
  assert.equal(inst.object_id, d.id)
  assert.equal(inst.def_key, 'outgoing')
  // the head approves through the engine's route: the document moves and the 稿纸 records it
  await engineAct(as.liuy, d.instance_id, { action: 'approve', opinion: '同意（引擎）' })
  d = (await as.chenj.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'office_review')
  assert.deepEqual(d.opinions.slice(-1).map((o) => [o.action, o.user.name, o.opinion, o.to_state]),
    [['approve', '刘洋', '同意（引擎）', 'office_review']])
  // the office adds a department to countersign during 核稿: the countersign step follows the 稿纸
  d = await edit(as.wangq, d, { countersign_department_ids: [dept.DEJCB, dept.BGS] })
  await engineAct(as.wangq, d.instance_id, { action: 'approve' })
  d = (await as.wangq.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'countersign')
  const pending = (await as.wangq.get(`/api/v1/workflows/instances/${d.instance_id}`)).body.pending
  assert.deepEqual(pending.map((p) => p.name).sort(), ['王强', '黄涛'].sort())
  // each countersign, by either route, fills its department's row
  await engineAct(as.huangt, d.instance_id, { action: 'approve', opinion: '同意' })
  d = await act(as.wangq, 'outgoing', d.id, { action: 'countersign', opinion: '无意见' })
  assert.equal(d.state, 'leader_review')
  assert.deepEqual(d.countersign.map((c) => [c.department, c.signer_name, c.opinion]),
    [['第二检察部', '黄涛', '同意'], ['办公室', '王强', '无意见']])
  // the engine's history has every step the 稿纸 has
  const hist = (await as.chenj.get(`/api/v1/workflows/instances/${d.instance_id}`)).body.history
  assert.deepEqual(hist.filter((h) => h.event === 'approve').length, 4)
  // a return to an earlier step through the engine: countersigns start again
  await engineAct(as.lihm, d.instance_id, { action: 'return', to: 'office', opinion: '请再核' })
  d = (await as.chenj.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'office_review')
  assert.deepEqual(d.countersign.map((c) => c.state), ['pending', 'pending'])
  assert.deepEqual(d.opinions.slice(-1).map((o) => [o.action, o.step, o.to_state]), [['return', '分管领导审核', 'office_review']])
})

test('a rejection or a cancellation gives the draft back; the next 送审 starts a new chain', async () => {
  let d = await draft(as.chenj)
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  const first = d.instance_id
  await engineAct(as.liuy, first, { action: 'reject' }, 422) // 不同意 needs reasons
  await engineAct(as.liuy, first, { action: 'reject', opinion: '不宜发文' })
  d = (await as.chenj.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'draft')
  assert.deepEqual(d.actions, ['submit'])
  const r = d.opinions.at(-1)
  assert.deepEqual([r.action, r.opinion, r.to_state], ['return', '不宜发文', 'draft'])
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  assert.equal(d.state, 'dept_review')
  assert.notEqual(d.instance_id, first)
  // withdrawn before anyone acted: back to the draft, and 送审 resubmits the same instance
  await engineAct(as.chenj, d.instance_id, { action: 'withdraw' })
  d = (await as.chenj.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'draft')
  const second = d.instance_id
  d = await act(as.chenj, 'outgoing', d.id, { action: 'submit' })
  assert.equal(d.instance_id, second)
  assert.equal(d.state, 'dept_review')
  // the office director cancels it: the draft is the drafter's again
  await engineAct(as.wangq, d.instance_id, { action: 'cancel', opinion: '另行发文' })
  d = (await as.chenj.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'draft')
  assert.ok(!(await todosOf(as.liuy, 'outgoing')).some((t) => t.object_id === d.id))
})

test('代: only a 院领导 for a 院领导; a 上行文 takes the chief or his authority on every route', async () => {
  let d = await draft(as.zhaol, { direction: 'up', doc_type: 'request', main_to: '榆林市人民检察院' })
  for (const [who, action] of [['zhaol', 'submit'], ['wangq', 'approve'], ['wangq', 'approve'], ['lihm', 'approve']]) {
    d = await act(as[who], 'outgoing', d.id, { action })
  }
  assert.equal(d.state, 'signing')
  assert.deepEqual((await as.lihm.get(`/api/v1/outgoing/${d.id}`)).body.actions, ['sign'])
  const chief = uid.zhangjg
  // not a leader: may not act for the chief, on the engine's route either
  await engineAct(as.wangq, d.instance_id, { action: 'approve', on_behalf_of: chief }, 403)
  // the chief hands it to the deputy (转办); the deputy's own signature is refused on a 上行文
  await engineAct(as.zhangjg, d.instance_id, { action: 'transfer', target: uid.lihm })
  const refused = await as.lihm.post(`/api/v1/workflows/instances/${d.instance_id}/actions`, { action: 'approve' })
  assert.equal(refused.status, 403)
  assert.match(refused.body.error.message, /上行文须由检察长签发/)
  d = (await as.lihm.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'signing')
  assert.deepEqual(d.opinions.at(-1).action, 'transfer')
  // signing with 代 on the engine's route: recorded as on the 发文 route
  // (the chief holds nothing to act for while the item is the deputy's: he hands it back first)
  await engineAct(as.lihm, d.instance_id, { action: 'approve', opinion: '同意上报', on_behalf_of: chief }, 403)
  await engineAct(as.lihm, d.instance_id, { action: 'transfer', target: chief })
  await engineAct(as.lihm, d.instance_id, { action: 'approve', opinion: '同意上报', on_behalf_of: chief })
  d = (await as.zhaol.get(`/api/v1/outgoing/${d.id}`)).body
  assert.equal(d.state, 'signed')
  assert.equal(d.signer, '李红梅（代张建国）')
  assert.equal(d.opinions.at(-1).signature, '李红梅（代张建国）')
})

test('re-signing after a change: the signer may refuse it, which gives the draft back', async () => {
  let d = await draft(as.zhaol)
  for (const [who, action] of [['zhaol', 'submit'], ['wangq', 'approve'], ['wangq', 'approve'], ['lihm', 'approve'], ['lihm', 'sign']]) {
    d = await act(as[who], 'outgoing', d.id, { action })
  }
  const first = d.instance_id
  d = await edit(as.zhaol, d, { title: d.title + '（修改）' })
  assert.equal(d.state, 'signing')
  assert.notEqual(d.instance_id, first)
  // it goes to the one who signed, not to every leader
  assert.ok((await todosOf(as.lihm, 'outgoing')).some((t) => t.object_id === d.id && t.step === '签发'))
  assert.ok(!(await todosOf(as.zhangjg, 'outgoing')).some((t) => t.object_id === d.id && t.step === '签发'))
  await act(as.lihm, 'outgoing', d.id, { action: 'return', opinion: '不同意修改', to: 'office_review' }, 422)
  d = await act(as.lihm, 'outgoing', d.id, { action: 'return', opinion: '不同意修改' })
  assert.equal(d.state, 'draft')
  assert.equal(d.signer, null)
  assert.deepEqual(d.actions, [])
  assert.deepEqual((await as.zhaol.get(`/api/v1/outgoing/${d.id}`)).body.actions, ['submit'])
})

// Last: it changes the org's chain for the rest of this server's life.
test('the office director edits the 发文 chain with the definitions API; new drafts follow it', async () => {
  const cur = await as.wangq.get('/api/v1/workflows/definitions/outgoing')
  assert.equal(cur.status, 200)
  assert.equal(cur.body.form, false) // not a form anyone starts by hand
  const def = cur.body.definition
  assert.deepEqual(def.steps.map((s) => s.id), ['dept', 'office', 'countersign', 'leader', 'sign_up', 'sign'])
  const running = await draft(as.chenj)
  await act(as.chenj, 'outgoing', running.id, { action: 'submit' })
  // no 分管领导审核 any more, and 核稿 has a time limit
  const steps = def.steps.filter((s) => s.id !== 'leader').map((s) => (s.id === 'office' ? { ...s, time_limit: { days: 1 } } : s))
  const saved = await as.wangq.post('/api/v1/workflows/definitions', { ...def, steps, version: cur.body.version })
  assert.equal(saved.status, 201, JSON.stringify(saved.body))
  assert.equal((await as.liuy.post('/api/v1/workflows/definitions', { ...def, version: saved.body.version })).status, 403)
  let d = await draft(as.chenj)
  for (const [who, action] of [['chenj', 'submit'], ['liuy', 'approve'], ['wangq', 'approve']]) {
    d = await act(as[who], 'outgoing', d.id, { action })
  }
  assert.equal(d.state, 'signing')
  // a draft sent before the change keeps the chain it started with
  let r = running
  for (const [who, action] of [['liuy', 'approve'], ['wangq', 'approve']]) {
    r = await act(as[who], 'outgoing', r.id, { action })
  }
  assert.equal(r.state, 'leader_review')
})
