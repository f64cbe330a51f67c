// Calls of the 组织机构 page (sysadmin). The server checks roles, uniqueness and versions; a stale
// version gets 409 and the page reloads.
import { api } from './http'
import type { Department, ListPage, Role, User } from './types'

// Departments of one 院 are few; one page of the maximum size holds them all.
export const DEPARTMENTS_LIMIT = 200

export const orgApi = {
  departments: () => api.get<ListPage<Department>>('/departments', { limit: DEPARTMENTS_LIMIT }),
  createDepartment: (b: { code: string; name: string; parent_id: number | null }) =>
    api.post<Department>('/departments', b),
  updateDepartment: (
    id: number,
    b: { name?: string; parent_id?: number | null; active?: boolean; version: number },
  ) => api.patch<Department>(`/departments/${id}`, b),
  roles: () => api.get<{ items: Role[] }>('/roles'),
  users: (q: { limit: number; offset: number; q?: string; department_id?: number | null }) =>
    api.get<ListPage<User>>('/users', q),
  createUser: (b: {
    username: string
    name: string
    department_code: string
    roles: string[]
    password: string
  }) => api.post<User>('/users', b),
  updateUser: (
    id: number,
    b: {
      name?: string
      department_code?: string
      roles?: string[]
      active?: boolean
      password?: string
      version: number
    },
  ) => api.patch<User>(`/users/${id}`, b),
}
