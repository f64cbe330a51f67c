// The pages of 督察督办, registered in the shared PAGES table (src/pages.ts) under the
// 'supervision' menu group. Roles mirror the server's route roles; the server decides anyway.
import { DataAnalysis, Finished, Grid, List, Plus, View } from '@element-plus/icons-vue'
import type { PageRow } from '../../pages'

const BUSINESS = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff']
const CREATORS = ['chief', 'leader', 'office_director', 'clerk', 'dept_head']
const OVERVIEW = ['chief', 'leader', 'office_director', 'clerk', 'dept_head']

export const TASK_PAGES: PageRow[] = [
  {
    path: '/tasks/dashboard',
    name: 'tasks-dashboard',
    title: '领导驾驶舱',
    icon: DataAnalysis,
    roles: OVERVIEW,
    group: 'supervision',
    order: 41,
    component: () => import('./TaskDashboardView.vue'),
  },
  {
    path: '/tasks/mine',
    name: 'tasks-mine',
    title: '我的督办',
    icon: Finished,
    roles: BUSINESS,
    group: 'supervision',
    order: 42,
    component: () => import('./TaskListView.vue'),
  },
  {
    path: '/tasks/supervising',
    name: 'tasks-supervising',
    title: '我督办的',
    icon: View,
    roles: BUSINESS,
    group: 'supervision',
    order: 43,
    component: () => import('./TaskListView.vue'),
  },
  {
    path: '/tasks/board',
    name: 'tasks-board',
    title: '部门看板',
    icon: Grid,
    roles: BUSINESS,
    group: 'supervision',
    order: 44,
    component: () => import('./TaskBoardView.vue'),
  },
  {
    path: '/tasks/all',
    name: 'tasks',
    title: '督办事项',
    icon: List,
    roles: BUSINESS,
    group: 'supervision',
    order: 45,
    component: () => import('./TaskListView.vue'),
  },
  {
    path: '/tasks/new',
    name: 'tasks-new',
    title: '督办立项',
    icon: Plus,
    roles: CREATORS,
    group: 'supervision',
    order: 46,
    component: () => import('./TaskCreateView.vue'),
  },
  {
    path: '/tasks/:id(\\d+)',
    name: 'task',
    title: '督办事项',
    icon: List,
    roles: BUSINESS,
    order: 47,
    menu: false,
    component: () => import('./TaskDetailView.vue'),
  },
]
