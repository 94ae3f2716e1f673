// A list read page by page (GET … ?cursor=): the rows so far, the next cursor, and loading and
// error for <LoadState>. load() starts again from the top; load(true) adds the next page.
import { ref, shallowRef } from 'vue'

export interface Page<T> {
  items: T[]
  next: string | null
}

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([])
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)

  async function load(more = false) {
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(more ? cursor.value ?? undefined : undefined)
      items.value = more ? [...items.value, ...page.items] : page.items
      cursor.value = page.next
    } catch (err) {
      error.value = err
    } finally {
      loading.value = false
    }
  }

  return { items, cursor, loading, error, load }
}
