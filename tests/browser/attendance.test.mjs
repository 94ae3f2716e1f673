// Punching on a phone whose location is faked by the browser context, standing inside the
// office's geofence: refused while the location consent is not given (nothing stored), accepted
// once it is granted from the refusal itself; the punch then shows in my month.

import assert from 'node:assert/strict';
import { browserTest, signUp, suite, tab } from './lib/browser.mjs';

const s = suite();

// The office in Shanghai (WGS-84, as a browser reports it) with a 200 m geofence, and where the
// phone stands: about 50 m north of it.
const HQ = { latitude: 31.2304, longitude: 121.4737 };
const HERE = { latitude: 31.23085, longitude: 121.4737, accuracy: 15 };

browserTest(s, 'a punch is refused without the location consent and accepted after granting it', async (t, b) => {
  const { srv } = b;
  const wang = await b.person('wang', { geolocation: HERE, permissions: ['geolocation'] });
  const { page } = wang;
  await signUp(wang, { name: '王五' });

  // SET-UP THROUGH THE API: an owner (no browser) makes the enterprise, invites Wang, who
  // accepts; the owner makes the HQ geofence and a free-time attendance group with Wang in it.
  const owner = await srv.signUp({ name: 'Owner' });
  const E = '/api/v1/enterprises';
  let r = await srv.req('POST', E, { token: owner.token, body: { creator_name: '张三', name: '星河科技', industry: '软件', size: '21-100', region: '上海市' } });
  assert.equal(r.status, 201, r.text);
  const eid = r.json.id;
  r = await srv.req('POST', `${E}/${eid}/pending-members`, { token: owner.token, body: { name: '王五', mobile: wang.phone, notify: false } });
  assert.equal(r.status, 201, r.text);
  r = await wang.api('POST', `/api/v1/me/invitations/${r.json.id}/accept`, { body: {} });
  assert.equal(r.status, 201, r.text);
  const me = (await wang.api('GET', '/api/v1/me')).json;
  r = await srv.req('POST', `${E}/${eid}/attendance/places`, { token: owner.token, body: { kind: 'geofence', name: '总部', ...HQ, coords: 'wgs84', radius_m: 200 } });
  assert.equal(r.status, 201, r.text);
  const place = r.json.id;
  r = await srv.req('POST', `${E}/${eid}/attendance/groups`, { token: owner.token, body: {
    name: '总部', user_ids: [me.id], place_ids: [place],
    rule: { kind: 'free', allow_field: false, device_changes_per_month: 0, location_retention_days: 30, max_speed_kmh: 300, max_accuracy_m: 200, clock_skew_s: 300 } } });
  assert.equal(r.status, 201, r.text);
  await page.reload();

  // Without the consent: the punch is refused, says why, and nothing is stored.
  await tab(wang, '工作台');
  await page.getByRole('link', { name: '考勤打卡' }).click();
  await page.waitForURL(/\/workbench\/attendance$/);
  await page.getByText('总部 · 半径 200 米').waitFor();
  await page.locator('[data-test="punch"]').click();
  const refusal = page.getByRole('alert').filter({ hasText: '需要你的同意' });
  await refusal.getByText('这种打卡方式需要你同意“考勤定位”。').waitFor();
  r = await wang.api('GET', `${E}/${eid}/attendance/punches/me`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.punches.length, 0, 'nothing stored');

  // Granting it right there punches again: accepted at 总部, about 50 m from its centre.
  await refusal.getByRole('button', { name: '同意并重新打卡' }).click();
  const result = page.locator('[data-test="result"]');
  await result.getByText('打卡成功').waitFor();
  await result.getByText(/地点：总部/).waitFor();
  await result.getByText(/距离地点 50 米/).waitFor();
  await b.shot(page, 'workbench-punch');
  r = await wang.api('GET', `${E}/${eid}/attendance/punches/me`);
  assert.equal(r.json.punches.length, 1, 'one punch stored');
  assert.equal(r.json.punches[0].place_id, place);
  const consents = await wang.api('GET', '/api/v1/me/consents');
  assert.ok(consents.json.purposes.find((c) => c.purpose === 'attendance_location').granted, 'the consent is on record');

  // My month: today is marked punched, and its detail lists the punch.
  await page.getByText('我的考勤月历', { exact: true }).click();
  await page.waitForURL(/\/workbench\/attendance\/month$/);
  const today = page.locator(`[data-day="${r.json.punches[0].day}"]`);
  await today.getByText('已打卡', { exact: true }).waitFor();
  await today.click();
  await page.locator('[data-test="day-detail"]').getByText(/· 定位/).waitFor();
  await b.shot(page, 'my-month');
});
