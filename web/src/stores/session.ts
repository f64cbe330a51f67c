// The signed-in user and the CSRF token. `restore()` runs once at start (GET /session); after that
// the store is changed only by signIn, signOut, refresh and expire (a 401 from any call).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ApiError, setCsrfToken } from '../api/http'
import type { SessionInfo, User } from '../api/types'

export const useSession = defineStore('session', () => {
  const user = ref<User | null>(null)
  const restored = ref(false)
  // Set when the session ended without the user asking (idle timeout): the sign-in page says so.
  const expired = ref(false)

  const signedIn = computed(() => user.value !== null)
  const mustChangePassword = computed(() => user.value?.must_change_password === true)

  function accept(info: SessionInfo) {
    user.value = info.user
    setCsrfToken(info.csrf_token)
    expired.value = false
  }

  function clear() {
    user.value = null
    setCsrfToken('')
  }

  // One GET /session per page load, however many callers wait for it.
  let restoring: Promise<void> | null = null
  function restore(): Promise<void> {
    restoring ??= doRestore()
    return restoring
  }

  async function doRestore(): Promise<void> {
    try {
      accept(await api.get<SessionInfo>('/session', undefined, { quiet401: true }))
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) {
        // The server is down or broken: the sign-in page shows the error when the user tries.
        console.warn('会话恢复失败：', e instanceof Error ? e.message : e)
      }
      clear()
    } finally {
      restored.value = true
    }
  }

  async function signIn(username: string, password: string): Promise<User> {
    const info = await api.post<SessionInfo>('/session', { username, password }, { quiet401: true })
    accept(info)
    return info.user
  }

  async function signOut(): Promise<void> {
    try {
      await api.del('/session', { quiet401: true })
    } finally {
      clear()
    }
  }

  // Reloads the user after a change that affects it (password changed, own record edited).
  async function refresh(): Promise<void> {
    user.value = await api.get<User>('/me')
  }

  function expire() {
    if (user.value) expired.value = true
    clear()
  }

  function hasAnyRole(roles: readonly string[] | undefined): boolean {
    if (!roles || roles.length === 0) return true
    const mine = user.value?.roles ?? []
    return roles.some((r) => mine.includes(r))
  }

  return {
    user,
    restored,
    expired,
    signedIn,
    mustChangePassword,
    restore,
    signIn,
    signOut,
    refresh,
    expire,
    hasAnyRole,
  }
})
