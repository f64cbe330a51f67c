// Calls and shapes of 公文处理: /api/v1/incoming (收文), /api/v1/outgoing (发文), 传阅 and the code
// lists of /api/v1/doc-types. The server enforces every rule (state, role, need-to-know, 密级); the
// pages only offer what it says the caller may do now (`actions` of each document).
import { api, type Query } from '../../api/http'
import type { ListPage } from '../../api/types'

export interface Code {
  code: string
  name: string
}

export interface DocMeta extends ListPage<Code & { procuratorate: boolean }> {
  secrecy: (Code & { max_years: number })[]
  urgency: Code[]
  directions: Code[]
  incoming_states: Code[]
  outgoing_states: Code[]
}

export interface Ref {
  id: number
  name: string
}

export interface Opinion {
  id: number
  action: string
  step: string
  opinion: string
  user: Ref
  department: string
  signature: string
  on_behalf_of: Ref | null
  from_state: string
  to_state: string
  at: string
  date: string
  detail: Record<string, unknown> | null
}

export interface Attachment {
  id: number
  name: string
  size: number
  kind: string
}

// What a row of either register carries: its kind, 密级, 紧急程度, state and version.
interface DocRowBase {
  id: number
  title: string
  doc_type: string
  doc_type_name: string
  secrecy: string
  secrecy_name: string
  secrecy_years: number
  secrecy_mark: string
  urgency: string
  urgency_name: string
  state: string
  state_name: string
  version: number
  year: number
}

export interface IncomingRow extends DocRowBase {
  number: string
  from_org: string
  from_number: string
  copies: number
  pages: number
  received_date: string
  due_date: string | null
  overdue: boolean
  main_department: Ref | null
  source: string
}

export interface Assignment {
  id: number
  department_id: number
  department: string
  role: 'main' | 'assist'
  deadline: string | null
  state: 'pending' | 'done'
  result: string
  head: string | null
  delegate: string | null
  reported_by: string | null
  reported_at: string | null
}

export interface Receipt {
  user: Ref & { department: string }
  sender: string
  sent_at: string
  read: boolean
  read_at: string | null
  comment: string
}

export interface CirculationStatus {
  items: Receipt[]
  read: number
  unread: number
  mine_unread: boolean
  added?: number
}

export interface IncomingDetail extends IncomingRow {
  body: string
  registrar: Ref
  leader: Ref | null
  outgoing_id: number | null
  opinions: Opinion[]
  sheet: Record<string, Opinion[]>
  assignments: Assignment[]
  circulation: CirculationStatus
  attachments: Attachment[]
  actions: string[]
}

export interface IncomingAction {
  action: string
  opinion?: string
  version?: number
  leader_id?: number
  main_department_id?: number
  main_deadline?: string
  assist?: { department_id: number; deadline?: string }[]
  user_id?: number
  method?: string
}

export interface OutgoingRow extends DocRowBase {
  number: string | null
  direction: string
  direction_name: string
  department: Ref
  drafter: Ref
  main_to: string
  copy_to: string
  print_copies: number
  attachment_note: string
  signer: string | null
  sign_date: string | null
  printed_date: string | null
  body_version: number
  updated_at: string
}

export interface OutgoingDetail extends OutgoingRow {
  body: string
  series_id: number | null
  opinions: Opinion[]
  countersign: {
    department_id: number
    department: string
    state: 'pending' | 'signed'
    signer_name: string | null
    opinion: string
    signed_at: number | null
  }[]
  recipients: {
    kind: 'internal' | 'external'
    user_id: number | null
    name: string
    method: string
    sent_date: string
    incoming_id: number | null
  }[]
  attachments: Attachment[]
  /** the approval instance on the shared engine (its timeline, 转办/加签/撤回/催办), null before 送审 */
  instance_id: number | null
  actions: string[]
  editable: boolean
}

export interface OutgoingFields {
  title?: string
  doc_type?: string
  main_to?: string
  copy_to?: string
  secrecy?: string
  secrecy_years?: number
  urgency?: string
  direction?: string
  department_id?: number
  print_copies?: number
  body?: string
  attachment_note?: string
  countersign_department_ids?: number[]
  attachments?: number[]
  version?: number
}

export interface OutgoingAction {
  action: string
  opinion?: string
  version?: number
  to?: string
  on_behalf_of?: number
  series_id?: number
  date?: string
  internal_user_ids?: number[]
  internal_department_ids?: number[]
  external?: { name: string; method?: string; date?: string }[]
}

export interface Version {
  no: number
  author_id: number
  author_name: string
  state: string
  state_name: string
  chars: number
  created_at: string
}

export interface DiffChunk {
  op: 'eq' | 'del' | 'ins'
  text: string
}

export interface Comparison {
  from: number
  to: number
  chunks: DiffChunk[]
  inserted: number
  deleted: number
}

export interface ReadingRow {
  id: number
  number: string
  title: string
  from_org: string
  secrecy_mark: string
  urgency_name: string
  state_name: string
  sender: string
  sent_at: string
  read: boolean
  read_at: string | null
  comment: string
}

export interface Series {
  id: number
  code: string
  name: string
  active: boolean
}

export interface Person {
  id: number
  username: string
  name: string
  department: Ref & { code: string }
  roles: string[]
  active: boolean
}

export interface Department {
  id: number
  code: string
  name: string
  active: boolean
}

let metaCache: Promise<DocMeta> | null = null

export const docsApi = {
  meta: (): Promise<DocMeta> => {
    metaCache ??= api.get<DocMeta>('/doc-types').catch((e) => {
      metaCache = null
      throw e
    })
    return metaCache
  },
  incoming: (q: Query) => api.get<ListPage<IncomingRow>>('/incoming', q),
  incomingOne: (id: number) => api.get<IncomingDetail>(`/incoming/${id}`),
  register: (b: Record<string, unknown>) => api.post<IncomingDetail>('/incoming', b),
  incomingAct: (id: number, b: IncomingAction) => api.post<IncomingDetail>(`/incoming/${id}/actions`, b),
  circulate: (id: number, userIds: number[]) =>
    api.post<CirculationStatus>(`/incoming/${id}/circulate`, { user_ids: userIds }),
  read: (id: number, comment: string) =>
    api.post<CirculationStatus>(`/incoming/${id}/read`, comment ? { comment } : {}),
  reading: (q: Query) => api.get<ListPage<ReadingRow>>('/circulation', q),
  outgoing: (q: Query) => api.get<ListPage<OutgoingRow>>('/outgoing', q),
  outgoingOne: (id: number) => api.get<OutgoingDetail>(`/outgoing/${id}`),
  draft: (b: OutgoingFields) => api.post<OutgoingDetail>('/outgoing', b),
  editOutgoing: (id: number, b: OutgoingFields) => api.patch<OutgoingDetail>(`/outgoing/${id}`, b),
  outgoingAct: (id: number, b: OutgoingAction) => api.post<OutgoingDetail>(`/outgoing/${id}/actions`, b),
  versions: (id: number) => api.get<ListPage<Version>>(`/outgoing/${id}/versions`),
  compare: (id: number, from: number, to: number) =>
    api.get<Comparison>(`/outgoing/${id}/compare`, { from, to }),
  settings: () => api.get<{ classified_network: boolean }>('/doc-settings'),
  series: () => api.get<ListPage<Series>>('/number-series', { limit: 200 }),
  people: () => api.get<ListPage<Person>>('/users', { limit: 200 }),
  departments: () => api.get<ListPage<Department>>('/departments', { limit: 200 }),
}

// Names of the steps as buttons say them.
export const INCOMING_ACTIONS: Record<string, { label: string; opinion: string; required: boolean; type?: 'primary' | 'danger' }> = {
  review: { label: '初审通过', opinion: '初审意见', required: false, type: 'primary' },
  return: { label: '退回来文单位', opinion: '退回理由', required: true, type: 'danger' },
  propose: { label: '拟办', opinion: '拟办意见', required: true, type: 'primary' },
  instruct: { label: '批办', opinion: '领导批示', required: true, type: 'primary' },
  assign: { label: '交办承办', opinion: '交办意见', required: false, type: 'primary' },
  delegate: { label: '指定承办人', opinion: '交办意见', required: false },
  report: { label: '反馈办理结果', opinion: '办理结果', required: true, type: 'primary' },
  urge: { label: '催办', opinion: '催办意见', required: false },
  finish: { label: '办结', opinion: '办结意见', required: false, type: 'primary' },
  reply: { label: '答复来文单位', opinion: '答复内容', required: true, type: 'primary' },
  close: { label: '无需答复，待归档', opinion: '说明', required: false },
}

export const OUTGOING_ACTIONS: Record<string, { label: string; opinion: string; required: boolean; type?: 'primary' | 'danger' }> = {
  submit: { label: '送审', opinion: '说明', required: false, type: 'primary' },
  approve: { label: '审核同意', opinion: '审核意见', required: false, type: 'primary' },
  countersign: { label: '会签', opinion: '会签意见', required: false, type: 'primary' },
  sign: { label: '签发', opinion: '签发意见', required: false, type: 'primary' },
  return: { label: '退回', opinion: '退回理由', required: true, type: 'danger' },
  number: { label: '编号', opinion: '说明', required: false, type: 'primary' },
  proofread: { label: '校对完成', opinion: '校对意见', required: false, type: 'primary' },
  print: { label: '印发', opinion: '说明', required: false, type: 'primary' },
  distribute: { label: '分发', opinion: '说明', required: false, type: 'primary' },
}

export const OFFICE_ROLES = ['office_director', 'clerk']
export const BUSINESS_ROLES = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff']
