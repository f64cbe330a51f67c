// The page of 文号管理, registered in the shared PAGES table (src/pages.ts) under the 'documents'
// menu group, for the office only (the roles of the server's create/reserve/void routes).
import { Postcard } from '@element-plus/icons-vue'
import type { PageRow } from '../../pages'
import { NUMBERING_ROLES } from './api'

export const NUMBERING_PAGES: PageRow[] = [
  {
    path: '/numbering',
    name: 'numbering',
    title: '文号管理',
    icon: Postcard,
    roles: NUMBERING_ROLES,
    group: 'documents',
    order: 29.5,
    component: () => import('./NumberingView.vue'),
  },
]
