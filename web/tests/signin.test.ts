// Signing in: the code is asked for, the sign-in sends the device, the session starts and the
// person lands where they were going; a failure is shown in words.
import { describe, expect, it, vi } from 'vitest'
import SignIn from '@/features/auth/SignIn.vue'
import { useSessionStore } from '@/stores/session'
import { ME, fakeServer, json, mountAt, problem, settle } from './helpers'

const TOKEN = 'B'.repeat(43)

function server(login: () => Response | Promise<Response> = () => json(200, { user: ME, session: { id: '77', token: TOKEN, expires_at: '2099-12-29T02:30:00.123Z' } })) {
  return fakeServer({
    'POST /api/v1/auth/sms-codes': () => json(202, { sent: true, expires_in: 300, resend_after: 60 }),
    'POST /api/v1/auth/login': login,
    'GET /api/v1/me/enterprises': () => json(200, { enterprises: [] }),
    'GET /api/v1/me': () => json(200, ME),
  })
}

async function fill(wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper']) {
  await wrapper.find('input[name="phone"]').setValue('138 0013 8000')
  await wrapper.findAll('button').find((b) => b.text() === '获取验证码')!.trigger('click')
  await settle()
  await wrapper.find('input[name="code"]').setValue('123456')
  await wrapper.find('form').trigger('submit')
  await settle()
}

describe('sign-in screen', () => {
  it('labels its inputs', async () => {
    server()
    const { wrapper } = await mountAt(SignIn, '/signin')
    for (const name of ['phone', 'code']) {
      const input = wrapper.find(`input[name="${name}"]`)
      const label = wrapper.find(`label[for="${input.attributes('id')}"]`)
      expect(label.exists(), name).toBe(true)
      expect(label.text()).not.toBe('')
    }
  })

  it('sends a login code, signs in and goes where the person was going', async () => {
    const { calls } = server()
    const { wrapper, router } = await mountAt(SignIn, '/signin?redirect=/privacy')
    await fill(wrapper)

    const sms = calls.find((c) => c.url === '/api/v1/auth/sms-codes')!
    expect(sms.body).toEqual({ phone: '138 0013 8000', purpose: 'login' })
    expect(wrapper.text()).toContain('秒后重发')

    const login = calls.find((c) => c.url === '/api/v1/auth/login')!
    const body = login.body as { phone: string; code: string; device: { id: string; model: string } }
    expect(body.phone).toBe('138 0013 8000')
    expect(body.code).toBe('123456')
    expect(body.device.id).toMatch(/^web-/)
    expect(login.headers.Authorization).toBeUndefined()

    expect(useSessionStore().token).toBe(TOKEN)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/privacy'))
  })

  it('shows why a sign-in failed, in words', async () => {
    server(() => problem(404, 'account_not_found'))
    const { wrapper, router } = await mountAt(SignIn, '/signin')
    await fill(wrapper)
    expect(wrapper.find('[role="alert"]').text()).toBe('这个手机号还没有注册，请先注册')
    expect(useSessionStore().signedIn).toBe(false)
    expect(router.currentRoute.value.path).toBe('/signin')
  })

  it('says so when the network is down', async () => {
    server(() => Promise.reject(new TypeError('Failed to fetch')))
    const { wrapper } = await mountAt(SignIn, '/signin')
    await fill(wrapper)
    expect(wrapper.find('[role="alert"]').text()).toBe('网络连接失败，请检查网络后重试')
  })

  it('never goes to another site after signing in', async () => {
    server()
    const { wrapper, router } = await mountAt(SignIn, '/signin?redirect=//evil.example/x')
    await fill(wrapper)
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/messages'))
  })
})
