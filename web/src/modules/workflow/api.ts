// Calls and shapes of the approval engine's API (/api/v1/workflows/..., /api/v1/calendar/{year},
// /api/v1/todos, /api/v1/done). The server enforces every rule (who may act, versions, need-to-know);
// the pages show the buttons it lists in `allowed_actions`.
import { api, type Query } from '../../api/http'
import type { ListPage } from '../../api/types'

export interface Ref {
  id: number
  name: string
}

export type Span = { days: number } | { hours: number }

export interface Rule {
  rule: 'users' | 'role' | 'dept_head' | 'leader_in_charge' | 'office_director' | 'chief' | 'chosen'
  users?: number[]
  role?: string
  from?: Rule
}

export interface Condition {
  field?: string
  op?: string
  value?: unknown
  all?: Condition[]
  any?: Condition[]
}

export interface StepDef {
  id: string
  name: string
  kind: 'single' | 'countersign' | 'or_sign' | 'percentage'
  percent?: number
  assignee: Rule
  condition?: Condition
  time_limit?: Span
  remind_before?: Span
  escalate?: { to: Rule; after?: Span; mode?: 'notify' | 'reassign' }
}

export interface DefinitionDoc {
  key: string
  name: string
  version?: number
  resubmit?: 'continue' | 'restart'
  steps: StepDef[]
}

export interface Definition {
  key: string
  version: number
  name: string
  active: boolean
  updated_at: string | null
  updated_by: string | null
  form: boolean
  form_name: string | null
  definition: DefinitionDoc
  versions?: { version: number; active: boolean; created_at: string; created_by: string | null }[]
  candidates?: Record<string, Ref[]>
}

export interface InstanceStep {
  index: number
  id: string
  name: string
  kind: string
  applies: boolean
  status: 'done' | 'current' | 'waiting' | 'skipped' | 'rejected'
  time_limit: Span | null
}

export interface InstanceItem {
  id: number
  user: Ref
  step: number
  step_name: string
  kind: string
  state: 'pending' | 'waiting' | 'done' | 'cancelled'
  outcome: string
  by: Ref | null
  created_at: string
  due_at: string | null
  closed_at: string | null
  reminded: boolean
  overdue: boolean
  escalated: boolean
}

export interface HistoryEntry {
  seq: number
  at: string
  actor: Ref | null
  event: string
  event_name: string
  step: number
  step_name: string
  item_id: number | null
  target: Ref | null
  to_step?: number
  to_step_name?: string
  position: 'before' | 'after' | null
  state: string
  opinion: string | null
}

export interface Instance {
  id: number
  version: number
  def_key: string
  def_version: number
  def_name: string
  module: string
  object_id: number
  title: string
  state: string
  state_name: string
  initiator: Ref & { department: { id: number; name: string } | null }
  form: Record<string, unknown>
  submitted_at: string
  finished_at: string | null
  steps: InstanceStep[]
  items: InstanceItem[]
  current_step: { index: number; id: string; name: string } | null
  history: HistoryEntry[]
  allowed_actions: string[]
  return_targets: { to: string; name: string }[]
  pending: Ref[]
  next_choice: { step_id: string; step_name: string; kind: string; candidates: Ref[] } | null
}

export interface InstanceRow {
  id: number
  def_key: string
  def_name: string
  title: string
  state: string
  state_name: string
  step_name: string
  submitted_at: string
  finished_at: string | null
  version: number
  module: string
  object_id: number
  initiator: Ref & { department: string | null }
  handlers: string | null
}

export interface ActionBody {
  action: string
  opinion?: string
  version?: number
  to?: string
  target?: number
  position?: 'before' | 'after'
  next_assignees?: number[]
  form?: Record<string, unknown>
}

export interface WorkItem {
  id: number
  kind: string
  object_id: number
  title: string
  step: string
  due: string | null
  due_at: string | null
  instance_id: number | null
  item_id: number | null
  since: string
  done_at: string | null
  outcome: string | null
}

export interface WorkList extends ListPage<WorkItem> {
  counts: Record<string, number>
}

export interface CalendarYear {
  year: number
  holidays: string[]
  workdays: string[]
  note?: string
  version: number
  configured: boolean
  builtin: boolean
  updated_at?: string
  updated_by?: string | null
}

export const wfApi = {
  definitions: () => api.get<ListPage<Definition>>('/workflows/definitions'),
  definition: (key: string, version?: number) =>
    api.get<Definition>(`/workflows/definitions/${encodeURIComponent(key)}`, { version }),
  saveDefinition: (doc: DefinitionDoc & { version: number; active: boolean }) =>
    api.post<Definition>('/workflows/definitions', doc),
  instances: (q: Query) => api.get<ListPage<InstanceRow>>('/workflows/instances', q),
  instance: (id: number) => api.get<Instance>(`/workflows/instances/${id}`),
  start: (def_key: string, form: Record<string, unknown>, next_assignees?: number[]) =>
    api.post<Instance>('/workflows/instances', { def_key, form, next_assignees }),
  act: (id: number, body: ActionBody) => api.post<Instance>(`/workflows/instances/${id}/actions`, body),
  todos: (q: Query) => api.get<WorkList>('/todos', q),
  done: (q: Query) => api.get<WorkList>('/done', q),
  calendar: (year: number) => api.get<CalendarYear>(`/calendar/${year}`),
  saveCalendar: (year: number, b: { holidays: string[]; workdays: string[]; note: string; version: number }) =>
    api.put<CalendarYear>(`/calendar/${year}`, b),
}

export const STATE_TAG: Record<string, 'primary' | 'success' | 'danger' | 'info' | 'warning'> = {
  running: 'primary',
  returned: 'warning',
  withdrawn: 'info',
  approved: 'success',
  rejected: 'danger',
  cancelled: 'info',
}

export const STATE_NAMES: Record<string, string> = {
  running: '审批中',
  returned: '已退回',
  withdrawn: '已撤回',
  approved: '已通过',
  rejected: '未通过',
  cancelled: '已取消',
}

export const OUTCOME_NAMES: Record<string, string> = {
  approved: '同意',
  rejected: '不同意',
  returned: '退回',
  transferred: '转办',
  resubmitted: '重新提交',
  escalated: '超期移交',
}

export const ACTION_NAMES: Record<string, string> = {
  approve: '同意',
  reject: '不同意',
  return: '退回',
  transfer: '转办',
  add_signer: '加签',
  resubmit: '重新提交',
  withdraw: '撤回',
  remind: '催办',
  cancel: '取消申请',
}

export function spanText(s: Span | null | undefined): string {
  if (!s) return ''
  return 'days' in s ? `${s.days}个工作日` : `${s.hours}个工作小时`
}
