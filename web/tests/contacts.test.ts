// The Contacts tab: the address book by department, search as one types (debounced), member cards
// that show only what the server gave, and external contact cards with their sharing.
import { describe, expect, it, vi } from 'vitest'
import ContactsHome from '@/features/contacts/ContactsHome.vue'
import ExternalList from '@/features/contacts/ExternalList.vue'
import ExternalForm from '@/features/contacts/ExternalForm.vue'
import ExternalDetail from '@/features/contacts/ExternalDetail.vue'
import { fakeServer, json, mountAt, settle, signIn, ME, type Call } from './helpers'

const EID = '4100'
const E = `/api/v1/enterprises/${EID}`
const ENTERPRISES = {
  enterprises: [{ id: EID, name: '示例科技', logo_url: '', role: 'member', status: 'active', name_in_enterprise: '李雷', joined_at: '2026-01-01T00:00:00.000Z' }],
}
const member = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  user_id: id,
  name_in_enterprise: name,
  role: 'member',
  status: 'active',
  joined_at: '2026-01-01T00:00:00.000Z',
  departments: [],
  primary_department: null,
  view: 'everyone',
  custom: [],
  photo: false,
  ...extra,
})
const TREE = {
  departments: [
    { id: '21', name: '研发部', parent_id: null, sort: 0, head_user_ids: [], member_count: 3, children: [{ id: '22', name: '前端组', parent_id: '21', sort: 0, head_user_ids: [], member_count: 2, children: [] }] },
    { id: '23', name: '销售部', parent_id: null, sort: 1, head_user_ids: [], member_count: 2, children: [] },
  ],
}
const TOP = {
  department: null,
  path: [],
  departments: [
    { id: '21', name: '研发部', member_count: 3 },
    { id: '23', name: '销售部', member_count: 2 },
  ],
  members: [member('31', '阿三'), member('32', '孙八'), member('33', '张三', { title: '工程师', work_phone: '139 0013 9000', custom: [{ id: '1', name_zh: '爱好', name_en: 'Hobby', value: '围棋' }] })],
  next_cursor: null,
}
const FRONTEND = {
  department: { id: '22', name: '前端组' },
  path: [{ id: '21', name: '研发部' }],
  departments: [],
  members: [member('34', '王小明', { departments: ['22'], primary_department: '22', position: '前端工程师' })],
  next_cursor: null,
}

function server(extra: Record<string, (c: Call) => Response> = {}) {
  return fakeServer({
    'GET /api/v1/me/enterprises': () => json(200, ENTERPRISES),
    [`GET ${E}/address-book`]: (c) => json(200, c.url.includes('department_id=22') ? FRONTEND : TOP),
    [`GET ${E}/departments`]: () => json(200, TREE),
    [`GET ${E}/address-book/search`]: (c) => {
      const q = new URL(c.url, 'http://x').searchParams.get('q')
      return json(200, { members: q === 'zs' ? [TOP.members[2]] : [], next_cursor: null })
    },
    ...extra,
  })
}

const searches = (calls: Call[]) => calls.filter((c) => c.url.startsWith(`${E}/address-book/search`))

describe('address book', () => {
  it('shows the top level: departments with their head counts, then members', async () => {
    server()
    const { wrapper } = await mountAt(ContactsHome, '/contacts', signIn)
    await settle()
    const depts = wrapper.findAll('[data-test="department"]')
    expect(depts.map((d) => d.text())).toEqual(['研发部3 人', '销售部2 人'])
    expect(wrapper.findAll('[data-test="member"]').map((m) => m.text())).toEqual(['阿三阿三', '孙八孙八', '张三张三工程师'])
    expect(wrapper.find('[data-test="external"]').exists()).toBe(true)
  })

  it('opens a department with its breadcrumb', async () => {
    const { calls } = server()
    const { wrapper, router } = await mountAt(ContactsHome, '/contacts?dept=22', signIn)
    await settle()
    expect(calls.some((c) => c.url === `${E}/address-book?department_id=22`)).toBe(true)
    const crumbs = wrapper.find('nav ol')
    expect(crumbs.text()).toContain('全部')
    expect(crumbs.text()).toContain('研发部')
    expect(crumbs.text()).toContain('前端组')
    await crumbs.findAll('button').find((b) => b.text() === '研发部')!.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/contacts?dept=21'))
  })

  it('searches by pinyin initials once typing pauses, with one request', async () => {
    const { calls } = server()
    const { wrapper } = await mountAt(ContactsHome, '/contacts', signIn)
    await settle()
    const input = wrapper.find('#ct-search-input')
    await input.setValue('z')
    await input.setValue('zs')
    expect(searches(calls)).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 450))
    await settle()
    expect(searches(calls).map((c) => c.url)).toEqual([`${E}/address-book/search?q=zs`])
    expect(wrapper.find('[data-test="results"]').findAll('[data-test="member"]').map((m) => m.text())).toEqual(['张三张三工程师'])
  })

  it("shows a member's card with only the fields the server gave, and starts a chat", async () => {
    server()
    const { wrapper, router } = await mountAt(ContactsHome, '/contacts', signIn)
    await settle()
    await wrapper.findAll('[data-test="member"]')[2].trigger('click')
    await settle()
    const card = document.querySelector('[data-test="member-card"]') as HTMLElement
    expect(card).not.toBeNull()
    const fields = [...card.querySelectorAll('dd[data-field]')].map((d) => d.getAttribute('data-field'))
    expect(fields).toEqual(['title', 'work_phone'])
    expect(card.textContent).toContain('职称')
    expect(card.textContent).toContain('139 0013 9000')
    expect(card.textContent).toContain('爱好')
    expect(card.textContent).toContain('围棋')
    expect(card.textContent).not.toContain('邮箱')
    expect(card.textContent).not.toContain('工号')
    ;(card.querySelector('[data-test="message"]') as HTMLElement).click()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/messages/new?user=33'))
    wrapper.unmount()
  })

  it('offers no chat with oneself', async () => {
    server({ [`GET ${E}/address-book`]: () => json(200, { ...TOP, members: [member(ME.id, '李雷')] }) })
    const { wrapper } = await mountAt(ContactsHome, '/contacts', signIn)
    await settle()
    await wrapper.find('[data-test="member"]').trigger('click')
    await settle()
    const card = document.querySelector('[data-test="member-card"]') as HTMLElement
    expect(card.textContent).toContain('我')
    expect(card.querySelector('[data-test="message"]')).toBeNull()
    wrapper.unmount()
  })
})

const CARD = {
  id: '51',
  name: '陈经理',
  company: 'Acme 贸易',
  title: '采购经理',
  phones: ['+86 138 0013 8000'],
  emails: ['chen@acme.example'],
  address: '上海市浦东新区',
  tags: ['客户', 'VIP'],
  notes: '第一行\n第二行',
  owner_id: ME.id,
  owner: { user_id: ME.id, name: ME.name },
  shared_with: { departments: ['23'], colleagues: ['33'], colleague_people: [{ user_id: '33', name: '韩梅梅' }] },
  can_edit: true,
  created_at: '2026-11-01T00:00:00.000Z',
  updated_at: '2026-11-02T00:00:00.000Z',
}

describe('external contacts', () => {
  it('lists the cards I may see, searched as I type', async () => {
    const { calls } = server({ [`GET ${E}/external-contacts`]: () => json(200, { contacts: [CARD], next_cursor: null }) })
    const { wrapper } = await mountAt(ExternalList, '/contacts/external', signIn)
    await settle()
    const items = wrapper.findAll('[data-test="contact"]')
    expect(items).toHaveLength(1)
    expect(items[0].text()).toContain('陈经理')
    expect(items[0].text()).toContain('Acme 贸易 · 采购经理')
    await wrapper.find('#ext-search-input').setValue('acme')
    await new Promise((r) => setTimeout(r, 450))
    await settle()
    expect(calls.filter((c) => c.url.startsWith(`${E}/external-contacts`)).map((c) => c.url)).toEqual([`${E}/external-contacts`, `${E}/external-contacts?q=acme`])
  })

  it('creates a card shared with a department and a colleague', async () => {
    const { calls } = server({ [`POST ${E}/external-contacts`]: (c) => json(201, { ...CARD, ...(c.body as object), id: '52' }) })
    const { wrapper, router } = await mountAt(ExternalForm, '/contacts/external/new', signIn)
    await settle()
    await wrapper.find('[data-test="save"]').trigger('click')
    await settle()
    expect(wrapper.text()).toContain('请填写姓名')
    await wrapper.find('[data-test="name"] input').setValue('陈经理')
    await wrapper.find('[data-test="phone"] input').setValue('+86 138 0013 8000')
    await wrapper.find('[data-test="tags"] input').setValue('客户，VIP 客户, 客户')
    await wrapper.find('[data-test="pick-departments"]').trigger('click')
    await settle()
    const sheet = document.querySelector('[data-test="department-sheet"]') as HTMLElement
    ;([...sheet.querySelectorAll('.van-cell')].find((c) => c.textContent?.includes('销售部')) as HTMLElement).click()
    await settle()
    await wrapper.find('[data-test="pick-colleague"]').trigger('click')
    await settle()
    const who = document.querySelector('[data-test="colleague-sheet"] input') as HTMLInputElement
    who.value = 'zs'
    who.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 450))
    await settle()
    ;(document.querySelector('[data-test="colleague"]') as HTMLElement).click()
    await settle()
    expect(wrapper.text()).toContain('销售部')
    expect(wrapper.text()).toContain('张三')
    await wrapper.find('[data-test="save"]').trigger('click')
    await settle()
    const post = calls.find((c) => c.method === 'POST' && c.url === `${E}/external-contacts`)
    expect(post?.body).toEqual({
      name: '陈经理',
      company: '',
      title: '',
      phones: ['+86 138 0013 8000'],
      emails: [],
      address: '',
      tags: ['客户', 'VIP 客户'],
      notes: '',
      shared_with: { departments: ['23'], colleagues: ['33'] },
    })
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/contacts/external/52'))
    wrapper.unmount()
  })

  it('shows a card with its sharing and deletes it after asking', async () => {
    const { calls } = server({
      [`GET ${E}/external-contacts/51`]: () => json(200, CARD),
      [`DELETE ${E}/external-contacts/51`]: () => json(204, null),
    })
    const { wrapper, router } = await mountAt(ExternalDetail, '/contacts/external/51', signIn)
    await settle()
    expect(wrapper.text()).toContain('陈经理')
    expect(wrapper.text()).toContain('+86 138 0013 8000')
    expect(wrapper.text()).toContain('销售部')
    // The colleague it is shared with, by the name the card gives.
    expect(wrapper.text()).toContain('韩梅梅')
    await wrapper.find('[data-test="delete"]').trigger('click')
    await settle()
    const confirm = [...document.querySelectorAll('.van-dialog button')].find((b) => b.textContent?.includes('删除名片')) as HTMLElement
    confirm.click()
    await settle()
    expect(calls.some((c) => c.method === 'DELETE' && c.url === `${E}/external-contacts/51`)).toBe(true)
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/contacts/external'))
    wrapper.unmount()
  })
})
