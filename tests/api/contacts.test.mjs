// External contacts of an enterprise (issue 4, PP-09, PP-20, PP-37): cards of customers and
// partners, private or shared with departments (and below) or colleagues; search, tags and
// pages; edits by the owner or an administrator with the members right; clear 4xx that change
// nothing; handover of a leaving member's cards (none lost); the enterprise's CSV export; and the
// cards' absence from a member's own export.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, RFC3339_MS, runAtrium, show, sleep, sql, startServer } from './lib/server.mjs';
import { unzip } from './lib/zip.mjs';

const E = '/api/v1/enterprises';

async function verifyAudit(srv) {
  const out = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
}

async function setup(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner);
  const C = `${E}/${eid}/external-contacts`;
  const ok = async (method, url, who, body, status = 200) => {
    const r = await srv.req(method, url, { token: who.token, body });
    assert.equal(r.status, status, show(r));
    return r.json;
  };
  const join = async (name) => {
    const who = await srv.signUp();
    await addMember(srv, owner, eid, who, name);
    return who;
  };
  const dept = async (name, parent_id) => (await ok('POST', `${E}/${eid}/departments`, owner, parent_id ? { name, parent_id } : { name }, 201)).id;
  const place = (who, did) => ok('PUT', `${E}/${eid}/members/${who.user.id}/departments`, owner, { departments: [did], primary: did });
  const heads = (did, ...who) => ok('PUT', `${E}/${eid}/departments/${did}/heads`, owner, { user_ids: who.map((w) => w.user.id) });
  const admin = (who, rights) => ok('PUT', `${E}/${eid}/admins/${who.user.id}`, owner, { rights, scope: 'all' });
  const card = (who, body) => ok('POST', C, who, body, 201);
  const get = (who, cid) => srv.req('GET', `${C}/${cid}`, { token: who.token });
  const list = async (who, query = '') => (await ok('GET', `${C}${query}`, who)).contacts;
  const names = async (who, query = '') => (await list(who, query)).map((c) => c.name).sort();
  const ownerOf = (cid) => sql(srv, `SELECT owner_id FROM external_contacts WHERE enterprise_id = ${eid} AND id = ${cid}`)[0];
  return { srv, owner, eid, C, ok, join, dept, place, heads, admin, card, get, list, names, ownerOf };
}

test('a card: create, read, edit, delete; the shape the API gives; audited without its contents', async (t) => {
  const { srv, eid, C, ok, join, card, get } = await setup(t);
  const wang = await join('王五');
  const c = await card(wang, {
    name: '陈经理', company: 'Acme 贸易', title: '采购经理', phones: ['+86 138 0013 8000', '021-6888 8888'],
    emails: ['chen@acme.example'], address: '上海市浦东新区', tags: ['客户', 'VIP'], notes: '第一行\n第二行',
  });
  assert.match(c.id, ID);
  assert.deepEqual({ ...c, id: undefined, created_at: undefined, updated_at: undefined }, {
    id: undefined, name: '陈经理', company: 'Acme 贸易', title: '采购经理', phones: ['+86 138 0013 8000', '021-6888 8888'],
    emails: ['chen@acme.example'], address: '上海市浦东新区', tags: ['客户', 'VIP'], notes: '第一行\n第二行',
    owner_id: wang.user.id, owner: { user_id: wang.user.id, name: '王五' },
    shared_with: { departments: [], colleagues: [], colleague_people: [] }, can_edit: true,
    created_at: undefined, updated_at: undefined,
  });
  assert.match(c.created_at, RFC3339_MS);
  let r = await get(wang, c.id);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, c);

  // A colleague it is shared with is named, not only numbered.
  const li = await join('李四');
  const shared = await ok('PATCH', `${C}/${c.id}`, wang, { shared_with: { colleagues: [li.user.id] } });
  assert.deepEqual(shared.shared_with.colleagues, [li.user.id]);
  assert.deepEqual(shared.shared_with.colleague_people, [{ user_id: li.user.id, name: '李四' }]);
  await ok('PATCH', `${C}/${c.id}`, wang, { shared_with: { colleagues: [] } });

  // Only what is given changes; "" clears a text; a list replaces the old one.
  const edited = await ok('PATCH', `${C}/${c.id}`, wang, { company: '', tags: ['供应商'], phones: [], title: '总监' });
  assert.equal(edited.company, '');
  assert.equal(edited.title, '总监');
  assert.deepEqual(edited.tags, ['供应商']);
  assert.deepEqual(edited.phones, []);
  assert.equal(edited.name, '陈经理');
  assert.deepEqual(edited.emails, ['chen@acme.example']);
  assert.ok(edited.updated_at >= c.updated_at);

  r = await srv.req('DELETE', `${C}/${c.id}`, { token: wang.token });
  assert.equal(r.status, 204, show(r));
  assertProblem(await get(wang, c.id), 404, 'contact_not_found');
  assertProblem(await srv.req('DELETE', `${C}/${c.id}`, { token: wang.token }), 404, 'contact_not_found');
  for (const table of ['external_contacts', 'external_contact_tags', 'external_contact_departments', 'external_contact_colleagues']) {
    assert.equal(sql(srv, `SELECT count(*) FROM ${table} WHERE enterprise_id = ${eid}`)[0], '0', table);
  }
  // The audit names the card by id and the fields by name, never what they say.
  const rows = sql(srv, `SELECT actor, action, object, detail FROM audit_log WHERE action LIKE 'contact.%' ORDER BY id`);
  assert.deepEqual(rows, [
    `${wang.user.id}|contact.create|contact:${c.id}|`,
    `${wang.user.id}|contact.update|contact:${c.id}|{"fields":["shared_with"]}`,
    `${wang.user.id}|contact.update|contact:${c.id}|{"fields":["shared_with"]}`,
    `${wang.user.id}|contact.update|contact:${c.id}|{"fields":["company","title","phones","tags"]}`,
    `${wang.user.id}|contact.delete|contact:${c.id}|`,
  ]);
  await verifyAudit(srv);
});

test('bad input gets a clear 4xx with a stable code and changes nothing', async (t) => {
  const { srv, eid, C, owner, join, card, get, dept } = await setup(t);
  const wang = await join('王五');
  const stranger = await srv.signUp();
  const elsewhere = await createEnterprise(srv, stranger, '别家公司');
  const otherDept = (await srv.req('POST', `${E}/${elsewhere}/departments`, { token: stranger.token, body: { name: '别家部门' } })).json.id;
  const sales = await dept('销售部');
  const c = await card(wang, { name: '陈经理', phones: ['13800138000'], tags: ['客户'] });
  const audits = sql(srv, 'SELECT count(*) FROM audit_log')[0];

  const bad = [
    [{}, 400, 'missing_field', 'name'],
    [{ name: '' }, 400, 'invalid_value', 'name'],
    [{ name: ' 前导空格' }, 400, 'invalid_value', 'name'],
    [{ name: 'x'.repeat(101) }, 400, 'invalid_value', 'name'],
    [{ name: 12 }, 400, 'invalid_type', 'name'],
    [{ name: '陈', nickname: 'x' }, 400, 'unknown_field', 'nickname'],
    [{ name: '陈', phones: '13800138000' }, 400, 'invalid_type', 'phones'],
    [{ name: '陈', phones: [13800138000] }, 400, 'invalid_type', 'phones'],
    [{ name: '陈', phones: ['call me'] }, 400, 'invalid_value', 'phones'],
    [{ name: '陈', phones: Array(11).fill('13800138000') }, 400, 'invalid_value', 'phones'],
    [{ name: '陈', emails: ['chen@'] }, 400, 'invalid_value', 'emails'],
    [{ name: '陈', tags: ['a', 'a'] }, 400, 'invalid_value', 'tags'],
    [{ name: '陈', tags: [''] }, 400, 'invalid_value', 'tags'],
    [{ name: '陈', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 400, 'invalid_value', 'tags'],
    [{ name: '陈', notes: 'bell\u0007' }, 400, 'invalid_value', 'notes'],
    [{ name: '陈', notes: '长'.repeat(2001) }, 400, 'invalid_value', 'notes'],
    [{ name: '陈', shared_with: [] }, 400, 'invalid_type', 'shared_with'],
    [{ name: '陈', shared_with: { teams: [] } }, 400, 'unknown_field', 'shared_with.teams'],
    [{ name: '陈', shared_with: { departments: ['12345'] } }, 404, 'department_not_found', 'shared_with.departments'],
    [{ name: '陈', shared_with: { departments: [otherDept] } }, 404, 'department_not_found', 'shared_with.departments'],
    [{ name: '陈', shared_with: { colleagues: [stranger.user.id] } }, 404, 'member_not_found', 'shared_with.colleagues'],
    [{ name: '陈', shared_with: { departments: [sales], colleagues: ['nobody'] } }, 404, 'member_not_found', 'shared_with.colleagues'],
    [{ name: '陈', owner_id: owner.user.id }, 400, 'unknown_field', 'owner_id'],
  ];
  for (const [body, status, code, field] of bad) {
    assertProblem(await srv.req('POST', C, { token: wang.token, body }), status, code, { field });
  }
  const patches = [
    [{ name: '' }, 400, 'invalid_value', 'name'],
    [{ name: '陈总', phones: ['abc'] }, 400, 'invalid_value', 'phones'],
    [{ name: '陈总', tags: ['新'], shared_with: { departments: ['1'] } }, 404, 'department_not_found', 'shared_with.departments'],
    [{ name: '陈总', owner_id: stranger.user.id }, 404, 'member_not_found', 'owner_id'],
  ];
  for (const [body, status, code, field] of patches) {
    assertProblem(await srv.req('PATCH', `${C}/${c.id}`, { token: wang.token, body }), status, code, { field });
  }
  let r = await srv.req('POST', C, { token: wang.token, body: '{"name": ', headers: { 'Content-Type': 'application/json' } });
  assertProblem(r, 400, 'malformed_json');
  for (const id of ['12345', 'abc', '0']) {
    assertProblem(await get(wang, id), 404, 'contact_not_found');
    assertProblem(await srv.req('PATCH', `${C}/${id}`, { token: wang.token, body: { name: 'x' } }), 404, 'contact_not_found');
  }
  for (const q of ['?limit=0', '?limit=101', '?cursor=abc', `?q=${'x'.repeat(65)}`, `?tag=${'x'.repeat(33)}`]) {
    assertProblem(await srv.req('GET', `${C}${q}`, { token: wang.token }), 400, 'invalid_value');
  }
  // Nothing changed.
  assert.equal(sql(srv, `SELECT count(*) FROM external_contacts WHERE enterprise_id = ${eid}`)[0], '1');
  r = await get(wang, c.id);
  assert.deepEqual(r.json, c);
  assert.equal(sql(srv, 'SELECT count(*) FROM audit_log')[0], audits);
});

test('who sees a card: its owner, the shared departments and those below, named colleagues, members admins', async (t) => {
  const { srv, owner, eid, C, ok, join, dept, place, admin, card, get, names } = await setup(t);
  const sales = await dept('销售部');
  const east = await dept('华东组', sales);
  const rd = await dept('研发部');
  const wang = await join('王五');   // makes the cards, in sales
  const li = await join('李四');     // in east, below sales
  const zhao = await join('赵六');   // in sales
  const qian = await join('钱七');   // in R&D
  const sun = await join('孙八');    // in no department, named on one card
  const boss = await join('周管理'); // administrator with the members right
  const dpo = await join('吴隐私');  // administrator with the privacy right only
  await place(wang, sales);
  await place(li, east);
  await place(zhao, sales);
  await place(qian, rd);
  await admin(boss, ['members']);
  await admin(dpo, ['privacy']);

  const mine = await card(wang, { name: '私人名片', company: 'Private Ltd' });
  const shared = await card(wang, { name: '部门名片', shared_with: { departments: [sales] } });
  const named = await card(wang, { name: '同事名片', shared_with: { colleagues: [sun.user.id] } });
  assert.deepEqual(shared.shared_with, { departments: [sales], colleagues: [], colleague_people: [] });
  assert.deepEqual(named.shared_with, { departments: [], colleagues: [sun.user.id], colleague_people: [{ user_id: sun.user.id, name: '孙八' }] });

  const all = ['同事名片', '私人名片', '部门名片'];
  assert.deepEqual(await names(wang), all);
  assert.deepEqual(await names(boss), all);
  assert.deepEqual(await names(owner), all);
  assert.deepEqual(await names(zhao), ['部门名片']);
  assert.deepEqual(await names(li), ['部门名片'], 'a sub-department sees what its parent is shared');
  assert.deepEqual(await names(sun), ['同事名片']);
  assert.deepEqual(await names(qian), []);
  assert.deepEqual(await names(dpo), [], 'the privacy right exports, it does not browse');

  // Unseen is unknown: 404, the same as a card that does not exist.
  for (const [who, cid] of [[li, mine.id], [qian, shared.id], [sun, shared.id], [zhao, named.id]]) {
    assertProblem(await get(who, cid), 404, 'contact_not_found');
    assertProblem(await srv.req('PATCH', `${C}/${cid}`, { token: who.token, body: { name: 'x' } }), 404, 'contact_not_found');
    assertProblem(await srv.req('DELETE', `${C}/${cid}`, { token: who.token }), 404, 'contact_not_found');
  }
  // Seen but not theirs: 403, nothing changes.
  let r = await get(li, shared.id);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.can_edit, false);
  assertProblem(await srv.req('PATCH', `${C}/${shared.id}`, { token: li.token, body: { name: 'x' } }), 403, 'forbidden', { right: 'members' });
  assertProblem(await srv.req('DELETE', `${C}/${named.id}`, { token: sun.token }), 403, 'forbidden');
  assert.equal((await get(wang, shared.id)).json.name, '部门名片');

  // An administrator with the members right edits any card, and may give it to another member.
  r = await get(boss, mine.id);
  assert.equal(r.json.can_edit, true);
  const moved = await ok('PATCH', `${C}/${mine.id}`, boss, { notes: '交给赵六', owner_id: zhao.user.id });
  assert.equal(moved.owner_id, zhao.user.id);
  assert.deepEqual(await names(zhao), ['私人名片', '部门名片']);
  assert.deepEqual(await names(wang), ['同事名片', '部门名片'], 'the card left its old owner');

  // The owner re-shares: a list given replaces the old one, the other stays.
  const reshared = await ok('PATCH', `${C}/${named.id}`, wang, { shared_with: { departments: [rd] } });
  assert.deepEqual(reshared.shared_with, { departments: [rd], colleagues: [sun.user.id], colleague_people: [{ user_id: sun.user.id, name: '孙八' }] });
  assert.deepEqual(await names(qian), ['同事名片']);
  await ok('PATCH', `${C}/${named.id}`, wang, { shared_with: { colleagues: [] } });
  assert.deepEqual(await names(sun), []);

  // A department's deletion takes its shares along (only an empty one can go).
  await ok('PUT', `${E}/${eid}/members/${qian.user.id}/departments`, owner, { departments: [] });
  assert.equal((await srv.req('DELETE', `${E}/${eid}/departments/${rd}`, { token: owner.token })).status, 204);
  assert.deepEqual((await get(wang, named.id)).json.shared_with, { departments: [], colleagues: [], colleague_people: [] });

  // Another enterprise's member learns nothing; its own id space holds no such card.
  const stranger = await srv.signUp();
  const elsewhere = await createEnterprise(srv, stranger, '别家公司');
  assertProblem(await srv.req('GET', C, { token: stranger.token }), 404, 'not_found');
  assertProblem(await srv.req('GET', `${C}/${shared.id}`, { token: stranger.token }), 404, 'not_found');
  assertProblem(await srv.req('GET', `${E}/${elsewhere}/external-contacts/${shared.id}`, { token: stranger.token }), 404, 'contact_not_found');
});

test('search by name, company, phone digits or tag; exact tag filter; cursor pages', async (t) => {
  const { C, ok, join, card, names } = await setup(t);
  const wang = await join('王五');
  await card(wang, { name: '陈经理', company: 'Acme Trading', phones: ['+86 138-0013-8000'], tags: ['客户', 'VIP'] });
  await card(wang, { name: 'Zhang Wei', company: '华为供应链', phones: ['021 6888 8888'], tags: ['供应商'] });
  await card(wang, { name: '刘总 100%', company: 'Beta_Corp', tags: ['VIP客户'] });
  const q = (s) => names(wang, `?q=${encodeURIComponent(s)}`);
  assert.deepEqual(await q('陈'), ['陈经理']);
  assert.deepEqual(await q('acme'), ['陈经理'], 'letters match in any case');
  assert.deepEqual(await q('zhang'), ['Zhang Wei']);
  assert.deepEqual(await q('供应'), ['Zhang Wei'], 'company or tag');
  assert.deepEqual(await q('13800138000'), ['陈经理'], 'a number typed without its separators');
  assert.deepEqual(await q('138 0013'), ['陈经理']);
  assert.deepEqual(await q('68888888'), ['Zhang Wei']);
  assert.deepEqual(await q('VIP'), ['刘总 100%', '陈经理']);
  assert.deepEqual(await q('100%'), ['刘总 100%'], '% is a character, not a wildcard');
  assert.deepEqual(await q('acm_'), [], '_ is a character, not a wildcard');
  assert.deepEqual(await q('Beta_'), ['刘总 100%']);
  assert.deepEqual(await q(''), ['Zhang Wei', '刘总 100%', '陈经理']);
  assert.deepEqual(await names(wang, `?tag=${encodeURIComponent('VIP')}`), ['陈经理'], 'a tag filter is exact');
  assert.deepEqual(await names(wang, `?tag=${encodeURIComponent('客户')}&q=acme`), ['陈经理']);
  assert.deepEqual(await names(wang, `?tag=${encodeURIComponent('客户')}&q=zhang`), []);

  // Pages of two: in order of creation, each card once.
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 5; i++) {
    const page = await ok('GET', `${C}?limit=2${cursor}`, wang);
    seen.push(...page.contacts.map((c) => c.name));
    if (!page.next_cursor) break;
    assert.equal(page.contacts.length, 2);
    cursor = `&cursor=${page.next_cursor}`;
  }
  assert.deepEqual(seen, ['陈经理', 'Zhang Wei', '刘总 100%']);
  const other = await join('李四');
  assert.deepEqual(await ok('GET', C, other), { contacts: [], next_cursor: null });
});

test('a member who leaves hands their cards to the head of their primary department; shares naming them go', async (t) => {
  const { srv, eid, join, dept, place, heads, card, get, ownerOf } = await setup(t);
  const sales = await dept('销售部');
  const wang = await join('王五');   // heads sales too, but is the one leaving
  const zhao = await join('赵六');   // the other head
  const li = await join('李四');
  await place(wang, sales);
  await place(zhao, sales);
  await heads(sales, wang, zhao);
  const a = await card(wang, { name: '客户甲' });
  const b = await card(wang, { name: '客户乙', shared_with: { colleagues: [li.user.id] } });
  const theirs = await card(li, { name: '客户丙', shared_with: { colleagues: [wang.user.id, zhao.user.id] } });
  const before = sql(srv, `SELECT count(*) FROM external_contacts WHERE enterprise_id = ${eid}`)[0];

  // Leaving the last enterprise is said first and changes nothing, cards included.
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/me`, { token: wang.token }), 409, 'last_enterprise');
  assert.equal(ownerOf(a.id), wang.user.id);
  const r = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=true`, { token: wang.token });
  assert.equal(r.status, 202, show(r));

  assert.equal(sql(srv, `SELECT count(*) FROM external_contacts WHERE enterprise_id = ${eid}`)[0], before, 'none lost');
  assert.equal(ownerOf(a.id), zhao.user.id);
  assert.equal(ownerOf(b.id), zhao.user.id);
  assert.equal(ownerOf(theirs.id), li.user.id);
  const got = await get(zhao, b.id);
  assert.equal(got.status, 200, show(got));
  assert.equal(got.json.can_edit, true);
  assert.deepEqual(got.json.shared_with.colleagues, [li.user.id], 'the shares the card had stay');
  assert.deepEqual((await get(li, theirs.id)).json.shared_with.colleagues, [zhao.user.id], 'the leaver is no longer named');
  assert.equal(sql(srv, `SELECT count(*) FROM external_contact_colleagues WHERE enterprise_id = ${eid} AND colleague_id = ${wang.user.id}`)[0], '0');
  assert.deepEqual(sql(srv, `SELECT actor, action, subject, object, detail FROM audit_log WHERE action IN ('contact.handover', 'member.leave') ORDER BY id`), [
    `${wang.user.id}|contact.handover|${zhao.user.id}|enterprise:${eid}|{"cards":2,"shares_dropped":1}`,
    `${wang.user.id}|member.leave|${wang.user.id}|enterprise:${eid}|{"account_cancelled":true}`,
  ]);
  await verifyAudit(srv);
});

test('without a head to take them, the cards go to the owner of the enterprise', async (t) => {
  const { srv, owner, eid, join, dept, place, heads, card, ownerOf } = await setup(t);
  const sales = await dept('销售部');
  const wang = await join('王五');   // in no department
  const sun = await join('孙八');    // heads only their own department
  const zhou = await join('周九');   // their department's head is disabled
  const head = await join('郑十');
  const ops = await dept('运营部');
  await place(sun, sales);
  await heads(sales, sun);
  await place(zhou, ops);
  await place(head, ops);
  await heads(ops, head);
  const r = await srv.req('POST', `${E}/${eid}/members/${head.user.id}/disable`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  const cards = [await card(wang, { name: '甲' }), await card(sun, { name: '乙' }), await card(zhou, { name: '丙' })];
  for (const who of [wang, sun, zhou]) {
    const res = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=true`, { token: who.token });
    assert.equal(res.status, 202, show(res));
  }
  for (const c of cards) assert.equal(ownerOf(c.id), owner.user.id);
  const list = await srv.req('GET', `${E}/${eid}/external-contacts`, { token: owner.token });
  assert.deepEqual(list.json.contacts.map((c) => c.name), ['甲', '乙', '丙']);
});

test('a removal hands the cards to handover_to when it names an active member, else 400 and nothing changes', async (t) => {
  const { srv, owner, eid, join, admin, card, ownerOf } = await setup(t);
  const boss = await join('周管理');
  await admin(boss, ['members']);
  const wang = await join('王五');
  const li = await join('李四');
  const off = await join('停用者');
  const gone = await join('孙八');
  const stranger = await srv.signUp();
  await createEnterprise(srv, stranger, '别家公司');
  let r = await srv.req('POST', `${E}/${eid}/members/${off.user.id}/disable`, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  const a = await card(wang, { name: '客户甲' });
  const b = await card(wang, { name: '客户乙' });
  const audits = sql(srv, 'SELECT count(*) FROM audit_log')[0];

  for (const target of [stranger.user.id, off.user.id, wang.user.id, 'abc', '', '999999']) {
    r = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}?handover_to=${target}`, { token: boss.token });
    assertProblem(r, 400, 'handover_target_invalid', { field: 'handover_to' });
  }
  assert.equal(sql(srv, `SELECT count(*) FROM members WHERE enterprise_id = ${eid} AND user_id = ${wang.user.id}`)[0], '1');
  assert.equal(ownerOf(a.id), wang.user.id);
  assert.equal(sql(srv, 'SELECT count(*) FROM audit_log')[0], audits);

  r = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}?handover_to=${li.user.id}`, { token: boss.token });
  assert.equal(r.status, 204, show(r));
  assert.equal(ownerOf(a.id), li.user.id);
  assert.equal(ownerOf(b.id), li.user.id);
  const seen = await srv.req('GET', `${E}/${eid}/external-contacts`, { token: li.token });
  assert.deepEqual(seen.json.contacts.map((c) => c.name), ['客户甲', '客户乙']);
  assert.deepEqual(sql(srv, `SELECT actor, subject, detail FROM audit_log WHERE action = 'contact.handover'`),
    [`${boss.user.id}|${li.user.id}|{"cards":2,"shares_dropped":0}`]);

  // Without handover_to: the default (no department here, so the owner).
  const c = await card(gone, { name: '客户丁' });
  r = await srv.req('DELETE', `${E}/${eid}/members/${gone.user.id}`, { token: boss.token });
  assert.equal(r.status, 204, show(r));
  assert.equal(ownerOf(c.id), owner.user.id);
  assert.equal(sql(srv, `SELECT count(*) FROM external_contacts WHERE enterprise_id = ${eid}`)[0], '3', 'none lost');
  await verifyAudit(srv);
});

/** RFC 4180 rows of a CSV text (CRLF between rows). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell); cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else {
      cell += ch;
    }
  }
  assert.equal(cell, '', 'the file ends with CRLF');
  return rows;
}

test('the enterprise exports every card as CSV for Excel (privacy or members right), audited', async (t) => {
  const { srv, owner, eid, C, join, dept, admin, card } = await setup(t);
  const sales = await dept('销售部');
  const wang = await join('王五');
  const li = await join('李四');
  const dpo = await join('吴隐私');
  const boss = await join('周管理');
  await admin(dpo, ['privacy']);
  await admin(boss, ['members']);
  const a = await card(wang, {
    name: '陈经理', company: 'Acme, Inc.', title: '采购 "总监"', phones: ['+86 138 0013 8000', '021-6888 8888'],
    emails: ['chen@acme.example'], address: '上海', tags: ['客户', 'VIP'], notes: '第一行\r\n第二行',
    shared_with: { departments: [sales], colleagues: [li.user.id] },
  });
  const b = await card(li, { name: '=HYPERLINK("http://evil.example","点我")', notes: '@SUM(1)' });

  for (const who of [wang, li]) {
    assertProblem(await srv.req('GET', `${C}/export`, { token: who.token }), 403, 'forbidden');
  }
  const outsider = await srv.signUp();
  assertProblem(await srv.req('GET', `${C}/export`, { token: outsider.token }), 404, 'not_found');

  for (const who of [dpo, boss, owner]) {
    const r = await srv.req('GET', `${C}/export`, { token: who.token });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(r.headers['content-disposition'], `attachment; filename="external-contacts-${eid}.csv"`);
    assert.equal(r.text.charCodeAt(0), 0xfeff, 'starts with the UTF-8 byte order mark');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    const rows = parseCsv(r.text.slice(1));
    assert.deepEqual(rows[0], [
      '编号 ID', '姓名 Name', '公司 Company', '职位 Title', '电话 Phones', '邮箱 E-mails', '地址 Address', '标签 Tags',
      '备注 Notes', '负责人 Owner', '负责人编号 Owner ID', '共享部门 Shared with departments',
      '共享同事 Shared with colleagues', '创建时间 Created (UTC)', '更新时间 Updated (UTC)',
    ]);
    assert.equal(rows.length, 3, 'every card of the enterprise, private ones included');
    assert.deepEqual(rows[1].slice(0, 13), [
      a.id, '陈经理', 'Acme, Inc.', '采购 "总监"', "'+86 138 0013 8000; 021-6888 8888", 'chen@acme.example', '上海',
      '客户; VIP', '第一行\r\n第二行', '王五', wang.user.id, '销售部', '李四',
    ]);
    assert.equal(rows[1][13], a.created_at);
    // A value a spreadsheet would run as a formula is written as text.
    assert.equal(rows[2][0], b.id);
    assert.equal(rows[2][1], '\'=HYPERLINK("http://evil.example","点我")');
    assert.equal(rows[2][8], "'@SUM(1)");
    assert.equal(rows[2][9], '李四');
  }
  assert.deepEqual(sql(srv, `SELECT actor, action, subject, object, detail FROM audit_log WHERE action = 'contact.export' ORDER BY id`), [
    `${dpo.user.id}|contact.export|0|enterprise:${eid}|{"rows":2}`,
    `${boss.user.id}|contact.export|0|enterprise:${eid}|{"rows":2}`,
    `${owner.user.id}|contact.export|0|enterprise:${eid}|{"rows":2}`,
  ]);
  await verifyAudit(srv);
});

// ---- the member's own export (PP-36) holds no card: they are third parties' data ----

test('a card its maker created is not in their own export', async (t) => {
  const { srv, C, join, card } = await setup(t);
  const wang = await join('王五');
  const c = await card(wang, {
    name: '外部客户 Qwertyuiop', company: 'Zxcvbnm Corp', phones: ['+86 139 8765 4321'],
    emails: ['asdfgh@partner.example'], notes: 'secret-note-lkjhg', tags: ['tag-poiuy'],
  });
  let r = await srv.req('POST', '/api/v1/me/exports', { token: wang.token });
  assert.equal(r.status, 202, show(r));
  const id = r.json.id;
  for (let i = 0; i < 150; i++) {
    r = await srv.req('GET', `/api/v1/me/exports/${id}`, { token: wang.token });
    if (r.json.status === 'ready' || r.json.status === 'failed') break;
    await sleep(50);
  }
  assert.equal(r.json.status, 'ready', show(r));
  const dl = await srv.req('GET', `/api/v1/me/exports/${id}/download`, { token: wang.token });
  assert.equal(dl.status, 200);
  const files = unzip(dl.raw);
  const data = files.get('data.json').toString('utf8');
  const html = files.get('index.html').toString('utf8');
  const sets = JSON.parse(data).datasets;
  // The export is about wang (their membership is in it) …
  assert.ok(sets.members.rows.some((m) => m.name_in_enterprise === '王五'), Object.keys(sets).join());
  // … and holds nothing of the card.
  for (const table of ['external_contacts', 'external_contact_tags', 'external_contact_departments', 'external_contact_colleagues']) {
    assert.ok(!(table in sets), `no ${table} in data.json`);
  }
  for (const text of ['Qwertyuiop', 'Zxcvbnm', '139 8765 4321', '13987654321', 'asdfgh', 'secret-note-lkjhg', 'tag-poiuy', '外部客户']) {
    assert.ok(!data.includes(text), `data.json holds no '${text}'`);
    assert.ok(!html.includes(text), `index.html holds no '${text}'`);
  }
  // The card is still the enterprise's.
  assert.equal((await srv.req('GET', `${C}/${c.id}`, { token: wang.token })).status, 200);
});
