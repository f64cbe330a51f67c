// Shapes of the public JSON API (architecture.md §4, issue 2). Only what the UI reads is typed.

export interface DepartmentRef {
  id: number
  code: string
  name: string
}

export interface User {
  id: number
  username: string
  name: string
  department: DepartmentRef | null
  roles: string[]
  must_change_password: boolean
  active: boolean
  version: number
}

export interface SessionInfo {
  user: User
  csrf_token: string
}

export interface Role {
  code: string
  name: string
}

export interface Department {
  id: number
  code: string
  name: string
  parent_id: number | null
  active: boolean
  version: number
}

export interface ListPage<T> {
  items: T[]
  total: number
}

export interface AuditEntry {
  id: number
  ts: string
  actor: string | null
  actor_name: string | null
  ip: string | null
  action: string
  object_type: string | null
  object_id: string | number | null
  result: string
  detail: string | Record<string, unknown> | null
}

export interface Todo {
  kind: string
  id: number | string
  /** the business object the todo is about (the link target); id is the todo row itself */
  object_id?: number | string
  /** set for approval-engine work items: they open the instance page */
  instance_id?: number | string | null
  title: string
  step: string | null
  since: string | null
  due: string | null
}

export interface TodoList extends ListPage<Todo> {
  counts: Record<string, number>
}

export interface Notice {
  id: number | string
  kind: string
  title: string
  body: string | null
  created_at: string
  read: boolean
}

export interface NoticeList extends ListPage<Notice> {
  unread: number
}
