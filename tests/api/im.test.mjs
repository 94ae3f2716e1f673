// Instant messaging over the API (issue 5): one-to-one and group conversations, sends that a
// retry never doubles, history and sync by sequence, read positions and receipts, recall, group
// management, and an acknowledged message surviving kill -9.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { grayJpeg } from './lib/images.mjs';
import { addMember, assertProblem, createEnterprise, ID, runAtrium, show, sleep, sql, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

/** An enterprise with its owner and three members; helpers bound to it. */
async function setup(t, args = []) {
  const srv = await startServer(t, { args: ['--code-resend', '1', ...args] });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  const people = { owner };
  for (const [key, name] of [['wang', '王五'], ['li', '李四'], ['zhao', '赵六']]) {
    people[key] = await srv.signUp();
    await addMember(srv, owner, eid, people[key], name);
  }
  const C = `${E}/${eid}/conversations`;
  const api = {
    async direct(a, b) {
      const r = await srv.req('POST', C, { token: a.token, body: { kind: 'direct', user_id: b.user.id } });
      assert.ok(r.status === 201 || r.status === 200, show(r));
      return r.json;
    },
    async group(a, members, name = '项目群') {
      const r = await srv.req('POST', C, { token: a.token, body: { kind: 'group', name, member_ids: members.map((m) => m.user.id) } });
      assert.equal(r.status, 201, show(r));
      return r.json;
    },
    send(a, cid, body) {
      return srv.req('POST', `${C}/${cid}/messages`, { token: a.token, body: { client_id: randomUUID(), kind: 'text', ...body } });
    },
    async text(a, cid, text, extra = {}) {
      const r = await api.send(a, cid, { text, ...extra });
      assert.equal(r.status, 201, show(r));
      return r.json;
    },
    async history(a, cid, query = '') {
      const r = await srv.req('GET', `${C}/${cid}/messages${query}`, { token: a.token });
      assert.equal(r.status, 200, show(r));
      return r.json;
    },
    async list(a) {
      const r = await srv.req('GET', C, { token: a.token });
      assert.equal(r.status, 200, show(r));
      return r.json.conversations;
    },
  };
  return { srv, eid, C, ...people, ...api };
}

test('a one-to-one conversation is found again by its pair, and carries text both ways', async (t) => {
  const { srv, C, owner, wang, direct, text, history, list } = await setup(t);
  const conv = await direct(owner, wang);
  assert.match(conv.id, ID);
  assert.equal(conv.kind, 'direct');
  assert.deepEqual(conv.peer, { user_id: wang.user.id, name: '王五' });
  assert.equal((await direct(wang, owner)).id, conv.id, 'the same conversation from either side');
  assertProblem(await srv.req('POST', C, { token: owner.token, body: { kind: 'direct', user_id: owner.user.id } }), 404, 'member_not_found', { field: 'user_id' });

  const m1 = await text(owner, conv.id, '你好，王五');
  assert.equal(m1.seq, 1);
  assert.deepEqual(m1.sender, { user_id: owner.user.id, name: '张三' });
  assert.deepEqual(m1.body, { text: '你好，王五' });
  const m2 = await text(wang, conv.id, '你好');
  assert.equal(m2.seq, 2);
  const h = await history(wang, conv.id);
  assert.deepEqual(h.messages.map((m) => [m.seq, m.body.text]), [[1, '你好，王五'], [2, '你好']]);
  assert.equal(h.has_more, false);

  // The list: latest message, unread counts for the other side.
  const [mine] = await list(owner);
  assert.equal(mine.id, conv.id);
  assert.equal(mine.unread, 1);
  assert.equal(mine.last_message.body.text, '你好');
  const [theirs] = await list(wang);
  assert.equal(theirs.unread, 0, 'what one sends, one has read');
});

test('a retried send with the same client_id is one message', async (t) => {
  const { srv, C, owner, wang, direct, history } = await setup(t);
  const conv = await direct(owner, wang);
  const body = { client_id: 'retry-1', kind: 'text', text: '只发一次' };
  const first = await srv.req('POST', `${C}/${conv.id}/messages`, { token: owner.token, body });
  assert.equal(first.status, 201, show(first));
  const again = await srv.req('POST', `${C}/${conv.id}/messages`, { token: owner.token, body });
  assert.equal(again.status, 200, show(again));
  assert.deepEqual(again.json, first.json, 'the same message, not a second');
  // Concurrent retries land on one message too.
  const burst = await Promise.all(Array.from({ length: 8 }, () =>
    srv.req('POST', `${C}/${conv.id}/messages`, { token: owner.token, body: { ...body, client_id: 'retry-2' } })));
  assert.equal(new Set(burst.map((r) => r.json.seq)).size, 1, burst.map(show).join('\n'));
  assert.equal(burst.filter((r) => r.status === 201).length, 1);
  assert.equal((await history(owner, conv.id)).messages.length, 2);
});

test('bad sends are refused with a stable code and store nothing', async (t) => {
  const { srv, C, eid, owner, wang, li, direct, send, history } = await setup(t);
  const conv = await direct(owner, wang);
  const url = `${C}/${conv.id}/messages`;
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { kind: 'text', text: 'x' } }), 400, 'missing_field', { field: 'client_id' });
  assertProblem(await send(owner, conv.id, { text: '' }), 400, 'invalid_value', { field: 'text' });
  assertProblem(await send(owner, conv.id, { text: 'x'.repeat(5001) }), 400, 'invalid_value', { field: 'text' });
  assertProblem(await send(owner, conv.id, { kind: 'sticker' }), 400, 'invalid_value', { field: 'kind' });
  assertProblem(await send(owner, conv.id, { text: 'x', reply_to: 99 }), 404, 'message_not_found', { field: 'reply_to' });
  assertProblem(await send(owner, conv.id, { text: 'x', mentions: [li.user.id] }), 400, 'invalid_value', { field: 'mentions' });
  assertProblem(await send(owner, conv.id, { kind: 'location', latitude: 91, longitude: 0 }), 400, 'invalid_value', { field: 'latitude' });
  // Someone outside the conversation, or the enterprise, cannot write to it or read it.
  assertProblem(await send(li, conv.id, { text: 'x' }), 404, 'conversation_not_found');
  assertProblem(await srv.req('GET', url, { token: li.token }), 404, 'conversation_not_found');
  const stranger = await srv.signUp();
  assertProblem(await send(stranger, conv.id, { text: 'x' }), 404, 'not_found');
  assertProblem(await srv.req('GET', `${E}/${eid}/conversations/123/messages`, { token: owner.token }), 404, 'conversation_not_found');
  assert.equal((await history(owner, conv.id)).messages.length, 0, 'nothing stored');
});

test('kinds: location, card, reply, mentions and forwarding', async (t) => {
  const { owner, wang, li, direct, group, text, send, list } = await setup(t);
  const g = await group(owner, [wang, li]);
  const a = await text(owner, g.id, '@王五 看一下', { mentions: [wang.user.id] });
  // Mentions: counted for the one mentioned until read (sending counts as having read).
  assert.equal((await list(wang)).find((c) => c.id === g.id).mentions, 1);
  assert.equal((await list(li)).find((c) => c.id === g.id).mentions, 0);
  let r = await send(wang, g.id, { kind: 'location', latitude: 31.2304, longitude: 121.4737, name: '公司', address: '上海市' });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual(r.json.body, { latitude: 31.2304, longitude: 121.4737, name: '公司', address: '上海市' });
  r = await send(wang, g.id, { kind: 'card', user_id: li.user.id });
  assert.deepEqual(r.json.body, { person: { user_id: li.user.id, name: '李四' } });
  r = await send(li, g.id, { text: '收到', reply_to: a.seq });
  assert.equal(r.json.reply_to, a.seq);
  assert.equal((await list(wang)).find((c) => c.id === g.id).mentions, 0, 'wang has written since');
  // @all: only for the owner and administrators.
  assertProblem(await send(li, g.id, { text: '@所有人', mention_all: true }), 403, 'forbidden');
  await text(owner, g.id, '@所有人 开会', { mention_all: true });
  assert.equal((await list(li)).find((c) => c.id === g.id).mentions, 1);
  // Forwarding copies what the forwarder sees into another conversation.
  const d = await direct(wang, li);
  r = await send(wang, d.id, { kind: 'forward', from_conversation_id: g.id, from_seq: a.seq });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.kind, 'text');
  assert.deepEqual(r.json.body, { text: '@王五 看一下', forwarded: true });
  const outsider = await direct(owner, li);
  assertProblem(await send(li, d.id, { kind: 'forward', from_conversation_id: outsider.id, from_seq: 999 }), 404, 'message_not_found');
});

test('history pages back and forth; sync returns exactly what was missed in every conversation', async (t) => {
  const { srv, eid, owner, wang, li, direct, group, text, history } = await setup(t);
  const d = await direct(owner, wang);
  const g = await group(owner, [wang, li]);
  for (let i = 1; i <= 25; i++) await text(owner, d.id, `d${i}`);
  let page = await history(wang, d.id, '?limit=10');
  assert.deepEqual(page.messages.map((m) => m.seq), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  assert.equal(page.has_more, true);
  page = await history(wang, d.id, '?limit=10&before=16');
  assert.deepEqual(page.messages.map((m) => m.seq), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  page = await history(wang, d.id, '?limit=10&before=6');
  assert.deepEqual(page.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(page.has_more, false);
  page = await history(wang, d.id, '?after=20&limit=3');
  assert.deepEqual(page.messages.map((m) => m.seq), [21, 22, 23]);
  assert.equal(page.has_more, true);

  // Wang held d up to 20 and the group up to its creation: sync gives the rest, in rounds.
  const gFirst = (await history(wang, g.id)).messages.at(-1).seq;
  await text(li, g.id, 'g-a');
  await text(owner, g.id, 'g-b');
  const seen = new Map([[d.id, 20], [g.id, gFirst]]);
  const got = new Map();
  for (let round = 0; round < 10; round++) {
    const r = await srv.req('POST', `${E}/${eid}/im/sync`, { token: wang.token, body: { conversations: Object.fromEntries(seen), limit: 2 } });
    assert.equal(r.status, 200, show(r));
    if (r.json.conversations.length === 0) break;
    for (const c of r.json.conversations) {
      const msgs = c.messages.map((m) => m.seq);
      assert.deepEqual(msgs, msgs.map((_, i) => seen.get(c.id) + 1 + i), 'in order, no gap');
      got.set(c.id, [...(got.get(c.id) || []), ...c.messages.map((m) => m.body.text)]);
      seen.set(c.id, msgs.at(-1));
    }
  }
  assert.deepEqual(got.get(d.id), ['d21', 'd22', 'd23', 'd24', 'd25']);
  assert.deepEqual(got.get(g.id), ['g-a', 'g-b']);

  // A device that knows nothing gets every conversation; one it should not know is "gone".
  const r = await srv.req('POST', `${E}/${eid}/im/sync`, { token: li.token, body: { conversations: { [d.id]: 3 } } });
  assert.deepEqual(r.json.gone, [d.id]);
  assert.deepEqual(r.json.conversations.map((c) => c.id), [g.id]);
  assertProblem(await srv.req('POST', `${E}/${eid}/im/sync`, { token: li.token, body: { conversations: { x: 1 } } }), 400, 'invalid_value', { field: 'conversations' });
});

test('read positions give unread counts and read receipts', async (t) => {
  const { srv, C, owner, wang, li, zhao, group, text, list } = await setup(t);
  const g = await group(owner, [wang, li, zhao]);
  const m = await text(owner, g.id, '请确认');
  await text(owner, g.id, '谢谢');
  assert.equal((await list(wang)).find((c) => c.id === g.id).unread, 2);
  let r = await srv.req('POST', `${C}/${g.id}/read`, { token: wang.token, body: { seq: m.seq } });
  assert.deepEqual(r.json, { read_seq: m.seq });
  assert.equal((await list(wang)).find((c) => c.id === g.id).unread, 1);
  r = await srv.req('POST', `${C}/${g.id}/read`, { token: wang.token, body: { seq: 1 } });
  assert.deepEqual(r.json, { read_seq: m.seq }, 'never backwards');
  r = await srv.req('POST', `${C}/${g.id}/read`, { token: li.token, body: { seq: 10_000 } });
  assert.equal(r.json.read_seq, m.seq + 1, 'never past the end');

  r = await srv.req('GET', `${C}/${g.id}/messages/${m.seq}/receipts`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.read.map((p) => p.user_id).sort(), [wang.user.id, li.user.id].sort());
  assert.deepEqual(r.json.unread.map((p) => p.user_id), [zhao.user.id]);
  assert.deepEqual([r.json.read_count, r.json.unread_count], [2, 1]);
  assert.equal(r.json.unread[0].name, '赵六');
  assertProblem(await srv.req('GET', `${C}/${g.id}/messages/999/receipts`, { token: owner.token }), 404, 'message_not_found');
});

test('recall deletes the content for everyone, within the time limit for its sender', async (t) => {
  const { srv, C, owner, wang, li, group, text, history } = await setup(t, ['--im-recall-seconds', '2']);
  const g = await group(owner, [wang, li]);
  const m = await text(wang, g.id, '发错了，机密内容');
  let r = await srv.req('POST', `${C}/${g.id}/messages/${m.seq}/recall`, { token: li.token });
  assertProblem(r, 403, 'forbidden');
  r = await srv.req('POST', `${C}/${g.id}/messages/${m.seq}/recall`, { token: wang.token });
  assert.equal(r.status, 200, show(r));
  const h = await history(li, g.id);
  const recalled = h.messages.find((x) => x.seq === m.seq);
  assert.equal(recalled.recalled, true);
  assert.deepEqual(recalled.body, {});
  const event = h.messages.at(-1);
  assert.equal(event.kind, 'recall');
  assert.deepEqual(event.body, { seq: m.seq });
  assert.deepEqual(sql(srv, `SELECT body FROM messages WHERE conversation_id = ${g.id} AND seq = ${m.seq}`), ['{}'], 'deleted, not hidden');
  assertProblem(await srv.req('POST', `${C}/${g.id}/messages/${m.seq}/recall`, { token: wang.token }), 404, 'message_not_found');

  // Past the limit the sender cannot; the group's owner still can.
  const late = await text(wang, g.id, '晚了');
  await sleep(2200);
  assertProblem(await srv.req('POST', `${C}/${g.id}/messages/${late.seq}/recall`, { token: wang.token }), 409, 'recall_too_late');
  r = await srv.req('POST', `${C}/${g.id}/messages/${late.seq}/recall`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
});

test('groups: settings, members, roles, mute, leaving and dissolving', async (t) => {
  const { srv, C, owner, wang, li, zhao, group, text, send, history, list } = await setup(t);
  const g = await group(owner, [wang]);
  assert.equal(g.role, 'owner');
  assert.deepEqual(g.members.map((m) => [m.person.user_id, m.role]), [[owner.user.id, 'owner'], [wang.user.id, 'member']]);
  let r = await srv.req('PATCH', `${C}/${g.id}`, { token: wang.token, body: { name: '改名' } });
  assertProblem(r, 403, 'forbidden');
  r = await srv.req('PATCH', `${C}/${g.id}`, { token: owner.token, body: { name: '新名字', notice: '周五发版', who_adds: 'admins' } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual([r.json.name, r.json.notice, r.json.who_adds], ['新名字', '周五发版', 'admins']);

  // Members: only managers add when who_adds is admins; the new member sees from their joining on.
  await text(owner, g.id, '加人之前');
  assertProblem(await srv.req('POST', `${C}/${g.id}/members`, { token: wang.token, body: { user_ids: [li.user.id] } }), 403, 'forbidden');
  r = await srv.req('PUT', `${C}/${g.id}/members/${wang.user.id}/role`, { token: owner.token, body: { role: 'admin' } });
  assert.equal(r.status, 200, show(r));
  r = await srv.req('POST', `${C}/${g.id}/members`, { token: wang.token, body: { user_ids: [li.user.id, zhao.user.id] } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.member_count, 4);
  const liView = await history(li, g.id);
  assert.equal(liView.messages[0].kind, 'member_add', 'the event that added them is the first they see');
  assert.ok(!liView.messages.some((m) => m.body.text === '加人之前'), 'nothing from before');

  // Removing, mute-all, leaving (ownership passes), dissolving.
  assertProblem(await srv.req('DELETE', `${C}/${g.id}/members/${owner.user.id}`, { token: wang.token }), 403, 'forbidden');
  r = await srv.req('DELETE', `${C}/${g.id}/members/${zhao.user.id}`, { token: wang.token });
  assert.equal(r.status, 204, show(r));
  assertProblem(await send(zhao, g.id, { text: 'x' }), 404, 'conversation_not_found');
  r = await srv.req('PATCH', `${C}/${g.id}`, { token: owner.token, body: { mute_all: true } });
  assertProblem(await send(li, g.id, { text: '能说话吗' }), 403, 'conversation_muted');
  await text(wang, g.id, '管理员可以');
  r = await srv.req('DELETE', `${C}/${g.id}/members/me`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  r = await srv.req('GET', `${C}/${g.id}`, { token: wang.token });
  assert.equal(r.json.owner_id, wang.user.id, 'the administrator takes over');
  assert.equal(r.json.role, 'owner');
  r = await srv.req('DELETE', `${C}/${g.id}`, { token: wang.token });
  assert.equal(r.status, 204, show(r));
  assertProblem(await srv.req('GET', `${C}/${g.id}`, { token: li.token }), 404, 'conversation_not_found');
  assert.ok(!(await list(li)).some((c) => c.id === g.id));
});

test('pinned and muted are each member\'s own; the list puts pinned first', async (t) => {
  const { srv, C, owner, wang, li, direct, group, text, list } = await setup(t);
  const d = await direct(owner, wang);
  const g = await group(owner, [wang, li]);
  await text(owner, d.id, '最新的');
  let r = await srv.req('PUT', `${C}/${g.id}/settings`, { token: owner.token, body: { pinned: true, muted: true } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual([r.json.pinned, r.json.muted], [true, true]);
  assert.deepEqual((await list(owner)).map((c) => c.id), [g.id, d.id]);
  assert.deepEqual((await list(wang)).map((c) => c.id), [d.id, g.id], 'not for the others');
});

test('an acknowledged message survives kill -9', async (t) => {
  const { srv, owner, wang, direct, text, history } = await setup(t);
  const d = await direct(owner, wang);
  const sent = [];
  for (let i = 0; i < 20; i++) sent.push((await text(owner, d.id, `持久 ${i}`)).seq);
  assert.equal((await srv.kill9()).signal, 'SIGKILL');
  await srv.start();
  const h = await history(wang, d.id, '?limit=50');
  assert.deepEqual(h.messages.map((m) => m.seq), sent);
});

test('nobody reads a conversation they are not in, administrators and owners included (PP-34)', async (t) => {
  const { srv, C, eid, owner, wang, li, direct, text } = await setup(t);
  const d = await direct(wang, li);
  await text(wang, d.id, '私聊内容');
  for (const path of [`${C}/${d.id}`, `${C}/${d.id}/messages`, `${C}/${d.id}/messages/1/receipts`]) {
    assertProblem(await srv.req('GET', path, { token: owner.token }), 404, 'conversation_not_found');
  }
  const r = await srv.req('POST', `${E}/${eid}/im/sync`, { token: owner.token, body: { conversations: { [d.id]: 0 } } });
  assert.deepEqual(r.json.gone, [d.id]);
});

test('a leaver\'s messages stay under a pseudonym, or go when the enterprise chose so', async (t) => {
  const { srv, C, eid, owner, wang, li, zhao, group, text, history } = await setup(t);
  const g = await group(wang, [owner, li, zhao]);
  await text(wang, g.id, '王五的话');
  await text(li, g.id, '李四的话');
  // The settings: members read them; only the privacy right changes them.
  let r = await srv.req('GET', `${E}/${eid}/im/settings`, { token: li.token });
  assert.deepEqual(r.json, { retention_days: null, on_leave: 'pseudonym', recall_seconds: 120 });
  assertProblem(await srv.req('PUT', `${E}/${eid}/im/settings`, { token: li.token, body: { on_leave: 'delete' } }), 403, 'forbidden');
  assertProblem(await srv.req('PUT', `${E}/${eid}/im/settings`, { token: owner.token, body: { on_leave: 'burn' } }), 400, 'invalid_value', { field: 'on_leave' });
  assertProblem(await srv.req('PUT', `${E}/${eid}/im/settings`, { token: owner.token, body: { retention_days: 0 } }), 400, 'invalid_value', { field: 'retention_days' });

  // Wang (the group's owner) is removed: the group passes on, his words stay under a pseudonym.
  r = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  let h = await history(li, g.id);
  const kept = h.messages.find((m) => m.body.text === '王五的话');
  assert.match(kept.sender.name, /^离职成员 [0-9A-F]{6}$/);
  assert.equal(kept.sender.user_id, undefined);
  r = await srv.req('GET', `${C}/${g.id}`, { token: li.token });
  assert.equal(r.json.owner_id, owner.user.id, 'the longest-standing member takes the group');
  assert.ok(h.messages.some((m) => m.kind === 'member_leave'));

  // With on_leave delete, Li's content goes, the sequence keeps no gap.
  r = await srv.req('PUT', `${E}/${eid}/im/settings`, { token: owner.token, body: { on_leave: 'delete', retention_days: 30 } });
  assert.deepEqual(r.json, { retention_days: 30, on_leave: 'delete', recall_seconds: 120 });
  r = await srv.req('DELETE', `${E}/${eid}/members/${li.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  h = await history(zhao, g.id);
  const gone = h.messages.find((m) => m.kind === 'deleted');
  assert.ok(gone, show({ method: 'GET', path: 'history', status: 200, text: JSON.stringify(h) }));
  assert.deepEqual([gone.body, gone.sender], [{}, null]);
  assert.ok(!JSON.stringify(h).includes('李四的话'));
  assert.deepEqual(sql(srv, `SELECT count(*) FROM messages WHERE body LIKE '%李四的话%'`), ['0']);
  const seqs = h.messages.map((m) => m.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), 'no gap');
});

test('the retention rule deletes messages past their enterprise\'s period', async (t) => {
  const { srv, eid, owner, wang, direct, text, history } = await setup(t);
  const d = await direct(owner, wang);
  const old = await text(owner, d.id, '很久以前');
  await text(owner, d.id, '最近');
  let r = await srv.req('PUT', `${E}/${eid}/im/settings`, { token: owner.token, body: { retention_days: 7 } });
  assert.equal(r.status, 200, show(r));
  sql(srv, `UPDATE messages SET created_at = created_at - 8 * 86400000 WHERE conversation_id = ${d.id} AND seq = ${old.seq}`);
  const out = await runAtrium(['admin', 'retention', 'run', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^messages: 1 removed$/m, out.stdout);
  assert.deepEqual((await history(wang, d.id)).messages.map((m) => m.body.text), ['最近']);
});

test('department and all-staff groups follow the structure', async (t) => {
  const { srv, C, eid, owner, wang, li, zhao, history } = await setup(t);
  let r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '研发部' } });
  const rd = r.json.id;
  r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '前端组', parent_id: rd } });
  const fe = r.json.id;
  const place = async (who, did) => {
    const res = await srv.req('PUT', `${E}/${eid}/members/${who.user.id}/departments`, { token: owner.token,
      body: did ? { departments: [did], primary: did } : { departments: [] } });
    assert.equal(res.status, 200, show(res));
  };
  await place(wang, rd);
  await place(li, fe);
  assertProblem(await srv.req('POST', C, { token: wang.token, body: { kind: 'department', department_id: rd } }), 403, 'forbidden', { right: 'departments' });
  r = await srv.req('POST', C, { token: owner.token, body: { kind: 'department', department_id: rd } });
  assert.equal(r.status, 201, show(r));
  const dg = r.json;
  assert.equal(dg.name, '研发部');
  const ids = (g) => g.members.map((m) => m.person.user_id).sort();
  assert.deepEqual(ids(dg), [owner.user.id, wang.user.id, li.user.id].sort(), 'the department and those below it');
  assertProblem(await srv.req('POST', C, { token: owner.token, body: { kind: 'department', department_id: rd } }), 409, 'conversation_exists');
  assertProblem(await srv.req('POST', `${C}/${dg.id}/members`, { token: owner.token, body: { user_ids: [zhao.user.id] } }), 403, 'forbidden');
  assertProblem(await srv.req('DELETE', `${C}/${dg.id}/members/me`, { token: wang.token }), 403, 'forbidden');

  // Placing and moving people changes the group by itself.
  await place(zhao, fe);
  await place(wang, 0);
  r = await srv.req('GET', `${C}/${dg.id}`, { token: owner.token });
  assert.deepEqual(ids(r.json), [owner.user.id, li.user.id, zhao.user.id].sort());
  const events = (await history(owner, dg.id)).messages.map((m) => m.kind);
  assert.ok(events.includes('member_add') && events.includes('member_remove'), events.join());

  // The all-staff group: everyone, and whoever joins later.
  r = await srv.req('POST', C, { token: owner.token, body: { kind: 'all_staff' } });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.member_count, 4);
  const late = await srv.signUp();
  await addMember(srv, owner, eid, late, '孙七');
  r = await srv.req('GET', `${C}/${r.json.id}`, { token: late.token });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.member_count, 5);
});

test('images, files and voice travel as messages; members fetch them, recall takes them away', async (t) => {
  const { srv, eid, owner, wang, li, zhao, group, send, history } = await setup(t);
  const g = await group(owner, [wang, li]);
  const F = `${E}/${eid}/files`;
  const upload = async (who, kind, body, q = {}) => {
    const r = await srv.req('POST', `${F}?${new URLSearchParams({ kind, ...q })}`, { token: who.token, body,
      headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(r.status, 201, show(r));
    return { ...r.json, id: r.json.file_id };
  };
  const img = await upload(owner, 'image', grayJpeg({ exif: true }));
  const doc = await upload(owner, 'file', Buffer.from('会议纪要\n'), { name: '纪要.txt' });
  const mic = await srv.req('POST', '/api/v1/me/consents', { token: owner.token, body: { purpose: 'microphone', granted: true, device_id: owner.device.id } });
  assert.equal(mic.status, 201, show(mic));
  const voice = await upload(owner, 'voice', Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(64)]), { duration_ms: '3200' });
  // Before it is sent, a colleague cannot fetch it.
  assertProblem(await srv.req('GET', `${F}/${doc.id}/content`, { token: wang.token }), 404, 'file_not_found');
  let r = await send(owner, g.id, { kind: 'image', file_id: img.id });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual([r.json.body.file_id, r.json.body.kind, r.json.body.width], [img.id, 'image', 32]);
  r = await send(owner, g.id, { kind: 'file', file_id: doc.id });
  assert.equal(r.json.body.name, '纪要.txt');
  const docMsg = r.json;
  r = await send(owner, g.id, { kind: 'voice', file_id: voice.id });
  assert.equal(r.json.body.duration_ms, 3200);
  assertProblem(await send(owner, g.id, { kind: 'voice', file_id: doc.id }), 400, 'invalid_value', { field: 'file_id' });
  assertProblem(await send(wang, g.id, { kind: 'file', file_id: '12345' }), 404, 'file_not_found', { field: 'file_id' });
  // Members fetch what was sent; someone outside the conversation does not.
  r = await srv.req('GET', `${F}/${doc.id}/content`, { token: wang.token });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.text, '会议纪要\n');
  assertProblem(await srv.req('GET', `${F}/${doc.id}/content`, { token: zhao.token }), 404, 'file_not_found');
  // Recalled, the file goes with the message.
  r = await srv.req('POST', `${E}/${eid}/conversations/${g.id}/messages/${docMsg.seq}/recall`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  assertProblem(await srv.req('GET', `${F}/${doc.id}/content`, { token: wang.token }), 404, 'file_not_found');
  const h = await history(li, g.id);
  assert.deepEqual(h.messages.find((m) => m.seq === docMsg.seq).body, {});
});

test('a group avatar is an image its members can fetch, whenever they joined', async (t) => {
  const { srv, C, eid, owner, wang, li, zhao, group } = await setup(t);
  const g = await group(owner, [wang]);
  const F = `${E}/${eid}/files`;
  let r = await srv.req('POST', `${F}?kind=image`, { token: owner.token, body: grayJpeg(), headers: { 'Content-Type': 'image/jpeg' } });
  assert.equal(r.status, 201, show(r));
  const fid = r.json.file_id;
  assertProblem(await srv.req('PATCH', `${C}/${g.id}`, { token: owner.token, body: { avatar_file_id: '12345' } }), 404, 'file_not_found', { field: 'avatar_file_id' });
  r = await srv.req('PATCH', `${C}/${g.id}`, { token: owner.token, body: { avatar_file_id: fid } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.avatar_file_id, fid);
  r = await srv.req('POST', `${C}/${g.id}/members`, { token: owner.token, body: { user_ids: [li.user.id] } });
  for (let i = 0; i < 200; i++) {
    r = await srv.req('GET', `${F}/${fid}`, { token: li.token });
    if (r.status === 200 && r.json.status === 'ready') break;
    await sleep(50);
  }
  for (const who of [wang, li]) assert.equal((await srv.req('GET', `${F}/${fid}/content`, { token: who.token })).status, 200);
  assertProblem(await srv.req('GET', `${F}/${fid}/content`, { token: zhao.token }), 404, 'file_not_found');
  r = await srv.req('PATCH', `${C}/${g.id}`, { token: owner.token, body: { avatar_file_id: null } });
  assert.equal(r.json.avatar_file_id, null);
});
