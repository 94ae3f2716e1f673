// Punching (issue 6): each proof only under its own live consent, checked before anything is
// stored (PP-12, PP-13); refusing one service leaves the others working; geofences judged in
// WGS-84 whatever the phone reported; one bound device; anti-cheating flags for review, never a
// silent rejection; the app list matched, never kept; raw coordinates sealed and cleared after
// their retention period (PP-29, PP-33); an administrator's look at a raw location audited.

import assert from 'node:assert/strict';
import crypto, { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ID, RFC3339_MS, addMember, assertProblem, assertStatus, createEnterprise, runAtrium, show, sql, startServer } from './lib/server.mjs';
import { png } from './lib/images.mjs';

const E = '/api/v1/enterprises';

// An office in Shanghai (WGS-84) with a 200 m geofence, a second office in Suzhou (about 85 km
// away), and the office's Wi-Fi network.
const HQ = { latitude: 31.2304, longitude: 121.4737 };
const SUZHOU = { latitude: 31.2989, longitude: 120.5853 };
const WIFI = { ssid: 'Atrium-Office', bssid: 'AA:BB:CC:DD:EE:FF' };
// Points due north of HQ, as src/core/geo.c converts them: 190 m (inside the fence) and 215 m
// (outside), each in WGS-84 and as a Chinese map SDK reports it in GCJ-02 (about 480 m off).
const P190 = { wgs84: [31.2321087, 121.4737], gcj02: [31.2301672, 121.4782232] };
const P215 = { wgs84: [31.2323335, 121.4737], gcj02: [31.2303922, 121.4782232] };

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

/**
 * An enterprise (owner: an administrator with every right) with one attendance group of a free
 * rule with `rule`'s settings, the places HQ, Suzhou and the office Wi-Fi, and `people` members
 * in it, all made through the rules part's routes.
 */
async function world({ people = 1, rule = {} } = {}) {
  const owner = await srv.signUp({ name: 'Owner' });
  const eid = await createEnterprise(srv, owner);
  const members = [];
  for (let i = 0; i < people; i++) {
    const m = await srv.signUp({ name: `Member ${i}` });
    await addMember(srv, owner, eid, m, `成员${i}`);
    members.push(m);
  }
  const post = async (what, body) => {
    const res = await srv.req('POST', `${E}/${eid}/attendance/${what}`, { token: owner.token, body });
    assertStatus(res, 201);
    return res.json.id;
  };
  const place = {
    hq: await post('places', { kind: 'geofence', name: 'HQ', ...HQ, coords: 'wgs84', radius_m: 200 }),
    suzhou: await post('places', { kind: 'geofence', name: 'Suzhou', ...SUZHOU, coords: 'wgs84', radius_m: 300 }),
    wifi: await post('places', { kind: 'wifi', name: 'Office Wi-Fi', ...WIFI }),
  };
  const gid = await post('groups', {
    name: '总部',
    rule: { kind: 'free', allow_field: false, device_changes_per_month: 0, location_retention_days: 30, max_speed_kmh: 300,
      max_accuracy_m: 200, clock_skew_s: 300, ...rule },
    user_ids: members.map((m) => m.user.id),
    place_ids: Object.values(place),
  });
  return { owner, eid, gid, place, members, member: members[0] };
}

const consent = async (a, purpose, granted = true) => {
  const res = await srv.req('POST', '/api/v1/me/consents', { token: a.token, body: { purpose, granted, device_id: a.device.id } });
  assertStatus(res, 201);
  return res;
};

const at = ([latitude, longitude], coords = 'wgs84', accuracy = 15) => ({ latitude, longitude, coords, accuracy_m: accuracy });
const hq = (accuracy = 15) => at([HQ.latitude, HQ.longitude], 'wgs84', accuracy);

/** POST a punch as a, with a fresh idempotency key, the phone's clock right and its own device. */
function punch(a, eid, body) {
  return srv.req('POST', `${E}/${eid}/attendance/punches`, { token: a.token, body: {
    idempotency_key: randomUUID(), client_time: new Date().toISOString(), device_id: a.device.id, ...body } });
}

const count = (q) => Number(sql(srv, q)[0]);
const punchesOf = (a, eid) => count(`SELECT count(*) FROM attendance_punches WHERE enterprise_id = ${eid} AND user_id = ${a.user.id}`);
const myPunches = async (a, eid) => {
  const res = await srv.req('GET', `${E}/${eid}/attendance/punches/me`, { token: a.token });
  assertStatus(res, 200);
  return res.json.punches;
};

test('without its consent a location or Wi-Fi punch is consent_required and stores nothing', async () => {
  const { eid, member: m } = await world();
  let res = await punch(m, eid, { kind: 'location', location: hq() });
  assertProblem(res, 403, 'consent_required', { purpose: 'attendance_location' });
  res = await punch(m, eid, { kind: 'wifi', wifi: WIFI });
  assertProblem(res, 403, 'consent_required', { purpose: 'attendance_wifi' });
  res = await punch(m, eid, { kind: 'both', location: hq(), wifi: WIFI });
  assertProblem(res, 403, 'consent_required', { purpose: 'attendance_location' });
  // Nothing at all: no punch, no bound device.
  assert.equal(punchesOf(m, eid), 0);
  assert.equal(count(`SELECT count(*) FROM attendance_devices WHERE user_id = ${m.user.id}`), 0);

  // Granted: the punch is taken, matched to the place, and binds the device.
  await consent(m, 'attendance_location');
  res = await punch(m, eid, { kind: 'location', location: hq() });
  assertStatus(res, 201);
  assert.match(res.json.id, ID);
  assert.equal(res.json.kind, 'location');
  assert.equal(res.json.matched_by, 'location');
  assert.equal(res.json.field, false);
  assert.deepEqual(res.json.flags, []);
  assert.equal(res.json.review, 'none');
  assert.equal(res.json.location_kept, true);
  assert.match(res.json.punched_at, RFC3339_MS);
  assert.equal(res.json.device_id, m.device.id);
  const first = res.json.id;

  // Revoked: the next location punch fails the same way; the punch made before stays.
  await consent(m, 'attendance_location', false);
  res = await punch(m, eid, { kind: 'location', location: hq() });
  assertProblem(res, 403, 'consent_required', { purpose: 'attendance_location' });
  assert.equal(punchesOf(m, eid), 1);
  assert.deepEqual((await myPunches(m, eid)).map((p) => p.id), [first]);
  assert.equal(count(`SELECT count(*) FROM attendance_punches WHERE id = ${first} AND location_sealed IS NOT NULL`), 1);
});

test('a device that reports the location permission off fails the same way, consent or not', async () => {
  const { eid, member: m } = await world();
  await consent(m, 'attendance_location');
  await consent(m, 'attendance_wifi');
  assertStatus(await punch(m, eid, { kind: 'location', location: hq() }), 201);
  const off = await srv.req('PUT', `/api/v1/me/devices/${encodeURIComponent(m.device.id)}/permissions`, {
    token: m.token, body: { location: false } });
  assertStatus(off, 200);
  let res = await punch(m, eid, { kind: 'location', location: hq() });
  const problem = assertProblem(res, 403, 'consent_required', { purpose: 'attendance_location' });
  assert.match(problem.detail, /permission is switched off/);
  // Phones put the Wi-Fi network behind the location permission too.
  res = await punch(m, eid, { kind: 'wifi', wifi: WIFI });
  assertProblem(res, 403, 'consent_required', { purpose: 'attendance_wifi' });
  assert.equal(punchesOf(m, eid), 1);
  // Switched back on, punching works again.
  assertStatus(await srv.req('PUT', `/api/v1/me/devices/${encodeURIComponent(m.device.id)}/permissions`, {
    token: m.token, body: { location: true } }), 200);
  assertStatus(await punch(m, eid, { kind: 'location', location: hq() }), 201);
});

test('refusing location leaves Wi-Fi punches and the field punches the rule allows working', async () => {
  const { eid, member: m, place } = await world({ rule: { allow_field: true } });
  await consent(m, 'attendance_wifi'); // and never attendance_location
  let res = await punch(m, eid, { kind: 'wifi', wifi: WIFI });
  assertStatus(res, 201);
  assert.equal(res.json.place_id, place.wifi);
  assert.equal(res.json.matched_by, 'wifi');
  assert.equal(res.json.distance_m, null);
  assert.equal(res.json.location_kept, false);
  assert.equal(res.json.review, 'none');
  // Only the place is kept of the network: no SSID or BSSID anywhere in the punch.
  const row = sql(srv, `SELECT quote(location_sealed), place_id FROM attendance_punches WHERE id = ${res.json.id}`)[0];
  assert.equal(row, `NULL|${place.wifi}`);
  const dump = execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), '.dump attendance_punches'], { encoding: 'utf8' });
  assert.ok(!/Atrium-Office|aa:bb:cc:dd:ee:ff/i.test(dump), 'the network read at the punch is not stored');
  // A browser cannot read Wi-Fi: a network the person chose is taken, and flagged for review.
  res = await punch(m, eid, { kind: 'wifi', wifi: WIFI, flags: { wifi_chosen: true } });
  assertStatus(res, 201);
  assert.deepEqual(res.json.flags, ['wifi_chosen']);
  assert.equal(res.json.review, 'pending');

  assertProblem(await punch(m, eid, { kind: 'location', location: hq() }), 403, 'consent_required', { purpose: 'attendance_location' });
  // A field punch with a note and no location needs no location consent.
  res = await punch(m, eid, { kind: 'field', note: '在客户公司开会' });
  assertStatus(res, 201);
  assert.equal(res.json.field, true);
  assert.equal(res.json.place_id, null);
  assert.deepEqual(res.json.flags, ['field']);
  assert.equal(res.json.review, 'pending');
  assert.equal(res.json.note, '在客户公司开会');
  assertProblem(await punch(m, eid, { kind: 'field' }), 400, 'missing_field', { field: 'note' });
  // A Wi-Fi network that is not the office's, with field punches allowed: a note makes it one.
  const other = { ssid: 'Cafe', bssid: '00:11:22:33:44:55' };
  res = await punch(m, eid, { kind: 'wifi', wifi: other });
  assertProblem(res, 422, 'outside_places', { field_allowed: true });
  res = await punch(m, eid, { kind: 'wifi', wifi: other, note: '在咖啡馆' });
  assertStatus(res, 201);
  assert.equal(res.json.field, true);
  assert.equal(punchesOf(m, eid), 4);
});

test('a rule without field punches refuses a punch outside every place, and stores nothing', async () => {
  const { eid, member: m } = await world({ rule: { allow_field: false } });
  await consent(m, 'attendance_location');
  await consent(m, 'attendance_wifi');
  let res = await punch(m, eid, { kind: 'field', note: '外出' });
  assertProblem(res, 422, 'outside_places', { field_allowed: false });
  res = await punch(m, eid, { kind: 'location', location: at(P215.wgs84), note: '外出' });
  const p = assertProblem(res, 422, 'outside_places', { field_allowed: false });
  assert.ok(p.distance_m >= 214 && p.distance_m <= 216, `distance ${p.distance_m}`);
  res = await punch(m, eid, { kind: 'wifi', wifi: { ssid: WIFI.ssid, bssid: '00:11:22:33:44:55' } });
  assertProblem(res, 422, 'outside_places');
  assert.equal(punchesOf(m, eid), 0);
  assert.equal(count(`SELECT count(*) FROM attendance_devices WHERE user_id = ${m.user.id}`), 0);
});

test('GCJ-02 coordinates are converted before the geofence is judged, near its edge', async () => {
  const { eid, member: m, place } = await world();
  await consent(m, 'attendance_location');
  // 190 m north, as a Chinese map reports it: inside once converted.
  let res = await punch(m, eid, { kind: 'location', location: at(P190.gcj02, 'gcj02') });
  assertStatus(res, 201);
  assert.equal(res.json.place_id, place.hq);
  assert.ok(res.json.distance_m >= 189 && res.json.distance_m <= 191, show(res));
  // The same numbers taken as WGS-84 are about 480 m off: outside.
  res = await punch(m, eid, { kind: 'location', location: at(P190.gcj02, 'wgs84') });
  assertProblem(res, 422, 'outside_places');
  // 215 m north in GCJ-02 is outside; in WGS-84, 190 m is inside.
  assertProblem(await punch(m, eid, { kind: 'location', location: at(P215.gcj02, 'gcj02') }), 422, 'outside_places');
  res = await punch(m, eid, { kind: 'location', location: at(P190.wgs84, 'wgs84') });
  assertStatus(res, 201);
  assert.ok(res.json.distance_m >= 189 && res.json.distance_m <= 191, show(res));
  // The raw location is kept in WGS-84, as converted.
  const first = (await myPunches(m, eid))[0];
  const loc = await srv.req('GET', `${E}/${eid}/attendance/punches/${first.id}/location`, { token: m.token });
  assertStatus(loc, 200);
  assert.equal(loc.json.coords, 'wgs84');
  assert.ok(Math.abs(loc.json.latitude - P190.wgs84[0]) < 2e-6 && Math.abs(loc.json.longitude - P190.wgs84[1]) < 2e-6, show(loc));
});

test('bad punches get a clear 400 and store nothing; outsiders and people in no group are refused', async () => {
  const { eid, owner, member: m } = await world();
  await consent(m, 'attendance_location');
  await consent(m, 'attendance_wifi');
  const cases = [
    [{ kind: 'teleport', location: hq() }, 'invalid_value', 'kind'],
    [{ kind: 'location' }, 'missing_field', 'location'],
    [{ kind: 'wifi', wifi: WIFI, location: hq() }, 'invalid_value', 'location'],
    [{ kind: 'location', location: { ...hq(), coords: 'bd09' } }, 'invalid_value', 'location.coords'],
    [{ kind: 'location', location: { latitude: 91, longitude: 0, coords: 'wgs84', accuracy_m: 5 } }, 'invalid_value', 'location'],
    [{ kind: 'location', location: { latitude: '31.2', longitude: 121.4, coords: 'wgs84', accuracy_m: 5 } }, 'invalid_value', 'location'],
    [{ kind: 'location', location: { latitude: 31.2, longitude: 121.4, coords: 'wgs84' } }, 'missing_field', 'location.accuracy_m'],
    [{ kind: 'wifi', wifi: { ssid: WIFI.ssid, bssid: 'not-a-mac' } }, 'invalid_value', 'wifi.bssid'],
    [{ kind: 'location', location: hq(), client_time: 'yesterday' }, 'invalid_value', 'client_time'],
    [{ kind: 'location', location: hq(), idempotency_key: '' }, 'invalid_value', 'idempotency_key'],
    [{ kind: 'location', location: hq(), flags: { mock_location: 'yes' } }, 'invalid_type', 'flags.mock_location'],
    [{ kind: 'location', location: hq(), apps: [7] }, 'invalid_value', 'apps'],
    [{ kind: 'location', location: hq(), speed: 3 }, 'unknown_field', 'speed'],
  ];
  for (const [body, code, field] of cases) {
    assertProblem(await punch(m, eid, body), 400, code, { field });
  }
  assert.equal(punchesOf(m, eid), 0);
  // Someone in no group of the enterprise: no rule to punch by.
  const loner = await srv.signUp();
  await addMember(srv, owner, eid, loner, '孤独');
  await consent(loner, 'attendance_location');
  assertProblem(await punch(loner, eid, { kind: 'location', location: hq() }), 409, 'no_attendance_group');
  // An outsider learns nothing.
  assertProblem(await punch(loner, '123456789', { kind: 'location', location: hq() }), 404, 'not_found');
  const stranger = await srv.signUp();
  assertProblem(await punch(stranger, eid, { kind: 'location', location: hq() }), 404, 'not_found');
});

test('a retried idempotency key returns the same punch, never a second one', async () => {
  const { eid, member: m } = await world();
  await consent(m, 'attendance_location');
  const key = randomUUID();
  const first = await punch(m, eid, { kind: 'location', location: hq(), idempotency_key: key });
  assertStatus(first, 201);
  const again = await punch(m, eid, { kind: 'location', location: at(P190.wgs84), idempotency_key: key });
  assertStatus(again, 200);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.json.distance_m, first.json.distance_m);
  // Several at once, too.
  const key2 = randomUUID();
  const replies = await Promise.all([1, 2, 3, 4].map(() => punch(m, eid, { kind: 'location', location: hq(), idempotency_key: key2 })));
  assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 201]);
  assert.equal(new Set(replies.map((r) => r.json.id)).size, 1);
  assert.equal(punchesOf(m, eid), 2);
});

test('acknowledged punches, stored in the writer\'s batches, survive kill -9', async () => {
  const { eid, members } = await world({ people: 4 });
  await Promise.all(members.map((m) => consent(m, 'attendance_wifi')));
  // Many at once, so that they share the writer's batches.
  const replies = await Promise.all(members.flatMap((m) => [1, 2, 3, 4, 5].map(() => punch(m, eid, { kind: 'wifi', wifi: WIFI }))));
  for (const r of replies) assertStatus(r, 201);
  assert.equal((await srv.kill9()).signal, 'SIGKILL');
  await srv.start();
  const stored = new Set();
  for (const m of members) for (const p of await myPunches(m, eid)) stored.add(p.id);
  assert.deepEqual([...stored].sort(), replies.map((r) => r.json.id).sort());
});

test('one bound device: another is refused until a change is approved, or the monthly allowance covers it', async () => {
  const { eid, owner, member: m, members } = await world({ people: 2 });
  const other = members[1];
  await consent(m, 'attendance_location');
  let res = await srv.req('GET', `${E}/${eid}/attendance/devices/me`, { token: m.token });
  assert.deepEqual(res.json, { device_id: null, bound_at: null });
  // Asking to change before anything is bound is pointless.
  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests`, { token: m.token, body: { device_id: 'new-phone', reason: '换手机' } });
  assertProblem(res, 409, 'device_request_not_needed');
  assertStatus(await punch(m, eid, { kind: 'location', location: hq() }), 201);
  res = await srv.req('GET', `${E}/${eid}/attendance/devices/me`, { token: m.token });
  assert.equal(res.json.device_id, m.device.id);
  assert.match(res.json.bound_at, RFC3339_MS);

  res = await punch(m, eid, { kind: 'location', location: hq(), device_id: 'new-phone' });
  assertProblem(res, 409, 'device_not_bound');
  assert.equal(punchesOf(m, eid), 1);

  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests`, { token: m.token, body: { device_id: m.device.id, reason: '同一台' } });
  assertProblem(res, 409, 'device_request_not_needed');
  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests`, { token: m.token, body: { device_id: 'new-phone', reason: '换了新手机' } });
  assertStatus(res, 201);
  const rid = res.json.id;
  assert.equal(res.json.status, 'pending');
  assertProblem(await srv.req('POST', `${E}/${eid}/attendance/device-requests`, { token: m.token, body: { device_id: 'x', reason: '再来' } }),
    409, 'device_request_pending');

  // The person sees their own; another member sees none of it and may not decide.
  res = await srv.req('GET', `${E}/${eid}/attendance/device-requests`, { token: m.token });
  assert.deepEqual(res.json.requests.map((r) => r.id), [rid]);
  res = await srv.req('GET', `${E}/${eid}/attendance/device-requests`, { token: other.token });
  assert.deepEqual(res.json.requests, []);
  assertProblem(await srv.req('POST', `${E}/${eid}/attendance/device-requests/${rid}/review`, { token: other.token, body: { decision: 'approve' } }),
    403, 'forbidden', { right: 'attendance' });
  // The administrator with the attendance right sees it, with the person, and approves.
  res = await srv.req('GET', `${E}/${eid}/attendance/device-requests?status=pending`, { token: owner.token });
  assertStatus(res, 200);
  assert.deepEqual(res.json.requests.map((r) => [r.id, r.user.user_id, r.device_id]), [[rid, m.user.id, 'new-phone']]);
  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests/${rid}/review`, { token: owner.token, body: { decision: 'approve' } });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'approved');
  assert.equal(res.json.decided_by, owner.user.id);
  assertProblem(await srv.req('POST', `${E}/${eid}/attendance/device-requests/${rid}/review`, { token: owner.token, body: { decision: 'reject' } }),
    409, 'device_request_closed');
  assertProblem(await srv.req('POST', `${E}/${eid}/attendance/device-requests/999/review`, { token: owner.token, body: { decision: 'reject' } }),
    404, 'device_request_not_found');
  assertStatus(await punch(m, eid, { kind: 'location', location: hq(), device_id: 'new-phone' }), 201);
  assertProblem(await punch(m, eid, { kind: 'location', location: hq() }), 409, 'device_not_bound');
  // A rejected change leaves the binding as it was.
  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests`, { token: m.token, body: { device_id: 'third-phone', reason: '借用' } });
  res = await srv.req('POST', `${E}/${eid}/attendance/device-requests/${res.json.id}/review`, { token: owner.token, body: { decision: 'reject' } });
  assert.equal(res.json.status, 'rejected');
  assertProblem(await punch(m, eid, { kind: 'location', location: hq(), device_id: 'third-phone' }), 409, 'device_not_bound');
  // The person sees it in their access log: an administrator changed their device.
  const log = await srv.req('GET', '/api/v1/me/access-log', { token: m.token });
  assert.ok(log.json.entries.some((e) => e.action === 'attendance.device_change' && e.actor.id === owner.user.id), show(log));
});

test('the rule may allow device changes a month without approval', async () => {
  const { eid, member: m } = await world({ rule: { device_changes_per_month: 1 } });
  await consent(m, 'attendance_location');
  assertStatus(await punch(m, eid, { kind: 'location', location: hq() }), 201);
  assertStatus(await punch(m, eid, { kind: 'location', location: hq(), device_id: 'phone-2' }), 201);
  const res = await srv.req('GET', `${E}/${eid}/attendance/devices/me`, { token: m.token });
  assert.equal(res.json.device_id, 'phone-2');
  assertProblem(await punch(m, eid, { kind: 'location', location: hq(), device_id: 'phone-3' }), 409, 'device_not_bound');
  assertProblem(await punch(m, eid, { kind: 'location', location: hq() }), 409, 'device_not_bound');
  assert.equal(count(`SELECT count(*) FROM attendance_device_changes WHERE user_id = ${m.user.id} AND status = 'automatic'`), 1);
});

test('anti-cheating flags a punch for review instead of refusing it; administrators review', async () => {
  const { eid, owner, member: m, members, place } = await world({ people: 2 });
  await consent(m, 'attendance_location');
  const flagsOf = async (body) => {
    const res = await punch(m, eid, { kind: 'location', location: hq(), ...body });
    assertStatus(res, 201);
    return res.json;
  };
  const clean = await flagsOf({});
  assert.deepEqual(clean.flags, []);
  assert.equal(clean.review, 'none');
  const mock = await flagsOf({ flags: { mock_location: true } });
  assert.deepEqual(mock.flags, ['mock_location']);
  assert.equal(mock.review, 'pending');
  assert.deepEqual((await flagsOf({ flags: { rooted: true } })).flags, ['rooted']);
  assert.deepEqual((await flagsOf({ location: hq(500) })).flags, ['low_accuracy']);
  const skewed = await flagsOf({ client_time: new Date(Date.now() - 3600_000).toISOString() });
  assert.deepEqual(skewed.flags, ['clock_skew']);
  assert.equal(Date.parse(skewed.punched_at) - Date.parse(skewed.client_time) > 3500_000, true, 'server time decides');
  // An offset the phone's zone writes is read right: not skewed.
  const local = new Date(Date.now() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
  assert.deepEqual((await flagsOf({ client_time: local })).flags, []);
  // Suzhou a moment after Shanghai: about 85 km in seconds.
  const fast = await flagsOf({ location: at([SUZHOU.latitude, SUZHOU.longitude]) });
  assert.equal(fast.place_id, place.suzhou);
  assert.deepEqual(fast.flags, ['implausible_speed']);

  // Only administrators with the attendance right list them.
  assertProblem(await srv.req('GET', `${E}/${eid}/attendance/punches?flagged=true`, { token: members[1].token }), 403, 'forbidden');
  let res = await srv.req('GET', `${E}/${eid}/attendance/punches?flagged=true`, { token: owner.token });
  assertStatus(res, 200);
  assert.equal(res.json.punches.length, 5);
  assert.ok(res.json.punches.every((p) => p.flags.length > 0 && p.user.user_id === m.user.id));
  assert.ok(res.json.punches.every((p) => !('device_id' in p)), 'administrators do not see device ids');
  res = await srv.req('GET', `${E}/${eid}/attendance/punches?flagged=true&limit=2`, { token: owner.token });
  assert.equal(res.json.punches.length, 2);
  const page2 = await srv.req('GET', `${E}/${eid}/attendance/punches?flagged=true&limit=2&cursor=${res.json.next_cursor}`, { token: owner.token });
  assert.equal(page2.json.punches.length, 2);
  assert.ok(!page2.json.punches.some((p) => res.json.punches.some((q) => q.id === p.id)));
  res = await srv.req('GET', `${E}/${eid}/attendance/punches?user_id=${m.user.id}`, { token: owner.token });
  assert.equal(res.json.punches.length, 7);

  // Review: accept one, reject another; each only once; an unflagged one has nothing to review.
  const review = (who, pid, decision) => srv.req('POST', `${E}/${eid}/attendance/punches/${pid}/review`, { token: who.token, body: { decision } });
  assertProblem(await review(members[1], mock.id, 'accept'), 403, 'forbidden');
  assertProblem(await review(m, mock.id, 'accept'), 403, 'forbidden');
  res = await review(owner, mock.id, 'accept');
  assertStatus(res, 200);
  assert.equal(res.json.review, 'accepted');
  assert.equal(res.json.reviewed_by, owner.user.id);
  assertProblem(await review(owner, mock.id, 'reject'), 409, 'punch_not_pending');
  assertProblem(await review(owner, clean.id, 'reject'), 409, 'punch_not_pending');
  assertProblem(await review(owner, fast.id, 'maybe'), 400, 'invalid_value', { field: 'decision' });
  assertStatus(await review(owner, fast.id, 'reject'), 200);
  assertProblem(await review(owner, '999', 'reject'), 404, 'punch_not_found');
  res = await srv.req('GET', `${E}/${eid}/attendance/punches?review=pending`, { token: owner.token });
  assert.equal(res.json.punches.length, 3);
  const mine = await myPunches(m, eid);
  assert.equal(mine.find((p) => p.id === fast.id).review, 'rejected');
  assert.equal(mine.find((p) => p.id === mock.id).review, 'accepted');
  // Day by day for a person: the punches of a day.
  res = await srv.req('GET', `${E}/${eid}/attendance/punches?user_id=${m.user.id}&from=${clean.day}&to=${clean.day}`, { token: owner.token });
  assert.equal(res.json.punches.length, 7);
  res = await srv.req('GET', `${E}/${eid}/attendance/punches?from=2001-01-01&to=2001-01-31`, { token: owner.token });
  assert.deepEqual(res.json.punches, []);

  // An administrator with the attendance right reviews others' punches, never their own.
  const admin = members[1];
  assertStatus(await srv.req('PUT', `${E}/${eid}/admins/${admin.user.id}`, { token: owner.token,
    body: { rights: ['attendance'], scope: 'all' } }), 200);
  await consent(admin, 'attendance_location');
  res = await punch(admin, eid, { kind: 'location', location: hq(), flags: { rooted: true } });
  assertStatus(res, 201);
  assertProblem(await review(admin, res.json.id, 'accept'), 403, 'forbidden');
  assertStatus(await review(owner, res.json.id, 'accept'), 200);
  const pending = (await srv.req('GET', `${E}/${eid}/attendance/punches?review=pending`, { token: admin.token })).json.punches;
  assert.equal(pending.length, 3);
  assertStatus(await review(admin, pending[0].id, 'accept'), 200);
});

test('installed apps are matched against the blocklist only under their consent, and never kept', async () => {
  const { eid, owner, member: m } = await world();
  await consent(m, 'attendance_location');
  assertProblem(await srv.req('PUT', `${E}/${eid}/attendance/app-blocklist`, { token: m.token, body: { apps: ['x'] } }), 403, 'forbidden');
  let res = await srv.req('PUT', `${E}/${eid}/attendance/app-blocklist`, { token: owner.token,
    body: { apps: ['com.example.fakegps', 'com.example.cloner'] } });
  assertStatus(res, 200);
  assert.deepEqual(res.json.apps, ['com.example.cloner', 'com.example.fakegps']);
  res = await srv.req('GET', `${E}/${eid}/attendance/app-blocklist`, { token: m.token });
  assert.deepEqual(res.json.apps, ['com.example.cloner', 'com.example.fakegps'], 'members see what is looked for');

  const apps = ['com.android.chrome', 'com.tencent.mm', 'com.example.fakegps'];
  // Without the app-list consent the list is not looked at: no flag, the punch is taken.
  res = await punch(m, eid, { kind: 'location', location: hq(), apps });
  assertStatus(res, 201);
  assert.deepEqual(res.json.flags, []);
  assert.equal(res.json.apps_checked, false);
  await consent(m, 'app_list_anti_cheating');
  res = await punch(m, eid, { kind: 'location', location: hq(), apps });
  assertStatus(res, 201);
  assert.deepEqual(res.json.flags, ['cheating_app']);
  assert.equal(res.json.apps_checked, true);
  assert.equal(res.json.review, 'pending');
  // Hashed identifiers match too; a clean phone is not flagged.
  const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');
  res = await punch(m, eid, { kind: 'location', location: hq(), apps: apps.map(sha) });
  assert.deepEqual(res.json.flags, ['cheating_app']);
  res = await punch(m, eid, { kind: 'location', location: hq(), apps: ['com.android.chrome'] });
  assert.deepEqual(res.json.flags, []);
  assert.equal(res.json.apps_checked, true);
  // Nothing of the lists sent is in the database.
  const dump = execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(!dump.includes('com.android.chrome') && !dump.includes('com.tencent.mm') && !dump.includes(sha('com.tencent.mm')));
});

test('a field punch may carry a photo the person uploaded', async () => {
  const { eid, owner, member: m } = await world({ rule: { allow_field: true } });
  const up = (who) => srv.req('POST', `${E}/${eid}/files?kind=image&name=site.png`, { token: who.token, body: png(), headers: { 'Content-Type': 'image/png' } });
  const mine = await up(m);
  assertStatus(mine, 201);
  const theirs = await up(owner);
  assertStatus(theirs, 201);
  let res = await punch(m, eid, { kind: 'field', note: '工地', photo_file_id: theirs.json.file_id });
  assertProblem(res, 404, 'file_not_found', { field: 'photo_file_id' });
  res = await punch(m, eid, { kind: 'field', note: '工地', photo_file_id: mine.json.file_id });
  assertStatus(res, 201);
  assert.equal(res.json.photo_file_id, mine.json.file_id);
  assert.equal(res.json.field, true);
  // Never sent in a message, the photo still stays while the punch shows it; an unused upload goes.
  const unused = await up(m);
  sql(srv, `UPDATE files SET created_at = ${Date.now() - 2 * 86400_000} WHERE id IN (${mine.json.file_id}, ${unused.json.file_id})`);
  const out = await runAtrium(['admin', 'files', 'sweep', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(sql(srv, `SELECT id FROM files WHERE id IN (${mine.json.file_id}, ${unused.json.file_id}) AND status <> 'deleted'`),
    [mine.json.file_id]);
});

test("administrators with the attendance right may look at a field punch's photo, audited; nobody may send it on", async () => {
  const { eid, owner, members } = await world({ people: 2, rule: { allow_field: true } });
  const [m, other] = members;
  const up = await srv.req('POST', `${E}/${eid}/files?kind=image&name=site.png`, { token: m.token, body: png(), headers: { 'Content-Type': 'image/png' } });
  assertStatus(up, 201);
  const fid = up.json.file_id;
  assertStatus(await punch(m, eid, { kind: 'field', note: '客户现场', photo_file_id: fid }), 201);
  const F = `${E}/${eid}/files/${fid}`;
  for (let i = 0; i < 100; i++) {
    const meta = await srv.req('GET', F, { token: m.token });
    if (meta.json.status !== 'processing') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // A colleague without the right learns nothing; the administrator sees it, and that look is
  // in the person's access log.
  assertProblem(await srv.req('GET', `${F}/content`, { token: other.token }), 404, 'file_not_found');
  let log = await srv.req('GET', '/api/v1/me/access-log', { token: m.token });
  assert.ok(!log.json.entries.some((e) => e.action === 'file.view'), show(log));
  const content = await srv.req('GET', `${F}/content`, { token: owner.token });
  assertStatus(content, 200);
  assert.equal(content.headers['content-type'], 'image/png');
  log = await srv.req('GET', '/api/v1/me/access-log', { token: m.token });
  const entry = log.json.entries.find((e) => e.action === 'file.view');
  assert.ok(entry, show(log));
  assert.equal(entry.actor.id, owner.user.id);
  assert.equal(entry.object, `file:${fid}`);
  // Looking is all: the administrator cannot send the photo on in a message.
  const d = await srv.req('POST', `${E}/${eid}/conversations`, { token: owner.token, body: { kind: 'direct', user_id: other.user.id } });
  assertStatus(d, 201);
  const sent = await srv.req('POST', `${E}/${eid}/conversations/${d.json.id}/messages`, { token: owner.token,
    body: { client_id: 'photo', kind: 'image', file_id: fid } });
  assertProblem(sent, 404, 'file_not_found');
});

test('raw coordinates are sealed, and cleared by the retention run once expired; the punch stays', async () => {
  const { eid, member: m, place } = await world({ rule: { location_retention_days: 7 } });
  await consent(m, 'attendance_location');
  const res = await punch(m, eid, { kind: 'location', location: at(P190.wgs84, 'wgs84', 12) });
  assertStatus(res, 201);
  const pid = res.json.id;
  const week = Date.parse(res.json.punched_at) + 7 * 86400_000;
  assert.equal(Date.parse(res.json.location_expires_at), week);
  // Sealed: the coordinates are nowhere in clear in the database.
  const dump = execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), '.dump attendance_punches'], { encoding: 'utf8' });
  assert.ok(!dump.includes('31.2321087') && !dump.includes('121.4737'), 'no clear coordinates');
  let loc = await srv.req('GET', `${E}/${eid}/attendance/punches/${pid}/location`, { token: m.token });
  assertStatus(loc, 200);
  assert.equal(loc.json.accuracy_m, 12);
  assert.equal(Date.parse(loc.json.expires_at), week);

  // Not yet due: the run leaves it.
  let run = await runAtrium(['admin', 'retention', 'run', '--data', srv.dataDir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /attendance_punches: 0 removed/);
  sql(srv, `UPDATE attendance_punches SET location_expires_at = ${Date.now() - 1000} WHERE id = ${pid}`);
  run = await runAtrium(['admin', 'retention', 'run', '--data', srv.dataDir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /attendance_punches: 1 removed/);
  assert.deepEqual(sql(srv, `SELECT quote(location_sealed), quote(location_expires_at), place_id, distance_m FROM attendance_punches WHERE id = ${pid}`),
    [`NULL|NULL|${place.hq}|190`]);
  loc = await srv.req('GET', `${E}/${eid}/attendance/punches/${pid}/location`, { token: m.token });
  assertProblem(loc, 404, 'location_not_kept');
  const [p] = await myPunches(m, eid);
  assert.equal(p.location_kept, false);
  assert.equal(p.location_expires_at, null);
  assert.equal(p.place_id, place.hq);
  assert.equal(p.distance_m, 190);
  // The sweep is on the audit chain as a count, nobody's data.
  assert.ok(count(`SELECT count(*) FROM audit_log WHERE action = 'retention.sweep' AND object = 'table:attendance_punches'`) >= 1);
});

test("an administrator's look at someone's raw location is audited and in their access log", async () => {
  const { eid, owner, member: m, members } = await world({ people: 2 });
  await consent(m, 'attendance_location');
  const res = await punch(m, eid, { kind: 'location', location: hq() });
  const pid = res.json.id;
  // Another member does not even learn the punch exists.
  assertProblem(await srv.req('GET', `${E}/${eid}/attendance/punches/${pid}/location`, { token: members[1].token }), 404, 'punch_not_found');
  // The person's own look is theirs: not in their log of others' access.
  assertStatus(await srv.req('GET', `${E}/${eid}/attendance/punches/${pid}/location`, { token: m.token }), 200);
  let log = await srv.req('GET', '/api/v1/me/access-log', { token: m.token });
  assert.ok(!log.json.entries.some((e) => e.action === 'attendance.location_view'), show(log));
  const loc = await srv.req('GET', `${E}/${eid}/attendance/punches/${pid}/location`, { token: owner.token });
  assertStatus(loc, 200);
  assert.ok(Math.abs(loc.json.latitude - HQ.latitude) < 1e-6);
  log = await srv.req('GET', '/api/v1/me/access-log', { token: m.token });
  const entry = log.json.entries.find((e) => e.action === 'attendance.location_view');
  assert.ok(entry, show(log));
  assert.equal(entry.actor.id, owner.user.id);
  assert.equal(entry.object, `punch:${pid}`);
});
