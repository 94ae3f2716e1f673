// WebSocket clients for the API tests: open /api/v1/ws, sign in with the first frame, and wait
// for the frames a test expects.  The IM tests use these too.

import WebSocket from 'ws';

export { WebSocket };

/** A socket to /api/v1/ws that keeps every frame it receives until a test takes it. */
export class WsClient {
  constructor(ws) {
    this.ws = ws;
    this.frames = []; // received, not yet taken: parsed JSON (or {raw} when not JSON)
    this.waiters = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed (${code} ${reason}) while waiting for ${w.what}`));
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => { /* reported through close */ });
    ws.on('message', (data, isBinary) => {
      let frame;
      try { frame = JSON.parse(data.toString()); } catch { frame = { raw: data, isBinary }; }
      const i = this.waiters.findIndex((w) => w.pred(frame));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    });
  }

  /** Opens a socket to srv (a Server of lib/server.mjs); resolves once the upgrade is done. */
  static open(srv, options = {}) {
    const url = `${srv.base.replace(/^http/, 'ws')}/api/v1/ws`;
    const ws = new WebSocket(url, { rejectUnauthorized: false, ...options });
    const client = new WsClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /**
   * The first frame (received before or after the call) for which pred(frame) is true, taken
   * out of the buffer; rejects after timeout ms or when the socket closes first.
   */
  next(pred = () => true, timeout = 5000, what = 'a frame') {
    const i = this.frames.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    if (this.closeInfo) return Promise.reject(new Error(`socket already closed (${this.closeInfo.code}) before ${what}`));
    return new Promise((resolve, reject) => {
      const w = { pred, what };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no ${what} within ${timeout} ms; got ${JSON.stringify(this.frames).slice(0, 300)}`));
      }, timeout);
      w.resolve = (f) => { clearTimeout(timer); resolve(f); };
      w.reject = (e) => { clearTimeout(timer); reject(e); };
      this.waiters.push(w);
    });
  }

  /** The next frame of the given type. */
  nextType(type, timeout = 5000) {
    return this.next((f) => f.type === type, timeout, `a "${type}" frame`);
  }

  /** Resolves true if a frame matching pred arrives within ms (and takes it), else false. */
  async receives(pred, ms) {
    try {
      await this.next(pred, ms);
      return true;
    } catch {
      return false;
    }
  }

  /** {code, reason} once the server has closed the socket; rejects after timeout ms. */
  async closedWithin(timeout = 5000) {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close() {
    if (!this.closeInfo) this.ws.terminate();
  }
}

/**
 * Opens a socket for account (what srv.signUp()/signIn() return) and signs it in with its
 * session token; resolves with the client once "ready" came.  With a test context t the socket
 * is closed after the test.
 */
export async function wsSignIn(srv, account, t) {
  const client = await WsClient.open(srv);
  if (t) t.after(() => client.close());
  client.send({ type: 'auth', token: account.token });
  const ready = await client.nextType('ready');
  client.ready = ready;
  return client;
}
