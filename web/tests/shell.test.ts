// The frame around the screens: who may see what, the tab bar, the policy's paragraphs, and a
// service worker that never answers for the API.
import { describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createMemoryHistory, createRouter } from 'vue-router'
import App from '@/App.vue'
import { buildRoutes, installGuards } from '@/router'
import { policyParagraphs } from '@/lib/policy'
import { noCdnFonts } from '../scripts/vite-no-cdn'
import { fakeServer, freshApp, json, mountAt, problem, settle, signIn, ME } from './helpers'

describe('navigation', () => {
  it('sends the signed-out to sign-in, remembering where they were going', async () => {
    freshApp()
    const router = createRouter({ history: createMemoryHistory(), routes: buildRoutes() })
    installGuards(router)
    await router.push('/privacy/sessions')
    expect(router.currentRoute.value.fullPath).toBe('/signin?redirect=/privacy/sessions')
  })

  it('goes back to sign-in when the server has ended the session', async () => {
    fakeServer({ 'GET /api/v1/me/enterprises': () => problem(401, 'auth_required') })
    const { router } = await mountAt(App, '/me', signIn)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/signin?redirect=/me'))
    expect(localStorage.getItem('atrium.session')).toBeNull()
  })

  it('lets anyone open an invitation link and the policy', async () => {
    freshApp()
    const router = createRouter({ history: createMemoryHistory(), routes: buildRoutes() })
    installGuards(router)
    await router.push('/join/abc')
    expect(router.currentRoute.value.path).toBe('/join/abc')
    await router.push('/policy')
    expect(router.currentRoute.value.path).toBe('/policy')
  })

  it('shows the four tabs, the current one marked', async () => {
    fakeServer({ 'GET /api/v1/me': () => json(200, ME), 'GET /api/v1/me/enterprises': () => json(200, { enterprises: [] }), 'GET /api/v1/me/invitations': () => json(200, { invitations: [] }) })
    const { wrapper } = await mountAt(App, '/me', signIn)
    await settle()
    await vi.waitFor(() => expect(wrapper.findAll('nav a')).toHaveLength(4))
    const tabs = wrapper.findAll('nav a')
    expect(tabs.map((a) => a.text())).toEqual(['消息', '通讯录', '工作台', '我的'])
    expect(tabs[3].attributes('aria-current')).toBe('page')
    expect(tabs[0].attributes('aria-current')).toBeUndefined()
  })
})

describe('policy text', () => {
  it('is split into paragraphs even when it comes as one line', () => {
    const p = policyParagraphs('Intro text. I. What we collect (I) Kinds. 1. Registered users We ask. 2. Use We use it. VI. Minors')
    expect(p.map((x) => x.text)).toEqual(['Intro text.', 'I. What we collect (I) Kinds.', '1. Registered users We ask.', '2. Use We use it.', 'VI. Minors'])
    expect(p.filter((x) => x.heading).map((x) => x.text)).toEqual(['I. What we collect (I) Kinds.', 'VI. Minors'])
  })

  it('keeps line breaks where the text has them', () => {
    expect(policyParagraphs('一、我们收集什么\n正文。\n\n二、如何使用').map((x) => x.heading)).toEqual([true, false, true])
  })
})

describe('service worker', () => {
  function load() {
    const handlers: Record<string, (e: unknown) => void> = {}
    const self = { addEventListener: (type: string, fn: (e: unknown) => void) => (handlers[type] = fn), location: { origin: 'https://atrium.example' } }
    const source = readFileSync(resolve(process.cwd(), 'src/pwa/sw.js'), 'utf8')
    new Function('self', 'caches', 'fetch', source)(self, { match: () => Promise.resolve(undefined) }, () => Promise.resolve())
    return (url: string, mode = 'cors', method = 'GET') => {
      const respondWith = vi.fn()
      handlers.fetch({ request: { url, mode, method }, respondWith })
      return respondWith
    }
  }

  it('never answers for the API', () => {
    const fetchEvent = load()
    expect(fetchEvent('https://atrium.example/api/v1/me')).not.toHaveBeenCalled()
    expect(fetchEvent('https://atrium.example/api/v1/me/exports/1/download', 'navigate')).not.toHaveBeenCalled()
    expect(fetchEvent('https://atrium.example/api')).not.toHaveBeenCalled()
  })

  it('serves the shell and built files', () => {
    const fetchEvent = load()
    expect(fetchEvent('https://atrium.example/privacy', 'navigate')).toHaveBeenCalled()
    expect(fetchEvent('https://atrium.example/assets/index-abc.js')).toHaveBeenCalled()
    expect(fetchEvent('https://atrium.example/assets/index-abc.js', 'cors', 'POST')).not.toHaveBeenCalled()
    expect(fetchEvent('https://elsewhere.example/x.js')).not.toHaveBeenCalled()
  })
})

describe('build', () => {
  it('drops the CDN copy of Vant\'s icon font, keeping the inline one', () => {
    const css = '@font-face{font-family:vant-icon;src:url(data:font/woff2;base64,AAAA) format("woff2"),url(//at.alicdn.com/t/c/font_1.woff?t=1) format("woff")}'
    const plugin = noCdnFonts() as { transform: (code: string, id: string) => { code: string } | null }
    const out = plugin.transform(css, '/x/node_modules/vant/es/icon/index.css')!.code
    expect(out).toBe('@font-face{font-family:vant-icon;src:url(data:font/woff2;base64,AAAA) format("woff2")}')
    expect(plugin.transform('a{}', '/x/src/styles/base.css')).toBeNull()
  })
})
