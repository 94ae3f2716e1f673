// The administration pages: the menu and pages follow the person's rights, an import with a bad
// row shows that row and imports nobody, an invitation link comes with its QR code, and the
// monthly report exports download files of the format asked for.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import App from '@/App.vue'
import { resetAdminRights } from '@/features/admin/rights'
import { fakeServer, json, mountAt, problem, settle, signIn, ME, type Handler } from './helpers'

const EID = '1001'
const E = `/api/v1/enterprises/${EID}`

/** The fake server's calls: an import's body is the file itself. */
function server(routes: Record<string, Handler>) {
  return fakeServer(routes).calls
}

function enterprise(role: 'owner' | 'admin' | 'member') {
  return {
    'GET /api/v1/me': () => json(200, ME),
    'GET /api/v1/me/enterprises': () =>
      json(200, { enterprises: [{ id: EID, name: '示例科技', logo_url: '', role, status: 'active', name_in_enterprise: '李雷', joined_at: '2026-11-01T00:00:00.000Z' }] }),
    [`GET ${E}/departments`]: () => json(200, { departments: [{ id: '11', name: '研发部', parent_id: null, sort: 0, head_user_ids: [], member_count: 2, children: [] }] }),
    [`GET ${E}/members`]: () => json(200, { members: [], next_cursor: null }),
  } as Record<string, Handler>
}

function adminWith(rights: string[]) {
  return {
    ...enterprise('admin'),
    [`GET ${E}/admins`]: () => json(200, { admins: [{ user_id: ME.id, name_in_enterprise: '李雷', role: 'admin', rights, scope: 'all' }] }),
  }
}

const mounted: { unmount: () => void }[] = []

async function open(path: string) {
  const { wrapper, router } = await mountAt(App, path, signIn)
  mounted.push(wrapper)
  await settle()
  return { wrapper, router }
}

const menu = (wrapper: Awaited<ReturnType<typeof open>>['wrapper']) => wrapper.findAll('nav.admin-nav a').map((a) => a.text())

beforeEach(() => resetAdminRights())
afterEach(() => {
  while (mounted.length) mounted.pop()!.unmount()
  document.body.innerHTML = ''
})

describe('rights', () => {
  it('lists only the pages an administrator holds the rights for', async () => {
    server(adminWith(['attendance']))
    const { wrapper } = await open('/admin')
    await vi.waitFor(() => expect(menu(wrapper)).toContain('考勤报表'))
    const items = menu(wrapper)
    expect(items).toEqual(['概览', '企业资料', '考勤组', '工作日历', '打卡地点', '考勤审核', '考勤报表'])
    expect(items).not.toContain('成员')
    expect(items).not.toContain('管理员')
    expect(wrapper.text()).toContain('考勤管理')
  })

  it('shows the owner every page, the administrators page too', async () => {
    server(enterprise('owner'))
    const { wrapper } = await open('/admin')
    await vi.waitFor(() => expect(menu(wrapper)).toContain('管理员'))
    expect(menu(wrapper)).toEqual(expect.arrayContaining(['部门', '成员', '邀请与审批', '批量导入', '资料字段', '管理员', '考勤报表']))
  })

  it('explains a page whose right is missing instead of showing it', async () => {
    const calls = server(adminWith(['attendance']))
    const { wrapper } = await open('/admin/members')
    await vi.waitFor(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('这一页需要“成员管理”权限')
    expect(calls.some((c) => c.url.startsWith(`${E}/address-book`))).toBe(false)
  })

  it('lights the menu entry of the page shown, and of the page above a detail page', async () => {
    server(enterprise('owner'))
    const active = (wrapper: Awaited<ReturnType<typeof open>>['wrapper']) => wrapper.findAll('nav.admin-nav a.admin-nav-item--active').map((a) => a.text())
    const { wrapper, router } = await open('/admin/members')
    await vi.waitFor(() => expect(menu(wrapper)).toContain('成员'))
    expect(active(wrapper)).toEqual(['成员'])
    await router.push('/admin/members/123')
    await settle()
    expect(active(wrapper)).toEqual(['成员'])
    await router.push('/admin')
    await settle()
    expect(active(wrapper)).toEqual(['概览'])
  })

  it('keeps plain members out', async () => {
    server(enterprise('member'))
    const { wrapper } = await open('/admin/departments')
    await vi.waitFor(() => expect(wrapper.text()).toContain('你不是这个企业的管理员'))
    expect(menu(wrapper)).toEqual(['概览'])
  })

  it('says which right a refused action needed', async () => {
    server({
      ...enterprise('owner'),
      [`GET ${E}`]: () => json(200, { id: EID, name: '示例科技', industry: '软件', size: '10', region: '上海', logo_url: '', invoice_header: '', address: '', contact: '', owner_id: ME.id, created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z', my_role: 'owner' }),
      [`PATCH ${E}`]: () => problem(403, 'forbidden', { right: 'admin' }),
    })
    const { wrapper } = await open('/admin/enterprise')
    await vi.waitFor(() => expect(wrapper.text()).toContain('示例科技'))
    await wrapper.find('.adm-head-end button').trigger('click')
    await wrapper.find('form input').setValue('新名字')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(wrapper.find('form [role="alert"]').text()).toContain('你没有“管理员”权限')
  })
})

describe('import', () => {
  it('shows each bad row by row, column and problem, and that nobody was imported', async () => {
    const calls = server({
      ...enterprise('owner'),
      [`POST ${E}/imports`]: () => json(202, { id: '77', status: 'queued', rows_total: 0, rows_done: 0, imported: 0, errors: [], created_at: '2026-11-29T02:00:00.000Z', finished_at: null, created_by: { user_id: ME.id, name: '李雷' } }),
      [`GET ${E}/imports/77`]: () =>
        json(200, {
          id: '77', status: 'failed', rows_total: 3, rows_done: 3, imported: 0, created_at: '2026-11-29T02:00:00.000Z', finished_at: '2026-11-29T02:00:01.000Z', created_by: { user_id: ME.id, name: '李雷' },
          errors: [{ row: 3, column: 'mobile', code: 'invalid_value', detail: 'not a mainland China mobile number' }],
        }),
    })
    const { wrapper } = await open('/admin/import')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="import-file"]').exists()).toBe(true))
    const input = wrapper.find('[data-testid="import-file"]')
    const file = new File(['姓名*,手机号*\r\n张三,13800138000\r\n李四,12345\r\n'], 'people.csv', { type: 'text/csv' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await wrapper.find('form').trigger('submit')
    await settle()

    const upload = calls.find((c) => c.method === 'POST')!
    expect(upload.url).toBe(`${E}/imports`)
    expect((upload.body as File).name).toBe('people.csv')

    await vi.waitFor(() => expect(wrapper.find('[data-testid="import-errors"]').exists()).toBe(true), { timeout: 3000 })
    const result = wrapper.find('[data-testid="import-result"]')
    expect(result.text()).toContain('未导入')
    expect(result.find('[role="alert"]').text()).toContain('没有导入任何人')
    const cells = wrapper.findAll('[data-testid="import-errors"] tbody td').map((td) => td.text())
    expect(cells.slice(0, 3)).toEqual(['3', '手机号', '格式不正确'])
    expect(result.text()).not.toContain('已导入')
  })
})

describe('calendar file', () => {
  it('lists the rows of a refused holiday file and says nothing was imported', async () => {
    server({
      ...enterprise('owner'),
      [`GET ${E}/attendance/calendar`]: () => json(200, { time_zone: 'Asia/Shanghai', utc_offset: '+08:00', workdays: [1, 2, 3, 4, 5], days: [] }),
      [`POST ${E}/attendance/calendar/import`]: () =>
        problem(422, 'calendar_file_invalid', { errors: [{ row: 3, column: 'date', code: 'invalid_date', detail: 'not a date' }, { row: 4, column: 'kind', code: 'invalid_kind', detail: 'bad kind' }], error_count: 2 }),
    })
    const { wrapper } = await open('/admin/attendance/calendar')
    await vi.waitFor(() => expect(wrapper.find('input[type="file"]').exists()).toBe(true))
    const input = wrapper.find('input[type="file"]')
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], 'holidays.csv', { type: 'text/csv' })] })
    await input.trigger('change')
    await wrapper.findAll('form').at(-1)!.trigger('submit')
    await settle()
    expect(wrapper.text()).toContain('什么都没有导入')
    const rows = wrapper.findAll('tbody tr').map((tr) => tr.findAll('td').slice(0, 3).map((td) => td.text()))
    expect(rows).toEqual([['3', '日期', '日期不正确'], ['4', '类型', '类型不正确']])
  })
})

describe('invitation links', () => {
  it('shows a new link with its QR code', async () => {
    const url = `https://atrium.example/join/${'t'.repeat(43)}`
    const calls = server({
      ...enterprise('owner'),
      [`GET ${E}/pending-members`]: () => json(200, { pending_members: [], next_cursor: null }),
      [`GET ${E}/invitations`]: () => json(200, { invitations: [], next_cursor: null }),
      [`POST ${E}/invitations`]: () =>
        json(201, { id: '9', department_id: null, needs_approval: true, max_uses: 10, uses: 0, expires_at: '2026-12-06T02:00:00.000Z', created_at: '2026-11-29T02:00:00.000Z', state: 'active', created_by: { user_id: ME.id, name: '李雷' }, token: 't'.repeat(43), url }),
    })
    const { wrapper } = await open('/admin/joining')
    await vi.waitFor(() => expect(wrapper.find('.van-tabs').exists()).toBe(true))
    const tabs = wrapper.findAll('[role="tab"]')
    await tabs[2].trigger('click')
    await settle()
    const form = wrapper.findAll('form').find((f) => f.text().includes('生成链接和二维码'))!
    await form.find('input[type="number"][max="100000"]').setValue('10')
    await form.find('input[type="checkbox"]').setValue(true)
    await form.trigger('submit')
    await settle()

    const made = calls.find((c) => c.method === 'POST' && c.url === `${E}/invitations`)!
    expect(made.body).toEqual({ expires_in_days: 7, max_uses: 10, needs_approval: true })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="invitation-qr"]').exists()).toBe(true))
    const img = wrapper.find('[data-testid="invitation-qr"]')
    expect(img.attributes('src')).toMatch(/^data:image\/svg\+xml/)
    expect(decodeURIComponent(img.attributes('src')!)).toContain('<svg')
    expect(img.attributes('alt')).toBe('邀请链接的二维码')
    expect((wrapper.find('.adm-qr-url').element as HTMLInputElement).value).toBe(url)
  })
})

describe('reports', () => {
  const summary = { expected_days: 20, attended_days: 18, late_count: 2, late_minutes: 25, early_count: 1, early_minutes: 5, absent_days: 1, missing_punches: 1, field_punches: 0, makeups: 1, worked_minutes: 8640, rest_day_minutes: 0 }

  it('draws the month and downloads the export in the format chosen', async () => {
    const asked: string[] = []
    server({
      ...enterprise('owner'),
      [`GET ${E}/attendance/reports/monthly`]: (call) => {
        const format = new URL(call.url, 'http://x').searchParams.get('format')
        if (format) {
          asked.push(call.url)
          const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          return new Response(format === 'csv' ? '\ufeff月份\r\n' : 'PK\u0003\u0004', { status: 200, headers: { 'Content-Type': type } })
        }
        return json(200, { month: '2026-11', people: [{ user: { user_id: ME.id, name: '李雷' }, department: { id: '11', name: '研发部' }, group: { id: '5', name: '研发考勤' }, summary }], people_total: 1, totals: summary, next_cursor: null })
      },
    })
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob)
      return `blob:${created.length}`
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })

    const { wrapper } = await open('/admin/attendance/reports')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="bar-chart"]').exists()).toBe(true))
    const chart = wrapper.find('[data-testid="bar-chart"]')
    expect(chart.attributes('aria-label')).toContain('迟到次数 2')
    expect(chart.findAll('rect[data-key]').length).toBe(7)
    expect(wrapper.text()).toContain('李雷')

    await wrapper.find('[data-testid="export-xlsx"]').trigger('click')
    await settle()
    await wrapper.find('[data-testid="export-csv"]').trigger('click')
    await settle()
    await flushPromises()

    expect(asked.map((u) => new URL(u, 'http://x').searchParams.get('format'))).toEqual(['xlsx', 'csv'])
    expect(names).toEqual([`attendance-${EID}-${new URL(asked[0], 'http://x').searchParams.get('month')}.xlsx`, expect.stringMatching(/\.csv$/)])
    expect(created.map((b) => b.type)).toEqual([expect.stringMatching(/spreadsheetml/), expect.stringMatching(/^text\/csv/)])
  })
})

describe('lists and forms', () => {
  const place = (id: string, name: string) => ({ id, kind: 'geofence', name, latitude: 31.2, longitude: 121.4, coords: 'wgs84', radius_m: 200 })

  it('deletes a place only once asked, and marks the field a refused save names', async () => {
    let places = [place('1', '总部'), place('2', '分部')]
    const calls = server({
      ...enterprise('owner'),
      [`GET ${E}/attendance/places`]: () => json(200, { places }),
      [`DELETE ${E}/attendance/places/1`]: () => {
        places = places.filter((p) => p.id !== '1')
        return json(204, null)
      },
      [`POST ${E}/attendance/places`]: () => problem(400, 'invalid_value', { field: 'radius_m' }),
    })
    const { wrapper } = await open('/admin/attendance/places')
    await vi.waitFor(() => expect(wrapper.text()).toContain('分部'))
    const deleteOf = (name: string) => wrapper.findAll('tbody tr').find((r) => r.text().includes(name))!.findAll('button').find((b) => b.text() === '删除')!

    await deleteOf('分部').trigger('click')
    await settle()
    ;(document.body.querySelector('.van-dialog__cancel') as HTMLElement).click()
    await settle()
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)

    await deleteOf('总部').trigger('click')
    await settle()
    ;(document.body.querySelector('.van-dialog__confirm') as HTMLElement).click()
    await vi.waitFor(() => expect(wrapper.text()).not.toContain('总部'))
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${E}/attendance/places/1`])

    await wrapper.find('.adm-head-end button').trigger('click')
    await wrapper.find('form input[type="number"][max="5000"]').setValue('10')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(wrapper.find('form [role="alert"]').exists()).toBe(true)
    expect(wrapper.find('form input[type="number"][max="5000"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('form input[maxlength="64"]').attributes('aria-invalid')).toBe('false')
  })

  it('adds the next page of flagged punches, and asks again when the filter changes', async () => {
    const punch = (id: string) => ({
      id, user_id: ME.id, user: { user_id: ME.id, name: `李雷${id}` }, kind: 'location', punched_at: '2026-11-28T01:00:00.000Z', day: '2026-11-28', client_time: '2026-11-28T01:00:00.000Z',
      place_id: null, matched_by: null, field: false, distance_m: null, flags: ['mock_location'], location_kept: false, location_expires_at: null, note: null, photo_file_id: null, review: 'pending', reviewed_by: null, reviewed_at: null,
    })
    const calls = server({
      ...enterprise('owner'),
      [`GET ${E}/attendance/punches`]: (call) => {
        const cursor = new URL(call.url, 'http://x').searchParams.get('cursor')
        return json(200, cursor ? { punches: [punch('2')], next_cursor: null } : { punches: [punch('1')], next_cursor: 'c2' })
      },
      [`GET ${E}/attendance/device-requests`]: () => json(200, { requests: [], next_cursor: null }),
      [`GET ${E}/attendance/makeups`]: () => json(200, { makeups: [], next_cursor: null }),
    })
    const { wrapper } = await open('/admin/attendance/review')
    await vi.waitFor(() => expect(wrapper.text()).toContain('李雷1'))
    await wrapper.findAll('button').find((b) => b.text() === '加载更多')!.trigger('click')
    await vi.waitFor(() => expect(wrapper.text()).toContain('李雷2'))
    expect(wrapper.text()).toContain('李雷1')
    expect(wrapper.findAll('button').some((b) => b.text() === '加载更多')).toBe(false)

    const punchCalls = () => calls.filter((c) => c.url.startsWith(`${E}/attendance/punches`)).map((c) => new URL(c.url, 'http://x').searchParams)
    expect(punchCalls()[1].get('cursor')).toBe('c2')
    await wrapper.find('select').setValue('all')
    await settle()
    const last = punchCalls().at(-1)!
    expect(last.get('review')).toBeNull()
    expect(last.get('cursor')).toBeNull()
    expect(wrapper.text()).not.toContain('李雷2')
  })
})
