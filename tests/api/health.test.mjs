// Health and privacy-policy endpoints, request ids, and what a first start leaves on disk.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertStatus, show, startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

test('health answers ok with version and database state', async () => {
  const res = await srv.req('GET', '/api/v1/health');
  assertStatus(res, 200);
  assert.match(res.headers['content-type'] || '', /^application\/json/, show(res));
  assert.deepEqual(res.json, { status: 'ok', version: '0.1.0', database: 'ok' });
});

test('every reply carries its own X-Request-Id', async () => {
  const a = await srv.req('GET', '/api/v1/health');
  const b = await srv.req('GET', '/api/v1/health');
  const c = await srv.req('GET', '/api/v1/no-such-thing');
  for (const res of [a, b, c]) assert.ok(res.headers['x-request-id'], show(res));
  assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  assert.notEqual(b.headers['x-request-id'], c.headers['x-request-id']);
});

test('privacy policy has a 16-hex version and text', async () => {
  const res = await srv.req('GET', '/api/v1/privacy/policy');
  assertStatus(res, 200);
  assert.match(res.json.version, /^[0-9a-f]{16}$/, show(res));
  assert.equal(typeof res.json.text, 'string');
  assert.ok(res.json.text.trim().length > 0, 'policy text is not empty');
  const again = await srv.req('GET', '/api/v1/privacy/policy');
  assert.equal(again.json.version, res.json.version, 'version is stable between reads');
});

test('a fresh data folder gets a database and a master key readable only by the owner', () => {
  assert.ok(fs.existsSync(path.join(srv.dataDir, 'atrium.db')), 'atrium.db exists');
  const key = fs.statSync(path.join(srv.dataDir, 'master.key'));
  assert.equal(key.mode & 0o777, 0o600, `master.key mode is ${(key.mode & 0o777).toString(8)}`);
  assert.ok(key.size > 0, 'master.key is not empty');
});
