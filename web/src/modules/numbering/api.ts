// Calls and shapes of /api/v1/number-series (src/numbering/numbering_api.c): 文号系列, 预留, 作废,
// the 文号登记簿 (ledger) and the 空号报告 (gap report). The office keeps the series; the server
// refuses everyone else whatever the page shows.
import { api } from '../../api/http'
import type { ListPage } from '../../api/types'

// The route roles of the page: creating, reserving and voiding are the office's (ROLES_OFFICE).
export const NUMBERING_ROLES = ['office_director', 'clerk']

export const DEFAULT_FORMAT = '{code}〔{year}〕{seq}号'

export interface NumberSeries {
  id: number
  code: string
  format: string
  name: string
  active: boolean
  version: number
  year: number
  last_seq: number
  next: string
}

export interface Reserved {
  number: string
  seq: number
  year: number
  series_id: number
  state: 'reserved'
}

export interface Voided {
  number: string
  seq: number
  year: number
  series_id: number
  state: 'void'
  reason: string
}

export interface LedgerRow {
  seq: number
  number: string
  state: 'used' | 'reserved' | 'void'
  object_kind: string | null
  object_id: number | null
  purpose: string | null
  reason: string | null
  issued_at: string
  issued_by_name: string | null
}

export interface GapEntry {
  seq: number
  number: string
  reason?: string
  voided_at?: string
  voided_by_name?: string | null
  purpose?: string
  reserved_at?: string
  reserved_by_name?: string | null
}

export interface GapReport {
  series: { id: number; code: string }
  year: number
  last_seq: number
  counts: { issued: number; used: number; reserved: number; void: number }
  voided: GapEntry[]
  reserved: GapEntry[]
  missing: number[]
  missing_count: number
  complete: boolean
}

export const STATE_NAMES: Record<string, string> = { used: '已使用', reserved: '已预留', void: '已作废' }

export const numberingApi = {
  series: (year: number) => api.get<ListPage<NumberSeries>>('/number-series', { year }),
  create: (body: { code: string; format?: string; name?: string }) =>
    api.post<NumberSeries>('/number-series', body),
  reserve: (id: number, body: { year: number; purpose?: string }) =>
    api.post<Reserved>(`/number-series/${id}/reserve`, body),
  void: (id: number, body: { year: number; seq: number; reason: string }) =>
    api.post<Voided>(`/number-series/${id}/void`, body),
  gaps: (id: number, year: number) => api.get<GapReport>(`/number-series/${id}/gaps`, { year }),
  ledger: (id: number, year: number, limit: number, offset: number) =>
    api.get<ListPage<LedgerRow>>(`/number-series/${id}/numbers`, { year, limit, offset }),
}
