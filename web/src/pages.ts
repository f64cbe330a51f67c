// The pages of the main layout as data: one row is one route and (unless menu: false) one entry of
// the side menu. A later module adds its pages here — a row with its path, title, icon, roles and
// component — and, if it opens a new menu group, uses one of MENU_GROUPS (a group shows only when
// the user can see at least one of its rows, so groups with no rows yet stay hidden).
//
// `roles`: the user needs any one of them; an empty list means every signed-in user. The server
// enforces the same rule on every API call; the UI only hides what would be refused and shows a
// 403 page to a user who opens such a page by its address.
import type { Component } from 'vue'
import {
  Bell,
  Document,
  House,
  OfficeBuilding,
  Search,
  Stamp,
  Tickets,
  User as UserIcon,
} from '@element-plus/icons-vue'
import { TASK_PAGES } from './modules/tasks/pages'
import { WORKFLOW_PAGES } from './modules/workflow/pages'
import { DOC_PAGES } from './modules/docs/pages'
import { SEARCH_PAGES } from './modules/search/pages'
import { NUMBERING_PAGES } from './modules/numbering/pages'
import { LIBRARY_PAGES } from './modules/library/pages'

export interface MenuGroup {
  key: string
  title: string
  icon: Component
  order: number
}

export interface PageRow {
  path: string
  name: string
  title: string
  icon: Component
  roles: readonly string[]
  component: () => Promise<Component | { default: Component }>
  group?: string
  order: number
  menu?: boolean
}

export const MENU_GROUPS: readonly MenuGroup[] = [
  { key: 'documents', title: '公文处理', icon: Document, order: 20 },
  { key: 'approvals', title: '审批', icon: Stamp, order: 30 },
  { key: 'supervision', title: '督察督办', icon: Bell, order: 40 },
  { key: 'search', title: '检索', icon: Search, order: 50 },
]

export const PAGES: readonly PageRow[] = [
  {
    path: '/',
    name: 'workbench',
    title: '工作台',
    icon: House,
    roles: [],
    order: 10,
    component: () => import('./views/WorkbenchView.vue'),
  },
  {
    path: '/org',
    name: 'org',
    title: '组织机构',
    icon: OfficeBuilding,
    roles: ['sysadmin'],
    order: 80,
    component: () => import('./views/OrgView.vue'),
  },
  {
    path: '/audit',
    name: 'audit',
    title: '审计日志',
    icon: Tickets,
    roles: ['auditor'],
    order: 85,
    component: () => import('./views/AuditView.vue'),
  },
  {
    path: '/settings',
    name: 'settings',
    title: '个人设置',
    icon: UserIcon,
    roles: [],
    order: 90,
    component: () => import('./views/SettingsView.vue'),
  },
  ...TASK_PAGES,
  ...SEARCH_PAGES,
  ...WORKFLOW_PAGES,
  ...DOC_PAGES,
  ...NUMBERING_PAGES,
  ...LIBRARY_PAGES,
]

export interface MenuLink {
  kind: 'link'
  path: string
  name: string
  title: string
  icon: Component
}

export interface MenuSection {
  kind: 'group'
  key: string
  title: string
  icon: Component
  links: MenuLink[]
}

export type MenuEntry = MenuLink | MenuSection

// The side menu for a user: rows they may open, grouped, in `order`.
export function buildMenu(allowed: (roles: readonly string[]) => boolean): MenuEntry[] {
  const top: { order: number; entry: MenuEntry }[] = []
  const groups = new Map<string, { order: number; entry: MenuSection }>()
  for (const g of MENU_GROUPS) {
    groups.set(g.key, {
      order: g.order,
      entry: { kind: 'group', key: g.key, title: g.title, icon: g.icon, links: [] },
    })
  }
  const rows = PAGES.filter((p) => p.menu !== false && allowed(p.roles)).sort(
    (a, b) => a.order - b.order,
  )
  for (const p of rows) {
    const link: MenuLink = { kind: 'link', path: p.path, name: p.name, title: p.title, icon: p.icon }
    const g = p.group ? groups.get(p.group) : undefined
    if (g) g.entry.links.push(link)
    else top.push({ order: p.order, entry: link })
  }
  for (const g of groups.values()) if (g.entry.links.length > 0) top.push(g)
  return top.sort((a, b) => a.order - b.order).map((t) => t.entry)
}

