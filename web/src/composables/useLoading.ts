// The loading flag and error text of one page's request. `run` clears the error, shows the loading
// state while `work` runs and, when it throws, keeps the server's message (or `fallback`) in
// `error` and calls `onError` (e.g. to drop what the page showed).
import { ref } from 'vue'

export function useLoading(fallback = '加载失败') {
  const loading = ref(false)
  const error = ref('')

  async function run(work: () => Promise<void>, onError?: () => void): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      await work()
    } catch (e) {
      error.value = e instanceof Error ? e.message : fallback
      onError?.()
    } finally {
      loading.value = false
    }
  }

  return { loading, error, run }
}
