// Every named limit of src/core/limits.h one past its edge, and the bad-input table: each bad
// request gets its status and error code, and the business tables are unchanged afterwards.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { startServer, Client, bearer, sql } from '../lib/server.mjs'

const BODY_MAX = 1024 * 1024
const HEADERS_MAX = 16 * 1024
const CONN_PER_IP_MAX = 128

let srv, admin
before(async () => {
  srv = await startServer({ args: ['--idle-timeout', '2'] })
  admin = await bearer(srv, 'admin')
})
after(async () => { await srv.stop() })

const snapshot = () => sql(srv.dbPath, 'SELECT (SELECT group_concat(code) FROM department) d, (SELECT group_concat(username || version) FROM app_user) u, (SELECT count(*) FROM user_role) r')

const validUser = { username: 'okuser', name: '张三', department_code: 'BGS', roles: ['staff'], password: 'Valid#2026x' }

const badInputs = [
  ['invalid JSON', { raw: '{"username": ' }, 400, 'bad_request'],
  ['invalid UTF-8', { raw: Buffer.concat([Buffer.from('{"username":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('","name":"x"}')]) }, 400, 'bad_request'],
  ['duplicate keys', { raw: '{"username":"dupa","username":"dupb","name":"x","department_code":"BGS","roles":["staff"],"password":"Valid#2026x"}' }, 400, 'bad_request'],
  ['top-level array', { raw: '[1,2]' }, 400, 'bad_request'],
  ['wrong content type', { raw: 'username=x', type: 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
  ['wrong type: name is a number', { body: { ...validUser, name: 42 } }, 422, 'validation_failed', 'name'],
  ['wrong type: roles is a string', { body: { ...validUser, roles: 'staff' } }, 422, 'validation_failed', 'roles'],
  ['missing field', { body: { ...validUser, name: undefined } }, 422, 'validation_failed', 'name'],
  ['blank field', { body: { ...validUser, name: '   ' } }, 422, 'validation_failed', 'name'],
  ['overlong name', { body: { ...validUser, name: '长'.repeat(50) } }, 422, 'validation_failed', 'name'],
  ['overlong username', { body: { ...validUser, username: 'a'.repeat(33) } }, 422, 'validation_failed', 'username'],
  ['unknown field', { body: { ...validUser, is_admin: true } }, 422, 'validation_failed', 'is_admin'],
  ['NUL inside a string', { raw: '{"username":"a\\u0000b","name":"x","department_code":"BGS","roles":["staff"],"password":"Valid#2026x"}' }, 400, 'bad_request'],
  // fuzz_json_body's finding: the message quoting this key was cut inside 检 and the server crashed
  ['unknown key cut inside a character', { raw: JSON.stringify({ ...validUser, ['a'.repeat(59) + '检']: 1 }) }, 422, 'validation_failed'],
  ['body over 1 MiB', { raw: '{"name":"' + 'x'.repeat(BODY_MAX) + '"}' }, 413, 'payload_too_large'],
]

for (const [name, req, status, code, field] of badInputs) {
  test(`bad input: ${name} -> ${status} ${code}`, async () => {
    const before = snapshot()
    const headers = {}
    if (req.type) headers['content-type'] = req.type
    else if (req.raw !== undefined) headers['content-type'] = 'application/json'
    const res = await admin.call('POST', '/api/v1/users', req.body, { headers, raw: req.raw })
    assert.equal(res.status, status)
    assert.equal(res.body.error.code, code)
    assert.match(res.body.error.message, /[\u4e00-\u9fff]/, 'message is Chinese')
    if (field) assert.equal(res.body.error.field, field)
    assert.equal(snapshot(), before, 'database unchanged')
  })
}

test('a body exactly at the limit is parsed (and refused only for its content)', async () => {
  const pad = BODY_MAX - '{"name":""}'.length
  const res = await admin.call('POST', '/api/v1/users', undefined, { headers: { 'content-type': 'application/json' }, raw: '{"name":"' + 'x'.repeat(pad) + '"}' })
  assert.equal(res.status, 422)
})

test('headers over 16 KiB get a JSON 431, not an HTML page', async () => {
  const res = await fetch(srv.url + '/api/v1/health', { headers: { 'x-pad': 'a'.repeat(HEADERS_MAX + 10) } })
  assert.equal(res.status, 431)
  assert.match(res.headers.get('content-type'), /application\/json/)
  const body = await res.json()
  assert.match(body.error.message, /请求头过大/)
  const ok = await fetch(srv.url + '/api/v1/health', { headers: { 'x-pad': 'a'.repeat(HEADERS_MAX - 1000) } })
  assert.equal(ok.status, 200)
})

test('404 and 405 are JSON with Chinese messages', async () => {
  const c = new Client(srv.url)
  const nf = await c.get('/api/v1/does-not-exist')
  assert.equal(nf.status, 404)
  assert.equal(nf.body.error.code, 'not_found')
  const na = await c.call('DELETE', '/api/v1/health')
  assert.equal(na.status, 405)
  assert.equal(na.body.error.code, 'method_not_allowed')
  const badId = await admin.get('/api/v1/users/abc')
  assert.equal(badId.status, 404)
})

test('paging parameters are bounded', async () => {
  assert.equal((await admin.get('/api/v1/users?limit=200')).status, 200)
  assert.equal((await admin.get('/api/v1/users?limit=201')).status, 400)
  assert.equal((await admin.get('/api/v1/users?limit=0')).status, 400)
  assert.equal((await admin.get('/api/v1/users?offset=-1')).status, 400)
  assert.equal((await admin.get('/api/v1/users?limit=abc')).status, 400)
})

test('invalid UTF-8 in the query string is refused', async () => {
  const res = await fetch(srv.url + '/api/v1/users?q=%ff%fe', { headers: { authorization: `Bearer ${admin.token}` } })
  assert.equal(res.status, 400)
})

function openSocket(localAddress, server = srv) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress })
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  })
}

// The answer on a socket, complete when the server closes it (or after 15 s: a hang fails, not blocks)
function request(sock) {
  return new Promise((resolve) => {
    let data = ''
    const timer = setTimeout(() => { sock.destroy(); resolve(data + '<timeout>') }, 15000)
    sock.on('data', (d) => { data += d })
    sock.once('close', () => { clearTimeout(timer); resolve(data) })
    sock.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  })
}

test(`at most ${CONN_PER_IP_MAX} connections from one address`, { timeout: 90000 }, async () => {
  const socks = []
  for (let i = 0; i < CONN_PER_IP_MAX; i++) socks.push(await openSocket('127.0.0.1'))
  await new Promise((r) => setTimeout(r, 200))
  const extra = await openSocket('127.0.0.1')
  const answer = await request(extra)
  assert.equal(answer, '', 'the connection over the limit is closed without an answer')
  const other = await openSocket('127.0.0.2')
  assert.match(await request(other), /200 OK/, 'another address is still served')
  const first = socks.shift()
  first.destroy()
  for (const s of socks) s.destroy()
})

test('an idle connection is closed after the idle timeout', { timeout: 30000 }, async () => {
  const s = await openSocket('127.0.0.3')
  const started = Date.now()
  await new Promise((r) => s.once('close', r))
  const waited = Date.now() - started
  assert.ok(waited >= 1500 && waited < 10000, `closed after ${waited} ms (timeout 2 s)`)
})

// Over the limit MHD stops accepting: extra connections wait in the listen backlog and are
// served only when others close. Connections are opened one at a time, each answered before the
// next: MHD splits the limit among its 4 threads (128 each) and watches the listening socket
// edge-triggered, so 600 connections queued at once can leave a thread's share in the backlog
// until the next connection arrives (an artefact of the burst, not of the limit).
test('at most 512 connections in total', { timeout: 120000 }, async () => {
  // its own server with the default idle timeout: 600 sockets on a loaded machine take longer
  // than the 2 s the other tests use
  const big = await startServer()
  const served = []
  const waiting = []
  const answer = (s, ms) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    s.once('data', () => { clearTimeout(timer); resolve(true) })
    s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n') // keep-alive: stays open
  })
  try {
    // 6 addresses: the per-address limit (128) is not what this test measures
    for (let n = 0; n < 600 && waiting.length === 0; n++) {
      const s = await openSocket(`127.0.0.${10 + (n % 6)}`, big)
      if (await answer(s, served.length < 512 ? 10000 : 3000)) served.push(s)
      else waiting.push(s)
    }
    assert.equal(served.length, 512, `${served.length} served at once`)
    let early = 0
    const late = []
    for (let n = 0; n < 20; n++) {
      const s = await openSocket(`127.0.0.${20 + (n % 4)}`, big)
      waiting.push(s)
      late.push(answer(s, 30000).then((ok) => { if (ok && served.length === 512) early++; return ok }))
    }
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(early, 0, 'no connection over the limit is served while 512 are open')
    // closing 30 served connections frees their slots: the 21 waiting ones are then served
    for (const s of served.splice(0, 30)) s.destroy()
    const results = await Promise.all(late)
    assert.ok(results.every(Boolean), `${results.filter(Boolean).length} of 20 late connections served`)
  } finally {
    // a failed assertion must not leave sockets and a server keeping the test file alive
    for (const s of [...served, ...waiting]) s.destroy()
    await big.stop()
  }
})
