// The web client is served at / from the binary (issue 7): its pages with a strict CSP, any path
// of its router answered with index.html, hashed assets cached for a year and gzip'ed for
// clients that take it, revalidation by ETag; the API keeps its own JSON 404.

import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { assertProblem, startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

/** GET path with headers: {status, headers, body (Buffer, as sent)}. */
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.base}${path}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/ is the client: its page, under a strict content security policy', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.match(res.body.toString(), /<div id="app"><\/div>/);
  assert.match(res.headers['content-security-policy'], /default-src 'self'; script-src 'self';/);
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.match(res.headers.etag, /^W\/"[0-9a-f]+"$/);
});

test("a path of the client's router gets the page; a missing file and the API do not", async () => {
  const page = (await get('/')).body.toString();
  for (const path of ['/join/abc', '/me/privacy', '/chat/123?x=1']) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.body.toString(), page, path);
  }
  assert.equal((await get('/assets/no-such-file.js')).status, 404);
  assertProblem(await srv.req('GET', '/api/v1/no-such-route'), 404, 'not_found');
  assertProblem(await srv.req('GET', '/api'), 404, 'not_found');
  assert.equal((await get('/', {}, 'POST')).status, 404);
});

test('hashed assets are cached for a year, gzip\'ed when asked, and revalidated by ETag', async () => {
  const page = (await get('/')).body.toString();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)[1];
  const plain = await get(script);
  assert.equal(plain.status, 200);
  assert.match(plain.headers['content-type'], /^text\/javascript/);
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.headers['content-encoding'], undefined);
  const gz = await get(script, { 'Accept-Encoding': 'gzip, deflate' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < plain.body.length);
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
  assert.equal((await get(script, { 'Accept-Encoding': 'gzip;q=0, identity' })).headers['content-encoding'], undefined);
  assert.equal((await get(script, { 'Accept-Encoding': 'br, gzip;q=0.5' })).headers['content-encoding'], 'gzip');
  const again = await get(script, { 'If-None-Match': plain.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal((await get(script, { 'If-None-Match': '"other"' })).status, 200);
  // The manifest and the service worker, as a browser installs the app.
  const manifest = await get('/manifest.webmanifest');
  assert.equal(manifest.headers['content-type'], 'application/manifest+json');
  assert.ok(JSON.parse(manifest.body).icons.length >= 2);
  const sw = await get('/sw.js');
  assert.equal(sw.headers['cache-control'], 'no-cache');
});
