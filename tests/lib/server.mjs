// Starts a real `jianwu serve` on an ephemeral loopback port with a temporary SQLite database,
// for API and browser tests. Nothing is mocked: init, demo and serve are the shipped binary.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = process.env.JIANWU_BIN ?? join(ROOT, 'build/jianwu')
export const DEFAULT_ADMIN_PASSWORD = 'Jianwu#Root2026'
export const DEMO_PASSWORD = 'Demo@2026'

// A CLI run is bounded (a stuck process fails the test instead of blocking the event loop forever).
export const CLI_TIMEOUT_MS = 120000
export const STOP_TIMEOUT_MS = 30000

export function cli(args, opts = {}) {
  return execFileSync(BIN, args, {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL', ...opts,
  })
}

// Runs the CLI and returns {status, stdout, stderr} without throwing.
export function cliResult(args) {
  try {
    return { status: 0, stdout: cli(args), stderr: '' }
  } catch (err) {
    return { status: err.status, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

// opts: demo (run `jianwu demo`), adminPassword, web (UI dir, default web/dist), args (extra serve
// arguments), dir (reuse a directory/database).
export async function startServer(opts = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'jianwu-test-'))
  const dbPath = join(dir, 'jianwu.db')
  const adminPassword = opts.adminPassword ?? DEFAULT_ADMIN_PASSWORD
  if (!opts.dir) {
    cli(['init', '--db', dbPath, '--org', '定边县人民检察院', '--org-code', '定检',
      '--admin-password', adminPassword])
    if (opts.demo) cli(['demo', '--db', dbPath])
  }
  const args = ['serve', '--db', dbPath, '--listen', '127.0.0.1:0',
    '--web', opts.web ?? join(ROOT, 'web/dist'), ...(opts.args ?? [])]
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr.on('data', (d) => { stderr += d })
  const url = await new Promise((resolveUrl, reject) => {
    const rl = createInterface({ input: proc.stdout })
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + stderr)), 15000)
    rl.once('line', (line) => {
      clearTimeout(timer)
      const m = /listening on (http:\/\/\S+)/.exec(line)
      m ? resolveUrl(m[1]) : reject(new Error('unexpected first line: ' + line))
    })
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)) })
  })
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })))
  return {
    url, dbPath, dir, adminPassword, proc, exited,
    stderr: () => stderr,
    // SIGTERM, then SIGKILL if the server has not exited within STOP_TIMEOUT_MS; a forced stop
    // fails the caller with the server's stderr, so a shutdown hang is reported, not waited on.
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      let timer
      const late = new Promise((r) => { timer = setTimeout(() => r(null), STOP_TIMEOUT_MS) })
      const res = await Promise.race([exited, late])
      clearTimeout(timer)
      if (res === null) {
        proc.kill('SIGKILL')
        await exited
        throw new Error(`server did not stop within ${STOP_TIMEOUT_MS} ms:\n${stderr.slice(-4000)}`)
      }
      if (!keep && !opts.dir) rmSync(dir, { recursive: true, force: true })
      return res
    },
  }
}

// A small API client: cookie session with CSRF, or Bearer token.
export class Client {
  constructor(base, { token } = {}) {
    this.base = base
    this.token = token
    this.cookie = null
    this.csrf = null
  }

  async login(username, password) {
    const res = await this.call('POST', '/api/v1/session', { username, password })
    if (res.status === 200) this.csrf = res.body.csrf_token
    return res
  }

  async call(method, path, body, { headers = {}, raw } = {}) {
    const h = { ...headers }
    if (this.token) h.authorization = `Bearer ${this.token}`
    if (this.cookie) h.cookie = this.cookie
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf
    let payload
    if (raw !== undefined) payload = raw
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json' }
    const res = await fetch(this.base + path, { method, headers: h, body: payload })
    const setCookie = res.headers.get('set-cookie')
    if (setCookie) {
      const m = /jw_session=([^;]*)/.exec(setCookie)
      if (m) this.cookie = m[1] ? `jw_session=${m[1]}` : null
    }
    const text = await res.text()
    let parsed = text
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) parsed = JSON.parse(text)
    return { status: res.status, body: parsed, headers: res.headers }
  }

  get(path) { return this.call('GET', path) }
  post(path, body) { return this.call('POST', path, body) }
  patch(path, body) { return this.call('PATCH', path, body) }
  del(path) { return this.call('DELETE', path) }
}

export async function bearer(srv, username) {
  return new Client(srv.url, { token: cli(['token', 'create', '--db', srv.dbPath, '--user', username]).trim() })
}

// Rows of a table through the sqlite3 shell (tests compare state before and after).
export function sql(dbPath, query) {
  return execFileSync('sqlite3', ['-json', dbPath, query], { encoding: 'utf8', timeout: CLI_TIMEOUT_MS }).trim()
}
