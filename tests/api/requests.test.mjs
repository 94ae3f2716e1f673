// Rights requests that come by e-mail, phone, post or in person (PP-39 … PP-42), recorded and
// answered with `atrium admin requests …`, and the retention rules run by `atrium admin retention
// run` (PP-33). The commands work beside a running server and with it stopped.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import { runAtrium, sleep, startServer, tempDir } from './lib/server.mjs';

const DAY = 24 * 3600 * 1000;
const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

function admin(srv, ...words) {
  return runAtrium(['admin', ...words, '--data', srv.dataDir]);
}

async function ok(srv, ...words) {
  const out = await admin(srv, ...words);
  assert.equal(out.code, 0, `atrium admin ${words.join(' ')}: exit ${out.code}; stderr: ${out.stderr}`);
  return out;
}

async function add(srv, ...words) {
  const out = await ok(srv, 'requests', 'add', ...words);
  assert.match(out.stdout, /^\d+\n$/, `add prints the new id alone: ${out.stdout}`);
  return out.stdout.trim();
}

/** The line of `requests list` about request id, or undefined. */
function lineOf(list, id) {
  return list.stdout.split('\n').find((l) => l.startsWith(`${id} `));
}

test('a request by e-mail: recorded, verified (due 15 days later), answered; refusals name a ground', async (t) => {
  const srv = await startServer(t);

  const id = await add(srv, 'type=deletion', 'channel=email', 'requester=Li Lei <li@example.cn>');
  let list = await ok(srv, 'requests', 'list');
  let line = lineOf(list, id);
  assert.ok(line, `list shows the new request: ${list.stdout}`);
  assert.match(line, /unverified/);
  assert.match(line, /due -/, 'no due date before the identity is verified');
  assert.match(line, /Li Lei <li@example\.cn>/);

  const before = Date.now();
  const verified = await ok(srv, 'requests', 'verify', id);
  const after = Date.now();
  const due = Date.parse(verified.stdout.match(RFC3339)[0]);
  assert.ok(due >= before + 15 * DAY - 1000 && due <= after + 15 * DAY + 1000,
    `due 15 days after verification: ${verified.stdout}`);

  list = await ok(srv, 'requests', 'list');
  line = lineOf(list, id);
  assert.match(line, /verified/);
  const listed = Date.parse(line.match(new RegExp(`due (${RFC3339.source})`))[1]);
  assert.equal(listed, due, `list shows the due date: ${line}`);
  assert.doesNotMatch(line, /OVERDUE/);

  await ok(srv, 'requests', 'answer', id, 'text=Your account and its data were deleted.');
  list = await ok(srv, 'requests', 'list');
  assert.equal(lineOf(list, id), undefined, `an answered request is no longer open: ${list.stdout}`);
  const shown = await ok(srv, 'requests', 'show', id);
  assert.match(shown.stdout, /status: answered/);

  // A refusal without a ground, or with one the policy does not name, is refused itself.
  const other = await add(srv, 'type=access', 'channel=post', 'requester=Han Meimei, Beijing');
  await ok(srv, 'requests', 'verify', other);
  for (const words of [[], ['ground='], ['ground=because'], ['text=no']]) {
    const out = await admin(srv, 'requests', 'refuse', other, ...words);
    assert.notEqual(out.code, 0, `refuse ${words.join(' ')} must fail: ${out.stdout}`);
    assert.match(out.stderr, /ground/, `the message is about the ground: ${out.stderr}`);
  }
  assert.match((await ok(srv, 'requests', 'show', other)).stdout, /status: open/);
  const refused = await ok(srv, 'requests', 'refuse', other, 'ground=national_security', 'text=See the ground.');
  assert.match(refused.stdout, /national_security/);
  assert.match(refused.stdout, /与国家安全、国防安全有关的/, 'the ground is named in Chinese');
  assert.match(refused.stdout, /national security/, 'and in English');
  assert.match((await ok(srv, 'requests', 'show', other)).stdout, /status: refused/);

  // The grounds are listed for the operator: the five of PP-42 and the four of PP-41.
  const grounds = await ok(srv, 'requests', 'grounds');
  assert.equal((grounds.stdout.match(/PP-42/g) || []).length, 5);
  assert.equal((grounds.stdout.match(/PP-41/g) || []).length, 4);

  // Every change went into the audit chain, which still holds.
  const audit = await ok(srv, 'audit', 'verify');
  assert.match(audit.stdout, /intact/);
});

test('requests due: 0 when nothing is overdue, 3 naming the overdue ones; warned at server start', async (t) => {
  const srv = await startServer(t);
  const fresh = await add(srv, 'type=access', 'channel=phone', 'requester=Zhao Liu 13800138000');
  await ok(srv, 'requests', 'verify', fresh);
  let due = await admin(srv, 'requests', 'due');
  assert.equal(due.code, 0, `nothing overdue: exit 0; ${due.stdout} ${due.stderr}`);

  // Received 40 days ago, identity verified 30 days ago: 15 days late.
  const received = new Date(Date.now() - 40 * DAY).toISOString();
  const verifiedAt = new Date(Date.now() - 30 * DAY).toISOString();
  const late = await add(srv, 'type=correction', 'channel=in_person', 'requester=Wang Wu', `received=${received}`);
  await ok(srv, 'requests', 'verify', late, `at=${verifiedAt}`);
  due = await admin(srv, 'requests', 'due');
  assert.equal(due.code, 3, `overdue: exit 3; ${due.stdout} ${due.stderr}`);
  assert.match(due.stdout, new RegExp(`OVERDUE +${late} `), `names the overdue request: ${due.stdout}`);
  assert.doesNotMatch(due.stdout, new RegExp(fresh), 'a request due in 15 days is not listed');
  assert.doesNotMatch(due.stdout, /Wang Wu/, 'no personal data in what monitoring mails around');
  const list = await ok(srv, 'requests', 'list');
  assert.match(lineOf(list, late), /OVERDUE/);

  // The same commands with the server stopped; then the server warns at start.
  await srv.stop();
  due = await admin(srv, 'requests', 'due');
  assert.equal(due.code, 3, due.stderr);
  await srv.start();
  const deadline = Date.now() + 10_000;
  while (!/WARNING: \d+ rights request\(s\) overdue/.test(srv.stderr) && Date.now() < deadline) await sleep(50);
  assert.match(srv.stderr, new RegExp(`atrium: WARNING: 1 rights request\\(s\\) overdue: ids ${late}`));

  // Answered, it is overdue no more.
  await ok(srv, 'requests', 'answer', late, 'text=Corrected.');
  due = await admin(srv, 'requests', 'due');
  assert.equal(due.code, 0, due.stdout);
});

test('repeat requests are flagged, and the repeat ground holds only for them', async (t) => {
  const srv = await startServer(t);
  const first = await add(srv, 'type=access', 'channel=email', 'requester=Li Lei <li@example.cn>');
  const again = await admin(srv, 'requests', 'add', 'type=access', 'channel=phone', 'requester=li lei <LI@example.cn>');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`repeat of request ${first}`));
  const second = again.stdout.trim();
  assert.match(lineOf(await ok(srv, 'requests', 'list'), second), new RegExp(`REPEAT of ${first}`));
  await ok(srv, 'requests', 'verify', first);
  await ok(srv, 'requests', 'verify', second);
  const notRepeat = await admin(srv, 'requests', 'refuse', first, 'ground=repeated');
  assert.notEqual(notRepeat.code, 0, 'the first request is no repeat');
  await ok(srv, 'requests', 'refuse', second, 'ground=repeated');
});

test('retention run prints what each rule removed, with the server running or not', async (t) => {
  const srv = await startServer(t);
  await srv.signUp();
  let out = await ok(srv, 'retention', 'run');
  for (const table of ['verification_codes', 'sessions', 'notifications', 'rights_requests']) {
    assert.match(out.stdout, new RegExp(`^${table}: \\d+ removed$`, 'm'), `a line for ${table}: ${out.stdout}`);
  }
  // Nothing here is old enough: a fresh code, a live session.
  assert.match(out.stdout, /^verification_codes: 0 removed$/m);
  assert.match(out.stdout, /^sessions: 0 removed$/m);
  await srv.stop();
  out = await ok(srv, 'retention', 'run');
  assert.match(out.stdout, /^sessions: 0 removed$/m);
});

test('misuse changes nothing: unknown words, bad ids, a due-days option past the promise', async (t) => {
  const srv = await startServer(t);
  for (const words of [
    ['requests'],
    ['requests', 'add', 'type=access', 'channel=email', 'requester=X', 'colour=red'],
    ['requests', 'add', 'type=access', 'channel=email', 'requester=X', 'received=yesterday'],
    ['requests', 'verify', 'not-an-id'],
    ['requests', 'verify', '1', 'result=maybe'],
    ['retention'],
  ]) {
    const out = await admin(srv, ...words);
    assert.equal(out.code, 2, `${words.join(' ')}: exit 2; ${out.stderr}`);
  }
  const badType = await admin(srv, 'requests', 'add', 'type=gossip', 'channel=email', 'requester=X');
  assert.equal(badType.code, 1);
  assert.match(badType.stderr, /gossip/);
  const unknown = await admin(srv, 'requests', 'answer', '12345', 'text=x');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no rights request '12345'/);
  assert.match((await ok(srv, 'requests', 'list')).stdout, /^0 open request\(s\), 0 overdue$/m);

  const tooLong = await runAtrium(['admin', 'requests', 'list', '--data', srv.dataDir, '--request-due-days', '16']);
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /request-due-days/);
  const dir = await tempDir();
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const serve = await runAtrium(['serve', '--data', dir, '--listen', '127.0.0.1:0', '--request-due-days', '30'],
    { timeout: 10_000 });
  assert.notEqual(serve.code, 0, 'the server will not promise more than 15 days');
  assert.match(serve.stderr, /PP-40/);
});
