// What the Node benchmarks share: reading SMS codes from the outbox, a bounded pool of
// concurrent calls, and signing many people up through the real API.

import fs from 'node:fs';

/** Reads codes as the server appends them to outbox/sms.jsonl. */
export class Outbox {
  constructor(file) {
    this.file = file;
    this.offset = 0;
    this.partial = '';
    this.waiters = new Map();
    this.codes = new Map();
    this.timer = null;
  }

  // Read only while codes are awaited: a 5 ms poll would take CPU from what is measured.
  start() { if (!this.timer) this.timer = setInterval(() => this.scan(), 5); }

  scan() {
    let fd;
    try { fd = fs.openSync(this.file, 'r'); } catch { return; }
    try {
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        if (!n) break;
        this.offset += n;
        const lines = (this.partial + buf.subarray(0, n).toString()).split('\n');
        this.partial = lines.pop();
        for (const l of lines) {
          if (!l) continue;
          const j = JSON.parse(l);
          if (j.kind !== 'code') continue;
          const w = this.waiters.get(j.to);
          if (w) { this.waiters.delete(j.to); w(j.code); } else this.codes.set(j.to, j.code);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  code(to) {
    if (this.codes.has(to)) { const c = this.codes.get(to); this.codes.delete(to); return Promise.resolve(c); }
    return new Promise((resolve) => this.waiters.set(to, resolve));
  }

  stop() { clearInterval(this.timer); this.timer = null; }
}

/** Runs fn(i) for i in [0, n), `width` at a time; the results in order. */
export async function pool(n, width, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

/** Signs up count people numbered from `from` (distinct mobiles), 32 at a time. */
export async function signUpMany(lib, srv, outbox, from, count) {
  const policy = await srv.policyVersion();
  outbox.start();
  try {
    return await signUpEach(lib, srv, outbox, from, count, policy);
  } finally {
    outbox.stop();
  }
}

function signUpEach(lib, srv, outbox, from, count, policy) {
  return pool(count, 32, async (k) => {
    const i = from + k;
    const phone = `139${String(i).padStart(8, '0')}`;
    const code = outbox.code(`+86${phone}`);
    const r = await srv.req('POST', '/api/v1/auth/sms-codes', { body: { phone, purpose: 'register' } });
    if (r.status !== 202) throw new Error(`code request: ${lib.show(r)}`);
    const body = { phone, code: await code, name: `成员${i}`, policy_version: policy, device: lib.device() };
    const reg = await srv.req('POST', '/api/v1/auth/register', { body });
    if (reg.status !== 201) throw new Error(`register: ${lib.show(reg)}`);
    return { phone, token: reg.json.session.token, user: reg.json.user, device: body.device };
  });
}
