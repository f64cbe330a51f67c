// A page whose filters live in the address (so that a filtered list can be bookmarked or linked):
// `read` copies the address's query into the page's form and `load` fetches what it names. Both run
// when the page mounts, with `alongside` (code lists and the like) loaded at the same time, and
// again whenever the query changes while the route named `name` is the one shown (a page kept
// alive under another route does not reload).
import { onMounted, watch } from 'vue'
import { useRoute, type LocationQuery } from 'vue-router'

// The query parameter `k` when it is one string, else ''.
export function queryText(q: LocationQuery, k: string): string {
  const v = q[k]
  return typeof v === 'string' ? v : ''
}

export function useQueryPage(
  name: string | null,
  read: () => void,
  load: () => Promise<unknown>,
  alongside: () => Promise<unknown>[] = () => [],
) {
  const route = useRoute()
  watch(
    () => [route.name, route.query],
    () => {
      if (name !== null && route.name !== name) return
      read()
      void load()
    },
  )
  onMounted(async () => {
    read()
    await Promise.all([load(), ...alongside()])
  })
}
