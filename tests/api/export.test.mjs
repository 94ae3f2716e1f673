// Export of a user's data (PP-36): ask, watch it become ready, download the ZIP; what it holds
// (everything of mine the data map names, readable, nothing of anyone else); who may fetch it;
// before ready, after expiry, across a stop and a crash; and the audit chain afterwards.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { assertProblem, assertStatus, device, ID, RFC3339_MS, runAtrium, show, sleep, sql, startServer } from './lib/server.mjs';
import { unzip } from './lib/zip.mjs';

const DAY_MS = 24 * 3600 * 1000;

/** Runs SQL on the server's database file with the sqlite3 command-line tool; rows as lines. */

/** GET with the body as bytes (the suite's helper reads text). */
function getBytes(srv, urlPath, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(urlPath, srv.base), { agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json = null;
        if (/json/.test(res.headers['content-type'] || '')) json = JSON.parse(body.toString('utf8'));
        resolve({ status: res.statusCode, headers: res.headers, body, json, text: body.toString('utf8').slice(0, 400), method: 'GET', path: urlPath });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Polls the export until it is ready (or fails); returns the last reply and every status seen. */
async function waitReady(srv, token, id, timeout = 15_000) {
  const seen = [];
  const deadline = Date.now() + timeout;
  for (;;) {
    const res = await srv.req('GET', `/api/v1/me/exports/${id}`, { token });
    assertStatus(res, 200);
    if (seen[seen.length - 1] !== res.json.status) seen.push(res.json.status);
    if (res.json.status === 'ready' || res.json.status === 'failed') return { res, seen };
    assert.ok(Date.now() < deadline, `export ${id} not ready within ${timeout} ms: ${show(res)}`);
    await sleep(30);
  }
}

async function requestExport(srv, token) {
  const res = await srv.req('POST', '/api/v1/me/exports', { token });
  assertStatus(res, 202);
  assert.match(res.json.id, ID);
  assert.equal(res.headers.location, `/api/v1/me/exports/${res.json.id}`);
  return res;
}

/** Stops the server, adds n notifications for user straight into its database, starts it again. */
async function addNotifications(srv, user, n, { title = 'bulk', body = 'row' } = {}) {
  assert.equal((await srv.stop()).code, 0);
  const now = Date.now();
  sql(srv, `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
    INSERT INTO notifications (id, user_id, kind, title, body, created_at, read_at)
    SELECT 1000000 + (SELECT count(*) FROM notifications) + i, ${user}, 'bulk', '${title} ' || i, '${body} ' || i, ${now} - i, NULL FROM k`);
  await srv.start();
}

test('my export becomes ready within seconds and holds all my data, readable, and nothing of others', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp({ name: '韩梅梅', dev: device('Mate 60 Pro') });
  const other = await srv.signUp({ name: 'Other Person', dev: device('iPhone 15') });
  // a notification whose text would be markup if it were not escaped
  assert.equal((await srv.stop()).code, 0);
  sql(srv, `INSERT INTO notifications (id, user_id, kind, title, body, created_at)
    VALUES (42, ${me.user.id}, 'new_sign_in', '新设备登录 <b>&', '<script>alert("x")</script> signed in', ${Date.now()})`);
  await srv.start();

  const started = Date.now();
  const post = await requestExport(srv, me.token);
  assert.equal(post.json.status, 'queued');
  assert.equal(post.json.progress, 0);
  assert.match(post.json.created_at, RFC3339_MS);
  assert.equal(post.json.ready_at, null);
  assert.equal(post.json.size, null);

  const { res: ready, seen } = await waitReady(srv, me.token, post.json.id, 5000);
  const took = Date.now() - started;
  assert.equal(ready.json.status, 'ready', show(ready));
  for (const s of seen) assert.ok(['queued', 'running', 'ready'].includes(s), `status seen: ${seen}`);
  assert.ok(took < 5000, `ready in ${took} ms`);
  assert.equal(ready.json.progress, 100);
  assert.match(ready.json.ready_at, RFC3339_MS);
  assert.equal(Date.parse(ready.json.expires_at) - Date.parse(ready.json.ready_at), 7 * DAY_MS);
  assert.ok(Number.isInteger(ready.json.size) && ready.json.size > 0, show(ready));

  const dl = await getBytes(srv, `/api/v1/me/exports/${post.json.id}/download`, me.token);
  assert.equal(dl.status, 200, show(dl));
  assert.equal(dl.headers['content-type'], 'application/zip');
  assert.equal(dl.headers['content-disposition'], `attachment; filename="atrium-export-${post.json.id}.zip"`);
  assert.equal(dl.body.length, ready.json.size);
  const files = unzip(dl.body);
  assert.deepEqual([...files.keys()].sort(), ['data.json', 'index.html']);

  // data.json: by table, with the titles of the data map, my rows with every exported column
  const text = files.get('data.json').toString('utf8');
  const data = JSON.parse(text);
  assert.equal(data.user_id, me.user.id);
  const sets = data.datasets;
  assert.deepEqual(sets.users.title, { zh: '账号资料', en: 'account profile' });
  assert.equal(sets.users.rows.length, 1);
  const profile = sets.users.rows[0];
  assert.equal(profile.phone, me.e164, 'the phone number, opened, in E.164');
  assert.equal(profile.name, '韩梅梅');
  assert.equal(profile.id, me.user.id);
  assert.match(profile.created_at, RFC3339_MS);
  assert.ok(!('phone_sealed' in profile) && !('phone_index' in profile), Object.keys(profile).join());

  assert.equal(sets.sessions.rows.length, 1);
  const session = sets.sessions.rows[0];
  assert.equal(session.device_model, 'Mate 60 Pro');
  assert.equal(session.device_id, me.device.id);
  assert.equal(session.device_os, me.device.os);
  assert.equal(session.app_version, me.device.app_version);
  assert.equal(session.ip, '127.0.0.1');
  assert.match(session.last_seen_at, RFC3339_MS);

  assert.ok(sets.consents.rows.some((c) => c.purpose === 'privacy_policy' && c.granted === 1), JSON.stringify(sets.consents));
  const note = sets.notifications.rows.find((n) => n.id === '42');
  assert.ok(note, JSON.stringify(sets.notifications));
  assert.equal(note.body, '<script>alert("x")</script> signed in');
  assert.equal(note.read_at, null);
  assert.ok(sets.exports.rows.some((e) => e.id === post.json.id), 'this export itself is listed');
  assert.ok(sets.audit_log.rows.some((e) => e.action === 'export.request' && e.object === `export:${post.json.id}`));

  // no secrets, no machinery, nothing of the other user
  for (const secret of ['token_hash', 'code_hash', 'wrapped', 'phone_index', 'target_index', me.token]) {
    assert.ok(!text.includes(secret), `data.json holds no '${secret}'`);
  }
  const html = files.get('index.html').toString('utf8');
  for (const theirs of [other.e164, other.user.id, 'Other Person', 'iPhone 15', other.device.id]) {
    assert.ok(!text.includes(theirs), `data.json holds nothing of the other user: '${theirs}'`);
    assert.ok(!html.includes(theirs), `index.html holds nothing of the other user: '${theirs}'`);
  }

  // index.html: readable, Chinese first then English, everything typed escaped
  assert.match(html, /^<!DOCTYPE html>/);
  for (const title of ['账号资料', 'account profile', '登录会话与设备', 'sessions and devices', '站内通知', 'in-app notifications']) {
    assert.ok(html.includes(title), `index.html names '${title}'`);
  }
  assert.ok(html.indexOf('账号资料') < html.indexOf('account profile'), 'Chinese before English');
  assert.ok(html.includes(me.e164) && html.includes('韩梅梅') && html.includes('Mate 60 Pro'));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'the notification is escaped');
  assert.ok(!html.includes('<script>') && !html.includes('<b>&'), 'nothing typed became markup');

  // the file is private to the server's user
  const file = path.join(srv.dataDir, 'exports', `${post.json.id}.zip`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);

  // both the request and the download are on the record, with no personal data; the chain holds
  const rows = sql(srv, `SELECT actor, action, subject, object, detail FROM audit_log WHERE object = 'export:${post.json.id}' ORDER BY id`);
  assert.deepEqual(rows, [
    `${me.user.id}|export.request|${me.user.id}|export:${post.json.id}|`,
    `${me.user.id}|export.download|${me.user.id}|export:${post.json.id}|`,
  ]);
  const out = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(out.code, 0, `audit verify: ${out.stderr}`);
});

test('another user cannot see or fetch my export; unknown ids and no session are refused', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp();
  const other = await srv.signUp();
  const { json: exp } = await requestExport(srv, me.token);
  await waitReady(srv, me.token, exp.id);

  assertProblem(await srv.req('GET', `/api/v1/me/exports/${exp.id}`, { token: other.token }), 404, 'export_not_found');
  const theirs = await getBytes(srv, `/api/v1/me/exports/${exp.id}/download`, other.token);
  assert.equal(theirs.status, 404, show(theirs));
  assert.equal(theirs.json.code, 'export_not_found');
  for (const id of ['1', '123456789012345678', 'abc', '0']) {
    assertProblem(await srv.req('GET', `/api/v1/me/exports/${id}`, { token: me.token }), 404, 'export_not_found');
    assertProblem(await srv.req('GET', `/api/v1/me/exports/${id}/download`, { token: me.token }), 404, 'export_not_found');
  }
  assertProblem(await srv.req('POST', '/api/v1/me/exports'), 401, 'auth_required');
  assertProblem(await srv.req('GET', `/api/v1/me/exports/${exp.id}`), 401, 'auth_required');
  assertProblem(await srv.req('GET', `/api/v1/me/exports/${exp.id}/download`), 401, 'auth_required');
  // nobody else's request reached the audit chain as a download
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'export.download'`)[0], '0');
});

test('a large export: 409 before ready, one job per user, and a stop or a crash only delays it', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp();
  await addNotifications(srv, me.user.id, 100_000);

  const first = await requestExport(srv, me.token);
  const early = await srv.req('GET', `/api/v1/me/exports/${first.json.id}/download`, { token: me.token });
  assertProblem(early, 409, 'export_not_ready');
  assert.ok(Number.isInteger(early.json.progress), show(early));
  // asking again while it is being made gives the same export, not a second one
  const again = await requestExport(srv, me.token);
  assert.equal(again.json.id, first.json.id);
  assert.ok(['queued', 'running'].includes(again.json.status), show(again));

  // a stop in the middle is prompt and leaves the export queued for the next start
  const stopAt = Date.now();
  assert.equal((await srv.stop()).code, 0);
  assert.ok(Date.now() - stopAt < 5000, `stopped in ${Date.now() - stopAt} ms`);
  const [status] = sql(srv, `SELECT status FROM exports WHERE id = ${first.json.id}`);
  assert.ok(['queued', 'ready'].includes(status), `after a stop: ${status}`);
  assert.deepEqual(fs.readdirSync(path.join(srv.dataDir, 'exports')).filter((f) => f.endsWith('.part')), []);
  await srv.start();
  const { res: done } = await waitReady(srv, me.token, first.json.id, 30_000);
  assert.equal(done.json.status, 'ready');

  // a crash (kill -9) while one is made: the next start makes it
  const second = await requestExport(srv, me.token);
  assert.notEqual(second.json.id, first.json.id);
  await sleep(100);
  await srv.kill9();
  await srv.start();
  const { res: after } = await waitReady(srv, me.token, second.json.id, 30_000);
  assert.equal(after.json.status, 'ready');
  const dl = await getBytes(srv, `/api/v1/me/exports/${second.json.id}/download`, me.token);
  assert.equal(dl.status, 200, show(dl));
  const data = JSON.parse(unzip(dl.body).get('data.json').toString('utf8'));
  assert.equal(data.datasets.notifications.rows.length, 100_000);
  assert.deepEqual(fs.readdirSync(path.join(srv.dataDir, 'exports')).filter((f) => f.endsWith('.part')), []);
});

test('after 7 days the download is gone: 410, and the file is deleted', async (t) => {
  const srv = await startServer(t);
  const me = await srv.signUp();
  const { json: exp } = await requestExport(srv, me.token);
  await waitReady(srv, me.token, exp.id);
  const file = path.join(srv.dataDir, 'exports', `${exp.id}.zip`);
  assert.ok(fs.existsSync(file));

  // the time runs out (moved back in the stopped server's database)
  assert.equal((await srv.stop()).code, 0);
  sql(srv, `UPDATE exports SET expires_at = ${Date.now() - 1000} WHERE id = ${exp.id}`);
  await srv.start();
  const res = await srv.req('GET', `/api/v1/me/exports/${exp.id}`, { token: me.token });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'expired');
  assertProblem(await srv.req('GET', `/api/v1/me/exports/${exp.id}/download`, { token: me.token }), 410, 'export_expired');
  assert.ok(!fs.existsSync(file), 'the file is deleted');
  // a new one can be asked for
  const fresh = await requestExport(srv, me.token);
  assert.notEqual(fresh.json.id, exp.id);
});
