// The one place the UI talks HTTP. Every call goes to /api/v1 on the same origin with the session
// cookie; every state-changing call carries X-CSRF-Token. A failed call throws ApiError whose
// `message` is the server's Chinese text, ready to show to the user. A 401 on any call other than
// the session calls themselves means the session expired: the registered handler sends the user to
// the sign-in page (see main.ts), and the call still throws so the caller stops.

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null

  constructor(status: number, code: string, message: string, field: string | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

let csrfToken = ''
let onUnauthenticated: (() => void) | null = null

export function setCsrfToken(token: string): void {
  csrfToken = token
}

export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn
}

export type Query = Record<string, string | number | boolean | null | undefined>

// Empty values are left out so that a filter form's blank fields do not reach the server.
export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    qs.set(k, String(v))
  }
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

interface RequestOptions {
  // Session calls handle 401 themselves (wrong password, no session yet).
  quiet401?: boolean
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res: Response
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }

  const text = await res.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) return data as T

  const e = (data as { error?: { code?: string; message?: string; field?: string | null } } | null)
    ?.error
  const err = new ApiError(
    res.status,
    e?.code ?? 'http_' + res.status,
    e?.message || `服务器返回错误（HTTP ${res.status}）`,
    e?.field ?? null,
  )
  if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated()
  throw err
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: RequestOptions) =>
    request<T>('GET', withQuery(path, query), undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
}

// For lists that a later issue adds: until then the server answers 404, which means "nothing yet".
export async function getOrEmpty<T>(path: string, empty: T, query?: Query): Promise<T> {
  try {
    return await api.get<T>(path, query)
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return empty
    throw e
  }
}
