// Consent at the point of collection (PP-12, PP-13, PP-15, PP-19): declared purposes in Chinese
// and English, grants and revocations as an append-only history, the push token that is stored
// only under a live consent and an unswitched device permission, and receipts signed with a key
// a user can check offline.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ID, RFC3339_MS, assertProblem, assertStatus, show, startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

const consent = (a, purpose, granted, extra = {}) => srv.req('POST', '/api/v1/me/consents', {
  token: a.token, body: { purpose, granted, device_id: a.device.id, ...extra },
});
const consents = (a) => srv.req('GET', '/api/v1/me/consents', { token: a.token });
const pushToken = (a, token, dev = a.device.id) => srv.req('POST', `/api/v1/me/devices/${encodeURIComponent(dev)}/push-token`, {
  token: a.token, body: { token },
});
const permissions = (a, body, dev = a.device.id) => srv.req('PUT', `/api/v1/me/devices/${encodeURIComponent(dev)}/permissions`, {
  token: a.token, body,
});

/** The push tokens the server holds for a user, read from its database as an auditor would. */
function storedTokens(userId) {
  assert.match(userId, ID);
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dataDir, 'atrium.db'),
    `SELECT device_id || ' ' || token FROM push_tokens WHERE user_id = ${userId} ORDER BY device_id`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

function purposeState(res, id) {
  const p = res.json.purposes.find((x) => x.purpose === id);
  assert.ok(p, `purpose ${id} in ${show(res)}`);
  return p;
}

test('purposes are listed in Chinese by default, with both languages under i18n', async () => {
  const res = await srv.req('GET', '/api/v1/privacy/purposes');
  assertStatus(res, 200);
  assert.equal(res.json.language, 'zh');
  assert.equal(res.headers['content-language'], 'zh');
  const ids = res.json.purposes.map((p) => p.id);
  for (const id of ['attendance_location', 'attendance_wifi', 'face_punch_in', 'face_recognition', 'meeting_camera',
    'microphone', 'calendar_sync', 'photo_access', 'app_list_anti_cheating', 'phone_state_security',
    'push_notifications', 'marketing_messages']) {
    assert.ok(ids.includes(id), `${id} is declared: ${ids}`);
  }
  const loc = res.json.purposes.find((p) => p.id === 'attendance_location');
  assert.equal(loc.title, '考勤定位');
  assert.match(loc.description, /打卡时获取您的精确位置/);
  assert.equal(loc.i18n.zh.title, '考勤定位');
  assert.equal(loc.i18n.en.title, 'Attendance location');
  assert.equal(loc.permission, 'location');
  assert.equal(loc.sensitive, true);
  assert.equal(loc.required, true);
  assert.equal(loc.basis, 'consent');
  assert.ok(Number.isInteger(loc.version) && loc.version >= 1);
  const face = res.json.purposes.find((p) => p.id === 'face_punch_in');
  assert.equal(face.permission, 'camera');
  assert.equal(face.sensitive, true);
  const marketing = res.json.purposes.find((p) => p.id === 'marketing_messages');
  assert.equal(marketing.required, false);
  assert.equal(marketing.permission, null);
  for (const p of res.json.purposes) {
    assert.match(p.i18n.zh.description, /[\u4e00-\u9fff]/, `${p.id} explains itself in Chinese`);
    assert.ok(p.i18n.en.description.length > 30, `${p.id} explains itself in English`);
  }
});

test('purposes come in English when Accept-Language prefers it', async () => {
  for (const al of ['en', 'en-US,en;q=0.9,zh-CN;q=0.8']) {
    const res = await srv.req('GET', '/api/v1/privacy/purposes', { headers: { 'Accept-Language': al } });
    assertStatus(res, 200);
    assert.equal(res.json.language, 'en', al);
    const loc = res.json.purposes.find((p) => p.id === 'attendance_location');
    assert.equal(loc.title, 'Attendance location');
    assert.match(loc.description, /precise location/);
    assert.equal(loc.i18n.zh.title, '考勤定位');
  }
  const zh = await srv.req('GET', '/api/v1/privacy/purposes', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
  assert.equal(zh.json.purposes.find((p) => p.id === 'attendance_location').title, '考勤定位');
});

test('a grant shows as granted, a revocation as not, and the history keeps both, newest first', async () => {
  const a = await srv.signUp();
  let res = await consents(a);
  assertStatus(res, 200);
  assert.deepEqual(purposeState(res, 'calendar_sync'), {
    purpose: 'calendar_sync', title: '日历同步', version: 1, granted: false, needs_renewal: false, updated_at: null,
  });
  // Registration's policy acceptance is the first record.
  assert.equal(res.json.history.length, 1, show(res));
  assert.equal(res.json.history[0].purpose, 'privacy_policy');
  assert.equal(res.json.history[0].granted, true);

  const grant = await consent(a, 'calendar_sync', true);
  assertStatus(grant, 201);
  assert.match(grant.json.id, ID);
  assert.equal(grant.json.purpose, 'calendar_sync');
  assert.equal(grant.json.purpose_version, 1);
  assert.equal(grant.json.granted, true);
  assert.equal(grant.json.policy_version, await srv.policyVersion());
  assert.equal(grant.json.device_id, a.device.id);
  assert.match(grant.json.created_at, RFC3339_MS);
  res = await consents(a);
  assert.equal(purposeState(res, 'calendar_sync').granted, true);
  assert.equal(purposeState(res, 'calendar_sync').updated_at, grant.json.created_at);
  assert.equal(purposeState(res, 'microphone').granted, false, 'a grant covers its own purpose only');

  const revoke = await consent(a, 'calendar_sync', false);
  assertStatus(revoke, 201);
  assert.equal(revoke.json.granted, false);
  const other = await consent(a, 'marketing_messages', true, { device_id: null });
  assertStatus(other, 201);
  assert.equal(other.json.device_id, null);
  res = await consents(a);
  assert.equal(purposeState(res, 'calendar_sync').granted, false);
  assert.equal(purposeState(res, 'calendar_sync').needs_renewal, false);
  assert.equal(purposeState(res, 'marketing_messages').granted, true);

  const h = res.json.history;
  assert.deepEqual(h.map((r) => r.id).slice(0, 3), [other.json.id, revoke.json.id, grant.json.id]);
  assert.equal(h.length, 4, 'every record, the policy acceptance included');
  assert.deepEqual(h[1], revoke.json);
  assert.deepEqual(h[2], grant.json, 'the grant is kept as it was after the revocation');
  for (let i = 1; i < h.length; i++) assert.ok(h[i - 1].created_at >= h[i].created_at, 'newest first');

  // Records are never edited or deleted through the API.
  assertProblem(await srv.req('DELETE', '/api/v1/me/consents', { token: a.token }), 405, 'method_not_allowed');
});

test('an undeclared purpose or a bad body is refused and records nothing', async () => {
  const a = await srv.signUp();
  assertProblem(await consent(a, 'read_my_mind', true), 400, 'unknown_purpose', { field: 'purpose' });
  assertProblem(await consent(a, 'privacy_policy', false), 400, 'unknown_purpose');
  assertProblem(await srv.req('POST', '/api/v1/me/consents', { token: a.token, body: { purpose: 'microphone', granted: 'yes' } }),
    400, 'invalid_type', { field: 'granted' });
  assertProblem(await srv.req('POST', '/api/v1/me/consents', { token: a.token, body: { purpose: 'microphone' } }),
    400, 'missing_field', { field: 'granted' });
  assertProblem(await srv.req('POST', '/api/v1/me/consents', { token: a.token, body: { purpose: 'microphone', granted: true, why: 'x' } }),
    400, 'unknown_field', { field: 'why' });
  const res = await consents(a);
  assert.equal(res.json.history.length, 1, `only the policy acceptance: ${show(res)}`);
});

test('consent routes need a signed-in user', async () => {
  assertProblem(await srv.req('GET', '/api/v1/me/consents'), 401, 'auth_required');
  assertProblem(await srv.req('POST', '/api/v1/me/consents', { body: { purpose: 'microphone', granted: true } }), 401, 'auth_required');
  assertProblem(await srv.req('GET', '/api/v1/me/consents/1/receipt'), 401, 'auth_required');
  assertProblem(await srv.req('PUT', '/api/v1/me/devices/x/permissions', { body: {} }), 401, 'auth_required');
  assertProblem(await srv.req('POST', '/api/v1/me/devices/x/push-token', { body: { token: 't' } }), 401, 'auth_required');
});

test('a push token is stored only under a live consent; revoking stops new ones and keeps the old', async () => {
  const a = await srv.signUp();
  const id = a.user.id;
  assertProblem(await pushToken(a, 'token-before-consent'), 403, 'consent_required', { purpose: 'push_notifications' });
  assert.deepEqual(storedTokens(id), [], 'nothing stored without consent');

  assertStatus(await consent(a, 'push_notifications', true), 201);
  const ok = await pushToken(a, 'token-1');
  assertStatus(ok, 200);
  assert.equal(ok.json.registered, true);
  assert.equal(ok.json.device_id, a.device.id);
  assert.match(ok.json.updated_at, RFC3339_MS);
  assert.deepEqual(storedTokens(id), [`${a.device.id} token-1`]);

  assertStatus(await consent(a, 'push_notifications', false), 201);
  const refused = assertProblem(await pushToken(a, 'token-2'), 403, 'consent_required', { purpose: 'push_notifications' });
  assert.match(refused.detail, /withdrawn/);
  assert.deepEqual(storedTokens(id), [`${a.device.id} token-1`], 'PP-13: the earlier token stays as it was');

  // Granting again lets the device register again.
  assertStatus(await consent(a, 'push_notifications', true), 201);
  assertStatus(await pushToken(a, 'token-3'), 200);
  assert.deepEqual(storedTokens(id), [`${a.device.id} token-3`]);
});

test('notifications switched off on the device refuse the push token even with a grant', async () => {
  const a = await srv.signUp();
  assertStatus(await consent(a, 'push_notifications', true), 201);
  const off = await permissions(a, { notifications: false, location: true });
  assertStatus(off, 200);
  assert.equal(off.json.device_id, a.device.id);
  assert.deepEqual(off.json.permissions, {
    location: true, camera: null, microphone: null, calendar: null, photos: null, phone_state: null,
    storage: null, background: null, app_list: null, notifications: false,
  });
  assert.match(off.json.updated_at, RFC3339_MS);
  const refused = assertProblem(await pushToken(a, 'token-off'), 403, 'consent_required', { purpose: 'push_notifications' });
  assert.match(refused.detail, /notifications/);
  assert.deepEqual(storedTokens(a.user.id), []);
  // The consent itself is untouched: switching the permission on again is enough.
  const shown = await srv.req('GET', `/api/v1/me/devices/${encodeURIComponent(a.device.id)}/permissions`, { token: a.token });
  assertStatus(shown, 200);
  assert.deepEqual(shown.json, off.json);
  const on = await permissions(a, { notifications: true });
  assert.equal(on.json.permissions.notifications, true);
  assert.equal(on.json.permissions.location, true, 'switches not sent keep their state');
  assertStatus(await pushToken(a, 'token-on'), 200);
  assert.deepEqual(storedTokens(a.user.id), [`${a.device.id} token-on`]);
});

test('device permissions and push tokens take only the user\'s own devices and well-formed switches', async () => {
  const a = await srv.signUp();
  const b = await srv.signUp();
  assertStatus(await consent(a, 'push_notifications', true), 201);
  assertProblem(await permissions(a, { camera: false }, 'never-signed-in'), 404, 'device_not_found');
  assertProblem(await permissions(a, { camera: false }, b.device.id), 404, 'device_not_found');
  assertProblem(await pushToken(a, 'tok', b.device.id), 404, 'device_not_found');
  assertProblem(await permissions(a, { telepathy: true }), 400, 'unknown_field', { field: 'telepathy' });
  assertProblem(await permissions(a, { camera: 'off' }), 400, 'invalid_type', { field: 'camera' });
  assertProblem(await pushToken(a, ''), 400, 'invalid_value', { field: 'token' });
  assertProblem(await pushToken(a, 'has space'), 400, 'invalid_value', { field: 'token' });
  assert.deepEqual(storedTokens(a.user.id), []);
  const res = await srv.req('GET', `/api/v1/me/devices/${encodeURIComponent(b.device.id)}/permissions`, { token: b.token });
  assertStatus(res, 200);
  assert.equal(res.json.permissions.camera, null, "a's attempt did not touch b's device");
});

test('a receipt verifies offline with the published key, and a tampered one does not', async () => {
  const a = await srv.signUp();
  const grant = await consent(a, 'attendance_location', true);
  assertStatus(grant, 201);
  const keyRes = await srv.req('GET', '/api/v1/privacy/signing-key');
  assertStatus(keyRes, 200);
  assert.equal(keyRes.json.alg, 'Ed25519');
  assert.match(keyRes.json.key_id, /^[0-9a-f]{16}$/);
  assert.equal(keyRes.json.jwk.kty, 'OKP');
  assert.equal(keyRes.json.jwk.crv, 'Ed25519');
  assert.equal(keyRes.json.jwk.x, keyRes.json.public_key);
  const key = crypto.createPublicKey({ key: keyRes.json.jwk, format: 'jwk' });

  const res = await srv.req('GET', `/api/v1/me/consents/${grant.json.id}/receipt`, { token: a.token });
  assertStatus(res, 200);
  const { receipt, receipt_text: text, signature, key_id: keyId } = res.json;
  assert.equal(keyId, keyRes.json.key_id);
  assert.deepEqual(JSON.parse(text), receipt, 'the receipt object is the signed text');
  assert.equal(crypto.verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url')), true);

  assert.equal(receipt.version, 'KI-CR-v1.1.0');
  assert.equal(receipt.jurisdiction, 'CN');
  assert.equal(receipt.collectionMethod, 'api');
  assert.equal(receipt.consentReceiptID, grant.json.id);
  assert.equal(receipt.consentTimestamp, Math.floor(Date.parse(grant.json.created_at) / 1000));
  assert.equal(receipt.policyUrl, '/api/v1/privacy/policy');
  assert.equal(receipt.policy_version, await srv.policyVersion());
  assert.equal(receipt.piiPrincipalId, a.user.id);
  assert.deepEqual(receipt.piiControllers.map((c) => c.piiController), ['Atrium (platform)']);
  assert.equal(receipt.services[0].service, 'Atrium');
  const [purpose] = receipt.services[0].purposes;
  assert.equal(purpose.purpose, '考勤定位');
  assert.equal(purpose.consentType, 'EXPLICIT');
  assert.ok(purpose.piiCategory.includes('location'));
  assert.equal(typeof purpose.termination, 'string');
  assert.equal(receipt.sensitive, true);
  assert.equal(receipt.granted, true);
  assert.equal(receipt.device_id, a.device.id);
  assert.equal(receipt.purpose_id, 'attendance_location');
  assert.equal(receipt.purpose_version, 2); // attendance_location, raised when its text said how long coordinates stay

  const tampered = text.replace('"granted":true', '"granted":false');
  assert.notEqual(tampered, text);
  assert.equal(crypto.verify(null, Buffer.from(tampered), key, Buffer.from(signature, 'base64url')), false);

  // A revocation has its own receipt, saying so.
  const revoke = await consent(a, 'attendance_location', false);
  const r2 = await srv.req('GET', `/api/v1/me/consents/${revoke.json.id}/receipt`, { token: a.token, headers: { 'Accept-Language': 'en' } });
  assertStatus(r2, 200);
  assert.equal(r2.json.receipt.granted, false);
  assert.equal(r2.json.receipt.services[0].purposes[0].purpose, 'Attendance location');
  assert.equal(crypto.verify(null, Buffer.from(r2.json.receipt_text), key, Buffer.from(r2.json.signature, 'base64url')), true);
});

test("someone else's receipt, or none, is consent_not_found", async () => {
  const a = await srv.signUp();
  const b = await srv.signUp();
  const grant = await consent(a, 'microphone', true);
  assertStatus(grant, 201);
  assertProblem(await srv.req('GET', `/api/v1/me/consents/${grant.json.id}/receipt`, { token: b.token }), 404, 'consent_not_found');
  assertProblem(await srv.req('GET', '/api/v1/me/consents/999999999999/receipt', { token: b.token }), 404, 'consent_not_found');
  assertProblem(await srv.req('GET', '/api/v1/me/consents/not-an-id/receipt', { token: b.token }), 404, 'consent_not_found');
  // b's own history does not show a's record either.
  const res = await consents(b);
  assert.ok(!res.json.history.some((r) => r.id === grant.json.id));
});

test('the signing key survives a restart, so old receipts still verify', async (t) => {
  const own = await startServer(t);
  const a = await own.signUp();
  const grant = await own.req('POST', '/api/v1/me/consents', { token: a.token, body: { purpose: 'microphone', granted: true } });
  assertStatus(grant, 201);
  const receipt = await own.req('GET', `/api/v1/me/consents/${grant.json.id}/receipt`, { token: a.token });
  const before = await own.req('GET', '/api/v1/privacy/signing-key');
  await own.restart();
  const afterRestart = await own.req('GET', '/api/v1/privacy/signing-key');
  assert.deepEqual(afterRestart.json, before.json);
  const key = crypto.createPublicKey({ key: afterRestart.json.jwk, format: 'jwk' });
  assert.equal(crypto.verify(null, Buffer.from(receipt.json.receipt_text), key, Buffer.from(receipt.json.signature, 'base64url')), true);
  // Another installation (another master key) has another key.
  const other = await startServer(t);
  const otherKey = await other.req('GET', '/api/v1/privacy/signing-key');
  assert.notEqual(otherKey.json.key_id, before.json.key_id);
});
