// Shows a server refusal inside a form: on the field the server named when the form has it,
// otherwise as the form's alert.
import { reactive } from 'vue'
import { ApiError } from '../api/http'

export function useServerErrors<F extends string>(fields: readonly F[]) {
  const field = reactive<Record<string, string>>(Object.fromEntries(fields.map((f) => [f, ''])))
  const state = reactive({ alert: '' })
  function clear() {
    state.alert = ''
    for (const f of fields) field[f] = ''
  }
  function show(e: unknown) {
    clear()
    const msg = e instanceof Error ? e.message : '操作失败，请稍后再试'
    if (e instanceof ApiError && e.field && (fields as readonly string[]).includes(e.field))
      field[e.field] = msg
    else state.alert = msg
  }
  return { field, state, clear, show }
}

// Client-side mirror of the password policy (the server decides): ≥8 characters, 3 of 4 classes.
export function passwordProblem(pw: string, username = ''): string {
  if (!pw) return '请输入密码'
  if ([...pw].length < 8) return '密码至少 8 个字符'
  let n = 0
  if (/[a-z]/.test(pw)) n++
  if (/[A-Z]/.test(pw)) n++
  if (/[0-9]/.test(pw)) n++
  if (/[^A-Za-z0-9]/.test(pw)) n++
  if (n < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类'
  if (username && pw.toLowerCase() === username.toLowerCase()) return '密码不能与用户名相同'
  return ''
}
