// Names of the kinds of pending items (todos) and notices that later modules report through
// GET /todos and GET /notices. A module adds its kind here; an unknown kind shows its code.
export const TODO_KIND_NAMES: Record<string, string> = {
  doc_in: '收文',
  doc_out: '发文',
  incoming: '收文',
  outgoing: '发文',
  circulation: '传阅',
  approval: '审批',
  task: '督办',
  liaison: '代表委员建议',
  info: '检察信息',
  archive_loan: '档案借阅',
  inspection: '检务督察',
}

// Where a todo of a kind links to: `${prefix}/${object_id}`. Kinds not listed use `/${kind}`.
export const TODO_KIND_PATHS: Record<string, string> = {
  task: '/tasks',
}

export const NOTICE_KIND_NAMES: Record<string, string> = {
  system: '系统',
  remind: '催办提醒',
  notice: '通知',
  circular: '通报',
  assigned: '交办',
  reminded: '催办',
  returned: '退回',
  reported: '办理反馈',
  signed: '签发',
  finished: '办结',
  overdue: '逾期',
  escalated: '升级督办',
  approved: '已批准',
  refused: '未批准',
  review: '待审核',
  approval: '审批',
  cancelled: '已撤销',
}

export const kindName = (code: string) => TODO_KIND_NAMES[code] ?? code
export const noticeKindName = (code: string) => NOTICE_KIND_NAMES[code] ?? code

// "2026-03-05T14:03:22+08:00" → "2026-03-05 14:03". Dates pass through unchanged.
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?/.exec(iso)
  if (!m) return iso
  return m[2] ? `${m[1]} ${m[2]}` : m[1]
}

export function fullTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(iso)
  return m ? `${m[1]} ${m[2]}` : iso
}
