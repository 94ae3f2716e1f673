// Connections: the idle timeout closes silent and stalled connections, HTTP/2 cleartext with
// prior knowledge works, and SIGTERM/SIGINT stop the server gracefully and promptly.

import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startServer, http2Get } from './lib/server.mjs';

const HEALTH = { status: 'ok', version: '0.1.0', database: 'ok' };

let idle; // a server with --idle-timeout 1
before(async () => { idle = await startServer(null, { args: ['--idle-timeout', '1'] }); });
after(() => idle?.dispose());

/**
 * Opens a raw TCP connection, writes `send` (if any), and resolves when the server closes it:
 * {ms: time from connect to close, data: what the server sent}. Rejects after `limit` ms.
 */
function rawUntilClosed(port, send, limit) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let t0;
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`connection still open ${limit} ms after ${send ? `sending ${JSON.stringify(send)}` : 'connecting'}`));
    }, limit);
    sock.on('connect', () => {
      t0 = Date.now();
      if (send) sock.write(send);
    });
    sock.on('data', (d) => { data += d; });
    sock.on('error', () => { /* a reset is a close too */ });
    sock.on('close', () => {
      clearTimeout(timer);
      if (t0 === undefined) reject(new Error('could not connect'));
      else resolve({ ms: Date.now() - t0, data });
    });
  });
}

test('a connection that sends nothing is closed after the idle timeout', async () => {
  const { ms, data } = await rawUntilClosed(idle.port, '', 3500);
  assert.ok(ms >= 500, `closed after ${ms} ms: kept for about the 1 s idle timeout, not dropped at once`);
  assert.equal(data, '', 'nothing was asked, nothing is answered');
  // Other clients are unaffected.
  assert.equal((await idle.req('GET', '/api/v1/health')).status, 200);
});

test('a connection that stalls halfway through the request line is closed', async () => {
  const { ms, data } = await rawUntilClosed(idle.port, 'GET /api/v1/hea', 3500);
  assert.ok(ms >= 500, `closed after ${ms} ms: kept for about the 1 s idle timeout`);
  assert.ok(!/^HTTP\/1\.[01] 2/.test(data), `a half request gets no success reply: ${JSON.stringify(data.slice(0, 200))}`);
});

test('an idle keep-alive connection is closed after the idle timeout', async () => {
  const { ms, data } = await rawUntilClosed(
    idle.port, 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 3500,
  );
  assert.match(data, /^HTTP\/1\.1 200 /, `first the reply: ${JSON.stringify(data.slice(0, 200))}`);
  assert.ok(data.includes(JSON.stringify(HEALTH)), 'whole body before the close');
  assert.ok(ms >= 500, `closed after ${ms} ms`);
});

test('HTTP/2 cleartext with prior knowledge gets 200 from /api/v1/health', async (t) => {
  const session = http2.connect(`http://127.0.0.1:${idle.port}`);
  t.after(() => session.destroy());
  session.on('error', () => { /* reported through the request below */ });
  const reply = await http2Get(session, '/api/v1/health', 5000);
  assert.equal(reply.headers[':status'], 200, reply.body);
  assert.ok(reply.headers['x-request-id'], 'X-Request-Id over h2c');
  assert.deepEqual(JSON.parse(reply.body), HEALTH);
});

/**
 * GET /api/v1/health on its own connection. Resolves (never rejects) with
 * {sent, status, body, complete} for a reply or {sent, error} when the connection failed;
 * `sent` resolves once the request is written out.
 */
function health(port) {
  let markSent;
  const sent = new Promise((resolve) => { markSent = resolve; });
  const done = new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/health', agent: false, timeout: 15_000 }, (res) => {
      let body = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => { ended = true; });
      res.on('error', () => { /* incomplete: see close */ });
      res.on('close', () => resolve({ status: res.statusCode, body, complete: ended && res.complete }));
    });
    req.on('finish', markSent);
    req.on('timeout', () => req.destroy(new Error('no reply in 15 s')));
    req.on('error', (err) => { markSent(); resolve({ error: err.code || err.message }); });
    req.end();
  });
  return { sent, done };
}

/** Resolves 'refused' or 'connected' for a fresh TCP connection to the port. */
function tryConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => { sock.destroy(); resolve('connected'); });
    sock.on('error', (err) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : err.code));
  });
}

/** Waits for the server to exit; {how, ms} or throws after `limit` ms. */
async function exitWithin(srv, limit) {
  const t0 = Date.now();
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve('late'), limit); });
  const how = await Promise.race([srv.exited, late]);
  clearTimeout(timer);
  assert.notEqual(how, 'late', `atrium serve still running ${limit} ms after the signal`);
  return { how, ms: Date.now() - t0 };
}

test('SIGTERM with requests in flight: every reply is a complete 200, exit 0, port closed', async (t) => {
  const srv = await startServer(t);
  const reqs = Array.from({ length: 20 }, () => health(srv.port));
  await Promise.all(reqs.map((r) => r.sent));
  srv.proc.kill('SIGTERM');
  const results = await Promise.all(reqs.map((r) => r.done));
  const { how, ms } = await exitWithin(srv, 5000);
  assert.deepEqual({ code: how.code, signal: how.signal }, { code: 0, signal: null }, `exit after SIGTERM (${ms} ms); stderr: ${srv.stderr}`);
  const replies = results.filter((r) => r.error === undefined);
  for (const r of replies) {
    assert.equal(r.status, 200, `a request answered during the stop: ${JSON.stringify(r)}`);
    assert.ok(r.complete, `reply complete: ${JSON.stringify(r)}`);
    assert.deepEqual(JSON.parse(r.body), HEALTH);
  }
  assert.ok(replies.length > 0, `requests written before the signal were dropped: ${JSON.stringify(results)}`);
  assert.equal(await tryConnect(srv.port), 'refused', 'nothing listens on the port after the stop');
});

for (const [label, gap] of [['right after', 0], ['300 ms after', 300]]) {
  test(`a second signal ${label} SIGTERM ends the stop at once, even with a keep-alive connection open`, async (t) => {
    const srv = await startServer(t);
    // One keep-alive connection: a request answered, then left open and idle (the idle
    // timeout is the default 30 s, longer than the 10 s grace).
    const sock = net.connect(srv.port, '127.0.0.1');
    t.after(() => sock.destroy());
    sock.on('error', () => {});
    let data = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no keep-alive reply: ${JSON.stringify(data)}`)), 5000);
      sock.on('data', (d) => {
        data += d;
        if (data.includes(JSON.stringify(HEALTH))) { clearTimeout(timer); resolve(); }
      });
      sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.ok(!/\r\nconnection: close\r\n/i.test(data), 'the connection is kept alive');

    const t0 = Date.now();
    srv.proc.kill('SIGTERM');
    if (gap > 0) await new Promise((resolve) => { setTimeout(resolve, gap); });
    if (srv.running) srv.proc.kill('SIGINT');
    const { how } = await exitWithin(srv, 3000);
    const ms = Date.now() - t0;
    // Exit 0 (stopped), or ended by whichever of the two signals came second.
    assert.ok(
      (how.code === 0 && how.signal === null) || how.signal === 'SIGINT' || how.signal === 'SIGTERM',
      `exit 0 or ended by the second signal, got ${JSON.stringify(how)} after ${ms} ms; stderr: ${srv.stderr}`,
    );
    assert.equal(await tryConnect(srv.port), 'refused', 'nothing listens on the port after the stop');
  });
}
