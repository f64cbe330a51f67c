// Sign-in page: a good sign-in lands on the workbench with the user's name and department in the
// top bar; a wrong password shows the server's message; five failures lock the account and the
// sixth attempt shows the lockout message, even with the right password.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, openBrowser, screenshot, fillLogin, signIn, apiAs } from './helpers.mjs'

let srv
before(async () => {
  srv = await startServer()
})
after(async () => {
  await srv?.stop()
})

test('admin signs in and sees the workbench', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await page.goto(srv.url + '/')
  // Not signed in: the app sends the visitor to the sign-in page.
  await page.getByRole('button', { name: '登录', exact: true }).waitFor()
  assert.match(new URL(page.url()).pathname, /^\/login$/)
  await fillLogin(page, 'admin', srv.adminPassword)
  await page.getByRole('navigation', { name: '主菜单' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/')
  const top = page.getByRole('banner')
  await top.getByText('办公室', { exact: true }).waitFor()
  const nav = page.getByRole('navigation', { name: '主菜单' })
  for (const item of ['工作台', '组织机构', '个人设置'])
    assert.equal(await nav.getByRole('link', { name: item }).count(), 1, `menu has ${item}`)
  // sysadmin is not the auditor: no audit log in the menu.
  assert.equal(await nav.getByRole('link', { name: '审计日志' }).count(), 0)
  // The workbench lists are empty until later modules exist, and say what will appear there.
  await page.getByText('暂无待办事项：收到公文、审批或督办任务后会显示在这里').waitFor()
  await screenshot(page, 'signin-workbench')
  // A reload keeps the session (GET /session restores it).
  await page.reload()
  await page.getByRole('navigation', { name: '主菜单' }).waitFor()
  b.assertNoErrors()
})

test('wrong password shows the server message', async (t) => {
  const b = await openBrowser(t)
  const { page } = b
  await page.goto(srv.url + '/login')
  await fillLogin(page, 'admin', 'not-the-password')
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor()
  assert.match(new URL(page.url()).pathname, /^\/login$/)
  await screenshot(page, 'signin-wrong-password')
  b.assertNoErrors()
})

test('five failures lock the account with the lockout message', async (t) => {
  // A user of its own, so the other tests' admin is not locked.
  const admin = await apiAs(srv.url, 'admin', srv.adminPassword)
  const pw = 'Lock#Test2026'
  const r = await admin('POST', '/users', {
    username: 'locktest',
    name: '锁定测试',
    department_code: 'BGS',
    roles: ['staff'],
    password: pw,
  })
  assert.ok(r.status === 200 || r.status === 201, `create user: ${r.status} ${JSON.stringify(r.body)}`)

  const b = await openBrowser(t)
  const { page } = b
  await page.goto(srv.url + '/login')
  for (let i = 1; i <= 5; i++) {
    // Wait for each answer before the next try: the alert is already there from the last one.
    const answered = page.waitForResponse((res) => res.url().endsWith('/api/v1/session'))
    await fillLogin(page, 'locktest', `wrong-${i}`)
    const status = (await answered).status()
    // The first four are plain refusals; the fifth may already answer "locked".
    if (i < 5) {
      assert.equal(status, 401, `attempt ${i}`)
      await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor()
    } else {
      assert.ok(status === 401 || status === 423 || status === 429, `attempt 5: ${status}`)
    }
  }
  // Locked: even the right password is refused, with the lockout message.
  await fillLogin(page, 'locktest', pw)
  const alert = page.getByRole('alert').filter({ hasText: '账户已锁定' })
  await alert.waitFor()
  const text = (await alert.innerText()).trim()
  assert.match(text, /账户已锁定/)
  assert.match(text, /15\s*分钟/)
  assert.match(new URL(page.url()).pathname, /^\/login$/)
  await screenshot(page, 'signin-locked')
  b.assertNoErrors()
})

test('sign-in page is usable at 1024 wide and by keyboard alone', async (t) => {
  const b = await openBrowser(t, { width: 1024, height: 768 })
  const { page } = b
  await page.goto(srv.url + '/login')
  // The username field has focus on arrival; Tab reaches the password; Enter submits.
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'username')
  await page.keyboard.type('admin')
  await page.keyboard.press('Tab')
  await page.keyboard.type(srv.adminPassword)
  await page.keyboard.press('Enter')
  await page.getByRole('navigation', { name: '主菜单' }).waitFor()
  // No horizontal scrollbar on the page at 1024.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 1024 wide`)
  // Keyboard: the menu links are reachable with Tab and open with Enter.
  const link = page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '个人设置' })
  await link.focus()
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: '个人设置' }).waitFor()
  await screenshot(page, 'signin-1024-settings')
  b.assertNoErrors()
})
