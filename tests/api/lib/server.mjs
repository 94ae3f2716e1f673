// Starts a real atrium server for the API tests: free port, own data folder, HTTP like a client.
// Only node built-ins; every test file starts its own server(s) and removes their folders.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// ATRIUM_TEST_BIN runs the suite against another build (e.g. a sanitizer build).
export const BIN = process.env.ATRIUM_TEST_BIN || path.join(ROOT, 'build', 'atrium');

// A send for the same number is refused for this long (contract: 1 per number per 60 s); the
// margin covers servers that count in whole seconds.
export const RESEND_MS = 61_500;

export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const ID = /^[0-9]+$/;
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** A TCP port nobody listens on right now: bind port 0, read it, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'atrium-api-') {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** The test runner's environment without any ATRIUM_* variable, plus `extra`. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ATRIUM_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `build/atrium ARGS` to completion: {code, signal, stdout, stderr}. */
export function runAtrium(args, { env = {}, timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * One HTTP request on a fresh connection (no keep-alive, so killed and restarted servers
 * never meet a stale pooled socket). `body`: object → JSON with Content-Type
 * application/json; string/Buffer → sent as is, with no Content-Type unless given.
 * An https:// base is reached over TLS (HTTP/1.1) without checking the certificate: the
 * tests' certificates are throwaway self-signed ones.
 * Returns {status, headers (lowercase names), json, text, raw (the body's bytes), method, path, httpVersion}.
 */
export function httpRequest(base, method, urlPath, { body, token, cookie, headers = {}, timeout = 15_000 } = {}) {
  const url = new URL(urlPath, base);
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      payload = Buffer.from(body);
    } else {
      payload = Buffer.from(JSON.stringify(body));
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    h['Content-Length'] = String(payload.length);
  }
  if (token) h.Authorization = `Bearer ${token}`;
  if (cookie) h.Cookie = cookie;
  return new Promise((resolve, reject) => {
    const tls = url.protocol === 'https:';
    const options = { method, headers: h, agent: false, timeout };
    if (tls) options.rejectUnauthorized = false;
    const req = (tls ? https : http).request(url, options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let json = null;
        if (text.length > 0 && /json/.test(res.headers['content-type'] || '')) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, json, text, raw, method, path: urlPath, httpVersion: res.httpVersion });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no reply in ${timeout} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** "POST /x → 400 {...}" for assertion messages. */
export function show(res) {
  return `${res.method} ${res.path} → ${res.status} ${res.text.slice(0, 400)}`;
}

// The problem `type` is this prefix plus the code, as the server and docs/openapi.yaml have it
// (the working contract said https://atrium.dev/errors/<code>); kept in one place.
export const ERROR_TYPE_PREFIX = 'urn:atrium:error:';

/**
 * Asserts an RFC 9457 problem reply as the contract shapes it: status, problem+json, the
 * stable code and type, X-Request-Id equal to request_id, and any `extra` body fields.
 */
export function assertProblem(res, status, code, extra = {}) {
  assert.equal(res.status, status, `expected ${status} ${code}: ${show(res)}`);
  assert.match(res.headers['content-type'] || '', /^application\/problem\+json/, `content type: ${show(res)}`);
  assert.ok(res.json && typeof res.json === 'object', `problem body is JSON: ${show(res)}`);
  assert.equal(res.json.code, code, `code: ${show(res)}`);
  assert.equal(res.json.status, status, `status field: ${show(res)}`);
  assert.equal(res.json.type, `${ERROR_TYPE_PREFIX}${code}`, `type: ${show(res)}`);
  assert.equal(typeof res.json.title, 'string', `title: ${show(res)}`);
  assert.equal(typeof res.json.detail, 'string', `detail: ${show(res)}`);
  const rid = res.headers['x-request-id'];
  assert.ok(rid, `X-Request-Id present: ${show(res)}`);
  assert.equal(res.json.request_id, rid, `request_id equals X-Request-Id: ${show(res)}`);
  for (const [k, v] of Object.entries(extra)) {
    assert.deepEqual(res.json[k], v, `${k}: ${show(res)}`);
  }
  return res.json;
}

export function assertStatus(res, status) {
  assert.equal(res.status, status, show(res));
  assert.ok(res.headers['x-request-id'], `X-Request-Id present: ${show(res)}`);
}

let phoneCounter = 0;
/** A distinct valid Chinese mobile per call (13800130001, 13800130002, …). */
export function nextPhone() {
  phoneCounter += 1;
  return `1380013${String(phoneCounter).padStart(4, '0')}`;
}

/** +86 E.164 form of a mainland mobile written in any accepted way. */
export function e164(phone) {
  const digits = phone.replace(/\D/g, '');
  return `+86${digits.slice(-11)}`;
}

export function device(model = 'Pixel 8', id = randomUUID()) {
  return { id, model, os: 'Android 14', app_version: '1.0.0' };
}

function readJsonl(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try { return JSON.parse(l); } catch { throw new Error(`${file}:${i + 1} is not JSON: ${l}`); }
  });
}

export class Server {
  constructor({ port, dataDir, args = [], env = {}, listenFlag = true, https: tls = false }) {
    this.port = port;
    this.dataDir = dataDir;
    this.args = args;
    this.env = env;
    this.listenFlag = listenFlag;
    this.tls = tls; // served over TLS (--tls-cert/--tls-key in args): health wait and req use https
    this.base = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    this.proc = null;
    this.stdout = '';
    this.stderr = '';
    this.sentAt = new Map(); // E.164 → ms of our last accepted code request
    this._policy = null;
  }

  argv() {
    const argv = ['serve'];
    if (this.listenFlag) argv.push('--listen', `127.0.0.1:${this.port}`);
    argv.push('--data', this.dataDir, '--threads', '2');
    // Each file sends many codes from 127.0.0.1; the per-IP limit has its own test.
    if (!this.args.includes('--sms-ip-per-hour') && !('ATRIUM_SMS_IP_PER_HOUR' in this.env)) {
      argv.push('--sms-ip-per-hour', '100000');
    }
    return argv.concat(this.args);
  }

  get running() {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start({ timeout = 10_000 } = {}) {
    assert.ok(!this.running, 'server already running');
    assert.ok(fs.existsSync(BIN), `${BIN} does not exist (run make)`);
    this.stdout = '';
    this.stderr = '';
    const child = spawn(BIN, this.argv(), { cwd: ROOT, env: cleanEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    this.proc = child;
    child.stdout.on('data', (d) => { this.stdout += d; });
    child.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => { live.delete(child); resolve({ code, signal }); });
      child.on('error', (err) => { live.delete(child); resolve({ code: null, signal: null, error: err }); });
    });
    const deadline = Date.now() + timeout;
    for (;;) {
      if (!this.running) {
        const how = await this.exited;
        throw new Error(`atrium serve exited before answering (${JSON.stringify(how)}): ${this.stderr}`);
      }
      try {
        const res = await httpRequest(this.base, 'GET', '/api/v1/health', { timeout: 1000 });
        if (res.status === 200) return this;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`GET /api/v1/health did not answer 200 within ${timeout} ms; stderr: ${this.stderr}`);
      }
      await sleep(50);
    }
  }

  /** Sends `signal` and waits for the exit: {code, signal}. */
  async stop(signal = 'SIGTERM', timeout = 10_000) {
    if (!this.proc) return null;
    if (this.running) this.proc.kill(signal);
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeout); });
    const how = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (how === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
      throw new Error(`atrium serve did not exit within ${timeout} ms of ${signal}`);
    }
    return how;
  }

  kill9() {
    return this.stop('SIGKILL');
  }

  /** Starts again on the same data folder and port. */
  async restart() {
    if (this.running) await this.stop();
    return this.start();
  }

  async dispose() {
    if (this.running) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    await fsp.rm(this.dataDir, { recursive: true, force: true });
  }

  req(method, urlPath, opts = {}) {
    return httpRequest(this.base, method, urlPath, opts);
  }

  readOutbox(which = 'sms') {
    return readJsonl(path.join(this.dataDir, 'outbox', `${which}.jsonl`));
  }

  accessLog() {
    return readJsonl(path.join(this.dataDir, 'logs', 'access.jsonl'));
  }

  codeLines(phone, which = 'sms') {
    return this.readOutbox(which).filter((l) => l.kind === 'code' && l.to === phone);
  }

  /** Latest code sent to `to` (E.164 number or, with which='email', an address). */
  async lastCode(to, which = 'sms') {
    for (let i = 0; i < 40; i++) {
      const lines = this.codeLines(to, which);
      if (lines.length > 0) return lines[lines.length - 1].code;
      await sleep(50);
    }
    throw new Error(`no code line for ${to} in outbox/${which}.jsonl`);
  }

  async policyVersion() {
    if (!this._policy) {
      const res = await this.req('GET', '/api/v1/privacy/policy');
      assert.equal(res.status, 200, show(res));
      this._policy = res.json.version;
    }
    return this._policy;
  }

  /** Sleeps until a new code may be sent to `phone` (60 s after our last accepted request). */
  async waitResend(phone) {
    const at = this.sentAt.get(e164(phone));
    if (at !== undefined) {
      const left = at + RESEND_MS - Date.now();
      if (left > 0) await sleep(left);
    }
  }

  /**
   * Asks for a code and returns it from the outbox. wait=true first waits out our own 60 s
   * resend window for the number. retry=true (default: same as wait) waits the server's
   * retry_after once if it still says rate_limited — after a restart or restore the server
   * may or may not remember earlier sends, and neither is wrong.
   */
  async requestCode(phone, purpose, { wait = false, retry = wait } = {}) {
    const to = e164(phone);
    if (wait) await this.waitResend(phone);
    const before = this.codeLines(to).length;
    let res = await this.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose } });
    if (retry && res.status === 429 && res.json && Number.isFinite(res.json.retry_after)) {
      await sleep(res.json.retry_after * 1000 + 1000);
      res = await this.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose } });
    }
    assert.equal(res.status, 202, `code request: ${show(res)}`);
    this.sentAt.set(to, Date.now());
    for (let i = 0; i < 60; i++) {
      const lines = this.codeLines(to);
      if (lines.length > before) return lines[lines.length - 1].code;
      await sleep(50);
    }
    throw new Error(`code for ${to} (${purpose}) never reached outbox/sms.jsonl`);
  }

  /** Registers a new user end to end; returns what a client would keep. */
  async signUp({ phone = nextPhone(), name = 'Li Lei', dev = device(), cookie = false } = {}) {
    const code = await this.requestCode(phone, 'register');
    const body = { phone, code, name, policy_version: await this.policyVersion(), device: dev };
    if (cookie) body.cookie = true;
    const res = await this.req('POST', '/api/v1/auth/register', { body });
    assert.equal(res.status, 201, `register: ${show(res)}`);
    return this.#account(res, { phone, code, dev, name });
  }

  /** Signs in an existing user (waits out the resend window of the number if needed). */
  async signIn({ phone, dev = device(), cookie = false, wait = true, retry = wait }) {
    const code = await this.requestCode(phone, 'login', { wait, retry });
    const body = { phone, code, device: dev };
    if (cookie) body.cookie = true;
    const res = await this.req('POST', '/api/v1/auth/login', { body });
    assert.equal(res.status, 200, `login: ${show(res)}`);
    return this.#account(res, { phone, code, dev });
  }

  #account(res, { phone, code, dev, name }) {
    const setCookie = [].concat(res.headers['set-cookie'] || []);
    const sc = setCookie.find((c) => c.startsWith('atrium_session='));
    return {
      phone,
      e164: e164(phone),
      code,
      device: dev,
      name,
      res,
      user: res.json.user,
      session: res.json.session,
      token: res.json.session && res.json.session.token,
      setCookie: sc,
      cookie: sc ? sc.split(';')[0] : undefined,
      csrf: res.json.session && res.json.session.csrf_token,
    };
  }
}

/**
 * Starts `build/atrium serve` on a free port with a fresh data folder. With a test context
 * `t` the server and its folder are removed after that test; otherwise call dispose().
 * `https: true` when `args` make it serve TLS: it is then waited for and spoken to over https.
 */
export async function startServer(t, { args = [], env = {}, https: tls = false } = {}) {
  const srv = new Server({ port: await freePort(), dataDir: await tempDir(), args, env, https: tls });
  if (t) t.after(() => srv.dispose());
  try {
    await srv.start();
  } catch (err) {
    if (!t) await srv.dispose();
    throw err;
  }
  return srv;
}

/** GET path over an open HTTP/2 session: {headers, body}, or a rejection after timeout ms. */
export function http2Get(session, urlPath, timeout = 10_000) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':path': urlPath });
    const timer = setTimeout(() => reject(new Error(`no HTTP/2 reply in ${timeout} ms`)), timeout);
    let headers;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => { headers = h; });
    stream.on('data', (d) => { body += d; });
    stream.on('end', () => { clearTimeout(timer); resolve({ headers, body }); });
    stream.on('error', (err) => { clearTimeout(timer); reject(err); });
    stream.end();
  });
}

/** Creates an enterprise owned by owner (a signed-up person); returns its id. */
export async function createEnterprise(srv, owner, name = '示例科技') {
  const r = await srv.req('POST', '/api/v1/enterprises', { token: owner.token, body: {
    creator_name: '张三', name, industry: 'software', size: '11-50', region: 'Shanghai' } });
  if (r.status !== 201) throw new Error(`cannot create enterprise: ${show(r)}`);
  return r.json.id;
}

/**
 * Makes who (a signed-up person) an active member of eid named name, the way people join: an
 * administrator (admin) invites their mobile number, the person accepts.  Returns the reply of
 * the acceptance (the new member as they see themself).
 */
export async function addMember(srv, admin, eid, who, name = '王五', extra = {}) {
  const inv = await srv.req('POST', `/api/v1/enterprises/${eid}/pending-members`, { token: admin.token,
    body: { name, mobile: who.phone, notify: false, ...extra } });
  if (inv.status !== 201) throw new Error(`cannot invite member: ${show(inv)}`);
  const r = await srv.req('POST', `/api/v1/me/invitations/${inv.json.id}/accept`, { token: who.token, body: {} });
  if (r.status !== 201) throw new Error(`cannot accept invitation: ${show(r)}`);
  return r;
}

/** Runs query on the server's database with the sqlite3 shell; the lines it prints. */
export function sql(srv, query) {
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dataDir, 'atrium.db'), query], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '');
}
