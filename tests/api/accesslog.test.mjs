// The access log: one JSON line per request, with route templates and no personal data.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RFC3339_MS, assertStatus, device, startServer } from './lib/server.mjs';

test('access log lines carry request id, route and status but no phone, token or query', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp({ name: 'Log Subject' });
  const national = a.e164.slice(3);
  const me = await srv.req('GET', '/api/v1/me', { token: a.token });
  assertStatus(me, 200);
  const notes = await srv.req('GET', `/api/v1/me/notifications?limit=5&cursor=${national}`, { token: a.token });
  const missing = await srv.req('GET', `/api/v1/users/${national}`, { token: a.token });
  assert.equal(missing.status, 404);
  // a sign-in attempt for the same number (the code was already used)
  const login = await srv.req('POST', '/api/v1/auth/login', { body: { phone: national, code: a.code, device: device() } });
  assert.equal(login.status, 400);
  const del = await srv.req('DELETE', `/api/v1/me/sessions/${a.session.id}`, { token: a.token });
  assertStatus(del, 204);

  // a clean stop flushes whatever the logger still holds
  const how = await srv.stop('SIGTERM');
  assert.equal(how.code, 0);

  const file = path.join(srv.dataDir, 'logs', 'access.jsonl');
  const text = fs.readFileSync(file, 'utf8');
  const lines = srv.accessLog();
  assert.ok(lines.length >= 7, `one line per request (${lines.length} lines)`);

  for (const l of lines) {
    assert.match(l.time, RFC3339_MS);
    assert.equal(typeof l.request_id, 'string');
    assert.equal(typeof l.method, 'string');
    assert.ok(l.route === null || (typeof l.route === 'string' && l.route.startsWith('/api/v1/')), JSON.stringify(l));
    assert.equal(typeof l.status, 'number');
    assert.equal(typeof l.bytes, 'number');
    assert.equal(typeof l.duration_us, 'number');
    assert.equal(l.ip, '127.0.0.0', `IPv4 truncated to /24: ${JSON.stringify(l)}`);
    assert.equal(typeof l.proto, 'string');
  }

  const byId = (res) => lines.find((l) => l.request_id === res.headers['x-request-id']);
  const meLine = byId(me);
  assert.ok(meLine, 'the GET /me request is logged under its X-Request-Id');
  assert.deepEqual([meLine.method, meLine.route, meLine.status, meLine.proto], ['GET', '/api/v1/me', 200, 'HTTP/1.1']);
  assert.equal(byId(notes)?.route, '/api/v1/me/notifications');
  const missingLine = byId(missing);
  assert.ok(missingLine, 'a 404 is logged');
  assert.equal(missingLine.route, null, 'an unknown path is logged without its path');
  assert.equal(missingLine.status, 404);
  assert.equal(byId(login)?.route, '/api/v1/auth/login');
  assert.equal(byId(login)?.status, 400);
  const delLine = byId(del);
  assert.equal(delLine?.route, '/api/v1/me/sessions/{id}', 'path parameters appear as the template');
  assert.equal(delLine?.status, 204);
  assert.ok(lines.some((l) => l.route === '/api/v1/auth/register' && l.status === 201), 'the sign-up is logged');

  assert.ok(!text.includes(national), 'no phone number in the log');
  assert.ok(!text.includes(a.token), 'no session token in the log');
  assert.ok(!text.includes('limit=5') && !text.includes('cursor='), 'no query strings in the log');
  assert.ok(!text.includes('127.0.0.1'), 'no full client address');
});

test('--access-log off writes no access log', async (t) => {
  const srv = await startServer(t, { args: ['--access-log', 'off'] });
  assertStatus(await srv.req('GET', '/api/v1/health'), 200);
  await srv.stop('SIGTERM');
  assert.ok(!fs.existsSync(path.join(srv.dataDir, 'logs', 'access.jsonl')) ||
    fs.readFileSync(path.join(srv.dataDir, 'logs', 'access.jsonl'), 'utf8') === '', 'no access log lines');
});

test('--access-log PATH writes the lines to that file', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-log-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'custom.jsonl');
  const srv = await startServer(t, { args: ['--access-log', file] });
  const res = await srv.req('GET', '/api/v1/privacy/policy');
  await srv.stop('SIGTERM');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const line = lines.find((l) => l.request_id === res.headers['x-request-id']);
  assert.ok(line, 'the request is in the chosen file');
  assert.equal(line.route, '/api/v1/privacy/policy');
});

test('--access-log - writes the lines to standard output', async (t) => {
  const srv = await startServer(t, { args: ['--access-log', '-'] });
  const res = await srv.req('GET', '/api/v1/health');
  await srv.stop('SIGTERM');
  const lines = srv.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const line = lines.find((l) => l.request_id === res.headers['x-request-id']);
  assert.ok(line, `the request is on stdout: ${srv.stdout}`);
  assert.equal(line.route, '/api/v1/health');
  assert.ok(!fs.existsSync(path.join(srv.dataDir, 'logs', 'access.jsonl')), 'and not in the default file');
});
