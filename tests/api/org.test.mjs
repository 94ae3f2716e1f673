// Enterprises and roles (issue 4, PP-03, PP-04): creation with the creator's information, the
// profile, administrators with rights and scope, ownership transfer, several enterprises per
// person, and the outsider walk: every route under /enterprises/{eid} answers an outsider 404.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ID, RFC3339_MS, addMember as joinAsMember, assertProblem, runAtrium, show, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';
const company = (extra = {}) => ({
  creator_name: '张三', name: '示例科技', industry: 'software', size: '11-50', region: 'Shanghai', ...extra,
});

async function create(srv, who, extra = {}) {
  const res = await srv.req('POST', E, { token: who.token, body: company(extra) });
  assert.equal(res.status, 201, show(res));
  return res.json;
}

async function addMember(srv, owner, eid, who, name = '李四') {
  return (await joinAsMember(srv, owner, eid, who, name)).json;
}

async function myEnterprises(srv, who) {
  const res = await srv.req('GET', '/api/v1/me/enterprises', { token: who.token });
  assert.equal(res.status, 200, show(res));
  return res.json.enterprises;
}

test('creating an enterprise makes its creator the owner', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp({ name: 'Zhang San' });
  const ent = await create(srv, a);
  assert.match(ent.id, ID);
  assert.equal(ent.name, '示例科技');
  assert.equal(ent.industry, 'software');
  assert.equal(ent.size, '11-50');
  assert.equal(ent.region, 'Shanghai');
  assert.equal(ent.owner_id, a.user.id);
  assert.equal(ent.my_role, 'owner');
  assert.equal(ent.logo_url, '');
  assert.match(ent.created_at, RFC3339_MS);

  const mine = await myEnterprises(srv, a);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].id, ent.id);
  assert.equal(mine[0].role, 'owner');
  assert.equal(mine[0].status, 'active');
  assert.equal(mine[0].name_in_enterprise, '张三');

  const got = await srv.req('GET', `${E}/${ent.id}`, { token: a.token });
  assert.equal(got.status, 200, show(got));
  assert.deepEqual(got.json, ent);

  const admins = await srv.req('GET', `${E}/${ent.id}/admins`, { token: a.token });
  assert.equal(admins.status, 200, show(admins));
  assert.deepEqual(admins.json.admins, [{
    user_id: a.user.id, name_in_enterprise: '张三', role: 'owner',
    rights: ['members', 'departments', 'apps', 'attendance', 'approvals', 'privacy'], scope: 'all',
  }]);

});

test('without the creator information there is creator_info_required and no enterprise (PP-03)', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp();
  for (const field of ['creator_name', 'name', 'industry', 'size', 'region']) {
    const missing = company();
    delete missing[field];
    let res = await srv.req('POST', E, { token: a.token, body: missing });
    assertProblem(res, 400, 'creator_info_required', { field });
    res = await srv.req('POST', E, { token: a.token, body: company({ [field]: '' }) });
    assertProblem(res, 400, 'creator_info_required', { field });
    res = await srv.req('POST', E, { token: a.token, body: company({ [field]: '   ' }) });
    assertProblem(res, 400, 'creator_info_required', { field });
  }
  let res = await srv.req('POST', E, { token: a.token, body: {} });
  assertProblem(res, 400, 'creator_info_required', { field: 'creator_name' });
  res = await srv.req('POST', E, { token: a.token, body: company({ size: 50 }) });
  assertProblem(res, 400, 'invalid_type', { field: 'size' });
  res = await srv.req('POST', E, { body: company() });
  assertProblem(res, 401, 'auth_required');
  assert.deepEqual(await myEnterprises(srv, a), [], 'nothing was created');
});

test('the owner edits the profile; a plain member is refused', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp();
  const b = await srv.signUp();
  const ent = await create(srv, a);
  await addMember(srv, a, ent.id, b);

  const profile = {
    name: '示例科技有限公司', logo_url: 'https://example.com/logo.png', invoice_header: '示例科技有限公司',
    address: '上海市浦东新区', contact: '021-12345678',
  };
  let res = await srv.req('PATCH', `${E}/${ent.id}`, { token: a.token, body: profile });
  assert.equal(res.status, 200, show(res));
  for (const [k, v] of Object.entries(profile)) assert.equal(res.json[k], v, k);
  assert.equal(res.json.industry, 'software', 'fields not sent stay');

  res = await srv.req('GET', `${E}/${ent.id}`, { token: b.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.name, profile.name, 'members read the profile');
  assert.equal(res.json.my_role, 'member');

  res = await srv.req('PATCH', `${E}/${ent.id}`, { token: b.token, body: { name: 'Hijacked' } });
  assertProblem(res, 403, 'forbidden', { right: 'admin' });
  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: b.token });
  assertProblem(res, 403, 'forbidden', { right: 'admin' });
  res = await srv.req('POST', `${E}/${ent.id}/pending-members`, { token: b.token, body: { name: 'x', mobile: a.phone } });
  assertProblem(res, 403, 'forbidden', { right: 'members' });

  res = await srv.req('PATCH', `${E}/${ent.id}`, { token: a.token, body: { logo_url: 'javascript:alert(1)' } });
  assertProblem(res, 400, 'invalid_value', { field: 'logo_url' });
  res = await srv.req('PATCH', `${E}/${ent.id}`, { token: a.token, body: { name: '' } });
  assertProblem(res, 400, 'invalid_value', { field: 'name' });
  res = await srv.req('PATCH', `${E}/${ent.id}`, { token: a.token, body: { address: '' } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.address, '', 'an optional field is cleared with ""');
  res = await srv.req('GET', `${E}/${ent.id}`, { token: a.token });
  assert.equal(res.json.name, profile.name, 'the refused edits changed nothing');

  res = await srv.req('POST', `${E}/${ent.id}/pending-members`, { token: a.token, body: { name: 'again', mobile: b.phone } });
  assertProblem(res, 409, 'already_member');
  res = await srv.req('POST', `${E}/${ent.id}/pending-members`, { token: a.token, body: { name: 'x', mobile: '12345' } });
  assertProblem(res, 400, 'invalid_value', { field: 'mobile' });
});

test('an administrator can do what the rights allow and no more', async (t) => {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const adm = await srv.signUp();
  const plain = await srv.signUp();
  const later = await srv.signUp();
  const ent = await create(srv, owner);
  await addMember(srv, owner, ent.id, adm, '王五');
  await addMember(srv, owner, ent.id, plain, '赵六');
  const adminUrl = `${E}/${ent.id}/admins/${adm.user.id}`;

  // Bad rights and scopes are refused and appoint nobody.
  let res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['root'], scope: 'all' } });
  assertProblem(res, 400, 'invalid_value', { field: 'rights' });
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: [], scope: 'all' } });
  assertProblem(res, 400, 'invalid_value', { field: 'rights' });
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['members'], scope: 'some' } });
  assertProblem(res, 400, 'invalid_value', { field: 'scope' });
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['members'], scope: { departments: ['999'] } } });
  assertProblem(res, 400, 'invalid_value', { field: 'scope.departments' });
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['members'] } });
  assertProblem(res, 400, 'missing_field', { field: 'scope' });
  res = await srv.req('PUT', `${E}/${ent.id}/admins/${later.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  assertProblem(res, 404, 'member_not_found');
  res = await srv.req('PUT', `${E}/${ent.id}/admins/${owner.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  assertProblem(res, 409, 'role_conflict');
  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: adm.token });
  assertProblem(res, 403, 'forbidden', { right: 'admin' });

  // Appointed with the members right only.
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['members', 'members'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json, { user_id: adm.user.id, name_in_enterprise: '王五', role: 'admin', rights: ['members'], scope: 'all' });
  assert.equal((await myEnterprises(srv, adm))[0].role, 'admin');
  // The appointment is on the audit chain: the appointed person sees it in the access log.
  res = await srv.req('GET', '/api/v1/me/access-log', { token: adm.token });
  assert.equal(res.status, 200, show(res));
  assert.ok(res.json.entries.some((e) => e.action === 'enterprise.admin_appoint' && e.object === `enterprise:${ent.id}`
    && e.actor.id === owner.user.id), show(res));

  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: adm.token });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.admins.map((x) => [x.user_id, x.role]), [[owner.user.id, 'owner'], [adm.user.id, 'admin']]);
  await addMember(srv, adm, ent.id, later, '孙七'); // the members right
  res = await srv.req('PATCH', `${E}/${ent.id}`, { token: adm.token, body: { contact: '400-000-0000' } });
  assert.equal(res.status, 200, 'any administrator edits the profile');
  assert.equal(res.json.my_role, 'admin');
  // … but appointing, demoting and transferring stay the owner's.
  res = await srv.req('PUT', `${E}/${ent.id}/admins/${plain.user.id}`, { token: adm.token, body: { rights: ['apps'], scope: 'all' } });
  assertProblem(res, 403, 'forbidden', { right: 'owner' });
  res = await srv.req('DELETE', adminUrl, { token: adm.token });
  assertProblem(res, 403, 'forbidden', { right: 'owner' });
  res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: adm.token, body: { to_user_id: adm.user.id } });
  assertProblem(res, 403, 'forbidden', { right: 'owner' });

  // Rights updated to apps only: the members right is gone.
  res = await srv.req('PUT', adminUrl, { token: owner.token, body: { rights: ['apps', 'privacy'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.rights, ['apps', 'privacy']);
  const fresh = await srv.signUp();
  res = await srv.req('POST', `${E}/${ent.id}/pending-members`, { token: adm.token, body: { name: 'x', mobile: fresh.phone } });
  assertProblem(res, 403, 'forbidden', { right: 'members' });

  // Demoted: a member again, admin routes refused.
  res = await srv.req('DELETE', adminUrl, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: adm.token });
  assertProblem(res, 403, 'forbidden', { right: 'admin' });
  assert.equal((await myEnterprises(srv, adm))[0].role, 'member');
  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: owner.token });
  assert.deepEqual(res.json.admins.map((x) => x.user_id), [owner.user.id]);
  res = await srv.req('DELETE', `${E}/${ent.id}/admins/${owner.user.id}`, { token: owner.token });
  assertProblem(res, 409, 'role_conflict');
});

test('ownership is transferred to an active member; the old owner stays as an administrator', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp();
  const b = await srv.signUp();
  const stranger = await srv.signUp();
  const ent = await create(srv, a);
  await addMember(srv, a, ent.id, b);

  let res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: a.token, body: { to_user_id: stranger.user.id } });
  assertProblem(res, 404, 'member_not_found', { field: 'to_user_id' });
  res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: a.token, body: { to_user_id: a.user.id } });
  assertProblem(res, 409, 'role_conflict');
  res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: a.token, body: {} });
  assertProblem(res, 400, 'missing_field', { field: 'to_user_id' });

  res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: a.token, body: { to_user_id: b.user.id } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.owner_id, b.user.id);
  assert.equal(res.json.my_role, 'admin');

  res = await srv.req('GET', `${E}/${ent.id}`, { token: b.token });
  assert.equal(res.json.my_role, 'owner');
  res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: b.token });
  assert.deepEqual(res.json.admins, [
    { user_id: b.user.id, name_in_enterprise: '李四', role: 'owner', rights: ['members', 'departments', 'apps', 'attendance', 'approvals', 'privacy'], scope: 'all' },
    { user_id: a.user.id, name_in_enterprise: '张三', role: 'admin', rights: ['members', 'departments', 'apps', 'attendance', 'approvals', 'privacy'], scope: 'all' },
  ]);
  // The old owner has every right but no longer the owner's: no second transfer.
  res = await srv.req('POST', `${E}/${ent.id}/transfer`, { token: a.token, body: { to_user_id: a.user.id } });
  assertProblem(res, 403, 'forbidden', { right: 'owner' });
  res = await srv.req('DELETE', `${E}/${ent.id}/admins/${a.user.id}`, { token: b.token });
  assert.equal(res.status, 204, 'the new owner may demote the old one');
  assert.equal((await myEnterprises(srv, a))[0].role, 'member');
});

test('a person in two enterprises sees both, with the role in each', async (t) => {
  const srv = await startServer(t);
  const a = await srv.signUp();
  const b = await srv.signUp();
  const one = await create(srv, a, { name: '甲公司' });
  const two = await create(srv, b, { name: '乙公司' });
  await addMember(srv, b, two.id, a, '张三丰');
  const mine = await myEnterprises(srv, a);
  assert.deepEqual(mine.map((e) => [e.id, e.name, e.role, e.name_in_enterprise]),
    [[one.id, '甲公司', 'owner', '张三'], [two.id, '乙公司', 'member', '张三丰']]);
  let res = await srv.req('GET', `${E}/${two.id}`, { token: a.token });
  assert.equal(res.json.my_role, 'member');
  // b sees only its own.
  assert.deepEqual((await myEnterprises(srv, b)).map((e) => e.id), [two.id]);
  res = await srv.req('GET', `${E}/${one.id}`, { token: b.token });
  assertProblem(res, 404, 'not_found');
});

test('THE OUTSIDER WALK: every route under /enterprises/{eid} answers an outsider 404, existing or not', async (t) => {
  const srv = await startServer(t);
  const owner = await srv.signUp();
  const member = await srv.signUp();
  const outsider = await srv.signUp();
  await create(srv, outsider, { name: '别家公司' }); // an owner elsewhere is an outsider here
  const ent = await create(srv, owner);
  await addMember(srv, owner, ent.id, member);

  const out = await runAtrium(['routes']);
  assert.equal(out.code, 0, out.stderr);
  const routes = out.stdout.split('\n').map((l) => l.trim())
    .filter((l) => / \/api\/v1\/enterprises\/\{eid\}/.test(l));
  assert.ok(routes.length >= 7, `enterprise routes found: ${routes.join(', ')}`);

  // What the router says of a path it does not know, for comparison.
  const unknown = await srv.req('GET', '/api/v1/no-such-route', { token: outsider.token });
  assertProblem(unknown, 404, 'not_found');

  const bodies = { PATCH: { name: 'x' }, PUT: { rights: ['members'], scope: 'all' }, POST: { to_user_id: member.user.id, user_id: outsider.user.id, name_in_enterprise: 'x' } };
  for (const eid of [ent.id, '9223372036854775', 'not-an-id']) {
    for (const line of routes) {
      const [method, template] = line.split(' ');
      const url = template.replace('{eid}', eid).replace('{uid}', member.user.id);
      for (const body of [bodies[method], undefined]) {
        const res = await srv.req(method, url, { token: outsider.token, body });
        const p = assertProblem(res, 404, 'not_found');
        assert.equal(p.detail, unknown.json.detail, `same words as the router: ${show(res)}`);
        assert.deepEqual(Object.keys(p).sort(), Object.keys(unknown.json).sort(), `no extra hint: ${show(res)}`);
        if (method === 'GET') break;
      }
    }
  }
  // Nothing changed: the enterprise is as it was, and the outsider belongs only to its own.
  const res = await srv.req('GET', `${E}/${ent.id}/admins`, { token: owner.token });
  assert.deepEqual(res.json.admins.map((x) => x.user_id), [owner.user.id]);
  assert.equal((await srv.req('GET', `${E}/${ent.id}`, { token: owner.token })).json.name, '示例科技');
  assert.equal((await myEnterprises(srv, outsider)).length, 1);
});
