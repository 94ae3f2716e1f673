// Cancellation and erasure (PP-38): a fresh SMS code starts the cooling-off period, which can be
// withdrawn; when it ends, the account is erased as the data map says, every session dies, the
// number is free again, a signed deletion receipt is left, and nothing readable of the person
// remains anywhere in the data folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, runAtrium, assertStatus, assertProblem, nextPhone, device, sleep, show } from './lib/server.mjs';

const FAST = ['--code-resend', '1'];

/** A code of the given purpose for phone, after the 1 s resend window of FAST. */
async function freshCode(srv, phone, purpose) {
  await sleep(1100);
  return srv.requestCode(phone, purpose);
}

/** Every file under dir, recursively. */
function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

async function waitReceipt(srv, token) {
  for (let i = 0; i < 100; i++) {
    const res = await srv.req('GET', `/api/v1/privacy/deletion-receipts/${token}`);
    if (res.status === 200) return res;
    assertProblem(res, 404, 'receipt_not_found');
    await sleep(100);
  }
  throw new Error('no deletion receipt within 10 s');
}

test('cancelled with no cooling-off, the account is erased and leaves nothing readable behind', async (t) => {
  const srv = await startServer(t, { args: [...FAST, '--cooling-off-days', '0'] });
  const phone = nextPhone();
  const name = '欧阳测试Qz';
  const model = 'Mate60-Erase';
  const email = `erase.${phone}@example.cn`;
  const me = await srv.signUp({ phone, name, dev: device(model) });
  const other = await srv.signUp();
  assertStatus(await srv.req('PATCH', '/api/v1/me', { token: me.token, body: { email } }), 200);
  const mailCode = (await srv.lastCode(email, 'email'));
  assertStatus(await srv.req('POST', '/api/v1/me/email/verify', { token: me.token, body: { code: mailCode } }), 200);

  // an export made before, whose ZIP (compressed: not found by reading bytes) must go too
  const exp = await srv.req('POST', '/api/v1/me/exports', { token: me.token });
  assertStatus(exp, 202);
  for (let i = 0; i < 100; i++) {
    const st = await srv.req('GET', `/api/v1/me/exports/${exp.json.id}`, { token: me.token });
    if (st.json.status === 'ready') break;
    await sleep(100);
  }
  const exportsDir = path.join(srv.dataDir, 'exports');
  assert.equal(fs.readdirSync(exportsDir).length, 1, 'the export is on disk');

  // a session alone cannot cancel: it takes a fresh code to the account's number
  assertProblem(await srv.req('POST', '/api/v1/me/cancellation', { token: me.token, body: { code: '000000' } }), 400, 'code_expired');
  const code = await freshCode(srv, phone, 'verify');
  const res = await srv.req('POST', '/api/v1/me/cancellation', { token: me.token, body: { code } });
  assertStatus(res, 202);
  assert.equal(res.json.status, 'pending');
  assert.match(res.json.receipt_token, /^[A-Za-z0-9_-]{43}$/);

  const rec = await waitReceipt(srv, res.json.receipt_token);
  assert.equal(rec.json.receipt.subject, me.user.id);
  const tables = rec.json.receipt.datasets.map((d) => d.table);
  for (const tb of ['users', 'sessions', 'consents', 'subject_keys']) assert.ok(tables.includes(tb), `receipt names ${tb}`);
  const users = rec.json.receipt.datasets.find((d) => d.table === 'users');
  assert.ok(users.columns.some((c) => c.column === 'phone_sealed' && c.category === 'contact'));
  // the receipt is signed by the server's key and checks offline; a changed one does not
  const key = await srv.req('GET', '/api/v1/privacy/signing-key');
  assertStatus(key, 200);
  const pub = crypto.createPublicKey({ key: key.json.jwk, format: 'jwk' });
  const sig = Buffer.from(rec.json.signature, 'base64url');
  assert.ok(crypto.verify(null, Buffer.from(rec.json.receipt_text), pub, sig), 'signature verifies');
  assert.ok(!crypto.verify(null, Buffer.from(rec.json.receipt_text.replace('"rows":1', '"rows":0')), pub, sig));
  assert.equal(rec.json.key_id, key.json.key_id);

  // every session is gone at once; the other user is untouched
  assertProblem(await srv.req('GET', '/api/v1/me', { token: me.token }), 401, 'auth_required');
  assertStatus(await srv.req('GET', '/api/v1/me', { token: other.token }), 200);

  assert.deepEqual(fs.readdirSync(exportsDir), [], 'the export left with the account');
  // nothing readable of the person in any file of the data folder: database, WAL, outboxes, logs
  const needles = [phone, name, email, model, me.device.id];
  for (const file of filesUnder(srv.dataDir)) {
    const bytes = fs.readFileSync(file);
    for (const n of needles) {
      assert.equal(bytes.indexOf(Buffer.from(n)), -1, `${path.relative(srv.dataDir, file)} still holds '${n}'`);
    }
  }
  // the audit chain recorded it and is intact
  const audit = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(audit.code, 0, audit.stderr);

  // the number is free: signing in finds no account, registering it again works
  const login = await freshCode(srv, phone, 'login');
  assertProblem(await srv.req('POST', '/api/v1/auth/login', { body: { phone, code: login, device: device() } }), 404, 'account_not_found');
  await sleep(1100);
  const again = await srv.signUp({ phone });
  assert.notEqual(again.user.id, me.user.id);
});

test('a cancellation waits out its cooling-off period and can be withdrawn', async (t) => {
  const srv = await startServer(t, { args: FAST });
  const me = await srv.signUp();
  assertProblem(await srv.req('GET', '/api/v1/me/cancellation', { token: me.token }), 404, 'no_cancellation');
  const res = await srv.req('POST', '/api/v1/me/cancellation', { token: me.token, body: { code: await freshCode(srv, me.phone, 'verify') } });
  assertStatus(res, 202);
  const days = (Date.parse(res.json.due_at) - Date.parse(res.json.requested_at)) / 86400e3;
  assert.equal(days, 7, 'the default cooling-off is 7 days');
  const state = await srv.req('GET', '/api/v1/me/cancellation', { token: me.token });
  assertStatus(state, 200);
  assert.equal(state.json.due_at, res.json.due_at);
  assertProblem(await srv.req('POST', '/api/v1/me/cancellation', { token: me.token, body: { code: await freshCode(srv, me.phone, 'verify') } }), 409, 'cancellation_pending');
  // still usable during the cooling-off; the receipt does not exist yet
  assertStatus(await srv.req('GET', '/api/v1/me', { token: me.token }), 200);
  assertProblem(await srv.req('GET', `/api/v1/privacy/deletion-receipts/${res.json.receipt_token}`), 404, 'receipt_not_found');
  // withdrawn: gone, and withdrawing again says there is nothing to withdraw
  const del = await srv.req('DELETE', '/api/v1/me/cancellation', { token: me.token });
  assert.equal(del.status, 204, show(del));
  assertProblem(await srv.req('GET', '/api/v1/me/cancellation', { token: me.token }), 404, 'no_cancellation');
  assertProblem(await srv.req('DELETE', '/api/v1/me/cancellation', { token: me.token }), 404, 'no_cancellation');
  assertStatus(await srv.req('GET', '/api/v1/me', { token: me.token }), 200);
});

test('atrium admin erasure run erases the accounts whose cooling-off has ended', async (t) => {
  const srv = await startServer(t, { args: FAST });
  const me = await srv.signUp();
  const keep = await srv.signUp();
  const exp = await srv.req('POST', '/api/v1/me/exports', { token: me.token });
  assertStatus(exp, 202);
  for (let i = 0; i < 100; i++) {
    const st = await srv.req('GET', `/api/v1/me/exports/${exp.json.id}`, { token: me.token });
    if (st.json.status === 'ready') break;
    await sleep(100);
  }
  const exportsDir = path.join(srv.dataDir, 'exports');
  assert.equal(fs.readdirSync(exportsDir).length, 1, 'the export is on disk');
  const res = await srv.req('POST', '/api/v1/me/cancellation', { token: me.token, body: { code: await freshCode(srv, me.phone, 'verify') } });
  assertStatus(res, 202);
  const none = await runAtrium(['admin', 'erasure', 'run', '--data', srv.dataDir]);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /erased 0 account/);
  // the cooling-off ends (moved into the past by hand), and the operator runs erasure now
  execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), 'UPDATE cancellations SET due_at = 0']);
  const run = await runAtrium(['admin', 'erasure', 'run', '--data', srv.dataDir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /erased 1 account/);
  assert.deepEqual(fs.readdirSync(exportsDir), [], 'the export file went with the account, not at a later sweep');
  assertProblem(await srv.req('GET', '/api/v1/me', { token: me.token }), 401, 'auth_required');
  assertStatus(await srv.req('GET', '/api/v1/me', { token: keep.token }), 200);
  assertStatus(await waitReceipt(srv, res.json.receipt_token), 200);
});
