// Registration accepts the privacy policy by its version, with a box the person ticks.
import { describe, expect, it, vi } from 'vitest'
import SignUp from '@/features/auth/SignUp.vue'
import { useSessionStore } from '@/stores/session'
import { ME, fakeServer, json, mountAt, problem, settle } from './helpers'

const POLICY = { version: '0123456789abcdef', text: 'Privacy Policy. I. What we collect 1. Registered user information We ask for your number.' }

function server(register = () => json(201, { user: ME, session: { id: '1', token: 'C'.repeat(43), expires_at: 'x' } })) {
  return fakeServer({
    'GET /api/v1/privacy/policy': () => json(200, POLICY),
    'POST /api/v1/auth/sms-codes': () => json(202, { sent: true, expires_in: 300, resend_after: 60 }),
    'POST /api/v1/auth/register': register,
  })
}

async function fill(wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper'], tick: boolean) {
  await wrapper.find('input[name="phone"]').setValue('13800138000')
  await wrapper.find('input[name="code"]').setValue('123456')
  await wrapper.find('input[name="name"]').setValue('李雷')
  if (tick) await wrapper.find('[role="checkbox"]').trigger('click')
  await wrapper.find('form').trigger('submit')
  await settle()
}

describe('sign-up screen', () => {
  it('starts with the policy box unticked', async () => {
    server()
    const { wrapper } = await mountAt(SignUp, '/signup')
    const box = wrapper.find('[role="checkbox"]')
    expect(box.attributes('aria-checked')).toBe('false')
    expect(box.text()).toContain('隐私政策')
  })

  it('registers nothing until the policy is accepted', async () => {
    const { calls } = server()
    const { wrapper } = await mountAt(SignUp, '/signup')
    await fill(wrapper, false)
    expect(calls.some((c) => c.url === '/api/v1/auth/register')).toBe(false)
    expect(wrapper.find('[role="alert"]').text()).toBe('请先阅读并同意隐私政策')
  })

  it('sends the version of the policy accepted, then asks for the optional consents', async () => {
    const { calls } = server()
    const { wrapper, router } = await mountAt(SignUp, '/signup?redirect=/join/abc')
    await fill(wrapper, true)
    const reg = calls.find((c) => c.url === '/api/v1/auth/register')!
    expect(reg.body).toMatchObject({ phone: '13800138000', code: '123456', name: '李雷', policy_version: POLICY.version })
    expect(useSessionStore().signedIn).toBe(true)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/onboarding/consents?next=/join/abc'))
  })

  it('asks again when the policy changed meanwhile', async () => {
    server(() => problem(409, 'policy_version_outdated', { current_version: 'fedcba9876543210' }))
    const { wrapper } = await mountAt(SignUp, '/signup')
    await fill(wrapper, true)
    expect(wrapper.find('[role="alert"]').text()).toBe('隐私政策已更新，请阅读新版本后再同意')
    expect(wrapper.find('[role="checkbox"]').attributes('aria-checked')).toBe('false')
  })
})
