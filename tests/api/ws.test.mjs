// The WebSocket endpoint /api/v1/ws: sign-in by the first frame, ping/pong, typing passed on to
// the other members' devices, slow consumers cut off, sign-out and server stop closing sockets.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import { addMember, assertProblem, createEnterprise, http2Get, sleep, sql, startServer } from './lib/server.mjs';
import { WsClient, wsSignIn } from './lib/ws.mjs';

let srv; // --ws-session-check 1 (sign-out is seen within a second), --code-resend 1 (second devices)
let owner; let bob; let carol; let eid;
let nextCid = 7_000_000_000_000_000;

before(async () => {
  srv = await startServer(null, { args: ['--ws-session-check', '1', '--code-resend', '1'] });
  owner = await srv.signUp({ name: '张三' });
  bob = await srv.signUp({ name: '李四' });
  carol = await srv.signUp({ name: '王五' });
  eid = await createEnterprise(srv, owner);
  await addMember(srv, owner, eid, bob, '李四');
  await addMember(srv, owner, eid, carol, '王五');
});
after(() => srv?.dispose());

/** A group conversation of eid with the given accounts as members, written straight to the
 * database (the IM routes have their own tests); its id. */
function conversation(members) {
  const cid = String(nextCid++);
  const rows = members.map((m) => `(${cid}, ${eid}, ${m.user.id}, 'member', 0)`).join(', ');
  sql(srv, `INSERT INTO conversations (id, enterprise_id, kind, name, max_members, last_at, created_at)
            VALUES (${cid}, ${eid}, 'group', 'test', 2000, 0, 0);
            INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq) VALUES ${rows};`);
  return cid;
}

/** Another session (device) of account, signed in by SMS code. */
async function secondDevice(account) {
  await sleep(1100); // --code-resend 1
  return srv.signIn({ phone: account.phone, wait: false, retry: true });
}

test('the auth frame with a good token gets "ready" with the user and session', async (t) => {
  const ws = await wsSignIn(srv, owner, t);
  assert.deepEqual(ws.ready, { type: 'ready', user_id: owner.user.id, session_id: owner.session.id });
});

test('a wrong token, a first frame that is not auth, or bad JSON first: closed with 4401', async (t) => {
  const cases = [
    { type: 'auth', token: 'A'.repeat(43) },
    { type: 'auth', token: 'not a token' },
    { type: 'auth' },
    { type: 'ping' },
    { type: 'typing', enterprise_id: eid, conversation_id: '1' },
    '{"type":"auth",',
    '[1,2]',
  ];
  for (const frame of cases) {
    const ws = await WsClient.open(srv);
    t.after(() => ws.close());
    ws.send(frame);
    const { code, reason } = await ws.closedWithin(3000);
    assert.equal(code, 4401, `closed with 4401 after ${JSON.stringify(frame)}: ${code} ${reason}`);
    assert.ok(reason.length > 0, 'the close says why');
    assert.equal(ws.frames.length, 0, 'nothing else was sent');
  }
});

test('a session that was signed out cannot open a socket', async (t) => {
  const dan = await srv.signUp({ name: '赵六' });
  const del = await srv.req('DELETE', `/api/v1/me/sessions/${dan.session.id}`, { token: dan.token });
  assert.equal(del.status, 204);
  const ws = await WsClient.open(srv);
  t.after(() => ws.close());
  ws.send({ type: 'auth', token: dan.token });
  assert.equal((await ws.closedWithin(3000)).code, 4401);
});

test('a socket that sends no auth frame within 10 seconds is closed with 4401', async (t) => {
  const ws = await WsClient.open(srv);
  t.after(() => ws.close());
  const t0 = Date.now();
  const { code, reason } = await ws.closedWithin(14_000);
  const ms = Date.now() - t0;
  assert.equal(code, 4401, reason);
  assert.ok(ms >= 9000 && ms < 13_000, `closed after ${ms} ms`);
});

test('ping frames and WebSocket pings are answered; unknown types and bad JSON get errors and keep the socket', async (t) => {
  const ws = await wsSignIn(srv, owner, t);
  ws.send({ type: 'ping' });
  assert.deepEqual(await ws.nextType('pong'), { type: 'pong' });
  const pong = new Promise((resolve) => { ws.ws.once('pong', (d) => resolve(d.toString())); });
  ws.ws.ping('are you there');
  assert.equal(await pong, 'are you there');

  ws.send({ type: 'dance' });
  assert.equal((await ws.nextType('error')).code, 'unknown_type');
  ws.send('{"type":');
  assert.equal((await ws.nextType('error')).code, 'malformed_json');
  ws.send('[1,2]');
  assert.equal((await ws.nextType('error')).code, 'invalid_type');
  ws.send({ type: 'auth', token: owner.token });
  assert.equal((await ws.nextType('error')).code, 'already_authenticated');
  ws.send({ type: 'typing', enterprise_id: 'x', conversation_id: '1' });
  assert.equal((await ws.nextType('error')).code, 'invalid_value');
  ws.send({ type: 'ping' });
  await ws.nextType('pong');
  assert.equal(ws.closeInfo, null, 'still open');
});

test('typing reaches every device of the other members, not the sender nor outsiders', async (t) => {
  const cid = conversation([owner, bob]);
  const owner2 = await secondDevice(owner);
  const [o1, o2, b1, c1] = await Promise.all([
    wsSignIn(srv, owner, t), wsSignIn(srv, owner2, t), wsSignIn(srv, bob, t), wsSignIn(srv, carol, t)]);

  b1.send({ type: 'typing', enterprise_id: eid, conversation_id: cid });
  const want = { type: 'typing', enterprise_id: eid, conversation_id: cid, user_id: bob.user.id };
  assert.deepEqual(await o1.nextType('typing'), want);
  assert.deepEqual(await o2.nextType('typing'), want);
  assert.equal(await b1.receives((f) => f.type === 'typing', 300), false, 'the sender does not get its own typing');
  assert.equal(await c1.receives((f) => f.type === 'typing', 100), false, 'a non-member gets nothing');

  // A member typing on one device: the other members get it, the typist's other device does not.
  o1.send({ type: 'typing', enterprise_id: eid, conversation_id: cid });
  assert.equal((await b1.nextType('typing')).user_id, owner.user.id);
  assert.equal(await o2.receives((f) => f.type === 'typing', 300), false);

  // Carol is in the enterprise but not in the conversation: refused, and nobody hears of it.
  c1.send({ type: 'typing', enterprise_id: eid, conversation_id: cid });
  assert.equal((await c1.nextType('error')).code, 'conversation_not_found');
  // The same conversation named under another enterprise is not found either.
  b1.send({ type: 'typing', enterprise_id: '1', conversation_id: cid });
  assert.equal((await b1.nextType('error')).code, 'conversation_not_found');
  assert.equal(await o1.receives((f) => f.type === 'typing', 300), false);
  // typing is never stored
  assert.deepEqual(sql(srv, `SELECT count(*) FROM messages WHERE conversation_id = ${cid}`), ['0']);
});

test('typing on every key is passed on once in two seconds per conversation', async (t) => {
  const cid = conversation([owner, bob]);
  const [o1, b1] = await Promise.all([wsSignIn(srv, owner, t), wsSignIn(srv, bob, t)]);
  for (let i = 0; i < 10; i++) b1.send({ type: 'typing', enterprise_id: eid, conversation_id: cid });
  await o1.nextType('typing');
  assert.equal(await o1.receives((f) => f.type === 'typing', 500), false, 'the other nine keys are not passed on');
  await sleep(2100);
  b1.send({ type: 'typing', enterprise_id: eid, conversation_id: cid });
  assert.equal((await o1.nextType('typing')).user_id, bob.user.id, 'after two seconds, again');
  // Hopping between conversations: a burst, then one in half a second.
  const many = Array.from({ length: 20 }, () => conversation([owner, bob]));
  await sleep(2100);
  let heard = 0;
  o1.ws.on('message', (data) => { if (JSON.parse(data).type === 'typing') heard += 1; });
  for (const c of many) b1.send({ type: 'typing', enterprise_id: eid, conversation_id: c });
  await sleep(400);
  assert.ok(heard >= 3 && heard <= 5, `a burst of a few passed on, not twenty (${heard})`);
});

test('a frame over 64 KiB closes the socket with 1009', async (t) => {
  const ws = await wsSignIn(srv, owner, t);
  ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70_000) }));
  assert.equal((await ws.closedWithin(3000)).code, 1009);
  // 64 KiB itself is fine
  const ok = await wsSignIn(srv, owner, t);
  const body = JSON.stringify({ type: 'ping', pad: '' });
  ok.send(body.replace('""', `"${'x'.repeat(65_536 - body.length)}"`));
  await ok.nextType('pong');
});

test('a consumer that stops reading is closed with 4408 while another device keeps receiving', async (t) => {
  const cid = conversation([owner, bob]);
  const owner2 = await secondDevice(owner);
  const [slow, fast] = await Promise.all([wsSignIn(srv, owner, t), wsSignIn(srv, owner2, t)]);
  slow.ws._socket.pause(); // reads nothing more: the kernel's buffers fill, then the server's queue
  // Bursts of sends a reader keeps up with: its queue empties between them, the stalled one's
  // only grows past the 4,096 events a socket may fall behind.
  const N = 6000;
  const BURST = 500;
  let got = 0;
  fast.ws.on('message', (data) => { if (JSON.parse(data).type === 'message') got += 1; });
  const send = (i) => srv.req('POST', `/api/v1/enterprises/${eid}/conversations/${cid}/messages`, { token: bob.token,
    body: { client_id: `flood-${i}`, kind: 'text', text: `第 ${i} 条` } });
  for (let sent = 0; sent < N; sent += BURST) {
    const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => send(sent + i)));
    assert.ok(replies.every((r) => r.status === 201));
    const deadline = Date.now() + 5000;
    while (got < sent + BURST && Date.now() < deadline && !fast.closeInfo) await sleep(10);
    assert.equal(got, sent + BURST, `the fast device got every event of the burst (closed: ${JSON.stringify(fast.closeInfo)})`);
  }
  slow.ws._socket.resume();
  const { code, reason } = await slow.closedWithin(5000);
  assert.equal(code, 4408, reason);
  assert.match(reason, /reconnect/);
  const seen = slow.frames.filter((f) => f.type === 'message').length;
  assert.ok(seen > 0 && seen < N, `the slow socket got part of the events (${seen}), not all`);
  // The server is well, and the fast device still hears.
  assert.equal((await send(N)).status, 201);
  await sleep(200);
  assert.equal(got, N + 1);
});

test('signing out a session closes its socket (4401), not the other device\'s', async (t) => {
  const erin = await srv.signUp({ name: '孙七' });
  const erin2 = await secondDevice(erin);
  const [a, b] = await Promise.all([wsSignIn(srv, erin, t), wsSignIn(srv, erin2, t)]);
  const t0 = Date.now();
  const del = await srv.req('DELETE', `/api/v1/me/sessions/${erin.session.id}`, { token: erin2.token });
  assert.equal(del.status, 204);
  const { code } = await a.closedWithin(5000);
  assert.equal(code, 4401);
  assert.ok(Date.now() - t0 < 3000, 'closed within the 1 s check period and a margin');
  b.send({ type: 'ping' });
  await b.nextType('pong');
});

test('HTTP/1.1 without an upgrade, and HTTP/2, get 426 websocket_required', async (t) => {
  const res = await srv.req('GET', '/api/v1/ws');
  assertProblem(res, 426, 'websocket_required');
  assert.equal(res.headers.upgrade, 'websocket');
  const session = http2.connect(srv.base);
  t.after(() => session.destroy());
  session.on('error', () => {});
  const reply = await http2Get(session, '/api/v1/ws');
  assert.equal(reply.headers[':status'], 426);
  assert.equal(JSON.parse(reply.body).code, 'websocket_required');
});

test('silent sockets are pinged, and closed when they do not answer', async (t) => {
  const s = await startServer(t, { args: ['--ws-ping', '2'] });
  const who = await s.signUp();
  const alive = await wsSignIn(s, who, t); // answers pings (the ws default)
  const mute = await WsClient.open(s, { autoPong: false });
  t.after(() => mute.close());
  let pinged = 0;
  mute.ws.on('ping', () => { pinged += 1; });
  mute.send({ type: 'auth', token: who.token });
  await mute.nextType('ready');
  const { code } = await mute.closedWithin(15000);
  assert.ok(pinged >= 1, 'the server pinged first');
  assert.equal(code, 1006, 'a dead socket is dropped without a closing handshake');
  assert.equal(alive.closeInfo, null, 'a socket that answers stays open');
});

test('stopping the server closes every socket with 1001 and still exits promptly', async (t) => {
  const s = await startServer(t);
  const who = await s.signUp();
  const signedIn = await wsSignIn(s, who, t);
  const anonymous = await WsClient.open(s);
  t.after(() => anonymous.close());
  const t0 = Date.now();
  s.proc.kill('SIGTERM');
  const [a, b] = await Promise.all([signedIn.closedWithin(3000), anonymous.closedWithin(3000)]);
  assert.equal(a.code, 1001);
  assert.equal(b.code, 1001);
  const how = await s.exited;
  assert.deepEqual(how, { code: 0, signal: null });
  assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
});
