// Attendance results and reports (issue 6): each day judged from a fixed 09:00–18:00 rule, the
// calendar and the punches (on time, late, early, missing, absent, a holiday); make-up requests
// (补卡) limited per month, decided by an administrator, counted as punches once approved; a
// person's month; the daily and monthly reports within an administrator's scope, and the
// monthly export as XLSX and CSV with safe cells; every look at someone else's results audited.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { addMember, assertProblem, assertStatus, createEnterprise, ID, RFC3339_MS, show, sql, startServer } from './lib/server.mjs';
import { unzip } from './lib/zip.mjs';

const E = '/api/v1/enterprises';
const OFFSET_MS = 8 * 3600 * 1000; // Asia/Shanghai, the calendar's default zone

/** The local date (YYYY-MM-DD) n days from the one of ms. */
const localDay = (ms, n = 0) => new Date(ms + OFFSET_MS + n * 86400000).toISOString().slice(0, 10);
/** Unix ms of HH:MM on a local day. */
const localMs = (day, hhmm) => Date.parse(`${day}T${hhmm}:00+08:00`);

/** The month before this one (in Shanghai): its name, days, and working days (Monday–Friday). */
function lastMonth() {
  const today = localDay(Date.now());
  const [y, m] = today.split('-').map(Number);
  const py = m === 1 ? y - 1 : y, pm = m === 1 ? 12 : m - 1;
  const month = `${py}-${String(pm).padStart(2, '0')}`;
  const n = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  const days = Array.from({ length: n }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
  const workdays = days.filter((d) => { const w = new Date(`${d}T12:00:00Z`).getUTCDay(); return w >= 1 && w <= 5; });
  return { month, days, workdays };
}

/** The cells of an .xlsx's first sheet: { 'A1': 'text or number', … }. */
function sheetCells(buf) {
  const files = unzip(buf);
  const strings = [];
  const shared = files.get('xl/sharedStrings.xml')?.toString('utf8') ?? '';
  for (const si of shared.matchAll(/<si>([\s\S]*?)<\/si>/g)) {
    strings.push([...si[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'));
  }
  const sheet = files.get('xl/worksheets/sheet1.xml').toString('utf8');
  const cells = {};
  for (const c of sheet.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const v = /<v>([\s\S]*?)<\/v>/.exec(c[3] ?? '');
    if (!v) continue;
    cells[c[1]] = /t="s"/.test(c[2]) ? strings[Number(v[1])] : Number(v[1]);
  }
  return cells;
}

/** Rows of a CSV (RFC 4180 quoting). */
function csvRows(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r') { /* CRLF */ } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/**
 * The scenario: an enterprise with departments 研发 (李雷) and 销售 (韩梅), one group "总部" of a
 * fixed 09:00–18:00 rule (lunch 12:00–13:00, 5 minutes' grace, 2 make-ups a month) made through
 * the rules routes, an administrator 王芳 with the attendance right over 销售 only, and an
 * outsider.  Last month is the month judged: the group and the memberships are dated back to its
 * first day, and punches are stored as the punch routes would have stored them then.
 */
async function scenario(t) {
  const srv = await startServer(t);
  const owner = await srv.signUp({ name: 'Owner' });
  const eid = await createEnterprise(srv, owner);
  const A = `${E}/${eid}/attendance`;
  const join = async (name) => {
    const who = await srv.signUp();
    await addMember(srv, owner, eid, who, name);
    return who;
  };
  // A name a spreadsheet would run as a formula, were it not made inert.
  const li = await join('=SUM(1,2)李雷');
  const han = await join('韩梅');
  const hr = await join('王芳');
  const outsider = await srv.signUp();
  const dept = async (name) => {
    const r = await srv.req('POST', `${E}/${eid}/departments`, { token: owner.token, body: { name } });
    assertStatus(r, 201);
    return r.json.id;
  };
  const rd = await dept('研发');
  const sales = await dept('销售');
  for (const [who, d] of [[li, rd], [han, sales], [hr, sales]]) {
    assertStatus(await srv.req('PUT', `${E}/${eid}/members/${who.user.id}/departments`, { token: owner.token, body: { departments: [d], primary: d } }), 200);
  }
  assertStatus(await srv.req('PUT', `${E}/${eid}/admins/${hr.user.id}`, { token: owner.token, body: { rights: ['attendance'], scope: { departments: [sales] } } }), 200);
  const group = await srv.req('POST', `${A}/groups`, { token: owner.token, body: {
    name: '总部',
    rule: { kind: 'fixed', makeup_per_month: 2,
      shifts: [{ start: '09:00', end: '18:00', late_grace: 5, breaks: [{ start: '12:00', end: '13:00' }] }] },
    user_ids: [li.user.id, han.user.id] } });
  assertStatus(group, 201);
  const gid = group.json.id;

  const lm = lastMonth();
  const wd = lm.workdays;
  // A public holiday on the third working day, through the calendar routes.
  assertStatus(await srv.req('PUT', `${A}/calendar/days/${wd[2]}`, { token: owner.token, body: { kind: 'holiday', name: '假日' } }), 200);

  const punches = [
    [li, wd[0], '08:55'], [li, wd[0], '18:05'],               // on time
    [li, wd[1], '09:07'], [li, wd[1], '18:00'],               // late by 7 minutes (past the 5 minutes' grace)
    [li, wd[2], '10:00'], [li, wd[2], '12:00'],               // the holiday: rest-day work, not judged
    [li, wd[3], '08:58'],                                     // the end is missing
    // wd[4]: nothing — absent
    [li, wd[5], '09:04'], [li, wd[5], '17:50'],               // within the grace; ten minutes early
    [han, wd[0], '08:50'], [han, wd[0], '18:00'],
  ];
  const since = localMs(`${lm.month}-01`, '00:00') - 86400000;
  const rows = punches.map(([who, day, hhmm], i) => `(${9000 + i}, ${eid}, ${who.user.id}, '${randomUUID()}', 'wifi', ${localMs(day, hhmm)},`
    + ` '${day}', ${localMs(day, hhmm)}, 'dev', NULL, 'wifi', NULL, NULL, NULL, 0, NULL, NULL, 'none', NULL, NULL)`).join(', ');
  // One transaction: the results job never sees half of it.  What the results job settled so far
  // (nothing to judge: the group was made today) is forgotten, so every day is judged anew.
  sql(srv, `BEGIN; INSERT INTO attendance_punches (id, enterprise_id, user_id, idempotency_key, kind, punched_at, day, client_time,`
    + ` device_id, place_id, matched_by, distance_m, location_sealed, location_expires_at, flags, note, photo_file_id, review,`
    + ` reviewed_by, reviewed_at) VALUES ${rows};`
    + ` UPDATE attendance_punches SET place_id = 1 WHERE enterprise_id = ${eid};`
    + ` UPDATE attendance_groups SET created_at = ${since} WHERE id = ${gid};`
    + ` UPDATE members SET joined_at = ${since} WHERE enterprise_id = ${eid};`
    + ` DELETE FROM attendance_days WHERE enterprise_id = ${eid}; DELETE FROM attendance_months WHERE enterprise_id = ${eid};`
    + ` DELETE FROM attendance_settled WHERE enterprise_id = ${eid}; COMMIT;`);
  const as = (who) => ({
    get: (path) => srv.req('GET', `${A}${path}`, { token: who.token }),
    post: (path, body) => srv.req('POST', `${A}${path}`, { token: who.token, body }),
  });
  return { srv, owner, eid, A, li, han, hr, outsider, rd, sales, gid, lm, wd, as };
}

const dayOf = (month, day) => month.days.find((d) => d.day === day);

test('days are judged from the rule, the calendar and the punches; a make-up approved changes the day', async (t) => {
  const { srv, owner, li, wd, lm, as } = await scenario(t);
  let res = await as(li).get(`/me/month?month=${lm.month}`);
  assertStatus(res, 200);
  let m = res.json;
  assert.equal(m.month, lm.month);
  assert.equal(m.group.name, '总部');
  assert.equal(m.days.length, lm.days.length);
  assert.deepEqual(m.days.map((d) => d.day), lm.days);

  const d0 = dayOf(m, wd[0]);
  assert.equal(d0.status, 'normal', JSON.stringify(d0));
  assert.equal(d0.worked_minutes, 550 - 60); // 08:55–18:05 less the lunch break
  assert.match(d0.first_punch_at, RFC3339_MS);
  assert.equal(Date.parse(d0.first_punch_at), Date.parse(`${wd[0]}T08:55:00+08:00`));
  assert.equal(d0.shifts.length, 1);
  assert.equal(d0.shifts[0].start, '09:00');
  assert.equal(d0.shifts[0].end, '18:00');
  assert.equal(d0.shifts[0].in.proof, 'place');
  const d1 = dayOf(m, wd[1]);
  assert.equal(d1.status, 'late');
  assert.equal(d1.late_minutes, 7);
  assert.equal(d1.late_count, 1);
  const d2 = dayOf(m, wd[2]);
  assert.equal(d2.status, 'rest', 'a public holiday is a rest day');
  assert.equal(d2.expected, false);
  assert.equal(d2.worked_minutes, 120, 'rest-day work is shown, not judged');
  const d3 = dayOf(m, wd[3]);
  assert.equal(d3.status, 'missing');
  assert.equal(d3.missing_count, 1);
  assert.equal(d3.shifts[0].out_missing, true);
  assert.equal(dayOf(m, wd[4]).status, 'absent');
  const d5 = dayOf(m, wd[5]);
  assert.equal(d5.status, 'early', 'on time within the grace, ten minutes early');
  assert.equal(d5.late_minutes, 0);
  assert.equal(d5.early_minutes, 10);
  const weekend = lm.days.find((d) => !lm.workdays.includes(d));
  assert.equal(dayOf(m, weekend).status, 'rest');

  // A make-up for the missing end; approved, the day is whole again.
  res = await as(li).post('/makeups', { day: wd[3], shift: 0, at: '18:00', reason: '忘记打卡' });
  assertStatus(res, 201);
  const mk = res.json;
  assert.match(mk.id, ID);
  assert.equal(mk.status, 'pending');
  assert.equal(Date.parse(mk.at), Date.parse(`${wd[3]}T18:00:00+08:00`));
  assert.equal(mk.decided_by, null);
  assert.equal(dayOf((await as(li).get(`/me/month?month=${lm.month}`)).json, wd[3]).status, 'missing', 'pending changes nothing');
  res = await as(owner).post(`/makeups/${mk.id}/decision`, { approve: true, comment: '同意' });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'approved');
  assert.equal(res.json.decided_by.user_id, owner.user.id);
  assert.equal(res.json.comment, '同意');
  m = (await as(li).get(`/me/month?month=${lm.month}`)).json;
  const fixed = dayOf(m, wd[3]);
  assert.equal(fixed.status, 'normal', JSON.stringify(fixed));
  assert.equal(fixed.makeup_count, 1);
  assert.equal(fixed.shifts[0].out.proof, 'makeup');
  assert.equal(fixed.shifts[0].out.makeup_id, mk.id);
  assert.equal(fixed.worked_minutes, 542 - 60);
  // Decided once only; the person is told in the app.
  assertProblem(await as(owner).post(`/makeups/${mk.id}/decision`, { approve: false }), 409, 'makeup_closed');
  const notes = await srv.req('GET', '/api/v1/me/notifications', { token: li.token });
  assert.ok(notes.json.notifications.some((n) => n.kind === 'attendance_makeup' && /已通过/.test(n.title)), show(notes));
  assert.ok(Number(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'attendance.makeup_approve' AND subject = ${li.user.id}`)[0]) === 1);

  // The month's summary as the person sees it.
  const n = lm.workdays.length - 1; // the holiday is no working day
  assert.deepEqual(m.summary, {
    expected_days: n, attended_days: 4, late_count: 1, late_minutes: 7, early_count: 1, early_minutes: 10,
    absent_days: n - 4, missing_punches: 0, field_punches: 0, makeups: 1,
    worked_minutes: (550 - 60) + (533 - 60) + (542 - 60) + (526 - 60), rest_day_minutes: 120,
  });
});

test('make-up requests: checked, limited per month, listed, decided within scope', async (t) => {
  const { srv, owner, li, han, hr, outsider, wd, lm, as } = await scenario(t);
  const tomorrow = localDay(Date.now(), 1);
  const ask = (body, who = li) => as(who).post('/makeups', { reason: '地铁故障', ...body });
  assertProblem(await ask({ day: tomorrow, at: '09:00' }), 400, 'invalid_value', { field: 'day' });
  assertProblem(await ask({ day: '2024-02-30', at: '09:00' }), 400, 'invalid_value', { field: 'day' });
  assertProblem(await ask({ day: wd[4], at: '03:00' }), 400, 'invalid_value', { field: 'at' });
  assertProblem(await ask({ day: wd[4], at: '9点' }), 400, 'invalid_value', { field: 'at' });
  assertProblem(await ask({ day: wd[4], at: '09:00', shift: 1 }), 400, 'invalid_value', { field: 'shift' });
  assertProblem(await ask({ day: wd[4], at: '09:00', reason: '' }), 400, 'invalid_value', { field: 'reason' });
  assertProblem(await ask({ day: wd[4], at: '09:00', reason: '长'.repeat(201) }), 400, 'invalid_value', { field: 'reason' });
  assertProblem(await ask({ day: wd[2], at: '09:00' }), 409, 'makeup_not_applicable'); // the holiday
  assertProblem(await ask({ day: wd[4], at: '09:00' }, owner), 409, 'no_attendance_group');
  assertProblem(await ask({ day: wd[4], at: '09:00' }, outsider), 404, 'not_found');

  // Two a month: the third is refused with a stable code; a rejected one gives its chance back.
  const first = await ask({ day: wd[4], at: '09:00' });
  assertStatus(first, 201);
  const second = await ask({ day: wd[4], at: `${wd[4]}T18:01:00+08:00` });
  assertStatus(second, 201);
  assert.equal(Date.parse(second.json.at), Date.parse(`${wd[4]}T18:01:00+08:00`));
  const over = assertProblem(await ask({ day: wd[5], at: '09:00' }), 409, 'makeup_limit', { limit: 2, month: lm.month });
  assert.match(over.detail, /2/);
  // Another person's count is their own.
  assertStatus(await ask({ day: wd[4], at: '09:00' }, han), 201);

  // The administrator of 销售 sees and decides only 韩梅's; 李雷's are outside the scope.
  let res = await as(hr).get('/makeups');
  assertStatus(res, 200);
  assert.deepEqual(res.json.makeups.map((x) => x.user.user_id), [han.user.id]);
  assertProblem(await as(hr).post(`/makeups/${first.json.id}/decision`, { approve: true }), 403, 'forbidden');
  assertProblem(await as(li).get('/makeups'), 403, 'forbidden');
  assertProblem(await as(li).post(`/makeups/${first.json.id}/decision`, { approve: true }), 403, 'forbidden');
  assertProblem(await as(outsider).get('/makeups'), 404, 'not_found');
  assertProblem(await as(owner).post('/makeups/12345/decision', { approve: true }), 404, 'makeup_not_found');
  assertProblem(await as(owner).post(`/makeups/${first.json.id}/decision`, {}), 400, 'missing_field');

  // The owner sees all pending, newest first, and rejects one with a comment.
  res = await as(owner).get('/makeups?status=pending');
  assert.equal(res.json.makeups.length, 3);
  assert.equal(res.json.makeups[0].user.name, '韩梅');
  res = await as(owner).post(`/makeups/${first.json.id}/decision`, { approve: false, comment: '请走请假流程' });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'rejected');
  assert.equal(dayOf((await as(li).get(`/me/month?month=${lm.month}`)).json, wd[4]).status, 'absent', 'a rejection changes nothing');
  assertStatus(await ask({ day: wd[5], at: '18:00' }), 201);
  assertProblem(await ask({ day: wd[5], at: '18:01' }), 409, 'makeup_limit');
  const notes = await srv.req('GET', '/api/v1/me/notifications', { token: li.token });
  assert.ok(notes.json.notifications.some((n) => n.kind === 'attendance_makeup' && /未通过/.test(n.title)), show(notes));

  // My own requests, and paging.
  res = await as(li).get(`/makeups/me?month=${lm.month}&limit=2`);
  assertStatus(res, 200);
  assert.equal(res.json.makeups.length, 2);
  assert.ok(res.json.next_cursor);
  assert.equal(res.json.makeups[0].user_id, li.user.id);
  const rest = await as(li).get(`/makeups/me?month=${lm.month}&limit=2&cursor=${res.json.next_cursor}`);
  assert.equal(rest.json.makeups.length, 1);
  assert.equal(rest.json.next_cursor, null);
  assert.deepEqual((await as(li).get('/makeups/me?status=rejected')).json.makeups.map((x) => x.id), [first.json.id]);
  assertProblem(await as(li).get('/makeups/me?status=maybe'), 400, 'invalid_value', { field: 'status' });
  // Every request and decision is on the audit chain.
  assert.equal(Number(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'attendance.makeup_request' AND subject = ${li.user.id}`)[0]), 3);
  assert.equal(Number(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'attendance.makeup_reject'`)[0]), 1);
});

test('daily and monthly reports per department and person, within scope, audited', async (t) => {
  const { srv, owner, li, han, hr, outsider, rd, sales, wd, lm, as } = await scenario(t);
  let res = await as(owner).get(`/reports/daily?day=${wd[1]}`);
  assertStatus(res, 200);
  assert.equal(res.json.day, wd[1]);
  const byUser = Object.fromEntries(res.json.people.map((p) => [p.user.user_id, p]));
  assert.equal(byUser[li.user.id].result.status, 'late');
  assert.equal(byUser[li.user.id].result.late_minutes, 7);
  assert.equal(byUser[li.user.id].department.name, '研发');
  assert.equal(byUser[han.user.id].result.status, 'absent');
  assert.equal(byUser[owner.user.id].result.status, 'none', 'in no group: nothing judged');
  assert.deepEqual({ people: res.json.totals.people, late: res.json.totals.late, absent: res.json.totals.absent, none: res.json.totals.none },
    { people: 4, late: 1, absent: 1, none: 2 });
  // By department; paging.
  res = await as(owner).get(`/reports/daily?day=${wd[1]}&department_id=${rd}`);
  assert.deepEqual(res.json.people.map((p) => p.user.user_id), [li.user.id]);
  res = await as(owner).get(`/reports/daily?day=${wd[1]}&limit=3`);
  assert.equal(res.json.people.length, 3);
  const more = await as(owner).get(`/reports/daily?day=${wd[1]}&limit=3&cursor=${res.json.next_cursor}`);
  assert.equal(more.json.people.length, 1);
  assert.equal(more.json.next_cursor, null);
  assertProblem(await as(owner).get('/reports/daily?day=2999-01-01'), 400, 'invalid_value', { field: 'day' });
  assertProblem(await as(owner).get('/reports/daily?department_id=999'), 404, 'department_not_found');

  // The monthly report sums each person's month.
  res = await as(owner).get(`/reports/monthly?month=${lm.month}`);
  assertStatus(res, 200);
  const n = lm.workdays.length - 1;
  const liRow = res.json.people.find((p) => p.user.user_id === li.user.id);
  assert.equal(liRow.group.name, '总部');
  assert.deepEqual(liRow.summary, {
    expected_days: n, attended_days: 4, late_count: 1, late_minutes: 7, early_count: 1, early_minutes: 10,
    absent_days: n - 4, missing_punches: 1, field_punches: 0, makeups: 0,
    worked_minutes: (550 - 60) + (533 - 60) + (526 - 60), rest_day_minutes: 120,
  });
  const hanRow = res.json.people.find((p) => p.user.user_id === han.user.id);
  assert.equal(hanRow.summary.attended_days, 1);
  assert.equal(hanRow.summary.absent_days, n - 1);
  assert.equal(res.json.people_total, 4);
  assert.equal(res.json.totals.late_minutes, 7);
  assert.equal(res.json.totals.absent_days, (n - 4) + (n - 1));
  assertProblem(await as(owner).get('/reports/monthly?month=2024-13'), 400, 'invalid_value', { field: 'month' });
  assertProblem(await as(owner).get('/reports/monthly?format=pdf'), 400, 'invalid_value', { field: 'format' });

  // One person's month, for an administrator.
  res = await as(owner).get(`/reports/people/${li.user.id}/month?month=${lm.month}`);
  assertStatus(res, 200);
  assert.equal(res.json.user.user_id, li.user.id);
  assert.equal(dayOf(res.json, wd[1]).status, 'late');
  assertProblem(await as(owner).get(`/reports/people/${outsider.user.id}/month`), 404, 'member_not_found');

  // The administrator of 销售 sees 销售 only.
  res = await as(hr).get(`/reports/daily?day=${wd[0]}`);
  assertStatus(res, 200);
  assert.deepEqual(res.json.people.map((p) => p.user.user_id).sort(), [han.user.id, hr.user.id].sort());
  res = await as(hr).get(`/reports/monthly?month=${lm.month}&department_id=${sales}`);
  assertStatus(res, 200);
  assertProblem(await as(hr).get(`/reports/monthly?month=${lm.month}&department_id=${rd}`), 403, 'forbidden');
  assertProblem(await as(hr).get(`/reports/people/${li.user.id}/month`), 403, 'forbidden');
  assertProblem(await as(hr).get(`/reports/monthly?format=csv&department_id=${rd}`), 403, 'forbidden');
  // A member without the right, and an outsider.
  assertProblem(await as(li).get('/reports/daily'), 403, 'forbidden', { right: 'attendance' });
  assertProblem(await as(li).get('/reports/monthly'), 403, 'forbidden');
  assertProblem(await as(li).get(`/reports/people/${han.user.id}/month`), 403, 'forbidden');
  assertProblem(await as(outsider).get('/reports/daily'), 404, 'not_found');
  assertProblem(await as(outsider).get('/me/month'), 404, 'not_found');

  // Each look is in the person's access log; one's own month is not an administrator's look.
  res = await srv.req('GET', '/api/v1/me/access-log', { token: li.token });
  assertStatus(res, 200);
  const looks = res.json.entries.filter((e) => e.action === 'attendance.report_view');
  assert.ok(looks.length >= 3, show(res));
  assert.ok(looks.every((e) => e.actor.id === owner.user.id));
  res = await srv.req('GET', '/api/v1/me/access-log', { token: han.token });
  assert.ok(res.json.entries.some((e) => e.action === 'attendance.report_view' && e.actor.id === hr.user.id), show(res));
});

test('the monthly export as XLSX and CSV: a title, headers in Chinese then English, inert cells', async (t) => {
  const { srv, owner, li, han, hr, rd, lm, as } = await scenario(t);
  const n = lm.workdays.length - 1;
  let res = await as(owner).get(`/reports/monthly?month=${lm.month}&format=xlsx`);
  assertStatus(res, 200);
  assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(res.headers['content-disposition'], new RegExp(`attachment; filename="attendance-\\d+-${lm.month}\\.xlsx"`));
  const cells = sheetCells(res.raw);
  assert.match(cells.A1, /^考勤月报 Monthly attendance report/);
  assert.ok(cells.A1.includes(lm.month));
  assert.equal(cells.A2, '编号 ID');
  assert.equal(cells.B2, '姓名 Name');
  assert.equal(cells.G2, '迟到次数 Late (times)');
  assert.equal(cells.K2, '旷工天数 Absent days');
  const row = Object.keys(cells).find((k) => k.startsWith('A') && cells[k] === li.user.id).slice(1);
  assert.equal(cells[`B${row}`], "'=SUM(1,2)李雷", 'a formula-like name is text');
  assert.equal(cells[`C${row}`], '研发');
  assert.equal(cells[`D${row}`], '总部');
  assert.deepEqual(['E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N'].map((c) => cells[`${c}${row}`]),
    [n, 4, 1, 7, 1, 10, n - 4, 1, 0, 0]);
  assert.equal(cells[`P${row}`], 120);
  const people = Object.keys(cells).filter((k) => /^A\d+$/.test(k) && Number(k.slice(1)) > 2);
  assert.equal(people.length, 4);

  res = await as(owner).get(`/reports/monthly?month=${lm.month}&format=csv&department_id=${rd}`);
  assertStatus(res, 200);
  assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.deepEqual([...res.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM for Excel');
  const rows = csvRows(res.raw.subarray(3).toString('utf8'));
  assert.match(rows[0][0], /^考勤月报 Monthly attendance report .* — 研发$/);
  assert.equal(rows[1].length, 16);
  assert.equal(rows[1][4], '应出勤天数 Expected days');
  assert.equal(rows.length, 3, 'the department holds one person');
  assert.deepEqual(rows[2].slice(0, 4), [li.user.id, "'=SUM(1,2)李雷", '研发', '总部']);
  assert.deepEqual(rows[2].slice(4).map(Number), [n, 4, 1, 7, 1, 10, n - 4, 1, 0, 0, (550 - 60) + (533 - 60) + (526 - 60), 120]);
  assert.ok(res.raw.toString('utf8').includes('"\'=SUM(1,2)李雷"'), 'quoted, the comma kept inside the cell');

  // A scoped administrator's export holds their departments only; the export is audited per person.
  res = await as(hr).get(`/reports/monthly?month=${lm.month}&format=csv`);
  assertStatus(res, 200);
  const ids = csvRows(res.raw.subarray(3).toString('utf8')).slice(2).map((r) => r[0]).sort();
  assert.deepEqual(ids, [han.user.id, hr.user.id].sort());
  const exported = sql(srv, `SELECT actor || ' ' || subject FROM audit_log WHERE action = 'attendance.report_export' ORDER BY id`);
  assert.ok(exported.includes(`${owner.user.id} ${li.user.id}`));
  assert.ok(exported.includes(`${hr.user.id} ${han.user.id}`));
  assert.ok(!exported.includes(`${hr.user.id} ${li.user.id}`));
});

test('this month: days to come show the shifts expected; leaving takes the results', async (t) => {
  const { srv, owner, eid, li, wd, as } = await scenario(t);
  const today = localDay(Date.now());
  const res = await as(li).get('/me/month');
  assertStatus(res, 200);
  assert.equal(res.json.month, today.slice(0, 7));
  for (const d of res.json.days.filter((x) => x.day > today)) {
    const w = new Date(`${d.day}T12:00:00Z`).getUTCDay();
    if (w === 0 || w === 6) {
      assert.equal(d.status, 'rest', JSON.stringify(d));
    } else {
      assert.equal(d.status, 'future', JSON.stringify(d));
      assert.deepEqual(d.shifts.map((s) => [s.start, s.end]), [['09:00', '18:00']]);
    }
  }
  const todays = res.json.days.find((d) => d.day === today);
  assert.ok(['ongoing', 'rest', 'absent', 'missing'].includes(todays.status), JSON.stringify(todays));
  // A group's rule judges no day before the group was made (it was dated back a month): not last year.
  const old = await as(li).get('/me/month?month=2020-01');
  assert.ok(old.json.days.every((d) => d.status === 'none'));

  // Leaving deletes the enterprise's results and make-ups about the person (PP-37).
  assertStatus(await as(li).post('/makeups', { day: wd[4], at: '09:00', reason: '打卡机坏了' }), 201);
  assert.ok(Number(sql(srv, `SELECT count(*) FROM attendance_days WHERE enterprise_id = ${eid} AND user_id = ${li.user.id}`)[0]) > 0);
  assertStatus(await srv.req('DELETE', `${E}/${eid}/members/${li.user.id}`, { token: owner.token }), 204);
  assert.equal(Number(sql(srv, `SELECT count(*) FROM attendance_days WHERE enterprise_id = ${eid} AND user_id = ${li.user.id}`)[0]), 0);
  assert.equal(Number(sql(srv, `SELECT count(*) FROM attendance_makeups WHERE enterprise_id = ${eid} AND user_id = ${li.user.id}`)[0]), 0);
});

test('a punch through the punch routes is judged at once into the day', async (t) => {
  const srv = await startServer(t);
  const owner = await srv.signUp({ name: 'Owner' });
  const eid = await createEnterprise(srv, owner);
  const A = `${E}/${eid}/attendance`;
  const who = await srv.signUp();
  await addMember(srv, owner, eid, who, '赵六');
  const wifi = { ssid: 'Atrium-Office', bssid: 'aa:bb:cc:dd:ee:ff' };
  const place = await srv.req('POST', `${A}/places`, { token: owner.token, body: { kind: 'wifi', name: 'Office Wi-Fi', ...wifi } });
  assertStatus(place, 201);
  // Free punching: recorded whatever the hour, never judged.
  assertStatus(await srv.req('POST', `${A}/groups`, { token: owner.token, body: {
    name: '自由', rule: { kind: 'free' }, user_ids: [who.user.id], place_ids: [place.json.id] } }), 201);
  assertStatus(await srv.req('POST', '/api/v1/me/consents', { token: who.token, body: { purpose: 'attendance_wifi', granted: true, device_id: who.device.id } }), 201);
  const res = await srv.req('POST', `${A}/punches`, { token: who.token, body: {
    kind: 'wifi', wifi, idempotency_key: randomUUID(), client_time: new Date().toISOString(), device_id: who.device.id } });
  assertStatus(res, 201);
  // Judged inside the punch's own transaction: stored before anyone reads it.
  const today = localDay(Date.parse(res.json.punched_at));
  assert.deepEqual(sql(srv, `SELECT status || ' ' || attended FROM attendance_days WHERE enterprise_id = ${eid} AND user_id = ${who.user.id} AND day = '${today}'`),
    ['free 1']);
  const month = await srv.req('GET', `${A}/me/month?month=${today.slice(0, 7)}`, { token: who.token });
  assertStatus(month, 200);
  const day = month.json.days.find((d) => d.day === today);
  assert.equal(day.status, 'free');
  assert.equal(day.first_punch_at, res.json.punched_at);
  assert.equal(day.expected, false);
  // A day to come is not judged yet, free rule or not: future (or rest), never "free".
  const next = new Date(Date.parse(`${today}T12:00:00+08:00`) + 86400e3).toISOString().slice(0, 10);
  const later = await srv.req('GET', `${A}/me/month?month=${next.slice(0, 7)}`, { token: who.token });
  const coming = later.json.days.find((d) => d.day === next);
  assert.ok(['future', 'rest'].includes(coming.status), coming.status);
  assert.equal(coming.first_punch_at ?? null, null);
});
