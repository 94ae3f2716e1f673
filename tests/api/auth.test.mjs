// Sign-up, sign-in, codes, policy acceptance and the new-device notice. Every case that needs a
// second SMS code for one number (sign-in after sign-up) lives here, including sign-in after a
// kill -9 or a restore (the rest of those is in durability/backup.test.mjs). The cases run
// concurrently, so the 60-second resend wait per number is paid once: node runs test files one
// after another on a two-core machine, and three files that each wait would triple the time.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ID, RFC3339_MS, TOKEN, assertProblem, assertStatus, device, e164, nextPhone, runAtrium, show, sleep,
  startServer, tempDir,
} from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

function newSignInLines(phone) {
  return srv.readOutbox('sms').filter((l) => l.to === e164(phone) && l.kind === 'new_sign_in');
}

async function notifications(token) {
  const res = await srv.req('GET', '/api/v1/me/notifications', { token });
  assertStatus(res, 200);
  assert.ok(Array.isArray(res.json.notifications), show(res));
  return res.json;
}

async function registerBody(phone, code, extra = {}) {
  return { phone, code, name: 'Han Meimei', policy_version: await srv.policyVersion(), device: device(), ...extra };
}

function otherCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

describe('sign-up and sign-in', { concurrency: true }, () => {
  it('sign-up returns the new user and a 256-bit session token that works', async () => {
    const phone = nextPhone();
    const a = await srv.signUp({ phone: `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, name: 'Li Lei' });
    assert.match(a.token, TOKEN, show(a.res));
    assert.match(a.session.id, ID);
    assert.match(a.session.expires_at, RFC3339_MS);
    assert.ok(Date.parse(a.session.expires_at) > Date.now(), 'session expires in the future');
    assert.match(a.user.id, ID);
    assert.equal(a.user.phone, e164(phone), 'phone stored in E.164');
    assert.equal(a.user.name, 'Li Lei');
    assert.equal(a.user.gender, 'unspecified');
    assert.equal(a.user.email, null);
    assert.equal(a.user.pending_email, null);
    assert.equal(a.user.policy_version, await srv.policyVersion());
    assert.match(a.user.created_at, RFC3339_MS);
    const me = await srv.req('GET', '/api/v1/me', { token: a.token });
    assertStatus(me, 200);
    assert.deepEqual(me.json, a.user);
  });

  it('sign-up → sign-in on a second device → sessions → revoke one → logout', async () => {
    const a = await srv.signUp({ dev: device('iPhone 15') });
    const b = await srv.signIn({ phone: a.phone, dev: device('Pixel 8') });
    assert.equal(b.user.id, a.user.id, 'same account');
    assert.match(b.token, TOKEN);
    assert.notEqual(b.token, a.token);

    let res = await srv.req('GET', '/api/v1/me/sessions', { token: b.token });
    assertStatus(res, 200);
    assert.equal(res.json.sessions.length, 2, show(res));
    const onB = res.json.sessions.find((s) => s.id === b.session.id);
    const onA = res.json.sessions.find((s) => s.id === a.session.id);
    assert.ok(onA && onB, `both sessions listed: ${show(res)}`);
    assert.equal(onB.current, true, 'the asking session is current');
    assert.equal(onA.current, false, 'the other session is not current');
    assert.deepEqual(onB.device, b.device);
    assert.deepEqual(onA.device, a.device);
    for (const s of res.json.sessions) {
      assert.match(s.created_at, RFC3339_MS);
      assert.match(s.last_seen_at, RFC3339_MS);
      assert.equal(typeof s.ip, 'string');
    }
    res = await srv.req('GET', '/api/v1/me/sessions', { token: a.token });
    assert.deepEqual(res.json.sessions.filter((s) => s.current).map((s) => s.id), [a.session.id],
      'seen from the first device, that one is current');

    res = await srv.req('DELETE', `/api/v1/me/sessions/${a.session.id}`, { token: b.token });
    assertStatus(res, 204);
    assertProblem(await srv.req('GET', '/api/v1/me', { token: a.token }), 401, 'auth_required');
    res = await srv.req('GET', '/api/v1/me/sessions', { token: b.token });
    assertStatus(res, 200);
    assert.deepEqual(res.json.sessions.map((s) => s.id), [b.session.id], 'revoked session is gone');

    res = await srv.req('POST', '/api/v1/auth/logout', { token: b.token });
    assertStatus(res, 204);
    assertProblem(await srv.req('GET', '/api/v1/me', { token: b.token }), 401, 'auth_required');
    assertProblem(await srv.req('GET', '/api/v1/me/sessions', { token: b.token }), 401, 'auth_required');
  });

  it('sign-in on a new device makes an in-app notice and an SMS naming the device', async () => {
    const a = await srv.signUp({ dev: device('iPhone 15') });
    let list = await notifications(a.token);
    assert.deepEqual(list.notifications.filter((n) => n.kind === 'new_sign_in'), [], 'sign-up is not a new sign-in');
    assert.deepEqual(newSignInLines(a.phone), []);

    await srv.signIn({ phone: a.phone, dev: device('Pixel 8') });
    list = await notifications(a.token);
    const hits = list.notifications.filter((n) => n.kind === 'new_sign_in');
    assert.equal(hits.length, 1, JSON.stringify(list));
    const [n] = hits;
    assert.match(n.id, ID);
    assert.equal(typeof n.title, 'string');
    assert.ok(n.title.length > 0, 'notice has a title');
    assert.equal(typeof n.body, 'string');
    assert.match(n.created_at, RFC3339_MS);
    assert.equal(n.read, false);
    assert.equal(list.next_cursor, null);

    let sms = [];
    for (let i = 0; i < 40 && sms.length === 0; i++) {
      sms = newSignInLines(a.phone);
      if (sms.length === 0) await sleep(50);
    }
    assert.equal(sms.length, 1, 'one new_sign_in SMS line in outbox');
    assert.equal(sms[0].code, undefined, 'the notice carries no code');
    assert.match(sms[0].time, RFC3339_MS);
    assert.ok(sms[0].text.includes('Pixel 8'), `SMS names the device model: ${sms[0].text}`);
    const zh = sms[0].text.search(/[\u4e00-\u9fff]/);
    const en = sms[0].text.search(/New sign-in/i);
    assert.ok(zh >= 0 && (en < 0 || zh < en), `Chinese text comes first: ${sms[0].text}`);
  });

  it('sign-in again on the device used at sign-up sends no new-sign-in notice', async () => {
    const dev = device('Mate 60');
    const a = await srv.signUp({ dev });
    const b = await srv.signIn({ phone: a.phone, dev });
    assert.equal(b.user.id, a.user.id);
    await sleep(500);
    const list = await notifications(b.token);
    assert.deepEqual(list.notifications.filter((n) => n.kind === 'new_sign_in'), []);
    assert.deepEqual(newSignInLines(a.phone), []);
  });

  it('a code works once: used again after a successful sign-in it is code_expired', async () => {
    const a = await srv.signUp();
    const code = await srv.requestCode(a.phone, 'login', { wait: true });
    const first = await srv.req('POST', '/api/v1/auth/login', { body: { phone: a.phone, code, device: device('X1') } });
    assertStatus(first, 200);
    const again = await srv.req('POST', '/api/v1/auth/login', { body: { phone: a.phone, code, device: device('X2') } });
    assertProblem(again, 400, 'code_expired');
    const res = await srv.req('GET', '/api/v1/me/sessions', { token: a.token });
    assert.equal(res.json.sessions.length, 2, `no session from the reused code: ${show(res)}`);
  });

  it('a code that was never requested is code_expired and creates nothing', async () => {
    const phone = nextPhone();
    const res = await srv.req('POST', '/api/v1/auth/register', { body: await registerBody(phone, '123456') });
    assertProblem(res, 400, 'code_expired');
    assert.deepEqual(srv.codeLines(e164(phone)), []);
    const a = await srv.signUp({ phone }); // 201, not account_exists
    assert.equal(a.user.phone, e164(phone));
  });

  it('five wrong codes lock the code; then even the right code is code_locked', async () => {
    const phone = nextPhone();
    const code = await srv.requestCode(phone, 'register');
    const wrong = await registerBody(phone, otherCode(code));
    for (let i = 1; i <= 4; i++) {
      const res = await srv.req('POST', '/api/v1/auth/register', { body: wrong });
      assertProblem(res, 400, 'code_invalid', { tries_left: 5 - i });
    }
    const fifth = await srv.req('POST', '/api/v1/auth/register', { body: wrong });
    if (fifth.status === 400) assertProblem(fifth, 400, 'code_invalid', { tries_left: 0 });
    else assertProblem(fifth, 403, 'code_locked');
    const right = await srv.req('POST', '/api/v1/auth/register', { body: await registerBody(phone, code) });
    assertProblem(right, 403, 'code_locked');
    // and no account was made
    const login = await srv.requestCode(phone, 'login', { wait: true });
    const res = await srv.req('POST', '/api/v1/auth/login', { body: { phone, code: login, device: device() } });
    assertProblem(res, 404, 'account_not_found');
  });

  it('sign-up without accepting the policy is refused and creates no account', async () => {
    const phone = nextPhone();
    const code = await srv.requestCode(phone, 'register');
    const body = await registerBody(phone, code);
    delete body.policy_version;
    assertProblem(await srv.req('POST', '/api/v1/auth/register', { body }), 400, 'policy_acceptance_required');
    const login = await srv.requestCode(phone, 'login', { wait: true });
    const res = await srv.req('POST', '/api/v1/auth/login', { body: { phone, code: login, device: device() } });
    assertProblem(res, 404, 'account_not_found');
  });

  it('a policy refusal leaves the code usable', async () => {
    const phone = nextPhone();
    const code = await srv.requestCode(phone, 'register');
    const body = await registerBody(phone, code);
    delete body.policy_version;
    assertProblem(await srv.req('POST', '/api/v1/auth/register', { body }), 400, 'policy_acceptance_required');
    const res = await srv.req('POST', '/api/v1/auth/register', { body: await registerBody(phone, code) });
    assertStatus(res, 201);
  });

  it('an outdated policy version is refused with the current one and creates no account', async () => {
    const phone = nextPhone();
    const code = await srv.requestCode(phone, 'register');
    const current = await srv.policyVersion();
    const old = current === '0000000000000000' ? '1111111111111111' : '0000000000000000';
    const res = await srv.req('POST', '/api/v1/auth/register', { body: await registerBody(phone, code, { policy_version: old }) });
    assertProblem(res, 409, 'policy_version_outdated', { current_version: current });
    const login = await srv.requestCode(phone, 'login', { wait: true });
    const r2 = await srv.req('POST', '/api/v1/auth/login', { body: { phone, code: login, device: device() } });
    assertProblem(r2, 404, 'account_not_found');
  });

  it('a code request gets the same reply for registered and unregistered numbers', async () => {
    const forLogin = await srv.signUp();
    const forRegister = await srv.signUp();
    await srv.waitResend(forLogin.phone);
    await srv.waitResend(forRegister.phone);
    for (const [purpose, known] of [['login', forLogin], ['register', forRegister]]) {
      const r1 = await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone: known.phone, purpose } });
      const r2 = await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone: nextPhone(), purpose } });
      assert.equal(r1.status, 202, show(r1));
      assert.equal(r2.status, r1.status, `${purpose}: ${show(r1)} vs ${show(r2)}`);
      assert.deepEqual(r1.json, r2.json, purpose);
      assert.deepEqual(r1.json, { sent: true, expires_in: 300, resend_after: 60 });
      assert.equal(r1.headers['content-type'], r2.headers['content-type']);
      assert.deepEqual(Object.keys(r1.headers).sort(), Object.keys(r2.headers).sort(), 'same header names');
    }
  });

  it('signing up a number that already has an account is account_exists', async () => {
    const a = await srv.signUp();
    const code = await srv.requestCode(a.phone, 'register', { wait: true });
    const res = await srv.req('POST', '/api/v1/auth/register', { body: await registerBody(a.phone, code) });
    assertProblem(res, 409, 'account_exists');
    assertStatus(await srv.req('GET', '/api/v1/me', { token: a.token }), 200);
  });

  it('sign-in for a number without account is account_not_found', async () => {
    const phone = nextPhone();
    const code = await srv.requestCode(phone, 'login');
    const res = await srv.req('POST', '/api/v1/auth/login', { body: { phone, code, device: device() } });
    assertProblem(res, 404, 'account_not_found');
  });

  it('sign-in with cookie:true sets an HttpOnly SameSite=Strict cookie and gives a CSRF token', async () => {
    const a = await srv.signUp();
    const b = await srv.signIn({ phone: a.phone, cookie: true });
    assert.ok(b.setCookie, `Set-Cookie atrium_session: ${show(b.res)}`);
    assert.match(b.setCookie, /;\s*HttpOnly/i);
    assert.match(b.setCookie, /;\s*SameSite=Strict/i);
    assert.match(b.setCookie, /;\s*Path=\/api\/v1/i);
    assert.equal(b.session.token, undefined, 'no token in the body');
    assert.equal(typeof b.csrf, 'string');
    assert.ok(b.csrf.length >= 16, 'csrf token is not trivially short');
    const me = await srv.req('GET', '/api/v1/me', { cookie: b.cookie });
    assertStatus(me, 200);
    assert.equal(me.json.id, a.user.id);
  });

  it('logout without a session is auth_required', async () => {
    assertProblem(await srv.req('POST', '/api/v1/auth/logout'), 401, 'auth_required');
    assertProblem(await srv.req('POST', '/api/v1/auth/logout', { token: 'A'.repeat(43) }), 401, 'auth_required');
  });

  it('after kill -9 and restart an account made before signs in with a new code', async (t) => {
    const own = await startServer(t);
    const a = await own.signUp({ dev: device('iPhone 15') });
    await own.kill9();
    await own.restart();
    const b = await own.signIn({ phone: a.phone, dev: device('Pixel 8') });
    assert.equal(b.user.id, a.user.id, show(b.res));
    const res = await own.req('GET', '/api/v1/me/sessions', { token: b.token });
    assert.equal(res.json.sessions.length, 2, show(res));

    // the access log of a sign-up and a sign-in holds neither the number nor a token
    await own.stop('SIGTERM');
    const log = own.accessLog();
    const line = log.find((l) => l.request_id === b.res.headers['x-request-id']);
    assert.ok(line, 'the sign-in is logged under its X-Request-Id');
    assert.deepEqual([line.method, line.route, line.status, line.ip], ['POST', '/api/v1/auth/login', 200, '127.0.0.0']);
    const text = JSON.stringify(log);
    assert.ok(!text.includes(a.e164.slice(3)), 'no phone number in the access log');
    assert.ok(!text.includes(a.token) && !text.includes(b.token), 'no token in the access log');
  });

  it('after a restore the account from before the backup signs in and the later one is account_not_found', async (t) => {
    const own = await startServer(t);
    const dir = await tempDir('atrium-backup-');
    t.after(() => fsp.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'atrium.backup');
    const first = await own.signUp({ name: 'Before Backup' });
    const backup = await runAtrium(['admin', 'backup', file, '--data', own.dataDir]);
    assert.equal(backup.code, 0, backup.stderr);
    const second = await own.signUp({ name: 'After Backup' });
    await own.stop('SIGTERM');
    const restore = await runAtrium(['admin', 'restore', file, '--data', own.dataDir]);
    assert.equal(restore.code, 0, restore.stderr);
    await own.start();

    const b = await own.signIn({ phone: first.phone });
    assert.equal(b.user.id, first.user.id, show(b.res));
    assert.equal(b.user.name, 'Before Backup');
    const code = await own.requestCode(second.phone, 'login', { wait: true });
    const res = await own.req('POST', '/api/v1/auth/login', { body: { phone: second.phone, code, device: device() } });
    assertProblem(res, 404, 'account_not_found');
  });
});
