// 密级 of a document being entered: 秘密 and above are `marked` (they carry a 保密期限 of at most
// the level's max_years) and are register entries only — no 正文, no 附件 — unless the
// 安全保密管理员 declared this a classified network (`lifted`, as `settings` says once the page is
// mounted; until it answers, or if it fails, the rule holds).
import { computed, onMounted, ref } from 'vue'

export const CLASSIFIED_LEVELS = ['secret', 'confidential', 'top_secret']

export function useSecrecy(
  secrecy: () => string,
  levels: () => readonly { code: string; max_years: number }[] | undefined,
  settings: () => Promise<{ classified_network: boolean }>,
) {
  const lifted = ref(false)
  onMounted(() => {
    settings()
      .then((x) => (lifted.value = x.classified_network))
      .catch(() => undefined)
  })
  const marked = computed(() => CLASSIFIED_LEVELS.includes(secrecy()))
  const classified = computed(() => !lifted.value && marked.value)
  const maxYears = computed(() => levels()?.find((s) => s.code === secrecy())?.max_years ?? 0)
  return { marked, classified, maxYears }
}
