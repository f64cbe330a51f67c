// 请假 through the UI on one demo server: 陈杰 (干警, 第一检察部) fills in and submits the form; his
// department head 刘洋 finds it in 待办, opens it and approves; the 分管领导 李红梅 approves; 陈杰
// sees it approved in 我的申请 with the whole timeline. Each person uses a fresh browser.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, openBrowser, screenshot, signIn, signOut } from './helpers.mjs'

const DEMO_PASSWORD = 'Demo@2026'
const REASON = '家中老人就医，需陪同'
const TITLE = '陈杰的请假申请（事假2天）'

let srv
before(async () => {
  // JIANWU_E2E_WEB: a UI build elsewhere than web/dist (to try a change without replacing the
  // build other suites use); unset, the shipped web/dist is served.
  srv = await startServer({ demo: true, ...(process.env.JIANWU_E2E_WEB ? { web: process.env.JIANWU_E2E_WEB } : {}) })
})
after(async () => {
  await srv?.stop()
})

async function openMenu(page, title) {
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: title }).click()
  await page.getByRole('heading', { name: title }).waitFor()
}

async function pickDate(page, label, value) {
  const input = page.getByLabel(label, { exact: true })
  await input.click()
  await input.fill(value)
  await input.press('Enter')
}

// Opens the leave request from 待办已办 and approves it with the default opinion.
async function approveFromTodos(page, who) {
  await openMenu(page, '待办已办')
  const table = page.getByRole('region', { name: '待办事项' })
  await table.getByRole('link', { name: TITLE }).click()
  await page.getByRole('heading', { name: TITLE }).waitFor()
  const actions = page.getByRole('group', { name: '办理操作' })
  await actions.getByRole('button', { name: '同意', exact: true }).click()
  const dlg = page.getByRole('dialog', { name: '同意', exact: true })
  await dlg.waitFor()
  assert.equal(await dlg.getByLabel('意见', { exact: true }).inputValue(), '同意')
  await dlg.getByRole('button', { name: '确定' }).click()
  await dlg.waitFor({ state: 'hidden' })
  await page.getByText('已同意').first().waitFor()
  await screenshot(page, `workflow-approved-by-${who}`)
}

test('陈杰 submits a leave request; 刘洋 and 李红梅 approve it in the UI', async (t) => {
  // 1. 陈杰 fills in the form (one mistake first: the server's message shows on the field)
  let b = await openBrowser(t)
  let page = b.page
  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '发起申请' }).click()
  await page.getByRole('heading', { name: '发起申请' }).waitFor()
  await page.getByRole('heading', { name: '请假审批' }).waitFor()
  await page.locator('label.el-radio-button').filter({ hasText: /^事假$/ }).click()
  await pickDate(page, '开始日期', '2026-12-10')
  await pickDate(page, '结束日期', '2026-12-11')
  await page.getByLabel('请假天数', { exact: true }).fill('3')
  await page.getByLabel('请假事由', { exact: true }).fill(REASON)
  await page.getByRole('button', { name: '提交申请' }).click()
  await page.locator('.el-form-item__error').filter({ hasText: '请假天数不能超过所选日期的天数' }).waitFor()
  await page.getByLabel('请假天数', { exact: true }).fill('2')
  await page.getByRole('list', { name: '审批流程' }).getByText('检察长审批').waitFor()
  await screenshot(page, 'workflow-start-leave')
  await page.getByRole('button', { name: '提交申请' }).click()
  await page.getByRole('heading', { name: TITLE }).waitFor()
  const now = page.getByLabel('当前办理')
  await now.getByText('刘洋').waitFor()
  await page.getByLabel('审批状态').getByText('审批中').waitFor()
  // the initiator may withdraw, remind or cancel, not approve
  const mine = page.getByRole('group', { name: '办理操作' })
  assert.deepEqual(await mine.getByRole('button').allInnerTexts(), ['撤回', '催办', '取消申请'])
  await screenshot(page, 'workflow-instance-submitted')
  b.assertNoErrors()
  await b.close()

  // 2. the department head approves from 待办
  b = await openBrowser(t)
  page = b.page
  await signIn(page, srv.url, 'liuy', DEMO_PASSWORD)
  await approveFromTodos(page, 'dept-head')
  await page.getByLabel('当前办理').getByText('李红梅').waitFor()
  // it moved from 待办 to 已办
  await openMenu(page, '待办已办')
  assert.equal(await page.getByRole('region', { name: '待办事项' }).getByRole('link', { name: TITLE }).count(), 0)
  await page.getByRole('tab', { name: '已办' }).click()
  await page.getByRole('region', { name: '已办事项' }).getByRole('link', { name: TITLE }).waitFor()
  b.assertNoErrors()
  await b.close()

  // 3. the 分管领导 approves: two days need no 检察长, so it is approved
  b = await openBrowser(t)
  page = b.page
  await signIn(page, srv.url, 'lihm', DEMO_PASSWORD)
  await approveFromTodos(page, 'leader')
  await page.getByLabel('审批状态').getByText('已通过').waitFor()
  b.assertNoErrors()
  await b.close()

  // 4. 陈杰 sees it approved, with the timeline of people, opinions and times
  b = await openBrowser(t)
  page = b.page
  await signIn(page, srv.url, 'chenj', DEMO_PASSWORD)
  await openMenu(page, '我的申请')
  const row = page.getByRole('region', { name: '申请列表' }).getByRole('row').filter({ hasText: TITLE })
  await row.getByText('已通过').waitFor()
  await row.getByRole('link', { name: TITLE }).click()
  await page.getByRole('heading', { name: TITLE }).waitFor()
  const timeline = page.getByRole('list', { name: '审批记录' })
  await timeline.getByText('提交申请').waitFor()
  const entries = await timeline.locator('.el-timeline-item').allInnerTexts()
  const said = entries.filter((x) => x.includes('意见：同意'))
  assert.equal(said.length, 2)
  assert.ok(said[0].includes('刘洋') && said[0].includes('部门负责人审批'), said[0])
  assert.ok(said[1].includes('李红梅') && said[1].includes('分管领导审批'), said[1])
  assert.ok(entries.every((x) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(x)), 'every entry has its time')
  await page.getByText(REASON).waitFor()
  assert.equal(await page.getByRole('group', { name: '办理操作' }).count(), 0, 'no buttons on a finished request')
  await screenshot(page, 'workflow-instance-approved')
  await signOut(page)
  b.assertNoErrors()
})

test('the office director edits a definition as a form and sees the working-day calendar', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await signIn(page, srv.url, 'wangq', DEMO_PASSWORD)
  await openMenu(page, '流程配置')
  const row = page.getByRole('row').filter({ hasText: '外出报备' })
  await row.getByText('部门负责人审批').waitFor()
  await row.getByRole('button', { name: '编辑' }).click()
  const dlg = page.getByRole('dialog', { name: '编辑流程：外出报备' })
  await dlg.waitFor()
  await dlg.getByRole('button', { name: '添加步骤' }).click()
  await dlg.getByLabel('步骤名称', { exact: true }).last().fill('办公室备案')
  await dlg.getByLabel('步骤标识', { exact: true }).last().fill('office')
  await dlg.getByRole('button', { name: '保存为新版本' }).click()
  await page.getByText('已保存为第2版').waitFor()
  await dlg.waitFor({ state: 'hidden' })
  await page.getByRole('row').filter({ hasText: '外出报备' }).getByText('部门负责人审批 → 办公室备案').waitFor()
  await screenshot(page, 'workflow-definitions')
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '工作日历' }).click()
  await page.getByRole('heading', { name: '工作日历' }).waitFor()
  // the current year is shown first; pick 2026, whose official schedule is built in
  await page.locator('.wf-cal .el-select').first().click()
  await page.getByRole('option', { name: '2026年' }).click()
  await page.getByText('2026-10-01 周四').waitFor()
  await page.getByText('2026-01-04 周日').waitFor()
  await screenshot(page, 'workflow-calendar')
  b.assertNoErrors()
})
