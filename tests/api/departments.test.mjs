// The department tree and department membership (issue 4, PP-04, PP-09): a tree of three levels,
// rename, reorder, move without cycles, delete only when empty, heads, a member in several
// departments with one primary, and administrators limited to their branch.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, show, startServer } from './lib/server.mjs';

const E = '/api/v1/enterprises';

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
  const dept = async (who, name, parent_id) => {
    const r = await srv.req('POST', `${E}/${eid}/departments`, { token: who.token, body: parent_id ? { name, parent_id } : { name } });
    assert.equal(r.status, 201, show(r));
    return r.json;
  };
  const tree = async (who = owner) => {
    const r = await srv.req('GET', `${E}/${eid}/departments`, { token: who.token });
    assert.equal(r.status, 200, show(r));
    return r.json.departments;
  };
  return { srv, owner, eid, join, dept, tree };
}

// The tree as nested [name, [children…]] pairs, in the order the server gives.
const shape = (nodes) => nodes.map((d) => [d.name, shape(d.children)]);

test('a tree of three levels: build, rename, reorder, move, and no cycles', async (t) => {
  const { srv, owner, eid, dept, tree } = await setup(t);
  const rd = await dept(owner, '研发部');
  const sales = await dept(owner, '销售部');
  const be = await dept(owner, '后端组', rd.id);
  const fe = await dept(owner, '前端组', rd.id);
  const db = await dept(owner, '数据库小组', be.id);
  assert.equal(rd.parent_id, null);
  assert.equal(be.parent_id, rd.id);
  assert.deepEqual(be.head_user_ids, []);
  assert.equal(be.member_count, 0);
  assert.deepEqual(shape(await tree()), [['研发部', [['后端组', [['数据库小组', []]]], ['前端组', []]]], ['销售部', []]]);
  const top = await tree();
  assert.deepEqual(Object.keys(top[0]).sort(), ['children', 'head_user_ids', 'id', 'member_count', 'name', 'parent_id', 'sort']);

  // Rename.
  let res = await srv.req('PATCH', `${E}/${eid}/departments/${fe.id}`, { token: owner.token, body: { name: 'Web 前端组' } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.name, 'Web 前端组');
  // Reorder siblings: the front end comes first.
  res = await srv.req('PATCH', `${E}/${eid}/departments/${fe.id}`, { token: owner.token, body: { sort: 0 } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PATCH', `${E}/${eid}/departments/${be.id}`, { token: owner.token, body: { sort: 5 } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(shape(await tree()), [['研发部', [['Web 前端组', []], ['后端组', [['数据库小组', []]]]]], ['销售部', []]]);

  // Move a branch: the back end (with its database group) goes under sales.
  res = await srv.req('PATCH', `${E}/${eid}/departments/${be.id}`, { token: owner.token, body: { parent_id: sales.id } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.parent_id, sales.id);
  const moved = await tree();
  assert.deepEqual(shape(moved), [['研发部', [['Web 前端组', []]]], ['销售部', [['后端组', [['数据库小组', []]]]]]]);

  // Cycles are refused and change nothing: under itself, under its child, under its grandchild.
  for (const parent_id of [sales.id, be.id, db.id]) {
    res = await srv.req('PATCH', `${E}/${eid}/departments/${sales.id}`, { token: owner.token, body: { name: '改名', parent_id } });
    assertProblem(res, 409, 'department_cycle', { field: 'parent_id' });
  }
  assert.deepEqual(await tree(), moved);
  // A department of nowhere is no parent.
  res = await srv.req('PATCH', `${E}/${eid}/departments/${sales.id}`, { token: owner.token, body: { parent_id: '12345' } });
  assertProblem(res, 404, 'department_not_found', { field: 'parent_id' });
  res = await srv.req('PATCH', `${E}/${eid}/departments/12345`, { token: owner.token, body: { name: 'x' } });
  assertProblem(res, 404, 'department_not_found');
  // Back to the top.
  res = await srv.req('PATCH', `${E}/${eid}/departments/${be.id}`, { token: owner.token, body: { parent_id: null } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(shape(await tree()), [['研发部', [['Web 前端组', []]]], ['销售部', []], ['后端组', [['数据库小组', []]]]]);

});

test('delete only when empty; heads; a member in two departments with one primary', async (t) => {
  const { srv, owner, eid, join, dept, tree } = await setup(t);
  const li = await join('李四');
  const rd = await dept(owner, '研发部');
  const be = await dept(owner, '后端组', rd.id);
  const ops = await dept(owner, '运维部');

  // Heads: members of the enterprise only.
  let res = await srv.req('PUT', `${E}/${eid}/departments/${rd.id}/heads`, { token: owner.token, body: { user_ids: [li.user.id, owner.user.id, li.user.id] } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual([...res.json.head_user_ids].sort(), [li.user.id, owner.user.id].sort());
  const stranger = await srv.signUp();
  res = await srv.req('PUT', `${E}/${eid}/departments/${rd.id}/heads`, { token: owner.token, body: { user_ids: [stranger.user.id] } });
  assertProblem(res, 404, 'member_not_found', { field: 'user_ids' });
  assert.deepEqual([...(await tree())[0].head_user_ids].sort(), [li.user.id, owner.user.id].sort());

  // 李四 sits in the back end (primary) and operations.
  const url = `${E}/${eid}/members/${li.user.id}/departments`;
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [be.id, ops.id], primary: rd.id } });
  assertProblem(res, 400, 'invalid_value', { field: 'primary' });
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [be.id, ops.id] } });
  assertProblem(res, 400, 'invalid_value', { field: 'primary' });
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [be.id, '999'], primary: be.id } });
  assertProblem(res, 404, 'department_not_found', { field: 'departments' });
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [ops.id, be.id], primary: be.id } });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json, { user_id: li.user.id, departments: [be.id, ops.id], primary: be.id });
  res = await srv.req('GET', url, { token: li.token });
  assert.deepEqual(res.json, { user_id: li.user.id, departments: [be.id, ops.id], primary: be.id });
  const counts = await tree();
  assert.equal(counts.find((d) => d.id === ops.id).member_count, 1);
  assert.equal(counts.find((d) => d.id === rd.id).children[0].member_count, 1);
  // The member sees it in the access log.
  res = await srv.req('GET', '/api/v1/me/access-log', { token: li.token });
  assert.ok(res.json.entries.some((e) => e.action === 'department.membership_set' && e.object === `department:${be.id}`
    && e.actor.id === owner.user.id), show(res));

  // Not empty: sub-departments, or members.
  res = await srv.req('DELETE', `${E}/${eid}/departments/${rd.id}`, { token: owner.token });
  assertProblem(res, 409, 'department_not_empty');
  res = await srv.req('DELETE', `${E}/${eid}/departments/${be.id}`, { token: owner.token });
  assertProblem(res, 409, 'department_not_empty');
  assert.equal((await tree()).length, 2);
  // Emptied: the primary moves to operations, then the back end and research go.
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [ops.id], primary: ops.id } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('DELETE', `${E}/${eid}/departments/${be.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  res = await srv.req('DELETE', `${E}/${eid}/departments/${rd.id}`, { token: owner.token });
  assert.equal(res.status, 204, show(res));
  assert.deepEqual(shape(await tree()), [['运维部', []]]);
  res = await srv.req('DELETE', `${E}/${eid}/departments/${rd.id}`, { token: owner.token });
  assertProblem(res, 404, 'department_not_found');
  // No departments at all.
  res = await srv.req('PUT', url, { token: owner.token, body: { departments: [] } });
  assert.deepEqual(res.json, { user_id: li.user.id, departments: [], primary: null });
});

test('a plain member reads the tree but cannot change it; a scoped administrator acts only in its branch', async (t) => {
  const { srv, owner, eid, join, dept, tree } = await setup(t);
  const plain = await join('王五');
  const adm = await join('赵六');
  const rd = await dept(owner, '研发部');
  const be = await dept(owner, '后端组', rd.id);
  const sales = await dept(owner, '销售部');

  assert.equal((await tree(plain)).length, 2);
  let res = await srv.req('POST', `${E}/${eid}/departments`, { token: plain.token, body: { name: '新部门' } });
  assertProblem(res, 403, 'forbidden', { right: 'departments' });
  res = await srv.req('PUT', `${E}/${eid}/members/${plain.user.id}/departments`, { token: plain.token, body: { departments: [] } });
  assertProblem(res, 403, 'forbidden', { right: 'members' });

  res = await srv.req('PUT', `${E}/${eid}/admins/${adm.user.id}`, { token: owner.token,
    body: { rights: ['departments', 'members'], scope: { departments: [rd.id] } } });
  assert.equal(res.status, 200, show(res));
  const A = { token: adm.token };
  // Inside the branch: create, rename, set heads, place members.
  const infra = await dept(adm, '基础设施组', be.id);
  res = await srv.req('PATCH', `${E}/${eid}/departments/${be.id}`, { ...A, body: { name: '服务端组' } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PUT', `${E}/${eid}/departments/${infra.id}/heads`, { ...A, body: { user_ids: [plain.user.id] } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PUT', `${E}/${eid}/members/${plain.user.id}/departments`, { ...A, body: { departments: [infra.id], primary: infra.id } });
  assert.equal(res.status, 200, show(res));

  // Outside it: 403 naming the scope, and nothing changes.
  const before = await tree();
  const outside = [
    ['POST', `${E}/${eid}/departments`, { name: '顶层' }],
    ['POST', `${E}/${eid}/departments`, { name: '销售二组', parent_id: sales.id }],
    ['PATCH', `${E}/${eid}/departments/${sales.id}`, { name: '市场部' }],
    ['PATCH', `${E}/${eid}/departments/${infra.id}`, { parent_id: sales.id }],
    ['PATCH', `${E}/${eid}/departments/${rd.id}`, { parent_id: null }],
    ['DELETE', `${E}/${eid}/departments/${sales.id}`, undefined],
    ['PUT', `${E}/${eid}/departments/${sales.id}/heads`, { user_ids: [] }],
    ['PUT', `${E}/${eid}/members/${plain.user.id}/departments`, { departments: [infra.id, sales.id], primary: infra.id }],
  ];
  for (const [method, url, body] of outside) {
    res = await srv.req(method, url, { ...A, body });
    const p = assertProblem(res, 403, 'forbidden');
    assert.deepEqual(p.scope, { departments: [rd.id] }, show(res));
  }
  assert.deepEqual(await tree(), before);
  // A member placed outside the branch by the owner stays there: the scoped administrator cannot take them out.
  res = await srv.req('PUT', `${E}/${eid}/members/${adm.user.id}/departments`, { token: owner.token, body: { departments: [sales.id], primary: sales.id } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('PUT', `${E}/${eid}/members/${adm.user.id}/departments`, { ...A, body: { departments: [be.id], primary: be.id } });
  assertProblem(res, 403, 'forbidden');
  // Inside again: delete the empty sub-department after emptying it.
  res = await srv.req('PUT', `${E}/${eid}/members/${plain.user.id}/departments`, { ...A, body: { departments: [] } });
  assert.equal(res.status, 200, show(res));
  res = await srv.req('DELETE', `${E}/${eid}/departments/${infra.id}`, A);
  assert.equal(res.status, 204, show(res));
});
