// Shared set-up of the document API tests (incoming, outgoing, circulation, need-to-know): one
// demo server, a Bearer client per demo user, and lookups of user and department ids.
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

export const USERS = ['zhaol', 'wangq', 'lihm', 'zhangjg', 'liuy', 'chenj', 'huangt', 'xuf', 'sunm', 'wug', 'admin']

export async function docsServer() {
  const srv = await startServer({ demo: true })
  const as = {}
  for (const u of USERS) as[u] = await bearer(srv, u)
  const users = await as.zhaol.get('/api/v1/users?limit=200')
  assert.equal(users.status, 200)
  const uid = Object.fromEntries(users.body.items.map((u) => [u.username, u.id]))
  const depts = await as.zhaol.get('/api/v1/departments')
  const dept = Object.fromEntries(depts.body.items.map((d) => [d.code, d.id]))
  const seriesId = (code) => JSON.parse(sql(srv.dbPath, `SELECT id FROM number_series WHERE code = '${code}'`))[0].id
  return { srv, as, uid, dept, seriesId }
}

let serial = 0
// A valid registration body; titles are unique so tests can find their own documents.
export function incomingBody(extra = {}) {
  serial += 1
  return {
    title: `关于开展测试工作的通知（${process.pid}-${serial}）`,
    from_org: '榆林市人民检察院',
    from_number: `榆检发〔2026〕${serial}号`,
    doc_type: 'notice',
    secrecy: 'none',
    urgency: 'normal',
    copies: 2,
    pages: 4,
    received_date: '2026-03-02',
    due_date: '2026-03-20',
    body: '各县（区）人民检察院：\n　　现就有关事项通知如下。\n',
    ...extra,
  }
}

export function outgoingBody(extra = {}) {
  serial += 1
  return {
    title: `关于加强测试工作的通知（${process.pid}-${serial}）`,
    doc_type: 'notice',
    main_to: '院机关各部门',
    copy_to: '',
    secrecy: 'none',
    urgency: 'normal',
    direction: 'down',
    print_copies: 20,
    body: '院机关各部门：\n　　为做好测试工作，现通知如下：\n　　一、提高认识。\n　　二、按时报送。\n',
    attachment_note: '',
    ...extra,
  }
}

// Runs an action and asserts its status; returns the body.
export async function act(client, kind, id, body, status = 200) {
  const res = await client.post(`/api/v1/${kind}/${id}/actions`, body)
  assert.equal(res.status, status, `${body.action}: ${JSON.stringify(res.body)}`)
  return res.body
}

export async function todosOf(client, kind) {
  const res = await client.get(`/api/v1/todos?limit=200${kind ? '&kind=' + kind : ''}`)
  assert.equal(res.status, 200)
  return res.body.items
}
