// The audit chain: what the server records, `atrium admin audit verify` proving it intact or
// naming the entry an edit of the database file broke, and GET /me/access-log.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { assertProblem, assertStatus, runAtrium, show, startServer } from './lib/server.mjs';

/** Runs SQL on the server's database file with the sqlite3 command-line tool; rows as lines. */
function sql(srv, query) {
  const out = execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), query], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '');
}

function verify(srv) {
  return runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
}

test('verify proves the chain intact, then names the entry changed in the database file', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp({ name: 'Audit Subject' });
  const addr = `audit-${Date.now()}@example.com`;
  assertStatus(await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { email: addr } }), 200);
  const code = await srv.lastCode(addr, 'email');
  assertStatus(await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code } }), 200);
  assertStatus(await srv.req('DELETE', `/api/v1/me/sessions/${a.session.id}`, { token: a.token }), 204);

  // verify runs beside the live server
  let out = await verify(srv);
  assert.equal(out.code, 0, `verify exit; stderr: ${out.stderr}`);
  const count = Number(sql(srv, 'SELECT count(*) FROM audit_log')[0]);
  assert.ok(count >= 4, `entries: ${count}`);
  assert.equal(out.stdout.trim(), `audit chain intact: ${count} entries`);

  // what happened is on the record, as the user's own actions, with no personal data in it
  const rows = sql(srv, `SELECT actor, action, subject, object, detail FROM audit_log WHERE subject = ${a.user.id} ORDER BY id`);
  const actions = rows.map((r) => r.split('|')[1]);
  for (const want of ['account.register', 'consent.grant', 'account.email_change', 'session.revoke']) {
    assert.ok(actions.includes(want), `${want} recorded: ${actions}`);
  }
  for (const r of rows) assert.equal(r.split('|')[0], a.user.id, `the user acted: ${r}`);
  assert.ok(rows.some((r) => r.includes('|consent.grant|') && r.includes('|purpose:privacy_policy|')), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes(`|session:${a.session.id}|`)), rows.join('\n'));
  const dump = sql(srv, 'SELECT * FROM audit_log').join('\n');
  for (const secret of [a.phone, a.e164.slice(1), addr, 'Audit Subject', a.device.id]) {
    assert.ok(!dump.includes(secret), `the audit log holds no '${secret}'`);
  }

  // an edit of the stopped server's database file is found and named
  assert.equal((await srv.stop()).code, 0);
  const first = sql(srv, 'SELECT min(id) FROM audit_log')[0];
  sql(srv, "UPDATE audit_log SET action='x' WHERE id=(SELECT min(id) FROM audit_log)");
  out = await verify(srv);
  assert.equal(out.code, 1, `verify exit; stdout: ${out.stdout}`);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, new RegExp(`^audit chain broken at entry ${first}: \\S`), out.stderr);
});

test('verify names the entry after a row deleted from the database file', async (t) => {
  const srv = await startServer(t);
  await srv.signUp();
  await srv.signUp();
  assert.equal((await verify(srv)).code, 0);
  assert.equal((await srv.stop()).code, 0);

  const ids = sql(srv, 'SELECT id FROM audit_log ORDER BY id');
  assert.ok(ids.length >= 4, `entries: ${ids}`);
  const gone = ids[2];
  sql(srv, `DELETE FROM audit_log WHERE id=${gone}`);
  assert.equal(sql(srv, 'SELECT count(*) FROM audit_log')[0], String(ids.length - 1));
  const out = await verify(srv);
  assert.equal(out.code, 1, `verify exit; stdout: ${out.stdout}`);
  assert.match(out.stderr, new RegExp(`^audit chain broken at entry ${ids[3]}: \\S`), out.stderr);

  // the server still serves, and keeps appending to the chain it has
  await srv.start();
  await srv.signUp();
  assert.equal((await verify(srv)).code, 1, 'a broken chain stays broken');
});

test('verify catches the newest entries dropped, and a head forged without the master key', async (t) => {
  const srv = await startServer(t);
  await srv.signUp();
  await srv.signUp();
  assert.equal((await verify(srv)).code, 0);
  assert.equal((await srv.stop()).code, 0);
  const ids = sql(srv, 'SELECT id FROM audit_log ORDER BY id');
  const newest = ids[ids.length - 1];
  const before = ids[ids.length - 2];
  // the tail alone is gone: the chain is intact in itself, but not where its sealed head says
  sql(srv, `DELETE FROM audit_log WHERE id=${newest}`);
  let out = await verify(srv);
  assert.equal(out.code, 1, `verify exit; stdout: ${out.stdout}`);
  assert.match(out.stderr, new RegExp(`^audit chain broken at entry ${newest}: .*removed from its end`), out.stderr);
  // and pointing the head at the new end does not help without the key that seals it
  sql(srv, `UPDATE audit_head SET last_id=${before}, entries=entries-1, hash=(SELECT hash FROM audit_log WHERE id=${before})`);
  out = await verify(srv);
  assert.equal(out.code, 1, `verify exit; stdout: ${out.stdout}`);
  assert.match(out.stderr, /seal does not match/, out.stderr);
});

test('verify on a folder without a database fails and says so', async (t) => {
  const srv = await startServer(t);
  const out = await runAtrium(['admin', 'audit', 'verify', '--data', path.join(srv.dataDir, 'nothing-here')]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /no database/);
});

test('GET /me/access-log: empty for a new user who only touched their own data', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp();
  const b = await srv.signUp();
  // b's own actions are b's, and never show in a's log
  assertStatus(await srv.req('DELETE', `/api/v1/me/sessions/${b.session.id}`, { token: b.token }), 204);
  const res = await srv.req('GET', '/api/v1/me/access-log', { token: a.token });
  assertStatus(res, 200);
  assert.deepEqual(res.json, { entries: [], next_cursor: null }, show(res));
  const page = await srv.req('GET', '/api/v1/me/access-log?limit=5', { token: a.token });
  assert.deepEqual(page.json, { entries: [], next_cursor: null }, show(page));
});

test('GET /me/access-log needs a session and checks its paging', async (t) => {
  const srv = await startServer(t);
  assertProblem(await srv.req('GET', '/api/v1/me/access-log'), 401, 'auth_required');
  assertProblem(await srv.req('GET', '/api/v1/me/access-log', { token: 'not-a-token' }), 401, 'auth_required');
  const a = await srv.signUp();
  for (const q of ['limit=0', 'limit=101', 'limit=x', 'limit=', 'cursor=abc', 'cursor=-1']) {
    assertProblem(await srv.req('GET', `/api/v1/me/access-log?${q}`, { token: a.token }), 400, 'invalid_value');
  }
});
