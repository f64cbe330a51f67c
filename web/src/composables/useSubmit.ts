// The state of a page form sent to the server: `saving` while it goes, and a refusal as text with
// the field the server named, so that `fieldError(f)` shows it under that field and the page shows
// the others (errorField empty) as one alert.
import { ref } from 'vue'
import { ApiError } from '../api/http'

export function useSubmit(fallback = '保存失败') {
  const saving = ref(false)
  const error = ref('')
  const errorField = ref('')
  const fieldError = (f: string) => (errorField.value === f ? error.value : '')

  async function submit(work: () => Promise<void>): Promise<void> {
    saving.value = true
    error.value = ''
    errorField.value = ''
    try {
      await work()
    } catch (e) {
      error.value = e instanceof Error ? e.message : fallback
      errorField.value = e instanceof ApiError ? (e.field ?? '') : ''
    } finally {
      saving.value = false
    }
  }

  return { saving, error, errorField, fieldError, submit }
}
