// A page of one record addressed by the route's :id: the record (null until loaded, or after a
// refusal), its loading and error state, and `load`, run when the page mounts and again when the
// address names another record.
import { computed, onMounted, ref, watch, type Ref } from 'vue'
import { useRoute } from 'vue-router'
import { useLoading } from './useLoading'

export function useDetail<T>(fetchOne: (id: number) => Promise<T>) {
  const route = useRoute()
  const id = computed(() => Number(route.params.id))
  const item = ref(null) as Ref<T | null>
  const { loading, error, run } = useLoading()

  async function load(): Promise<void> {
    await run(
      async () => {
        item.value = await fetchOne(id.value)
      },
      () => (item.value = null),
    )
  }

  watch(id, load)
  onMounted(load)
  return { id, item, loading, error, load }
}
