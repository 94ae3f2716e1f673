// Member profiles, field visibility and disabling members (issue 4, PP-09, PP-20, PP-26): an
// administrator edits a profile; colleagues see only what the enterprise's levels allow; mobile
// numbers are masked unless the enterprise shows them; an administrator's full view is audited
// for the member; a disabled member is shut out until re-enabled.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, show, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

const PROFILE = {
  name_in_enterprise: '王五', gender: 'female', work_phone: '139 0013 9000', landline: '021-5555 0000',
  email: 'wang.wu@example.com', position: '工程师', rank: 'P6', title: '高级工程师', job_number: 'A-0042',
  office_seat: '3F-12', fax: '021-5555 0001', work_signature: '王五 | 研发部', hire_date: '2021-02-28',
};
const EVERYONE = ['gender', 'landline', 'email', 'position', 'title', 'fax', 'work_signature', 'mobile'];
const DEPARTMENT = ['work_phone', 'office_seat'];
const ADMINS = ['rank', 'job_number', 'hire_date'];
const ALWAYS = ['user_id', 'name_in_enterprise', 'role', 'status', 'joined_at', 'departments', 'primary_department', 'view', 'custom', 'photo'];

async function setup(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  let res = await srv.req('POST', E, { token: owner.token, body: {
    creator_name: '张三', name: '示例科技', industry: 'software', size: '11-50', region: 'Shanghai' } });
  assert.equal(res.status, 201, show(res));
  const eid = res.json.id;
  const join = async (name) => {
    const who = await srv.signUp();
    await addMember(srv, owner, eid, who, name);
    return who;
  };
  const dept = async (name) => {
    const r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name } });
    assert.equal(r.status, 201, show(r));
    return r.json.id;
  };
  const place = async (who, did) => {
    const r = await srv.req('PUT', `${E}/${eid}/members/${who.user.id}/departments`, { token: owner.token, body: { departments: [did], primary: did } });
    assert.equal(r.status, 200, show(r));
  };
  // 王五 (the subject) and 赵六 sit in research; 钱七 in sales; 孙八 administers members.
  const rd = await dept('研发部');
  const sales = await dept('销售部');
  const wang = await join('王五');
  const zhao = await join('赵六');
  const qian = await join('钱七');
  const sun = await join('孙八');
  await place(wang, rd);
  await place(zhao, rd);
  await place(qian, sales);
  res = await srv.req('PUT', `${E}/${eid}/admins/${sun.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  const view = async (who, whom = wang) => {
    const r = await srv.req('GET', `${E}/${eid}/members/${whom.user.id}`, { token: who.token });
    assert.equal(r.status, 200, show(r));
    return r.json;
  };
  return { srv, owner, eid, wang, zhao, qian, sun, rd, sales, view };
}

const keys = (o) => Object.keys(o).sort();

test('an administrator edits a profile; each colleague sees what the levels allow', async (t) => {
  const { srv, owner, eid, wang, zhao, qian, sun, rd, view } = await setup(t);
  const url = `${E}/${eid}/members/${wang.user.id}`;
  let res = await srv.req('PATCH', url, { token: sun.token, body: PROFILE });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.work_phone, '+8613900139000', 'work phone stored as E.164');
  assert.equal(res.json.hire_date, '2021-02-28');
  assert.equal(res.json.view, 'full');
  assert.deepEqual(res.json.departments, [rd]);

  // Another department: "everyone" fields only, and the mobile masked.
  const other = await view(qian);
  assert.deepEqual(keys(other), [...ALWAYS, ...EVERYONE, 'mobile_masked'].sort());
  assert.equal(other.view, 'everyone');
  assert.equal(other.email, PROFILE.email);
  assert.equal(other.mobile_masked, true);
  assert.match(other.mobile, /^\+86\d{3}\*{4}\d{4}$/);
  assert.notEqual(other.mobile, wang.e164);
  assert.equal(other.mobile.slice(-4), wang.e164.slice(-4));
  // The same department: "department" fields too.
  const same = await view(zhao);
  assert.deepEqual(keys(same), [...ALWAYS, ...EVERYONE, ...DEPARTMENT, 'mobile_masked'].sort());
  assert.equal(same.work_phone, '+8613900139000');
  assert.equal(same.office_seat, '3F-12');
  // An administrator (and the owner): everything, the mobile plain.
  for (const who of [sun, owner]) {
    const full = await view(who);
    assert.equal(full.view, 'full');
    for (const [k, v] of Object.entries(PROFILE)) if (k !== 'work_phone') assert.equal(full[k], v, k);
    assert.equal(full.mobile, wang.e164);
    assert.equal(full.mobile_masked, false);
  }
  // The member themself sees it all.
  const self = await view(wang);
  assert.equal(self.view, 'full');
  assert.equal(self.mobile, wang.e164);
  assert.equal(self.rank, 'P6');

  // The list obeys the same levels.
  res = await srv.req('GET', `${E}/${eid}/members`, { token: qian.token });
  assert.equal(res.status, 200, show(res));
  const listed = res.json.members.find((m) => m.user_id === wang.user.id);
  assert.deepEqual(listed, other);
  assert.equal(res.json.members.length, 5);
  assert.equal(res.json.next_cursor, null);
  // Cursor pages: two at a time, nobody twice, nobody missed.
  const seen = [];
  let cursor = null;
  do {
    res = await srv.req('GET', `${E}/${eid}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: zhao.token });
    assert.equal(res.status, 200, show(res));
    assert.ok(res.json.members.length <= 2);
    seen.push(...res.json.members.map((m) => m.user_id));
    cursor = res.json.next_cursor;
  } while (cursor);
  assert.equal(new Set(seen).size, 5);
  // Even an administrator's list holds no full profile of others (that view is audited alone).
  res = await srv.req('GET', `${E}/${eid}/members`, { token: sun.token });
  const byAdmin = res.json.members.find((m) => m.user_id === wang.user.id);
  assert.equal(byAdmin.view, 'admins');
  assert.equal(byAdmin.rank, 'P6');
});

test('the enterprise sets the levels: admins-only, hidden, and show_mobile', async (t) => {
  const { srv, owner, eid, wang, zhao, qian, sun, view } = await setup(t);
  let res = await srv.req('PATCH', `${E}/${eid}/members/${wang.user.id}`, { token: owner.token, body: PROFILE });
  assert.equal(res.status, 200, show(res));
  const fv = `${E}/${eid}/field-visibility`;
  res = await srv.req('GET', fv, { token: qian.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.show_mobile, false);
  assert.equal(res.json.levels.work_phone, 'department');
  assert.equal(res.json.levels.email, 'everyone');
  assert.equal(res.json.levels.job_number, 'admins');
  // A member without the members right may not change them.
  res = await srv.req('PUT', fv, { token: qian.token, body: { show_mobile: true } });
  assertProblem(res, 403, 'forbidden', { right: 'members' });

  res = await srv.req('PUT', fv, { token: sun.token, body: { levels: { email: 'admins', position: 'hidden', work_phone: 'everyone' }, show_mobile: true } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.levels.email, 'admins');
  assert.equal(res.json.show_mobile, true);

  const other = await view(qian);
  assert.equal(other.email, undefined, 'admins-only');
  assert.equal(other.position, undefined, 'hidden');
  assert.equal(other.work_phone, '+8613900139000', 'now everyone');
  assert.equal(other.mobile, wang.e164, 'unmasked: the enterprise shows mobiles');
  assert.equal(other.mobile_masked, false);
  assert.equal((await view(zhao)).position, undefined, 'hidden from the same department too');
  // An administrator without the members right: admins fields, but not hidden ones.
  const mate = await srv.signUp();
  await addMember(srv, owner, eid, mate, '周九');
  res = await srv.req('PUT', `${E}/${eid}/admins/${mate.user.id}`, { token: owner.token, body: { rights: ['apps'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  const adm = await view(mate);
  assert.equal(adm.view, 'admins');
  assert.equal(adm.email, PROFILE.email);
  assert.equal(adm.rank, 'P6');
  assert.equal(adm.position, undefined);
  // Hidden: the member and members-right administrators still see it.
  assert.equal((await view(wang)).position, PROFILE.position);
  assert.equal((await view(sun)).position, PROFILE.position);

  // Mobile hidden altogether.
  res = await srv.req('PUT', fv, { token: owner.token, body: { levels: { mobile: 'hidden' } } });
  assert.equal(res.status, 200, show(res));
  assert.equal((await view(qian)).mobile, undefined);

  // Bad settings change nothing.
  const before = (await srv.req('GET', fv, { token: owner.token })).json;
  for (const body of [{ levels: { email: 'friends' } }, { levels: { shoe_size: 'everyone' } }, { levels: { email: 1 } }]) {
    res = await srv.req('PUT', fv, { token: owner.token, body });
    assertProblem(res, 400, 'invalid_value');
  }
  res = await srv.req('PUT', fv, { token: owner.token, body: { show_mobile: 'yes' } });
  assert.equal(res.status, 400, show(res));
  assert.deepEqual((await srv.req('GET', fv, { token: owner.token })).json, before);
});

test("an administrator's full view shows in the member's access log; a colleague's does not", async (t) => {
  const { srv, eid, wang, qian, sun, view } = await setup(t);
  await view(qian);
  let res = await srv.req('GET', '/api/v1/me/access-log', { token: wang.token });
  assert.equal(res.status, 200, show(res));
  assert.ok(!res.json.entries.some((e) => e.action === 'member.view'), show(res));
  await view(sun);
  res = await srv.req('GET', '/api/v1/me/access-log', { token: wang.token });
  const seen = res.json.entries.filter((e) => e.action === 'member.view');
  assert.equal(seen.length, 1, show(res));
  assert.equal(seen[0].actor.id, sun.user.id);
  assert.equal(seen[0].object, `enterprise:${eid}`);
  // Looking at oneself is no access by another.
  await view(wang);
  res = await srv.req('GET', '/api/v1/me/access-log', { token: wang.token });
  assert.equal(res.json.entries.filter((e) => e.action === 'member.view').length, 1);
  // An edit is there too, by field name only.
  res = await srv.req('PATCH', `${E}/${eid}/members/${wang.user.id}`, { token: sun.token, body: { title: '架构师' } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('GET', '/api/v1/me/access-log', { token: wang.token });
  const edit = res.json.entries.find((e) => e.action === 'member.profile_update');
  assert.ok(edit, show(res));
  assert.ok(!JSON.stringify(edit).includes('架构师'), 'no values in the audit');
});

test('validation errors change nothing; only the members right edits', async (t) => {
  const { srv, owner, eid, wang, zhao, view } = await setup(t);
  const url = `${E}/${eid}/members/${wang.user.id}`;
  let res = await srv.req('PATCH', url, { token: owner.token, body: PROFILE });
  assert.equal(res.status, 200, show(res));
  const before = await view(owner);
  const bad = [
    [{ title: '新', hire_date: '2021-02-30' }, 'hire_date'],
    [{ title: '新', hire_date: '21-2-3' }, 'hire_date'],
    [{ title: '新', work_phone: '12345' }, 'work_phone'],
    [{ title: '新', email: 'not-an-email' }, 'email'],
    [{ title: '新', gender: 'robot' }, 'gender'],
    [{ title: '新', landline: 'call me' }, 'landline'],
    [{ title: 'x'.repeat(65) }, 'title'],
    [{ title: '新', name_in_enterprise: '' }, 'name_in_enterprise'],
  ];
  for (const [body, field] of bad) {
    res = await srv.req('PATCH', url, { token: owner.token, body });
    assertProblem(res, 400, 'invalid_value', { field });
  }
  res = await srv.req('PATCH', url, { token: owner.token, body: { shoe_size: '42' } });
  assert.equal(res.status, 400, show(res));
  res = await srv.req('PATCH', url, { token: owner.token, body: { title: 7 } });
  assert.equal(res.status, 400, show(res));
  assert.deepEqual(await view(owner), before);
  // A colleague without the right: 403, nothing changed.
  res = await srv.req('PATCH', url, { token: zhao.token, body: { title: '新' } });
  assertProblem(res, 403, 'forbidden', { right: 'members' });
  // "" clears a field.
  res = await srv.req('PATCH', url, { token: owner.token, body: { fax: '' } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.fax, '');
  // No such member.
  res = await srv.req('GET', `${E}/${eid}/members/12345`, { token: zhao.token });
  assertProblem(res, 404, 'member_not_found');
});

test('disable shuts a member out of the enterprise; enable lets them back', async (t) => {
  const { srv, owner, eid, wang, zhao, sun } = await setup(t);
  const me = `${E}/${eid}/members/${wang.user.id}`;
  let res = await srv.req('POST', `${me}/disable`, { token: zhao.token });
  assertProblem(res, 403, 'forbidden', { right: 'members' });
  res = await srv.req('POST', `${me}/disable`, { token: sun.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.status, 'disabled');
  for (const path of [`${E}/${eid}`, `${E}/${eid}/departments`, `${E}/${eid}/members`, me]) {
    res = await srv.req('GET', path, { token: wang.token });
    assertProblem(res, 403, 'forbidden');
  }
  // Colleagues see the status.
  res = await srv.req('GET', me, { token: zhao.token });
  assert.equal(res.json.status, 'disabled');
  res = await srv.req('GET', '/api/v1/me/access-log', { token: wang.token });
  assert.ok(res.json.entries.some((e) => e.action === 'member.disable' && e.actor.id === sun.user.id), show(res));

  res = await srv.req('POST', `${me}/enable`, { token: sun.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.status, 'active');
  res = await srv.req('GET', `${E}/${eid}/departments`, { token: wang.token });
  assert.equal(res.status, 200, show(res));

  // Not the owner, and not oneself.
  res = await srv.req('POST', `${E}/${eid}/members/${owner.user.id}/disable`, { token: sun.token });
  assertProblem(res, 409, 'member_is_owner');
  res = await srv.req('POST', `${E}/${eid}/members/${sun.user.id}/disable`, { token: sun.token });
  assertProblem(res, 403, 'forbidden');
  res = await srv.req('POST', `${E}/${eid}/members/12345/disable`, { token: sun.token });
  assertProblem(res, 404, 'member_not_found');
});

test('an administrator scoped to departments manages only members inside them', async (t) => {
  const { srv, owner, eid, wang, qian, rd, view } = await setup(t);
  const lead = await srv.signUp();
  await addMember(srv, owner, eid, lead, '吴十');
  let res;
  res = await srv.req('PUT', `${E}/${eid}/admins/${lead.user.id}`, { token: owner.token, body: { rights: ['members'], scope: { departments: [rd] } } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PATCH', `${E}/${eid}/members/${wang.user.id}`, { token: lead.token, body: { title: '组长' } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PATCH', `${E}/${eid}/members/${qian.user.id}`, { token: lead.token, body: { title: '组长' } });
  assertProblem(res, 403, 'forbidden');
  res = await srv.req('POST', `${E}/${eid}/members/${qian.user.id}/disable`, { token: lead.token });
  assertProblem(res, 403, 'forbidden');
  assert.equal((await view(lead)).view, 'full');
  assert.equal((await view(lead, qian)).view, 'admins', 'outside the scope: no full view');
});
