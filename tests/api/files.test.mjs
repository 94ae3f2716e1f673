// Files of messages (issue 5): images, voice and files uploaded raw, judged by their bytes, kept
// encrypted in the blob store; images fetched by nobody until re-encoded without their metadata;
// fetched only by the uploader and those who see a message carrying them; unsent uploads gone
// after a day, blobs included.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, runAtrium, show, sleep, sql, startServer } from './lib/server.mjs';
import { EXIF_MAKE, grayJpeg, jpegSegments, png } from './lib/images.mjs';

const E = '/api/v1/enterprises';
// A 1 × 1 GIF: header, screen with a two-colour table, one frame of LZW data, trailer.
const GIF = Buffer.from([
  ...Buffer.from('GIF89a', 'latin1'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b,
]);
// An AMR-NB file: its magic, then one frame of silence (mode 7 header, 31 bytes of payload).
const AMR = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.from([0x3c]), Buffer.alloc(31)]);
const ELF = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), Buffer.alloc(56)]);

async function setup(t, args = []) {
  const srv = await startServer(t, { args });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner);
  const wang = await srv.signUp();
  const zhao = await srv.signUp();
  const apps = await srv.signUp();
  const outsider = await srv.signUp();
  await createEnterprise(srv, outsider, '别家公司');
  for (const [who, name] of [[wang, '王五'], [zhao, '赵六'], [apps, '周九']]) await addMember(srv, owner, eid, who, name);
  const r = await srv.req('PUT', `${E}/${eid}/admins/${apps.user.id}`, { token: owner.token, body: { rights: ['apps'], scope: 'all' } });
  assert.equal(r.status, 200, show(r));
  // Voice is recorded under the microphone consent (PP-12); zhao has not given it.
  for (const who of [owner, wang]) {
    const c = await srv.req('POST', '/api/v1/me/consents', { token: who.token, body: { purpose: 'microphone', granted: true, device_id: who.device.id } });
    assert.equal(c.status, 201, show(c));
  }
  const F = `${E}/${eid}/files`;
  const upload = (who, kind, body, { name, duration, type = 'application/octet-stream', eidOver } = {}) => {
    const q = new URLSearchParams({ kind });
    if (name !== undefined) q.set('name', name);
    if (duration !== undefined) q.set('duration_ms', String(duration));
    return srv.req('POST', `${eidOver ? `${E}/${eidOver}/files` : F}?${q}`, { token: who.token, body, headers: { 'Content-Type': type } });
  };
  const get = (who, fid, what = '') => srv.req('GET', `${F}/${fid}${what}`, { token: who.token });
  /** Waits until the job has processed the image; its metadata. */
  const ready = async (who, fid) => {
    for (let i = 0; i < 400; i++) {
      const m = await get(who, fid);
      assert.equal(m.status, 200, show(m));
      if (m.json.status !== 'processing') return m.json;
      await sleep(50);
    }
    throw new Error(`file ${fid} still processing`);
  };
  return { srv, owner, eid, wang, zhao, apps, outsider, F, upload, get, ready };
}

/** Every blob file on disk of an enterprise: [name, bytes]. */
function blobs(srv, eid) {
  const dir = path.join(srv.dataDir, 'blobs', String(eid));
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]);
}

/** A JPEG without APP1 (EXIF, XMP) and without any trace of the upload's metadata. */
function assertCleanJpeg(bytes) {
  const { segments, width, height } = jpegSegments(bytes);
  for (const s of segments) assert.notEqual(s.marker, 0xe1, 'no APP1 segment (EXIF, XMP)');
  for (const trace of ['Exif', EXIF_MAKE]) assert.ok(!bytes.includes(Buffer.from(trace, 'latin1')), `no '${trace}'`);
  return { width, height };
}

test('each kind uploads, judged by its bytes: images, files and voice', async (t) => {
  const { srv, eid, wang, zhao, upload, get, ready } = await setup(t);

  // A PNG named x.pdf, sent as application/pdf, is an image.
  let r = await upload(wang, 'image', png({ width: 40, height: 20 }), { name: 'x.pdf', type: 'application/pdf' });
  assert.equal(r.status, 201, show(r));
  assert.match(r.json.file_id, ID);
  assert.deepEqual({ kind: r.json.kind, type: r.json.type, mime: r.json.mime, name: r.json.name, width: r.json.width, height: r.json.height },
    { kind: 'image', type: 'png', mime: 'image/png', name: 'x.pdf', width: 40, height: 20 });
  assert.ok(['processing', 'ready'].includes(r.json.status));
  const meta = await ready(wang, r.json.file_id);
  assert.equal(meta.status, 'ready');
  assert.equal(meta.thumbnail, true);
  let c = await get(wang, r.json.file_id, '/content');
  assert.equal(c.status, 200, show(c));
  assert.equal(c.headers['content-type'], 'image/png');
  assert.equal(c.headers['x-content-type-options'], 'nosniff');
  assert.match(c.headers['content-disposition'], /^inline; filename="x.pdf"; filename\*=UTF-8''x\.pdf$/);
  assert.ok(c.raw.subarray(0, 8).equals(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1')));
  assert.equal(c.raw.length, meta.size);

  // A GIF, and an image without a name gets one.
  r = await upload(wang, 'image', GIF);
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.name, 'image.gif');
  assert.equal((await ready(wang, r.json.file_id)).mime, 'image/gif');

  // A text file: ready at once, saved (not shown) under its Chinese name.
  const text = Buffer.from('会议纪要\nall good\n', 'utf8');
  r = await upload(wang, 'file', text, { name: '纪要 2024.txt', type: 'image/png' });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual({ kind: r.json.kind, type: r.json.type, mime: r.json.mime, status: r.json.status, size: r.json.size },
    { kind: 'file', type: 'text', mime: 'text/plain; charset=utf-8', status: 'ready', size: text.length });
  c = await get(wang, r.json.file_id, '/content');
  assert.equal(c.status, 200, show(c));
  assert.ok(c.raw.equals(text));
  assert.equal(c.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(c.headers['content-disposition'], `attachment; filename="______ 2024.txt"; filename*=UTF-8''${encodeURIComponent('纪要 2024.txt')}`);
  assertProblem(await get(wang, r.json.file_id, '/thumbnail'), 404, 'file_not_found');

  // A PDF, and a file larger than one sealed chunk comes back whole.
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.alloc(200_000, 0x41), Buffer.from('\n%%EOF\n', 'latin1')]);
  r = await upload(wang, 'file', pdf, { name: 'big.pdf' });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.mime, 'application/pdf');
  c = await get(wang, r.json.file_id, '/content');
  assert.ok(c.raw.equals(pdf), 'the content decrypted chunk by chunk is the upload');

  // Voice: its length is kept.
  r = await upload(wang, 'voice', AMR, { duration: 3200 });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual({ type: r.json.type, mime: r.json.mime, duration_ms: r.json.duration_ms, status: r.json.status, name: r.json.name },
    { type: 'amr', mime: 'audio/amr', duration_ms: 3200, status: 'ready', name: 'voice.amr' });
  assert.equal((await get(wang, r.json.file_id)).json.duration_ms, 3200);
  assertProblem(await upload(wang, 'voice', AMR), 400, 'missing_field', { field: 'duration_ms' });
  for (const d of [0, 300001, 'x']) assertProblem(await upload(wang, 'voice', AMR, { duration: d }), 400, 'invalid_value', { field: 'duration_ms' });
  assertProblem(await upload(wang, 'image', GIF, { duration: 5 }), 400, 'invalid_value', { field: 'duration_ms' });

  // Refused by content, whatever the name and type say.
  assertProblem(await upload(wang, 'file', ELF, { name: 'report.pdf', type: 'application/pdf' }), 415, 'file_type_not_allowed', { file_type: null, kind: 'file' });
  const script = await upload(wang, 'file', Buffer.from('#!/bin/sh\nrm -rf ~\n'), { name: 'notes.txt', type: 'text/plain' });
  assertProblem(script, 415, 'file_type_not_allowed', { file_type: null });
  assert.match(script.json.detail, /script/);
  assertProblem(await upload(wang, 'file', Buffer.from('MZ\x90\0', 'latin1'), { name: 'a.txt' }), 415, 'file_type_not_allowed');
  assertProblem(await upload(wang, 'image', pdf), 415, 'file_type_not_allowed', { file_type: 'pdf', kind: 'image' });
  assertProblem(await upload(wang, 'voice', GIF, { duration: 1000 }), 415, 'file_type_not_allowed', { file_type: 'gif', kind: 'voice' });
  assertProblem(await upload(wang, 'file', Buffer.from([0, 1, 2, 3, 4, 5]), { name: 'x.bin' }), 415, 'file_type_not_allowed');
  // A header that promises an image it does not hold, or a far too large one.
  assertProblem(await upload(wang, 'image', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0])), 422, 'file_unreadable');
  assertProblem(await upload(wang, 'image', png({ width: 4, height: 4, claim: [20000, 20000] })), 422, 'file_unreadable');

  // Bad queries change nothing.
  assertProblem(await upload(wang, 'file', text), 400, 'missing_field', { field: 'name' });
  assertProblem(await upload(wang, 'movie', text, { name: 'a' }), 400, 'invalid_value', { field: 'kind' });
  for (const name of ['../etc/passwd', 'a\\b', ' lead', 'x'.repeat(256), 'a\u0001b']) {
    assertProblem(await upload(wang, 'file', text, { name }), 400, 'invalid_value', { field: 'name' });
  }
  assertProblem(await upload(wang, 'file', Buffer.alloc(0), { name: 'empty.txt' }), 400, 'empty_upload');
  const count = Number(sql(srv, `SELECT count(*) FROM files WHERE enterprise_id = ${eid}`)[0]);
  assert.equal(count, 5, 'only the accepted uploads were recorded');

  // A colleague who sees no message carrying the files gets what a file that does not exist gets.
  const mine = sql(srv, `SELECT id FROM files WHERE enterprise_id = ${eid}`);
  for (const fid of mine) {
    for (const what of ['', '/content', '/thumbnail']) {
      const p = assertProblem(await get(zhao, fid, what), 404, 'file_not_found');
      assert.equal(p.detail, (await get(zhao, '123456789', what)).json.detail.replace('123456789', fid));
    }
  }
});

test('an image with EXIF GPS is fetched by nobody until stripped; then it and its thumbnail are clean', async (t) => {
  const { srv, eid, wang, zhao, upload, get, ready } = await setup(t);
  // Large in pixels (16 Mpx), small in bytes (64 KiB): its processing takes long enough (about
  // 150 ms here) to be seen from the next request.
  const photo = grayJpeg({ width: 4096, height: 4096, exif: true });
  assert.ok(photo.includes(Buffer.from(EXIF_MAKE)));
  const r = await upload(wang, 'image', photo, { name: 'IMG_0001.jpg', type: 'image/jpeg' });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.status, 'processing');
  const fid = r.json.file_id;
  // Not even its uploader: nobody before the metadata is gone.
  assertProblem(await get(wang, fid, '/content'), 409, 'file_processing');
  assertProblem(await get(wang, fid, '/thumbnail'), 409, 'file_processing');
  assertProblem(await get(zhao, fid, '/content'), 404, 'file_not_found');

  const meta = await ready(wang, fid);
  assert.deepEqual({ status: meta.status, width: meta.width, height: meta.height, mime: meta.mime, thumbnail: meta.thumbnail },
    { status: 'ready', width: 4096, height: 4096, mime: 'image/jpeg', thumbnail: true });
  const c = await get(wang, fid, '/content');
  assert.equal(c.status, 200, show(c));
  assert.equal(c.raw.length, meta.size);
  assert.deepEqual(assertCleanJpeg(c.raw), { width: 4096, height: 4096 });
  const th = await get(wang, fid, '/thumbnail');
  assert.equal(th.status, 200, show(th));
  assert.equal(th.headers['content-type'], 'image/jpeg');
  assert.deepEqual(assertCleanJpeg(th.raw), { width: 320, height: 320 });

  // On disk: the upload as sent is gone; two blobs remain, neither readable as a JPEG.
  const onDisk = blobs(srv, eid);
  assert.equal(onDisk.length, 2, `blobs: ${onDisk.map(([n]) => n)}`);
  const row = sql(srv, `SELECT blob_id || ' ' || thumb_blob_id FROM files WHERE id = ${fid}`)[0].split(' ');
  assert.deepEqual(onDisk.map(([n]) => n).sort(), row.sort());
  for (const [, bytes] of onDisk) {
    assert.ok(!bytes.includes(Buffer.from([0xff, 0xd8, 0xff])), 'no JPEG in clear');
    assert.ok(!bytes.includes(Buffer.from(EXIF_MAKE)));
  }
});

test('the blob store holds no plaintext, and a swapped blob is refused, not served', async (t) => {
  const { srv, eid, wang, upload, get } = await setup(t);
  const marker = `MARKER-${randomUUID()}`;
  const a = await upload(wang, 'file', Buffer.from(`top secret ${marker}\n`.repeat(50)), { name: 'a.txt' });
  const b = await upload(wang, 'file', Buffer.from(`other ${'x'.repeat(marker.length + 5)}\n`.repeat(50)), { name: 'b.txt' });
  assert.equal(a.status, 201, show(a));
  assert.equal(b.status, 201, show(b));
  const files = blobs(srv, eid);
  assert.equal(files.length, 2);
  for (const [, bytes] of files) {
    assert.ok(!bytes.includes(Buffer.from(marker)), 'the marker is not on disk in clear');
    assert.ok(!bytes.includes(Buffer.from('top secret')));
  }
  // The database names the file, never holds its content.
  assert.ok(!fs.readFileSync(path.join(srv.dataDir, 'atrium.db')).includes(Buffer.from(marker)));
  // Same size, other blob: opened under b's id it fails to authenticate.
  const [ba] = sql(srv, `SELECT blob_id FROM files WHERE id = ${a.json.file_id}`);
  const [bb] = sql(srv, `SELECT blob_id FROM files WHERE id = ${b.json.file_id}`);
  const dir = path.join(srv.dataDir, 'blobs', String(eid));
  assert.equal(fs.statSync(path.join(dir, ba)).size, fs.statSync(path.join(dir, bb)).size);
  fs.copyFileSync(path.join(dir, ba), path.join(dir, bb));
  assertProblem(await get(wang, b.json.file_id, '/content'), 500, 'internal_error');
  const ok = await get(wang, a.json.file_id, '/content');
  assert.ok(ok.raw.toString().includes(marker));
});

test('an acknowledged upload survives kill -9', async (t) => {
  const { srv, wang, upload, get } = await setup(t);
  const body = Buffer.from('durable\n'.repeat(1000));
  const r = await upload(wang, 'file', body, { name: 'd.txt' });
  assert.equal(r.status, 201, show(r));
  await srv.kill9();
  await srv.start();
  const c = await get(wang, r.json.file_id, '/content');
  assert.equal(c.status, 200, show(c));
  assert.ok(c.raw.equals(body));
});

test('a voice recording needs the microphone consent of its device; everything else goes on without it', async (t) => {
  const { srv, eid, wang, zhao, upload } = await setup(t);
  assertProblem(await upload(zhao, 'voice', AMR, { duration: 3200 }), 403, 'consent_required', { purpose: 'microphone' });
  assert.equal((await upload(zhao, 'file', Buffer.from('纪要\n'), { name: 'a.txt' })).status, 201, 'files still go');
  // Granted, then the phone reports its microphone off: refused again; back on: taken.
  let r = await srv.req('POST', '/api/v1/me/consents', { token: zhao.token, body: { purpose: 'microphone', granted: true, device_id: zhao.device.id } });
  assert.equal(r.status, 201, show(r));
  assert.equal((await upload(zhao, 'voice', AMR, { duration: 3200 })).status, 201);
  const perm = (on) => srv.req('PUT', `/api/v1/me/devices/${encodeURIComponent(wang.device.id)}/permissions`, { token: wang.token,
    body: { microphone: on } });
  r = await perm(false);
  assert.equal(r.status, 200, show(r));
  assertProblem(await upload(wang, 'voice', AMR, { duration: 3200 }), 403, 'consent_required', { purpose: 'microphone' });
  assert.equal((await perm(true)).status, 200);
  assert.equal((await upload(wang, 'voice', AMR, { duration: 3200 })).status, 201);
  assert.equal(sql(srv, `SELECT count(*) FROM files WHERE enterprise_id = ${eid} AND kind = 'voice'`)[0], '2', 'nothing kept of the refused ones');
});

test('limits per kind, from the configuration and from the enterprise\'s settings', async (t) => {
  const { srv, eid, owner, wang, apps, outsider, upload } = await setup(t, ['--file-voice-max', '1000', '--max-upload', '300000']);
  const S = `${E}/${eid}/file-settings`;
  const big = Buffer.concat([AMR, Buffer.alloc(1000)]);
  assertProblem(await upload(wang, 'voice', big, { duration: 1000 }), 413, 'body_too_large', { kind: 'voice', max_bytes: 1000 });

  let r = await srv.req('GET', S, { token: apps.token });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.max_upload, 300000);
  assert.deepEqual(r.json.voice, { max_bytes: 1000, types: ['aac', 'amr', 'opus', 'mp3', 'm4a'], available_types: ['aac', 'amr', 'opus', 'mp3', 'm4a'] });
  assert.deepEqual(r.json.image.types, ['jpeg', 'png', 'gif', 'webp']);
  assert.equal(r.json.image.max_bytes, 300000, 'file-image-max (20 MiB) is capped at max-upload');
  assert.ok(r.json.file.types.includes('pdf') && r.json.file.types.includes('text') && r.json.file.types.includes('docx'));
  assertProblem(await srv.req('GET', S, { token: wang.token }), 403, 'forbidden', { right: 'apps' });
  assertProblem(await srv.req('GET', S, { token: outsider.token }), 404, 'not_found');

  r = await srv.req('PUT', S, { token: apps.token, body: { image: { max_bytes: 500 }, file: { types: ['pdf', 'png'] } } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.image.max_bytes, 500);
  assert.deepEqual(r.json.file.types, ['png', 'pdf']);
  assert.deepEqual(r.json.image.types, ['jpeg', 'png', 'gif', 'webp']);
  assert.deepEqual((await srv.req('GET', S, { token: owner.token })).json.file.types, ['png', 'pdf']);
  const audit = sql(srv, "SELECT detail FROM audit_log WHERE action = 'enterprise.file_settings_set'");
  assert.deepEqual(audit, ['{"kinds":["image","file"]}']);

  assertProblem(await upload(wang, 'image', png({ width: 64, height: 64, text: 'x'.repeat(600) })), 413, 'body_too_large', { kind: 'image', max_bytes: 500 });
  assert.equal((await upload(wang, 'image', GIF)).status, 201);
  const refused = await upload(wang, 'file', Buffer.from('plain words\n'), { name: 'a.txt' });
  assertProblem(refused, 415, 'file_type_not_allowed', { file_type: 'text', kind: 'file' });
  assert.match(refused.json.detail, /does not accept 'text'/);
  assert.equal((await upload(wang, 'file', Buffer.from('%PDF-1.4\n%%EOF\n'), { name: 'a.pdf' })).status, 201);

  for (const body of [
    { image: { max_bytes: 0 } }, { image: { max_bytes: 300001 } }, { image: { types: [] } }, { image: { types: ['pdf'] } },
    { voice: { types: ['amr', 'amr'] } }, { file: { types: ['exe'] } }, { file: { types: [7] } },
  ]) {
    assertProblem(await srv.req('PUT', S, { token: apps.token, body }), 400, 'invalid_value');
  }
  assertProblem(await srv.req('PUT', S, { token: apps.token, body: { video: {} } }), 400, 'unknown_field');
  assertProblem(await srv.req('PUT', S, { token: apps.token, body: { image: { colour: 1 } } }), 400, 'unknown_field');
  assertProblem(await srv.req('PUT', S, { token: wang.token, body: { image: { max_bytes: 1 } } }), 403, 'forbidden');
  assert.equal((await srv.req('GET', S, { token: apps.token })).json.image.max_bytes, 500, 'nothing changed');
});

test('uploads never sent go after a day with their blobs; orphan blobs and folders go too', async (t) => {
  const { srv, eid, wang, upload, get, outsider } = await setup(t);
  const old = await upload(wang, 'file', Buffer.from('old draft\n'), { name: 'old.txt' });
  const fresh = await upload(wang, 'file', Buffer.from('fresh draft\n'), { name: 'fresh.txt' });
  assert.equal(old.status, 201, show(old));
  const [oldBlob] = sql(srv, `SELECT blob_id FROM files WHERE id = ${old.json.file_id}`);
  sql(srv, `UPDATE files SET created_at = created_at - 86400001 WHERE id = ${old.json.file_id}`);
  // What a crash can leave: a blob whose row never committed (two hours old by its id), a
  // temporary file, and the folder of an enterprise since deleted.
  const dir = path.join(srv.dataDir, 'blobs', String(eid));
  const twoHoursAgo = (BigInt(Date.now() - 2 * 3600 * 1000) - 1704067200000n) << 22n;
  fs.writeFileSync(path.join(dir, String(twoHoursAgo)), 'stray');
  fs.writeFileSync(path.join(dir, `${twoHoursAgo + 1n}.tmp`), 'half written');
  const young = (BigInt(Date.now()) - 1704067200000n) << 22n;
  fs.writeFileSync(path.join(dir, String(young)), 'being written');
  const gone = path.join(srv.dataDir, 'blobs', '4242424242');
  fs.mkdirSync(gone);
  fs.writeFileSync(path.join(gone, String(twoHoursAgo)), 'left behind');

  const out = await runAtrium(['admin', 'files', 'sweep', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /files: 1 unsent expired, 1 removed, 3 orphan blobs removed/);
  assertProblem(await get(wang, old.json.file_id), 404, 'file_not_found');
  assert.deepEqual(sql(srv, `SELECT count(*) FROM files WHERE id = ${old.json.file_id}`), ['0']);
  assert.ok(!fs.existsSync(path.join(dir, oldBlob)), 'the blob is gone from disk');
  assert.ok(!fs.existsSync(gone), 'a deleted enterprise\'s folder is gone');
  assert.deepEqual(fs.readdirSync(dir).sort(), [sql(srv, `SELECT blob_id FROM files WHERE id = ${fresh.json.file_id}`)[0], String(young)].sort());
  assert.equal((await get(wang, fresh.json.file_id, '/content')).status, 200);
  assert.deepEqual(sql(srv, "SELECT detail FROM audit_log WHERE action = 'retention.sweep' AND object = 'table:files'"), ['{"removed":1}']);
  assertProblem(await upload(outsider, 'file', Buffer.from('x\n'), { name: 'x.txt', eidOver: eid }), 404, 'not_found');
});
