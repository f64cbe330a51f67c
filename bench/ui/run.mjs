#!/usr/bin/env node
// UI bench: what the browser loads and how soon it shows something, in Debian's Chromium against
// `jianwu serve` on loopback, each run in a fresh profile (empty cache).
//   node bench/ui/run.mjs [runs]        (needs build/jianwu, web/dist, tests/node_modules)
// For the sign-in page and for the workbench (signed in) it prints, as the median of the runs:
//   - static bytes: the encoded (gzip) bodies of the page and its assets, from the Resource Timing
//     entries (encodedBodySize), and the same with HTTP headers (transferSize); API answers apart;
//   - first render: first-contentful-paint (the page is empty until the app renders, so this is
//     the app's first render) and "ready": the moment the page's main control is in the DOM.
// Targets (issue 3): sign-in page under 400 KB gzip, first render under 1 s.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, CHROMIUM, CHROMIUM_ARGS, startServer } from '../../tests/e2e/helpers.mjs'

const RUNS = Number(process.argv[2] ?? 5)

async function measure(url, cookies, readySelector) {
  const profile = await mkdtemp(join(tmpdir(), 'jianwu-bench-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 768 },
  })
  try {
    if (cookies.length) await ctx.addCookies(cookies)
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    // Mark the moment the ready control appears, from the very first script of the page.
    await page.addInitScript((sel) => {
      const mark = () => {
        if (document.querySelector(sel)) {
          performance.mark('jw-ready')
          return true
        }
        return false
      }
      new MutationObserver((_, obs) => mark() && obs.disconnect()).observe(document, {
        childList: true,
        subtree: true,
      })
    }, readySelector)
    await page.goto(url, { waitUntil: 'networkidle' })
    await page.waitForSelector(readySelector)
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const res = performance.getEntriesByType('resource')
      const isApi = (e) => new URL(e.name).pathname.startsWith('/api/')
      const sum = (list, k) => list.reduce((n, e) => n + (e[k] || 0), 0)
      const statics = res.filter((e) => !isApi(e))
      const api = res.filter(isApi)
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]
      const ready = performance.getEntriesByName('jw-ready')[0]
      return {
        requests: statics.length + 1,
        encoded: nav.encodedBodySize + sum(statics, 'encodedBodySize'),
        decoded: nav.decodedBodySize + sum(statics, 'decodedBodySize'),
        transfer: nav.transferSize + sum(statics, 'transferSize'),
        apiCalls: api.length,
        apiTransfer: sum(api, 'transferSize'),
        fcp: fcp ? fcp.startTime : NaN,
        ready: ready ? ready.startTime : NaN,
        domContentLoaded: nav.domContentLoadedEventEnd,
      }
    })
  } finally {
    await ctx.close()
    await rm(profile, { recursive: true, force: true })
  }
}

async function sessionCookies(base, username, password) {
  const r = await fetch(base + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (r.status !== 200) throw new Error(`sign-in for the bench failed: HTTP ${r.status}`)
  const u = new URL(base)
  return r.headers.getSetCookie().map((c) => {
    const [nv] = c.split(';')
    const i = nv.indexOf('=')
    return {
      name: nv.slice(0, i).trim(),
      value: nv.slice(i + 1).trim(),
      domain: u.hostname,
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
    }
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function report(name, runs) {
  const m = (k) => median(runs.map((r) => r[k]))
  const kb = (n) => (n / 1024).toFixed(1)
  console.log(
    `${name.padEnd(10)} requests ${m('requests')}  gzip bodies ${kb(m('encoded'))} KB` +
      `  (with headers ${kb(m('transfer'))} KB, uncompressed ${kb(m('decoded'))} KB)` +
      `  API calls ${m('apiCalls')} (${kb(m('apiTransfer'))} KB)` +
      `  first render ${m('fcp').toFixed(0)} ms  ready ${m('ready').toFixed(0)} ms`,
  )
  return { name, encodedKB: +kb(m('encoded')), fcpMs: Math.round(m('fcp')), readyMs: Math.round(m('ready')) }
}

const srv = await startServer()
try {
  const signinRuns = []
  const workbenchRuns = []
  for (let i = 0; i < RUNS; i++) {
    signinRuns.push(await measure(srv.url + '/login', [], 'button[type=submit]'))
    const cookies = await sessionCookies(srv.url, 'admin', srv.adminPassword)
    workbenchRuns.push(await measure(srv.url + '/', cookies, '.workbench .el-empty, .workbench .el-table'))
  }
  console.log(`jianwu UI bench: ${RUNS} runs each, fresh Chromium profile per run, median`)
  const a = report('sign-in', signinRuns)
  const b = report('workbench', workbenchRuns)
  const ok = a.encodedKB < 400 && a.fcpMs < 1000
  console.log(`targets: sign-in < 400 KB gzip and first render < 1000 ms: ${ok ? 'met' : 'NOT met'}`)
  void b
} finally {
  await srv.stop()
}
