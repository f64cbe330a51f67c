import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router, preloadRoute } from './router'
import { ApiError, setUnauthenticatedHandler } from './api/http'
import { useSession } from './stores/session'
import './styles.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
// Ask for the session and fetch the page's chunks at once, before the router's first guard waits
// for the session: the two round trips overlap instead of following each other.
void useSession(pinia).restore()
preloadRoute(location.pathname)
app.use(router)

// A 401 from any API call after sign-in: the session expired (idle or absolute limit) or was
// revoked. Go to sign-in and come back to this page afterwards.
setUnauthenticatedHandler(() => {
  const session = useSession(pinia)
  session.expire()
  const here = router.currentRoute.value
  if (here.name === 'login') return
  const redirect = here.fullPath === '/' ? undefined : here.fullPath
  void router.replace({ name: 'login', query: redirect ? { redirect } : {} })
})

// An API error nobody caught is still the user's business: show the server's message.
function showUncaught(e: unknown): boolean {
  if (e instanceof ApiError) {
    if (e.status !== 401) ElMessage.error(e.message)
    return true
  }
  return false
}
app.config.errorHandler = (e) => {
  if (!showUncaught(e)) {
    ElMessage.error('页面出现错误，请刷新后重试')
    console.error(e)
  }
}
window.addEventListener('unhandledrejection', (ev) => {
  if (showUncaught(ev.reason)) ev.preventDefault()
})

app.mount('#app')
