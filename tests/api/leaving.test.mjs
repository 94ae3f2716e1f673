// Leaving an enterprise and being removed from it (issue 4, PP-37, PP-38): the membership and the
// enterprise's rows about the person go at once, in that enterprise only; the owner must transfer
// first; leaving the last enterprise cancels the account, said before it happens.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, runAtrium, show, sleep, sql, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';
const TABLES = ['members', 'member_profiles', 'member_departments', 'department_heads', 'admin_rights', 'admin_scope_departments'];

/** The person's rows about them in each org table of the enterprise. */
function rowsOf(srv, eid, uid) {
  return Object.fromEntries(TABLES.map((t) =>
    [t, Number(sql(srv, `SELECT count(*) FROM ${t} WHERE enterprise_id = ${eid} AND user_id = ${uid}`)[0])]));
}

async function verifyAudit(srv) {
  const out = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
}

async function setup(t, args = []) {
  const srv = await startServer(t, { args });
  const create = async (who, name) => {
    const r = await srv.req('POST', E, { token: who.token, body: {
      creator_name: '张三', name, industry: 'software', size: '11-50', region: 'Shanghai' } });
    assert.equal(r.status, 201, show(r));
    return r.json.id;
  };
  const owner = await srv.signUp();
  const eid = await create(owner, '示例科技');
  const other = await create(owner, '另一家');
  const join = async (who, e = eid, name = '王五') => {
    await addMember(srv, owner, e, who, name);
  };
  let r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '研发部' } });
  assert.equal(r.status, 201, show(r));
  const rd = r.json.id;
  /** Gives who a profile, a department, the head of it, and admin rights scoped to it. */
  const furnish = async (who) => {
    const uid = who.user.id;
    for (const [m, u, body] of [
      ['PATCH', `${E}/${eid}/members/${uid}`, { position: '工程师', email: 'w@example.com' }],
      ['PUT', `${E}/${eid}/members/${uid}/departments`, { departments: [rd], primary: rd }],
      ['PUT', `${E}/${eid}/admins/${uid}`, { rights: ['apps'], scope: { departments: [rd] } }],
    ]) {
      const res = await srv.req(m, u, { token: owner.token, body });
      assert.equal(res.status, 200, show(res));
    }
    sql(srv, `INSERT INTO department_heads (enterprise_id, department_id, user_id) VALUES (${eid}, ${rd}, ${uid})`);
    assert.deepEqual(Object.values(rowsOf(srv, eid, uid)), [1, 1, 1, 1, 1, 1], 'every table holds a row first');
  };
  return { srv, owner, eid, other, rd, join, furnish };
}

test('a member leaves: 204, the enterprise is gone for them, its rows about them erased', async (t) => {
  const { srv, owner, eid, other, join, furnish } = await setup(t);
  const wang = await srv.signUp();
  await join(wang);
  await join(wang, other);
  await furnish(wang);
  assert.equal((await srv.req('GET', `${E}/${eid}/members`, { token: wang.token })).status, 200);

  const res = await srv.req('DELETE', `${E}/${eid}/members/me`, { token: wang.token });
  assert.equal(res.status, 204, show(res));
  assertProblem(await srv.req('GET', `${E}/${eid}/members`, { token: wang.token }), 404, 'not_found');
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/me`, { token: wang.token }), 404, 'not_found');
  assert.deepEqual(Object.values(rowsOf(srv, eid, wang.user.id)), [0, 0, 0, 0, 0, 0]);
  // the other enterprise keeps them; the account stays, no cancellation
  assert.equal((await srv.req('GET', `${E}/${other}/members`, { token: wang.token })).status, 200);
  assert.equal(rowsOf(srv, other, wang.user.id).members, 1);
  assertProblem(await srv.req('GET', '/api/v1/me/cancellation', { token: wang.token }), 404, 'no_cancellation');
  assertProblem(await srv.req('GET', `${E}/${eid}/members/${wang.user.id}`, { token: owner.token }), 404, 'member_not_found');

  assert.deepEqual(sql(srv, `SELECT actor, action, subject, object FROM audit_log WHERE action = 'member.leave'`),
    [`${wang.user.id}|member.leave|${wang.user.id}|enterprise:${eid}`]);
  await verifyAudit(srv);
});

test('an administrator removes a member: same erasure; not the owner, not oneself', async (t) => {
  const { srv, owner, eid, join, furnish } = await setup(t);
  const wang = await srv.signUp();
  const sun = await srv.signUp();
  const plain = await srv.signUp();
  await join(wang);
  await join(sun, eid, '孙八');
  await join(plain, eid, '钱七');
  await furnish(wang);
  let res = await srv.req('PUT', `${E}/${eid}/admins/${sun.user.id}`, { token: owner.token, body: { rights: ['members'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));

  // a plain member lacks the right; nobody removes the owner; one leaves oneself through /me
  res = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}`, { token: plain.token });
  assertProblem(res, 403, 'forbidden');
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/${owner.user.id}`, { token: sun.token }), 409, 'owner_must_transfer');
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/${sun.user.id}`, { token: sun.token }), 403, 'forbidden');
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/999999`, { token: sun.token }), 404, 'member_not_found');

  res = await srv.req('DELETE', `${E}/${eid}/members/${wang.user.id}`, { token: sun.token });
  assert.equal(res.status, 204, show(res));
  assertProblem(await srv.req('GET', `${E}/${eid}/members`, { token: wang.token }), 404, 'not_found');
  assert.deepEqual(Object.values(rowsOf(srv, eid, wang.user.id)), [0, 0, 0, 0, 0, 0]);
  // removal is the enterprise's act: the person's account is not cancelled by it
  assertProblem(await srv.req('GET', '/api/v1/me/cancellation', { token: wang.token }), 404, 'no_cancellation');
  assert.equal((await srv.req('GET', '/api/v1/me', { token: wang.token })).status, 200);
  assert.deepEqual(sql(srv, `SELECT actor, action, subject, object FROM audit_log WHERE action = 'member.remove'`),
    [`${sun.user.id}|member.remove|${wang.user.id}|enterprise:${eid}`]);
  await verifyAudit(srv);
});

test('the owner cannot leave until ownership is transferred', async (t) => {
  const { srv, owner, eid, join } = await setup(t);
  const wang = await srv.signUp();
  await join(wang);
  assertProblem(await srv.req('DELETE', `${E}/${eid}/members/me`, { token: owner.token }), 409, 'owner_must_transfer');
  assert.equal(rowsOf(srv, eid, owner.user.id).members, 1);
  let res = await srv.req('POST', `${E}/${eid}/transfer`, { token: owner.token, body: { to_user_id: wang.user.id } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('DELETE', `${E}/${eid}/members/me`, { token: owner.token });
  assert.equal(res.status, 204, show(res)); // still in the other enterprise
  assertProblem(await srv.req('GET', `${E}/${eid}/members`, { token: owner.token }), 404, 'not_found');
  assert.deepEqual(Object.values(rowsOf(srv, eid, owner.user.id)), [0, 0, 0, 0, 0, 0]);
  await verifyAudit(srv);
});

test('leaving the last enterprise is said first, then cancels the account', async (t) => {
  const { srv, eid, join, furnish } = await setup(t, ['--code-resend', '1', '--cooling-off-days', '0']);
  const wang = await srv.signUp();
  const never = await srv.signUp(); // belongs to no enterprise at all: not affected
  await join(wang);
  await furnish(wang);
  const audits = sql(srv, 'SELECT count(*) FROM audit_log')[0];

  let res = await srv.req('DELETE', `${E}/${eid}/members/me`, { token: wang.token });
  assertProblem(res, 409, 'last_enterprise');
  assert.match(res.json.detail, /cancels your account/);
  res = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=false`, { token: wang.token });
  assertProblem(res, 409, 'last_enterprise');
  // nothing changed
  assert.deepEqual(Object.values(rowsOf(srv, eid, wang.user.id)), [1, 1, 1, 1, 1, 1]);
  assert.equal(sql(srv, 'SELECT count(*) FROM audit_log')[0], audits);
  assert.equal(sql(srv, 'SELECT count(*) FROM cancellations')[0], '0');
  assert.equal((await srv.req('GET', `${E}/${eid}/members`, { token: wang.token })).status, 200);

  res = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=true`, { token: wang.token });
  assert.equal(res.status, 202, show(res));
  assert.equal(res.json.left, true);
  assert.equal(res.json.account_cancelled, true);
  assert.equal(res.json.status, 'pending');
  assert.match(res.json.receipt_token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(rowsOf(srv, eid, wang.user.id).members, 0);

  // the erasure job follows at once (no cooling-off): the account is gone within seconds
  let status = 0;
  for (let i = 0; i < 50 && status !== 401; i++) {
    status = (await srv.req('GET', '/api/v1/me', { token: wang.token })).status;
    if (status !== 401) await sleep(200);
  }
  assert.equal(status, 401, 'the account was erased');
  const receipt = await srv.req('GET', `/api/v1/privacy/deletion-receipts/${res.json.receipt_token}`);
  assert.ok([200, 404].includes(receipt.status), show(receipt));

  assert.equal((await srv.req('GET', '/api/v1/me', { token: never.token })).status, 200);
  assertProblem(await srv.req('GET', '/api/v1/me/cancellation', { token: never.token }), 404, 'no_cancellation');
  await verifyAudit(srv);
});

test('with a cooling-off period, leaving the last enterprise leaves a pending cancellation', async (t) => {
  const { srv, eid, join } = await setup(t);
  const wang = await srv.signUp();
  await join(wang);
  const res = await srv.req('DELETE', `${E}/${eid}/members/me?confirm_cancel=true`, { token: wang.token });
  assert.equal(res.status, 202, show(res));
  const c = await srv.req('GET', '/api/v1/me/cancellation', { token: wang.token });
  assert.equal(c.status, 200, show(c));
  assert.equal(c.json.status, 'pending');
  assert.equal(c.json.due_at, res.json.due_at);
  assertProblem(await srv.req('GET', `${E}/${eid}/members`, { token: wang.token }), 404, 'not_found');
});

test('an owner whose account is erased hands the enterprise on; one left alone is deleted', async (t) => {
  const srv = await startServer(t, { args: ['--code-resend', '1', '--cooling-off-days', '0'] });
  const owner = await srv.signUp();
  const [adm, first, later] = [await srv.signUp(), await srv.signUp(), await srv.signUp()];
  const eid = await createEnterprise(srv, owner, '示例科技');
  const solo = await createEnterprise(srv, owner, '一人公司');
  await addMember(srv, owner, eid, first, '钱七');
  await addMember(srv, owner, eid, adm, '王五');
  await addMember(srv, owner, eid, later, '赵六');
  let res = await srv.req('PUT', `${E}/${eid}/admins/${adm.user.id}`, { token: owner.token, body: { rights: ['apps'], scope: 'all' } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('POST', `${E}/${eid}/external-contacts`, { token: owner.token, body: { name: '客户甲', company: '甲公司' } });
  assert.equal(res.status, 201, show(res));
  const card = res.json.id;

  await sleep(1100);
  const code = await srv.requestCode(owner.phone, 'verify');
  res = await srv.req('POST', '/api/v1/me/cancellation', { token: owner.token, body: { code } });
  assert.equal(res.status, 202, show(res));
  const deadline = Date.now() + 10_000;
  while (sql(srv, `SELECT count(*) FROM users WHERE id = ${owner.user.id}`)[0] !== '0') {
    assert.ok(Date.now() < deadline, 'the account is erased within 10 s');
    await sleep(100);
  }

  // The administrator, not the longer-standing plain member, owns the enterprise now.
  res = await srv.req('GET', '/api/v1/me/enterprises', { token: adm.token });
  assert.deepEqual(res.json.enterprises.map((e) => [e.id, e.role]), [[eid, 'owner']]);
  res = await srv.req('GET', `${E}/${eid}/admins`, { token: adm.token });
  assert.deepEqual(res.json.admins.map((a) => [a.user_id, a.role]), [[adm.user.id, 'owner']]);
  assert.deepEqual(sql(srv, `SELECT owner_id FROM enterprises WHERE id = ${eid}`), [adm.user.id]);
  assert.deepEqual(sql(srv, `SELECT actor, subject, detail FROM audit_log WHERE action = 'enterprise.transfer' AND object = 'enterprise:${eid}'`),
    [`0|${adm.user.id}|{"reason":"owner_erased"}`]);
  // None of the owner's external contacts is lost: they pass to the new owner.
  res = await srv.req('GET', `${E}/${eid}/external-contacts/${card}`, { token: adm.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.owner_id, adm.user.id);
  // The enterprise the owner ran alone is gone, with everything in it.
  assert.deepEqual(sql(srv, `SELECT count(*) FROM enterprises WHERE id = ${solo}`), ['0']);
  assert.deepEqual(sql(srv, `SELECT count(*) FROM members WHERE enterprise_id = ${solo}`), ['0']);
  // Nothing of the erased owner is left in any org table.
  for (const tb of TABLES) assert.deepEqual(sql(srv, `SELECT count(*) FROM ${tb} WHERE user_id = ${owner.user.id}`), ['0'], tb);
  const out = await runAtrium(['admin', 'audit', 'verify', '--data', srv.dataDir]);
  assert.equal(out.code, 0, out.stderr);
});
