// Importing people from CSV and XLSX files (issue 4, PP-04, PP-11): a template to fill in, every
// bad row reported by row, column and code with nothing half-imported, progress while the job
// runs, and the people imported pending until each of them accepts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, assertProblem, createEnterprise, ID, nextPhone, show, sleep, sql, startServer } from './lib/server.mjs';
import { unzip, xlsx } from './lib/zip.mjs';

const E = '/api/v1/enterprises';
const BOM = '\ufeff';

async function setup(t) {
  const srv = await startServer(t, { args: ['--code-resend', '1'] });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  let res = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '研发部' } });
  const rd = res.json.id;
  res = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name: '前端组', parent_id: rd } });
  return { srv, owner, eid, rd, fe: res.json.id };
}

async function upload(srv, who, eid, body, query = '') {
  return srv.req('POST', `${E}/${eid}/imports${query}`, { token: who.token, body, headers: { 'Content-Type': 'application/octet-stream' } });
}

/** Uploads and polls until the job is done or failed; returns the final import and the statuses seen. */
async function runImport(srv, who, eid, body, query = '', timeout = 20_000) {
  const res = await upload(srv, who, eid, body, query);
  assert.equal(res.status, 202, show(res));
  assert.match(res.json.id, ID);
  assert.equal(res.headers.location, `${E}/${eid}/imports/${res.json.id}`);
  const seen = [res.json.status];
  const deadline = Date.now() + timeout;
  for (;;) {
    const r = await srv.req('GET', res.headers.location, { token: who.token });
    assert.equal(r.status, 200, show(r));
    if (seen[seen.length - 1] !== r.json.status) seen.push(r.json.status);
    if (r.json.status === 'done' || r.json.status === 'failed') return { imp: r.json, seen };
    assert.ok(r.json.rows_done <= r.json.rows_total, 'progress never passes the total');
    assert.ok(Date.now() < deadline, `import not finished in ${timeout} ms: ${show(r)}`);
    await sleep(20);
  }
}

const pendingCount = (srv, eid) => Number(sql(srv, `SELECT count(*) FROM pending_members WHERE enterprise_id = ${eid}`)[0]);
const invitationSms = async (srv) => (await srv.readOutbox('sms')).filter((m) => m.kind === 'invitation');

test('the templates name every column in Chinese and English', async (t) => {
  const { srv, owner, eid } = await setup(t);
  let res = await srv.req('GET', `${E}/${eid}/imports/template?format=csv`, { token: owner.token });
  assert.equal(res.status, 200, show(res));
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.match(res.headers['content-disposition'], /attachment; filename="members-template.csv"/);
  assert.equal(res.text, `${BOM}姓名* Name,手机号* Mobile,部门 Department,职务 Title,工号 Job number,邮箱 E-mail\r\n`);

  res = await srv.req('GET', `${E}/${eid}/imports/template`, { token: owner.token });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const files = unzip(res.raw);
  const strings = files.get('xl/sharedStrings.xml').toString('utf8');
  for (const h of ['姓名* Name', '手机号* Mobile', '部门 Department', '工号 Job number']) assert.ok(strings.includes(h), h);

  // Sent back empty, it imports nothing and says why.
  const { imp } = await runImport(srv, owner, eid, res.raw);
  assert.equal(imp.status, 'failed');
  assert.deepEqual(imp.errors.map((e) => [e.row, e.code]), [[1, 'empty_file']]);
  assertProblem(await srv.req('GET', `${E}/${eid}/imports/template?format=pdf`, { token: owner.token }), 400, 'invalid_value', { field: 'format' });
});

test('a good CSV becomes pending members who each accept for themselves', async (t) => {
  const { srv, owner, eid, fe } = await setup(t);
  const [p1, p2, p3] = [nextPhone(), nextPhone(), nextPhone()];
  const csv = `${BOM}姓名*,手机号*,部门,职务,工号,邮箱\r\n`
    + `张三,${p1},研发部/前端组,工程师,00123,zhang@example.com\r\n`
    + `"李, 四",+86 ${p2.slice(0, 3)} ${p2.slice(3, 7)} ${p2.slice(7)},,,,\r\n`
    + '\r\n'
    + `　王五　,${p3},研发部,,,\r\n`;
  const { imp, seen } = await runImport(srv, owner, eid, csv);
  assert.equal(imp.status, 'done', JSON.stringify(imp));
  assert.deepEqual([imp.rows_total, imp.rows_done, imp.imported, imp.errors], [3, 3, 3, []]);
  assert.ok(seen[0] === 'queued', seen.join());
  assert.deepEqual(sql(srv, `SELECT file IS NULL FROM imports WHERE id = ${imp.id}`), ['1'], 'the file is deleted once read');

  const res = await srv.req('GET', `${E}/${eid}/pending-members`, { token: owner.token });
  const rows = res.json.pending_members;
  assert.deepEqual(rows.map((p) => [p.name, p.mobile, p.source, p.import_id]).sort(),
    [['张三', `+86${p1}`, 'import', imp.id], ['李, 四', `+86${p2}`, 'import', imp.id], ['王五', `+86${p3}`, 'import', imp.id]].sort());
  const zhang = rows.find((p) => p.name === '张三');
  assert.deepEqual([zhang.department_id, zhang.title, zhang.job_number, zhang.email], [fe, '工程师', '00123', 'zhang@example.com']);
  assert.equal((await invitationSms(srv)).length, 3, 'each person is told');

  // Imported people are not members until they accept; one accepts.
  const who = await srv.signUp({ phone: p1 });
  const mine = (await srv.req('GET', '/api/v1/me/invitations', { token: who.token })).json.invitations;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].source, 'import');
  assert.deepEqual(mine[0].held, { name: '张三', mobile: `+86${p1}`, department: '前端组', title: '工程师', job_number: '00123', email: 'zhang@example.com' });
  const acc = await srv.req('POST', `/api/v1/me/invitations/${mine[0].id}/accept`, { token: who.token, body: {} });
  assert.equal(acc.status, 201, show(acc));
  assert.equal(acc.json.primary_department, fe);
  assert.equal(acc.json.job_number, '00123', 'a job number keeps its leading zeros');
});

test('a file with bad rows imports nobody and names each bad row', async (t) => {
  const { srv, owner, eid } = await setup(t);
  const member = await srv.signUp();
  await addMember(srv, owner, eid, member, '赵六');
  const dup = nextPhone();
  const csv = 'Name,Mobile,Department,Title,Job number,E-mail\n'
    + `钱七,${nextPhone()},,,,\n`       // row 2: fine
    + '孙八,12345,,,,\n'                 // row 3: not a mobile number
    + `周九,${dup},,,,\n`                // row 4: fine
    + `吴十,${dup},,,,\n`                // row 5: the same number again
    + `,${nextPhone()},,,,\n`            // row 6: no name
    + `郑一,${nextPhone()},市场部,,,\n`   // row 7: no such department
    + `冯二,${member.phone},,,,bad@\n`;   // row 8: already a member, bad e-mail
  const before = pendingCount(srv, eid);
  const { imp } = await runImport(srv, owner, eid, csv);
  assert.equal(imp.status, 'failed');
  assert.equal(imp.imported, 0);
  assert.equal(imp.rows_total, 7);
  assert.deepEqual(imp.errors.map((e) => [e.row, e.column, e.code]), [
    [3, 'mobile', 'invalid_value'],
    [5, 'mobile', 'duplicate_in_file'],
    [6, 'name', 'missing_value'],
    [7, 'department', 'department_not_found'],
    [8, 'email', 'invalid_value'],
    [8, 'mobile', 'already_member'],
  ]);
  assert.match(imp.errors[1].detail, /row 4/);
  assert.ok(imp.errors.every((e) => !e.detail.includes('12345') && !e.detail.includes(dup)), 'no cell values in the report');
  assert.equal(pendingCount(srv, eid), before, 'nothing half-imported');
  assert.equal((await invitationSms(srv)).length, 0, 'nobody told');

  // A file without the required columns says so at its header.
  const { imp: noCols } = await runImport(srv, owner, eid, '部门,职务\n研发部,工程师\n');
  assert.deepEqual(noCols.errors.map((e) => [e.row, e.column, e.code]), [[1, 'name', 'missing_column'], [1, 'mobile', 'missing_column']]);
});

test('an XLSX with English headers imports; notify=false sends no SMS', async (t) => {
  const { srv, owner, eid, rd } = await setup(t);
  const rows = [['Name', 'Mobile', 'Department', 'Title', 'Job number', 'E-mail']];
  for (let i = 0; i < 5; i++) rows.push([`员工${i}`, nextPhone(), '研发部', '工程师', `A${i}`, '']);
  const { imp } = await runImport(srv, owner, eid, xlsx(rows), '?notify=false');
  assert.equal(imp.status, 'done', JSON.stringify(imp));
  assert.equal(imp.imported, 5);
  const res = await srv.req('GET', `${E}/${eid}/pending-members?limit=100`, { token: owner.token });
  assert.deepEqual(res.json.pending_members.map((p) => p.department_id), Array(5).fill(rd));
  assert.equal((await invitationSms(srv)).length, 0);
});

test('a large file shows its progress and imports as one', async (t) => {
  const { srv, owner, eid } = await setup(t);
  const n = 3000;
  let csv = '姓名,手机号,工号\n';
  for (let i = 0; i < n; i++) csv += `员工${i},1390000${String(i).padStart(4, '0')},${String(i).padStart(5, '0')}\n`;
  const started = Date.now();
  const { imp } = await runImport(srv, owner, eid, csv, '?notify=false', 60_000);
  assert.equal(imp.status, 'done', JSON.stringify(imp));
  assert.deepEqual([imp.rows_total, imp.rows_done, imp.imported], [n, n, n]);
  assert.equal(pendingCount(srv, eid), n);
  t.diagnostic(`${n} rows imported in ${Date.now() - started} ms`);
});

test('uploads that are no spreadsheet, or from the wrong person, are refused', async (t) => {
  const { srv, owner, eid, rd } = await setup(t);
  assertProblem(await upload(srv, owner, eid, Buffer.from('%PDF-1.7 ...')), 415, 'unsupported_file');
  assertProblem(await upload(srv, owner, eid, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])), 415, 'unsupported_file');
  assertProblem(await srv.req('POST', `${E}/${eid}/imports`, { token: owner.token }), 400, 'empty_upload');
  assertProblem(await upload(srv, owner, eid, 'a,b\n', '?notify=maybe'), 400, 'invalid_value', { field: 'notify' });
  assertProblem(await srv.req('GET', `${E}/${eid}/imports/12345`, { token: owner.token }), 404, 'import_not_found');
  assert.deepEqual(sql(srv, 'SELECT count(*) FROM imports'), ['0'], 'nothing stored');

  // Without the members right: 403; outside the enterprise: 404.
  const plain = await srv.signUp();
  await addMember(srv, owner, eid, plain, '钱七');
  assertProblem(await upload(srv, plain, eid, 'a\n'), 403, 'forbidden', { right: 'members' });
  const outsider = await srv.signUp();
  assertProblem(await upload(srv, outsider, eid, 'a\n'), 404, 'not_found');

  // An administrator of some departments imports into them only.
  const lead = await srv.signUp();
  await addMember(srv, owner, eid, lead, '吴十');
  let res = await srv.req('PUT', `${E}/${eid}/admins/${lead.user.id}`, { token: owner.token, body: { rights: ['members'], scope: { departments: [rd] } } });
  assert.equal(res.status, 200, show(res));
  const { imp } = await runImport(srv, lead, eid, `姓名,手机号,部门\n甲,${nextPhone()},研发部\n乙,${nextPhone()},\n`, '?notify=false');
  assert.equal(imp.status, 'failed');
  assert.deepEqual(imp.errors.map((e) => [e.row, e.code]), [[3, 'outside_scope']]);
});
