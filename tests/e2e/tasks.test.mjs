// 督察督办 in the browser, on the demo 院:
//  1. the clerk 立项 a routine item through the form and 交办 it; the responsible 干警 签收, reports
//     progress with an attachment and 报结; the clerk passes the 初审; the 分管领导 closes it (办结销号);
//  2. the chief opens the 领导驾驶舱: three ECharts charts draw, and a link under a chart opens the
//     list behind it with the same count. Screenshots under build/e2e/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, openBrowser, screenshot, signIn, signOut } from './helpers.mjs'

const DEMO_PASSWORD = 'Demo@2026'
const TITLE = '落实党组关于检察开放日活动的部署（浏览器测试）'

let srv
before(async () => {
  // JIANWU_WEB_DIST lets a developer run this against a UI built elsewhere; the default is web/dist.
  srv = await startServer({ demo: true, ...(process.env.JIANWU_WEB_DIST ? { web: process.env.JIANWU_WEB_DIST } : {}) })
})
after(async () => {
  await srv?.stop()
})

// Element Plus select: its labelled combobox input lies under a placeholder; the wrapper around
// both takes the click that opens the dropdown. Then click the visible option.
async function choose(page, label, option) {
  await page
    .getByLabel(label, { exact: true })
    .locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]')
    .click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

async function act(page, name, opinion) {
  await page.getByRole('group', { name: '可执行的操作' }).getByRole('button', { name, exact: true }).click()
  const dlg = page.getByRole('dialog', { name })
  await dlg.waitFor()
  if (opinion) await dlg.getByRole('textbox').last().fill(opinion)
  await dlg.getByRole('button', { name: '确定' }).click()
  await dlg.waitFor({ state: 'hidden' })
}

const inMonth = () => {
  const d = new Date(Date.now() + 20 * 86400_000)
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(d)
}

test('立项 → 交办 → 签收 → 进展 → 报结 → 初审 → 销号 through the UI', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await signIn(page, srv.url, 'zhaol', DEMO_PASSWORD)
  const nav = page.getByRole('navigation', { name: '主菜单' })
  await nav.getByRole('link', { name: '督办立项' }).click()
  await page.getByRole('heading', { name: '督办立项' }).waitFor()
  await page.getByLabel('事项名称', { exact: true }).fill(TITLE)
  await choose(page, '牵头部门', '第一检察部')
  await choose(page, '责任人', '陈杰')
  await choose(page, '督办人', '赵丽（办公室）')
  await page.keyboard.press('Escape')
  const deadline = page.getByLabel('办理时限', { exact: true })
  await deadline.fill(inMonth())
  await deadline.press('Enter')
  await page.getByLabel('事项内容', { exact: true }).fill('组织检察开放日，邀请代表委员参加，形成活动总结。')
  await page.getByRole('button', { name: '立项', exact: true }).click()
  await page.getByRole('heading', { name: TITLE }).waitFor()
  await page.getByText('已立项').first().waitFor()
  const url = page.url()
  assert.match(url, /\/tasks\/\d+$/)
  await act(page, '交办', '请按期办结。')
  await page.getByText('已交办').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  await nav.getByRole('link', { name: '我的督办' }).click()
  await page.getByRole('heading', { name: '我的督办' }).waitFor()
  await page.getByLabel('编号或名称', { exact: true }).fill('浏览器测试')
  await page.getByRole('button', { name: '查询' }).click()
  await page.getByRole('link', { name: TITLE }).click()
  await page.getByRole('heading', { name: TITLE }).waitFor()
  await act(page, '签收')
  await page.getByText('办理中').first().waitFor()
  await page.getByLabel('进展情况', { exact: true }).fill('已拟定活动方案，报院领导审定。')
  await page.getByLabel('选择进展附件', { exact: true }).setInputFiles({
    name: '开放日活动方案.txt', mimeType: 'text/plain', buffer: Buffer.from('检察开放日活动方案（草案）\n'),
  })
  await page.getByRole('button', { name: '报送进展' }).click()
  await page.getByText('已拟定活动方案，报院领导审定。').first().waitFor()
  // the attachment is listed with the report and downloads for the people of the item
  const file = page.getByRole('list', { name: '附件' }).getByRole('link', { name: '开放日活动方案.txt' })
  await file.waitFor()
  const got = await page.request.get(new URL(await file.getAttribute('href'), srv.url).href)
  assert.equal(got.status(), 200)
  assert.match(await got.text(), /检察开放日活动方案/)
  await act(page, '报结', '开放日已举办，邀请代表委员12人，活动总结已报送。')
  await page.getByText('已报结待初审').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'zhaol', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '初审通过', '情况属实')
  await page.getByText('领导审阅').first().waitFor()
  await signOut(page)

  await signIn(page, srv.url, 'lihm', DEMO_PASSWORD)
  await page.goto(url)
  await act(page, '领导审阅同意，办结销号', '同意销号')
  await page.getByText('已办结销号').first().waitFor()
  const timeline = page.getByRole('list', { name: '办理过程' })
  for (const step of ['立项', '交办', '签收', '报送进展', '报结（办结报告）', '初审通过', '领导审阅同意，办结销号'])
    await timeline.getByText(step, { exact: true }).first().waitFor()
  await screenshot(page, 'tasks-item-closed')
  b.assertNoErrors()
})

test('领导驾驶舱 draws its charts and each links to the list behind it', async (t) => {
  const b = await openBrowser(t, { width: 1440, height: 1100 })
  const { page } = b
  await signIn(page, srv.url, 'zhangjg', DEMO_PASSWORD)
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '领导驾驶舱' }).click()
  await page.getByRole('heading', { name: '领导驾驶舱' }).waitFor()
  for (const cls of ['chart-dept', 'chart-light', 'chart-month']) {
    const canvas = page.locator(`.${cls} canvas`).first()
    await canvas.waitFor()
    // drawn: a good share of the canvas is not background
    await page.waitForFunction((sel) => {
      const c = document.querySelector(sel)
      if (!c || !c.width) return false
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let ink = 0
      for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) ink++
      return ink > 200
    }, `.${cls} canvas`)
  }
  await page.getByRole('heading', { name: '红灯事项' }).waitFor()
  await screenshot(page, 'tasks-dashboard')

  // the first department under the bar chart: its 应办结 count equals the list's total
  const link = page.getByRole('list', { name: '各部门应办结事项' }).getByRole('link').first()
  const n = Number((await link.textContent()).match(/应办结 (\d+) 件/)[1])
  assert.ok(n > 0)
  await link.click()
  await page.getByRole('heading', { name: '督办事项' }).waitFor()
  await page.getByText('当前统计口径：应办结').waitFor()
  await page.getByText(`共 ${n} 条`).waitFor()
  b.assertNoErrors()
})
