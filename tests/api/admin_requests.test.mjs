// The admin API for rights requests (PP-39 … PP-42): what `atrium admin requests …` does, for the
// platform operators named with `atrium admin operators add`. To everyone else it does not exist.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { ID, RFC3339_MS, assertProblem, assertStatus, runAtrium, show, startServer } from './lib/server.mjs';

const DAY = 24 * 3600 * 1000;
const BASE = '/api/v1/admin';

function admin(srv, ...words) {
  return runAtrium(['admin', ...words, '--data', srv.dataDir]);
}

function sql(srv, query) {
  return execFileSync('sqlite3', [path.join(srv.dataDir, 'atrium.db'), query], { encoding: 'utf8' }).trim();
}

/** Every admin route, with a body a well-meaning operator would send. */
function adminRoutes(id) {
  return [
    ['GET', `${BASE}/requests`],
    ['GET', `${BASE}/requests?status=all`],
    ['POST', `${BASE}/requests`, { type: 'access', channel: 'email', requester: 'Li Lei <li@example.cn>' }],
    ['GET', `${BASE}/requests/${id}`],
    ['POST', `${BASE}/requests/${id}/verify`, {}],
    ['POST', `${BASE}/requests/${id}/answer`, { text: 'Here is a copy of your data.' }],
    ['POST', `${BASE}/requests/${id}/refuse`, { ground: 'impractical' }],
    ['GET', `${BASE}/request-grounds`],
  ];
}

/** Every admin route answers exactly as a path the server does not have. */
async function assertInvisible(srv, who, id) {
  const unknown = await srv.req('GET', '/api/v1/no-such-route', { token: who.token });
  assertProblem(unknown, 404, 'not_found');
  for (const [method, url, body] of adminRoutes(id)) {
    const res = await srv.req(method, url, { token: who.token, body });
    assertProblem(res, 404, 'not_found');
    assert.equal(res.json.detail, unknown.json.detail, `the same words as for an unknown path: ${show(res)}`);
    if (method === 'POST') {
      // Nor does what is sent give it away: no 400 for a broken body, no 415 for a missing one.
      assertProblem(await srv.req(method, url, { token: who.token, body: '{"broken', headers: { 'Content-Type': 'application/json' } }), 404, 'not_found');
      assertProblem(await srv.req(method, url, { token: who.token }), 404, 'not_found');
    }
  }
}

test('to a user who is no platform operator the admin API does not exist', async (t) => {
  const srv = await startServer(t);
  const user = await srv.signUp();
  // An id of a real request: even that does not change the answer.
  const made = await admin(srv, 'requests', 'add', 'type=access', 'channel=post', 'requester=Han Meimei');
  assert.equal(made.code, 0, made.stderr);
  await assertInvisible(srv, user, made.stdout.trim());
  await assertInvisible(srv, user, '12345');
  assert.match((await admin(srv, 'requests', 'list')).stdout, /^1 open request\(s\)/m, 'nothing was added');
  // Signed out it is the sign-in that is missing, as for every signed-in route.
  assertProblem(await srv.req('GET', `${BASE}/requests`), 401, 'auth_required');
});

test('operators are named at the machine: add, list, remove; unknown accounts are refused', async (t) => {
  const srv = await startServer(t);
  const user = await srv.signUp();
  const id = user.user.id;

  const unknown = await admin(srv, 'operators', 'add', '999999');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no account with id '999999'/);
  assert.equal((await admin(srv, 'operators', 'remove', '999999')).code, 1);
  assert.equal((await admin(srv, 'operators', 'add', 'li-lei')).code, 2, 'not an id: misuse');

  let out = await admin(srv, 'operators', 'add', id);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`user ${id} is now a platform operator`));
  out = await admin(srv, 'operators', 'add', id);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /already/);
  out = await admin(srv, 'operators', 'list');
  assert.match(out.stdout, new RegExp(`^${id}  granted ${RFC3339_MS.source.slice(1, -1)}$`, 'm'));
  assert.match(out.stdout, /^1 platform operator\(s\)$/m);
  assertStatus(await srv.req('GET', `${BASE}/requests`, { token: user.token }), 200);

  out = await admin(srv, 'operators', 'remove', id);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /no longer/);
  assert.match((await admin(srv, 'operators', 'list')).stdout, /^0 platform operator\(s\)$/m);
  assertProblem(await srv.req('GET', `${BASE}/requests`, { token: user.token }), 404, 'not_found');

  // Both changes are in the audit chain, by the operator at the machine (actor 0).
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE actor=0 AND subject=${id} AND object='operator:${id}'`), '2');
});

test('an operator records, verifies, answers and refuses requests over the API, audited as the actor', async (t) => {
  const srv = await startServer(t);
  const op = await srv.signUp({ name: 'Operator' });
  const subject = await srv.signUp({ name: 'Li Lei' });
  const added = await admin(srv, 'operators', 'add', op.user.id);
  assert.equal(added.code, 0, added.stderr);
  const as = (method, url, body, headers) => srv.req(method, url, { token: op.token, body, headers });

  // Recorded: unverified, so no due date yet (the clock waits for the identity check, PP-40).
  let res = await as('POST', `${BASE}/requests`, {
    type: 'deletion', channel: 'email', requester: 'Li Lei <li@example.cn>', user_id: subject.user.id,
  });
  assertStatus(res, 201);
  const first = res.json;
  assert.match(first.id, ID);
  assert.equal(first.type, 'deletion');
  assert.equal(first.channel, 'email');
  assert.equal(first.requester, 'Li Lei <li@example.cn>');
  assert.equal(first.user_id, subject.user.id);
  assert.equal(first.identity, 'unverified');
  assert.equal(first.status, 'open');
  assert.equal(first.due_at, null);
  assert.equal(first.overdue, false);
  assert.equal(first.repeat_of, null);
  assert.match(first.received_at, RFC3339_MS);

  res = await as('GET', `${BASE}/requests`);
  assertStatus(res, 200);
  assert.deepEqual(res.json.requests.map((r) => r.id), [first.id]);
  assert.equal(res.json.requests[0].due_at, null, 'listed without a due date until verified');
  assert.equal(res.json.overdue, 0);

  // Not before the identity is checked; verified, the answer is due 15 days later.
  assertProblem(await as('POST', `${BASE}/requests/${first.id}/answer`, { text: 'Done.' }), 409, 'identity_not_verified');
  res = await as('POST', `${BASE}/requests/${first.id}/verify`, {});
  assertStatus(res, 200);
  assert.equal(res.json.identity, 'verified');
  assert.equal(Date.parse(res.json.due_at) - Date.parse(res.json.verified_at), 15 * DAY);
  assert.ok(Math.abs(Date.parse(res.json.verified_at) - Date.now()) < 60_000, show(res));
  const due = res.json.due_at;
  assertProblem(await as('POST', `${BASE}/requests/${first.id}/verify`, {}), 409, 'identity_already_verified');
  res = await as('GET', `${BASE}/requests/${first.id}`);
  assertStatus(res, 200);
  assert.equal(res.json.due_at, due);

  res = await as('POST', `${BASE}/requests/${first.id}/answer`, { text: 'Your account and its data were deleted.' });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'answered');
  assert.equal(res.json.text, 'Your account and its data were deleted.');
  assert.match(res.json.closed_at, RFC3339_MS);
  assertProblem(await as('POST', `${BASE}/requests/${first.id}/refuse`, { ground: 'impractical' }), 409, 'request_closed');
  res = await as('GET', `${BASE}/requests`);
  assert.deepEqual(res.json.requests, [], 'an answered request is no longer open');
  res = await as('GET', `${BASE}/requests?status=all`);
  assert.deepEqual(res.json.requests.map((r) => [r.id, r.status]), [[first.id, 'answered']]);

  // A refusal without a ground, or on one the policy does not name, is refused and changes nothing.
  res = await as('POST', `${BASE}/requests`, { type: 'access', channel: 'post', requester: 'Han Meimei, Beijing', received_at: new Date(Date.now() - 2 * DAY).toISOString() });
  assertStatus(res, 201);
  const second = res.json;
  assertStatus(await as('POST', `${BASE}/requests/${second.id}/verify`, { at: new Date(Date.now() - DAY).toISOString() }), 200);
  assertProblem(await as('POST', `${BASE}/requests/${second.id}/refuse`, { text: 'no' }), 400, 'missing_field', { field: 'ground' });
  for (const ground of ['', 'because', 'NATIONAL_SECURITY', 'repeated']) {
    const bad = await as('POST', `${BASE}/requests/${second.id}/refuse`, { ground, text: 'no' });
    assertProblem(bad, 400, 'invalid_value', { field: 'ground' });
  }
  res = await as('GET', `${BASE}/requests/${second.id}`);
  assert.equal(res.json.status, 'open');
  assert.equal(res.json.ground, null);
  assert.equal(res.json.text, null);
  res = await as('POST', `${BASE}/requests/${second.id}/refuse`, { ground: 'national_security', text: 'See the ground.' });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'refused');
  assert.equal(res.json.ground, 'national_security');
  assert.equal(res.json.text, 'See the ground.');
  assert.match((await admin(srv, 'requests', 'show', second.id)).stdout, /status: refused/, 'the command line sees it too');

  // Each change went into the audit chain with the operator as the actor; the chain holds.
  const audit = await admin(srv, 'audit', 'verify');
  assert.equal(audit.code, 0, audit.stderr);
  assert.match(audit.stdout, /intact/);
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE actor=${op.user.id} AND object LIKE 'request:%'`), '6',
    'two added, two verified, one answered, one refused');
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE actor=${op.user.id} AND subject=${subject.user.id} AND object='request:${first.id}'`), '3');
});

test('the admin API says what is wrong: unknown requests, bad values, overdue and repeat flags', async (t) => {
  const srv = await startServer(t);
  const op = await srv.signUp();
  assert.equal((await admin(srv, 'operators', 'add', op.user.id)).code, 0);
  const as = (method, url, body) => srv.req(method, url, { token: op.token, body });

  for (const id of ['12345', 'abc', '0']) {
    assertProblem(await as('GET', `${BASE}/requests/${id}`), 404, 'request_not_found');
    assertProblem(await as('POST', `${BASE}/requests/${id}/verify`, {}), 404, 'request_not_found');
  }
  const good = { type: 'access', channel: 'email', requester: 'Wang Wu' };
  for (const [change, field] of [
    [{ type: 'gossip' }, 'type'],
    [{ channel: 'fax' }, 'channel'],
    [{ requester: '  ' }, 'requester'],
    [{ user_id: 'li-lei' }, 'user_id'],
    [{ user_id: '999999' }, 'user_id'],
    [{ received_at: 'yesterday' }, 'received_at'],
    [{ received_at: new Date(Date.now() + 2 * DAY).toISOString() }, 'received_at'],
  ]) {
    assertProblem(await as('POST', `${BASE}/requests`, { ...good, ...change }), 400, 'invalid_value', { field });
  }
  assertProblem(await as('POST', `${BASE}/requests`, { ...good, colour: 'red' }), 400, 'unknown_field', { field: 'colour' });
  assertProblem(await as('POST', `${BASE}/requests`, { type: 'access' }), 400, 'missing_field');
  assertProblem(await as('GET', `${BASE}/requests?status=closed`), 400, 'invalid_value', { field: 'status' });
  assert.deepEqual((await as('GET', `${BASE}/requests?status=all`)).json.requests, [], 'nothing was recorded');

  // Received 40 days ago, verified 30 days ago: 15 days late, and flagged so.
  let res = await as('POST', `${BASE}/requests`, { ...good, received_at: new Date(Date.now() - 40 * DAY).toISOString() });
  assertStatus(res, 201);
  const late = res.json.id;
  assertProblem(await as('POST', `${BASE}/requests/${late}/verify`, { at: new Date(Date.now() + DAY).toISOString() }), 400, 'invalid_value', { field: 'at' });
  assertStatus(await as('POST', `${BASE}/requests/${late}/verify`, { at: new Date(Date.now() - 30 * DAY).toISOString() }), 200);
  // The same requester asking again is flagged as a repeat; the repeat ground then holds.
  res = await as('POST', `${BASE}/requests`, { ...good, channel: 'phone', requester: 'wang  WU' });
  assertStatus(res, 201);
  assert.equal(res.json.repeat_of, late);
  const again = res.json.id;
  res = await as('GET', `${BASE}/requests`);
  assert.deepEqual(res.json.requests.map((r) => [r.id, r.overdue]), [[late, true], [again, false]], 'the late one first');
  assert.equal(res.json.overdue, 1);
  assertProblem(await as('POST', `${BASE}/requests/${again}/refuse`, { ground: 'repeated' }), 409, 'identity_not_verified');
  assertStatus(await as('POST', `${BASE}/requests/${again}/verify`, { failed: true }), 200);
  res = await as('POST', `${BASE}/requests/${again}/refuse`, { ground: 'repeated' });
  assertStatus(res, 200);
  assert.equal(res.json.identity, 'failed');
  assert.equal(res.json.due_at, null);
  assertProblem(await as('POST', `${BASE}/requests/${late}/answer`, { text: '   ' }), 400, 'invalid_value', { field: 'text' });
});

test('request-grounds lists the nine grounds of PP-41 and PP-42 in Chinese and English', async (t) => {
  const srv = await startServer(t);
  const op = await srv.signUp();
  assert.equal((await admin(srv, 'operators', 'add', op.user.id)).code, 0);
  const zh = await srv.req('GET', `${BASE}/request-grounds`, { token: op.token });
  assertStatus(zh, 200);
  assert.equal(zh.json.language, 'zh');
  assert.equal(zh.json.grounds.length, 9);
  assert.equal(zh.json.grounds.filter((g) => g.promise === 'PP-41').length, 4);
  assert.equal(zh.json.grounds.filter((g) => g.promise === 'PP-42').length, 5);
  const security = zh.json.grounds.find((g) => g.id === 'national_security');
  assert.equal(security.text, '与国家安全、国防安全有关的');
  assert.match(security.i18n.en, /national security/);
  assert.deepEqual(zh.json.grounds.filter((g) => g.repeat_only).map((g) => g.id), ['repeated']);

  const en = await srv.req('GET', `${BASE}/request-grounds`, { token: op.token, headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
  assertStatus(en, 200);
  assert.equal(en.json.language, 'en');
  assert.equal(en.headers['content-language'], 'en');
  assert.deepEqual(en.json.grounds.map((g) => g.id), zh.json.grounds.map((g) => g.id));
  for (const g of en.json.grounds) {
    assert.equal(g.text, g.i18n.en);
    assert.ok(/[\u4e00-\u9fff]/.test(g.i18n.zh), `a Chinese text for ${g.id}`);
  }
});
