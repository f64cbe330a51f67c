// Excel exports read back with exceljs (cell by cell against the JSON list of the same filter) and
// PDFs read back with poppler (pdfinfo, pdffonts, pdftotext -layout, pdftoppm): 审计日志, 用户,
// 收文登记簿, 发文登记簿, the GB/T 9704 正本 of the demo's signed 发文, the 发文稿纸, the 收文处理单 and the
// 审批单. Page 1 of the 正本 is kept as build/e2e/outgoing-page1.png for review.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { ROOT, bearer, sql } from '../lib/server.mjs'
import { docsServer } from './docs-helpers.mjs'

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
let srv, as, uid, dir
before(async () => {
  ({ srv, as, uid } = await docsServer())
  as.zhengx = await bearer(srv, 'zhengx')
  dir = mkdtempSync(join(tmpdir(), 'jianwu-exports-'))
})
after(async () => {
  await srv.stop()
  rmSync(dir, { recursive: true, force: true })
})

// GET a binary through the API as a Bearer client.
async function fetchFile(client, path) {
  const res = await fetch(srv.url + path, { headers: { authorization: `Bearer ${client.token}` } })
  const body = Buffer.from(await res.arrayBuffer())
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString()) }
}

// Every page of a JSON list.
async function listAll(client, path) {
  const items = []
  for (let offset = 0; ; offset += 200) {
    const sep = path.includes('?') ? '&' : '?'
    const res = await client.get(`${path}${sep}limit=200&offset=${offset}`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    items.push(...res.body.items)
    if (items.length >= res.body.total) return items
  }
}

function filenameOf(headers) {
  const m = /filename\*=UTF-8''([^;]+)/.exec(headers.get('content-disposition') ?? '')
  return m ? decodeURIComponent(m[1]) : null
}

async function workbook(res) {
  assert.equal(res.status, 200, res.body.toString().slice(0, 300))
  assert.equal(res.headers.get('content-type'), XLSX_MIME)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.body)
  assert.equal(wb.worksheets.length, 1)
  return wb.worksheets[0]
}

// The sheet's rows below the header as arrays of cell values (index 0 = column A).
function rowsOf(ws) {
  const out = []
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    if (n > 1) out.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value))
  })
  return out
}

function headerOf(ws) {
  return Array.from({ length: ws.columnCount }, (_, i) => ws.getRow(1).getCell(i + 1).value)
}

// The common sheet shape: Chinese name, frozen bold header, autofilter over every row.
function assertSheetShape(ws, name, header, nrows) {
  assert.equal(ws.name, name)
  assert.deepEqual(headerOf(ws), header)
  assert.equal(ws.views[0].state, 'frozen')
  assert.equal(ws.views[0].ySplit, 1)
  assert.ok(ws.getRow(1).getCell(1).font?.bold, 'bold header')
  const lastCol = String.fromCharCode(64 + header.length)
  assert.equal(typeof ws.autoFilter === 'string' ? ws.autoFilter : `${ws.autoFilter.from}:${ws.autoFilter.to}`,
    `A1:${lastCol}${nrows + 1}`)
}

// A date cell (exceljs: a Date whose UTC fields are the China calendar date) as YYYY-MM-DD.
function day(v) {
  assert.ok(v instanceof Date, `date cell expected, got ${JSON.stringify(v)}`)
  return v.toISOString().slice(0, 10)
}
// A datetime cell to the second, as the China local time "YYYY-MM-DDTHH:MM:SS".
function localTime(v) {
  assert.ok(v instanceof Date, `datetime cell expected, got ${JSON.stringify(v)}`)
  return new Date(Math.round(v.getTime() / 1000) * 1000).toISOString().slice(0, 19)
}
const text = (v) => (v === null || v === undefined ? '' : v)

test('审计日志 export: the auditor gets every row of the filter, cell by cell as GET /audit', async () => {
  // a few audited actions to export
  for (let i = 0; i < 3; i++) assert.equal((await as.chenj.post('/api/v1/calendar-feeds', { name: `导出测试${i}` })).status, 201)
  const res = await fetchFile(as.zhengx, '/api/v1/audit/export?action=calendar_feed.create')
  const ws = await workbook(res)
  assert.match(filenameOf(res.headers), /^审计日志-\d{8}\.xlsx$/)
  const list = await listAll(as.zhengx, '/api/v1/audit?action=calendar_feed.create')
  assert.ok(list.length >= 3)
  const rows = rowsOf(ws)
  assertSheetShape(ws, '审计日志', ['序号', '时间', '账号', '姓名', 'IP地址', '操作', '对象类型', '对象编号', '结果', '详情'], list.length)
  assert.equal(rows.length, list.length)
  list.forEach((a, i) => {
    const r = rows[i]
    assert.equal(r[0], a.id)
    assert.equal(localTime(r[1]), a.ts.slice(0, 19))
    assert.deepEqual([r[2], r[3], r[4], r[5], r[6], String(r[7]), r[8], text(r[9])],
      [a.actor, a.actor_name, a.ip, a.action, a.object_type, a.object_id, a.result, a.detail])
  })
  // the unfiltered export holds the whole log as it was; the export itself is then traced
  const all = await workbook(await fetchFile(as.zhengx, '/api/v1/audit/export'))
  const after = (await as.zhengx.get('/api/v1/audit?limit=1')).body
  assert.equal(rowsOf(all).length + 1, after.total)
  assert.equal(after.items[0].action, 'audit.export')
  assert.equal(after.items[0].actor, 'zhengx')
  // bad filters answer like the list
  const bad = await fetchFile(as.zhengx, '/api/v1/audit/export?from=2026-13-01')
  assert.equal(bad.status, 400)
  assert.equal(bad.json().error.field, 'from')
})

test('用户 export: the system administrator gets the directory of the filter', async () => {
  const admin = as.admin
  const res = await fetchFile(admin, '/api/v1/users/export')
  const ws = await workbook(res)
  const list = await listAll(admin, '/api/v1/users')
  const rows = rowsOf(ws)
  assertSheetShape(ws, '用户列表', ['用户名', '姓名', '部门代码', '部门', '角色', '状态', '须修改初始密码'], list.length)
  const names = Object.fromEntries((await admin.get('/api/v1/roles')).body.items?.map((r) => [r.code, r.name]) ?? [])
  list.forEach((u, i) => {
    const r = rows[i]
    assert.deepEqual(r.slice(0, 4), [u.username, u.name, u.department.code, u.department.name])
    if (Object.keys(names).length) assert.deepEqual(text(r[4]).split('、').filter(Boolean).sort(), u.roles.map((c) => names[c]).sort())
    assert.equal(r[5], u.active ? '启用' : '停用')
    assert.equal(r[6], u.must_change_password ? '是' : '否')
  })
  const dept = list.find((u) => u.username === 'chenj').department.id
  const some = rowsOf(await workbook(await fetchFile(admin, `/api/v1/users/export?department_id=${dept}&q=陈`)))
  assert.deepEqual(some.map((r) => r[0]), (await listAll(admin, `/api/v1/users?department_id=${dept}&q=陈`)).map((u) => u.username))
  assert.equal((await fetchFile(admin, '/api/v1/users/export?department_id=x')).status, 400)
})

// 收文登记簿 rows in 编号 order (the list is newest first).
function assertIncomingRows(rows, list) {
  const want = [...list].reverse()
  assert.equal(rows.length, want.length)
  want.forEach((d, i) => {
    const r = rows[i]
    assert.equal(r[0], d.number)
    assert.equal(day(r[1]), d.received_date)
    assert.deepEqual([r[2], text(r[3]), r[4], r[5], text(r[6]), r[7], r[8], r[9]],
      [d.from_org, d.from_number, d.title, d.doc_type_name, d.secrecy_mark, d.urgency_name, d.copies, d.pages])
    assert.equal(r[10] === null ? null : day(r[10]), d.due_date)
    assert.equal(r[11] ?? null, d.main_department?.name ?? null)
    assert.equal(r[12], d.state_name)
  })
}

test('收文登记簿: the office exports the year; every cell matches the list', async () => {
  const res = await fetchFile(as.zhaol, '/api/v1/incoming/export?year=2026')
  const ws = await workbook(res)
  assert.equal(filenameOf(res.headers), '收文登记簿-2026.xlsx')
  const list = await listAll(as.zhaol, '/api/v1/incoming?year=2026')
  assert.ok(list.length > 20)
  assertSheetShape(ws, '收文登记簿', ['收文编号', '收文日期', '来文单位', '来文字号', '标题', '文种', '密级', '紧急程度', '份数', '页数', '办理期限', '主办部门', '状态'], list.length)
  assertIncomingRows(rowsOf(ws), list)
  assert.ok(rowsOf(ws).some((r) => /^秘密|^机密/.test(text(r[6]))), 'classified register entries are listed')
  // combined filters
  for (const q of ['state=handling', 'secrecy=internal', 'doc_type=通知&year=2026', 'overdue=1', 'mine=1']) {
    const rows = rowsOf(await workbook(await fetchFile(as.zhaol, `/api/v1/incoming/export?${q}`)))
    assertIncomingRows(rows, await listAll(as.zhaol, `/api/v1/incoming?${q}`))
  }
  const bad = await fetchFile(as.zhaol, '/api/v1/incoming/export?state=nope')
  assert.equal(bad.status, 400)
  assert.equal(bad.json().error.field, 'state')
})

test('收文登记簿: need-to-know — a staff member exports exactly what their list shows', async () => {
  const mine = await listAll(as.chenj, '/api/v1/incoming')
  const all = await listAll(as.zhaol, '/api/v1/incoming')
  assert.ok(mine.length > 0 && mine.length < all.length)
  const rows = rowsOf(await workbook(await fetchFile(as.chenj, '/api/v1/incoming/export')))
  assertIncomingRows(rows, mine)
  const hidden = all.filter((d) => !mine.some((m) => m.id === d.id)).map((d) => d.number)
  assert.ok(hidden.length > 0)
  assert.ok(!rows.some((r) => hidden.includes(r[0])), 'no document outside need-to-know')
})

test('发文登记簿: rows match the list for the office and for a staff member', async () => {
  const check = async (client, q) => {
    const res = await fetchFile(client, `/api/v1/outgoing/export${q}`)
    const ws = await workbook(res)
    const list = [...await listAll(client, `/api/v1/outgoing${q}`)].reverse()
    assertSheetShape(ws, '发文登记簿', ['发文字号', '标题', '文种', '行文方向', '密级', '紧急程度', '主办部门', '拟稿人', '签发人', '成文日期', '印发日期', '印制份数', '主送', '抄送', '状态'], list.length)
    const rows = rowsOf(ws)
    assert.equal(rows.length, list.length)
    list.forEach((d, i) => {
      const r = rows[i]
      assert.deepEqual([r[0] ?? null, r[1], r[2], text(r[3]), text(r[4]), r[5], r[6], r[7], r[8] ?? null],
        [d.number, d.title, d.doc_type_name, d.direction_name, d.secrecy_mark, d.urgency_name, d.department.name, d.drafter.name, d.signer])
      assert.equal(r[9] === null ? null : day(r[9]), d.sign_date)
      assert.equal(r[10] === null ? null : day(r[10]), d.printed_date)
      assert.deepEqual([r[11], text(r[12]), text(r[13]), r[14]], [d.print_copies, d.main_to, d.copy_to, d.state_name])
    })
    return list
  }
  const office = await check(as.zhaol, '')
  assert.ok(office.some((d) => d.number === '定检发〔2026〕1号'))
  const staff = await check(as.chenj, '')
  assert.ok(staff.length < office.length)
  await check(as.zhaol, '?direction=up&year=2026')
  await check(as.zhaol, '?state=distributed')
})

// ---- PDFs ----------------------------------------------------------------------------------------

function savePdf(res, name) {
  assert.equal(res.status, 200, res.body.toString().slice(0, 300))
  assert.equal(res.headers.get('content-type'), 'application/pdf')
  assert.equal(res.body.subarray(0, 5).toString(), '%PDF-')
  const path = join(dir, name)
  writeFileSync(path, res.body)
  return path
}

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' })

// A4 and every font embedded; returns the page count.
function assertPdfBasics(path) {
  const info = run('pdfinfo', [path])
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)
  assert.ok(Math.abs(Number(size[1]) - 595.28) < 0.1 && Math.abs(Number(size[2]) - 841.89) < 0.1, info)
  const fonts = run('pdffonts', [path]).trim().split('\n').slice(2)
  assert.ok(fonts.length > 0)
  for (const f of fonts) assert.equal(f.trim().split(/\s+/).at(-5), 'yes', `not embedded: ${f}`)
  return Number(/Pages:\s+(\d+)/.exec(info)[1])
}

const flat = (s) => s.replace(/\s+/g, '')
// Content-stream order keeps a wrapped opinion together (-layout interleaves the label cells).
const raw = (path) => run('pdftotext', ['-raw', path, '-'])

async function outgoingByNumber(number) {
  const list = await listAll(as.zhaol, '/api/v1/outgoing')
  return list.find((d) => d.number === number)
}

test('正本: the demo\'s signed 发文 renders as a GB/T 9704 PDF (A4, fonts embedded, 〔〕, title)', async () => {
  const doc = await outgoingByNumber('定检发〔2026〕1号')
  assert.ok(doc, 'demo document')
  const res = await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/pdf`)
  const path = savePdf(res, 'outgoing.pdf')
  assert.match(res.headers.get('content-disposition'), /^inline;/)
  // our own print preview may frame a PDF; nothing else may, and no other answer may be framed
  assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN')
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'self'/)
  const json = await as.zhaol.get(`/api/v1/outgoing/${doc.id}`)
  assert.equal(json.headers.get('x-frame-options'), 'DENY')
  assert.equal(filenameOf(res.headers), '定检发〔2026〕1号.pdf')
  const pages = assertPdfBasics(path)
  assert.ok(pages >= 1)
  const t = run('pdftotext', ['-layout', path, '-'])
  assert.match(t, /定边县人民检察院文件/)
  assert.match(t, /定检发〔2026〕1号/)
  assert.match(t, /签发人：张建国/, '上行文: 签发人 on the 发文字号 line')
  assert.ok(flat(t).includes(flat(doc.title)), 'title')
  assert.match(t, /^榆林市人民检察院：$/m, '主送机关 once, flush left')
  assert.equal(t.split('榆林市人民检察院：').length, 2, 'the draft\'s own 主送 line is not repeated')
  assert.match(t, /— *1 *—/, 'page number')
  assert.match(t, /2026年1月14日/, '成文日期 = the signing date')
  assert.match(t, /定边县人民检察院办公室 +2026年1月16日印发/)
  // page 1 for review
  mkdirSync(join(ROOT, 'build/e2e'), { recursive: true })
  run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', path, join(ROOT, 'build/e2e/outgoing-page1')])
  // ?download=1 is an attachment
  const dl = await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/pdf?download=1`)
  assert.match(dl.headers.get('content-disposition'), /^attachment;/)
})

test('正本 ?copy=N: one numbered PDF per printed copy, 份号 000001…, within 印制份数', async () => {
  const doc = await outgoingByNumber('定检发〔2026〕2号')
  for (const n of [1, 2, doc.print_copies]) {
    const res = await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/pdf?copy=${n}`)
    const path = savePdf(res, `copy-${n}.pdf`)
    const first = run('pdftotext', ['-layout', '-f', '1', '-l', '1', path, '-']).split('\n').find((l) => l.trim())
    assert.equal(first.trim(), String(n).padStart(6, '0'))
    assert.equal(filenameOf(res.headers), `定检发〔2026〕2号-份号${String(n).padStart(6, '0')}.pdf`)
  }
  const plain = run('pdftotext', ['-layout', '-f', '1', '-l', '1', savePdf(await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/pdf`), 'plain.pdf'), '-'])
  assert.doesNotMatch(plain.split('\n').find((l) => l.trim()), /^\s*\d{6}\s*$/, 'no 份号 unless asked')
  for (const bad of [0, doc.print_copies + 1, 'x', '-1', '1.5']) {
    const res = await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/pdf?copy=${bad}`)
    assert.equal(res.status, 400, `copy=${bad}`)
    assert.equal(res.json().error.field, 'copy')
  }
})

test('正本 only from 编号 on; classified documents are refused; need-to-know is the detail\'s', async () => {
  const list = await listAll(as.zhaol, '/api/v1/outgoing')
  const unsigned = list.filter((d) => !d.number)
  assert.ok(unsigned.length > 0)
  for (const d of unsigned) {
    const res = await fetchFile(as.zhaol, `/api/v1/outgoing/${d.id}/pdf`)
    assert.equal(res.status, 409)
    assert.match(res.json().error.message, /签发并编号后/)
  }
  // a document chenj may not see does not exist for him, in every PDF
  const visible = new Set((await listAll(as.chenj, '/api/v1/outgoing')).map((d) => d.id))
  const other = list.filter((d) => !visible.has(d.id))
  assert.ok(other.length > 0)
  for (const d of other) {
    assert.equal((await as.chenj.get(`/api/v1/outgoing/${d.id}`)).status, 404)
    for (const p of ['pdf', 'draft.pdf']) assert.equal((await fetchFile(as.chenj, `/api/v1/outgoing/${d.id}/${p}`)).status, 404)
  }
  assert.equal((await fetchFile(as.zhaol, '/api/v1/outgoing/999999/pdf')).status, 404)
  // a numbered document marked 秘密 (register only on this network): no 正本, the 稿纸 still prints
  const numbered = list.find((d) => d.number === '定检发〔2026〕4号')
  sql(srv.dbPath, `UPDATE outgoing_doc SET secrecy = 'secret', secrecy_years = 5, body = '' WHERE id = ${numbered.id}`)
  const refused = await fetchFile(as.zhaol, `/api/v1/outgoing/${numbered.id}/pdf`)
  assert.equal(refused.status, 403)
  assert.match(refused.json().error.message, /秘密★5年公文在非涉密网络中只登记/)
  const draft = run('pdftotext', ['-layout', savePdf(await fetchFile(as.zhaol, `/api/v1/outgoing/${numbered.id}/draft.pdf`), 'secret-draft.pdf'), '-'])
  assert.match(draft, /秘密★5年/)
  // on a classified network (the org's switch) the 正本 prints, and only with its 份号
  sql(srv.dbPath, "INSERT INTO setting (org_id, key, value) SELECT id, 'classified_network', '1' FROM org")
  sql(srv.dbPath, `UPDATE outgoing_doc SET body = '院机关各部门：' || char(10) || '现将有关事项通知如下。' WHERE id = ${numbered.id}`)
  const unnumbered = await fetchFile(as.zhaol, `/api/v1/outgoing/${numbered.id}/pdf`)
  assert.equal(unnumbered.status, 400)
  assert.match(unnumbered.json().error.message, /涉密公文须标注份号/)
  const copy = run('pdftotext', ['-layout', '-f', '1', '-l', '1', savePdf(await fetchFile(as.zhaol, `/api/v1/outgoing/${numbered.id}/pdf?copy=7`), 'secret.pdf'), '-'])
  assert.deepEqual(copy.split('\n').filter((l) => l.trim()).slice(0, 2).map((l) => l.trim()), ['000007', '秘密★5年'])
  sql(srv.dbPath, "DELETE FROM setting WHERE key = 'classified_network'")
})

test('发文稿纸: every opinion with name and date, the register fields', async () => {
  const doc = await outgoingByNumber('定检发〔2026〕1号')
  const res = await fetchFile(as.zhaol, `/api/v1/outgoing/${doc.id}/draft.pdf`)
  const path = savePdf(res, 'draft.pdf')
  assert.equal(filenameOf(res.headers), '发文稿纸-定检发〔2026〕1号.pdf')
  assertPdfBasics(path)
  const t = raw(path)
  assert.match(t, /定边县人民检察院发文稿纸/)
  const detail = (await as.zhaol.get(`/api/v1/outgoing/${doc.id}`)).body
  const opinions = detail.opinions.filter((o) => ['sign', 'approve', 'countersign'].includes(o.action))
  assert.ok(opinions.length >= 3)
  for (const o of opinions) {
    if (o.opinion) assert.ok(flat(t).includes(flat(o.opinion)), `opinion ${o.opinion}`)
    const [y, m, d] = o.date.split('-').map(Number)
    assert.match(t, new RegExp(`${o.user.name}\\s+${y}年${m}月${d}日`), `${o.user.name} ${o.date}`)
  }
  for (const s of ['签发', '核稿', '定检发〔2026〕1号', '主办单位', '印制份数', '赵丽']) assert.ok(t.includes(s), s)
  // drafts print too, before any number
  const draft = (await listAll(as.zhaol, '/api/v1/outgoing?state=draft'))[0]
  assertPdfBasics(savePdf(await fetchFile(as.zhaol, `/api/v1/outgoing/${draft.id}/draft.pdf`), 'draft2.pdf'))
})

test('收文处理单: register fields, 拟办 / 批示 / 承办 opinions with names and dates', async () => {
  const doc = (await listAll(as.zhaol, '/api/v1/incoming')).find((d) => d.number === '收文〔2026〕1号')
  const res = await fetchFile(as.zhaol, `/api/v1/incoming/${doc.id}/sheet.pdf`)
  const path = savePdf(res, 'sheet.pdf')
  assert.equal(filenameOf(res.headers), '收文处理单-收文〔2026〕1号.pdf')
  assertPdfBasics(path)
  const t = raw(path)
  for (const s of ['定边县人民检察院收文处理单', '收文编号：收文〔2026〕1号', doc.from_org, doc.from_number, '拟办意见', '领导批示', '承办情况', '办理结果'])
    assert.ok(t.includes(s), s)
  const detail = (await as.zhaol.get(`/api/v1/incoming/${doc.id}`)).body
  for (const o of detail.opinions.filter((x) => ['propose', 'instruct', 'report'].includes(x.action))) {
    assert.ok(flat(t).includes(flat(o.opinion)), o.opinion)
    const [y, m, d] = o.date.split('-').map(Number)
    assert.match(t, new RegExp(`${o.user.name}(（[^）]+）)?\\s+${y}年${m}月${d}日`))
  }
  // a classified register entry prints its 密级; a document outside sight is 404
  const secret = (await listAll(as.zhaol, '/api/v1/incoming?secrecy=secret'))[0]
  const st = run('pdftotext', ['-layout', savePdf(await fetchFile(as.zhaol, `/api/v1/incoming/${secret.id}/sheet.pdf`), 'secret.pdf'), '-'])
  assert.ok(st.includes(secret.secrecy_mark), secret.secrecy_mark)
  const visible = new Set((await listAll(as.chenj, '/api/v1/incoming')).map((d) => d.id))
  const hidden = (await listAll(as.zhaol, '/api/v1/incoming')).find((d) => !visible.has(d.id))
  assert.equal((await fetchFile(as.chenj, `/api/v1/incoming/${hidden.id}/sheet.pdf`)).status, 404)
})

test('审批单 of an approval instance: fields, every step with person, opinion and time', async () => {
  const created = await as.chenj.post('/api/v1/workflows/instances', {
    def_key: 'leave',
    form: { kind: '事假', start_date: '2026-12-14', end_date: '2026-12-15', days: 2, reason: '回乡探望父母' },
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const id = created.body.id
  // whoever holds the first step approves
  const pending = created.body.items.filter((i) => i.state === 'pending')
  assert.ok(pending.length > 0)
  const approverName = pending[0].user.name
  const approver = Object.keys(as).find((u) => (uid[u] === pending[0].user.id))
  const acted = await as[approver].post(`/api/v1/workflows/instances/${id}/actions`, { action: 'approve', opinion: '同意，注意交接工作' })
  assert.equal(acted.status, 200, JSON.stringify(acted.body))
  const res = await fetchFile(as.chenj, `/api/v1/workflows/instances/${id}/sheet.pdf`)
  const path = savePdf(res, 'approval.pdf')
  assertPdfBasics(path)
  assert.equal(filenameOf(res.headers), `请假审批单-${id}.pdf`)
  const t = raw(path)
  for (const s of ['请假审批单', `审批编号：${id}`, '陈杰', '回乡探望父母', '事假', '提交申请']) assert.ok(t.includes(s), s)
  assert.ok(flat(t).includes('同意：同意，注意交接工作'))
  assert.match(t, new RegExp(`${approverName}\\s+\\d{4}年\\d+月\\d+日 \\d\\d:\\d\\d`))
  // someone with no part in it does not see it
  assert.equal((await as.xuf.get(`/api/v1/workflows/instances/${id}`)).status, 404)
  assert.equal((await fetchFile(as.xuf, `/api/v1/workflows/instances/${id}/sheet.pdf`)).status, 404)
})
