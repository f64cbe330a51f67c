// Calendar feeds: secret addresses per user (create, list, revoke), and the public .ics parsed by
// ical.js — the owner's open deadlines as all-day events with stable UIDs, 涉密事项 for objects
// marked 秘密 or above, nothing of anyone else, 404 once revoked or when the owner is deactivated.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import { Client, sql } from '../lib/server.mjs'
import { docsServer, incomingBody } from './docs-helpers.mjs'

let srv, as, uid
before(async () => { ({ srv, as, uid } = await docsServer()) })
after(async () => { await srv.stop() })

async function feedOf(client, name = '测试日历') {
  const res = await client.post('/api/v1/calendar-feeds', { name })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

// The feed without credentials, parsed.
async function fetchIcs(url) {
  const res = await fetch(srv.url + url)
  const text = await res.text()
  return { status: res.status, type: res.headers.get('content-type'), text }
}

function events(text) {
  const cal = new ICAL.Component(ICAL.parse(text))
  assert.equal(cal.name, 'vcalendar')
  return cal.getAllSubcomponents('vevent').map((v) => {
    const ev = new ICAL.Event(v)
    return { uid: ev.uid, summary: ev.summary, description: ev.description, start: ev.startDate, end: ev.endDate }
  })
}

// The user's open todos that have a due date (what the feed must list).
async function datedTodos(client) {
  const res = await client.get('/api/v1/todos?limit=200')
  assert.equal(res.status, 200)
  assert.ok(res.body.total <= 200)
  return res.body.items.filter((t) => t.due)
}

test('creating, listing and revoking feed addresses; the secret is stored only as a hash', async () => {
  const f = await feedOf(as.liuy, '手机日历')
  assert.match(f.url, /^\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/)
  assert.equal(f.name, '手机日历')
  assert.match(f.created_at, /\+08:00$/)
  const secret = /calendar\/(.+)\.ics$/.exec(f.url)[1]
  const stored = JSON.parse(sql(srv.dbPath, `SELECT token_hash FROM calendar_feed WHERE id = ${f.id}`))[0].token_hash
  assert.match(stored, /^[0-9a-f]{64}$/)
  assert.ok(!sql(srv.dbPath, 'SELECT * FROM calendar_feed').includes(secret), 'secret not in the store')
  const list = await as.liuy.get('/api/v1/calendar-feeds')
  assert.equal(list.status, 200)
  assert.deepEqual(list.body.items.map((x) => [x.id, x.name]), [[f.id, '手机日历']])
  assert.ok(!JSON.stringify(list.body).includes(secret), 'the list never shows the secret')
  // another user neither lists nor revokes it
  assert.equal((await as.chenj.get('/api/v1/calendar-feeds')).body.total, 0)
  assert.equal((await as.chenj.del(`/api/v1/calendar-feeds/${f.id}`)).status, 404)
  assert.equal((await fetchIcs(f.url)).status, 200)
  // revoke: gone from the list, the address answers 404, a second revoke is 404
  assert.equal((await as.liuy.del(`/api/v1/calendar-feeds/${f.id}`)).status, 200)
  assert.equal((await as.liuy.get('/api/v1/calendar-feeds')).body.total, 0)
  const gone = await fetchIcs(f.url)
  assert.equal(gone.status, 404)
  assert.equal(JSON.parse(gone.text).error.code, 'not_found')
  assert.equal((await as.liuy.del(`/api/v1/calendar-feeds/${f.id}`)).status, 404)
  // the revocation is audited
  const audit = JSON.parse(sql(srv.dbPath, `SELECT action FROM audit_log WHERE object_type = 'calendar_feed' AND object_id = '${f.id}' ORDER BY id`))
  assert.deepEqual(audit.map((a) => a.action), ['calendar_feed.create', 'calendar_feed.revoke'])
})

test('validation and limits: unknown fields, long names, at most 5 live addresses', async () => {
  const bad = await as.huangt.post('/api/v1/calendar-feeds', { name: '日历', color: 'red' })
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.field, 'color')
  const long = await as.huangt.post('/api/v1/calendar-feeds', { name: '长'.repeat(41) })
  assert.equal(long.status, 422)
  assert.equal(long.body.error.field, 'name')
  const made = []
  for (let i = 0; i < 5; i++) made.push(await feedOf(as.huangt, `日历${i}`))
  const sixth = await as.huangt.post('/api/v1/calendar-feeds', {})
  assert.equal(sixth.status, 409)
  assert.match(sixth.body.error.message, /最多5个/)
  assert.equal((await as.huangt.del(`/api/v1/calendar-feeds/${made[0].id}`)).status, 200)
  assert.equal((await as.huangt.post('/api/v1/calendar-feeds', {})).status, 201)
})

test('unknown and malformed secrets answer 404 without credentials', async () => {
  for (const path of ['/api/v1/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics',
    '/api/v1/calendar/%27%20OR%201%3D1.ics', `/api/v1/calendar/${'a'.repeat(65)}.ics`]) {
    const res = await fetchIcs(path)
    assert.equal(res.status, 404, path)
  }
})

test('the feed lists the owner\'s dated open todos as all-day events with stable UIDs', async () => {
  // a fresh deadline for the clerk: registering puts 初审 in the registrar's 待办 with the due date
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody({ due_date: '2026-12-24' }))
  assert.equal(reg.status, 201)
  const f = await feedOf(as.zhaol)
  const res = await fetchIcs(f.url)
  assert.equal(res.status, 200)
  assert.equal(res.type, 'text/calendar; charset=utf-8')
  const evs = events(res.text)
  const todos = await datedTodos(as.zhaol)
  assert.ok(todos.length > 0)
  assert.deepEqual(evs.map((e) => e.uid).sort(), todos.map((t) => `todo-${t.id}@jianwu`).sort())
  const byUid = Object.fromEntries(evs.map((e) => [e.uid, e]))
  for (const t of todos) {
    const ev = byUid[`todo-${t.id}@jianwu`]
    assert.ok(ev.start.isDate, 'all-day')
    assert.equal(ev.start.toString(), t.due)
    const next = ev.start.clone()
    next.addDuration(ICAL.Duration.fromString('P1D'))
    assert.equal(ev.end.toString(), next.toString())
  }
  const mine = todos.find((t) => t.kind === 'incoming' && t.object_id === reg.body.id)
  const ev = byUid[`todo-${mine.id}@jianwu`]
  assert.equal(ev.summary, `【${mine.step}】${mine.title}`)
  assert.match(ev.description, /收文办理/)
  assert.match(ev.description, /办理期限：2026-12-24/)
  // the same todo keeps its UID in the next fetch
  assert.ok(events((await fetchIcs(f.url)).text).some((e) => e.uid === `todo-${mine.id}@jianwu`))
  // once the todo is done it leaves the feed
  const act = await as.zhaol.post(`/api/v1/incoming/${reg.body.id}/actions`, { action: 'review', opinion: '符合要求' })
  assert.equal(act.status, 200, JSON.stringify(act.body))
  assert.ok(!events((await fetchIcs(f.url)).text).some((e) => e.uid === `todo-${mine.id}@jianwu`))
})

test('items of objects marked 秘密 or above appear only as 涉密事项, without title or description', async () => {
  const secret = await as.zhaol.post('/api/v1/incoming', incomingBody({
    title: '关于某专项保密工作部署的通知（绝不应出现在日历里）', secrecy: 'confidential', body: '', due_date: '2026-12-22',
  }))
  assert.equal(secret.status, 201, JSON.stringify(secret.body))
  const internal = await as.zhaol.post('/api/v1/incoming', incomingBody({ secrecy: 'internal', due_date: '2026-12-23' }))
  assert.equal(internal.status, 201)
  const f = await feedOf(as.zhaol)
  const { text } = await fetchIcs(f.url)
  assert.ok(!text.includes('绝不应出现'), 'no classified title anywhere in the feed')
  const todos = await datedTodos(as.zhaol)
  const evs = Object.fromEntries(events(text).map((e) => [e.uid, e]))
  const t = todos.find((x) => x.kind === 'incoming' && x.object_id === secret.body.id)
  const ev = evs[`todo-${t.id}@jianwu`]
  assert.equal(ev.summary, '涉密事项')
  assert.equal(ev.description, null)
  assert.equal(ev.start.toString(), '2026-12-22')
  // 内部 is not a state secret: shown normally
  const ti = todos.find((x) => x.kind === 'incoming' && x.object_id === internal.body.id)
  assert.equal(evs[`todo-${ti.id}@jianwu`].summary, `【${ti.step}】${ti.title}`)
  // every redacted event belongs to a classified object, and every classified object is redacted
  const classified = new Set(JSON.parse(sql(srv.dbPath,
    "SELECT t.id FROM todo t JOIN incoming_doc d ON d.id = t.object_id WHERE t.kind IN ('incoming', 'circulation')" +
    ` AND t.user_id = ${uid.zhaol} AND t.state = 'pending' AND d.secrecy IN ('secret', 'confidential', 'top_secret')` +
    " UNION SELECT t.id FROM todo t JOIN outgoing_doc d ON d.id = t.object_id WHERE t.kind = 'outgoing'" +
    ` AND t.user_id = ${uid.zhaol} AND t.state = 'pending' AND d.secrecy IN ('secret', 'confidential', 'top_secret')`) || '[]').map((r) => `todo-${r.id}@jianwu`))
  for (const e of Object.values(evs)) assert.equal(e.summary === '涉密事项', classified.has(e.uid), e.uid)
})

test('a feed shows only its owner\'s items; approvals and tasks of others never appear', async () => {
  // chenj asks for leave: the approver's todo (with a time limit) is not chenj's
  const leave = await as.chenj.post('/api/v1/workflows/instances', {
    def_key: 'leave', form: { kind: '事假', start_date: '2026-12-14', end_date: '2026-12-14', days: 1, reason: '办理个人事务' },
  })
  assert.equal(leave.status, 201, JSON.stringify(leave.body))
  const approverId = leave.body.items.find((i) => i.state === 'pending').user.id
  const approver = Object.keys(uid).find((u) => uid[u] === approverId)
  const a = await feedOf(as[approver])
  const c = await feedOf(as.chenj)
  const aEvents = events((await fetchIcs(a.url)).text)
  const cEvents = events((await fetchIcs(c.url)).text)
  const aTodos = await datedTodos(as[approver])
  const cTodos = await datedTodos(as.chenj)
  const approval = aTodos.find((t) => t.instance_id === leave.body.id)
  assert.ok(approval, 'the approver has a dated todo for the leave request')
  assert.ok(aEvents.some((e) => e.uid === `todo-${approval.id}@jianwu` && e.summary.includes('请假')))
  assert.deepEqual(cEvents.map((e) => e.uid).sort(), cTodos.map((t) => `todo-${t.id}@jianwu`).sort())
  assert.ok(!cEvents.some((e) => e.uid === `todo-${approval.id}@jianwu`), 'not in the initiator\'s feed')
  const aUids = new Set(aEvents.map((e) => e.uid))
  assert.ok(!cEvents.some((e) => aUids.has(e.uid)), 'no item of one user in another\'s feed')
})

test('a feed stops answering when its owner is deactivated', async () => {
  const f = await feedOf(as.xuf)
  assert.equal((await fetchIcs(f.url)).status, 200)
  const admin = as.admin
  const u = await admin.get(`/api/v1/users/${uid.xuf}`)
  const off = await admin.patch(`/api/v1/users/${uid.xuf}`, { active: false, version: u.body.version })
  assert.equal(off.status, 200, JSON.stringify(off.body))
  assert.equal((await fetchIcs(f.url)).status, 404)
  const on = await admin.patch(`/api/v1/users/${uid.xuf}`, { active: true, version: off.body.version })
  assert.equal(on.status, 200)
  assert.equal((await fetchIcs(f.url)).status, 200)
  // the routes that manage addresses need a signed-in business user
  assert.equal((await new Client(srv.url).get('/api/v1/calendar-feeds')).status, 401)
  assert.equal((await admin.get('/api/v1/calendar-feeds')).status, 403)
})
