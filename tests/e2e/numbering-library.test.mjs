// 文号管理 and 法规资料库 in the browser, on the demo 院:
//  1. the 文秘 opens 文号管理 from the menu, creates a series, reserves a number (the number taken
//     is shown), voids it with a reason (refused without one), and finds it with its reason in the
//     空号报告; a 干警 has no 文号管理 in the menu and gets the 403 page by address.
//  2. a 干警 opens 法规资料库 (documents imported with `jianwu import --kind library`), filters
//     by title words and 发布机关, opens a document and reads its 编号 and its body, shown as text
//     (markup in the source stays text).
// Both pages are checked at 1366 and at 1024 pixels wide for a page wider than the window.
// Screenshots under build/e2e/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, openBrowser, screenshot, signIn, signOut } from './helpers.mjs'
import { cli } from '../lib/server.mjs'

const DEMO_PASSWORD = 'Demo@2026'
const CODE = '定检技发'
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
const FIRST = `${CODE}〔${YEAR}〕1号`
const REASON = '印制前发现主送机关有误，改用新号'

const LIBRARY = [
  { id: 'e2e-lib-1', title: '人民检察院档案管理办法（浏览器测试）', issuer: '最高人民检察院', date: '2016-03-01', type: '司法解释',
    body: '# 人民检察院档案管理办法（浏览器测试）\n\n<!-- INFO END -->\n\n第一条　为加强档案管理，制定本办法。\n\n第二条　<b>档案</b>是指检察机关形成的历史记录。' },
  { id: 'e2e-lib-2', title: '机关公文处理规定（浏览器测试）', issuer: '国务院', date: '2012-04-16', type: '行政法规',
    body: '第一条　为了适应机关工作需要，制定本规定。' },
  { id: 'e2e-lib-3', title: '档案法实施条例（浏览器测试）', issuer: '国务院', date: '2024-01-12', type: '行政法规',
    body: '第一条　根据档案法，制定本条例。' },
]

let srv
before(async () => {
  srv = await startServer({ demo: true, ...(process.env.JIANWU_WEB_DIST ? { web: process.env.JIANWU_WEB_DIST } : {}) })
  const file = join(srv.dir, 'library-e2e.jsonl')
  writeFileSync(file, LIBRARY.map((d) => JSON.stringify(d)).join('\n') + '\n')
  cli(['import', '--db', srv.dbPath, '--kind', 'library', file])
})
after(async () => {
  await srv?.stop()
})

// An Element Plus table by its aria-label (the label sits on the table's wrapper, not a <table>).
const table = (page, name) => page.locator(`.el-table[aria-label="${name}"]`)

// The page is no wider than the window (no horizontal scroll bar on the document).
async function fitsWidth(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }))
  assert.ok(scroll <= inner, `page ${scroll}px wide in a ${inner}px window`)
}

test('文号管理: create a series, reserve, void with a reason, and the 空号报告 lists it', async (t) => {
  const b = await openBrowser(t, { width: 1366, height: 768 })
  const { page } = b
  const nav = page.getByRole('navigation', { name: '主菜单' })
  await signIn(page, srv.url, 'zhaol', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '文号管理' }).click()
  await page.getByRole('heading', { name: '文号管理' }).waitFor()
  const seriesTable = table(page, '文号系列')
  await seriesTable.getByText('定检发', { exact: true }).waitFor() // the demo's 院文件 series
  await fitsWidth(page)

  // 新建文号系列
  await page.getByRole('button', { name: '新建文号系列' }).click()
  const create = page.getByRole('dialog', { name: '新建文号系列' })
  await create.waitFor()
  await create.getByLabel('机关代字', { exact: true }).fill(CODE)
  assert.equal(await create.getByLabel('文号格式', { exact: true }).inputValue(), '{code}〔{year}〕{seq}号')
  await create.getByLabel('系列名称', { exact: true }).fill('检察技术文件')
  await create.getByRole('button', { name: '确定' }).click()
  await create.waitFor({ state: 'hidden' })
  const row = page.locator('.el-table__row', { hasText: CODE }).first()
  await row.getByText(FIRST).waitFor() // its next number
  await screenshot(page, 'numbering-series')

  // 预留: the number taken is shown
  await row.getByRole('button', { name: '预留' }).click()
  const reserve = page.getByRole('dialog', { name: '预留文号' })
  await reserve.getByLabel('预留用途', { exact: true }).fill('院党组会议纪要')
  await reserve.getByRole('button', { name: '确定' }).click()
  await reserve.waitFor({ state: 'hidden' })
  await page.getByRole('status').getByText(`已预留文号：${FIRST}`).waitFor()
  const reservedTable = table(page, '预留未用文号')
  await reservedTable.getByText(FIRST).waitFor()
  await reservedTable.getByText('院党组会议纪要').waitFor()

  // 作废: refused without a reason, then voided with one
  await row.getByRole('button', { name: '作废' }).click()
  const dlg = page.getByRole('dialog', { name: '作废文号' })
  await dlg.getByLabel('序号', { exact: true }).fill('1')
  await dlg.getByRole('button', { name: '作废' }).click()
  await dlg.getByRole('alert').getByText('请填写作废原因').waitFor()
  await dlg.getByLabel('作废原因', { exact: true }).fill(REASON)
  await dlg.getByRole('button', { name: '作废' }).click()
  await dlg.waitFor({ state: 'hidden' })

  // 空号报告: the voided number with its reason and who voided it; no longer reserved
  const voided = table(page, '作废文号')
  await voided.getByText(FIRST).waitFor()
  await voided.getByText(REASON).waitFor()
  await voided.getByText('赵丽').waitFor()
  await reservedTable.getByText('没有预留未用的文号', { exact: false }).waitFor()
  await page.getByText('1至1号连续，无跳号。').waitFor()
  // the next number moved on: a voided number is never given again
  await row.getByText(`${CODE}〔${YEAR}〕2号`).waitFor()
  // the 文号登记簿 shows it as 已作废
  await page.getByRole('tab', { name: '文号登记簿' }).click()
  const ledger = table(page, '文号登记簿')
  await ledger.getByText('已作废').waitFor()
  await screenshot(page, 'numbering-gaps')

  await page.setViewportSize({ width: 1024, height: 768 })
  await fitsWidth(page)
  await screenshot(page, 'numbering-1024')
  await signOut(page)

  // a 干警: no 文号管理 in the menu, 403 by address
  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  assert.equal(await nav.getByRole('link', { name: '文号管理' }).count(), 0)
  await page.goto(srv.url + '/numbering')
  await page.getByRole('heading', { name: '403 无权访问' }).waitFor()
  b.assertNoErrors()
})

test('法规资料库: filter, open a document, read its 编号 and its body as text', async (t) => {
  const b = await openBrowser(t, { width: 1366, height: 768 })
  const { page } = b
  const nav = page.getByRole('navigation', { name: '主菜单' })
  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '法规资料库' }).click()
  await page.getByRole('heading', { name: '法规资料库' }).waitFor()
  const list = table(page, '法规资料列表')
  for (const d of LIBRARY) await list.getByRole('link', { name: d.title }).waitFor()
  await fitsWidth(page)

  // 标题关键词 + 发布机关
  await page.getByLabel('标题关键词', { exact: true }).fill('档案')
  await page.getByRole('button', { name: '查询' }).click()
  await page.waitForURL(/q=/)
  await list.getByRole('link', { name: LIBRARY[0].title }).waitFor()
  await list.getByRole('link', { name: LIBRARY[2].title }).waitFor()
  assert.equal(await list.getByRole('link', { name: LIBRARY[1].title }).count(), 0)
  await page.getByLabel('发布机关', { exact: true })
    .locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: '最高人民检察院（1）' }).click()
  await page.getByRole('button', { name: '查询' }).click()
  await page.waitForURL(/issuer=/)
  await list.getByRole('link', { name: LIBRARY[2].title }).waitFor({ state: 'detached' })
  await list.getByRole('link', { name: LIBRARY[0].title }).waitFor()
  assert.match(await page.getByText(/共\s*1\s*条/).first().innerText(), /1/)
  // the full-text link carries the words to 全文检索
  assert.match(await page.getByRole('link', { name: /在正文中全文检索/ }).getAttribute('href'), /\/search\?q=.*kind=library/)
  await screenshot(page, 'library-list')

  // the document: 编号, 发布机关, body paragraphs; markup stays text, source markers are left out
  await list.getByRole('link', { name: LIBRARY[0].title }).click()
  await page.getByRole('heading', { name: LIBRARY[0].title, level: 1 }).waitFor()
  assert.equal(await page.getByTestId('external-id').innerText(), 'e2e-lib-1')
  const info = page.getByLabel('资料信息')
  await info.getByText('最高人民检察院').waitFor()
  await info.getByText('2016-03-01').waitFor()
  const body = page.getByRole('article', { name: '正文' })
  await body.getByText('第一条　为加强档案管理，制定本办法。').waitFor()
  await body.getByText('第二条　<b>档案</b>是指检察机关形成的历史记录。').waitFor()
  assert.equal(await body.locator('b').count(), 0, 'no element made from the body')
  assert.equal(await body.getByText('INFO END').count(), 0)
  assert.equal(await body.locator('p').count(), 2)
  await page.setViewportSize({ width: 1024, height: 768 })
  await fitsWidth(page)
  await screenshot(page, 'library-doc-1024')
  b.assertNoErrors()
})
