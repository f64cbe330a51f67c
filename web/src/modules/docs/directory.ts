// People and departments for the pickers of 公文处理 (承办部门, 批办领导, 传阅对象, 会签部门), loaded
// once per page view. The three administrators are never offered: they read no document content.
import { computed, ref } from 'vue'
import { docsApi, type Department, type Person } from './api'

const ADMIN_ROLES = new Set(['sysadmin', 'secadmin', 'auditor'])

export function useDirectory() {
  const people = ref<Person[]>([])
  const departments = ref<Department[]>([])
  const loaded = ref(false)

  async function load() {
    if (loaded.value) return
    const [p, d] = await Promise.all([docsApi.people(), docsApi.departments()])
    people.value = p.items.filter((u) => u.active && !u.roles.every((r) => ADMIN_ROLES.has(r)))
    departments.value = d.items.filter((x) => x.active)
    loaded.value = true
  }

  const leaders = computed(() => people.value.filter((u) => u.roles.includes('chief') || u.roles.includes('leader')))
  const chiefs = computed(() => people.value.filter((u) => u.roles.includes('chief')))
  const personLabel = (u: Person) => `${u.name}（${u.department?.name ?? ''}）`

  return { people, departments, leaders, chiefs, load, personLabel }
}
