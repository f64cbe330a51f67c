// The account life cycle through the UI, in order, on one server:
//  1. sysadmin creates a department and two users in it (a 干警 and the 安全审计员);
//  2. the new user signs in, is kept on the forced password change, changes it, sees the 403 page
//     for 组织机构, and signs out;
//  3. an expired session sends the user to sign-in and back to the page they were on;
//  4. the auditor sees those actions in 审计日志, filtered.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer,
  openBrowser,
  screenshot,
  signIn,
  signOut,
  changePassword,
  fillLogin,
} from './helpers.mjs'

const DEPT = { code: 'E2EDEPT', name: '测试检察部' }
const STAFF = { username: 'zhangwei', name: '张伟', initial: 'Init#Pass2026', changed: 'Mine#Pass2026' }
const AUDITOR = { username: 'shenji', name: '审计员李', initial: 'Audit#Init2026', changed: 'Audit#Mine2026' }

let srv
before(async () => {
  srv = await startServer()
})
after(async () => {
  await srv?.stop()
})

async function createUser(page, u, roleName) {
  await page.getByRole('button', { name: '新建用户' }).click()
  const dlg = page.getByRole('dialog', { name: '新建用户' })
  await dlg.waitFor()
  await dlg.getByLabel('用户名', { exact: true }).fill(u.username)
  await dlg.getByLabel('姓名', { exact: true }).fill(u.name)
  // The department is preselected from the tree; check it is the one we created.
  assert.equal(await dlg.getByLabel('部门', { exact: true }).count(), 1)
  // Element Plus hides the native checkbox under its label: click the label, read the input.
  await dlg.locator('label.el-checkbox').filter({ hasText: roleName }).click()
  assert.equal(await dlg.getByRole('checkbox', { name: roleName, exact: true }).isChecked(), true)
  await dlg.getByLabel('初始密码', { exact: true }).fill(u.initial)
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.waitFor({ state: 'hidden' })
  await page.getByRole('table').getByText(u.username, { exact: true }).waitFor()
}

test('sysadmin creates a department and users', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await signIn(page, srv.url, 'admin', srv.adminPassword)
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '组织机构' }).click()
  await page.getByRole('heading', { name: '组织机构' }).waitFor()

  await page.getByRole('button', { name: '新建部门' }).click()
  const dlg = page.getByRole('dialog', { name: '新建部门' })
  await dlg.waitFor()
  await dlg.getByLabel('部门代码', { exact: true }).fill(DEPT.code)
  await dlg.getByLabel('部门名称', { exact: true }).fill(DEPT.name)
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.waitFor({ state: 'hidden' })
  const tree = page.getByRole('tree', { name: '部门树' })
  await tree.getByText(DEPT.name, { exact: true }).click()
  await page.getByText(`（${DEPT.name}，共`).waitFor()

  await createUser(page, STAFF, '干警')
  await createUser(page, AUDITOR, '安全审计员')
  const row = page.getByRole('row').filter({ hasText: STAFF.username })
  await row.getByText(DEPT.name).waitFor()
  await row.getByText('待改密').waitFor()
  await screenshot(page, 'admin-org-users')
  b.assertNoErrors()
})

test('new user must change the password, then signs out', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  // One mistyped password first (the auditor will see the failed sign-in).
  await page.goto(srv.url + '/login')
  await fillLogin(page, STAFF.username, 'Typo#Pass2026')
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor()
  await fillLogin(page, STAFF.username, STAFF.initial)
  await page.getByRole('heading', { name: '请修改密码' }).waitFor()
  // Kept on the change page: another address leads back to it.
  await page.goto(srv.url + '/settings')
  await page.getByRole('heading', { name: '请修改密码' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/password-change')
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/settings')
  await screenshot(page, 'user-forced-password-change')

  // A wrong old password is refused with the server's message, and the user stays.
  await changePassword(page, 'Wrong#Old2026', STAFF.changed, '修改密码并继续')
  await page.locator('[role=alert], .el-form-item__error').first().waitFor()
  assert.equal(new URL(page.url()).pathname, '/password-change')
  await changePassword(page, STAFF.initial, STAFF.changed, '修改密码并继续')
  // Accepted: on to the page asked for.
  await page.getByRole('heading', { name: '个人设置' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/settings')
  const top = page.getByRole('banner')
  await top.getByText(STAFF.name, { exact: true }).waitFor()
  await top.getByText(DEPT.name, { exact: true }).waitFor()
  // A 干警 sees no administration in the menu, and gets the 403 page by address.
  const nav = page.getByRole('navigation', { name: '主菜单' })
  assert.equal(await nav.getByRole('link', { name: '组织机构' }).count(), 0)
  assert.equal(await nav.getByRole('link', { name: '审计日志' }).count(), 0)
  await page.goto(srv.url + '/org')
  await page.getByRole('heading', { name: '403 无权访问' }).waitFor()
  await page.getByText('「组织机构」').waitFor()
  await screenshot(page, 'user-403-org')
  await page.getByRole('button', { name: '返回工作台' }).click()
  await page.getByRole('heading', { name: `您好，${STAFF.name}` }).waitFor()
  await screenshot(page, 'user-workbench')
  await signOut(page)
  // Signed out for real: the workbench address leads to sign-in again.
  await page.goto(srv.url + '/')
  await page.getByRole('button', { name: '登录', exact: true }).waitFor()
  // The new password works and no change is asked any more.
  await fillLogin(page, STAFF.username, STAFF.changed)
  await page.getByRole('navigation', { name: '主菜单' }).waitFor()
  b.assertNoErrors()
})

test('an expired session returns to sign-in and back to the same page', async (t) => {
  const b = await openBrowser(t)
  const { page, context } = b
  await signIn(page, srv.url, 'admin', srv.adminPassword)
  await page.goto(srv.url + '/org?tab=users')
  await page.getByRole('heading', { name: '组织机构' }).waitFor()
  await context.clearCookies() // what the server's idle timeout amounts to, seen from the browser
  await page.getByRole('button', { name: '查询' }).click()
  await page.getByRole('button', { name: '登录', exact: true }).waitFor()
  const at = new URL(page.url())
  assert.equal(at.pathname, '/login')
  assert.equal(at.searchParams.get('redirect'), '/org?tab=users')
  await page.getByRole('status').getByText('登录已超时，请重新登录').waitFor()
  await screenshot(page, 'session-expired')
  await fillLogin(page, 'admin', srv.adminPassword)
  await page.getByRole('heading', { name: '组织机构' }).waitFor()
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/org?tab=users')
  b.assertNoErrors()
})

test('the auditor sees those actions in 审计日志', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  // Deep link while signed out: sign-in, forced change, then the page asked for.
  await page.goto(srv.url + '/audit')
  await page.getByRole('button', { name: '登录', exact: true }).waitFor()
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/audit')
  await fillLogin(page, AUDITOR.username, AUDITOR.initial)
  await page.getByRole('heading', { name: '请修改密码' }).waitFor()
  await changePassword(page, AUDITOR.initial, AUDITOR.changed, '修改密码并继续')
  await page.getByRole('heading', { name: '审计日志' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/audit')

  const table = page.getByRole('table').last()
  const rows = page.locator('.audit-table .el-table__body tr')
  await rows.first().waitFor()
  const all = await rows.allInnerTexts()
  const has = (re) => all.some((r) => re.test(r))
  assert.ok(has(/department\.create/), 'department.create is listed')
  assert.ok(has(/user\.create/), 'user.create is listed')
  assert.ok(has(/session\.login[\s\S]*失败/), 'a failed login is listed')

  // Only the new user's actions: the password change and the sign-out are there.
  await page.getByLabel('操作人', { exact: true }).fill(STAFF.username)
  const answered = page.waitForResponse(
    (r) => r.url().includes('/api/v1/audit') && r.url().includes('actor='),
  )
  await page.getByRole('button', { name: '查询' }).click()
  assert.equal((await answered).status(), 200)
  // every loading mask of the table (Element Plus may keep two while one fades out) is gone
  await page.waitForFunction(() => [...document.querySelectorAll('.audit-table .el-loading-mask')]
    .every((m) => m.offsetParent === null || getComputedStyle(m).display === 'none'))
  const mine = await rows.allInnerTexts()
  assert.ok(mine.length > 0, 'the user has audit rows')
  assert.ok(mine.every((r) => r.includes(STAFF.username)), 'every row is the user\'s')
  assert.ok(mine.some((r) => /me\.password/.test(r)), 'the password change is listed')
  assert.ok(mine.some((r) => /session\.logout/.test(r)), 'the sign-out is listed')
  assert.ok(mine.some((r) => /session\.login/.test(r)), 'the sign-in is listed')
  await table.waitFor()
  await screenshot(page, 'auditor-audit-log')

  // The auditor has no administration pages.
  const nav = page.getByRole('navigation', { name: '主菜单' })
  assert.equal(await nav.getByRole('link', { name: '组织机构' }).count(), 0)
  b.assertNoErrors()
})

test('sysadmin edits, resets a password and deactivates', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await signIn(page, srv.url, 'admin', srv.adminPassword)
  await page.goto(srv.url + '/org')
  const tree = page.getByRole('tree', { name: '部门树' })
  await tree.getByText(DEPT.name, { exact: true }).click()

  // Rename the department.
  await page.getByRole('button', { name: '编辑', exact: true }).first().click()
  const dd = page.getByRole('dialog', { name: '编辑部门' })
  await dd.getByLabel('部门名称', { exact: true }).fill(DEPT.name + '（更名）')
  await dd.getByRole('button', { name: '保存' }).click()
  await dd.waitFor({ state: 'hidden' })
  await tree.getByText(DEPT.name + '（更名）', { exact: true }).waitFor()

  // Edit the user's name.
  const row = () => page.getByRole('row').filter({ hasText: STAFF.username })
  await row().getByRole('button', { name: '编辑' }).click()
  const ud = page.getByRole('dialog', { name: '编辑用户' })
  assert.equal(await ud.getByLabel('用户名', { exact: true }).isDisabled(), true)
  await ud.getByLabel('姓名', { exact: true }).fill('张伟二')
  await ud.getByRole('button', { name: '保存' }).click()
  await ud.waitFor({ state: 'hidden' })
  await row().getByText('张伟二').waitFor()

  // Reset the password: the user must change it at the next sign-in.
  await row().getByRole('button', { name: '重置密码' }).click()
  const rd = page.getByRole('dialog', { name: '重置密码' })
  await rd.getByLabel('新密码', { exact: true }).fill('Reset#Pass2026')
  await rd.getByLabel('确认密码', { exact: true }).fill('Reset#Pass2026')
  await rd.getByRole('button', { name: '重置密码' }).click()
  await rd.waitFor({ state: 'hidden' })
  await row().getByText('待改密').waitFor()

  // Deactivate: confirmed in a dialog, then the user cannot sign in.
  await row().getByRole('button', { name: '停用' }).click()
  const confirm = page.getByRole('dialog', { name: '停用用户' })
  await confirm.getByRole('button', { name: '停用' }).click()
  await confirm.waitFor({ state: 'hidden' })
  await row().getByText('已停用').waitFor()
  await screenshot(page, 'admin-user-deactivated')
  b.assertNoErrors()

  const u = await openBrowser(t)
  await u.page.goto(srv.url + '/login')
  await fillLogin(u.page, STAFF.username, 'Reset#Pass2026')
  await u.page.getByRole('alert').waitFor()
  assert.equal(new URL(u.page.url()).pathname, '/login')
  u.assertNoErrors()
})
