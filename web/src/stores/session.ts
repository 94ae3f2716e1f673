// Who is signed in: the session's bearer token (kept in localStorage so a reload stays signed
// in) and the profile, which is fetched again on each start rather than stored in the browser.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type Schemas } from '@/api/client'

const KEY = 'atrium.session'

interface Saved {
  token: string
  sessionId: string
  expiresAt: string
}

function load(): Saved | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || 'null')
    const live = saved && typeof saved.token === 'string' && typeof saved.sessionId === 'string' && !(Date.parse(saved.expiresAt) < Date.now())
    if (live) return saved
  } catch {
    /* unreadable: start signed out */
  }
  return null
}

export const useSessionStore = defineStore('session', () => {
  const saved = ref<Saved | null>(load())
  const user = ref<Schemas['Me'] | null>(null)

  const token = computed(() => saved.value?.token ?? null)
  const sessionId = computed(() => saved.value?.sessionId ?? null)
  const signedIn = computed(() => token.value !== null)

  /** Starts the session a sign-in or registration answered with. */
  function start(result: Schemas['AuthResult']) {
    const s = result.session
    if (!('token' in s)) throw new Error('a cookie session has no token for this client')
    saved.value = { token: s.token, sessionId: s.id, expiresAt: s.expires_at }
    localStorage.setItem(KEY, JSON.stringify(saved.value))
    user.value = result.user
  }

  /** Forgets the session here (the server may already have ended it). */
  function clear() {
    saved.value = null
    user.value = null
    localStorage.removeItem(KEY)
  }

  async function loadUser() {
    user.value = await api.get('/me')
    return user.value
  }

  function setUser(me: Schemas['Me']) {
    user.value = me
  }

  /** Ends the session on the server, then here; here even when the server cannot be reached. */
  async function signOut() {
    try {
      if (token.value) await api.post('/auth/logout')
    } catch {
      /* already ended, or offline: forgetting the token is what matters */
    } finally {
      clear()
    }
  }

  return { token, sessionId, signedIn, user, start, clear, loadUser, setUser, signOut }
})
