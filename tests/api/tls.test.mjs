// HTTPS: --tls-cert/--tls-key serve HTTP/1.1 and HTTP/2 (ALPN) over TLS, session cookies are
// Secure there, and plain HTTP on the TLS port gets no answer.
// The certificate is a throwaway self-signed one made with the openssl command (a test
// dependency: without it this file fails rather than skips).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http2 from 'node:http2';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertStatus, httpRequest, show, startServer, tempDir, http2Get } from './lib/server.mjs';

let dir;
let srv;

before(async () => {
  dir = await tempDir('atrium-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1',
    ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  } catch (err) {
    throw new Error(`cannot make a test certificate with the openssl command (install openssl): ${err.message}`);
  }
  assert.ok(fs.statSync(cert).size > 0 && fs.statSync(key).size > 0, 'openssl wrote the certificate and key');
  srv = await startServer(null, { args: ['--tls-cert', cert, '--tls-key', key], https: true });
});

after(async () => {
  await srv?.dispose();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

test('serve announces an https address', () => {
  assert.ok(srv.stdout.includes(`atrium: listening on https://127.0.0.1:${srv.port}`), `stdout: ${srv.stdout}`);
});

test('GET /api/v1/health over HTTPS/1.1 answers 200 with X-Request-Id', async () => {
  const res = await srv.req('GET', '/api/v1/health');
  assertStatus(res, 200);
  assert.equal(res.httpVersion, '1.1');
  assert.deepEqual(res.json, { status: 'ok', version: '0.1.0', database: 'ok' }, show(res));
});

test('an HTTP/2 client negotiates h2 by ALPN and gets 200', async (t) => {
  const session = http2.connect(`https://127.0.0.1:${srv.port}`, { rejectUnauthorized: false });
  t.after(() => session.destroy());
  session.on('error', () => { /* reported through the request below */ });
  const reply = await http2Get(session, '/api/v1/health', 10_000);
  assert.equal(session.alpnProtocol, 'h2', 'ALPN chose h2');
  assert.equal(reply.headers[':status'], 200, reply.body);
  assert.ok(reply.headers['x-request-id'], 'X-Request-Id over HTTP/2');
  assert.deepEqual(JSON.parse(reply.body), { status: 'ok', version: '0.1.0', database: 'ok' });
});

test('a cookie sign-up over TLS gets a Secure session cookie', async () => {
  const a = await srv.signUp({ cookie: true });
  assert.ok(a.setCookie, `Set-Cookie atrium_session: ${show(a.res)}`);
  const attrs = a.setCookie.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('secure'), `Secure attribute: ${a.setCookie}`);
  assert.ok(attrs.includes('httponly'), `HttpOnly attribute: ${a.setCookie}`);
  const me = await srv.req('GET', '/api/v1/me', { cookie: a.cookie });
  assertStatus(me, 200);
  assert.equal(me.json.phone, a.e164);
});

test('plain HTTP to the TLS port gets no 200', async () => {
  let outcome;
  try {
    const res = await httpRequest(`http://127.0.0.1:${srv.port}`, 'GET', '/api/v1/health', { timeout: 5000 });
    outcome = `HTTP ${res.status}`;
    assert.notEqual(res.status, 200, `plain HTTP answered: ${show(res)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    outcome = err.message; // refused, reset or closed: all fine
  }
  assert.ok(outcome, 'plain HTTP request finished one way or another');
  // The server is still fine afterwards.
  assertStatus(await srv.req('GET', '/api/v1/health'), 200);
});
