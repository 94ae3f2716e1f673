// The consent steps after registration: one purpose at a time, nothing ticked for the person,
// nothing recorded unless they tick it, and each in their language.
import { describe, expect, it, vi } from 'vitest'
import ConsentSteps from '@/features/consent/ConsentSteps.vue'
import ConsentsPage from '@/features/consent/ConsentsPage.vue'
import { setLocale } from '@/i18n'
import { fakeServer, json, mountAt, settle, signIn } from './helpers'

const purpose = (id: string, zh: string, en: string, extra = {}) => ({
  id,
  version: 1,
  title: zh,
  description: `${zh}的说明`,
  i18n: { zh: { title: zh, description: `${zh}的说明` }, en: { title: en, description: `Why ${en}` } },
  permission: null,
  sensitive: false,
  required: false,
  basis: 'consent',
  ...extra,
})
const PURPOSES = [
  purpose('attendance_location', '考勤定位', 'Attendance location', { permission: 'location', sensitive: true, required: true }),
  purpose('push_notifications', '推送通知', 'Push notifications'),
  purpose('marketing_messages', '营销信息', 'Marketing messages'),
]
const state = (id: string, answered = false) => ({ purpose: id, title: id, version: 1, granted: answered, needs_renewal: false, updated_at: answered ? '2026-11-29T02:30:00.123Z' : null })

function server(answered: string[] = []) {
  return fakeServer({
    'GET /api/v1/privacy/purposes': () => json(200, { language: 'zh', purposes: PURPOSES }),
    'GET /api/v1/me/consents': () => json(200, { purposes: PURPOSES.map((p) => state(p.id, answered.includes(p.id))), history: [] }),
    'POST /api/v1/me/consents': (c) => json(201, { id: '5', ...(c.body as object), purpose_version: 1, policy_version: 'p', device_id: 'd', created_at: 'x' }),
    'GET /api/v1/me': () => json(200, {}),
  })
}

const posts = (calls: { method: string; url: string; body: unknown }[]) => calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/me/consents')

describe('consent steps', () => {
  it('show one purpose at a time with nothing ticked', async () => {
    server()
    const { wrapper } = await mountAt(ConsentSteps, '/onboarding/consents', signIn)
    await settle()
    expect(wrapper.text()).toContain('第 1 项，共 3 项')
    expect(wrapper.text()).toContain('考勤定位')
    expect(wrapper.text()).toContain('敏感信息')
    expect(wrapper.text()).toContain('“位置”权限')
    expect(wrapper.text()).not.toContain('推送通知')
    const boxes = wrapper.findAll('[role="checkbox"]')
    expect(boxes).toHaveLength(1)
    expect(boxes[0].attributes('aria-checked')).toBe('false')
  })

  it('record nothing when the person moves on without ticking', async () => {
    const { calls } = server()
    const { wrapper } = await mountAt(ConsentSteps, '/onboarding/consents', signIn)
    await settle()
    await wrapper.findAll('button').find((b) => b.text() === '暂不同意，下一项')!.trigger('click')
    await settle()
    expect(wrapper.text()).toContain('推送通知')
    expect(wrapper.find('[role="checkbox"]').attributes('aria-checked')).toBe('false')
    expect(posts(calls)).toHaveLength(0)
  })

  it('record a grant only for what the person ticked, then go on', async () => {
    const { calls } = server()
    const { wrapper, router } = await mountAt(ConsentSteps, '/onboarding/consents?next=/me', signIn)
    await settle()
    await wrapper.findAll('button').find((b) => b.text() === '暂不同意，下一项')!.trigger('click') // location: no
    await settle()
    await wrapper.find('[role="checkbox"]').trigger('click') // push: yes
    await settle()
    await wrapper.findAll('button').find((b) => b.text() === '同意，下一项')!.trigger('click')
    await settle()
    await wrapper.findAll('button').find((b) => b.text() === '暂不同意，下一项')!.trigger('click') // marketing: no
    await settle()
    expect(posts(calls).map((c) => c.body)).toEqual([{ purpose: 'push_notifications', granted: true, device_id: expect.stringMatching(/^web-/) }])
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/me'))
  })

  it('ask only what is unanswered', async () => {
    server(['attendance_location', 'marketing_messages'])
    const { wrapper } = await mountAt(ConsentSteps, '/onboarding/consents', signIn)
    await settle()
    expect(wrapper.text()).toContain('第 1 项，共 1 项')
    expect(wrapper.text()).toContain('推送通知')
  })

  it('speak English to an English reader', async () => {
    server()
    const { wrapper } = await mountAt(ConsentSteps, '/onboarding/consents', () => {
      signIn()
      setLocale('en')
    })
    await settle()
    expect(wrapper.text()).toContain('Attendance location')
    expect(wrapper.text()).toContain('Why Attendance location')
    expect(wrapper.text()).toContain('1 of 3')
    setLocale('zh-CN')
  })
})

describe('consent management', () => {
  it('shows each purpose switched as the server says, off when never answered', async () => {
    server(['push_notifications'])
    const { wrapper } = await mountAt(ConsentsPage, '/privacy/consents', signIn)
    await settle()
    const switches = wrapper.findAll('[role="switch"]')
    expect(switches).toHaveLength(3)
    expect(switches.map((s) => s.attributes('aria-checked'))).toEqual(['false', 'true', 'false'])
  })
})
