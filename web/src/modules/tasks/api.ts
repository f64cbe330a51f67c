// Calls and shapes of /api/v1/tasks (督察督办). The server enforces every rule (state, role,
// need-to-know); the pages only show what it allows, from the `actions` it returns per item.
import { api, type Query } from '../../api/http'
import type { ListPage } from '../../api/types'

export type Light = 'green' | 'yellow' | 'red'

export interface Ref {
  id: number
  name: string
}

export interface TaskRow {
  id: number
  number: string | null
  title: string
  source: string
  source_name: string
  type: 'routine' | 'complex'
  state: string
  state_name: string
  lead_department: { id?: number; code: string; name: string }
  responsible: Ref
  leader: Ref
  assigned_date: string
  deadline: string
  extensions: number
  done_date: string | null
  closed_date: string | null
  version: number
  light: Light | null
  feedback: string
}

export interface TaskPart {
  id: number
  role: 'lead' | 'assist'
  department: { id: number; code: string; name: string }
  assignee: Ref
  content: string
  deadline: string
  state: 'open' | 'signed' | 'done'
  done_date: string | null
  result: string
  light: Light | null
  signed_at: string | null
  done_at: string | null
}

export interface TaskEvent {
  id: number
  ts: string
  actor_id: number | null
  actor_name: string
  action: string
  from_state: string
  to_state: string
  opinion: string
  detail: string
}

export interface ReportFile {
  id: number
  name: string
  size: number
  type: string
}

export interface TaskReport {
  id: number
  part_id: number | null
  author_name: string
  content: string
  report_date: string
  created_at: string
  files: ReportFile[]
}

export interface TaskReminder {
  id: number
  kind: string
  due_key_date: string | null
  fired_at: string
  recipients: string
  message: string
}

export interface TaskApproval {
  id: number
  kind: 'extension' | 'filing'
  state: string
  requester_name: string
  reason: string
  old_deadline: string | null
  new_deadline: string | null
  decided_name: string | null
  opinion: string
  created_at: string
  decided_at: string | null
  instance_id: number | null // the approval on the shared engine (/workflow/instances/:id)
}

export interface TaskAction {
  action: string
  name: string
  opinion_required: boolean
  opinion_label: string | null
}

export interface TaskDetail extends TaskRow {
  content: string
  type_name: string
  feedback_name: string
  link: { kind: string; id: number } | null
  creator: Ref
  orig_deadline: string
  filed: boolean
  created_at: string
  pending_extension: { id: number; instance_id: number; old_deadline: string; new_deadline: string } | null
  pending_filing: { id: number; instance_id: number } | null
  supervisors: { id: number; name: string; passed_at: string | null }[]
  parts: TaskPart[]
  events: TaskEvent[]
  reports: TaskReport[]
  reminders: TaskReminder[]
  approvals: TaskApproval[]
  actions: TaskAction[]
  can_report: boolean
  next_report_due: string | null
  report_overdue: boolean
}

export interface BoardRow extends TaskRow {
  part: { id: number; role: string; deadline: string; state: string; assignee: string; light: Light }
}

export interface Board {
  department: { id: number; code: string; name: string } | null
  counts: Record<Light, number>
  items: BoardRow[]
  total: number
}

export interface Counts {
  due: number
  closed: number
  closed_on_time: number
  overdue: number
  extended: number
  on_time_rate: number | null
  closed_rate: number | null
  assigned: number
  avg_days: number | null
}

export interface Stats {
  from: string
  to: string
  as_of: string
  by_department: (Counts & { department_code: string; department_name: string })[]
  by_source: (Counts & { source: string; source_name: string })[]
  total: Counts
}

export interface MonthRow {
  month: string
  from: string
  to: string
  assigned: number
  due: number
  closed: number
  closed_on_time: number
  overdue: number
  on_time_rate: number | null
}

export interface RedItem {
  id: number
  number: string
  title: string
  state_name: string
  deadline: string
  department_code: string
  department_name: string
  responsible_name: string
  leader_name: string
  overdue_workdays: number
}

export interface Dashboard {
  year: number
  as_of: string
  stats: Stats
  by_light: Record<Light, number>
  lights_by_department: Record<string, Record<Light, number>>
  by_month: MonthRow[]
  red_items: RedItem[]
  red_total: number
  overdue_documents: ListPage<{ id: number; number: string; title: string; due_date?: string }>
}

export interface CodeName {
  code: string
  name: string
}

export interface Meta {
  sources: CodeName[]
  states: CodeName[]
  feedback: CodeName[]
  today: string
  fake_clock: boolean
  limits: { parts: number; supervisors: number; content_bytes: number }
}

export interface NewPart {
  department: string
  role: 'lead' | 'assist'
  assignee_id: number | null
  content: string
  deadline: string
}

export interface NewTask {
  title: string
  content: string
  source: string
  link_id?: number
  type: 'routine' | 'complex'
  lead_department: string
  responsible_id: number | null
  leader_id?: number
  supervisor_ids: number[]
  assigned_date: string
  deadline: string
  feedback: string
  parts?: NewPart[]
}

export const tasksApi = {
  meta: () => api.get<Meta>('/tasks/meta'),
  list: (q: Query) => api.get<ListPage<TaskRow>>('/tasks', q),
  get: (id: number) => api.get<TaskDetail>(`/tasks/${id}`),
  create: (b: NewTask) => api.post<TaskDetail>('/tasks', b),
  act: (
    id: number,
    b: { action: string; opinion?: string; new_deadline?: string; part_id?: number; version?: number },
  ) => api.post<TaskDetail>(`/tasks/${id}/actions`, b),
  report: (id: number, content: string, attachments: number[] = []) =>
    api.post<TaskReport>(`/tasks/${id}/reports`, attachments.length ? { content, attachments } : { content }),
  board: (q: Query) => api.get<Board>('/tasks/board', q),
  stats: (from: string, to: string) => api.get<Stats>('/tasks/stats', { from, to }),
  dashboard: (year: number) => api.get<Dashboard>('/tasks/dashboard', { year }),
}

export const LIGHT_NAMES: Record<Light, string> = { green: '正常', yellow: '临期', red: '逾期' }
export const LIGHT_COLORS: Record<Light, string> = { green: '#2e9d4f', yellow: '#e6a23c', red: '#d93025' }

export const EVENT_NAMES: Record<string, string> = {
  create: '立项',
  file: '报备',
  approve_filing: '报备审批通过，立项',
  approve_filing_step: '报备审核通过',
  refuse_filing: '报备未获批准',
  return_filing: '报备退回修改',
  resubmit_filing: '报备重新提交',
  recall_filing: '报备撤回',
  withdraw_filing: '报备撤销',
  assign: '交办',
  sign: '签收',
  report: '报送进展',
  complete_part: '协办子任务完成',
  report_done: '报结（办结报告）',
  pass: '初审通过',
  return: '退办',
  approve: '领导审阅同意，办结销号',
  archive: '归档',
  request_extension: '延期申请',
  approve_extension: '延期批准',
  refuse_extension: '延期不予批准',
  approve_extension_step: '延期审核通过',
  return_extension: '延期申请退回修改',
  resubmit_extension: '延期申请重新提交',
  recall_extension: '延期申请撤回',
  withdraw_extension: '延期申请撤销',
  remind: '催办',
  auto_remind: '自动提醒',
  cancel: '撤销',
}

export const TASK_REPORT_FILES_MAX = 10 // src/tasks/tasks.h

export const REMINDER_NAMES: Record<string, string> = {
  near_due: '临期提醒',
  overdue: '逾期提醒',
  escalate: '逾期提请责任领导督促',
  report_overdue: '进展报告逾期提醒',
  part_overdue: '子任务逾期提醒',
  manual: '人工催办',
}

// Today as the server's calendar sees it (China time).
export function chinaToday(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
}
