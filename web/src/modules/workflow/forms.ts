// The 报备审批 forms (请假, 出差, 外出报备) as the pages show them. The server validates every field
// (src/workflow/wf_forms.c) and its messages are shown on the field it names; these tables only
// label fields and offer the same choices.
export const LEAVE_KINDS = ['事假', '病假', '年休假', '婚假', '产假', '陪产假', '丧假', '探亲假', '工伤假']
export const TRANSPORTS = ['火车', '飞机', '长途汽车', '公务用车', '自驾', '其他']

// The fields of the three forms (what the pages bind); the server keeps the rest it computes.
export interface FormModel {
  kind?: string
  start_date?: string
  end_date?: string
  days?: number
  reason?: string
  destination?: string
  purpose?: string
  estimated_cost?: number
  transport?: string
  companions?: string
  start_at?: string
  end_at?: string
  [field: string]: unknown
}

export const FORM_KEYS = ['leave', 'trip', 'outing'] as const
export type FormKey = (typeof FORM_KEYS)[number]

export const FORM_NAMES: Record<string, string> = { leave: '请假', trip: '出差', outing: '外出报备' }

export const FORM_HINTS: Record<string, string> = {
  leave: '请假3天以内由部门负责人、分管领导审批；超过3天还须检察长审批。',
  trip: '出差由部门负责人、分管领导审批；预计费用超过1万元还须检察长审批。',
  outing: '工作时间离开本县须事先报备，由部门负责人审批。',
}

const LABELS: Record<string, Record<string, string>> = {
  leave: { kind: '请假类别', start_date: '开始日期', end_date: '结束日期', days: '请假天数', reason: '请假事由' },
  trip: {
    destination: '出差地点',
    start_date: '开始日期',
    end_date: '结束日期',
    days: '出差天数',
    purpose: '出差事由',
    estimated_cost: '预计费用（元）',
    transport: '交通方式',
    companions: '同行人员',
  },
  outing: {
    destination: '外出地点',
    start_at: '外出时间',
    end_at: '返回时间',
    reason: '外出事由',
    work_hours: '占用工作时间（小时）',
  },
}

// Approvals that modules start for their own objects (发文 签发, 督办 延期/报备): their form fields
// are labelled here too, so the instance page never shows raw keys.
const MODULE_LABELS: Record<string, Record<string, string>> = {
  outgoing: {
    direction: '行文方向',
    department_id: '主办科室',
    countersign_count: '会签部门数',
    countersign_departments: '会签部门',
  },
  task_extension: {
    number: '督办编号',
    title: '督办事项',
    reason: '延期理由',
    old_deadline: '原办理时限',
    new_deadline: '申请延至',
    days: '延长天数',
    extensions: '已延期次数',
    task_id: '事项序号',
  },
  task_filing: {
    title: '报备事项',
    lead_department: '牵头部门',
    assigned_date: '交办日期',
    deadline: '办理时限',
    type: '类型',
    content: '事项内容',
    task_id: '事项序号',
  },
}
Object.assign(LABELS, MODULE_LABELS)

// Where a module's object lives in the UI (the instance page links to it).
export const MODULE_OBJECT_PATHS: Record<string, string> = {
  outgoing: '/outgoing',
  incoming: '/incoming',
  task: '/tasks',
}

export function fieldLabel(key: string, field: string): string {
  return LABELS[key]?.[field] ?? field
}

export function formFields(key: string): string[] {
  return Object.keys(LABELS[key] ?? {})
}

// Fields the user fills in (computed ones are added by the server).
const INPUTS: Record<string, string[]> = {
  leave: ['kind', 'start_date', 'end_date', 'days', 'reason'],
  trip: ['destination', 'start_date', 'end_date', 'purpose', 'estimated_cost', 'transport', 'companions'],
  outing: ['destination', 'start_at', 'end_at', 'reason'],
}

export function emptyForm(key: string): Record<string, unknown> {
  const f: Record<string, unknown> = {}
  for (const k of INPUTS[key] ?? []) f[k] = k === 'days' || k === 'estimated_cost' ? undefined : ''
  return f
}

// The body to send: only input fields, blanks of optional fields left out.
export function formBody(key: string, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of INPUTS[key] ?? []) {
    const v = form[k]
    if (v === undefined || v === null) continue
    if ((k === 'transport' || k === 'companions') && v === '') continue
    out[k] = v
  }
  return out
}

// Natural days between two YYYY-MM-DD dates, inclusive (a starting value for 请假天数).
export function spanDays(start: unknown, end: unknown): number | undefined {
  if (typeof start !== 'string' || typeof end !== 'string' || !start || !end) return undefined
  const d = (Date.parse(end + 'T00:00:00Z') - Date.parse(start + 'T00:00:00Z')) / 86400000 + 1
  return Number.isFinite(d) && d > 0 ? d : undefined
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(v)
    return m ? `${m[1]} ${m[2]}` : v
  }
  return String(v)
}
