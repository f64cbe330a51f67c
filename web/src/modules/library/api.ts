// Calls and shapes of /api/v1/library (src/library/library_api.c): the 法规资料库. Lists are paged
// on the server and carry no body; the detail does. Every business role reads it.
import { api, type Query } from '../../api/http'
import type { ListPage } from '../../api/types'

export const LIBRARY_ROLES = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff']

export interface LibraryDoc {
  id: number
  external_id: string | null
  title: string
  issuer: string | null
  date: string | null
  type: string
  category: string | null
  jurisdiction: string | null
  script: string | null
  abolished: boolean
  version: number
  created_at: string
  updated_at: string
}

export interface LibraryDocFull extends LibraryDoc {
  body: string
}

export interface LibraryParams extends Query {
  q?: string
  type?: string
  issuer?: string
  year?: number
  limit: number
  offset: number
}

export interface TypeCount {
  type: string
  count: number
}

export interface IssuerCount {
  issuer: string
  count: number
}

export const libraryApi = {
  list: (p: LibraryParams) => api.get<ListPage<LibraryDoc>>('/library', p),
  types: () => api.get<ListPage<TypeCount>>('/library/types'),
  issuers: () => api.get<ListPage<IssuerCount>>('/library/issuers'),
  get: (id: number) => api.get<LibraryDocFull>(`/library/${id}`),
}

// The body as paragraphs of plain text (Vue escapes them): one a line, blank lines dropped, the
// import source's markers (HTML comments, Markdown heading signs) left out of the reading view.
export interface Paragraph {
  text: string
  heading: boolean
}

export function paragraphs(body: string): Paragraph[] {
  const out: Paragraph[] = []
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || /^<!--.*-->$/.test(line)) continue
    const h = /^#{1,6}\s+(.*)$/.exec(line)
    out.push(h ? { text: h[1], heading: true } : { text: raw.replace(/\s+$/, ''), heading: false })
  }
  return out
}
