// What survives a stop: a clean SIGTERM exits 0; a kill -9 loses nothing that was acknowledged.
// Signing in with a new SMS code after kill -9 is in auth.test.mjs, which pays the per-number
// 60-second resend wait once for every case that needs it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStatus, device, show, startServer } from './lib/server.mjs';

test('SIGTERM stops the server cleanly with exit 0 and keeps accounts and sessions', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp({ name: 'Zhang San' });
  const how = await srv.stop('SIGTERM');
  assert.deepEqual(how, { code: 0, signal: null }, `exit after SIGTERM; stderr: ${srv.stderr}`);
  await srv.restart();
  const me = await srv.req('GET', '/api/v1/me', { token: a.token });
  assertStatus(me, 200);
  assert.equal(me.json.name, 'Zhang San');
});

test('after kill -9 and restart every acknowledged change is there and the server works', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp({ name: 'Li Si', dev: device('iPhone 15') });
  const patched = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { name: 'Li Si 2' } });
  assertStatus(patched, 200);
  const gone = await srv.signUp();
  assertStatus(await srv.req('POST', '/api/v1/auth/logout', { token: gone.token }), 204);

  const how = await srv.kill9();
  assert.equal(how.signal, 'SIGKILL');
  await srv.restart();

  const me = await srv.req('GET', '/api/v1/me', { token: a.token });
  assertStatus(me, 200);
  assert.equal(me.json.name, 'Li Si 2', 'the acknowledged change survived');
  const sessions = await srv.req('GET', '/api/v1/me/sessions', { token: a.token });
  assert.deepEqual(sessions.json.sessions.map((s) => s.id), [a.session.id], show(sessions));
  assert.equal((await srv.req('GET', '/api/v1/me', { token: gone.token })).status, 401, 'a logout is not undone');

  const b = await srv.signUp({ name: 'After Crash' });
  assert.equal(b.user.name, 'After Crash');
});
