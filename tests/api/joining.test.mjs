// Joining an enterprise with the person's consent (issue 4, PP-04, PP-11): invitations by mobile
// number become pending data that only administrators and the person see, until the person
// accepts (a member), declines or lets pending-days pass (deleted, key and all); links and QR
// codes with an expiry, a use limit and optional approval.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, nextPhone, runAtrium, show, sql, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

async function setup(t) {
  const srv = await startServer(t, { args: ['--code-resend', '1'] });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  const res = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '研发部' } });
  assert.equal(res.status, 201, show(res));
  return { srv, owner, eid, rd: res.json.id };
}

const HELD = { title: '工程师', job_number: 'A0042', email: 'wang@example.com' };

async function invite(srv, admin, eid, phone, extra = {}) {
  const res = await srv.req('POST', `${E}/${eid}/pending-members`, { token: admin.token, body: { name: '王五', mobile: phone, ...extra } });
  assert.equal(res.status, 201, show(res));
  return res.json;
}

async function mine(srv, who) {
  const res = await srv.req('GET', '/api/v1/me/invitations', { token: who.token });
  assert.equal(res.status, 200, show(res));
  return res.json.invitations;
}

async function memberIds(srv, who, eid) {
  const res = await srv.req('GET', `${E}/${eid}/members?limit=100`, { token: who.token });
  assert.equal(res.status, 200, show(res));
  return res.json.members.map((m) => m.user_id);
}

test('an invitation by mobile is pending data the person sees and accepts; then they are a member', async (t) => {
  const { srv, owner, eid, rd } = await setup(t);
  const phone = nextPhone();
  const p = await invite(srv, owner, eid, phone, { department_id: rd, ...HELD });
  assert.match(p.id, ID);
  assert.equal(p.status, 'awaiting_person');
  assert.equal(p.source, 'invitation');
  assert.equal(p.mobile, `+86${phone}`, 'administrators see the number they entered');
  assert.equal(p.department_id, rd);

  // The SMS names the enterprise and where to answer; the number is not yet anyone's account.
  const sms = (await srv.readOutbox('sms')).filter((m) => m.to === `+86${phone}` && m.kind === 'invitation');
  assert.equal(sms.length, 1, 'one invitation SMS');
  assert.match(sms[0].text, /示例科技/);
  assert.match(sms[0].text, /30 天/);
  assert.match(sms[0].text, new RegExp(srv.base.replace(/[.]/g, '\\.')));

  // Pending: the administrators' list has it, the members list and other people do not.
  let res = await srv.req('GET', `${E}/${eid}/pending-members`, { token: owner.token });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.pending_members.map((x) => x.id), [p.id]);
  const stranger = await srv.signUp();
  assert.deepEqual(await mine(srv, stranger), [], 'nobody else sees it');

  // The person signs up with the number and sees which enterprise holds what about them.
  const wang = await srv.signUp({ phone });
  const list = await mine(srv, wang);
  assert.equal(list.length, 1);
  assert.deepEqual(list[0].enterprise, { id: eid, name: '示例科技' });
  assert.deepEqual(list[0].held, { name: '王五', mobile: `+86${phone}`, department: '研发部', ...HELD });
  assert.equal(list[0].status, 'awaiting_person');
  assert.ok(Date.parse(list[0].expires_at) - Date.parse(list[0].created_at) === 30 * 86400e3, 'pending-days 30');
  assert.ok(!(await memberIds(srv, owner, eid)).includes(wang.user.id), 'not a member before accepting');
  assertProblem(await srv.req('GET', `${E}/${eid}`, { token: wang.token }), 404, 'not_found');

  // Accepting makes the membership from what was held, under the name the person prefers.
  res = await srv.req('POST', `/api/v1/me/invitations/${p.id}/accept`, { token: wang.token, body: { name_in_enterprise: '王小五' } });
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.user_id, wang.user.id);
  assert.equal(res.json.name_in_enterprise, '王小五');
  assert.equal(res.json.title, HELD.title);
  assert.equal(res.json.job_number, HELD.job_number);
  assert.equal(res.json.email, HELD.email);
  assert.equal(res.json.primary_department, rd);
  assert.ok((await memberIds(srv, owner, eid)).includes(wang.user.id));
  assert.deepEqual(await mine(srv, wang), [], 'the pending row is gone');
  res = await srv.req('GET', `${E}/${eid}/pending-members`, { token: owner.token });
  assert.deepEqual(res.json.pending_members, []);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM subject_keys WHERE subject_id = ${p.id}`), ['0'], 'its data key went with it');
  assert.deepEqual(sql(srv, `SELECT actor, object FROM audit_log WHERE action = 'member.join' AND subject = ${wang.user.id}`),
    [`${wang.user.id}|enterprise:${eid}`], 'the acceptance is on the audit chain');
  assertProblem(await srv.req('POST', `/api/v1/me/invitations/${p.id}/accept`, { token: wang.token, body: {} }), 404, 'pending_not_found');
});

test('declining deletes what the enterprise entered, and so does silence past pending-days', async (t) => {
  const { srv, owner, eid } = await setup(t);
  const li = await srv.signUp();
  const zhao = await srv.signUp();
  const a = await invite(srv, owner, eid, li.phone, HELD);
  const b = await invite(srv, owner, eid, zhao.phone, { notify: false });
  assert.equal((await srv.readOutbox('sms')).filter((m) => m.kind === 'invitation' && m.to === zhao.e164).length, 0,
    'notify: false sends nothing');

  // Someone else cannot answer for li.
  assertProblem(await srv.req('POST', `/api/v1/me/invitations/${a.id}/decline`, { token: zhao.token }), 404, 'pending_not_found');
  let res = await srv.req('POST', `/api/v1/me/invitations/${a.id}/decline`, { token: li.token });
  assert.equal(res.status, 204, show(res));
  assert.deepEqual(await mine(srv, li), []);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM pending_members WHERE id = ${a.id}`), ['0']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM subject_keys WHERE subject_id = ${a.id}`), ['0']);
  assert.ok(!(await memberIds(srv, owner, eid)).includes(li.user.id));
  // Declined, the enterprise may ask again: nothing of the first invitation is left to collide.
  await invite(srv, owner, eid, li.phone);

  // Unanswered: the retention rule deletes the row once its deadline passes.
  res = await runAtrium(['admin', 'retention', 'run', '--data', srv.dataDir]);
  assert.match(res.stdout, /^pending_members: 0 removed$/m, res.stdout);
  sql(srv, `UPDATE pending_members SET expires_at = 1000 WHERE id = ${b.id}`);
  res = await runAtrium(['admin', 'retention', 'run', '--data', srv.dataDir]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^pending_members: 1 removed$/m, res.stdout);
  assert.deepEqual(await mine(srv, zhao), []);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM subject_keys WHERE subject_id = ${b.id}`), ['0']);
});

test('bad invitations are refused with a stable code and store nothing', async (t) => {
  const { srv, owner, eid, rd } = await setup(t);
  const member = await srv.signUp();
  const url = `${E}/${eid}/pending-members`;
  const phone = nextPhone();
  const before = sql(srv, 'SELECT count(*) FROM pending_members');
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { mobile: phone } }), 400, 'missing_field', { field: 'name' });
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { name: '王五', mobile: '12' } }), 400, 'invalid_value', { field: 'mobile' });
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { name: '王五', mobile: phone, email: 'nope' } }), 400, 'invalid_value', { field: 'email' });
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { name: '王五', mobile: phone, department_id: '999' } }), 404, 'department_not_found', { field: 'department_id' });
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { name: '王五', mobile: owner.phone } }), 409, 'already_member');
  assert.deepEqual(sql(srv, 'SELECT count(*) FROM pending_members'), before, 'nothing stored');
  await invite(srv, owner, eid, phone, { department_id: rd });
  assertProblem(await srv.req('POST', url, { token: owner.token, body: { name: '王五', mobile: phone } }), 409, 'already_invited');

  // Members without the members right neither invite nor see the pending list.
  const other = await createEnterprise(srv, member, '另一家');
  assertProblem(await srv.req('GET', url, { token: member.token }), 404, 'not_found');
  assertProblem(await srv.req('DELETE', `${E}/${other}/pending-members/1`, { token: owner.token }), 404, 'not_found');
  assertProblem(await srv.req('GET', `${E}/${eid}/pending-members?status=joined`, { token: owner.token }), 400, 'invalid_value', { field: 'status' });
});

test('a link invites with an expiry and a use limit, and can be revoked', async (t) => {
  const { srv, owner, eid, rd } = await setup(t);
  let res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body: { max_uses: 2, expires_in_days: 3, department_id: rd } });
  assert.equal(res.status, 201, show(res));
  const link = res.json;
  assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(link.url, `${srv.base}/join/${link.token}`);
  assert.equal(link.uses, 0);
  assert.equal(link.state, 'active');
  assert.equal(Date.parse(link.expires_at) - Date.parse(link.created_at), 3 * 86400e3);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM invitations WHERE token_hash = '${link.token}'`), ['0'], 'only a hash is stored');

  // The page a QR code opens: no sign-in needed.
  res = await srv.req('GET', `/api/v1/invitations/${link.token}`);
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.enterprise, { id: eid, name: '示例科技' });
  assert.equal(res.json.needs_approval, false);

  const [a, b, c] = [await srv.signUp(), await srv.signUp(), await srv.signUp()];
  assertProblem(await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { body: { name_in_enterprise: '甲' } }), 401, 'auth_required');
  assertProblem(await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: a.token, body: {} }), 400, 'missing_field');
  res = await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: a.token, body: { name_in_enterprise: '甲' } });
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.primary_department, rd, 'placed in the link\'s department');
  assertProblem(await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: a.token, body: { name_in_enterprise: '甲' } }), 409, 'already_member');
  res = await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: b.token, body: { name_in_enterprise: '乙' } });
  assert.equal(res.status, 201, show(res));
  assertProblem(await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: c.token, body: { name_in_enterprise: '丙' } }), 410, 'invitation_used_up');
  const ids = await memberIds(srv, owner, eid);
  assert.ok(ids.includes(a.user.id) && ids.includes(b.user.id) && !ids.includes(c.user.id));

  res = await srv.req('GET', `${E}/${eid}/invitations`, { token: owner.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.invitations[0].uses, 2);
  assert.equal(res.json.invitations[0].state, 'used_up');
  assert.equal(res.json.invitations[0].token, undefined, 'the token is shown once only');

  // Expiry and revocation.
  res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body: {} });
  const open = res.json;
  assert.equal(Date.parse(open.expires_at) - Date.parse(open.created_at), 7 * 86400e3, 'a week by default');
  assert.equal(open.max_uses, null);
  sql(srv, `UPDATE invitations SET expires_at = 1000 WHERE id = ${open.id}`);
  assertProblem(await srv.req('GET', `/api/v1/invitations/${open.token}`), 410, 'invitation_expired');
  assertProblem(await srv.req('POST', `/api/v1/invitations/${open.token}/accept`, { token: c.token, body: { name_in_enterprise: '丙' } }), 410, 'invitation_expired');
  res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body: {} });
  const gone = res.json;
  res = await srv.req('DELETE', `${E}/${eid}/invitations/${gone.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assertProblem(await srv.req('GET', `/api/v1/invitations/${gone.token}`), 404, 'invitation_not_found');
  assertProblem(await srv.req('GET', `/api/v1/invitations/${'x'.repeat(43)}`), 404, 'invitation_not_found');
  assertProblem(await srv.req('DELETE', `${E}/${eid}/invitations/12345`, { token: owner.token }), 404, 'invitation_not_found');

  for (const [body, field] of [[{ expires_in_days: 0 }, 'expires_in_days'], [{ expires_in_days: 91 }, 'expires_in_days'],
    [{ max_uses: 0 }, 'max_uses'], [{ max_uses: 'two' }, 'max_uses']]) {
    res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body });
    assert.equal(res.status, 400, show(res));
    assert.equal(res.json.field, field);
  }
});

test('joining by a link answers what the enterprise entered about the person before', async (t) => {
  const { srv, owner, eid } = await setup(t);
  const who = await srv.signUp();
  await invite(srv, owner, eid, who.phone.replace(/^\+86/, ''), HELD);
  assert.equal((await mine(srv, who)).length, 1);
  let res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body: {} });
  assert.equal(res.status, 201, show(res));
  res = await srv.req('POST', `/api/v1/invitations/${res.json.token}/accept`, { token: who.token, body: { name_in_enterprise: '王五' } });
  assert.equal(res.status, 201, show(res));
  // Joined: the invitation by mobile does not linger, for them or the administrators.
  assert.deepEqual(await mine(srv, who), []);
  res = await srv.req('GET', `${E}/${eid}/pending-members`, { token: owner.token });
  assert.deepEqual(res.json.pending_members, []);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM pending_members WHERE enterprise_id = ${eid}`), ['0']);
});

test('a link needing approval holds the request until an administrator approves or rejects it', async (t) => {
  const { srv, owner, eid } = await setup(t);
  let res = await srv.req('POST', `${E}/${eid}/invitations`, { token: owner.token, body: { needs_approval: true } });
  const link = res.json;
  const [a, b] = [await srv.signUp(), await srv.signUp()];
  res = await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: a.token, body: { name_in_enterprise: '甲' } });
  assert.equal(res.status, 202, show(res));
  assert.equal(res.json.status, 'awaiting_approval');
  const pa = res.json.pending_id;
  assertProblem(await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: a.token, body: { name_in_enterprise: '甲' } }), 409, 'awaiting_approval');
  res = await srv.req('POST', `/api/v1/invitations/${link.token}/accept`, { token: b.token, body: { name_in_enterprise: '乙' } });
  const pb = res.json.pending_id;

  const list = await mine(srv, a);
  assert.equal(list.length, 1);
  assert.equal(list[0].status, 'awaiting_approval');
  assert.equal(list[0].source, 'link');
  assertProblem(await srv.req('POST', `/api/v1/me/invitations/${pa}/accept`, { token: a.token, body: {} }), 409, 'awaiting_approval');
  assert.ok(!(await memberIds(srv, owner, eid)).includes(a.user.id));

  res = await srv.req('GET', `${E}/${eid}/pending-members?status=awaiting_approval`, { token: owner.token });
  assert.deepEqual(res.json.pending_members.map((x) => [x.id, x.user_id, x.name]), [[pa, a.user.id, '甲'], [pb, b.user.id, '乙']]);
  res = await srv.req('POST', `${E}/${eid}/pending-members/${pa}/approve`, { token: owner.token });
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.name_in_enterprise, '甲');
  assert.ok((await memberIds(srv, owner, eid)).includes(a.user.id));
  res = await srv.req('GET', '/api/v1/me/notifications', { token: a.token });
  assert.ok(res.json.notifications.some((n) => n.kind === 'enterprise_joined' && n.title.includes('示例科技')), show(res));

  res = await srv.req('DELETE', `${E}/${eid}/pending-members/${pb}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assert.deepEqual(await mine(srv, b), []);
  assert.ok(!(await memberIds(srv, owner, eid)).includes(b.user.id));
  assertProblem(await srv.req('POST', `${E}/${eid}/pending-members/${pb}/approve`, { token: owner.token }), 404, 'pending_not_found');
  // Approving is for requests: an invitation by mobile waits for the person, not the administrator.
  const p = await invite(srv, owner, eid, nextPhone());
  assertProblem(await srv.req('POST', `${E}/${eid}/pending-members/${p.id}/approve`, { token: owner.token }), 404, 'pending_not_found');
});

test('records name the administrator who made them; once gone, by a pseudonym only', async (t) => {
  const { srv, owner, eid } = await setup(t);
  const adm = await srv.signUp();
  await addMember(srv, owner, eid, adm, '孙经理');
  let res = await srv.req('PUT', `${E}/${eid}/admins/${adm.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  const phone = nextPhone();
  const p = await invite(srv, adm, eid, phone);
  assert.deepEqual(p.created_by, { user_id: adm.user.id, name: '孙经理' });
  res = await srv.req('POST', `${E}/${eid}/invitations`, { token: adm.token, body: {} });
  assert.deepEqual(res.json.created_by, { user_id: adm.user.id, name: '孙经理' });
  const invitee = await srv.signUp({ phone });
  assert.deepEqual((await mine(srv, invitee))[0].invited_by, { user_id: adm.user.id, name: '孙经理' });

  // The administrator is removed: the records stay, naming a pseudonym, not the person.
  res = await srv.req('DELETE', `${E}/${eid}/members/${adm.user.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  const pending = (await srv.req('GET', `${E}/${eid}/pending-members`, { token: owner.token })).json.pending_members[0];
  const link = (await srv.req('GET', `${E}/${eid}/invitations`, { token: owner.token })).json.invitations[0];
  assert.match(pending.created_by.name, /^离职成员 [0-9A-F]{6}$/);
  assert.equal(pending.created_by.former, true);
  assert.equal(pending.created_by.user_id, undefined, 'no id either');
  assert.deepEqual(link.created_by, pending.created_by, 'one pseudonym for one person in one enterprise');
  assert.ok(!JSON.stringify([pending, link]).includes('孙经理'));
  // In another enterprise the same person would get an unrelated pseudonym.
  const other = await createEnterprise(srv, owner, '另一家');
  await addMember(srv, owner, other, adm, '孙经理');
  res = await srv.req('PUT', `${E}/${other}/admins/${adm.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  res = await srv.req('POST', `${E}/${other}/invitations`, { token: adm.token, body: {} });
  await srv.req('DELETE', `${E}/${other}/members/${adm.user.id}`, { token: owner.token });
  const there = (await srv.req('GET', `${E}/${other}/invitations`, { token: owner.token })).json.invitations[0];
  assert.notEqual(there.created_by.name, link.created_by.name);
});
