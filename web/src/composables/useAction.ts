// Runs what a person asked for (save, accept, delete): `busy` meanwhile (and `running`, the key of
// the row it is for), then a failure in words — in a toast, or in `failure` for a form's inline
// role="alert". The screen keeps its own steps; this keeps the try/catch/finally in one place.
import { ref, type Ref } from 'vue'
import { errorMessage, showFailure } from '@/api/errors'

export interface ActionOptions {
  /** Put the failure's words in `failure` (for an inline alert) instead of a toast. */
  inline?: boolean
  /** The words for a failure: errorMessage by default. */
  explain?: (err: unknown) => string
  /** Called with a failure before it is shown (to mark a field, ask again…). */
  onError?: (err: unknown) => void
}

export function useAction<K = string>(opts: ActionOptions = {}) {
  const busy = ref(false)
  const running = ref(null) as Ref<K | null>
  const failure = ref('')
  const explain = opts.explain ?? errorMessage

  /** Runs `fn` (for the row `key`, if any); its result, or undefined when it failed. */
  async function run<T>(fn: () => Promise<T>, key?: K): Promise<T | undefined> {
    busy.value = true
    running.value = key ?? null
    failure.value = ''
    try {
      return await fn()
    } catch (err) {
      opts.onError?.(err)
      if (opts.inline) failure.value = explain(err)
      else showFailure(explain(err))
      return undefined
    } finally {
      busy.value = false
      running.value = null
    }
  }

  return { busy, running, failure, run }
}
