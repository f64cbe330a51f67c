// The saving half of a dialog that sends one request, as one reactive object for the page and its
// FormDialog: `busy` while it runs, the server's refusal on the field it names (`errs.field`, one
// of `fields`) or else as the dialog's alert (`errs.state.alert`, see FormErrors.ts), and the
// dialog closed on success. Opening the dialog clears the last refusal and calls `reset`.
import { reactive, ref, watch, type Ref } from 'vue'
import { ApiError } from '../api/http'
import { useServerErrors } from '../components/FormErrors'

export function useDialogSave<F extends string>(open: Ref<boolean>, fields: readonly F[], reset?: () => void) {
  const busy = ref(false)
  const errs = useServerErrors(fields)

  watch(open, (v) => {
    if (!v) return
    errs.clear()
    reset?.()
  })

  // Runs `work`; on success closes the dialog and hands the answer to `done`, on failure shows
  // the refusal and lets `failed` react to it (e.g. reload after a version conflict).
  async function save<T>(
    work: () => Promise<T>,
    done: (v: T) => void | Promise<void>,
    failed?: (e: unknown) => void | Promise<void>,
  ): Promise<void> {
    if (busy.value) return
    busy.value = true
    errs.clear()
    try {
      const v = await work()
      open.value = false
      await done(v)
    } catch (e) {
      errs.show(e)
      await failed?.(e)
    } finally {
      busy.value = false
    }
  }

  return reactive({ busy, errs, save })
}

export type DialogSave = ReturnType<typeof useDialogSave>

// The dialog of a step on a record that carries a version: `open`, its `saving`, and `send`, which
// saves like useDialogSave and, when the server answers 409 (someone acted first), reloads the
// record so that the page shows its current state and steps.
export function useStepDialog(reload: () => Promise<void>) {
  const open = ref(false)
  const saving = useDialogSave(open, [])
  function send<T>(work: () => Promise<T>, done: (v: T) => void | Promise<void>): Promise<void> {
    return saving.save(work, done, async (e) => {
      if (e instanceof ApiError && e.status === 409) await reload()
    })
  }
  return { open, saving, send }
}
