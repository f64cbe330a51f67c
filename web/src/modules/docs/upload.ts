// Attachments: each file is uploaded to /api/v1/files (raw body, original name in ?name=) before
// the document is saved with the list of file ids. The server sniffs the type, de-duplicates by
// SM3 and refuses files for 秘密 and above on a non-classified network when they are attached.
import { api, ApiError } from '../../api/http'
import type { Attachment } from './api'

let csrf = ''

async function csrfToken(): Promise<string> {
  if (!csrf) csrf = (await api.get<{ csrf_token: string }>('/session')).csrf_token
  return csrf
}

export async function uploadFile(file: File): Promise<Attachment> {
  const res = await fetch(`/api/v1/files?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'X-CSRF-Token': await csrfToken(), 'Content-Type': 'application/octet-stream' },
    body: file,
    credentials: 'same-origin',
  })
  const data = await res.json().catch(() => null)
  if (!res.ok) {
    const e = data?.error
    throw new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? `上传失败（HTTP ${res.status}）`, e?.field ?? null)
  }
  return data as Attachment
}
