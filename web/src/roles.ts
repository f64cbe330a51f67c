// Role codes of architecture.md §6 with their Chinese names. GET /api/v1/roles is the authority
// for what may be assigned (the 组织机构 page asks it); this table only names codes for display.
export const ROLE_NAMES: Record<string, string> = {
  chief: '检察长',
  leader: '分管院领导',
  office_director: '办公室主任',
  clerk: '办公室文秘',
  archivist: '档案员',
  finance: '财务',
  dept_head: '部门负责人',
  staff: '干警',
  sysadmin: '系统管理员',
  secadmin: '安全保密管理员',
  auditor: '安全审计员',
}

export function roleName(code: string): string {
  return ROLE_NAMES[code] ?? code
}
