// The pages of the approval engine (审批), registered in the shared PAGES table (src/pages.ts)
// under the 'approvals' menu group; 工作日历 is an administrative setting at the top level.
// Roles mirror the server's route roles; the server decides anyway.
import { Calendar, Checked, DocumentAdd, Files, Operation, Tickets } from '@element-plus/icons-vue'
import type { PageRow } from '../../pages'

const BUSINESS = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff']

export const WORKFLOW_PAGES: PageRow[] = [
  {
    path: '/workflow/start',
    name: 'workflow-start',
    title: '发起申请',
    icon: DocumentAdd,
    roles: BUSINESS,
    group: 'approvals',
    order: 31,
    component: () => import('./StartView.vue'),
  },
  {
    path: '/workflow/todos',
    name: 'workflow-todos',
    title: '待办已办',
    icon: Checked,
    roles: BUSINESS,
    group: 'approvals',
    order: 32,
    component: () => import('./TodoView.vue'),
  },
  {
    path: '/workflow/mine',
    name: 'workflow-mine',
    title: '我的申请',
    icon: Files,
    roles: BUSINESS,
    group: 'approvals',
    order: 33,
    component: () => import('./MineView.vue'),
  },
  {
    path: '/workflow/definitions',
    name: 'workflow-definitions',
    title: '流程配置',
    icon: Operation,
    roles: ['office_director'],
    group: 'approvals',
    order: 34,
    component: () => import('./DefinitionsView.vue'),
  },
  {
    path: '/workflow/instances/:id(\\d+)',
    name: 'workflow-instance',
    title: '审批详情',
    icon: Tickets,
    roles: BUSINESS,
    order: 35,
    menu: false,
    component: () => import('./InstanceView.vue'),
  },
  {
    path: '/calendar',
    name: 'calendar',
    title: '工作日历',
    icon: Calendar,
    roles: ['office_director', 'sysadmin'],
    order: 82,
    component: () => import('./CalendarView.vue'),
  },
]
