// Attendance rules (issue 6): the work calendar with holidays and swapped working weekends and its
// yearly import, punch places in WGS-84 and GCJ-02, attendance groups by department and by person
// with exceptions, each rule kind's checks, the roster of scheduled shifts, a member's own
// "today's shift" view, and who may do what.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, show, sql, startServer } from './lib/server.mjs';
import { xlsx } from './lib/zip.mjs';

const E = '/api/v1/enterprises';

async function setup(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  const A = `${E}/${eid}/attendance`;
  const join = async (name) => {
    const who = await srv.signUp();
    await addMember(srv, owner, eid, who, name);
    return who;
  };
  const dept = async (name, parent_id) => {
    const r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: parent_id ? { name, parent_id } : { name } });
    assert.equal(r.status, 201, show(r));
    return r.json.id;
  };
  const place = (who, departments, primary) => srv.req('PUT', `${E}/${eid}/members/${who.user.id}/departments`,
    { token: owner.token, body: { departments, primary } });
  const req = (method, path, body, who = owner) => srv.req(method, `${A}${path}`, { token: who.token, body });
  const ok = async (method, path, body, status = 200, who = owner) => {
    const r = await req(method, path, body, who);
    assert.equal(r.status, status, show(r));
    return r.json;
  };
  return { srv, owner, eid, A, join, dept, place, req, ok };
}

const upload = (srv, who, A, body) => srv.req('POST', `${A}/calendar/import`, { token: who.token, body,
  headers: { 'Content-Type': 'application/octet-stream' } });

const audits = (srv, action) => sql(srv, `SELECT subject || ' ' || object || ' ' || detail FROM audit_log WHERE action = '${action}' ORDER BY id`);

// Great-circle distance in metres, as the server measures it.
function metres(lat1, lng1, lat2, lng2) {
  const rad = Math.PI / 180;
  const a = Math.sin((lat2 - lat1) * rad / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin((lng2 - lng1) * rad / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

const fixed = (extra = {}) => ({ kind: 'fixed', shifts: [{ start: '09:00', end: '18:00', late_grace: 10, breaks: [{ start: '12:00', end: '13:00' }] }], ...extra });

test('the work calendar: a week, public holidays, swapped working weekends and a time zone', async (t) => {
  const { srv, owner, join, req, ok } = await setup(t);
  const member = await join('李四');
  // Any member reads it; the default is Monday to Friday in Asia/Shanghai.
  let cal = await ok('GET', '/calendar', undefined, 200, member);
  assert.deepEqual(cal, { time_zone: 'Asia/Shanghai', utc_offset: '+08:00', workdays: [1, 2, 3, 4, 5], days: [] });
  let me = await ok('GET', '/me?day=2025-10-01', undefined, 200, member);
  assert.equal(me.workday, true);

  // National Day 2025: a Wednesday off, and the Sunday before worked instead (调休).
  let day = await ok('PUT', '/calendar/days/2025-10-01', { kind: 'holiday', name: '国庆节' });
  assert.deepEqual(day, { day: '2025-10-01', kind: 'holiday', name: '国庆节', workday: false });
  await ok('PUT', '/calendar/days/2025-09-28', { kind: 'workday', name: '国庆节调休上班' });
  await ok('PUT', '/calendar/days/2026-01-01', { kind: 'holiday', name: '元旦' });
  cal = await ok('GET', '/calendar?year=2025', undefined, 200, member);
  assert.deepEqual(cal.days, [
    { day: '2025-09-28', kind: 'workday', name: '国庆节调休上班' },
    { day: '2025-10-01', kind: 'holiday', name: '国庆节' },
  ]);
  assert.equal((await ok('GET', '/calendar')).days.length, 3);
  assert.equal((await ok('GET', '/me?day=2025-10-01', undefined, 200, member)).workday, false);
  assert.equal((await ok('GET', '/me?day=2025-09-28', undefined, 200, member)).workday, true);
  assert.equal((await ok('GET', '/me?day=2025-10-04', undefined, 200, member)).workday, false); // a Saturday
  // A day changes kind in place; removing it lets the week decide again.
  await ok('PUT', '/calendar/days/2025-09-28', { kind: 'holiday' });
  assert.equal((await ok('GET', '/me?day=2025-09-28', undefined, 200, member)).workday, false);
  let res = await req('DELETE', '/calendar/days/2025-09-28');
  assert.equal(res.status, 204, show(res));
  assertProblem(await req('DELETE', '/calendar/days/2025-09-28'), 404, 'calendar_day_not_found');

  // Bad days and kinds change nothing.
  assertProblem(await req('PUT', '/calendar/days/2025-02-29', { kind: 'holiday' }), 400, 'invalid_value', { field: 'day' });
  assertProblem(await req('PUT', '/calendar/days/2025-10-02', { kind: 'vacation' }), 400, 'invalid_value', { field: 'kind' });
  assertProblem(await req('PUT', '/calendar/days/2025-10-02', { kind: 'holiday', name: 'x'.repeat(33) }), 400, 'invalid_value', { field: 'name' });
  assertProblem(await req('PUT', '/calendar/days/2025-10-02', {}), 400, 'missing_field', { field: 'kind' });
  assertProblem(await req('GET', '/calendar?year=25'), 400, 'invalid_value', { field: 'year' });
  assertProblem(await req('GET', '/me?day=tomorrow'), 400, 'invalid_value', { field: 'day' });

  // A six-day week in another fixed-offset zone.
  cal = await ok('PUT', '/calendar', { workdays: [6, 1, 2, 3, 4, 5], time_zone: 'Asia/Tokyo' });
  assert.equal(cal.time_zone, 'Asia/Tokyo');
  assert.equal(cal.utc_offset, '+09:00');
  assert.deepEqual(cal.workdays, [1, 2, 3, 4, 5, 6]);
  assert.equal((await ok('GET', '/me?day=2025-10-04', undefined, 200, member)).workday, true);
  me = await ok('GET', '/me', undefined, 200, member);
  assert.equal(me.day, new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10), 'today is the zone\'s date');
  assertProblem(await req('PUT', '/calendar', { time_zone: 'Europe/London' }), 400, 'invalid_value', { field: 'time_zone' });
  assertProblem(await req('PUT', '/calendar', { workdays: [0, 1] }), 400, 'invalid_value', { field: 'workdays' });
  assertProblem(await req('PUT', '/calendar', { workdays: [1, 1] }), 400, 'invalid_value', { field: 'workdays' });
  assertProblem(await req('PUT', '/calendar', { workdays: [] }), 400, 'invalid_value', { field: 'workdays' });
  assertProblem(await req('PUT', '/calendar', { weekends: [6, 7] }), 400, 'unknown_field', { field: 'weekends' });
  assert.equal((await ok('GET', '/calendar')).time_zone, 'Asia/Tokyo');

  // Audited with dates and field names only.
  assert.equal(audits(srv, 'attendance.calendar_day_set').length, 4);
  assert.match(audits(srv, 'attendance.calendar_update')[0], /^0 enterprise:\d+ \{"fields":\["workdays","time_zone"\]\}$/);
  assert.equal(audits(srv, 'attendance.calendar_day_delete').length, 1);
  assert.ok(owner);
});

test('a yearly holiday set is imported from CSV or XLSX, all or nothing, with row errors', async (t) => {
  const { srv, owner, A, ok } = await setup(t);
  await ok('PUT', '/calendar/days/2025-05-01', { kind: 'workday', name: '手工' });
  await ok('PUT', '/calendar/days/2024-12-31', { kind: 'holiday', name: '去年' });

  // Two bad rows: nothing is imported, and each is named by row, column and code (never a value).
  const bad = '\ufeff日期,类型,名称\r\n2025-01-01,holiday,元旦\r\n2025-02-30,holiday,错\r\n2025-01-26,maybe,春节调休\r\n2025-01-01,holiday,重复\r\n';
  let res = await upload(srv, owner, A, bad);
  const p = assertProblem(res, 422, 'calendar_file_invalid');
  assert.deepEqual(p.errors.map((e) => [e.row, e.column, e.code]), [[3, 'date', 'invalid_date'], [4, 'kind', 'invalid_kind'], [5, 'date', 'duplicate_day']]);
  assert.equal(p.error_count, 3);
  assert.ok(!JSON.stringify(p.errors).includes('maybe'), 'no cell value is quoted');
  assert.deepEqual(sql(srv, 'SELECT day FROM attendance_calendar_days ORDER BY day'), ['2024-12-31', '2025-05-01']);

  // The 2025 set: its days replace 2025's exceptions; 2024's stay.
  const good = '\ufeff日期 date,类型 kind,名称 name\r\n2025-01-01,holiday,元旦\r\n2025/1/26,workday,春节调休上班\r\n'
    + '2025-1-28,放假,春节\r\n2025-02-08,补班,春节调休上班\r\n2025-10-01,holiday,国庆节\r\n';
  res = await upload(srv, owner, A, good);
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json, { imported: 5, years: [2025] });
  let cal = await ok('GET', '/calendar?year=2025');
  assert.deepEqual(cal.days.map((d) => [d.day, d.kind]), [
    ['2025-01-01', 'holiday'], ['2025-01-26', 'workday'], ['2025-01-28', 'holiday'], ['2025-02-08', 'workday'], ['2025-10-01', 'holiday']]);
  assert.equal(cal.days[3].name, '春节调休上班');
  assert.deepEqual((await ok('GET', '/calendar?year=2024')).days.map((d) => d.name), ['去年']);
  assert.equal((await ok('GET', '/me?day=2025-01-26')).workday, true); // a Sunday worked

  // XLSX with English headers, columns in another order, and a date as Excel's serial day number.
  res = await upload(srv, owner, A, xlsx([['Name', 'Date', 'Kind'], ['New Year', '2026-01-01', 'holiday'], ['National Day', '46296', 'holiday']]));
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json, { imported: 2, years: [2026] });
  assert.deepEqual((await ok('GET', '/calendar?year=2026')).days.map((d) => [d.day, d.name]), [['2026-01-01', 'New Year'], ['2026-10-01', 'National Day']]);
  // A file without a header row, in the template's order.
  res = await upload(srv, owner, A, '2027-01-01,holiday,元旦\n2027-02-06,workday,\n');
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.imported, 2);

  // Files that are no holiday set.
  assertProblem(await upload(srv, owner, A, '名称,备注\n元旦,x\n'), 422, 'calendar_file_invalid');
  assertProblem(await upload(srv, owner, A, '日期,类型\n'), 422, 'calendar_file_invalid');
  assertProblem(await upload(srv, owner, A, Buffer.from('%PDF-1.4 nothing')), 415, 'unsupported_file');
  assertProblem(await srv.req('POST', `${A}/calendar/import`, { token: owner.token }), 400, 'empty_upload');
  assert.equal(audits(srv, 'attendance.calendar_import').length, 3);
  assert.match(audits(srv, 'attendance.calendar_import')[0], /\{"years":\[2025\],"days":5\}$/);

  // The template: the columns in both languages, an example of each kind.
  res = await srv.req('GET', `${A}/calendar/template`, { token: owner.token });
  assert.equal(res.status, 200, show(res));
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.ok(res.text.includes('日期 date,类型 kind,名称 name'));
  // The template itself imports.
  res = await upload(srv, owner, A, res.raw);
  assert.equal(res.status, 200, show(res));
});

test('punch places: a GCJ-02 centre is stored as its WGS-84 conversion; Wi-Fi by SSID and BSSID', async (t) => {
  const { req, ok } = await setup(t);
  // The Bund, Shanghai, as GPS gives it.
  const wgs = await ok('POST', '/places', { kind: 'geofence', name: '总部', latitude: 31.2304, longitude: 121.4737, coords: 'wgs84', radius_m: 300 }, 201);
  assert.match(wgs.id, ID);
  assert.equal(wgs.latitude, 31.2304);
  assert.equal(wgs.longitude, 121.4737);
  assert.equal(wgs.coords, 'wgs84');
  assert.equal(wgs.radius_m, 300);
  // GCJ-02 is shifted by some hundreds of metres in mainland China.
  const shift = metres(wgs.latitude, wgs.longitude, wgs.gcj02.latitude, wgs.gcj02.longitude);
  assert.ok(shift > 100 && shift < 1000, `GCJ-02 offset ${shift} m`);
  // The same point as a Chinese map SDK reports it is stored as the same WGS-84 point, within a metre.
  const gcj = await ok('POST', '/places', { kind: 'geofence', name: '总部（高德）', latitude: wgs.gcj02.latitude, longitude: wgs.gcj02.longitude, coords: 'gcj02', radius_m: 300 }, 201);
  assert.equal(gcj.coords, 'wgs84');
  const d = metres(gcj.latitude, gcj.longitude, wgs.latitude, wgs.longitude);
  assert.ok(d < 1, `GCJ-02 centre ${d} m from its WGS-84 conversion`);
  // Outside China GCJ-02 is WGS-84.
  const tokyo = await ok('POST', '/places', { kind: 'geofence', name: 'Tokyo', latitude: 35.6812, longitude: 139.7671, coords: 'gcj02', radius_m: 50 }, 201);
  assert.deepEqual([tokyo.latitude, tokyo.longitude], [35.6812, 139.7671]);

  const wifi = await ok('POST', '/places', { kind: 'wifi', name: '办公室 Wi-Fi', ssid: 'Atrium-Office', bssid: 'AA-BB-CC-0D-EE-FF' }, 201);
  assert.deepEqual({ ...wifi, id: undefined }, { id: undefined, kind: 'wifi', name: '办公室 Wi-Fi', ssid: 'Atrium-Office', bssid: 'aa:bb:cc:0d:ee:ff' });
  const open = await ok('POST', '/places', { kind: 'wifi', name: '会议室', ssid: '会议室' }, 201);
  assert.equal(open.bssid, null);

  // Bad places are refused with the field named.
  const geo = { kind: 'geofence', name: 'x', latitude: 31.2, longitude: 121.4, coords: 'wgs84', radius_m: 100 };
  assertProblem(await req('POST', '/places', { ...geo, radius_m: 49 }), 400, 'invalid_value', { field: 'radius_m' });
  assertProblem(await req('POST', '/places', { ...geo, radius_m: 5001 }), 400, 'invalid_value', { field: 'radius_m' });
  assertProblem(await req('POST', '/places', { ...geo, latitude: 91 }), 400, 'invalid_value', { field: 'latitude' });
  assertProblem(await req('POST', '/places', { ...geo, longitude: '121' }), 400, 'invalid_value', { field: 'longitude' });
  assertProblem(await req('POST', '/places', { ...geo, coords: 'bd09' }), 400, 'invalid_value', { field: 'coords' });
  assertProblem(await req('POST', '/places', { ...geo, coords: undefined }), 400, 'missing_field', { field: 'coords' });
  assertProblem(await req('POST', '/places', { ...geo, ssid: 'x' }), 400, 'invalid_value', { field: 'ssid' });
  assertProblem(await req('POST', '/places', { ...geo, kind: 'beacon' }), 400, 'invalid_value', { field: 'kind' });
  assertProblem(await req('POST', '/places', { ...geo, name: '' }), 400, 'invalid_value', { field: 'name' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w', ssid: 'x'.repeat(33) }), 400, 'invalid_value', { field: 'ssid' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w', ssid: '' }), 400, 'invalid_value', { field: 'ssid' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w', ssid: 'x', bssid: 'aa:bb:cc:dd:ee' }), 400, 'invalid_value', { field: 'bssid' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w', ssid: 'x', radius_m: 100 }), 400, 'invalid_value', { field: 'radius_m' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w' }), 400, 'missing_field', { field: 'ssid' });
  assertProblem(await req('POST', '/places', { kind: 'wifi', name: 'w', ssid: 'x', floor: 3 }), 400, 'unknown_field', { field: 'floor' });

  // Replace, list, delete.
  const moved = await ok('PUT', `/places/${wgs.id}`, { ...geo, name: '新总部', radius_m: 500 });
  assert.equal(moved.name, '新总部');
  assert.equal(moved.radius_m, 500);
  assert.deepEqual((await ok('GET', '/places')).places.map((x) => x.name), ['新总部', '总部（高德）', 'Tokyo', '办公室 Wi-Fi', '会议室']);
  let res = await req('DELETE', `/places/${open.id}`);
  assert.equal(res.status, 204, show(res));
  assertProblem(await req('DELETE', `/places/${open.id}`), 404, 'place_not_found');
  assertProblem(await req('PUT', '/places/123', geo), 404, 'place_not_found');
  assertProblem(await req('PUT', '/places/nope', geo), 404, 'place_not_found');
});

test('groups by department and by person, with exceptions; conflicts are refused; /me shows the day', async (t) => {
  const { srv, owner, join, dept, place, req, ok } = await setup(t);
  const rd = await dept('研发部');
  const be = await dept('后端组', rd);
  const sales = await dept('销售部');
  const a = await join('赵一'); // in 后端组: reaches 研发部's group
  const b = await join('钱二'); // in 研发部
  const c = await join('孙三'); // in 研发部, named into the sales group by person
  const d = await join('李四'); // in 后端组, an exception of 研发部's group
  const e = await join('周五'); // in no department
  for (const [who, dep] of [[a, be], [b, rd], [c, rd], [d, be]]) assert.equal((await place(who, [dep], dep)).status, 200);
  const hq = await ok('POST', '/places', { kind: 'geofence', name: '总部', latitude: 31.2304, longitude: 121.4737, coords: 'wgs84', radius_m: 300 }, 201);
  const wifi = await ok('POST', '/places', { kind: 'wifi', name: 'Wi-Fi', ssid: 'Office' }, 201);

  const office = await ok('POST', '/groups', { name: '研发考勤', rule: fixed(), department_ids: [rd], excluded_user_ids: [d.user.id], place_ids: [hq.id, wifi.id, hq.id] }, 201);
  assert.equal(office.name, '研发考勤');
  assert.deepEqual(office.department_ids, [rd]);
  assert.deepEqual(office.user_ids, []);
  assert.deepEqual(office.excluded_user_ids, [d.user.id]);
  assert.deepEqual(office.place_ids, [hq.id, wifi.id]);
  assert.deepEqual(office.rule, {
    kind: 'fixed',
    shifts: [{ name: '', start: '09:00', end: '18:00', ends_next_day: false, late_grace: 10, early_grace: 0, flex: 0, breaks: [{ start: '12:00', end: '13:00' }] }],
    hours_per_day: null, allow_field: false, makeup_per_month: 3, device_changes_per_month: 0, location_retention_days: 30,
    max_speed_kmh: 300, max_accuracy_m: 200, clock_skew_s: 300,
  });
  const field = await ok('POST', '/groups', { name: '销售外勤', rule: { kind: 'flexible', hours_per_day: 7.5, allow_field: true }, user_ids: [c.user.id], department_ids: [sales] }, 201);
  assert.equal(field.rule.hours_per_day, 7.5);
  assert.equal(field.rule.allow_field, true);

  // A Monday: who is in which group and works what.
  const monday = '2025-09-29';
  let me = await ok('GET', `/me?day=${monday}`, undefined, 200, a);
  assert.deepEqual(me.group, { id: office.id, name: '研发考勤' });
  assert.equal(me.workday, true);
  assert.deepEqual(me.shifts.map((s) => [s.start, s.end]), [['09:00', '18:00']]);
  assert.deepEqual(me.places.map((p) => p.id), [hq.id, wifi.id]);
  assert.equal(me.places[0].latitude, 31.2304);
  assert.equal(me.rule.kind, 'fixed');
  assert.equal((await ok('GET', `/me?day=${monday}`, undefined, 200, b)).group.id, office.id);
  me = await ok('GET', `/me?day=${monday}`, undefined, 200, c); // person beats department
  assert.equal(me.group.id, field.id);
  assert.deepEqual(me.shifts, []);
  assert.equal(me.rule.hours_per_day, 7.5);
  me = await ok('GET', `/me?day=${monday}`, undefined, 200, d); // the exception
  assert.equal(me.group, null);
  assert.equal(me.rule, null);
  assert.deepEqual(me.shifts, []);
  assert.equal((await ok('GET', `/me?day=${monday}`, undefined, 200, e)).group, null);
  assert.equal((await ok('GET', '/me?day=2025-10-04', undefined, 200, a)).shifts.length, 0, 'a Saturday');

  // Conflicts are refused, naming the other group; nothing changes.
  let p = assertProblem(await req('POST', '/groups', { name: '重复', rule: fixed(), department_ids: [rd] }), 409, 'attendance_member_conflict');
  assert.equal(p.group_id, office.id);
  assert.equal(p.department_id, rd);
  p = assertProblem(await req('PATCH', `/groups/${office.id}`, { user_ids: [c.user.id] }), 409, 'attendance_member_conflict');
  assert.equal(p.user_id, c.user.id);
  assert.equal(p.group_id, field.id);
  assertProblem(await req('PATCH', `/groups/${office.id}`, { user_ids: [d.user.id] }), 400, 'invalid_value', { field: 'excluded_user_ids' });
  assertProblem(await req('POST', '/groups', { name: 'x', rule: fixed(), department_ids: ['123'] }), 404, 'department_not_found', { field: 'department_ids' });
  assertProblem(await req('POST', '/groups', { name: 'x', rule: fixed(), user_ids: [owner.user.id, '999'] }), 404, 'member_not_found', { field: 'user_ids' });
  assertProblem(await req('POST', '/groups', { name: 'x', rule: fixed(), place_ids: ['42'] }), 404, 'place_not_found', { field: 'place_ids' });
  assertProblem(await req('POST', '/groups', { name: 'x' }), 400, 'missing_field', { field: 'rule' });
  assertProblem(await req('POST', '/groups', { rule: fixed() }), 400, 'missing_field', { field: 'name' });
  assertProblem(await req('GET', '/groups/123'), 404, 'attendance_group_not_found');
  assertProblem(await req('PATCH', '/groups/x', { name: 'y' }), 404, 'attendance_group_not_found');
  assert.equal((await ok('GET', '/groups')).groups.length, 2);

  // The exception lifted: d is in the group again.  A rule setting alone keeps the shifts.
  let g = await ok('PATCH', `/groups/${office.id}`, { excluded_user_ids: [], rule: { allow_field: true } });
  assert.deepEqual(g.excluded_user_ids, []);
  assert.equal(g.rule.allow_field, true);
  assert.equal(g.rule.shifts.length, 1);
  assert.equal((await ok('GET', `/me?day=${monday}`, undefined, 200, d)).group.id, office.id);
  // A place deleted leaves the group.
  assert.equal((await req('DELETE', `/places/${wifi.id}`)).status, 204);
  assert.deepEqual((await ok('GET', `/groups/${office.id}`)).place_ids, [hq.id]);
  // The sales group deleted: c falls back to their department's group.
  assert.equal((await req('DELETE', `/groups/${field.id}`)).status, 204);
  assertProblem(await req('DELETE', `/groups/${field.id}`), 404, 'attendance_group_not_found');
  assert.equal((await ok('GET', `/me?day=${monday}`, undefined, 200, c)).group.id, office.id);

  // Audited with ids and field names.
  assert.equal(audits(srv, 'attendance.group_create').length, 2);
  assert.match(audits(srv, 'attendance.group_update')[0], /^0 attendance_group:\d+ \{"fields":\["excluded_user_ids","rule"\]\}$/);
  assert.equal(audits(srv, 'attendance.group_delete').length, 1);
  assert.equal(audits(srv, 'attendance.place_create').length, 2);
});

test('each rule kind is checked, with a stable code and the field named', async (t) => {
  const { req, ok } = await setup(t);
  const post = (rule) => req('POST', '/groups', { name: 'g', rule });
  const shift = (s) => ({ kind: 'fixed', shifts: [{ start: '09:00', end: '18:00', ...s }] });
  // Fixed.
  assertProblem(await post({ kind: 'fixed' }), 400, 'shift_invalid', { field: 'rule.shifts' });
  assertProblem(await post(shift({ start: '25:00' })), 400, 'shift_invalid', { field: 'rule.shifts[0].start' });
  assertProblem(await post(shift({ end: '9:00' })), 400, 'shift_invalid', { field: 'rule.shifts[0].end' });
  assertProblem(await post(shift({ end: '09:00' })), 400, 'shift_invalid', { field: 'rule.shifts[0].end' });
  assertProblem(await post(shift({ late_grace: 241 })), 400, 'shift_invalid', { field: 'rule.shifts[0].late_grace' });
  assertProblem(await post(shift({ flex: -1 })), 400, 'shift_invalid', { field: 'rule.shifts[0].flex' });
  assertProblem(await post(shift({ breaks: [{ start: '08:00', end: '09:30' }] })), 400, 'shift_invalid', { field: 'rule.shifts[0].breaks[0]' });
  assertProblem(await post(shift({ breaks: [{ start: '13:00', end: '12:00' }] })), 400, 'shift_invalid', { field: 'rule.shifts[0].breaks[0]' });
  assertProblem(await post(shift({ breaks: [{ start: '12:00', end: '13:00' }, { start: '12:30', end: '14:00' }] })), 400, 'shift_invalid', { field: 'rule.shifts[0].breaks[1]' });
  assertProblem(await post(shift({ breaks: [{}, {}, {}] })), 400, 'shift_invalid', { field: 'rule.shifts[0].breaks' });
  assertProblem(await post(shift({ ends_next_day: true })), 400, 'shift_invalid', { field: 'rule.shifts[0].ends_next_day' });
  assertProblem(await post(shift({ lunch: '12:00' })), 400, 'unknown_field', { field: 'rule.shifts[0].lunch' });
  assertProblem(await post({ kind: 'fixed', shifts: ['09:00-18:00'] }), 400, 'invalid_type', { field: 'rule.shifts[0]' });
  // Several shifts a day: in order, no overlap, within 24 hours.
  const two = (second) => ({ kind: 'fixed', shifts: [{ start: '08:00', end: '12:00' }, second] });
  assertProblem(await post(two({ start: '11:00', end: '17:00' })), 400, 'shift_invalid', { field: 'rule.shifts[1].start' });
  assertProblem(await post(two({ start: '18:00', end: '09:00' })), 400, 'shift_invalid', { field: 'rule.shifts[1].start' });
  assertProblem(await post({ kind: 'fixed', shifts: Array(5).fill({ start: '01:00', end: '02:00' }) }), 400, 'shift_invalid', { field: 'rule.shifts' });
  let g = await ok('POST', '/groups', { name: 'two', rule: two({ start: '13:30', end: '17:30', early_grace: 5 }) }, 201);
  assert.deepEqual(g.rule.shifts.map((s) => [s.start, s.end, s.early_grace]), [['08:00', '12:00', 0], ['13:30', '17:30', 5]]);
  // A night shift ends the next day.
  g = await ok('POST', '/groups', { name: 'night', rule: { kind: 'fixed', shifts: [{ start: '22:00', end: '06:00', flex: 30, breaks: [{ start: '02:00', end: '02:30' }] }] } }, 201);
  assert.equal(g.rule.shifts[0].ends_next_day, true);
  // Scheduled: named, distinct shifts.
  assertProblem(await post({ kind: 'scheduled', shifts: [{ start: '06:00', end: '14:00' }] }), 400, 'shift_invalid', { field: 'rule.shifts[0].name' });
  assertProblem(await post({ kind: 'scheduled', shifts: [{ name: '早', start: '06:00', end: '14:00' }, { name: '早', start: '14:00', end: '22:00' }] }), 400, 'shift_invalid', { field: 'rule.shifts[1].name' });
  assertProblem(await post({ kind: 'scheduled', shifts: [{ name: '很长'.repeat(8), start: '06:00', end: '14:00' }] }), 400, 'invalid_value', { field: 'rule.shifts[0].name' });
  // Flexible: hours, no shifts.
  assertProblem(await post({ kind: 'flexible' }), 400, 'invalid_value', { field: 'rule.hours_per_day' });
  assertProblem(await post({ kind: 'flexible', hours_per_day: 25 }), 400, 'invalid_value', { field: 'rule.hours_per_day' });
  assertProblem(await post({ kind: 'flexible', hours_per_day: 0 }), 400, 'invalid_value', { field: 'rule.hours_per_day' });
  assertProblem(await post({ kind: 'flexible', hours_per_day: '8' }), 400, 'invalid_value', { field: 'rule.hours_per_day' });
  assertProblem(await post({ kind: 'flexible', hours_per_day: 8, shifts: [{ start: '09:00', end: '18:00' }] }), 400, 'shift_invalid', { field: 'rule.shifts' });
  // Free: neither.
  assertProblem(await post({ kind: 'free', shifts: [{ start: '09:00', end: '18:00' }] }), 400, 'shift_invalid', { field: 'rule.shifts' });
  assertProblem(await post({ kind: 'free', hours_per_day: 8 }), 400, 'invalid_value', { field: 'rule.hours_per_day' });
  g = await ok('POST', '/groups', { name: 'free', rule: { kind: 'free' } }, 201);
  assert.deepEqual([g.rule.kind, g.rule.shifts, g.rule.hours_per_day], ['free', [], null]);
  // The settings.
  assertProblem(await post({ kind: 'free', location_retention_days: 0 }), 400, 'invalid_value', { field: 'rule.location_retention_days' });
  assertProblem(await post({ kind: 'free', location_retention_days: 366 }), 400, 'invalid_value', { field: 'rule.location_retention_days' });
  assertProblem(await post({ kind: 'free', makeup_per_month: -1 }), 400, 'invalid_value', { field: 'rule.makeup_per_month' });
  assertProblem(await post({ kind: 'free', max_speed_kmh: 0 }), 400, 'invalid_value', { field: 'rule.max_speed_kmh' });
  assertProblem(await post({ kind: 'free', clock_skew_s: 99999999999 }), 400, 'invalid_value', { field: 'rule.clock_skew_s' });
  assertProblem(await post({ kind: 'free', allow_field: 1 }), 400, 'invalid_type', { field: 'rule.allow_field' });
  assertProblem(await post({ kind: 'weekly' }), 400, 'invalid_value', { field: 'rule.kind' });
  assertProblem(await post({ shifts: [{ start: '09:00', end: '18:00' }] }), 400, 'missing_field', { field: 'rule.kind' });
  assertProblem(await post({ kind: 'free', overtime: true }), 400, 'unknown_field', { field: 'rule.overtime' });
  g = await ok('POST', '/groups', { name: 'set', rule: { kind: 'free', allow_field: true, makeup_per_month: 5, device_changes_per_month: 1, location_retention_days: 7, max_speed_kmh: 120, max_accuracy_m: 50, clock_skew_s: 60 } }, 201);
  assert.deepEqual([g.rule.makeup_per_month, g.rule.device_changes_per_month, g.rule.location_retention_days, g.rule.max_speed_kmh, g.rule.max_accuracy_m, g.rule.clock_skew_s],
    [5, 1, 7, 120, 50, 60]);
  // A new kind starts without the old shifts.
  g = await ok('PATCH', `/groups/${g.id}`, { rule: { kind: 'flexible', hours_per_day: 8 } });
  assert.deepEqual([g.rule.kind, g.rule.hours_per_day, g.rule.location_retention_days], ['flexible', 8, 7]);
  assert.equal((await ok('GET', '/groups')).groups.length, 4, 'every refused group stored nothing');
});

test('the roster of scheduled shifts, and what a member sees of it', async (t) => {
  const { srv, owner, eid, join, req, ok } = await setup(t);
  const w1 = await join('吴一');
  const w2 = await join('郑二');
  const other = await join('王三');
  const plant = await ok('POST', '/groups', { name: '车间', user_ids: [w1.user.id, w2.user.id],
    rule: { kind: 'scheduled', shifts: [{ name: '早班', start: '06:00', end: '14:00' }, { name: '夜班', start: '22:00', end: '06:00' }] } }, 201);
  const office = await ok('POST', '/groups', { name: '办公室', user_ids: [other.user.id], rule: fixed() }, 201);

  let res = await ok('PUT', `/groups/${plant.id}/roster`, { entries: [
    { user_id: w1.user.id, day: '2025-10-01', shift: '夜班' },
    { user_id: w1.user.id, day: '2025-10-02', shift: null },
    { user_id: w1.user.id, day: '2025-10-03', shift: '早班' },
    { user_id: w2.user.id, day: '2025-10-01', shift: '早班' },
  ] });
  assert.deepEqual(res, { updated: 4 });
  // The holiday does not matter to a roster: it says who works.
  await ok('PUT', '/calendar/days/2025-10-01', { kind: 'holiday', name: '国庆节' });
  let me = await ok('GET', '/me?day=2025-10-01', undefined, 200, w1);
  assert.equal(me.workday, false);
  assert.deepEqual(me.shifts.map((s) => [s.name, s.start, s.end, s.ends_next_day]), [['夜班', '22:00', '06:00', true]]);
  assert.deepEqual((await ok('GET', '/me?day=2025-10-02', undefined, 200, w1)).shifts, []);
  assert.equal((await ok('GET', '/me?day=2025-10-03', undefined, 200, w1)).shifts[0].name, '早班');
  assert.deepEqual((await ok('GET', '/me?day=2025-10-04', undefined, 200, w1)).shifts, []);
  // Rostered again: the day changes in place.
  await ok('PUT', `/groups/${plant.id}/roster`, { entries: [{ user_id: w1.user.id, day: '2025-10-02', shift: '早班' }] });
  let roster = await ok('GET', `/groups/${plant.id}/roster?from=2025-10-01&to=2025-10-07`);
  assert.deepEqual([roster.from, roster.to], ['2025-10-01', '2025-10-07']);
  const of = (who) => roster.entries.filter((x) => x.user_id === who.user.id).map((x) => [x.day, x.shift]);
  assert.deepEqual(of(w1), [['2025-10-01', '夜班'], ['2025-10-02', '早班'], ['2025-10-03', '早班']]);
  assert.deepEqual(of(w2), [['2025-10-01', '早班']]);
  roster = await ok('GET', `/groups/${plant.id}/roster?from=2025-10-01&to=2025-10-01&user_id=${w2.user.id}`);
  assert.deepEqual(roster.entries, [{ user_id: w2.user.id, day: '2025-10-01', shift: '早班' }]);

  // Refused entries change nothing.
  const put = (entries) => req('PUT', `/groups/${plant.id}/roster`, { entries });
  assertProblem(await put([{ user_id: w1.user.id, day: '2025-10-05', shift: '中班' }]), 400, 'shift_invalid', { field: 'entries[0].shift' });
  assertProblem(await put([{ user_id: other.user.id, day: '2025-10-05', shift: '早班' }]), 409, 'not_in_attendance_group', { field: 'entries[0].user_id' });
  assertProblem(await put([{ user_id: '999', day: '2025-10-05', shift: '早班' }]), 404, 'member_not_found', { field: 'entries[0].user_id' });
  assertProblem(await put([{ user_id: w1.user.id, day: '2025-13-01', shift: '早班' }]), 400, 'invalid_value', { field: 'entries[0].day' });
  assertProblem(await put([{ user_id: w1.user.id, day: '2025-10-05' }]), 400, 'missing_field', { field: 'entries[0].shift' });
  assertProblem(await put([{ user_id: w1.user.id, day: '2025-10-05', shift: null }, { user_id: w1.user.id, day: '2025-10-05', shift: '早班' }]),
    400, 'invalid_value', { field: 'entries[1]' });
  assertProblem(await put([]), 400, 'invalid_value', { field: 'entries' });
  assertProblem(await req('PUT', `/groups/${office.id}/roster`, { entries: [{ user_id: other.user.id, day: '2025-10-05', shift: null }] }), 409, 'rule_not_scheduled');
  assertProblem(await req('GET', `/groups/${plant.id}/roster?from=2025-10-01&to=2025-12-31`), 400, 'invalid_value', { field: 'to' });
  assert.equal(sql(srv, 'SELECT count(*) FROM attendance_roster')[0], '4');
  // A shift the roster names cannot be dropped while it does.
  assertProblem(await req('PATCH', `/groups/${plant.id}`, { rule: { shifts: [{ name: '早班', start: '06:00', end: '14:00' }] } }), 409, 'shift_in_use', { shift: '夜班' });

  // Each person rostered is the subject of an audit entry: it is in their access log.
  const rows = audits(srv, 'attendance.roster_set');
  assert.equal(rows.length, 3);
  assert.ok(rows.some((r) => r.startsWith(`${w1.user.id} attendance_group:${plant.id} {"days":3}`)), rows.join('\n'));
  // Leaving the enterprise takes the person's roster and group membership with it.
  res = await srv.req('DELETE', `${E}/${eid}/members/${w2.user.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assert.equal(sql(srv, `SELECT count(*) FROM attendance_roster WHERE user_id = ${w2.user.id}`)[0], '0');
  assert.equal(sql(srv, `SELECT count(*) FROM attendance_group_people WHERE user_id = ${w2.user.id}`)[0], '0');
  // A rule that stops being scheduled drops its roster.
  const g = await ok('PATCH', `/groups/${plant.id}`, { rule: { kind: 'fixed', shifts: [{ start: '09:00', end: '17:00' }] } });
  assert.equal(g.rule.kind, 'fixed');
  assert.equal(sql(srv, 'SELECT count(*) FROM attendance_roster')[0], '0');
});

test('rights: changes need the attendance right, any member reads the calendar and their own day, outsiders get 404', async (t) => {
  const { srv, owner, eid, A, join, req, ok } = await setup(t);
  const plain = await join('冯六');
  const hr = await join('陈七');
  let res = await srv.req('PUT', `${E}/${eid}/admins/${hr.user.id}`, { token: owner.token, body: { rights: ['attendance'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  const geo = { kind: 'geofence', name: '总部', latitude: 31.2304, longitude: 121.4737, coords: 'wgs84', radius_m: 300 };

  for (const [method, path, body] of [['POST', '/places', geo], ['GET', '/places'], ['GET', '/groups'], ['POST', '/groups', { name: 'g', rule: fixed() }],
    ['PUT', '/calendar', { workdays: [1] }], ['PUT', '/calendar/days/2025-10-01', { kind: 'holiday' }], ['DELETE', '/calendar/days/2025-10-01'],
    ['GET', '/calendar/template'], ['GET', '/groups/1/roster']]) {
    assertProblem(await req(method, path, body, plain), 403, 'forbidden', { right: 'attendance' });
  }
  assertProblem(await upload(srv, plain, A, '2025-10-01,holiday,国庆节\n'), 403, 'forbidden', { right: 'attendance' });
  assert.equal(sql(srv, 'SELECT count(*) FROM attendance_places')[0], '0');
  await ok('GET', '/calendar', undefined, 200, plain);
  await ok('GET', '/me', undefined, 200, plain);

  // An administrator holding the attendance right may.
  const hq = await ok('POST', '/places', geo, 201, hr);
  const g = await ok('POST', '/groups', { name: '全员', rule: fixed(), user_ids: [plain.user.id], place_ids: [hq.id] }, 201, hr);
  assert.equal((await ok('GET', '/me', undefined, 200, plain)).group.id, g.id);

  // Outsiders learn nothing, whatever they send.
  const outsider = await srv.signUp();
  await createEnterprise(srv, outsider, '别家');
  for (const [method, path, body] of [['GET', '/calendar'], ['GET', '/me'], ['POST', '/places', geo], ['PATCH', `/groups/${g.id}`, { name: 'x' }],
    ['GET', `/groups/${g.id}`], ['PUT', `/groups/${g.id}/roster`, { entries: [] }]]) {
    assertProblem(await req(method, path, body, outsider), 404, 'not_found');
  }
  assertProblem(await upload(srv, outsider, A, '2025-10-01,holiday,国庆节\n'), 404, 'not_found');
  assert.equal((await ok('GET', `/groups/${g.id}`)).name, '全员');
});

test('an administrator of some departments manages only groups inside them, and nothing every group shares', async (t) => {
  const { srv, owner, eid, A, join, dept, place, req, ok } = await setup(t);
  const sales = await dept('销售部');
  const east = await dept('华东区', sales);
  const rd = await dept('研发部');
  const seller = await join('韩梅');
  const coder = await join('李雷');
  await place(seller, [east], east);
  await place(coder, [rd], rd);
  const hr = await join('陈七');
  assert.equal((await srv.req('PUT', `${E}/${eid}/admins/${hr.user.id}`, { token: owner.token,
    body: { rights: ['attendance'], scope: { departments: [sales] } } })).status, 200);
  const geo = { kind: 'geofence', name: '总部', latitude: 31.2304, longitude: 121.4737, coords: 'wgs84', radius_m: 300 };
  const hq = await ok('POST', '/places', geo, 201);
  const others = await ok('POST', '/groups', { name: '研发', rule: fixed(), department_ids: [rd] }, 201);

  // Inside the scope: a department below theirs, a person in it; the group may use the places.
  const mine = await ok('POST', '/groups', { name: '销售', rule: fixed(), department_ids: [east], place_ids: [hq.id] }, 201, hr);
  await ok('PATCH', `/groups/${mine.id}`, { user_ids: [seller.user.id], department_ids: [] }, 200, hr);
  // Outside it: refused, and nothing changes.
  assertProblem(await req('POST', '/groups', { name: '研发二', rule: fixed(), department_ids: [rd] }, hr), 403, 'forbidden');
  assertProblem(await req('POST', '/groups', { name: '混合', rule: fixed(), user_ids: [coder.user.id] }, hr), 403, 'forbidden');
  assertProblem(await req('PATCH', `/groups/${mine.id}`, { user_ids: [seller.user.id, coder.user.id] }, hr), 403, 'forbidden');
  assertProblem(await req('PATCH', `/groups/${others.id}`, { name: '改名' }, hr), 403, 'forbidden');
  assertProblem(await req('DELETE', `/groups/${others.id}`, undefined, hr), 403, 'forbidden');
  assertProblem(await req('PUT', `/groups/${others.id}/roster`, { entries: [{ user_id: coder.user.id, day: '2025-10-09', shift: null }] }, hr),
    403, 'forbidden');
  assert.equal((await ok('GET', `/groups/${others.id}`)).name, '研发');
  assert.deepEqual((await ok('GET', `/groups/${mine.id}`)).user_ids, [seller.user.id]);
  // What every group shares is for administrators of the whole enterprise.
  for (const [method, path, body] of [['POST', '/places', geo], ['PUT', `/places/${hq.id}`, geo], ['DELETE', `/places/${hq.id}`],
    ['PUT', '/calendar', { workdays: [1] }], ['PUT', '/calendar/days/2025-10-01', { kind: 'holiday' }], ['DELETE', '/calendar/days/2025-10-01'],
    ['PUT', '/app-blocklist', { apps: ['com.example.fake'] }]]) {
    assertProblem(await req(method, path, body, hr), 403, 'forbidden');
  }
  assertProblem(await upload(srv, hr, A, '2025-10-01,holiday,国庆节\n'), 403, 'forbidden');
  assert.equal(sql(srv, 'SELECT count(*) FROM attendance_places')[0], '1');
  assert.equal(sql(srv, 'SELECT count(*) FROM attendance_calendar_days')[0], '0');
  // Reading stays open to them.
  await ok('GET', '/places', undefined, 200, hr);
  await ok('GET', '/calendar', undefined, 200, hr);
  // Their own group they may delete.
  assert.equal((await req('DELETE', `/groups/${mine.id}`, undefined, hr)).status, 204);
});
