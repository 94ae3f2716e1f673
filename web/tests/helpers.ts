// Test helpers: a fake server behind fetch, and mounting a screen with the app's plugins.
import { vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import { i18n, setLocale } from '@/i18n'
import { buildRoutes, installGuards } from '@/router'
import { configureApi } from '@/api/client'
import { useSessionStore } from '@/stores/session'

export interface Call {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

export type Handler = (call: Call) => Response | Promise<Response>

export function json(status: number, body: unknown): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  return json(status, { type: `urn:atrium:error:${code}`, title: code, status, code, detail: code, request_id: '1', ...extra })
}

/** A JSON body parsed; any other (a file sent by upload()) as it was sent. */
function bodyOf(body: RequestInit['body']): unknown {
  if (body === undefined || body === null || body === '') return undefined
  if (typeof body !== 'string') return body
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/** Replaces fetch with a table of "METHOD /api/v1/path" → handler; returns the calls made. */
export function fakeServer(routes: Record<string, Handler>) {
  const calls: Call[] = []
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input)
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = (init.headers ?? {}) as Record<string, string>
    const call: Call = { method, url, headers, body: bodyOf(init.body) }
    calls.push(call)
    const handler = routes[`${method} ${url.split('?')[0]}`]
    if (!handler) return problem(404, 'not_found')
    return handler(call)
  })
  vi.stubGlobal('fetch', fetchMock)
  return { calls, fetchMock }
}

/** Fresh stores and Chinese, as on a first visit. */
export function freshApp() {
  localStorage.clear()
  const pinia = createPinia()
  setActivePinia(pinia)
  setLocale('zh-CN')
  const session = useSessionStore()
  configureApi({ token: () => session.token, language: () => i18n.global.locale.value, onUnauthorized: () => session.clear() })
  return pinia
}

/** Mounts a screen at `path` with the real routes and guards. */
export async function mountAt(component: Component, path: string, setup?: () => void) {
  const pinia = freshApp()
  setup?.()
  const router = createRouter({ history: createMemoryHistory(), routes: buildRoutes() })
  installGuards(router)
  await router.push(path)
  await router.isReady()
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

export const ME = {
  id: '7399848261025792',
  phone: '+8613800138000',
  name: '李雷',
  gender: 'unspecified',
  email: null,
  pending_email: null,
  policy_version: '0123456789abcdef',
  created_at: '2026-11-29T02:30:00.123Z',
}

/** Signs the store in as ME without a server. */
export function signIn() {
  useSessionStore().start({ user: ME as never, session: { id: '1', token: 'T'.repeat(43), expires_at: '2099-12-29T02:30:00.123Z' } })
}

export async function settle() {
  for (let i = 0; i < 5; i++) await flushPromises()
}
