// Session listing and revocation on one device per user. The two-device path (sign-in on a
// second device, revoke it, logout) is in auth.test.mjs, where the resend wait is shared.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ID, RFC3339_MS, assertProblem, assertStatus, device, show, startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

test('a new account has exactly one session, marked current, with its device', async () => {
  const dev = device('iPhone 15');
  const a = await srv.signUp({ dev });
  const res = await srv.req('GET', '/api/v1/me/sessions', { token: a.token });
  assertStatus(res, 200);
  assert.equal(res.json.sessions.length, 1, show(res));
  const [s] = res.json.sessions;
  assert.equal(s.id, a.session.id);
  assert.match(s.id, ID);
  assert.equal(s.current, true);
  assert.deepEqual(s.device, dev);
  assert.match(s.created_at, RFC3339_MS);
  assert.match(s.last_seen_at, RFC3339_MS);
  assert.equal(typeof s.ip, 'string');
});

test("revoking another user's session is session_not_found and leaves it working", async () => {
  const a = await srv.signUp();
  const b = await srv.signUp();
  const res = await srv.req('DELETE', `/api/v1/me/sessions/${b.session.id}`, { token: a.token });
  assertProblem(res, 404, 'session_not_found');
  assertStatus(await srv.req('GET', '/api/v1/me', { token: b.token }), 200);
  assertStatus(await srv.req('GET', '/api/v1/me', { token: a.token }), 200);
});

test('revoking an unknown session id is session_not_found', async () => {
  const a = await srv.signUp();
  assertProblem(await srv.req('DELETE', '/api/v1/me/sessions/999999999999', { token: a.token }), 404, 'session_not_found');
  const res = await srv.req('GET', '/api/v1/me/sessions', { token: a.token });
  assert.equal(res.json.sessions.length, 1, 'own session untouched');
});

test('revoking the current session signs this device out at once', async () => {
  const a = await srv.signUp();
  assertStatus(await srv.req('DELETE', `/api/v1/me/sessions/${a.session.id}`, { token: a.token }), 204);
  assertProblem(await srv.req('GET', '/api/v1/me', { token: a.token }), 401, 'auth_required');
  assertProblem(await srv.req('GET', '/api/v1/me/sessions', { token: a.token }), 401, 'auth_required');
});

test('logout ends the session at once', async () => {
  const a = await srv.signUp();
  const res = await srv.req('POST', '/api/v1/auth/logout', { token: a.token });
  assertStatus(res, 204);
  assert.equal(res.text, '', '204 has no body');
  assertProblem(await srv.req('GET', '/api/v1/me', { token: a.token }), 401, 'auth_required');
  assertProblem(await srv.req('POST', '/api/v1/auth/logout', { token: a.token }), 401, 'auth_required');
});

test('session routes need authentication', async () => {
  assertProblem(await srv.req('GET', '/api/v1/me/sessions'), 401, 'auth_required');
  assertProblem(await srv.req('DELETE', '/api/v1/me/sessions/1'), 401, 'auth_required');
  assertProblem(await srv.req('GET', '/api/v1/me/sessions', { token: 'not-a-token' }), 401, 'auth_required');
  assertProblem(await srv.req('GET', '/api/v1/me/sessions', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'auth_required');
});
