// Attachments through the API: streamed upload above the JSON body cap, SM3 content addressing and
// de-duplication, refusal by content (libmagic), original names in Content-Disposition (RFC 5987),
// the size limit, need-to-know, and `jianwu files verify` finding a changed or vanished file.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { readFileSync, readdirSync, chmodSync, writeFileSync, unlinkSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, Client, bearer, cliResult, sql } from '../lib/server.mjs'

let srv, chen, xu, zhao, admin
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

before(async () => {
  srv = await startServer({ demo: true })
  chen = await bearer(srv, 'chenj') // staff, 第一检察部
  xu = await bearer(srv, 'xuf') // staff, 第二检察部
  zhao = await bearer(srv, 'zhaol') // clerk (office)
  admin = await bearer(srv, 'admin')
})
after(async () => { await srv.stop() })

const upload = (client, name, bytes, headers = {}) =>
  client.call('POST', '/api/v1/files' + (name === null ? '' : '?name=' + encodeURIComponent(name)), undefined,
    { raw: bytes, headers: { 'content-type': 'application/octet-stream', ...headers } })

async function download(client, id) {
  const res = await fetch(`${srv.url}/api/v1/files/${id}`, { headers: { authorization: `Bearer ${client.token}` } })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

const filesDir = () => join(srv.dir, 'files')
function blobs() {
  if (!existsSync(filesDir())) return []
  return readdirSync(filesDir()).filter((d) => d !== 'tmp').flatMap((d) => readdirSync(join(filesDir(), d)).map((f) => d + f))
}
const fileRows = () => JSON.parse(sql(srv.dbPath, 'SELECT count(*) n FROM file'))[0].n

// RFC 5987: filename*=UTF-8''percent-encoded
function dispositionName(header) {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header)
  return m ? decodeURIComponent(m[1]) : null
}

test('upload, download with the original Chinese name (quotes included), SM3 names the blob', async () => {
  const name = '关于"印发"《检务督察办法》的通知.pdf'
  const res = await upload(chen, name, PDF)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.equal(res.body.type, 'pdf')
  assert.equal(res.body.name, name)
  assert.equal(res.body.size, PDF.length)
  assert.match(res.body.sm3, /^[0-9a-f]{64}$/)
  assert.equal(res.body.deduplicated, false)
  assert.ok(blobs().includes(res.body.sm3), 'stored as files/ab/cdef...')
  const dl = await download(chen, res.body.id)
  assert.equal(dl.status, 200)
  assert.deepEqual(dl.bytes, PDF)
  assert.equal(dl.headers.get('content-type'), 'application/pdf')
  const cd = dl.headers.get('content-disposition')
  assert.match(cd, /^attachment;/)
  assert.equal(dispositionName(cd), name)
  assert.ok(!cd.includes('"印发"'), 'quotes never appear raw in the header')
  const meta = await chen.get(`/api/v1/files/${res.body.id}/meta`)
  assert.equal(meta.status, 200)
  assert.equal(meta.body.sm3, res.body.sm3)
})

test('a download is saved under a name that matches its content', async () => {
  const res = await upload(chen, '页面.html', Buffer.from('看似网页，实为纯文本。\n'))
  assert.equal(res.status, 201)
  assert.equal(res.body.type, 'txt')
  assert.equal(res.body.name, '页面.html', 'the name is kept as given')
  const dl = await download(chen, res.body.id)
  assert.equal(dl.headers.get('content-type'), 'text/plain')
  assert.equal(dispositionName(dl.headers.get('content-disposition')), '页面.html.txt')
})

test('identical content is stored once', async () => {
  const content = Buffer.from('关于召开党组会议的通知\n全体党组成员：\n定于周五召开党组会议。\n')
  const a = await upload(chen, '通知.txt', content)
  const b = await upload(xu, '通知（副本）.txt', content)
  assert.equal(a.status, 201)
  assert.equal(b.status, 201)
  assert.equal(a.body.type, 'txt')
  assert.notEqual(a.body.id, b.body.id)
  assert.equal(a.body.sm3, b.body.sm3)
  assert.equal(b.body.deduplicated, true)
  assert.equal(blobs().filter((x) => x === a.body.sm3).length, 1)
})

test('type comes from the content: an ELF or an HTML page named .pdf is refused with 415', async () => {
  const before = [fileRows(), blobs().length]
  const elf = readFileSync(process.execPath).subarray(0, 65536)
  for (const [what, bytes] of [['ELF', elf], ['HTML', Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>')]]) {
    const res = await upload(chen, '公文.pdf', bytes)
    assert.equal(res.status, 415, what)
    assert.equal(res.body.error.code, 'unsupported_media_type')
    assert.match(res.body.error.message, /不支持的文件类型/)
  }
  const empty = await upload(chen, '空.txt', Buffer.alloc(0))
  assert.equal(empty.status, 422)
  assert.deepEqual([fileRows(), blobs().length], before, 'nothing stored')
})

test('a body far above the 1 MiB JSON cap streams to disk', async () => {
  const big = Buffer.from('检察机关公文处理办法。\n'.repeat(200000)) // about 6.6 MB of text
  const res = await upload(chen, '大文件.txt', big)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.equal(res.body.size, big.length)
  const dl = await download(chen, res.body.id)
  assert.ok(dl.bytes.equals(big))
})

test('size limit: configurable, 413 one byte over, and refused before the body when announced', async () => {
  sql(srv.dbPath, "INSERT INTO setting (org_id, key, value) VALUES (1, 'files.max_bytes', '65536')")
  try {
    const exact = await upload(chen, '刚好.txt', Buffer.alloc(65536, 'a'))
    assert.equal(exact.status, 201)
    const over = await upload(chen, '超出.txt', Buffer.alloc(65537, 'b'))
    assert.equal(over.status, 413)
    assert.equal(over.body.error.code, 'payload_too_large')
  } finally {
    sql(srv.dbPath, "DELETE FROM setting WHERE key = 'files.max_bytes'")
  }
  // the default 50 MiB limit: a client announcing 50 MiB + 1 and waiting for 100 Continue gets 413
  const answer = await new Promise((resolve, reject) => {
    const u = new URL(srv.url)
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.write(`POST /api/v1/files?name=big.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${chen.token}\r\n` +
        `Content-Length: ${50 * 1024 * 1024 + 1}\r\nExpect: 100-continue\r\n\r\n`)
    })
    let data = ''
    s.on('data', (d) => { data += d; if (data.includes('}}')) { s.destroy(); resolve(data) } })
    s.on('error', reject)
    setTimeout(() => { s.destroy(); resolve(data) }, 5000)
  })
  assert.match(answer, /^HTTP\/1\.1 413/)
  assert.match(answer, /payload_too_large/)
  assert.ok(!answer.includes('100 Continue'))
})

test('uploads need a signed-in business user and a file name; refusals store nothing', async () => {
  const before = [fileRows(), blobs().length]
  const anon = await upload(new Client(srv.url), 'a.pdf', Buffer.alloc(2 * 1024 * 1024, 'x'))
  assert.equal(anon.status, 401)
  const sysadmin = await upload(admin, 'a.pdf', PDF)
  assert.equal(sysadmin.status, 403)
  const noName = await upload(chen, null, PDF)
  assert.equal(noName.status, 422)
  assert.equal(noName.body.error.field, 'name')
  const ctrl = await upload(chen, 'a\nb.pdf', PDF)
  assert.equal(ctrl.status, 422)
  const long = await upload(chen, '长'.repeat(90) + '.pdf', PDF) // 274 bytes
  assert.equal(long.status, 422)
  assert.deepEqual([fileRows(), blobs().length], before)
  assert.deepEqual(readdirSync(join(filesDir(), 'tmp')), [], 'no spool file left behind')
})

test('need-to-know: the uploader, then whoever may see the object the file is attached to', async () => {
  const res = await upload(chen, '办理意见.txt', Buffer.from('第一检察部办理意见：同意。\n'))
  const id = res.body.id
  assert.equal((await download(chen, id)).status, 200)
  assert.equal((await download(xu, id)).status, 404, 'another staff member: it does not exist')
  assert.equal((await download(zhao, id)).status, 404, 'not attached yet: not even the office')
  assert.equal((await xu.get(`/api/v1/files/${id}/meta`)).status, 404)
  assert.equal((await download(admin, id)).status, 403)
  // attached to an object (what files_attach() writes) that xu may see through an acl row
  sql(srv.dbPath, `INSERT INTO file_link (file_id, kind, object_id, created_at) VALUES (${id}, 'incoming', 777001, 0)`)
  assert.equal((await download(zhao, id)).status, 200, 'the office sees every object of its org')
  assert.equal((await download(xu, id)).status, 404)
  const xuId = JSON.parse(sql(srv.dbPath, "SELECT id FROM app_user WHERE username = 'xuf'"))[0].id
  sql(srv.dbPath, `INSERT INTO acl (org_id, kind, object_id, user_id, reason) VALUES (1, 'incoming', 777001, ${xuId}, 'circulated')`)
  assert.equal((await download(xu, id)).status, 200)
  assert.equal((await download(chen, 999999)).status, 404)
})

test('files verify: intact, then a changed and a vanished file are reported with exit 1', async () => {
  const ok = cliResult(['files', 'verify', '--db', srv.dbPath])
  assert.equal(ok.status, 0, ok.stdout + ok.stderr)
  assert.match(ok.stdout, /已校验 \d+ 个存储文件/)
  const a = await upload(chen, '待篡改.txt', Buffer.from('原始内容：检察建议书。\n'))
  const b = await upload(chen, '待删除.txt', Buffer.from('将被删除的文件。\n'))
  const pathOf = (sm3) => join(filesDir(), sm3.slice(0, 2), sm3.slice(2))
  chmodSync(pathOf(a.body.sm3), 0o640)
  writeFileSync(pathOf(a.body.sm3), '篡改内容：检察建议书。\n')
  unlinkSync(pathOf(b.body.sm3))
  const bad = cliResult(['files', 'verify', '--db', srv.dbPath])
  assert.equal(bad.status, 1)
  assert.match(bad.stdout, new RegExp(`已改变：${a.body.sm3}`))
  assert.match(bad.stdout, new RegExp(`已丢失：${b.body.sm3}`))
  assert.match(bad.stdout, /待篡改\.txt/)
  assert.match(bad.stdout, /待删除\.txt/)
  // a vanished blob is an error, never an empty download
  assert.equal((await download(chen, b.body.id)).status, 500)
})
