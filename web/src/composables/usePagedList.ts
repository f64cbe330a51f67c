// A list paged on the server, as one reactive object for a page and its PagedTable: the page shown
// (`page.items`, `page.total`), `paging` (page number and size), the loading and error state, and
// `load(p)`, which asks `fetchPage` for page p (limit and offset from the page size). The rows shown
// stay until the new page arrives; a refusal leaves them and shows the server's message (or
// `fallback`).
import { reactive, ref, type Ref } from 'vue'
import type { ListPage } from '../api/types'
import { useLoading } from './useLoading'

export const PAGE_SIZE = 20

export function usePagedList<T>(
  fetchPage: (limit: number, offset: number) => Promise<ListPage<T>>,
  size = PAGE_SIZE,
  fallback = '加载失败',
) {
  const page = ref({ items: [], total: 0 }) as Ref<ListPage<T>>
  const paging = reactive({ page: 1, size })
  const { loading, error, run } = useLoading(fallback)

  async function load(p = paging.page): Promise<void> {
    paging.page = p
    await run(async () => {
      page.value = await fetchPage(paging.size, (p - 1) * paging.size)
    })
  }

  return reactive({ page, paging, loading, error, load })
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>
