// 公文处理 in the browser, on the demo 院:
//  1. the clerk registers a 收文 through the form (签收登记) and takes it through 初审; the office
//     director writes the 拟办意见 naming the leader; the leader writes the 批示; the clerk assigns
//     it (承办) to 第一检察部, whose head then sees it; the 收文处理单 shows every opinion.
//  2. a 干警 drafts a 发文 on the 稿纸 and sends it for review; 部门审核, 核稿 and 分管领导审核 pass
//     it; the 检察长 signs it (签发) and the 稿纸 shows the signature.
// Screenshots under build/e2e/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, openBrowser, screenshot, signIn, signOut } from './helpers.mjs'

const DEMO_PASSWORD = 'Demo@2026'
const IN_TITLE = '关于开展2026年度检务督察工作的通知（浏览器测试）'
const OUT_TITLE = '关于加强机关值班工作的通知（浏览器测试）'

let srv
before(async () => {
  // JIANWU_WEB_DIST lets a developer run this against a UI built elsewhere; the default is web/dist.
  srv = await startServer({ demo: true, ...(process.env.JIANWU_WEB_DIST ? { web: process.env.JIANWU_WEB_DIST } : {}) })
})
after(async () => {
  await srv?.stop()
})

// Element Plus select: click the wrapper around the labelled input, then the visible option.
async function choose(scope, page, label, option) {
  await scope
    .getByLabel(label, { exact: true })
    .locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]')
    .click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

// Opens the dialog of an action button, lets `fill` fill it, and confirms.
async function act(page, name, fill) {
  await page.getByRole('group', { name: '可执行的操作' }).getByRole('button', { name, exact: true }).click()
  const dlg = page.getByRole('dialog', { name })
  await dlg.waitFor()
  if (fill) await fill(dlg)
  await dlg.getByRole('button', { name: '确定' }).click()
  await dlg.waitFor({ state: 'hidden' })
}

const opinion = (text) => async (dlg) => dlg.getByRole('textbox').last().fill(text)

test('收文: 签收登记 → 初审 → 拟办 → 批办 → 承办, with the 收文处理单', async (t) => {
  const b = await openBrowser(t, { width: 1440, height: 1000 })
  const { page } = b
  const nav = page.getByRole('navigation', { name: '主菜单' })
  await signIn(page, srv.url, 'zhaol', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '收文登记' }).click()
  await page.getByRole('heading', { name: '收文登记' }).waitFor()
  await page.getByLabel('标题', { exact: true }).fill(IN_TITLE)
  await page.getByLabel('来文单位', { exact: true }).fill('榆林市人民检察院')
  await page.getByLabel('来文字号', { exact: true }).fill('榆检发〔2026〕13号')
  await page.getByLabel('正文', { exact: true }).fill('各县（区）人民检察院：\n　　现就开展2026年度检务督察工作通知如下。')
  await page.getByRole('button', { name: '签收登记' }).click()
  await page.getByRole('heading', { name: IN_TITLE }).waitFor()
  const url = page.url()
  assert.match(url, /\/incoming\/\d+$/)
  const sheet = page.getByRole('table', { name: '收文处理单' })
  await sheet.getByText(/^收文〔2026〕\d+号$/).first().waitFor()
  await act(page, '初审通过', opinion('格式规范，属我院办理范围'))
  await page.getByText('待拟办').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'wangq', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '拟办', async (dlg) => {
    await choose(dlg, page, '批办领导', '李红梅（院领导）')
    await dlg.getByRole('textbox').last().fill('拟请李红梅副检察长阅示，由第一检察部主办。')
  })
  await page.getByText('待批办').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'lihm', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '批办', opinion('同意拟办意见，请第一检察部抓好落实。'))
  await page.getByText('待交办').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'zhaol', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '交办承办', async (dlg) => {
    await choose(dlg, page, '主办部门', '第一检察部')
  })
  await page.getByText('承办中').first().waitFor()
  // the 收文处理单 carries the opinions with name and date
  await sheet.getByText('拟请李红梅副检察长阅示，由第一检察部主办。').waitFor()
  await sheet.getByText('同意拟办意见，请第一检察部抓好落实。').waitFor()
  await sheet.getByText(/^王强 \d{4}-\d{2}-\d{2}$/).waitFor()
  await sheet.getByText(/^李红梅 \d{4}-\d{2}-\d{2}$/).waitFor()
  await sheet.getByText('第一检察部', { exact: true }).waitFor()
  await screenshot(page, 'docs-incoming-sheet')
  await signOut(page)

  // the head of the department now finds it in the 收文 list, and can act on it
  await signIn(page, srv.url, 'liuy', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '收文管理' }).click()
  await page.getByRole('heading', { name: '收文管理' }).waitFor()
  await page.getByRole('link', { name: IN_TITLE }).click()
  await page.getByRole('heading', { name: IN_TITLE }).waitFor()
  await page.getByRole('group', { name: '可执行的操作' }).getByRole('button', { name: '反馈办理结果' }).waitFor()
  b.assertNoErrors()
})

test('发文: 拟稿 on the 稿纸 → 部门审核 → 核稿 → 分管领导审核 → 签发', async (t) => {
  const b = await openBrowser(t, { width: 1440, height: 1000 })
  const { page } = b
  const nav = page.getByRole('navigation', { name: '主菜单' })
  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '发文拟稿' }).click()
  await page.getByRole('heading', { name: '发文拟稿' }).waitFor()
  const paper = page.getByRole('form', { name: '发文稿纸' })
  await paper.getByLabel('标题', { exact: true }).fill(OUT_TITLE)
  await paper.getByLabel('主送', { exact: true }).fill('院机关各部门')
  await paper.getByLabel('正文', { exact: true }).fill('院机关各部门：\n　　为做好节假日值班工作，现通知如下：\n　　一、严格值班纪律。\n')
  await page.getByRole('button', { name: '保存稿纸' }).click()
  await page.getByRole('heading', { name: OUT_TITLE }).waitFor()
  const url = page.url()
  assert.match(url, /\/outgoing\/\d+$/)
  await act(page, '送审')
  await page.getByText('部门审核', { exact: true }).first().waitFor()
  await signOut(page)

  for (const [user, opinionText, next] of [
    ['liuy', '同意，请办公室核稿', '办公室核稿'],
    ['wangq', '文字已核', '分管领导审核'],
    ['lihm', '同意，呈检察长签发', '待签发'],
  ]) {
    await signIn(page, srv.url, user, DEMO_PASSWORD)
    await page.goto(url)
    await act(page, '审核同意', opinion(opinionText))
    await page.locator('.state', { hasText: next }).waitFor()
    await signOut(page)
  }

  await signIn(page, srv.url, 'zhangjg', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '签发', opinion('同意印发'))
  await page.locator('.state', { hasText: '待编号' }).waitFor()
  const sheet = page.getByRole('region', { name: '发文稿纸' })
  await sheet.getByText('同意印发').waitFor()
  await sheet.getByText(/^张建国 \d{4}-\d{2}-\d{2}$/).waitFor()
  await sheet.getByText('文字已核').waitFor()
  await screenshot(page, 'docs-outgoing-signed')
  b.assertNoErrors()
})
