// GET /api/v1/search (issue 6): need-to-know inside the query (totals, counts and pages), the
// three administrators refused, the index following every write in its transaction, escaped
// snippets, filters, both orders and paging.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { docsServer, incomingBody, act } from './docs-helpers.mjs'

let srv, as, uid
before(async () => { ({ srv, as, uid } = await docsServer()) })
after(async () => { await srv.stop() })

const search = async (client, params, status = 200) => {
  const res = await client.get('/api/v1/search?' + new URLSearchParams(params))
  assert.equal(res.status, status, JSON.stringify(res.body))
  return res.body
}
// A word no demo document holds, so each test counts only its own documents.
let serial = 0
const word = () => `蓝鲸${['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛'][serial++ % 8]}${process.pid % 1000}号专项`

test('need-to-know: a routed user finds the document, another user finds nothing and counts nothing', async () => {
  const w = word()
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody({ title: `关于${w}的通知`, body: `请各部门落实${w}工作。` }))
  assert.equal(reg.status, 201)
  const id = reg.body.id
  await act(as.zhaol, 'incoming', id, { action: 'review' })
  // office and leaders see every document of the org; staff not routed see nothing
  for (const u of ['zhaol', 'wangq', 'lihm']) {
    const r = await search(as[u], { q: w })
    assert.equal(r.total, 1, u)
    assert.deepEqual(r.items.map((i) => [i.kind, i.id]), [['incoming', id]], u)
    assert.equal(r.kinds.find((k) => k.kind === 'incoming').count, 1, u)
  }
  for (const u of ['chenj', 'xuf']) {
    const r = await search(as[u], { q: w })
    assert.equal(r.total, 0, u)
    assert.deepEqual(r.items, [], u)
    assert.equal(r.kinds.find((k) => k.kind === 'incoming').count, 0, u)
  }
  // routed to chenj only: chenj finds it, xuf still does not (nor in any filter or order)
  const circ = await as.zhaol.post(`/api/v1/incoming/${id}/circulate`, { user_ids: [uid.chenj] })
  assert.equal(circ.status, 200)
  assert.equal((await search(as.chenj, { q: w })).total, 1)
  for (const params of [{ q: w }, { q: w, sort: 'date' }, { q: w, kind: 'incoming' }, { q: w, doc_type: '通知' },
    { q: w, from: '2026-01-01', to: '2026-12-31' }, { q: `${w} 落实` }]) {
    const r = await search(as.xuf, params)
    assert.equal(r.total, 0, JSON.stringify(params))
    assert.deepEqual(r.items, [])
    const c = await search(as.chenj, params)
    assert.equal(c.total, 1, JSON.stringify(params))
    assert.equal(c.items[0].id, id)
  }
})

test('the three administrators get 403; no query is 422; the window and the kinds are checked', async () => {
  for (const u of ['admin', 'wug']) {
    const res = await as[u].get('/api/v1/search?q=' + encodeURIComponent('检察'))
    assert.equal(res.status, 403, u)
    assert.equal(res.body.error.code, 'forbidden')
  }
  assert.equal((await search(as.wangq, {}, 422)).error.field, 'q')
  assert.equal((await search(as.wangq, { q: '   ' }, 422)).error.field, 'q')
  assert.equal((await search(as.wangq, { q: '-撤销' }, 422)).error.field, 'q')
  assert.equal((await search(as.wangq, { q: '检察', offset: 9990, limit: 20 }, 422)).error.field, 'offset')
  assert.equal((await search(as.wangq, { q: '检察', kind: 'nosuch' }, 422)).error.field, 'kind')
  assert.equal((await search(as.wangq, { q: '检察', sort: 'size' }, 422)).error.field, 'sort')
  assert.equal((await search(as.wangq, { q: '检察', from: '2026-02-30' }, 422)).error.field, 'from')
  const lim = await as.wangq.get('/api/v1/search?q=x&limit=201')
  assert.ok(lim.status === 400 || lim.status === 422, String(lim.status))
})

test('the index follows edits, traditional script and 文号 brackets, and snippets are escaped', async () => {
  const w = word()
  const reg = await as.zhaol.post('/api/v1/incoming', incomingBody({
    title: `关于${w}的通知`, from_number: '榆检发〔2025〕77号',
    body: `<b>加粗</b>&amp;本院${w}工作由办公室牵头。`,
  }))
  const id = reg.body.id
  let r = await search(as.wangq, { q: w })
  assert.equal(r.total, 1)
  const it = r.items[0]
  assert.equal(it.kind, 'incoming')
  assert.equal(it.external_id, null)
  assert.equal(it.date, '2026-03-02')
  assert.match(it.title, new RegExp(w))
  assert.match(it.title_html, new RegExp(`<mark>${w}</mark>`))
  assert.ok(it.snippet.includes(`<mark>${w}</mark>`), it.snippet)
  assert.ok(it.snippet.includes(`&lt;b&gt;加粗&lt;/b&gt;&amp;amp;本院<mark>${w}</mark>`), it.snippet)
  assert.ok(!/<(?!\/?mark>)/.test(it.snippet), 'only <mark> tags: ' + it.snippet)
  assert.equal(typeof it.score, 'number')
  // 文号 in another bracket form, and the traditional script
  assert.equal((await search(as.wangq, { q: '榆检发[2025]77号' })).items.some((i) => i.id === id), true)
  assert.equal((await search(as.wangq, { q: '榆检发【2025】77号' })).items.some((i) => i.id === id), true)
  assert.equal((await search(as.wangq, { q: '辦公室牽頭 ' + w })).total, 1)
  // an exclusion, and a phrase that is not in the text
  assert.equal((await search(as.wangq, { q: `${w} -牵头` })).total, 0)
  assert.equal((await search(as.wangq, { q: `"${w} 办公室"` })).total, 0)
  // an edit moves the document to its new words in the same transaction
  const cur = await as.wangq.get(`/api/v1/incoming/${id}`)
  const patch = await as.zhaol.patch(`/api/v1/incoming/${id}`, { version: cur.body.version, title: '关于鲸落专题调研的通知' })
  assert.equal(patch.status, 200, JSON.stringify(patch.body))
  assert.equal((await search(as.wangq, { q: '鲸落专题' })).items.some((i) => i.id === id), true)
  r = await search(as.wangq, { q: `关于${w}的通知` })
  assert.equal(r.items.some((i) => i.id === id), false)
  // an opinion is searchable (opinions column) and its snippet comes from it
  await act(as.zhaol, 'incoming', id, { action: 'review', opinion: '同意，请按鲸歌方案办理。' })
  r = await search(as.wangq, { q: '鲸歌方案' })
  assert.equal(r.total, 1)
  assert.ok(r.items[0].snippet.includes('<mark>鲸歌方案</mark>'), r.items[0].snippet)
})

test('library documents: indexed on create, found by everyone in business roles, gone on delete', async () => {
  const w = word()
  const res = await as.zhaol.post('/api/v1/library', {
    external_id: `t-${w}`, title: `${w}管理办法`, issuer: '最高人民检察院', date: '2019-05-01', type: '司法解释',
    body: `第一条 为规范${w}，制定本办法。`,
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  for (const u of ['chenj', 'xuf', 'sunm', 'wangq']) {
    const r = await search(as[u], { q: w, kind: 'library' })
    assert.equal(r.total, 1, u)
    assert.equal(r.items[0].external_id, `t-${w}`)
    assert.equal(r.items[0].kind, 'library')
    assert.equal(r.items[0].date, '2019-05-01')
  }
  assert.equal((await search(as.chenj, { q: w, doc_type: '司法解释' })).total, 1)
  assert.equal((await search(as.chenj, { q: w, doc_type: '法律' })).total, 0)
  assert.equal((await search(as.chenj, { q: w, to: '2019-04-30' })).total, 0)
  assert.equal((await search(as.chenj, { q: w, from: '2019-05-01', to: '2019-05-01' })).total, 1)
  assert.equal((await as.zhaol.del(`/api/v1/library/${res.body.id}`)).status, 200)
  assert.equal((await search(as.chenj, { q: w })).total, 0)
})

test('paging and orders: pages are disjoint, cover the total, and date order is newest first', async () => {
  const w = word()
  const made = []
  for (let i = 0; i < 7; i++) {
    const r = await as.zhaol.post('/api/v1/incoming', incomingBody({
      title: i % 2 ? `${w}情况报告${i}` : `情况报告${i}`, body: `${w}相关材料${i}。`.repeat(i + 1),
      received_date: `2026-02-0${i + 1}`,
    }))
    assert.equal(r.status, 201)
    made.push(r.body.id)
  }
  for (const sort of ['relevance', 'date']) {
    const seen = []
    let total
    for (let offset = 0; offset < 7; offset += 3) {
      const r = await search(as.wangq, { q: w, sort, limit: 3, offset })
      total = r.total
      seen.push(...r.items)
    }
    assert.equal(total, 7)
    assert.deepEqual(seen.map((i) => i.id).sort(), [...made].sort(), sort)
    if (sort === 'date') {
      const dates = seen.map((i) => i.date)
      assert.deepEqual(dates, [...dates].sort().reverse())
    } else {
      // title hits (odd i) rank above body-only hits
      const firstBodyOnly = seen.findIndex((i) => !i.title.includes(w))
      assert.ok(seen.slice(firstBodyOnly).every((i) => !i.title.includes(w)), 'title hits first')
      assert.equal(firstBodyOnly, 3)
    }
  }
})
