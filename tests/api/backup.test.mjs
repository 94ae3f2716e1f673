// Online backup and offline restore with `atrium admin`. Signing in with a new SMS code as the
// account from before the backup is in auth.test.mjs (it needs the 60-second resend wait).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  assertProblem, assertStatus, device, runAtrium, startServer, tempDir,
} from './lib/server.mjs';

test('backup while running, restore when stopped: the later account is gone, the earlier one is back', async (t) => {
  const srv = await startServer(t);
  const dir = await tempDir('atrium-backup-');
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'atrium.backup');

  const first = await srv.signUp({ name: 'Before Backup' });
  const backup = await runAtrium(['admin', 'backup', file, '--data', srv.dataDir]);
  assert.equal(backup.code, 0, `admin backup exit; stderr: ${backup.stderr}`);
  assert.ok(fs.statSync(file).size > 0, 'backup file written');
  assertStatus(await srv.req('GET', '/api/v1/health'), 200);

  const second = await srv.signUp({ name: 'After Backup' });
  assertStatus(await srv.req('PATCH', '/api/v1/me', { token: first.token, body: { name: 'Renamed After Backup' } }), 200);

  const how = await srv.stop('SIGTERM');
  assert.equal(how.code, 0);
  const restore = await runAtrium(['admin', 'restore', file, '--data', srv.dataDir]);
  assert.equal(restore.code, 0, `admin restore exit; stderr: ${restore.stderr}`);
  await srv.start();

  const me = await srv.req('GET', '/api/v1/me', { token: first.token });
  assertStatus(me, 200);
  assert.equal(me.json.name, 'Before Backup', 'the state is the one at backup time');
  assertProblem(await srv.req('GET', '/api/v1/me', { token: second.token }), 401, 'auth_required');
  const code = await srv.requestCode(second.phone, 'login', { retry: true });
  const login = await srv.req('POST', '/api/v1/auth/login', { body: { phone: second.phone, code, device: device() } });
  assertProblem(login, 404, 'account_not_found');
});

test('restore refuses while a server runs on the data folder, and changes nothing', async (t) => {
  const srv = await startServer(t);
  const dir = await tempDir('atrium-backup-');
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'atrium.backup');
  await srv.signUp();
  const backup = await runAtrium(['admin', 'backup', file, '--data', srv.dataDir]);
  assert.equal(backup.code, 0, backup.stderr);
  const later = await srv.signUp({ name: 'Still Here' });

  const refused = await runAtrium(['admin', 'restore', file, '--data', srv.dataDir]);
  assert.notEqual(refused.code, 0, 'restore must refuse while the server runs');
  assert.match(refused.stderr, /running/i, `stderr says the server is running: ${refused.stderr}`);
  const me = await srv.req('GET', '/api/v1/me', { token: later.token });
  assertStatus(me, 200);
  assert.equal(me.json.name, 'Still Here', 'the refused restore changed nothing');

  // and after the server stopped, nothing was restored behind its back either
  await srv.stop('SIGTERM');
  await srv.start();
  assertStatus(await srv.req('GET', '/api/v1/me', { token: later.token }), 200);
});
