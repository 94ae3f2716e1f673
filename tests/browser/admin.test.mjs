// The administration area on a desktop window (1280×800): an administrator imports people from
// a CSV file with one bad row and is shown that row's error, with nobody imported; and the
// attendance reports with a colleague's punch in them (a screenshot for the README).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DESKTOP, browserTest, enterprise, nextPhone, signUp, suite } from './lib/browser.mjs';

const s = suite();

const E = '/api/v1/enterprises';

/** Opens an entry of the administration menu by its label. */
async function menu(p, label) {
  // The overview repeats the menu as tiles, also named 管理菜单: the first is the side menu.
  await p.page.getByRole('navigation', { name: '管理菜单' }).first().getByRole('link', { name: label, exact: true }).click();
  await p.page.getByRole('heading', { name: label, level: 1 }).waitFor();
}

browserTest(s, 'an administrator imports a CSV with one bad row and sees that row’s error', async (t, b) => {
  const zhang = await b.person('zhang', { device: DESKTOP });
  const { page } = zhang;
  await signUp(zhang, { name: '张三' });
  const eid = await enterprise(zhang);

  // Row 3 holds no mobile number a phone could have; rows 2 and 4 are fine.
  const csv = '\ufeff姓名* Name,手机号* Mobile,部门 Department,职务 Title,工号 Job number,邮箱 E-mail\r\n'
    + `钱七,${nextPhone()},,,,\r\n`
    + '孙八,12345,,,,\r\n'
    + `周九,${nextPhone()},,,,\r\n`;

  await zhang.goto('/admin');
  await menu(zhang, '批量导入');
  await page.getByLabel('选择 CSV 或 XLSX 文件').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: '上传并导入' }).click();

  // Not imported: one problem, on row 3, in the mobile column; nobody pending.
  const result = page.getByTestId('import-result');
  await result.getByText('未导入', { exact: true }).waitFor({ timeout: 20_000 });
  await result.getByText('文件中有 1 个问题，没有导入任何人。请修改后重新上传。').waitFor();
  const rows = page.getByTestId('import-errors').locator('tbody tr');
  assert.equal(await rows.count(), 1, 'one bad row');
  const cells = await rows.first().locator('td').allInnerTexts();
  assert.equal(cells[0].trim(), '3', 'row 3');
  assert.equal(cells[1].trim(), '手机号');
  assert.equal(cells[2].trim(), '格式不正确');
  assert.ok(!cells.join(' ').includes('12345'), 'the report never repeats a cell’s value');
  const pending = await zhang.api('GET', `${E}/${eid}/pending-members`);
  assert.equal(pending.status, 200, pending.text);
  assert.equal(pending.json.pending_members.length, 0, 'nothing half-imported');
  await b.shot(page, 'admin-import');
});

browserTest(s, 'the attendance reports show a colleague’s punch', async (t, b) => {
  const { srv } = b;
  const zhang = await b.person('zhang', { device: DESKTOP });
  const { page } = zhang;
  await signUp(zhang, { name: '张三' });
  const eid = await enterprise(zhang);

  // SET-UP THROUGH THE API: Wang (no browser) joins, grants the location consent and punches
  // in at the office, the geofence and the group made with Zhang's session.
  const wang = await srv.signUp({ name: '王五' });
  let r = await zhang.api('POST', `${E}/${eid}/pending-members`, { body: { name: '王五', mobile: wang.phone, notify: false } });
  assert.equal(r.status, 201, r.text);
  r = await srv.req('POST', `/api/v1/me/invitations/${r.json.id}/accept`, { token: wang.token, body: {} });
  assert.equal(r.status, 201, r.text);
  const HQ = { latitude: 31.2304, longitude: 121.4737 };
  r = await zhang.api('POST', `${E}/${eid}/attendance/places`, { body: { kind: 'geofence', name: '总部', ...HQ, coords: 'wgs84', radius_m: 200 } });
  assert.equal(r.status, 201, r.text);
  const place = r.json.id;
  r = await zhang.api('POST', `${E}/${eid}/attendance/groups`, { body: {
    name: '总部', user_ids: [wang.user.id], place_ids: [place],
    rule: { kind: 'free', allow_field: false, device_changes_per_month: 0, location_retention_days: 30, max_speed_kmh: 300, max_accuracy_m: 200, clock_skew_s: 300 } } });
  assert.equal(r.status, 201, r.text);
  r = await srv.req('POST', '/api/v1/me/consents', { token: wang.token, body: { purpose: 'attendance_location', granted: true, device_id: wang.device.id } });
  assert.equal(r.status, 201, r.text);
  r = await srv.req('POST', `${E}/${eid}/attendance/punches`, { token: wang.token, body: {
    idempotency_key: randomUUID(), kind: 'location', client_time: new Date().toISOString(), device_id: wang.device.id,
    location: { ...HQ, coords: 'wgs84', accuracy_m: 15 } } });
  assert.equal(r.status, 201, r.text);

  // The month lists both members; today's daily report has Wang's punch at its time.
  await zhang.goto('/admin');
  await menu(zhang, '考勤报表');
  await page.locator('table').getByRole('button', { name: '王五' }).waitFor();
  await page.locator('table').getByRole('button', { name: '张三' }).waitFor();
  await page.getByLabel('日报').check();
  const row = page.locator('table tbody tr', { has: page.getByRole('button', { name: '王五' }) });
  const punchedAt = new Date(r.json.punched_at).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  await row.getByText(punchedAt).first().waitFor();
  await b.shot(page, 'admin-report');
});
