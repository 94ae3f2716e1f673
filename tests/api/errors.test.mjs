// Malformed input of every kind: each reply is problem+json with its stable code and a request
// id, and each leaves no trace (no SMS sent, no account made, code still usable).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertProblem, assertStatus, device, e164, nextPhone, show, startServer,
} from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

const CODES = '/api/v1/auth/sms-codes';
const JSON_CT = { 'Content-Type': 'application/json' };

/** Sends a bad code request and checks no SMS went out because of it. */
async function refusedCodeRequest(opts, status, code, extra) {
  const before = srv.readOutbox('sms').length;
  const res = await srv.req('POST', CODES, opts);
  const body = assertProblem(res, status, code, extra);
  assert.equal(srv.readOutbox('sms').length, before, `no SMS sent: ${show(res)}`);
  return body;
}

/** A register request that fails must leave the code usable and the account absent. */
async function refusedRegister(mutate, status, code, extra) {
  const phone = nextPhone();
  const sms = await srv.requestCode(phone, 'register');
  const good = { phone, code: sms, name: 'Li Lei', policy_version: await srv.policyVersion(), device: device() };
  const opts = mutate(structuredClone(good));
  const res = await srv.req('POST', '/api/v1/auth/register', opts);
  assertProblem(res, status, code, extra);
  const ok = await srv.req('POST', '/api/v1/auth/register', { body: good });
  assert.equal(ok.status, 201, `then the same code still registers (no account was made, code not used): ${show(ok)}`);
}

test('malformed JSON is malformed_json', async () => {
  await refusedCodeRequest({ body: '{"phone": "1380013', headers: JSON_CT }, 400, 'malformed_json');
  await refusedCodeRequest({ body: '{"phone":"13800138000","purpose":"register"} trailing', headers: JSON_CT }, 400, 'malformed_json');
  await refusedRegister(() => ({ body: '{"phone":', headers: JSON_CT }), 400, 'malformed_json');
});

test('a field of the wrong type is invalid_type naming the field', async () => {
  await refusedCodeRequest({ body: { phone: 13800138000, purpose: 'register' } }, 400, 'invalid_type', { field: 'phone' });
  await refusedCodeRequest({ body: { phone: 123, purpose: 'register' } }, 400, 'invalid_type', { field: 'phone' });
  await refusedCodeRequest({ body: { phone: nextPhone(), purpose: ['register'] } }, 400, 'invalid_type', { field: 'purpose' });
  await refusedRegister((b) => ({ body: { ...b, name: 7 } }), 400, 'invalid_type', { field: 'name' });
  await refusedRegister((b) => ({ body: { ...b, cookie: 'yes' } }), 400, 'invalid_type', { field: 'cookie' });
});

test('a missing field is missing_field naming the field', async () => {
  await refusedCodeRequest({ body: { purpose: 'register' } }, 400, 'missing_field', { field: 'phone' });
  await refusedCodeRequest({ body: { phone: nextPhone() } }, 400, 'missing_field', { field: 'purpose' });
  await refusedRegister((b) => { delete b.code; return { body: b }; }, 400, 'missing_field', { field: 'code' });
  await refusedRegister((b) => { delete b.name; return { body: b }; }, 400, 'missing_field', { field: 'name' });
  await refusedRegister((b) => { delete b.device; return { body: b }; }, 400, 'missing_field', { field: 'device' });
});

test('a missing device id is missing_field', async () => {
  const phone = nextPhone();
  const sms = await srv.requestCode(phone, 'register');
  const dev = device();
  delete dev.id;
  const res = await srv.req('POST', '/api/v1/auth/register', {
    body: { phone, code: sms, name: 'Li Lei', policy_version: await srv.policyVersion(), device: dev },
  });
  const body = assertProblem(res, 400, 'missing_field');
  assert.match(String(body.field), /(^|\.)id$/, `field names the device id: ${show(res)}`);
});

test('an unknown field is unknown_field naming the field', async () => {
  await refusedCodeRequest({ body: { phone: nextPhone(), purpose: 'register', channel: 'sms' } }, 400, 'unknown_field', { field: 'channel' });
  await refusedRegister((b) => ({ body: { ...b, admin: true } }), 400, 'unknown_field', { field: 'admin' });
});

test('an out-of-range value is invalid_value naming the field', async () => {
  await refusedCodeRequest({ body: { phone: nextPhone(), purpose: 'reset' } }, 400, 'invalid_value', { field: 'purpose' });
  await refusedRegister((b) => ({ body: { ...b, name: '' } }), 400, 'invalid_value', { field: 'name' });
  await refusedRegister((b) => ({ body: { ...b, name: 'x'.repeat(65) } }), 400, 'invalid_value', { field: 'name' });
});

test('a body that is not application/json is unsupported_media_type', async () => {
  const body = JSON.stringify({ phone: nextPhone(), purpose: 'register' });
  await refusedCodeRequest({ body, headers: { 'Content-Type': 'text/plain' } }, 415, 'unsupported_media_type');
  await refusedCodeRequest({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type');
  await refusedCodeRequest({ body }, 415, 'unsupported_media_type'); // no Content-Type at all
  await refusedRegister((b) => ({ body: JSON.stringify(b), headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
});

test('application/json with a charset parameter is accepted', async () => {
  const phone = nextPhone();
  const res = await srv.req('POST', CODES, {
    body: JSON.stringify({ phone, purpose: 'register' }),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  assertStatus(res, 202);
  assert.equal(srv.codeLines(e164(phone)).length, 1);
});

test('an unknown route is not_found', async () => {
  assertProblem(await srv.req('GET', '/api/v1/no-such-route'), 404, 'not_found');
  const sent = srv.readOutbox('sms').length;
  assertProblem(await srv.req('POST', '/api/v1/auth/sms-codes/extra', { body: { phone: nextPhone(), purpose: 'register' } }), 404, 'not_found');
  assert.equal(srv.readOutbox('sms').length, sent, 'no SMS sent');
  assertProblem(await srv.req('GET', '/api/v2/health'), 404, 'not_found');
});

test('a known route with the wrong method is method_not_allowed with Allow', async () => {
  const cases = [
    ['DELETE', '/api/v1/health', ['GET']],
    ['GET', CODES, ['POST']],
    ['PUT', '/api/v1/me', ['GET', 'PATCH']],
    ['POST', '/api/v1/me/sessions', ['GET']],
  ];
  const sent = srv.readOutbox('sms').length;
  for (const [method, path, allowed] of cases) {
    const res = await srv.req(method, path);
    assertProblem(res, 405, 'method_not_allowed');
    const allow = (res.headers.allow || '').split(',').map((m) => m.trim()).filter(Boolean);
    for (const m of allowed) assert.ok(allow.includes(m), `Allow lists ${m}: ${method} ${path} → Allow: ${res.headers.allow}`);
    assert.ok(!allow.includes(method), `Allow does not list ${method}: ${res.headers.allow}`);
    assert.equal(res.json.allow, undefined, 'allow is a header, not a body field');
  }
  assert.equal(srv.readOutbox('sms').length, sent, 'GET on the code route sent nothing');
});

test('an invalid phone number is invalid_phone quoting it', async () => {
  for (const phone of ['12345', '+86 123', 'abc', '23800138000', '1380013800', '138001380001', '']) {
    await refusedCodeRequest({ body: { phone, purpose: 'register' } }, 400, 'invalid_phone', { phone });
  }
  await refusedRegister((b) => ({ body: { ...b, phone: '+86 123' } }), 400, 'invalid_phone', { phone: '+86 123' });
});

test('a number of another country needs its + prefix and reaches the code as E.164', async () => {
  // Foreign staff keep their own numbers; China is only the default region of numbers without '+'.
  const res = await srv.req('POST', CODES, { body: { phone: '+1 (415) 555-0100', purpose: 'register' } });
  assertStatus(res, 202);
  const lines = srv.codeLines('+14155550100');
  assert.equal(lines.length, 1, 'one code line to +14155550100');
  // without its prefix the same digits are not a Chinese mobile
  await refusedCodeRequest({ body: { phone: '415 555 0100', purpose: 'register' } }, 400, 'invalid_phone', { phone: '415 555 0100' });
});

test('each accepted way of writing a number reaches the same E.164 number', async () => {
  const forms = [
    (n) => n,
    (n) => `+86${n}`,
    (n) => `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    (n) => `86-${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
  ];
  for (const form of forms) {
    const n = nextPhone();
    const res = await srv.req('POST', CODES, { body: { phone: form(n), purpose: 'register' } });
    assertStatus(res, 202);
    const lines = srv.codeLines(`+86${n}`);
    assert.equal(lines.length, 1, `${form(n)} → one code line to +86${n}`);
    assert.equal(lines[0].purpose, 'register');
    assert.match(lines[0].code, /^[0-9]{6}$/);
  }
});

test('protected routes without a session are auth_required', async () => {
  for (const [method, path] of [['GET', '/api/v1/me'], ['GET', '/api/v1/me/notifications'], ['POST', '/api/v1/me/email/verify']]) {
    const res = await srv.req(method, path, method === 'POST' ? { body: { code: '123456' } } : {});
    assertProblem(res, 401, 'auth_required');
  }
  assertProblem(await srv.req('PATCH', '/api/v1/me', { body: { name: 'x' } }), 401, 'auth_required');
});

test('a body over --max-body is body_too_large and the server keeps serving', async (t) => {
  const small = await startServer(t, { args: ['--max-body', '1024'] });
  const phone = nextPhone();
  const body = JSON.stringify({ phone, purpose: 'register', pad: 'x'.repeat(4096) });
  assert.ok(body.length > 4096);
  const res = await small.req('POST', CODES, { body, headers: JSON_CT });
  assertProblem(res, 413, 'body_too_large');
  assert.deepEqual(small.readOutbox('sms'), [], 'no SMS sent');
  // a body under the cap still works
  const ok = await small.req('POST', CODES, { body: { phone, purpose: 'register' } });
  assertStatus(ok, 202);
});
