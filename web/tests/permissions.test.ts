// This device's permissions in the privacy center (PP-13): every switch the server keeps for this
// browser is shown and can be turned off and on again; the change goes to the server for this
// device only.
import { describe, expect, it } from 'vitest'
import App from '@/App.vue'
import { deviceId } from '@/lib/device'
import { fakeServer, json, mountAt, settle, signIn } from './helpers'

describe('device permissions', () => {
  it('lists the switches and sends a change for this device', async () => {
    const state: Record<string, boolean | null> = { location: true, microphone: null, camera: false }
    let server: ReturnType<typeof fakeServer> | undefined
    // The device id is made on first use, after the app's storage is cleared: the server is
    // set up with it once the person is signed in.
    const { wrapper } = await mountAt(App, '/privacy/permissions', () => {
      signIn()
      const id = encodeURIComponent(deviceId())
      server = fakeServer({
        [`GET /api/v1/me/devices/${id}/permissions`]: () => json(200, { device_id: deviceId(), permissions: state, updated_at: null }),
        [`PUT /api/v1/me/devices/${id}/permissions`]: (call) => {
          Object.assign(state, call.body as object)
          return json(200, { device_id: deviceId(), permissions: state, updated_at: '2026-11-29T02:30:00.000Z' })
        },
        'GET /api/v1/me/enterprises': () => json(200, { enterprises: [] }),
      })
    })
    await settle()
    const switches = wrapper.findAll('[role="switch"]')
    expect(switches).toHaveLength(3)
    expect(wrapper.text()).toContain('位置（考勤定位、Wi-Fi）')
    expect(wrapper.text()).toContain('麦克风（语音消息）')
    // Never reported counts as on (the browser asks when used); off is off.
    expect(switches.map((s) => s.attributes('aria-checked'))).toEqual(['true', 'true', 'false'])
    await switches[0].trigger('click')
    await settle()
    const put = server!.calls.find((c) => c.method === 'PUT')
    expect(put?.body).toEqual({ location: false })
    expect(wrapper.findAll('[role="switch"]')[0].attributes('aria-checked')).toBe('false')
  })
})
