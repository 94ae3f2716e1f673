// The public privacy pages generated from the data map, the third-party register from the
// configuration, and a signed-in person's summary of what Atrium holds about them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, runAtrium, tempDir, assertStatus, assertProblem, freePort } from './lib/server.mjs';

test('the collection page lists each data set in Chinese by default and in English on request', async (t) => {
  const srv = await startServer(t);
  const zh = await srv.req('GET', '/api/v1/privacy/collection');
  assertStatus(zh, 200);
  assert.equal(zh.json.language, 'zh');
  assert.equal(zh.json.policy_version, await srv.policyVersion());
  const users = zh.json.datasets.find((d) => d.table === 'users');
  assert.ok(users, 'the account profile is listed');
  assert.match(users.title, /[\u4e00-\u9fff]/, 'Chinese title');
  assert.equal(users.controller, 'platform');
  assert.deepEqual(users.categories.map((c) => c.id).sort(), ['contact', 'identity', 'log']);
  // PP-21: a basis other than consent names the policy's exception it relies on
  assert.match(users.legal_bases.find((b) => b.id === 'contract').label, /免于同意情形第 7 项/);
  const receipts = zh.json.datasets.find((d) => d.table === 'deletion_receipts');
  assert.match(receipts.legal_bases[0].label, /第 11 项）：.*PIPL art\. 47/);
  assert.ok(!zh.json.datasets.some((d) => d.table === 'schema_migrations'), 'bookkeeping is not listed');
  for (const d of zh.json.datasets) {
    for (const k of ['title', 'purpose', 'retention']) assert.ok(d[k] && d[k].length > 1, `${d.table}.${k}`);
  }

  const en = await srv.req('GET', '/api/v1/privacy/collection', { headers: { 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' } });
  assertStatus(en, 200);
  assert.equal(en.json.language, 'en');
  assert.equal(en.headers['content-language'], 'en');
  const usersEn = en.json.datasets.find((d) => d.table === 'users');
  assert.equal(usersEn.title, 'account profile');
  assert.equal(en.json.datasets.length, zh.json.datasets.length, 'the same data sets in both languages');
  assert.equal(usersEn.categories.find((c) => c.id === 'contact').label, 'contact details');
  assert.match(usersEn.legal_bases.find((b) => b.id === 'contract').label, /exception 7 of the policy/);
});

test('the third-party register is empty by default and comes from the configured file', async (t) => {
  const plain = await startServer(t);
  const none = await plain.req('GET', '/api/v1/privacy/third-parties');
  assertStatus(none, 200);
  assert.deepEqual(none.json, { third_parties: [] });

  const dir = await tempDir('atrium-3p-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const entry = {
    name: '个推推送 SDK', company: '每日互动股份有限公司', data_types: ['device identifiers', 'network type'],
    purpose: 'push notifications', scenario: 'when the app receives a notification',
    collection_method: 'SDK in the Android app', policy_url: 'https://example.com/privacy', platform: 'Android',
  };
  const file = path.join(dir, 'third-parties.json');
  fs.writeFileSync(file, JSON.stringify([entry]));
  const srv = await startServer(t, { args: ['--third-parties', file] });
  const res = await srv.req('GET', '/api/v1/privacy/third-parties');
  assertStatus(res, 200);
  assert.deepEqual(res.json.third_parties, [entry]);
});

test('a malformed third-party register stops the server at start, naming the problem', async () => {
  const dir = await tempDir('atrium-3p-');
  try {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify([{ name: 'x', company: 'y' }]));
    const port = await freePort();
    const r = await runAtrium(['serve', '--listen', `127.0.0.1:${port}`, '--data', path.join(dir, 'data'), '--third-parties', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /third-parties entry 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('my data: a summary per data set of what is held about me, and only me', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp();
  const other = await srv.signUp();
  const res = await srv.req('GET', '/api/v1/me/data', { token: me.token });
  assertStatus(res, 200);
  const byTable = Object.fromEntries(res.json.datasets.map((d) => [d.table, d]));
  assert.equal(byTable.users.rows, 1);
  assert.equal(byTable.sessions.rows, 1, 'my one session, not the other user\'s');
  assert.equal(byTable.consents.rows, 1, 'the policy acceptance');
  assert.ok(byTable.users.categories.includes('contact'));
  assert.ok(!('verification_codes' in byTable), 'codes belong to nobody and are not listed');
  assert.ok(other.token !== me.token);
  assertProblem(await srv.req('GET', '/api/v1/me/data'), 401, 'auth_required');
});

test('what the data map declares correctable is what its subject can change, and nothing else', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp();
  const data = await srv.req('GET', '/api/v1/me/data', { token: me.token });
  assertStatus(data, 200);
  const users = data.json.datasets.find((d) => d.table === 'users');
  assert.deepEqual([...users.correctable].sort(), ['email', 'gender', 'name']);
  // each declared field is taken by PATCH /me (e-mail goes through its code)...
  assertStatus(await srv.req('PATCH', '/api/v1/me', { token: me.token, body: { name: '王小明', gender: 'male' } }), 200);
  const email = await srv.req('PATCH', '/api/v1/me', { token: me.token, body: { email: 'wang@example.cn' } });
  assertStatus(email, 200);
  assert.equal(email.json.pending_email, 'wang@example.cn');
  // ...and a field not declared correctable is refused, changing nothing
  assertProblem(await srv.req('PATCH', '/api/v1/me', { token: me.token, body: { phone: '13900000000' } }), 400, 'unknown_field');
  assertProblem(await srv.req('PATCH', '/api/v1/me', { token: me.token, body: { policy_version: 'x' } }), 400, 'unknown_field');
  const after = await srv.req('GET', '/api/v1/me', { token: me.token });
  assert.equal(after.json.name, '王小明');
  assert.equal(after.json.phone, me.e164);
});
