// Loads something for a screen and keeps what the screen shows meanwhile: loading, the data,
// or the error (shown by <LoadState>, with a retry).
import { ref, shallowRef } from 'vue'

export function useLoad<T>(fn: () => Promise<T>, immediate = true) {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)

  async function reload() {
    loading.value = true
    error.value = null
    try {
      data.value = await fn()
    } catch (err) {
      error.value = err
    } finally {
      loading.value = false
    }
    return data.value
  }

  if (immediate) void reload()
  return { data, loading, error, reload }
}
