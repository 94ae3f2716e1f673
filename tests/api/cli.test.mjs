// The command line: option errors, startup messages, and flags > env > config file for settings.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  BIN, Server, freePort, httpRequest, runAtrium, sleep, startServer, tempDir,
} from './lib/server.mjs';

test('an unknown option exits 2 naming it', async (t) => {
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const out = await runAtrium(['serve', '--data', dir, '--no-such-option', '1'], { timeout: 10_000 });
  assert.equal(out.code, 2, `exit code; stderr: ${out.stderr}`);
  assert.match(out.stderr, /no-such-option/, 'stderr names the option');
});

test('an unknown config file key exits 2 naming it', async (t) => {
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const conf = path.join(dir, 'atrium.conf');
  fs.writeFileSync(conf, `# test config\nlisten = 127.0.0.1:${await freePort()}\nno_such_key = 1\n`);
  const out = await runAtrium(['serve', '--data', path.join(dir, 'data'), '--config', conf], { timeout: 10_000 });
  assert.equal(out.code, 2, `exit code; stderr: ${out.stderr}`);
  assert.match(out.stderr, /no_such_key/, 'stderr names the key');
});

test('atrium version prints the version health reports', async (t) => {
  const out = await runAtrium(['version']);
  assert.equal(out.code, 0, out.stderr);
  const srv = await startServer(t);
  const health = await srv.req('GET', '/api/v1/health');
  assert.ok(out.stdout.includes(health.json.version), `"${out.stdout.trim()}" shows ${health.json.version}`);
});

test('serve announces its address and where development SMS codes go', async (t) => {
  const srv = await startServer(t);
  assert.ok(srv.stdout.includes(`atrium: listening on http://127.0.0.1:${srv.port}`), `stdout: ${srv.stdout}`);
  assert.ok(
    srv.stdout.includes(`atrium: development SMS codes are written to ${path.join(srv.dataDir, 'outbox', 'sms.jsonl')}`),
    `stdout: ${srv.stdout}`,
  );
});

/** Which of `ports` answers GET /api/v1/health once the server is up (null if none in 10 s). */
async function answeringPort(srv, ports) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!srv.running) return null;
    for (const port of ports) {
      try {
        const res = await httpRequest(`http://127.0.0.1:${port}`, 'GET', '/api/v1/health', { timeout: 500 });
        if (res.status === 200) return port;
      } catch { /* not this one */ }
    }
    await sleep(50);
  }
  return null;
}

test('listen address: flag beats env beats config file', async (t) => {
  assert.ok(fs.existsSync(BIN), `${BIN} exists`);
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const [filePort, envPort, flagPort] = [await freePort(), await freePort(), await freePort()];
  const conf = path.join(dir, 'atrium.conf');
  fs.writeFileSync(conf, `# listen address from the file\nlisten = 127.0.0.1:${filePort}\n`);
  const ports = [filePort, envPort, flagPort];

  const cases = [
    ['flag, env and file', ['--config', conf, '--listen', `127.0.0.1:${flagPort}`], { ATRIUM_LISTEN: `127.0.0.1:${envPort}` }, flagPort],
    ['env and file', ['--config', conf], { ATRIUM_LISTEN: `127.0.0.1:${envPort}` }, envPort],
    ['file only', ['--config', conf], {}, filePort],
  ];
  for (const [label, args, env, expected] of cases) {
    const srv = new Server({ port: expected, dataDir: path.join(dir, 'data'), args, env, listenFlag: false });
    const child = srv.start({ timeout: 10_000 }).catch((err) => err);
    const port = await answeringPort(srv, ports);
    const started = await child;
    await srv.stop('SIGTERM').catch(() => {});
    if (srv.running) await srv.kill9();
    assert.equal(port, expected, `${label}: answered on ${port} (file ${filePort}, env ${envPort}, flag ${flagPort}); ${started instanceof Error ? started.message : ''}`);
  }
});
