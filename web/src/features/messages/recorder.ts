// Hold to talk: the microphone is asked for only when the record button is pressed, and let go
// (every track stopped) as soon as it is released. The recording comes back as a Blob with its
// length; too short ones are dropped.
import { onBeforeUnmount, ref } from 'vue'

export const MIN_VOICE_MS = 1000
export const MAX_VOICE_MS = 60_000

/** Types the server accepts for voice (Ogg Opus, m4a, AAC, MP3), in order of preference; WebM
 *  (Chrome's only choice) is tried last and may be refused. */
const TYPES = ['audio/ogg;codecs=opus', 'audio/mp4', 'audio/aac', 'audio/mpeg', 'audio/webm;codecs=opus', 'audio/webm']

export function pickVoiceType(): string | undefined {
  const MR = (globalThis as { MediaRecorder?: typeof MediaRecorder }).MediaRecorder
  if (!MR || typeof MR.isTypeSupported !== 'function') return undefined
  return TYPES.find((t) => MR.isTypeSupported(t))
}

export type RecordError = 'unsupported' | 'denied' | 'short' | 'failed'

export function useRecorder(onDone: (blob: Blob, durationMs: number) => void, onError: (e: RecordError) => void) {
  const recording = ref(false)
  const elapsed = ref(0)
  let stream: MediaStream | null = null
  let recorder: MediaRecorder | null = null
  let chunks: Blob[] = []
  let started = 0
  let ticker: ReturnType<typeof setInterval> | null = null
  let cancelled = false
  let pressed = false

  function release() {
    stream?.getTracks().forEach((t) => t.stop())
    stream = null
    if (ticker) clearInterval(ticker)
    ticker = null
  }

  /** The button is pressed: only now is the microphone asked for. */
  async function press() {
    if (pressed) return
    pressed = true
    cancelled = false
    const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined
    const MR = (globalThis as { MediaRecorder?: typeof MediaRecorder }).MediaRecorder
    if (!media?.getUserMedia || !MR) {
      pressed = false
      onError('unsupported')
      return
    }
    try {
      stream = await media.getUserMedia({ audio: true })
    } catch {
      pressed = false
      onError('denied')
      return
    }
    // Released while the permission prompt was up.
    if (!pressed) {
      release()
      return
    }
    const mimeType = pickVoiceType()
    try {
      recorder = new MR(stream, mimeType ? { mimeType } : undefined)
    } catch {
      release()
      pressed = false
      onError('failed')
      return
    }
    chunks = []
    recorder.ondataavailable = (e: BlobEvent) => {
      if (e.data && e.data.size) chunks.push(e.data)
    }
    recorder.onstop = () => {
      const duration = Date.now() - started
      const type = recorder?.mimeType || mimeType || 'audio/webm'
      recorder = null
      release()
      recording.value = false
      if (cancelled) return
      if (duration < MIN_VOICE_MS || !chunks.length) {
        onError('short')
        return
      }
      onDone(new Blob(chunks, { type }), Math.min(duration, MAX_VOICE_MS))
    }
    started = Date.now()
    elapsed.value = 0
    recording.value = true
    recorder.start()
    ticker = setInterval(() => {
      elapsed.value = Date.now() - started
      if (elapsed.value >= MAX_VOICE_MS) finish()
    }, 200)
  }

  /** Released: stop and send. */
  function finish() {
    pressed = false
    if (recorder && recorder.state !== 'inactive') recorder.stop()
    else release()
  }

  /** Slid away or interrupted: stop and drop. */
  function cancel() {
    cancelled = true
    finish()
  }

  onBeforeUnmount(cancel)
  return { recording, elapsed, press, finish, cancel }
}
