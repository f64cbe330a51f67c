// Routes: the sign-in and forced password-change pages stand alone; every other page lives in the
// main layout and comes from the PAGES table. The guard restores the session once (GET /session),
// sends signed-out users to sign-in with ?redirect=, and keeps a user whose password must be
// changed on the change-password page. Role checks happen in the layout, which shows a 403 page in
// place of a page the user may not open (the address stays, so the user sees what was refused).
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { PAGES } from '../pages'
import { useSession } from '../stores/session'
// The sign-in page is every visit's first page: it ships in the entry chunk, not after a round trip.
import LoginView from '../views/LoginView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    roles?: readonly string[]
    public?: boolean
  }
}

// Only same-site paths may be a redirect target (no //host, no scheme).
export function safeRedirect(raw: unknown): string {
  const s = Array.isArray(raw) ? raw[0] : raw
  if (typeof s !== 'string' || !s.startsWith('/') || s.startsWith('//') || s.startsWith('/\\'))
    return '/'
  if (s.startsWith('/login') || s.startsWith('/password-change')) return '/'
  return s
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: LoginView,
      meta: { title: '登录', public: true },
    },
    {
      path: '/password-change',
      name: 'password-change',
      component: () => import('../views/ChangePasswordView.vue'),
      meta: { title: '修改密码' },
    },
    {
      path: '/',
      component: () => import('../layouts/MainLayout.vue'),
      children: [
        ...PAGES.map((p) => ({
          path: p.path === '/' ? '' : p.path.replace(/^\//, ''),
          name: p.name,
          component: p.component,
          meta: { title: p.title, roles: p.roles },
        })),
        {
          path: ':pathMatch(.*)*',
          name: 'not-found',
          component: () => import('../views/NotFoundView.vue'),
          meta: { title: '页面不存在' },
        },
      ],
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to): Promise<true | RouteLocationRaw> => {
  const session = useSession()
  await session.restore()

  if (to.meta.public) {
    if (to.name === 'login' && session.signedIn) {
      return session.mustChangePassword
        ? { name: 'password-change', query: to.query }
        : safeRedirect(to.query.redirect)
    }
    return true
  }
  if (!session.signedIn) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (session.mustChangePassword && to.name !== 'password-change') {
    return { name: 'password-change', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (!session.mustChangePassword && to.name === 'password-change') {
    return safeRedirect(to.query.redirect)
  }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 检务` : '检务'
})

// Starts loading the chunks of the page at `path` at once, in parallel with the session check that
// the guard awaits first, instead of after it. The module loader keeps them; the router's own
// lazy load then finds them ready.
export function preloadRoute(path: string): void {
  for (const rec of router.resolve(path).matched) {
    const c = rec.components?.default
    if (typeof c === 'function') void (c as () => Promise<unknown>)().catch(() => undefined)
  }
}
