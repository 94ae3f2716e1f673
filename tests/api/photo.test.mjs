// Member photos (issue 4, PP-09): the member or an administrator with the members right uploads
// one; the type is judged by the bytes, not the Content-Type; only a square JPEG thumbnail without
// any metadata is kept (no EXIF, no GPS); any colleague fetches it, an outsider gets 404; it
// leaves with the member, and the member's own export holds it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { addMember, assertProblem, createEnterprise, runAtrium, show, sleep, startServer } from './lib/server.mjs';
import { EXIF_MAKE, grayJpeg, jpegSegments, png, webp } from './lib/images.mjs';

const E = '/api/v1/enterprises';

function sql(srv, query) {
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dataDir, 'atrium.db'), query], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '');
}

/** A request whose reply body is kept as bytes (the suite's helper reads text). */
function raw(srv, method, urlPath, { token, body, type } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers['Content-Length'] = String(body.length);
      if (type) headers['Content-Type'] = type;
    }
    const req = http.request(new URL(urlPath, srv.base), { method, agent: false, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json = null;
        if (/json/.test(res.headers['content-type'] || '')) json = JSON.parse(text);
        resolve({ status: res.statusCode, headers: res.headers, bytes, json, text: text.slice(0, 400), method, path: urlPath });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Asserts a stored photo: a 256 × 256 JPEG with no APP1 (EXIF/XMP) segment and no trace of the upload's metadata. */
function assertClean(bytes) {
  const { segments, width, height } = jpegSegments(bytes);
  assert.equal(width, 256);
  assert.equal(height, 256);
  for (const s of segments) {
    assert.notEqual(s.marker, 0xe1, 'no APP1 segment (EXIF, XMP)');
    assert.ok(!s.payload.subarray(0, 4).equals(Buffer.from('Exif')), 'no Exif block');
  }
  for (const trace of ['Exif', EXIF_MAKE, 'where I live']) {
    assert.ok(!bytes.includes(Buffer.from(trace, 'latin1')), `no '${trace}' in the stored photo`);
  }
}

async function setup(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner);
  const wang = await srv.signUp();
  const zhao = await srv.signUp();
  const sun = await srv.signUp();
  const apps = await srv.signUp();
  const outsider = await srv.signUp();
  await createEnterprise(srv, outsider, '别家公司');
  for (const [who, name] of [[wang, '王五'], [zhao, '赵六'], [sun, '孙八'], [apps, '周九']]) await addMember(srv, owner, eid, who, name);
  for (const [who, rights] of [[sun, ['members']], [apps, ['apps']]]) {
    const r = await srv.req('PUT', `${E}/${eid}/admins/${who.user.id}`, { token: owner.token, body: { rights, scope: 'all' } });
    assert.equal(r.status, 200, show(r));
  }
  const url = (who) => `${E}/${eid}/members/${who.user.id}/photo`;
  return { srv, owner, eid, wang, zhao, sun, apps, outsider, url };
}

test('a member uploads a JPEG carrying EXIF GPS: a clean square thumbnail is kept and colleagues fetch it', async (t) => {
  const { srv, eid, wang, zhao, outsider, url } = await setup(t);
  const upload = grayJpeg({ width: 64, height: 32, exif: true });
  // The fixture really carries what must not survive.
  assert.ok(jpegSegments(upload).segments.some((s) => s.marker === 0xe1 && s.payload.subarray(0, 4).equals(Buffer.from('Exif'))));
  assert.ok(upload.includes(Buffer.from(EXIF_MAKE)));

  let res = await srv.req('GET', `${E}/${eid}/members/${wang.user.id}`, { token: zhao.token });
  assert.equal(res.json.photo, false, show(res));
  assertProblem(await raw(srv, 'GET', url(wang), { token: zhao.token }), 404, 'photo_not_found');

  res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: upload, type: 'image/jpeg' });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.photo, true);
  assert.equal(res.json.type, 'image/jpeg');
  assert.equal(res.json.width, 256);
  assert.equal(res.json.height, 256);

  // What the database holds and what a colleague downloads: the same clean thumbnail.
  const stored = Buffer.from(sql(srv, `SELECT hex(bytes) FROM member_photos WHERE enterprise_id = ${eid} AND user_id = ${wang.user.id}`)[0], 'hex');
  assertClean(stored);
  assert.equal(stored.length, res.json.size);
  const got = await raw(srv, 'GET', url(wang), { token: zhao.token });
  assert.equal(got.status, 200, show(got));
  assert.equal(got.headers['content-type'], 'image/jpeg');
  assert.equal(got.headers['x-content-type-options'], 'nosniff');
  assert.ok(got.bytes.equals(stored));
  assertClean(got.bytes);

  res = await srv.req('GET', `${E}/${eid}/members/${wang.user.id}`, { token: zhao.token });
  assert.equal(res.json.photo, true);
  res = await srv.req('GET', `${E}/${eid}/members`, { token: zhao.token });
  assert.equal(res.json.members.find((m) => m.user_id === wang.user.id).photo, true);

  // An outsider learns nothing, not even that the member or the photo exists.
  const unknown = await srv.req('GET', '/api/v1/no-such-route', { token: outsider.token });
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const r = await raw(srv, method, url(wang), { token: outsider.token, body: method === 'PUT' ? upload : undefined, type: 'image/jpeg' });
    const p = assertProblem(r, 404, 'not_found');
    assert.equal(p.detail, unknown.json.detail);
  }

  // Audited for the member, with no personal data in the entry.
  assert.deepEqual(sql(srv, `SELECT actor, subject, object, detail FROM audit_log WHERE action = 'member.photo_set'`),
    [`${wang.user.id}|${wang.user.id}|enterprise:${eid}|{"uploaded":"image/jpeg"}`]);
  const check = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(check.code, 0, check.stderr);
});

test('the type is judged by the bytes: a PNG sent as image/jpeg works, a text file sent as image/png does not', async (t) => {
  const { srv, wang, url } = await setup(t);
  // A PNG with alpha, a text chunk and an eXIf chunk with a GPS position, labelled as JPEG.
  const upload = png({ width: 30, height: 60, rgb: [20, 120, 220], alpha: 128, text: 'where I live', exif: true });
  let res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: upload, type: 'image/jpeg' });
  assert.equal(res.status, 200, show(res));
  let got = await raw(srv, 'GET', url(wang), { token: wang.token });
  assert.equal(got.headers['content-type'], 'image/jpeg');
  assertClean(got.bytes);
  // A WebP labelled PNG, and a plain PNG labelled with nothing in particular, work too.
  res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: webp(), type: 'image/png' });
  assert.equal(res.status, 200, show(res));
  assertClean((await raw(srv, 'GET', url(wang), { token: wang.token })).bytes);
  res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: png(), type: 'application/octet-stream' });
  assert.equal(res.status, 200, show(res));
  const before = (await raw(srv, 'GET', url(wang), { token: wang.token })).bytes;

  // Refused, and the photo stays as it was: a text file labelled PNG, a JSON body, bytes that
  // only start like a JPEG, a GIF, and a PNG claiming 400 million pixels.
  const refused = [
    [Buffer.from('hello, this is not an image\n'), 'image/png'],
    [Buffer.from('{"photo":"x"}'), 'application/json'],
    [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]), 'image/jpeg'],
    [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/gif'],
    [png({ width: 4, height: 4, claim: [20000, 20000] }), 'image/png'],
  ];
  for (const [body, type] of refused) {
    res = await raw(srv, 'PUT', url(wang), { token: wang.token, body, type });
    assertProblem(res, 415, 'unsupported_image');
  }
  assertProblem(await raw(srv, 'PUT', url(wang), { token: wang.token, body: Buffer.alloc(0), type: 'image/png' }), 400, 'empty_upload');
  got = await raw(srv, 'GET', url(wang), { token: wang.token });
  assert.ok(got.bytes.equals(before), 'the refused uploads changed nothing');
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'member.photo_set'`)[0], '3');
});

test('uploads above max-photo (5 MiB by default) are refused with body_too_large', async (t) => {
  const { srv, wang, url } = await setup(t);
  const big = Buffer.concat([grayJpeg(), Buffer.alloc(5 * 1024 * 1024 + 1 - grayJpeg().length, 0)]);
  assert.equal(big.length, 5 * 1024 * 1024 + 1);
  assertProblem(await raw(srv, 'PUT', url(wang), { token: wang.token, body: big, type: 'image/jpeg' }), 413, 'body_too_large');
  // Just under the cap is read (and judged by its content: a JPEG with trailing bytes is fine).
  const fits = Buffer.concat([grayJpeg(), Buffer.alloc(5 * 1024 * 1024 - grayJpeg().length, 0)]);
  const res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: fits, type: 'image/jpeg' });
  assert.equal(res.status, 200, show(res));
  assert.ok(res.json.size < 64 * 1024, 'only the thumbnail is kept');

  const small = await startServer(t, { args: ['--max-photo', '1000'] });
  const owner = await small.signUp();
  const eid = await createEnterprise(small, owner);
  const u = `${E}/${eid}/members/${owner.user.id}/photo`;
  const over = Buffer.concat([grayJpeg(), Buffer.alloc(1001 - grayJpeg().length)]);
  assertProblem(await raw(small, 'PUT', u, { token: owner.token, body: over, type: 'image/jpeg' }), 413, 'body_too_large');
  assert.equal((await raw(small, 'PUT', u, { token: owner.token, body: grayJpeg(), type: 'image/jpeg' })).status, 200);
});

test('who may change a photo: the member, or an administrator with the members right; anyone in the enterprise may see it', async (t) => {
  const { srv, owner, wang, zhao, sun, apps, url } = await setup(t);
  const jpeg = grayJpeg();
  // A colleague, and an administrator without the members right, may not.
  for (const who of [zhao, apps]) {
    assertProblem(await raw(srv, 'PUT', url(wang), { token: who.token, body: jpeg, type: 'image/jpeg' }), 403, 'forbidden', { right: 'members' });
  }
  // An administrator with it may, and so may the owner.
  for (const who of [sun, owner]) {
    const res = await raw(srv, 'PUT', url(wang), { token: who.token, body: jpeg, type: 'image/jpeg' });
    assert.equal(res.status, 200, show(res));
  }
  assert.deepEqual(sql(srv, `SELECT actor FROM audit_log WHERE action = 'member.photo_set' AND subject = ${wang.user.id} ORDER BY id`),
    [sun.user.id, owner.user.id]);
  // Everyone in the enterprise sees it.
  for (const who of [wang, zhao, sun, apps, owner]) {
    const got = await raw(srv, 'GET', url(wang), { token: who.token });
    assert.equal(got.status, 200, show(got));
  }
  // Deleting follows the same rights; afterwards the photo is gone.
  assertProblem(await raw(srv, 'DELETE', url(wang), { token: zhao.token }), 403, 'forbidden');
  let res = await raw(srv, 'DELETE', url(wang), { token: wang.token });
  assert.equal(res.status, 204, show(res));
  assertProblem(await raw(srv, 'GET', url(wang), { token: zhao.token }), 404, 'photo_not_found');
  assertProblem(await raw(srv, 'DELETE', url(wang), { token: wang.token }), 404, 'photo_not_found');
  res = await srv.req('GET', url(wang).replace('/photo', ''), { token: zhao.token });
  assert.equal(res.json.photo, false);
  assert.deepEqual(sql(srv, `SELECT actor, subject FROM audit_log WHERE action = 'member.photo_delete'`), [`${wang.user.id}|${wang.user.id}`]);
  // A member id that is none.
  assertProblem(await raw(srv, 'GET', url({ user: { id: '12345' } }), { token: zhao.token }), 404, 'member_not_found');
});

/** Reads a ZIP's files by its central directory (stored or deflated entries). */
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, 'end of central directory');
  const files = new Map();
  let p = buf.readUInt32LE(end + 16);
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const bytes = buf.subarray(data, data + csize);
    files.set(name, method === 8 ? zlib.inflateRawSync(bytes) : bytes);
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return files;
}

test("the member's export holds their photo and custom values; leaving erases them with the rest", async (t) => {
  const { srv, owner, eid, wang, zhao, url } = await setup(t);
  const res = await raw(srv, 'PUT', url(wang), { token: wang.token, body: grayJpeg({ exif: true }), type: 'image/jpeg' });
  assert.equal(res.status, 200, show(res));
  const photo = (await raw(srv, 'GET', url(wang), { token: wang.token })).bytes;
  await raw(srv, 'PUT', url(zhao), { token: zhao.token, body: png(), type: 'image/png' });
  // A value of a custom field, for the export too.
  const field = (await srv.req('POST', `${E}/${eid}/custom-fields`, { token: owner.token, body: { name_zh: '籍贯', kind: 'text', level: 'hidden' } })).json;
  for (const [who, v] of [[wang, '浙江杭州'], [zhao, '江苏南京']]) {
    const p = await srv.req('PATCH', `${E}/${eid}/members/${who.user.id}`, { token: owner.token, body: { custom: { [field.id]: v } } });
    assert.equal(p.status, 200, show(p));
  }

  // The export: the thumbnail as stored (base64), of this member only.
  let r = await srv.req('POST', '/api/v1/me/exports', { token: wang.token });
  assert.equal(r.status, 202, show(r));
  const id = r.json.id;
  for (let i = 0; i < 200; i++) {
    r = await srv.req('GET', `/api/v1/me/exports/${id}`, { token: wang.token });
    if (r.json.status === 'ready') break;
    await sleep(30);
  }
  assert.equal(r.json.status, 'ready', show(r));
  const dl = await raw(srv, 'GET', `/api/v1/me/exports/${id}/download`, { token: wang.token });
  const data = JSON.parse(unzip(dl.bytes).get('data.json').toString('utf8'));
  const rows = data.datasets.member_photos.rows;
  assert.equal(rows.length, 1, JSON.stringify(rows).slice(0, 200));
  assert.equal(rows[0].enterprise_id, eid);
  assert.equal(rows[0].mime, 'image/jpeg');
  assert.ok(Buffer.from(rows[0].bytes, 'base64').equals(photo));
  assert.deepEqual(data.datasets.member_photos.title, { zh: '成员照片', en: 'member photo' });
  assert.deepEqual(data.datasets.member_custom_values.rows,
    [{ enterprise_id: eid, user_id: wang.user.id, field_id: field.id, value: '浙江杭州' }]);
  assert.equal(data.datasets.member_custom_values.controller, 'enterprise');
  assert.ok(!JSON.stringify(data).includes('江苏南京'), "nothing of the colleague's");

  // Leaving (here: removal, which erases the same) takes the photo along; the colleague's stays.
  r = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  assert.deepEqual(sql(srv, `SELECT count(*) FROM member_photos WHERE enterprise_id = ${eid} AND user_id = ${wang.user.id}`), ['0']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM member_photos WHERE enterprise_id = ${eid} AND user_id = ${zhao.user.id}`), ['1']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM member_custom_values WHERE enterprise_id = ${eid} AND user_id = ${wang.user.id}`), ['0']);
  // Leaving oneself does the same (here the last enterprise, so the account is cancelled too).
  r = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=true`, { token: zhao.token });
  assert.equal(r.status, 202, show(r));
  assert.deepEqual(sql(srv, `SELECT count(*) FROM member_photos WHERE enterprise_id = ${eid}`), ['0']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM member_custom_values WHERE enterprise_id = ${eid}`), ['0']);
  assertProblem(await raw(srv, 'GET', url(wang), { token: owner.token }), 404, 'member_not_found');
});
