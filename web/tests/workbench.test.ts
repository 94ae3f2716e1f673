// The workbench and attendance: location asked only when punching, a consent granted on the spot
// and the same punch retried with its key, the other ways to punch, the month's calendar and
// make-up requests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AttendancePage from '@/features/workbench/AttendancePage.vue'
import MonthPage from '@/features/workbench/MonthPage.vue'
import MakeupsPage from '@/features/workbench/MakeupsPage.vue'
import WorkbenchHome from '@/features/workbench/WorkbenchHome.vue'
import { setLocale } from '@/i18n'
import { fakeServer, json, mountAt, problem, settle, signIn, type Call } from './helpers'

const EID = '4100'
const E = `/api/v1/enterprises/${EID}`
const ENTERPRISES = {
  enterprises: [{ id: EID, name: '示例科技', logo_url: '', role: 'member', status: 'active', name_in_enterprise: '李雷', joined_at: '2026-01-01T00:00:00.000Z' }],
}
const PLACES = [
  { id: '11', kind: 'geofence', name: '总部', latitude: 31.2304, longitude: 121.4737, coords: 'wgs84', radius_m: 200 },
  { id: '12', kind: 'wifi', name: '办公室网络', ssid: 'Atrium-Office', bssid: 'aa:bb:cc:dd:ee:ff' },
]
const ME_ATT = (rule = {}) => ({
  day: '2026-11-27',
  time_zone: 'Asia/Shanghai',
  utc_offset: '+08:00',
  workday: true,
  group: { id: '9', name: '总部考勤' },
  rule: { kind: 'fixed', allow_field: true, ...rule },
  shifts: [{ start: '09:00', end: '18:00', ends_next_day: false }],
  places: PLACES,
})
const PURPOSES = [
  {
    id: 'attendance_location',
    version: 2,
    title: '考勤定位',
    description: '打卡时判断你是否在考勤地点',
    i18n: { zh: { title: '考勤定位', description: '打卡时判断你是否在考勤地点' }, en: { title: 'Attendance location', description: 'Whether you are at a place when punching' } },
    permission: 'location',
    sensitive: true,
    required: false,
    basis: 'consent',
  },
]

function punchReply(body: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: '777',
    kind: body.kind,
    punched_at: '2026-11-27T00:58:00.000Z',
    day: '2026-11-27',
    client_time: body.client_time,
    device_id: body.device_id,
    place_id: '11',
    matched_by: 'location',
    field: false,
    distance_m: 35,
    flags: [],
    location_kept: true,
    location_expires_at: null,
    note: null,
    photo_file_id: null,
    review: 'none',
    reviewed_by: null,
    reviewed_at: null,
    ...extra,
  }
}

let geo: ReturnType<typeof vi.fn>
function stubGeolocation(answer: 'ok' | 'denied' = 'ok') {
  geo = vi.fn((ok: PositionCallback, fail: PositionErrorCallback) => {
    if (answer === 'ok') ok({ coords: { latitude: 31.2305, longitude: 121.4738, accuracy: 12.4 } } as GeolocationPosition)
    else fail({ code: 1, message: 'denied' } as GeolocationPositionError)
  })
  Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: geo }, configurable: true })
}

function server(punch: (c: Call) => Response, extra: Record<string, (c: Call) => Response> = {}, rule = {}) {
  return fakeServer({
    'GET /api/v1/me/enterprises': () => json(200, ENTERPRISES),
    [`GET ${E}/attendance/me`]: () => json(200, ME_ATT(rule)),
    [`GET ${E}/attendance/punches/me`]: () => json(200, { punches: [] }),
    [`POST ${E}/attendance/punches`]: punch,
    'GET /api/v1/privacy/purposes': () => json(200, { language: 'zh', purposes: PURPOSES }),
    'GET /api/v1/me/consents': () => json(200, { purposes: [{ purpose: 'attendance_location', title: '考勤定位', version: 2, granted: false, needs_renewal: false, updated_at: null }], history: [] }),
    ...extra,
  })
}

const punches = (calls: Call[]) => calls.filter((c) => c.method === 'POST' && c.url === `${E}/attendance/punches`)

beforeEach(() => stubGeolocation())
afterEach(() => {
  delete (navigator as unknown as Record<string, unknown>).geolocation
})

describe('workbench', () => {
  it('shows the attendance tiles from the list', async () => {
    fakeServer({ 'GET /api/v1/me/enterprises': () => json(200, ENTERPRISES), 'GET /api/v1/me/invitations': () => json(200, { invitations: [] }) })
    const { wrapper } = await mountAt(WorkbenchHome, '/workbench', signIn)
    await settle()
    const tile = wrapper.find('[data-tile="attendance"]')
    expect(tile.text()).toContain('考勤打卡')
    expect(tile.attributes('href')).toBe('/workbench/attendance')
    expect(wrapper.find('[data-tile="month"]').exists()).toBe(true)
  })
})

describe('punching', () => {
  it('asks for the location only when the button is pressed, then punches with it', async () => {
    const { calls } = server((c) => json(201, punchReply(c.body as Record<string, unknown>)))
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    expect(wrapper.text()).toContain('总部考勤')
    expect(wrapper.text()).toContain('09:00')
    expect(geo).not.toHaveBeenCalled()
    expect(punches(calls)).toHaveLength(0)

    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(geo).toHaveBeenCalledTimes(1)
    const sent = punches(calls)
    expect(sent).toHaveLength(1)
    expect(sent[0].body).toEqual({
      idempotency_key: expect.any(String),
      client_time: expect.any(String),
      device_id: expect.stringMatching(/^web-/),
      kind: 'location',
      location: { latitude: 31.2305, longitude: 121.4738, coords: 'wgs84', accuracy_m: 12 },
    })
    const result = wrapper.find('[data-test="result"]')
    expect(result.text()).toContain('打卡成功')
    expect(result.text()).toContain('地点：总部')
    expect(result.text()).toContain('距离地点 35 米')
  })

  it('uses a fresh key for each press', async () => {
    const { calls } = server((c) => json(201, punchReply(c.body as Record<string, unknown>)))
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    const keys = punches(calls).map((c) => (c.body as { idempotency_key: string }).idempotency_key)
    expect(keys).toHaveLength(2)
    expect(keys[0]).not.toBe(keys[1])
  })

  it('on consent_required offers the consent, then retries the same punch with the same key', async () => {
    let granted = false
    const { calls } = server(
      (c) => (granted ? json(201, punchReply(c.body as Record<string, unknown>)) : problem(403, 'consent_required', { purpose: 'attendance_location' })),
      {
        'POST /api/v1/me/consents': (c) => {
          granted = true
          return json(201, { id: '5', ...(c.body as object), purpose_version: 2, policy_version: 'p', created_at: 'x' })
        },
      },
    )
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    const panel = wrapper.find('[data-trouble="consent"]')
    expect(panel.text()).toContain('“考勤定位”')
    expect(panel.text()).toContain('打卡时判断你是否在考勤地点')
    // The other ways are offered as well: Wi-Fi (the group has a network) and field.
    expect(wrapper.find('[data-test="alt-wifi"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="alt-field"]').exists()).toBe(true)

    await wrapper.find('[data-test="grant"]').trigger('click')
    await settle()
    const consent = calls.find((c) => c.method === 'POST' && c.url === '/api/v1/me/consents')
    expect(consent?.body).toEqual({ purpose: 'attendance_location', granted: true, device_id: expect.stringMatching(/^web-/) })
    const sent = punches(calls)
    expect(sent).toHaveLength(2)
    expect(sent[1].body).toEqual(sent[0].body)
    expect(geo).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-test="result"]').text()).toContain('打卡成功')
    expect(wrapper.find('[data-trouble]').exists()).toBe(false)
  })

  it('when the consent is there but the device reported location off, turns it on and retries the same punch', async () => {
    let on = false
    const { calls } = server(
      (c) => (on ? json(201, punchReply(c.body as Record<string, unknown>)) : problem(403, 'consent_required', { purpose: 'attendance_location' })),
      {
        'GET /api/v1/me/consents': () => json(200, { purposes: [{ purpose: 'attendance_location', title: '考勤定位', version: 2, granted: true, needs_renewal: false, updated_at: '2026-11-01T00:00:00.000Z' }], history: [] }),
        'PUT /api/v1/me/devices/web-test-device/permissions': () => {
          on = true
          return json(200, { location: true })
        },
      },
    )
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', () => {
      signIn()
      localStorage.setItem('atrium.device', 'web-test-device')
    })
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-trouble="consent"]').text()).toContain('这台设备上报的位置权限是关闭的')
    await wrapper.find('[data-test="grant"]').trigger('click')
    await settle()
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ location: true })
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/me/consents')).toBe(false)
    const sent = punches(calls)
    expect(sent).toHaveLength(2)
    expect(sent[1].body).toEqual(sent[0].body)
    expect(wrapper.find('[data-test="result"]').exists()).toBe(true)
  })

  it('explains consent_required in English to an English reader', async () => {
    server(() => problem(403, 'consent_required', { purpose: 'attendance_location' }))
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', () => {
      signIn()
      setLocale('en')
    })
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-trouble="consent"]').text()).toContain('needs your consent to "Attendance location"')
    setLocale('zh-CN')
  })

  it('on outside_places shows the distance and offers a field punch with a note', async () => {
    let n = 0
    const { calls } = server((c) => {
      n += 1
      const body = c.body as Record<string, unknown>
      if (n === 1) return problem(422, 'outside_places', { field_allowed: true, distance_m: 215 })
      return json(201, punchReply(body, { place_id: null, matched_by: null, field: true, distance_m: 215, flags: ['field'], review: 'pending', note: body.note }))
    })
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-trouble="outside"]').text()).toContain('约 215 米')
    await wrapper.find('[data-test="alt-field"]').trigger('click')
    await settle()
    const form = wrapper.find('[data-test="field-form"]')
    await form.find('[data-test="field-submit"]').trigger('click')
    await settle()
    expect(form.text()).toContain('请填写外勤说明')
    expect(punches(calls)).toHaveLength(1)
    await form.find('textarea').setValue('在客户公司开会')
    await form.find('[data-test="field-submit"]').trigger('click')
    await settle()
    const sent = punches(calls)
    expect(sent).toHaveLength(2)
    const body = sent[1].body as Record<string, unknown>
    expect(body.kind).toBe('field')
    expect(body.note).toBe('在客户公司开会')
    expect(body.location).toEqual((sent[0].body as Record<string, unknown>).location)
    expect(body.idempotency_key).not.toBe((sent[0].body as Record<string, unknown>).idempotency_key)
    const result = wrapper.find('[data-test="result"]')
    expect(result.text()).toContain('外勤打卡')
    expect(result.text()).toContain('待审核')
  })

  it('says when the rule allows no field punch', async () => {
    server(() => problem(422, 'outside_places', { field_allowed: false, distance_m: 1200 }), {}, { allow_field: false })
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-trouble="outside"]').text()).toContain('不允许外勤打卡')
    expect(wrapper.find('[data-test="alt-field"]').exists()).toBe(false)
  })

  it('when the browser refuses the location, says so and offers Wi-Fi', async () => {
    stubGeolocation('denied')
    const { calls } = server((c) => json(201, punchReply(c.body as Record<string, unknown>, { kind: 'wifi', matched_by: 'wifi', place_id: '12', distance_m: null })))
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-trouble="geo"]').text()).toContain('位置权限被拒绝')
    expect(punches(calls)).toHaveLength(0)
    await wrapper.find('[data-test="alt-wifi"]').trigger('click')
    await settle()
    await wrapper.find('[data-test="wifi-form"] [role="radio"]').trigger('click')
    await wrapper.find('[data-test="wifi-submit"]').trigger('click')
    await settle()
    const sent = punches(calls)
    expect(sent).toHaveLength(1)
    expect((sent[0].body as Record<string, unknown>).kind).toBe('wifi')
    expect((sent[0].body as Record<string, unknown>).wifi).toEqual({ ssid: 'Atrium-Office', bssid: 'aa:bb:cc:dd:ee:ff' })
    expect((sent[0].body as Record<string, unknown>).location).toBeUndefined()
    expect(wrapper.find('[data-test="result"]').text()).toContain('办公室网络')
  })

  it('on device_not_bound explains and sends a device change request', async () => {
    const { calls } = server(() => problem(409, 'device_not_bound'), {
      [`POST ${E}/attendance/device-requests`]: (c) => json(201, { id: '3', device_id: (c.body as { device_id: string }).device_id, reason: '换了新手机', status: 'pending', created_at: 'x', decided_by: null, decided_at: null }),
    })
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    const panel = wrapper.find('[data-trouble="device"]')
    expect(panel.text()).toContain('只能在那台设备上打卡')
    await panel.find('input').setValue('换了新手机')
    await panel.find('[data-test="device-request"]').trigger('click')
    await settle()
    const req = calls.find((c) => c.url === `${E}/attendance/device-requests`)
    expect(req?.body).toEqual({ device_id: expect.stringMatching(/^web-/), reason: '换了新手机' })
    expect(wrapper.find('[data-trouble="device"]').text()).toContain('申请已提交')
  })

  it('keeps the same key when the person retries after a failure', async () => {
    let n = 0
    const { calls } = server((c) => (++n === 1 ? problem(503, 'service_unavailable') : json(201, punchReply(c.body as Record<string, unknown>))))
    const { wrapper } = await mountAt(AttendancePage, '/workbench/attendance', signIn)
    await settle()
    await wrapper.find('[data-test="punch"]').trigger('click')
    await settle()
    await wrapper.find('[data-test="retry"]').trigger('click')
    await settle()
    const sent = punches(calls)
    expect(sent).toHaveLength(2)
    expect((sent[1].body as Record<string, unknown>).idempotency_key).toBe((sent[0].body as Record<string, unknown>).idempotency_key)
    expect(wrapper.find('[data-test="result"]').exists()).toBe(true)
  })
})

const day = (d: string, status: string, extra: Record<string, unknown> = {}) => ({ day: d, status, group_id: '9', expected: true, shifts: [], ...extra })
const MONTH = {
  month: '2026-11',
  group: { id: '9', name: '总部考勤' },
  days: Array.from({ length: 30 }, (_, i) => {
    const d = `2026-11-${String(i + 1).padStart(2, '0')}`
    if (i === 2) return day(d, 'normal', { worked_minutes: 490 })
    if (i === 3) return day(d, 'late', { late_minutes: 7, late_count: 1 })
    if (i === 4) return day(d, 'early', { early_minutes: 10 })
    if (i === 5)
      return day(d, 'missing', {
        missing_count: 1,
        shifts: [{ start: '09:00', end: '18:00', ends_next_day: false, expected_end: '18:00', in: { at: '2026-11-06T00:55:00.000Z', proof: 'place', place_id: '11', review: 'none' }, out: null, in_missing: false, out_missing: true, late_minutes: 0, early_minutes: 0, worked_minutes: 0 }],
      })
    if (i === 9) return day(d, 'absent')
    if (i === 10) return day(d, 'field_pending')
    if (i === 0) return day(d, 'rest', { expected: false })
    if (i === 27) return day(d, 'future')
    return day(d, 'rest', { expected: false })
  }),
  summary: { expected_days: 20, attended_days: 4, late_count: 1, late_minutes: 7, early_count: 1, early_minutes: 10, absent_days: 1, missing_punches: 1, field_punches: 1, makeups: 0, worked_minutes: 1000, rest_day_minutes: 0 },
}

describe('my month', () => {
  function monthServer() {
    return fakeServer({
      'GET /api/v1/me/enterprises': () => json(200, ENTERPRISES),
      [`GET ${E}/attendance/me/month`]: () => json(200, MONTH),
      [`GET ${E}/attendance/calendar`]: () => json(200, { time_zone: 'Asia/Shanghai', utc_offset: '+08:00', workdays: [1, 2, 3, 4, 5], days: [{ day: '2026-11-01', kind: 'holiday', name: '建厂纪念日' }] }),
      [`GET ${E}/attendance/punches/me`]: () => json(200, { punches: [] }),
    })
  }

  it('colours each day by its status, late with its minutes', async () => {
    const { calls } = monthServer()
    const { wrapper } = await mountAt(MonthPage, '/workbench/attendance/month?month=2026-11', signIn)
    await settle()
    expect(calls.find((c) => c.url.includes('/attendance/me/month'))?.url).toContain('month=2026-11')
    const tone = (d: string) => wrapper.find(`[data-day="2026-11-${d}"]`)
    expect(tone('03').attributes('data-tone')).toBe('normal')
    expect(tone('04').attributes('data-tone')).toBe('late')
    expect(tone('04').text()).toContain('迟到 7 分钟')
    expect(tone('05').attributes('data-tone')).toBe('early')
    expect(tone('06').attributes('data-tone')).toBe('missing')
    expect(tone('10').attributes('data-tone')).toBe('absent')
    expect(tone('11').attributes('data-tone')).toBe('field')
    expect(tone('02').attributes('data-tone')).toBe('rest')
    expect(tone('01').attributes('data-tone')).toBe('holiday')
    expect(tone('01').text()).toContain('建厂纪念日')
    // 2026-11-01 is a Sunday: six empty cells before it, Monday first.
    expect(wrapper.findAll('.mo-pad')).toHaveLength(6)
    expect(wrapper.text()).toContain('总部考勤')
  })

  it('shows a day with its punches and offers a make-up for a missing punch', async () => {
    const { calls } = monthServer()
    const { wrapper, router } = await mountAt(MonthPage, '/workbench/attendance/month?month=2026-11', signIn)
    await settle()
    await wrapper.find('[data-day="2026-11-06"]').trigger('click')
    await settle()
    const detail = wrapper.find('[data-test="day-detail"]')
    expect(detail.text()).toContain('下班缺卡')
    expect(detail.text()).toContain('这一天没有打卡')
    expect(calls.some((c) => c.url.includes('/attendance/punches/me?from=2026-11-06&to=2026-11-06'))).toBe(true)
    await detail.find('[data-test="makeup"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/workbench/attendance/makeups?day=2026-11-06&shift=0&at=18:00'))
  })
})

describe('make-up requests', () => {
  it('sends day, shift, time and reason, and lists mine with their status', async () => {
    const { calls } = fakeServer({
      'GET /api/v1/me/enterprises': () => json(200, ENTERPRISES),
      [`GET ${E}/attendance/makeups/me`]: () =>
        json(200, { makeups: [{ id: '1', user_id: '1', day: '2026-11-02', shift: 0, at: '2026-11-02T10:00:00.000Z', reason: '地铁故障', status: 'rejected', created_at: 'x', decided_by: { user_id: '2', name: '韩梅' }, decided_at: '2026-11-03T02:00:00.000Z', comment: '请走请假流程' }], next_cursor: null }),
      [`GET ${E}/attendance/me`]: () => json(200, ME_ATT()),
      [`POST ${E}/attendance/makeups`]: (c) => json(201, { id: '2', user_id: '1', ...(c.body as object), at: '2026-11-06T10:00:00.000Z', status: 'pending', created_at: 'x', decided_by: null, decided_at: null, comment: '' }),
    })
    const { wrapper } = await mountAt(MakeupsPage, '/workbench/attendance/makeups?day=2026-11-06&shift=0&at=18:00', signIn)
    await settle()
    expect(wrapper.text()).toContain('已驳回')
    expect(wrapper.text()).toContain('请走请假流程')
    const form = wrapper.find('[data-test="form"]')
    expect((form.find('[data-test="day"]').element as HTMLInputElement).value).toBe('2026-11-06')
    expect((form.find('[data-test="at"]').element as HTMLInputElement).value).toBe('18:00')
    await form.find('[data-test="submit"]').trigger('click')
    await flushPromises()
    expect(form.text()).toContain('请填写原因')
    await form.find('textarea').setValue('忘记打下班卡')
    await form.find('[data-test="submit"]').trigger('click')
    await settle()
    const post = calls.find((c) => c.method === 'POST' && c.url === `${E}/attendance/makeups`)
    expect(post?.body).toEqual({ day: '2026-11-06', shift: 0, at: '18:00', reason: '忘记打下班卡' })
    expect(wrapper.findAll('[data-test="makeup"]')).toHaveLength(2)
    expect(wrapper.text()).toContain('待审批')
  })
})
