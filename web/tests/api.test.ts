// The fetch wrapper and the error mapping: what goes on the wire, and what the person reads.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, call, configureApi } from '@/api/client'
import { errorMessage } from '@/api/errors'
import { setLocale } from '@/i18n'
import { fakeServer, json, problem } from './helpers'

beforeEach(() => {
  setLocale('zh-CN')
  configureApi({ token: () => 'tok', language: () => 'zh-CN', onUnauthorized: () => {} })
})

describe('requests', () => {
  it('send JSON with the bearer token and the language, under /api/v1', async () => {
    const { calls } = fakeServer({ 'POST /api/v1/me/consents': () => json(201, { id: '1' }) })
    await api.post('/me/consents', { body: { purpose: 'microphone', granted: true } })
    expect(calls[0].url).toBe('/api/v1/me/consents')
    expect(calls[0].headers.Authorization).toBe('Bearer tok')
    expect(calls[0].headers['Content-Type']).toBe('application/json')
    expect(calls[0].headers['Accept-Language']).toBe('zh-CN')
    expect(calls[0].body).toEqual({ purpose: 'microphone', granted: true })
  })

  it('fill path parameters, encoded, and leave out empty query values', async () => {
    const { calls } = fakeServer({ 'GET /api/v1/invitations/a%2Fb': () => json(200, {}), 'GET /api/v1/me/access-log': () => json(200, {}) })
    await api.get('/invitations/{token}', { path: { token: 'a/b' } })
    await api.get('/me/access-log', { query: { limit: 20, cursor: undefined } })
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/invitations/a%2Fb', '/api/v1/me/access-log?limit=20'])
  })

  it('answer 204 with nothing and give the status of other replies', async () => {
    fakeServer({ 'DELETE /api/v1/me/sessions/5': () => json(204, null), 'POST /api/v1/invitations/x/accept': () => json(202, { pending_id: '9' }) })
    expect(await api.delete('/me/sessions/{id}', { path: { id: '5' } })).toBeUndefined()
    const res = await call('post', '/invitations/{token}/accept', { path: { token: 'x' }, body: { name_in_enterprise: 'Li' } })
    expect(res.status).toBe(202)
  })

  it('send no token when signed out', async () => {
    configureApi({ token: () => null })
    const { calls } = fakeServer({ 'GET /api/v1/privacy/policy': () => json(200, { version: 'v', text: 't' }) })
    await api.get('/privacy/policy')
    expect(calls[0].headers.Authorization).toBeUndefined()
  })
})

describe('failures', () => {
  it('carry the problem code and fields', async () => {
    fakeServer({ 'POST /api/v1/auth/login': () => problem(400, 'code_invalid', { tries_left: 3 }) })
    const err = await api.post('/auth/login', { body: { phone: '1', code: '2', device: { id: 'd' } } }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toBe('code_invalid')
    expect(err.problem.tries_left).toBe(3)
  })

  it('sign out on 401 when a token was sent', async () => {
    const onUnauthorized = vi.fn()
    configureApi({ onUnauthorized })
    fakeServer({ 'GET /api/v1/me': () => problem(401, 'auth_required') })
    await expect(api.get('/me')).rejects.toMatchObject({ code: 'auth_required' })
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('name a network failure, a bare 5xx and an unreadable 4xx', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(api.get('/me')).rejects.toMatchObject({ status: 0, code: 'network' })
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>Bad Gateway</html>', { status: 502 })))
    await expect(api.get('/me')).rejects.toMatchObject({ status: 502, code: 'server' })
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 418 })))
    await expect(api.get('/me')).rejects.toMatchObject({ status: 418, code: 'unexpected' })
  })
})

describe('error messages', () => {
  it('read every failure in the person\'s language, never as a raw code', () => {
    const invalid = new ApiError(400, 'code_invalid', { code: 'code_invalid', tries_left: 2 })
    expect(errorMessage(invalid)).toBe('验证码不正确，还可以再试 2 次')
    setLocale('en')
    expect(errorMessage(invalid)).toBe('Wrong code. 2 tries left.')
    expect(errorMessage(new ApiError(429, 'rate_limited', { code: 'rate_limited', retry_after: 30 }))).toBe('Too many tries. Try again in 30 s.')
    expect(errorMessage(new ApiError(0, 'network'))).toMatch(/No connection/)
    expect(errorMessage(new ApiError(503, 'server'))).toMatch(/server has a problem/)
    expect(errorMessage(new Error('boom'))).toMatch(/unexpected/)
  })

  it('say something sensible for a code newer than the client', () => {
    const newer = (status: number) => new ApiError(status, 'brand_new_code' as never, { code: 'brand_new_code' as never })
    expect(errorMessage(newer(409))).toBe('出现了意外错误，请稍后重试')
    expect(errorMessage(newer(500))).toBe('服务器暂时出了问题，请稍后重试')
    expect(errorMessage(newer(409))).not.toContain('brand_new_code')
  })

  it('show the server status 5xx problems as the server failing', () => {
    expect(errorMessage(new ApiError(500, 'internal_error', { code: 'internal_error' }))).toBe('服务器出错了，请稍后重试')
    expect(errorMessage(new ApiError(503, 'service_unavailable', { code: 'service_unavailable' }))).toBe('服务暂时不可用，请稍后重试')
  })
})
