// The built UI must work on an intranet with no internet: web/dist may contain no address outside
// the server itself — no CDN, no web fonts, no analytics. The only http(s) strings allowed are XML
// namespace identifiers, which name a vocabulary and are never fetched.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ROOT } from './helpers.mjs'

const DIST = join(ROOT, 'web/dist')
const TEXT = /\.(html|js|mjs|css|svg|json|txt|map|webmanifest|xml)$/
const NAMESPACES = new Set([
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/1998/Math/MathML',
  'http://www.w3.org/XML/1998/namespace',
  'http://www.w3.org/2000/xmlns/',
])
const ADDRESS = /https?:\/\/[^\s"'`()<>\\,;]+/gi
// Protocol-relative references (//host/…) in the places a browser would load them from.
const PROTOCOL_RELATIVE = /(?:url\(\s*["']?|(?:src|href|action)\s*=\s*["'])\/\/[a-z0-9]/gi

async function files(dir) {
  const out = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await files(p)))
    else out.push(p)
  }
  return out
}

// Returns "file: address" for every outside address in a text (exported for the self-test below).
export function outsideAddresses(name, text) {
  const found = []
  for (const m of text.matchAll(ADDRESS)) if (!NAMESPACES.has(m[0])) found.push(`${name}: ${m[0]}`)
  for (const m of text.matchAll(PROTOCOL_RELATIVE)) found.push(`${name}: ${m[0]}`)
  return found
}

test('the scanner finds outside addresses and lets namespaces pass', () => {
  assert.deepEqual(outsideAddresses('a.css', '@import url(https://fonts.googleapis.com/css?x);'), [
    'a.css: https://fonts.googleapis.com/css?x',
  ])
  assert.equal(outsideAddresses('b.html', '<script src="//cdn.example.com/x.js">').length, 1)
  assert.equal(outsideAddresses('c.js', 'createElementNS("http://www.w3.org/2000/svg","g")').length, 0)
  assert.equal(outsideAddresses('d.js', 'fetch("/api/v1/me")').length, 0)
})

test('web/dist contains no address outside the server', async () => {
  const index = join(DIST, 'index.html')
  await stat(index).catch(() => assert.fail(`${index} is missing: run \`make web\` first`))
  const found = []
  let scanned = 0
  for (const f of await files(DIST)) {
    const rel = f.slice(DIST.length + 1)
    let text
    if (TEXT.test(f)) text = await readFile(f, 'utf8')
    else if (f.endsWith('.gz')) text = gunzipSync(await readFile(f)).toString('utf8')
    else continue
    scanned++
    found.push(...outsideAddresses(rel, text))
  }
  assert.ok(scanned > 3, `only ${scanned} files scanned in ${DIST}`)
  assert.deepEqual(found, [], 'outside addresses in the built UI')
})

test('every compressible asset has a .gz twin with the same content', async () => {
  const all = await files(DIST)
  const set = new Set(all)
  const assets = all.filter((f) => /\/assets\/.+\.(js|css)$/.test(f))
  assert.ok(assets.length > 0)
  for (const f of assets) {
    const src = await readFile(f)
    if (src.length < 256) continue
    assert.ok(set.has(f + '.gz'), `${f}.gz is missing`)
    assert.ok(gunzipSync(await readFile(f + '.gz')).equals(src), `${f}.gz differs from ${f}`)
  }
})
