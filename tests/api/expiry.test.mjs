// --code-ttl: a verification code stops working once its lifetime is over, and the reply to a
// code request says how long that is. An out-of-range lifetime stops the start.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import {
  assertProblem, assertStatus, device, e164, freePort, nextPhone, runAtrium, show, sleep, startServer, tempDir,
} from './lib/server.mjs';

test('with --code-ttl 1 a register code works at once but is refused as expired after 1.5 s', async (t) => {
  const srv = await startServer(t, { args: ['--code-ttl', '1'] });
  const phone = nextPhone();
  const res = await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose: 'register' } });
  assertStatus(res, 202);
  assert.equal(res.json.sent, true, show(res));
  assert.equal(res.json.expires_in, 1, `expires_in follows --code-ttl: ${show(res)}`);
  const sentAt = Date.now();
  const code = await srv.lastCode(e164(phone));
  assert.match(code, /^[0-9]{6}$/);

  // Meanwhile, within its second, a fresh code for another number still works.
  const quick = await srv.signUp();
  assert.equal(quick.user.phone, quick.e164);

  const wait = sentAt + 1500 - Date.now();
  if (wait > 0) await sleep(wait);
  const reg = await srv.req('POST', '/api/v1/auth/register', {
    body: { phone, code, name: 'Li Lei', policy_version: await srv.policyVersion(), device: device() },
  });
  assertProblem(reg, 400, 'code_expired');
  assert.equal(reg.json.user, undefined, 'no account in the reply');
  assert.equal(reg.headers['set-cookie'], undefined, 'no session cookie');

  const all = srv.readOutbox('sms');
  assert.deepEqual(all.map((l) => l.to).sort(), [e164(phone), quick.e164].sort(), `one code per number: ${JSON.stringify(all)}`);
  const [line] = all.filter((l) => l.to === e164(phone));
  assert.equal(line.purpose, 'register');
  assert.equal(line.code, code);
});

test('--code-ttl 0 makes atrium serve exit non-zero', async (t) => {
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const out = await runAtrium(
    ['serve', '--listen', `127.0.0.1:${await freePort()}`, '--data', dir, '--code-ttl', '0'],
    { timeout: 5000 },
  );
  assert.ok(out.signal === null && out.code !== 0, `exits non-zero (not killed after serving): ${JSON.stringify({ code: out.code, signal: out.signal })} stderr: ${out.stderr}`);
  assert.ok(!out.stdout.includes('listening on'), `never listened: ${out.stdout}`);
  assert.match(out.stderr, /code-ttl/, `stderr names the option: ${out.stderr}`);
});
