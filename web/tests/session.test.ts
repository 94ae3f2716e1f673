// The session store: what is kept across reloads, and signing out.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from '@/stores/session'
import { useEnterpriseStore } from '@/stores/enterprise'
import { api, configureApi } from '@/api/client'
import { ME, fakeServer, json, problem } from './helpers'

const TOKEN = 'A'.repeat(43)
const result = { user: ME as never, session: { id: '42', token: TOKEN, expires_at: '2099-12-29T02:30:00.123Z' } }

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  const session = useSessionStore()
  configureApi({ token: () => session.token, onUnauthorized: () => session.clear() })
})

describe('session store', () => {
  it('starts signed out', () => {
    const s = useSessionStore()
    expect(s.signedIn).toBe(false)
    expect(s.token).toBeNull()
  })

  it('keeps the token, not the profile, across a reload', () => {
    useSessionStore().start(result)
    const saved = JSON.parse(localStorage.getItem('atrium.session')!)
    expect(saved).toEqual({ token: TOKEN, sessionId: '42', expiresAt: '2099-12-29T02:30:00.123Z' })
    expect(localStorage.getItem('atrium.session')).not.toContain(ME.phone)

    setActivePinia(createPinia()) // a reload
    const again = useSessionStore()
    expect(again.signedIn).toBe(true)
    expect(again.token).toBe(TOKEN)
    expect(again.sessionId).toBe('42')
    expect(again.user).toBeNull()
  })

  it('forgets a session past its expiry', () => {
    localStorage.setItem('atrium.session', JSON.stringify({ token: TOKEN, sessionId: '1', expiresAt: '2000-01-01T00:00:00.000Z' }))
    expect(useSessionStore().signedIn).toBe(false)
  })

  it('ignores a damaged saved session', () => {
    localStorage.setItem('atrium.session', '{not json')
    expect(useSessionStore().signedIn).toBe(false)
  })

  it('refuses a cookie session, which has no token for this client', () => {
    expect(() => useSessionStore().start({ user: ME as never, session: { id: '1', csrf_token: 'c', expires_at: 'x' } })).toThrow()
  })

  it('loads the profile with the token', async () => {
    const { calls } = fakeServer({ 'GET /api/v1/me': () => json(200, ME) })
    const s = useSessionStore()
    s.start(result)
    s.user = null
    const user = await s.loadUser()
    expect(user.name).toBe('李雷')
    expect(s.user).toEqual(user)
    expect(calls[0].headers.Authorization).toBe(`Bearer ${TOKEN}`)
  })

  it('signs out on the server, then forgets the session', async () => {
    const { calls } = fakeServer({ 'POST /api/v1/auth/logout': () => json(204, null) })
    const s = useSessionStore()
    s.start(result)
    await s.signOut()
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/auth/logout'])
    expect(s.signedIn).toBe(false)
    expect(localStorage.getItem('atrium.session')).toBeNull()
  })

  it('forgets the session even when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('offline'))))
    const s = useSessionStore()
    s.start(result)
    await s.signOut()
    expect(s.signedIn).toBe(false)
  })

  it('is cleared by a 401 from any call', async () => {
    fakeServer({ 'GET /api/v1/me/sessions': () => problem(401, 'auth_required') })
    const s = useSessionStore()
    s.start(result)
    await expect(api.get('/me/sessions')).rejects.toMatchObject({ code: 'auth_required' })
    expect(s.signedIn).toBe(false)
  })
})

describe('enterprise store', () => {
  const list = {
    enterprises: [
      { id: '1', name: 'A', logo_url: '', role: 'member', status: 'active', name_in_enterprise: 'Li', joined_at: 'x' },
      { id: '2', name: 'B', logo_url: '', role: 'owner', status: 'active', name_in_enterprise: 'Li', joined_at: 'x' },
    ],
  }

  it('remembers the chosen enterprise and falls back when it is gone', async () => {
    fakeServer({ 'GET /api/v1/me/enterprises': () => json(200, list) })
    const e = useEnterpriseStore()
    await e.load()
    expect(e.currentId).toBe('1')
    e.select('2')
    expect(e.currentId).toBe('2')
    setActivePinia(createPinia())
    const again = useEnterpriseStore()
    await again.load()
    expect(again.currentId).toBe('2')
    again.select('99')
    expect(again.currentId).toBe('1')
  })
})
