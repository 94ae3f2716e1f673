// Real delivery providers: the http SMS provider posts to a gateway, the smtp e-mail provider
// speaks SMTP; both against fakes started here. A misconfigured provider stops the start.

import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import {
  assertStatus, device, e164, freePort, nextPhone, runAtrium, show, sleep, startServer, tempDir,
} from './lib/server.mjs';

const SIX_DIGITS = /(?<!\d)(\d{6})(?!\d)/;

/** Polls `check` (returns a value or undefined) every 50 ms for up to `ms`. */
async function eventually(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: nothing within ${ms} ms`);
    await sleep(50);
  }
}

/** A fake SMS gateway: records every request {method, url, headers, body}; answers 200. */
async function fakeGateway(t) {
  const got = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { port: server.address().port, got };
}

/**
 * A minimal SMTP server: 220 greeting, 250 to EHLO/HELO/MAIL/RCPT/RSET/NOOP, 354 to DATA,
 * lines up to a lone "." are the message, then 250; 221 to QUIT. Records every message as
 * {from, rcpt: [], data}.
 */
async function fakeSmtp(t) {
  const mails = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('utf8');
    let buf = '';
    let mail = { from: null, rcpt: [], data: null };
    let inData = false;
    let dataLines = [];
    sock.write('220 fake.smtp.test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            mail.data = dataLines.map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\n');
            mails.push(mail);
            mail = { from: null, rcpt: [], data: null };
            dataLines = [];
            sock.write('250 2.0.0 queued\r\n');
          } else {
            dataLines.push(line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        const arg = (line.match(/<([^>]*)>/) || [])[1];
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 fake.smtp.test\r\n');
        else if (verb === 'MAIL') { mail.from = arg; sock.write('250 2.1.0 ok\r\n'); }
        else if (verb === 'RCPT') { mail.rcpt.push(arg); sock.write('250 2.1.5 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 ok\r\n');
        else if (verb === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); }
        else sock.write('502 5.5.2 not implemented\r\n');
      }
    });
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  t.after(() => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(resolve);
  }));
  return { port: server.address().port, mails };
}

test('the http SMS provider posts the code to the gateway with the configured Authorization', async (t) => {
  const gw = await fakeGateway(t);
  const srv = await startServer(t, {
    args: ['--sms-provider', 'http', '--sms-http-url', `http://127.0.0.1:${gw.port}/send`, '--sms-http-auth', 'Bearer s3cret'],
  });
  assert.ok(!srv.stdout.includes('development SMS codes are written'), `no outbox announced: ${srv.stdout}`);

  const phone = nextPhone();
  const res = await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose: 'register' } });
  assertStatus(res, 202);
  assert.equal(res.json.sent, true, show(res));

  const hit = await eventually(() => gw.got[0], 5000, 'gateway request');
  assert.equal(hit.method, 'POST');
  assert.equal(hit.url, '/send');
  assert.equal(hit.headers.authorization, 'Bearer s3cret');
  assert.match(hit.headers['content-type'] || '', /^application\/json/);
  const body = JSON.parse(hit.body);
  assert.equal(body.to, e164(phone), hit.body);
  assert.equal(typeof body.text, 'string', hit.body);
  const m = body.text.match(SIX_DIGITS);
  assert.ok(m, `text carries a 6-digit code: ${body.text}`);

  // The code the gateway got is the one that works.
  const reg = await srv.req('POST', '/api/v1/auth/register', {
    body: { phone, code: m[1], name: 'Li Lei', policy_version: await srv.policyVersion(), device: device() },
  });
  assertStatus(reg, 201);
  assert.equal(reg.json.user.phone, e164(phone));

  assert.deepEqual(srv.readOutbox('sms'), [], 'nothing written to outbox/sms.jsonl');
  assert.equal(gw.got.length, 1, `one SMS, one gateway request: ${JSON.stringify(gw.got.map((g) => g.body))}`);
});

/** Runs `atrium serve` with `args` on a free port and fresh folder; it must refuse to start. */
async function refusesToStart(t, args) {
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const out = await runAtrium(
    ['serve', '--listen', `127.0.0.1:${await freePort()}`, '--data', dir, ...args],
    { timeout: 5000 },
  );
  assert.ok(out.signal === null && out.code !== 0, `exits non-zero (not killed after serving): ${JSON.stringify({ code: out.code, signal: out.signal })} stdout: ${out.stdout} stderr: ${out.stderr}`);
  assert.ok(!out.stdout.includes('listening on'), `never listened: ${out.stdout}`);
  return out;
}

test('--sms-provider http without --sms-http-url exits non-zero naming sms-http-url', async (t) => {
  const out = await refusesToStart(t, ['--sms-provider', 'http']);
  assert.match(out.stderr, /sms-http-url/, `stderr: ${out.stderr}`);
});

test('the http SMS provider fills the configured body template, escaping the values', async (t) => {
  const gw = await fakeGateway(t);
  const template = '{"mobile":"{{to}}","content":"{{text}}","sign":"Atrium","extra":{"n":1}}';
  const srv = await startServer(t, {
    args: ['--sms-provider', 'http', '--sms-http-url', `http://127.0.0.1:${gw.port}/send`, '--sms-http-body', template],
  });
  const phone = nextPhone();
  assertStatus(await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose: 'login' } }), 202);
  const hit = await eventually(() => gw.got[0], 5000, 'gateway request');
  const body = JSON.parse(hit.body);
  assert.deepEqual(Object.keys(body).sort(), ['content', 'extra', 'mobile', 'sign']);
  assert.equal(body.mobile, e164(phone));
  assert.match(body.content, SIX_DIGITS);
  assert.match(body.content, /【Atrium】验证码/, 'Chinese text survives the escaping');
  assert.deepEqual(body.extra, { n: 1 });
});

test('a body template that does not make JSON stops the server at start', async (t) => {
  const out = await refusesToStart(t, ['--sms-provider', 'http', '--sms-http-url', 'http://127.0.0.1:9/x', '--sms-http-body', '{"to":{{to}}}']);
  assert.match(out.stderr, /sms-http-body/, `stderr: ${out.stderr}`);
});

test('an unknown SMS provider exits non-zero', async (t) => {
  const out = await refusesToStart(t, ['--sms-provider', 'pigeon']);
  assert.match(out.stderr, /pigeon|sms-provider/, `stderr names the problem: ${out.stderr}`);
});

test('the smtp e-mail provider mails the verification code, and the code verifies the address', async (t) => {
  const smtp = await fakeSmtp(t);
  const srv = await startServer(t, {
    args: ['--email-provider', 'smtp', '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-from', 'noreply@atrium.test'],
  });
  const a = await srv.signUp();
  let res = await srv.req('PATCH', '/api/v1/me', { token: a.token, body: { email: 'li@example.cn' } });
  assertStatus(res, 200);
  assert.equal(res.json.pending_email, 'li@example.cn', show(res));
  assert.equal(res.json.email, null, show(res));

  const mail = await eventually(() => smtp.mails[0], 5000, 'mail at the SMTP server');
  assert.equal(mail.from, 'noreply@atrium.test');
  assert.deepEqual(mail.rcpt, ['li@example.cn']);
  const sep = mail.data.indexOf('\n\n');
  assert.ok(sep > 0, `headers, blank line, body: ${mail.data}`);
  const headers = mail.data.slice(0, sep);
  const body = mail.data.slice(sep + 2);
  assert.match(headers, /^To: .*li@example\.cn/im, headers);
  assert.match(headers, /^From: .*noreply@atrium\.test/im, headers);
  const m = body.match(SIX_DIGITS);
  assert.ok(m, `body carries a 6-digit code: ${body}`);

  res = await srv.req('POST', '/api/v1/me/email/verify', { token: a.token, body: { code: m[1] } });
  assertStatus(res, 200);
  assert.equal(res.json.email, 'li@example.cn', show(res));
  assert.equal(res.json.pending_email, null, show(res));
  const me = await srv.req('GET', '/api/v1/me', { token: a.token });
  assertStatus(me, 200);
  assert.equal(me.json.email, 'li@example.cn', show(me));
  assert.equal(me.json.pending_email, null, show(me));

  assert.deepEqual(srv.readOutbox('email'), [], 'nothing written to outbox/email.jsonl');
  assert.equal(smtp.mails.length, 1, 'one mail');
});
