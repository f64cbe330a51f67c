// The definition editor's model: a step as form fields (rule kind + its parameters, spans as
// amount + unit, a simple condition or a compound one as JSON) and back to the definition JSON the
// server validates (src/workflow/definition.h).
import type { Condition, Rule, Span, StepDef } from './api'

export interface RuleModel {
  rule: Rule['rule']
  role: string
  users: number[]
  from: Exclude<Rule['rule'], 'chosen'>
  fromRole: string
  fromUsers: number[]
}

export interface SpanModel {
  amount: number | undefined
  unit: 'days' | 'hours'
}

export interface StepModel {
  id: string
  name: string
  kind: StepDef['kind']
  percent: number
  assignee: RuleModel
  condOn: boolean
  condCompound: boolean
  condField: string
  condOp: string
  condValue: string
  condJson: string
  limit: SpanModel
  remind: SpanModel
  escOn: boolean
  escTo: RuleModel
  escAfter: SpanModel
  escMode: 'notify' | 'reassign'
}

export const STEP_KINDS = [
  { value: 'single', label: '单人审批' },
  { value: 'countersign', label: '会签（全部同意）' },
  { value: 'or_sign', label: '或签（一人同意）' },
  { value: 'percentage', label: '按比例表决' },
]

export const RULES = [
  { value: 'dept_head', label: '申请人部门负责人' },
  { value: 'leader_in_charge', label: '申请人部门分管院领导' },
  { value: 'office_director', label: '办公室主任' },
  { value: 'chief', label: '检察长' },
  { value: 'role', label: '按角色' },
  { value: 'users', label: '指定人员' },
  { value: 'chosen', label: '由上一环节在范围内选定' },
]

export const ROLE_CHOICES = ['院领导', '检察长', '分管院领导', '办公室主任', '办公室文秘', '档案员', '财务', '部门负责人', '干警']
export const OPS = ['>', '>=', '<', '<=', '==', '!=']

function ruleModel(r: Rule | undefined): RuleModel {
  const m: RuleModel = { rule: r?.rule ?? 'dept_head', role: '', users: [], from: 'role', fromRole: '院领导', fromUsers: [] }
  if (!r) return m
  m.role = r.role ?? ''
  m.users = r.users ?? []
  if (r.rule === 'chosen' && r.from) {
    m.from = r.from.rule as RuleModel['from']
    m.fromRole = r.from.role ?? ''
    m.fromUsers = r.from.users ?? []
  }
  return m
}

function rule(m: RuleModel): Rule {
  if (m.rule === 'role') return { rule: 'role', role: m.role }
  if (m.rule === 'users') return { rule: 'users', users: m.users }
  if (m.rule === 'chosen') {
    const from: Rule = { rule: m.from }
    if (m.from === 'role') from.role = m.fromRole
    if (m.from === 'users') from.users = m.fromUsers
    return { rule: 'chosen', from }
  }
  return { rule: m.rule }
}

function spanModel(s: Span | undefined, unit: 'days' | 'hours' = 'days'): SpanModel {
  if (!s) return { amount: undefined, unit }
  return 'days' in s ? { amount: s.days, unit: 'days' } : { amount: s.hours, unit: 'hours' }
}

function span(m: SpanModel): Span | undefined {
  if (m.amount === undefined || m.amount === null) return undefined
  return m.unit === 'days' ? { days: m.amount } : { hours: m.amount }
}

export function toModel(s: StepDef): StepModel {
  const c = s.condition
  const simple = !!c && typeof c.field === 'string'
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    percent: s.percent ?? 60,
    assignee: ruleModel(s.assignee),
    condOn: !!c,
    condCompound: !!c && !simple,
    condField: simple ? c!.field! : '',
    condOp: simple ? c!.op ?? '>' : '>',
    condValue: simple ? String(c!.value ?? '') : '',
    condJson: c && !simple ? JSON.stringify(c, null, 2) : '',
    limit: spanModel(s.time_limit),
    remind: spanModel(s.remind_before, 'hours'),
    escOn: !!s.escalate,
    escTo: ruleModel(s.escalate?.to ?? { rule: 'office_director' }),
    escAfter: spanModel(s.escalate?.after, 'hours'),
    escMode: s.escalate?.mode ?? 'notify',
  }
}

export function newStep(n: number): StepModel {
  return toModel({ id: `step${n}`, name: '', kind: 'single', assignee: { rule: 'dept_head' } })
}

// Numbers stay numbers in conditions (days > 3 compares numerically on the server).
// The text box holds every kind of value; conditions compare typed JSON, so "true"/"false" become
// booleans and numerals numbers (a string "true" would never equal a boolean form field).
function condValue(v: string): unknown {
  const t = v.trim()
  if (t === 'true' || t === 'false') return t === 'true'
  return t !== '' && !Number.isNaN(Number(t)) ? Number(t) : t
}

export function fromModel(m: StepModel): StepDef {
  const s: StepDef = { id: m.id.trim(), name: m.name.trim(), kind: m.kind, assignee: rule(m.assignee) }
  if (m.kind === 'percentage') s.percent = m.percent
  if (m.condOn) {
    if (m.condCompound) s.condition = JSON.parse(m.condJson) as Condition
    else s.condition = { field: m.condField.trim(), op: m.condOp, value: condValue(m.condValue) }
  }
  const limit = span(m.limit)
  if (limit) {
    s.time_limit = limit
    const remind = span(m.remind)
    if (remind) s.remind_before = remind
    if (m.escOn) {
      s.escalate = { to: rule(m.escTo), mode: m.escMode }
      const after = span(m.escAfter)
      if (after) s.escalate.after = after
    }
  }
  return s
}

// "steps[2].percent" -> "第3步（占比）" for messages about a field path.
export function stepOfField(field: string | null): number | null {
  const m = /^steps\[(\d+)\]/.exec(field ?? '')
  return m ? Number(m[1]) : null
}
