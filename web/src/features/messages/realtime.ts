// One WebSocket per signed-in session (GET /api/v1/ws): signs in with its first frame, hands
// every event to the messages store, reconnects with a growing delay when it drops, and after
// every (re)connection catches up through POST …/im/sync, since frames are only a hint: nothing
// depends on having been online.
import { ref, watch } from 'vue'
import { useSessionStore } from '@/stores/session'
import { useEnterpriseStore } from '@/stores/enterprise'
import { useMessagesStore } from './store'

export type SocketState = 'idle' | 'connecting' | 'online' | 'offline'

/** Backoff before reconnecting: 1 s, 2 s, 4 s … up to 30 s, with some jitter. */
export function backoff(attempt: number, random = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5))
  return Math.round(base * (0.75 + random() * 0.5))
}

export interface RealtimeOptions {
  /** The WebSocket class (tests pass a fake). */
  WebSocket?: typeof WebSocket
  url?: string
}

function defaultUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${location.host}/api/v1/ws`
}

export function createRealtime(options: RealtimeOptions = {}) {
  const session = useSessionStore()
  const enterprises = useEnterpriseStore()
  const store = useMessagesStore()
  const state = ref<SocketState>('idle')
  let ws: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let pingTimer: ReturnType<typeof setInterval> | null = null
  let lastFrame = 0
  let stopped = true

  function Ctor(): typeof WebSocket | undefined {
    return options.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket)
  }

  function connect() {
    const WS = Ctor()
    const token = session.token
    if (stopped || !WS || !token || ws) return
    state.value = 'connecting'
    const socket = new WS(options.url ?? defaultUrl())
    ws = socket
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }))
    socket.onmessage = (ev: MessageEvent) => {
      lastFrame = Date.now()
      let f: Record<string, unknown>
      try {
        f = JSON.parse(String(ev.data))
      } catch {
        return
      }
      if (!f || typeof f !== 'object') return
      if (f.type === 'ready') {
        attempt = 0
        state.value = 'online'
        void catchUp()
        return
      }
      store.onFrame(f)
    }
    socket.onclose = (ev: CloseEvent) => {
      if (ws !== socket) return
      ws = null
      clearPing()
      state.value = 'offline'
      // 4401: not signed in or the session ended; the next API call signs the person out.
      if (ev.code === 4401 || stopped) return
      scheduleRetry()
    }
    socket.onerror = () => {
      /* a close follows */
    }
    startPing()
  }

  async function catchUp() {
    if (!store.eid) return
    try {
      if (!store.listLoaded) await store.loadList()
      await store.sync()
    } catch {
      /* the list shows its own error; the next reconnect tries again */
    }
  }

  function scheduleRetry() {
    if (retryTimer || stopped) return
    const delay = backoff(attempt++)
    retryTimer = setTimeout(() => {
      retryTimer = null
      connect()
    }, delay)
  }

  function startPing() {
    clearPing()
    lastFrame = Date.now()
    pingTimer = setInterval(() => {
      if (!ws) return
      // Silent for too long: the connection is dead without having said so.
      if (Date.now() - lastFrame > 75_000) {
        const dead = ws
        ws = null
        dead.close()
        state.value = 'offline'
        scheduleRetry()
        return
      }
      if (state.value === 'online') ws.send(JSON.stringify({ type: 'ping' }))
    }, 25_000)
  }

  function clearPing() {
    if (pingTimer) clearInterval(pingTimer)
    pingTimer = null
  }

  /** Reconnects now (back online, or the page shown again) instead of waiting for the backoff. */
  function nudge() {
    if (stopped || ws) return
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    connect()
  }

  function send(frame: Record<string, unknown>): boolean {
    if (!ws || state.value !== 'online') return false
    ws.send(JSON.stringify(frame))
    return true
  }

  function start() {
    if (!stopped) return
    stopped = false
    connect()
  }

  function stop() {
    stopped = true
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    clearPing()
    const s = ws
    ws = null
    s?.close(1000)
    state.value = 'idle'
  }

  // Follow the session and the chosen enterprise.
  const unwatch = [
    watch(
      () => enterprises.currentId,
      (id) => {
        if (id === store.eid) return
        store.reset(id)
        if (id && state.value === 'online') void catchUp()
      },
      { immediate: true },
    ),
    watch(
      () => session.token,
      (token) => {
        if (!token) {
          stop()
          store.reset(null)
        }
      },
    ),
  ]

  const onOnline = () => nudge()
  const onVisible = () => {
    if (document.visibilityState === 'visible') {
      nudge()
      if (store.openCid) store.markReadSoon(store.openCid)
    }
  }
  if (typeof window !== 'undefined') {
    window.addEventListener('online', onOnline)
    document.addEventListener('visibilitychange', onVisible)
  }

  function dispose() {
    stop()
    unwatch.forEach((u) => u())
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', onOnline)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }

  return { state, start, stop, nudge, send, dispose, catchUp }
}

export type Realtime = ReturnType<typeof createRealtime>

let shared: Realtime | null = null

/** The session's one connection, started on first use (the Messages tab or a chat). */
export function useRealtime(): Realtime {
  const session = useSessionStore()
  if (!shared) shared = createRealtime()
  if (session.token) shared.start()
  return shared
}

/** For tests: forget the shared connection. */
export function resetRealtime() {
  shared?.dispose()
  shared = null
}
