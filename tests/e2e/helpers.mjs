// Shared pieces of the browser tests: start the server (tests/lib/server.mjs), drive Debian's
// Chromium through playwright-core with a fresh profile, collect console errors, take screenshots
// under build/e2e/, and the few UI steps every scenario repeats (sign in, change password).
import { chromium } from 'playwright-core'
export { chromium }
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import assert from 'node:assert/strict'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const SHOTS = join(ROOT, 'build/e2e')
export const CHROMIUM = process.env.JIANWU_CHROMIUM ?? '/usr/bin/chromium'

// Administrator password given to `jianwu init` by the server helper.
export const ADMIN_PASSWORD = 'Jianwu#Root2026'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]

// JIANWU_E2E_SERVER names another module with the same startServer interface (used to develop the
// UI before the real server existed); the default is the real `jianwu serve`.
export async function startServer(opts = {}) {
  const mod = process.env.JIANWU_E2E_SERVER
    ? pathToFileURL(resolve(process.env.JIANWU_E2E_SERVER)).href
    : pathToFileURL(join(ROOT, 'tests/lib/server.mjs')).href
  const { startServer: start } = await import(mod)
  const srv = await start({ adminPassword: ADMIN_PASSWORD, ...opts })
  return { adminPassword: ADMIN_PASSWORD, ...srv }
}

// Expected browser noise: Chromium logs every API answer with an error status as "Failed to load
// resource" (the wrong-password 401, the lockout 423, the 404 of lists a later issue adds). Those
// are the API working as specified; the UI's own errors are everything else.
const EXPECTED_NETWORK_LOG = /^Failed to load resource: the server responded with a status of (401|403|404|409|422|423|429)\b/

// One browser with a fresh profile (--user-data-dir in a new temporary directory) and one page.
// `errors` collects console errors, uncaught page errors, CSP violations and failed non-API
// requests; `close()` asserts that there were none unless `allowErrors` is set.
export async function openBrowser(t, { width = 1366, height = 768 } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'jianwu-e2e-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    if (EXPECTED_NETWORK_LOG.test(msg.text())) return
    errors.push(`console: ${msg.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('response', (r) => {
    const u = new URL(r.url())
    if (!u.pathname.startsWith('/api/') && r.status() >= 400) errors.push(`HTTP ${r.status()} ${u.pathname}`)
  })
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? ''
    if (why.includes('ERR_ABORTED')) return // navigation away while a request was in flight
    errors.push(`request failed: ${r.url()} ${why}`)
  })
  const b = {
    context,
    page,
    errors,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
    assertNoErrors() {
      assert.deepEqual(errors, [], 'browser reported errors:\n' + errors.join('\n'))
    },
  }
  t?.after?.(() => b.close())
  return b
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true })
  const path = join(SHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

export async function fillLogin(page, username, password) {
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

// Signs in and waits for the workbench (or the forced password change when expected).
export async function signIn(page, url, username, password, { expectChange = false } = {}) {
  await page.goto(url + '/login')
  await fillLogin(page, username, password)
  if (expectChange) {
    await page.getByRole('heading', { name: '请修改密码' }).waitFor()
  } else {
    await page.getByRole('navigation', { name: '主菜单' }).waitFor()
  }
}

export async function changePassword(page, oldPw, newPw, submitName) {
  await page.getByLabel('原密码', { exact: true }).fill(oldPw)
  await page.getByLabel('新密码', { exact: true }).fill(newPw)
  await page.getByLabel('确认新密码', { exact: true }).fill(newPw)
  await page.getByRole('button', { name: submitName }).click()
}

export async function signOut(page) {
  await page.getByRole('button', { name: '退出登录' }).click()
  await page.getByRole('button', { name: '登录', exact: true }).waitFor()
}

// Direct API call with the page's cookies (for setting up data the scenario is not about).
export async function apiAs(url, username, password) {
  const r = await fetch(url + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  assert.equal(r.status, 200, `sign-in of ${username} for setup failed: ${r.status}`)
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const { csrf_token } = await r.json()
  return async (method, path, body) => {
    const res = await fetch(url + '/api/v1' + path, {
      method,
      headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
}
