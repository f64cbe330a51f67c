// The pages of the 法规资料库, registered in the shared PAGES table (src/pages.ts) under the 'search'
// menu group. Search results of kind library link to /library/<id>.
import { Collection, Document } from '@element-plus/icons-vue'
import type { PageRow } from '../../pages'
import { LIBRARY_ROLES } from './api'

export const LIBRARY_PAGES: PageRow[] = [
  {
    path: '/library',
    name: 'library',
    title: '法规资料库',
    icon: Collection,
    roles: LIBRARY_ROLES,
    group: 'search',
    order: 52,
    component: () => import('./LibraryListView.vue'),
  },
  {
    path: '/library/:id(\\d+)',
    name: 'library-item',
    title: '法规资料',
    icon: Document,
    roles: LIBRARY_ROLES,
    order: 53,
    menu: false,
    component: () => import('./LibraryDetailView.vue'),
  },
]
