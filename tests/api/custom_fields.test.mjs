// Custom profile fields (issue 4, PP-09, PP-20, PP-26): the enterprise defines fields of its own
// (Chinese name first, English second; text, number, date or choice; a visibility level; an
// order; at most 50), administrators with the members right set members' values through the
// member PATCH, checked against the kind with nothing stored on any error; each viewer sees only
// the values the field's level reaches; deleting a field deletes its values; the audit chain
// holds field names, never values.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, RFC3339_MS, runAtrium, show, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

function sql(srv, query) {
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dataDir, 'atrium.db'), query], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '');
}

async function setup(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner);
  const people = {};
  for (const [key, name] of [['wang', '王五'], ['zhao', '赵六'], ['qian', '钱七'], ['sun', '孙八'], ['zhou', '周九']]) {
    people[key] = await srv.signUp();
    await addMember(srv, owner, eid, people[key], name);
  }
  const { wang, zhao, qian, sun, zhou } = people;
  const dept = async (name) => {
    const r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name } });
    assert.equal(r.status, 201, show(r));
    return r.json.id;
  };
  const rd = await dept('研发部');
  const sales = await dept('销售部');
  for (const [who, did] of [[wang, rd], [zhao, rd], [qian, sales]]) {
    const r = await srv.req('PUT', `${E}/${eid}/members/${who.user.id}/departments`, { token: owner.token, body: { departments: [did], primary: did } });
    assert.equal(r.status, 200, show(r));
  }
  // 孙八 administers members; 周九 is an administrator with the apps right only.
  for (const [who, rights] of [[sun, ['members']], [zhou, ['apps']]]) {
    const r = await srv.req('PUT', `${E}/${eid}/admins/${who.user.id}`, { token: owner.token, body: { rights, scope: 'all' } });
    assert.equal(r.status, 200, show(r));
  }
  const fields = `${E}/${eid}/custom-fields`;
  const create = async (body, who = owner) => {
    const r = await srv.req('POST', fields, { token: who.token, body });
    assert.equal(r.status, 201, show(r));
    return r.json;
  };
  const view = async (who, whom = wang) => {
    const r = await srv.req('GET', `${E}/${eid}/members/${whom.user.id}`, { token: who.token });
    assert.equal(r.status, 200, show(r));
    return r.json;
  };
  const patch = (body, who = sun, whom = wang) => srv.req('PATCH', `${E}/${eid}/members/${whom.user.id}`, { token: who.token, body });
  return { srv, owner, eid, ...people, rd, sales, fields, create, view, patch };
}

const values = (member) => Object.fromEntries(member.custom.map((c) => [c.name_en, c.value]));

test('definitions: create, list in order, change, delete; only the members right writes', async (t) => {
  const { srv, owner, eid, qian, sun, zhou, fields, create } = await setup(t);
  let res = await srv.req('GET', fields, { token: qian.token });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json, { fields: [], max: 50 });

  const home = await create({ name_zh: '籍贯', name_en: 'Hometown', kind: 'text', sort: 2 });
  assert.match(home.id, ID);
  assert.deepEqual({ ...home, id: 0, created_at: 0, updated_at: 0 },
    { id: 0, name_zh: '籍贯', name_en: 'Hometown', kind: 'text', options: [], level: 'everyone', sort: 2, created_at: 0, updated_at: 0 });
  assert.match(home.created_at, RFC3339_MS);
  const blood = await create({ name_zh: '血型', name_en: 'Blood type', kind: 'choice', options: ['A', 'B', 'O', 'AB'], level: 'hidden', sort: 1 }, sun);
  assert.deepEqual(blood.options, ['A', 'B', 'O', 'AB']);
  const size = await create({ name_zh: '鞋码', kind: 'number' });
  assert.equal(size.name_en, '');
  const since = await create({ name_zh: '党龄起始', name_en: 'Party member since', kind: 'date', level: 'admins', sort: 1 });

  // Any member lists them, by sort then creation.
  res = await srv.req('GET', fields, { token: qian.token });
  assert.deepEqual(res.json.fields.map((f) => f.id), [size.id, blood.id, since.id, home.id]);

  // Without the members right: 403 naming it, for every write.
  for (const who of [qian, zhou]) {
    assertProblem(await srv.req('POST', fields, { token: who.token, body: { name_zh: 'x', kind: 'text' } }), 403, 'forbidden', { right: 'members' });
    assertProblem(await srv.req('PATCH', `${fields}/${home.id}`, { token: who.token, body: { level: 'hidden' } }), 403, 'forbidden', { right: 'members' });
    assertProblem(await srv.req('DELETE', `${fields}/${home.id}`, { token: who.token }), 403, 'forbidden', { right: 'members' });
  }

  res = await srv.req('PATCH', `${fields}/${home.id}`, { token: sun.token, body: { name_en: 'Native place', level: 'department', sort: 0 } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.name_zh, '籍贯');
  assert.equal(res.json.name_en, 'Native place');
  assert.equal(res.json.level, 'department');
  assert.equal(res.json.kind, 'text');
  res = await srv.req('DELETE', `${fields}/${size.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assertProblem(await srv.req('DELETE', `${fields}/${size.id}`, { token: owner.token }), 404, 'custom_field_not_found');
  assertProblem(await srv.req('PATCH', `${fields}/${size.id}`, { token: owner.token, body: { sort: 1 } }), 404, 'custom_field_not_found');
  assertProblem(await srv.req('PATCH', `${fields}/nope`, { token: owner.token, body: { sort: 1 } }), 404, 'custom_field_not_found');
  res = await srv.req('GET', fields, { token: qian.token });
  assert.deepEqual(res.json.fields.map((f) => f.id), [home.id, blood.id, since.id]);

  // Audited with ids and attribute names.
  const rows = sql(srv, `SELECT action, object, detail FROM audit_log WHERE action LIKE 'enterprise.custom_field_%' ORDER BY id`);
  assert.equal(rows.length, 6, rows.join('\n'));
  assert.equal(rows[0], `enterprise.custom_field_create|custom_field:${home.id}|{"enterprise":"${eid}","kind":"text","level":"everyone"}`);
  assert.equal(rows[4], `enterprise.custom_field_update|custom_field:${home.id}|{"enterprise":"${eid}","changed":["name_en","level","sort"],"level":"department"}`);
  assert.equal(rows[5], `enterprise.custom_field_delete|custom_field:${size.id}|{"enterprise":"${eid}","values_deleted":0}`);
  const check = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(check.code, 0, check.stderr);
});

test('bad definitions are refused naming the field, and change nothing; at most 50 fields', async (t) => {
  const { srv, owner, fields, create } = await setup(t);
  const blood = await create({ name_zh: '血型', kind: 'choice', options: ['A', 'B'] });
  const cases = [
    [{ kind: 'text' }, 400, 'missing_field', 'name_zh'],
    [{ name_zh: '籍贯' }, 400, 'missing_field', 'kind'],
    [{ name_zh: '', kind: 'text' }, 400, 'invalid_value', 'name_zh'],
    [{ name_zh: '籍'.repeat(33), kind: 'text' }, 400, 'invalid_value', 'name_zh'],
    [{ name_zh: '籍贯', kind: 'color' }, 400, 'invalid_value', 'kind'],
    [{ name_zh: '籍贯', kind: 'choice' }, 400, 'missing_field', 'options'],
    [{ name_zh: '籍贯', kind: 'choice', options: [] }, 400, 'invalid_value', 'options'],
    [{ name_zh: '籍贯', kind: 'choice', options: ['A', 'A'] }, 400, 'invalid_value', 'options[1]'],
    [{ name_zh: '籍贯', kind: 'choice', options: ['A', 3] }, 400, 'invalid_type', 'options[1]'],
    [{ name_zh: '籍贯', kind: 'text', options: ['A'] }, 400, 'invalid_value', 'options'],
    [{ name_zh: '籍贯', kind: 'text', level: 'friends' }, 400, 'invalid_value', 'level'],
    [{ name_zh: '籍贯', kind: 'text', sort: 'first' }, 400, 'invalid_type', 'sort'],
    [{ name_zh: '籍贯', kind: 'text', required: true }, 400, 'unknown_field', 'required'],
  ];
  for (const [body, status, code, field] of cases) {
    assertProblem(await srv.req('POST', fields, { token: owner.token, body }), status, code, { field });
  }
  const patches = [
    [{ kind: 'text' }, 'invalid_value', 'kind'],
    [{ options: ['A', 'A'] }, 'invalid_value', 'options[1]'],
    [{ name_zh: '' }, 'invalid_value', 'name_zh'],
    [{ level: 'nobody' }, 'invalid_value', 'level'],
  ];
  for (const [body, code, field] of patches) {
    assertProblem(await srv.req('PATCH', `${fields}/${blood.id}`, { token: owner.token, body }), 400, code, { field });
  }
  let res = await srv.req('GET', fields, { token: owner.token });
  assert.deepEqual(res.json.fields, [blood]);

  for (let i = 1; i < 50; i++) await create({ name_zh: `字段${i}`, kind: 'text' });
  res = await srv.req('POST', fields, { token: owner.token, body: { name_zh: '第五十一', kind: 'text' } });
  assertProblem(res, 409, 'custom_field_limit');
  res = await srv.req('GET', fields, { token: owner.token });
  assert.equal(res.json.fields.length, 50);
});

test('values: set through the member PATCH, checked against the kind; any error stores nothing', async (t) => {
  const { srv, owner, wang, qian, create, view, patch } = await setup(t);
  const home = await create({ name_zh: '籍贯', name_en: 'Hometown', kind: 'text' });
  const size = await create({ name_zh: '鞋码', name_en: 'Shoe size', kind: 'number' });
  const since = await create({ name_zh: '入党日期', name_en: 'Since', kind: 'date' });
  const blood = await create({ name_zh: '血型', name_en: 'Blood type', kind: 'choice', options: ['A', 'B', 'O', 'AB'] });

  let res = await patch({ position: '工程师', custom: { [home.id]: '浙江杭州', [size.id]: '42.5', [since.id]: '2020-02-29', [blood.id]: 'AB' } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.custom, [
    { id: home.id, name_zh: '籍贯', name_en: 'Hometown', value: '浙江杭州' },
    { id: size.id, name_zh: '鞋码', name_en: 'Shoe size', value: '42.5' },
    { id: since.id, name_zh: '入党日期', name_en: 'Since', value: '2020-02-29' },
    { id: blood.id, name_zh: '血型', name_en: 'Blood type', value: 'AB' },
  ]);
  const before = await view(owner);

  // Each bad value fails naming custom.<id>, even alongside valid changes, and nothing is stored.
  const other = await srv.signUp();
  const elsewhere = await createEnterprise(srv, other, '别家');
  const foreign = (await srv.req('POST', `${E}/${elsewhere}/custom-fields`, { token: other.token, body: { name_zh: '外', kind: 'text' } })).json;
  const bad = [
    [{ [size.id]: 'forty' }, 400, 'invalid_value', size.id],
    [{ [size.id]: '4e2' }, 400, 'invalid_value', size.id],
    [{ [size.id]: '1.' }, 400, 'invalid_value', size.id],
    [{ [since.id]: '2021-02-29' }, 400, 'invalid_value', since.id],
    [{ [since.id]: '29/02/2020' }, 400, 'invalid_value', since.id],
    [{ [blood.id]: 'C' }, 400, 'invalid_value', blood.id],
    [{ [home.id]: 'x'.repeat(201) }, 400, 'invalid_value', home.id],
    [{ [home.id]: 'line\nbreak' }, 400, 'invalid_value', home.id],
    [{ [home.id]: 12 }, 400, 'invalid_type', home.id],
    [{ [home.id]: null }, 400, 'invalid_type', home.id],
    [{ 999999: 'x' }, 400, 'unknown_field', '999999'],
    [{ notanid: 'x' }, 400, 'unknown_field', 'notanid'],
    [{ [foreign.id]: 'x' }, 400, 'unknown_field', foreign.id],
  ];
  for (const [custom, status, code, fid] of bad) {
    res = await patch({ position: '经理', work_signature: '改了', custom: { [home.id]: '上海', ...custom } });
    assertProblem(res, status, code, { field: `custom.${fid}` });
  }
  assertProblem(await patch({ custom: [] }), 400, 'invalid_type', { field: 'custom' });
  assert.deepEqual(await view(owner), before, 'nothing changed');

  // "" clears one value; the others stay.
  res = await patch({ custom: { [size.id]: '', [home.id]: '  江苏 南京' } });
  assertProblem(res, 400, 'invalid_value', { field: `custom.${home.id}` }); // no leading space
  res = await patch({ custom: { [size.id]: '', [home.id]: '江苏南京' } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(values(res.json), { Hometown: '江苏南京', Since: '2020-02-29', 'Blood type': 'AB' });

  // Only the members right sets values (a member cannot set their own through this route).
  assertProblem(await patch({ custom: { [home.id]: '北京' } }, qian), 403, 'forbidden');
  assertProblem(await patch({ custom: { [home.id]: '北京' } }, wang), 403, 'forbidden');

  // The audit entry names the fields, never their values.
  const details = sql(srv, `SELECT detail FROM audit_log WHERE action = 'member.profile_update' AND subject = ${wang.user.id} ORDER BY id`);
  assert.equal(details.length, 2);
  assert.deepEqual(JSON.parse(details[0]).fields, ['position', `custom.${home.id}`, `custom.${size.id}`, `custom.${since.id}`, `custom.${blood.id}`]);
  assert.deepEqual(JSON.parse(details[1]).fields, [`custom.${size.id}`, `custom.${home.id}`]);
  for (const v of ['浙江杭州', '42.5', '2020-02-29', '江苏南京', 'AB']) {
    assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE detail LIKE '%${v}%'`)[0], '0', `no '${v}' in the audit chain`);
  }
});

test('each viewer sees the values their level reaches: same department, another one, administrators', async (t) => {
  const { srv, owner, eid, wang, zhao, qian, sun, zhou, fields, create, view, patch } = await setup(t);
  const f = {};
  for (const level of ['everyone', 'department', 'admins', 'hidden']) {
    f[level] = await create({ name_zh: level, name_en: level, kind: 'text', level });
  }
  const res = await patch({ custom: Object.fromEntries(Object.values(f).map((d) => [d.id, `${d.name_en} value`])) });
  assert.equal(res.status, 200, show(res));
  const seen = async (who, whom = wang) => Object.keys(values(await view(who, whom))).sort();
  assert.deepEqual(await seen(qian), ['everyone'], 'another department');
  assert.deepEqual(await seen(zhao), ['department', 'everyone'], 'the same department');
  assert.deepEqual(await seen(zhou), ['admins', 'department', 'everyone'], 'an administrator without the members right');
  for (const who of [sun, owner, wang]) {
    assert.deepEqual(await seen(who), ['admins', 'department', 'everyone', 'hidden'], 'the member and the members right');
  }
  // The list obeys the same levels.
  let list = await srv.req('GET', `${E}/${eid}/members`, { token: qian.token });
  assert.deepEqual(values(list.json.members.find((m) => m.user_id === wang.user.id)), { everyone: 'everyone value' });
  list = await srv.req('GET', `${E}/${eid}/members`, { token: sun.token });
  assert.deepEqual(Object.keys(values(list.json.members.find((m) => m.user_id === wang.user.id))).sort(), ['admins', 'department', 'everyone']);

  // The enterprise changes a level: it holds at once.
  let r = await srv.req('PATCH', `${fields}/${f.everyone.id}`, { token: sun.token, body: { level: 'hidden' } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await seen(qian), []);
  assert.deepEqual(await seen(zhao), ['department']);
  r = await srv.req('PATCH', `${fields}/${f.admins.id}`, { token: sun.token, body: { level: 'everyone' } });
  assert.deepEqual(await seen(qian), ['admins']);
});

test('deleting a field deletes its values; new options clear the values they drop; leaving erases the rest', async (t) => {
  const { srv, owner, eid, wang, zhao, fields, create, view, patch } = await setup(t);
  const home = await create({ name_zh: '籍贯', name_en: 'Hometown', kind: 'text' });
  const blood = await create({ name_zh: '血型', name_en: 'Blood type', kind: 'choice', options: ['A', 'B', 'O', 'AB'] });
  assert.equal((await patch({ custom: { [home.id]: '杭州', [blood.id]: 'AB' } })).status, 200);
  assert.equal((await patch({ custom: { [home.id]: '南京', [blood.id]: 'O' } }, owner, zhao)).status, 200);
  const count = (fid) => Number(sql(srv, `SELECT count(*) FROM member_custom_values WHERE enterprise_id = ${eid} AND field_id = ${fid}`)[0]);
  assert.equal(count(home.id), 2);

  // Options that drop "AB" clear wang's value and keep zhao's.
  let res = await srv.req('PATCH', `${fields}/${blood.id}`, { token: owner.token, body: { options: ['A', 'B', 'O'] } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(values(await view(owner)), { Hometown: '杭州' });
  assert.deepEqual(values(await view(owner, zhao)), { Hometown: '南京', 'Blood type': 'O' });
  assert.equal(JSON.parse(sql(srv, `SELECT detail FROM audit_log WHERE action = 'enterprise.custom_field_update'`)[0]).values_cleared, 1);

  res = await srv.req('DELETE', `${fields}/${home.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assert.equal(count(home.id), 0);
  assert.deepEqual(values(await view(owner)), {});
  assert.deepEqual(values(await view(owner, zhao)), { 'Blood type': 'O' });
  assert.equal(sql(srv, `SELECT detail FROM audit_log WHERE action = 'enterprise.custom_field_delete'`)[0], `{"enterprise":"${eid}","values_deleted":2}`);
  // The deleted field's id is now unknown to the member PATCH.
  assertProblem(await patch({ custom: { [home.id]: '杭州' } }), 400, 'unknown_field', { field: `custom.${home.id}` });

  // Removal from the enterprise erases the member's values; the colleague's stay.
  res = await srv.req('DELETE', `${E}/${eid}/members/${zhao.user.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assert.equal(sql(srv, `SELECT count(*) FROM member_custom_values WHERE enterprise_id = ${eid} AND user_id = ${zhao.user.id}`)[0], '0');
  assert.equal(count(blood.id), 0);
  assert.equal((await patch({ custom: { [blood.id]: 'B' } })).status, 200);
  assert.equal(count(blood.id), 1);
});
