// The page of 全文检索, registered in the shared PAGES table (src/pages.ts) under the 'search'
// menu group. Business roles only, as the server's route: the three administrators see no content.
import { Search } from '@element-plus/icons-vue'
import type { PageRow } from '../../pages'

export const SEARCH_ROLES = ['chief', 'leader', 'office_director', 'clerk', 'archivist', 'finance', 'dept_head', 'staff']

export const SEARCH_PAGES: PageRow[] = [
  {
    path: '/search',
    name: 'search',
    title: '全文检索',
    icon: Search,
    roles: SEARCH_ROLES,
    group: 'search',
    order: 51,
    component: () => import('./SearchView.vue'),
  },
]
