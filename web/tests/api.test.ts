// The fetch wrapper and the error mapping: what goes on the wire, and what the person reads.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, call, configureApi, download, upload } from '@/api/client'
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

describe('files', () => {
  const FILE = { file_id: '42', kind: 'image', name: 'photo.png', size: 3, mime: 'image/png', type: 'png', status: 'ready', thumbnail: true, created_at: '2026-11-29T02:30:00.123Z' }

  it('upload a file as the body, with its type, the token and the query, and read the JSON reply', async () => {
    const { calls } = fakeServer({ 'POST /api/v1/enterprises/9/files': () => json(201, FILE) })
    const file = new File(['png'], 'photo.png', { type: 'image/png' })
    const reply = await upload('post', '/enterprises/{eid}/files', file, { path: { eid: '9' }, query: { kind: 'image', name: 'photo.png', duration_ms: undefined } })
    expect(reply.file_id).toBe('42')
    expect(calls[0].url).toBe('/api/v1/enterprises/9/files?kind=image&name=photo.png')
    expect(calls[0].body).toBe(file)
    expect(calls[0].headers).toMatchObject({ Authorization: 'Bearer tok', 'Content-Type': 'image/png', Accept: 'application/json', 'Accept-Language': 'zh-CN' })
  })

  it('upload with the type asked for, else application/octet-stream for an untyped Blob', async () => {
    const { calls } = fakeServer({ 'POST /api/v1/enterprises/9/files': () => json(201, FILE) })
    await upload('post', '/enterprises/{eid}/files', new Blob(['x']), { path: { eid: '9' }, query: { kind: 'file', name: 'a.bin' } })
    await upload('post', '/enterprises/{eid}/files', new Blob(['x'], { type: 'audio/ogg' }), { path: { eid: '9' }, query: { kind: 'voice', duration_ms: 1000 }, type: 'application/octet-stream' })
    expect(calls.map((c) => c.headers['Content-Type'])).toEqual(['application/octet-stream', 'application/octet-stream'])
  })

  it('take only the routes whose body is a file', () => {
    // Type checks only: a JSON route is no upload route (vue-tsc fails if this compiles).
    const typeOnly = () =>
      // @ts-expect-error /me/consents takes JSON, not a file
      upload('post', '/me/consents', new Blob(['x']))
    expect(typeof typeOnly).toBe('function')
  })

  it('fail an upload as the JSON calls do: the problem code, 401 signs out, no answer is network', async () => {
    const onUnauthorized = vi.fn()
    configureApi({ onUnauthorized })
    fakeServer({
      'POST /api/v1/enterprises/9/files': () => problem(413, 'file_too_large'),
      'POST /api/v1/enterprises/9/imports': () => problem(401, 'auth_required'),
    })
    await expect(upload('post', '/enterprises/{eid}/files', new Blob(['x']), { path: { eid: '9' }, query: { kind: 'image' } })).rejects.toMatchObject({ status: 413, code: 'file_too_large' })
    await expect(upload('post', '/enterprises/{eid}/imports', new Blob(['x']), { path: { eid: '9' } })).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).toHaveBeenCalledOnce()
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(upload('post', '/enterprises/{eid}/imports', new Blob(['x']), { path: { eid: '9' } })).rejects.toMatchObject({ status: 0, code: 'network' })
  })

  it('download a file as a Blob', async () => {
    const { calls } = fakeServer({ 'GET /api/v1/me/exports/5/download': () => new Response(new Blob(['PK']), { status: 200, headers: { 'Content-Type': 'application/zip' } }) })
    const blob = await download('/me/exports/{id}/download', { path: { id: '5' } })
    expect(await blob.text()).toBe('PK')
    expect(calls[0].headers.Accept).toBe('*/*')
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
