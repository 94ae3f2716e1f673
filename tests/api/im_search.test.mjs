// Message search over the API (issue 5): Chinese found inside words at any length (考勤 in
// 今天考勤打卡了吗), Latin in either case and inside words; only the messages the caller may read
// (their conversations, after they joined, not recalled, their enterprise); filters by
// conversation, sender and dates; newest first with a cursor; and nothing of a recalled or
// deleted message left in the index.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, runAtrium, show, sql, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

/** An enterprise with its owner (张三) and three members; helpers bound to it. */
async function setup(t) {
  const srv = await startServer(t, { args: ['--code-resend', '1'] });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  const people = { owner };
  for (const [key, name] of [['wang', '王五'], ['li', '李四'], ['zhao', '赵六']]) {
    people[key] = await srv.signUp();
    await addMember(srv, owner, eid, people[key], name);
  }
  const C = `${E}/${eid}/conversations`;
  const api = {
    async group(a, members, name = '项目群') {
      const r = await srv.req('POST', C, { token: a.token, body: { kind: 'group', name, member_ids: members.map((m) => m.user.id) } });
      assert.equal(r.status, 201, show(r));
      return r.json;
    },
    async direct(a, b) {
      const r = await srv.req('POST', C, { token: a.token, body: { kind: 'direct', user_id: b.user.id } });
      assert.ok(r.status === 201 || r.status === 200, show(r));
      return r.json;
    },
    async text(a, cid, text) {
      const r = await srv.req('POST', `${C}/${cid}/messages`, { token: a.token, body: { client_id: randomUUID(), kind: 'text', text } });
      assert.equal(r.status, 201, show(r));
      return r.json;
    },
    search(a, params) {
      return srv.req('GET', `${E}/${eid}/im/search?${new URLSearchParams(params)}`, { token: a.token });
    },
    /** The texts a search finds, newest first. */
    async found(a, params) {
      const r = await api.search(a, params);
      assert.equal(r.status, 200, show(r));
      return r.json.results.map((x) => x.message.body.text);
    },
  };
  return { srv, eid, C, ...people, ...api };
}

test('Chinese is found inside words at any length, Latin in either case, newest first with the match marked', async (t) => {
  const { owner, wang, li, group, text, search, found } = await setup(t);
  const g = await group(owner, [wang, li]);
  const first = await text(owner, g.id, '今天考勤打卡了吗');
  await text(wang, g.id, '明天上午开会');
  await text(li, g.id, 'Meeting at 3pm with the QA team 👍');
  await text(owner, g.id, '请假条已提交');
  await text(wang, g.id, '考勤异常请联系人事');

  // Two characters, inside a word: the case the trigram tokenizer cannot serve.
  let r = await search(li, { q: '考勤' });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.results.map((x) => x.message.body.text), ['考勤异常请联系人事', '今天考勤打卡了吗']);
  assert.equal(r.json.next_cursor, null);
  const hit = r.json.results[1];
  assert.deepEqual([hit.message.conversation_id, hit.message.seq, hit.message.id], [g.id, first.seq, first.id]);
  assert.match(hit.message.id, ID);
  assert.deepEqual(hit.message.sender, { user_id: owner.user.id, name: '张三' });
  assert.equal(hit.message.kind, 'text');
  assert.deepEqual(hit.highlight, { text: '今天考勤打卡了吗', ranges: [[2, 2]] });

  // Three characters and more; one character, at the end of a text too.
  assert.deepEqual(await found(li, { q: '考勤打卡' }), ['今天考勤打卡了吗']);
  assert.deepEqual(await found(li, { q: '勤' }), ['考勤异常请联系人事', '今天考勤打卡了吗']);
  assert.deepEqual(await found(li, { q: '会' }), ['明天上午开会']);
  assert.deepEqual(await found(li, { q: '吗' }), ['今天考勤打卡了吗']);
  assert.deepEqual(await found(li, { q: '考勤打卡了吗？' }), [], 'the whole query, not some of it');
  assert.deepEqual(await found(li, { q: '考试' }), []);

  // Latin: either case, a word's beginning, inside a word, across a space; spaces around q cut.
  for (const q of ['meeting', 'MEET', 'eeti', 'qa TEAM', '  3PM  ', 'm w', '👍']) {
    assert.deepEqual(await found(li, { q }), ['Meeting at 3pm with the QA team 👍'], q);
  }
  r = await search(li, { q: 'TEAM' });
  assert.deepEqual(r.json.results[0].highlight, { text: 'Meeting at 3pm with the QA team 👍', ranges: [[27, 4]] });
  r = await search(li, { q: 'e' });
  assert.ok(r.json.results.length === 1);
  assert.deepEqual(r.json.results[0].highlight.ranges, [[1, 1], [2, 1], [22, 1], [28, 1]]);
});

test('only what the caller may read: their conversations, after they joined, not recalled, not after leaving', async (t) => {
  const { srv, C, owner, wang, li, zhao, group, direct, text, search, found } = await setup(t);
  const g = await group(owner, [wang]);
  await text(owner, g.id, '项目预算 alpha');
  // Li joins later: what came before is not hers to find.
  let r = await srv.req('POST', `${C}/${g.id}/members`, { token: owner.token, body: { user_ids: [li.user.id] } });
  assert.equal(r.status, 200, show(r));
  const beta = await text(owner, g.id, '项目预算 beta');
  const d = await direct(owner, zhao);
  await text(zhao, d.id, '项目预算 私聊');

  assert.deepEqual(await found(wang, { q: '项目预算' }), ['项目预算 beta', '项目预算 alpha']);
  assert.deepEqual(await found(li, { q: '项目预算' }), ['项目预算 beta']);
  assert.deepEqual(await found(li, { q: 'alpha' }), []);
  assert.deepEqual(await found(zhao, { q: '项目预算' }), ['项目预算 私聊']);
  assert.deepEqual(await found(owner, { q: '项目预算' }), ['项目预算 私聊', '项目预算 beta', '项目预算 alpha']);

  // Someone of another enterprise learns nothing, not even that this one exists.
  const outsider = await srv.signUp();
  await createEnterprise(srv, outsider, '别的公司');
  assertProblem(await search(outsider, { q: '项目预算' }), 404, 'not_found');

  // A recall takes the message out of the index at once: nothing of its text is left there.
  const before = Number(sql(srv, `SELECT count(*) FROM im_search_grams WHERE conversation_id = ${g.id} AND seq = ${beta.seq}`)[0]);
  assert.equal(before, 8, 'indexed: 项目 目预 预算 "算 " be et ta a');
  r = await srv.req('POST', `${C}/${g.id}/messages/${beta.seq}/recall`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await found(li, { q: '项目预算' }), []);
  assert.deepEqual(await found(wang, { q: 'beta' }), []);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM im_search_grams WHERE conversation_id = ${g.id} AND seq = ${beta.seq}`), ['0']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM im_search_grams WHERE gram IN ('be', 'et', 'ta')`), ['0']);

  // The operator's rebuild, beside the running server, gives the same index: the recalled text stays out.
  const rows = sql(srv, 'SELECT conversation_id, gram, seq FROM im_search_grams ORDER BY 1, 2, 3');
  const out = await runAtrium(['admin', 'im', 'reindex', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /search index rebuilt: \d+ conversations, 2 messages/);
  assert.deepEqual(sql(srv, 'SELECT conversation_id, gram, seq FROM im_search_grams ORDER BY 1, 2, 3'), rows);
  assert.deepEqual(await found(owner, { q: '项目预算' }), ['项目预算 私聊', '项目预算 alpha']);

  // Removed from the group: its messages are no longer theirs to find.
  r = await srv.req('DELETE', `${C}/${g.id}/members/${wang.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  assert.deepEqual(await found(wang, { q: '项目预算' }), []);
});

test('a leaver\'s deleted messages leave the search and the index; a dissolved group is not searched', async (t) => {
  const { srv, eid, C, owner, wang, li, group, text, found } = await setup(t);
  const g = await group(owner, [wang, li]);
  await text(li, g.id, '李四的周报草稿');
  await text(wang, g.id, '王五的周报');
  let r = await srv.req('PUT', `${E}/${eid}/im/settings`, { token: owner.token, body: { on_leave: 'delete' } });
  assert.equal(r.status, 200, show(r));
  r = await srv.req('DELETE', `${E}/${eid}/members/${li.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  assert.deepEqual(await found(wang, { q: '周报' }), ['王五的周报']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM im_search_grams WHERE gram IN ('李四', '草稿')`), ['0']);

  r = await srv.req('DELETE', `${C}/${g.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  assert.deepEqual(await found(wang, { q: '周报' }), [], 'a dissolved group is not searched');
});

test('filters: one conversation, one sender, a date range; pages follow a cursor', async (t) => {
  const { srv, owner, wang, li, zhao, group, text, search, found } = await setup(t);
  const g1 = await group(owner, [wang, li], '一组');
  const g2 = await group(owner, [wang], '二组');
  const other = await group(zhao, [li], '赵的群');
  const sent = [];
  for (const [who, g, words] of [[owner, g1, '周报 一'], [wang, g1, '周报 二'], [li, g1, '周报 三'], [wang, g2, '周报 四'],
    [owner, g2, '周报 五'], [wang, g1, '周报 六']]) sent.push(await text(who, g.id, words));
  await text(zhao, other.id, '周报 别人的');

  assert.deepEqual(await found(wang, { q: '周报' }), ['周报 六', '周报 五', '周报 四', '周报 三', '周报 二', '周报 一']);
  assert.deepEqual(await found(wang, { q: '周报', conversation_id: g2.id }), ['周报 五', '周报 四']);
  assert.deepEqual(await found(wang, { q: '周报', sender_id: wang.user.id }), ['周报 六', '周报 四', '周报 二']);
  assert.deepEqual(await found(wang, { q: '周报', sender_id: wang.user.id, conversation_id: g1.id }), ['周报 六', '周报 二']);
  assertProblem(await search(wang, { q: '周报', conversation_id: other.id }), 404, 'conversation_not_found', { field: 'conversation_id' });

  // Dates: the messages are moved back in time, in the order they were sent (UTC days).
  const at = ['2024-04-30T23:30:00Z', '2024-05-01T00:00:00Z', '2024-05-01T12:00:00Z', '2024-05-02T08:00:00Z', '2024-05-03T00:00:00Z', '2024-05-04T10:00:00Z'];
  sent.forEach((m, i) => sql(srv, `UPDATE messages SET created_at = ${Date.parse(at[i])} WHERE conversation_id = ${m.conversation_id} AND seq = ${m.seq}`));
  assert.deepEqual(await found(wang, { q: '周报', from: '2024-05-01', to: '2024-05-02' }), ['周报 四', '周报 三', '周报 二']);
  assert.deepEqual(await found(wang, { q: '周报', from: '2024-05-03' }), ['周报 六', '周报 五']);
  assert.deepEqual(await found(wang, { q: '周报', to: '2024-04-30' }), ['周报 一']);
  // RFC 3339, with an offset: 2024-05-01T08:00+08:00 is midnight UTC, and to is inclusive.
  assert.deepEqual(await found(wang, { q: '周报', from: '2024-05-01T08:00:00+08:00', to: '2024-05-01T12:00:00.000Z' }), ['周报 三', '周报 二']);
  assert.deepEqual(await found(wang, { q: '周报', from: '2024-05-05' }), []);

  // Pages of two, each after the last of the one before, until next_cursor is null.
  const pages = [];
  let cursor = null;
  do {
    const r = await search(wang, { q: '周报', limit: 2, ...(cursor ? { cursor } : {}) });
    assert.equal(r.status, 200, show(r));
    assert.ok(r.json.results.length <= 2);
    pages.push(r.json.results.map((x) => x.message.body.text));
    cursor = r.json.next_cursor;
    if (cursor) assert.equal(cursor, r.json.results.at(-1).message.id);
  } while (cursor);
  assert.deepEqual(pages, [['周报 六', '周报 五'], ['周报 四', '周报 三'], ['周报 二', '周报 一']]);
  const r = await search(wang, { q: '周报', limit: 6 });
  assert.equal(r.json.next_cursor, null, 'an exact last page says so');
});

test('a bad query is refused with a stable code', async (t) => {
  const { owner, search } = await setup(t);
  for (const params of [{}, { q: '' }, { q: '   ' }, { q: '\u3000' }, { q: '字'.repeat(65) }, { q: 'a\u0001b' }]) {
    assertProblem(await search(owner, params), 400, 'invalid_value', { field: 'q' });
  }
  let r = await search(owner, { q: '字'.repeat(64) });
  assert.equal(r.status, 200, show(r));
  r = await search(owner, { q: ` ${'字'.repeat(64)} ` });
  assert.equal(r.status, 200, 'the spaces around are not counted');
  for (const [field, value] of [['from', '2024-13-01'], ['from', 'yesterday'], ['to', '2024-05-01T25:00:00Z'], ['to', '2024-05-01T10:00:00+8'],
    ['sender_id', 'abc'], ['conversation_id', '-1'], ['limit', '0'], ['limit', '101'], ['cursor', 'x']]) {
    assertProblem(await search(owner, { q: '字', [field]: value }), 400, 'invalid_value', { field });
  }
  assertProblem(await search(owner, { q: '字', from: '2024-05-02', to: '2024-05-01' }), 400, 'invalid_value', { field: 'to' });
});
