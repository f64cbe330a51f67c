// Calls and shapes of GET /api/v1/search (issue 6). The server applies need-to-know inside the
// query, escapes every snippet and marks the matches; the page only shows what it answers.
import { api, type Query } from '../../api/http'

export interface SearchItem {
  kind: string
  kind_label: string
  id: number
  external_id: string | null
  title: string
  // HTML made by the server: the text HTML-escaped, matches in <mark>…</mark>, nothing else.
  title_html: string
  snippet: string
  date: string | null
  score: number | null
  url: string
}

export interface KindCount {
  kind: string
  label: string
  count: number
}

export interface SearchResult {
  items: SearchItem[]
  total: number
  kinds: KindCount[]
  sort: 'relevance' | 'date'
}

export interface SearchParams extends Query {
  q: string
  kind?: string
  sort?: 'relevance' | 'date'
  from?: string
  to?: string
  doc_type?: string
  secrecy?: string
  limit?: number
  offset?: number
}

// Deeper pages are refused by the server (SEARCH_WINDOW_MAX); the pager stops there too.
export const SEARCH_WINDOW = 10000

export const SECRECY_NAMES: Record<string, string> = {
  none: '非密',
  internal: '内部',
  secret: '秘密',
  confidential: '机密',
  top_secret: '绝密',
}

export const searchApi = {
  search: (p: SearchParams) => api.get<SearchResult>('/search', p),
}
