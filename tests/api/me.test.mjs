// The signed-in user's own profile: name, gender, e-mail change with verification, and
// cookie sessions with their CSRF rule.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, assertStatus, show, startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

async function me(auth) {
  const res = await srv.req('GET', '/api/v1/me', auth);
  assertStatus(res, 200);
  return res.json;
}

function emailLines(to) {
  return srv.readOutbox('email').filter((l) => l.to === to);
}

function otherCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

test('GET /me needs authentication', async () => {
  assertProblem(await srv.req('GET', '/api/v1/me'), 401, 'auth_required');
});

test('PATCH /me changes name and gender and the change is kept', async () => {
  const a = await srv.signUp({ name: 'Li Lei' });
  let res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { name: '李雷' } });
  assertStatus(res, 200);
  assert.equal(res.json.name, '李雷');
  assert.equal(res.json.gender, 'unspecified');
  res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { gender: 'male' } });
  assertStatus(res, 200);
  assert.equal(res.json.gender, 'male');
  assert.equal(res.json.name, '李雷', 'name not touched by a gender change');
  const now = await me({ token: a.token });
  assert.deepEqual(now, res.json);
  assert.equal(now.phone, a.e164);
});

test('bad PATCH /me values are refused and change nothing', async () => {
  const a = await srv.signUp({ name: 'Han Meimei' });
  const before = await me({ token: a.token });
  const cases = [
    [{ gender: 'other' }, 400, 'invalid_value', { field: 'gender' }],
    [{ name: '' }, 400, 'invalid_value', { field: 'name' }],
    [{ name: 'x'.repeat(65) }, 400, 'invalid_value', { field: 'name' }],
    [{ name: 42 }, 400, 'invalid_type', { field: 'name' }],
    [{ phone: '13800138000' }, 400, 'unknown_field', { field: 'phone' }],
    [{ email: 'not-an-address' }, 400, 'invalid_email', {}],
  ];
  for (const [body, status, code, extra] of cases) {
    const res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body });
    assertProblem(res, status, code, extra);
  }
  assertProblem(await srv.req('PATCH', '/api/v1/me', { token: a.token, body: '{"name":' , headers: { 'Content-Type': 'application/json' } }), 400, 'malformed_json');
  assert.deepEqual(await me({ token: a.token }), before);
  assert.deepEqual(emailLines('not-an-address'), []);
});

test('a 64-character name is accepted', async () => {
  const a = await srv.signUp();
  const res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { name: 'n'.repeat(64) } });
  assertStatus(res, 200);
  assert.equal(res.json.name, 'n'.repeat(64));
});

test('an e-mail change waits for the code sent to the new address', async () => {
  const a = await srv.signUp();
  const addr = `li.lei.${Date.now()}@example.cn`;
  let res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { email: addr } });
  assertStatus(res, 200);
  assert.equal(res.json.email, null, 'not applied before verification');
  assert.equal(res.json.pending_email, addr);
  const code = await srv.lastCode(addr, 'email');
  assert.match(code, /^[0-9]{6}$/);
  const [line] = emailLines(addr);
  assert.equal(line.kind, 'code');
  assert.equal(line.purpose, 'email');
  assert.equal(typeof line.subject, 'string');
  assert.ok(line.text.includes(code), 'the mail text shows the code');

  res = await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code: otherCode(code) } });
  assertProblem(res, 400, 'code_invalid');
  assert.equal(typeof res.json.tries_left, 'number', show(res));
  assert.equal((await me({ token: a.token })).email, null, 'a wrong code applies nothing');

  res = await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code } });
  assertStatus(res, 200);
  assert.equal(res.json.email, addr);
  assert.equal(res.json.pending_email, null);
  const now = await me({ token: a.token });
  assert.equal(now.email, addr);
  assert.equal(now.pending_email, null);

  res = await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code } });
  assertProblem(res, 400, 'code_expired');
});

test('verifying with no e-mail change pending is code_expired', async () => {
  const a = await srv.signUp();
  assertProblem(await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code: '123456' } }), 400, 'code_expired');
  assert.equal((await me({ token: a.token })).email, null);
});

test('cookie sign-up: HttpOnly SameSite=Strict cookie, CSRF token, no token in the body', async () => {
  const a = await srv.signUp({ cookie: true });
  assert.ok(a.setCookie, `Set-Cookie atrium_session: ${show(a.res)}`);
  assert.match(a.setCookie, /;\s*HttpOnly/i);
  assert.match(a.setCookie, /;\s*SameSite=Strict/i);
  assert.match(a.setCookie, /;\s*Path=\/api\/v1/i);
  assert.equal(a.session.token, undefined, `no token in body: ${show(a.res)}`);
  assert.equal(typeof a.csrf, 'string');
  assert.ok(a.csrf.length >= 16);
  const now = await me({ cookie: a.cookie });
  assert.equal(now.id, a.user.id);
});

test('a cookie PATCH needs the CSRF header', async () => {
  const a = await srv.signUp({ cookie: true, name: 'Before' });
  let res = await srv.req('PATCH', '/api/v1/me', { cookie: a.cookie, body: { name: 'Forged' } });
  assertProblem(res, 403, 'csrf_failed');
  assert.equal((await me({ cookie: a.cookie })).name, 'Before', 'nothing changed without the header');

  res = await srv.req('PATCH', '/api/v1/me', { cookie: a.cookie, body: { name: 'Forged' }, headers: { 'X-CSRF-Token': `${a.csrf}x` } });
  assertProblem(res, 403, 'csrf_failed');
  assert.equal((await me({ cookie: a.cookie })).name, 'Before', 'nothing changed with a wrong header');

  res = await srv.req('PATCH', '/api/v1/me', { cookie: a.cookie, body: { name: 'After' }, headers: { 'X-CSRF-Token': a.csrf } });
  assertStatus(res, 200);
  assert.equal(res.json.name, 'After');
  assert.equal((await me({ cookie: a.cookie })).name, 'After');
});

test('a cookie logout without the CSRF header keeps the session', async () => {
  const a = await srv.signUp({ cookie: true });
  assertProblem(await srv.req('POST', '/api/v1/auth/logout', { cookie: a.cookie }), 403, 'csrf_failed');
  await me({ cookie: a.cookie });
  assertStatus(await srv.req('POST', '/api/v1/auth/logout', { cookie: a.cookie, headers: { 'X-CSRF-Token': a.csrf } }), 204);
  assertProblem(await srv.req('GET', '/api/v1/me', { cookie: a.cookie }), 401, 'auth_required');
});

test('a bearer token needs no CSRF header and wins over a cookie', async () => {
  const a = await srv.signUp({ cookie: true, name: 'Cookie User' });
  const b = await srv.signUp({ name: 'Bearer User' });
  const both = await me({ cookie: a.cookie, token: b.token });
  assert.equal(both.id, b.user.id, 'bearer wins');
  const res = await srv.req('PATCH', '/api/v1/me', { cookie: a.cookie, token: b.token, body: { name: 'Bearer Renamed' } });
  assertStatus(res, 200);
  assert.equal(res.json.id, b.user.id);
  assert.equal((await me({ cookie: a.cookie })).name, 'Cookie User', 'cookie user untouched');
});

test('notifications list pages with limit and cursor shape', async () => {
  const a = await srv.signUp();
  const res = await srv.req('GET', '/api/v1/me/notifications?limit=5', { token: a.token });
  assertStatus(res, 200);
  assert.ok(Array.isArray(res.json.notifications), show(res));
  assert.ok(res.json.next_cursor === null || typeof res.json.next_cursor === 'string', show(res));
  assertProblem(await srv.req('GET', '/api/v1/me/notifications'), 401, 'auth_required');
});
