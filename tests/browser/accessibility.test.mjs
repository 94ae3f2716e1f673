// Accessibility: axe-core's WCAG 2.1 A/AA rules on the main screens of a phone (sign-in, sign-up
// with its policy, the consent steps, the conversation list, a chat, contacts, a member card, the
// punch page, my month, the privacy center, this device's permissions) and of the administration
// area on a 1280×800 window (members, attendance reports); and a person on a desktop with only a
// keyboard: the skip link, the sign-in form in visual order with its focus always visible, and
// signing in and up without a mouse.

import assert from 'node:assert/strict';
import { DESKTOP, a11y, browserTest, codeFromOutbox, e164, enterprise, nextPhone, signUp, suite, tab } from './lib/browser.mjs';

const s = suite();

const E = '/api/v1/enterprises';
const HQ = { latitude: 31.2304, longitude: 121.4737 };
const HERE = { latitude: 31.23085, longitude: 121.4737, accuracy: 15 };

/** Checks every screen it is given, then fails once with the violations of all of them. */
function checker(page) {
  const found = [];
  const check = async (name) => {
    try {
      await a11y(page, name);
    } catch (err) {
      found.push(err.message);
    }
  };
  check.done = () => assert.equal(found.length, 0, found.join('\n\n'));
  return check;
}

browserTest(s, 'the main screens of a phone pass axe’s WCAG 2.1 A/AA rules', { timeout: 120_000 }, async (t, b) => {
  const wang = await b.person('wang', { geolocation: HERE, permissions: ['geolocation'] });
  const li = await b.person('li');
  const { page } = wang;
  const check = checker(page);

  await wang.goto('/signin');
  await page.getByLabel('手机号').waitFor();
  await check('sign-in');

  // Sign-up, its policy box shown; then the first optional consent step.
  await wang.goto('/signup');
  await page.getByRole('checkbox', { name: /隐私政策/ }).waitFor();
  await check('sign-up');
  await page.getByRole('button', { name: '阅读隐私政策' }).click();
  const sheet = page.locator('.policy-sheet');
  await sheet.getByRole('heading', { name: '隐私政策' }).waitFor();
  await page.waitForLoadState('networkidle');
  await check('the privacy policy on sign-up');
  await sheet.getByRole('button', { name: '关闭' }).click();
  await sheet.waitFor({ state: 'hidden' });
  await signUp(wang, { name: '王五', consents: 'stay', from: null });
  await page.getByRole('button', { name: /跳过其余各项/ }).waitFor();
  await check('consent steps');
  await page.getByRole('button', { name: /跳过其余各项/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/onboarding'));

  // SET-UP THROUGH THE API: Li joins Wang's enterprise; a geofence and a free-time attendance
  // group with Wang in it; Wang's location consent; one chat message from Li.
  await signUp(li, { name: '李四' });
  const eid = await enterprise(wang, [li]);
  let r = await wang.api('POST', `${E}/${eid}/attendance/places`, { body: { kind: 'geofence', name: '总部', ...HQ, coords: 'wgs84', radius_m: 200 } });
  assert.equal(r.status, 201, r.text);
  r = await wang.api('POST', `${E}/${eid}/attendance/groups`, { body: {
    name: '总部', user_ids: [wang.userId], place_ids: [r.json.id],
    rule: { kind: 'free', allow_field: false, device_changes_per_month: 0, location_retention_days: 30, max_speed_kmh: 300, max_accuracy_m: 200, clock_skew_s: 300 } } });
  assert.equal(r.status, 201, r.text);

  // A chat with Li, started from the Messages tab.
  await tab(wang, '消息');
  await page.getByRole('heading', { name: '消息' }).waitFor();
  await page.getByRole('button', { name: '发起聊天或创建群聊' }).click();
  await page.locator('.van-action-sheet').getByRole('button', { name: '发起单聊' }).click();
  await page.waitForURL(/\/messages\/new/);
  await page.getByRole('button', { name: /李四/ }).click();
  await page.waitForURL(/\/messages\/\d+$/);
  await page.getByLabel('输入消息').fill('下午三点开会');
  await page.getByRole('button', { name: '发送' }).click();
  await page.getByRole('button', { name: '未读', exact: true }).waitFor();
  await check('chat');

  await page.getByRole('button', { name: '返回' }).click();
  await page.getByRole('link', { name: /^李四，/ }).waitFor();
  await check('conversation list');

  await tab(wang, '通讯录');
  await page.getByText('李四', { exact: true }).first().click();
  const card = page.locator('[data-test="member-card"]');
  await card.waitFor();
  await check('member card');
  await page.locator('.van-overlay').click({ position: { x: 10, y: 10 } });
  await card.waitFor({ state: 'hidden' });
  await check('contacts');

  await tab(wang, '工作台');
  await page.getByRole('link', { name: '考勤打卡' }).click();
  await page.getByText('总部 · 半径 200 米').waitFor();
  await page.locator('[data-test="punch"]').click();
  await page.getByRole('alert').filter({ hasText: '需要你的同意' }).getByRole('button', { name: '同意并重新打卡' }).click();
  await page.locator('[data-test="result"]').getByText('打卡成功').waitFor();
  await check('workbench punch');

  await page.getByText('我的考勤月历', { exact: true }).click();
  await page.waitForURL(/\/workbench\/attendance\/month$/);
  await page.locator('[data-day] >> text=已打卡').first().waitFor();
  await check('my month');

  await wang.goto('/privacy');
  await page.getByRole('heading', { name: '隐私中心', level: 1 }).waitFor();
  await check('privacy center');
  await wang.goto('/privacy/permissions');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  await check('device permissions');

  check.done();
});

browserTest(s, 'the administration pages pass axe’s WCAG 2.1 A/AA rules at 1280×800', async (t, b) => {
  const zhang = await b.person('zhang', { device: DESKTOP });
  const { page } = zhang;
  const check = checker(page);
  await signUp(zhang, { name: '张三' });
  const eid = await enterprise(zhang);
  // SET-UP THROUGH THE API: one punch of Zhang's, so the report has a row with times in it.
  let r = await zhang.api('POST', `${E}/${eid}/attendance/places`, { body: { kind: 'geofence', name: '总部', ...HQ, coords: 'wgs84', radius_m: 200 } });
  assert.equal(r.status, 201, r.text);
  r = await zhang.api('POST', `${E}/${eid}/attendance/groups`, { body: {
    name: '总部', user_ids: [zhang.userId], place_ids: [r.json.id],
    rule: { kind: 'free', allow_field: false, device_changes_per_month: 0, location_retention_days: 30, max_speed_kmh: 300, max_accuracy_m: 200, clock_skew_s: 300 } } });
  assert.equal(r.status, 201, r.text);

  await zhang.goto('/admin/members');
  await page.getByRole('heading', { level: 1, name: '成员' }).waitFor();
  await page.locator('table').getByText('张三').first().waitFor();
  await check('admin members');

  await zhang.goto('/admin/attendance/reports');
  await page.getByRole('heading', { level: 1, name: '考勤报表' }).waitFor();
  await page.locator('table').getByRole('button', { name: '张三' }).waitFor();
  await check('admin attendance report (month)');
  await page.getByLabel('日报').check();
  await page.locator('table tbody tr').first().waitFor();
  await check('admin attendance report (day)');
  await page.locator('table').getByRole('button', { name: '张三' }).click();
  await page.getByRole('dialog').getByRole('heading').first().waitFor();
  await page.waitForLoadState('networkidle');
  await check('admin attendance report (a person’s month)');
  check.done();
});

/** The element that has the focus: its tag, accessible name and whether a focus ring shows. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const st = getComputedStyle(el);
    const ring = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || (st.boxShadow && st.boxShadow !== 'none');
    const label = el.labels?.[0]?.textContent?.trim();
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute('aria-label') || label || el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40),
      ring, top: r.top, left: r.left, role: el.getAttribute('role'),
    };
  });
}

/** Presses Tab until the focused element matches want (by name), at most `max` times. */
async function tabTo(page, want, max = 15) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(f);
    if (f && want.test(f.name)) return { f, seen };
  }
  assert.fail(`Tab never reached ${want}: went through ${seen.map((f) => f?.name).join(' → ')}`);
}

browserTest(s, 'a person with a keyboard on a desktop skips to the content, and signs up and in without a mouse', async (t, b) => {
  const p = await b.person('kb', { device: DESKTOP });
  const { page } = p;
  const phone = nextPhone();

  // The skip link comes first, shows when focused, and moves the focus into the main content.
  await p.goto('/signup');
  await page.getByRole('heading', { name: '注册', level: 1 }).waitFor();
  await page.keyboard.press('Tab');
  let f = await focused(page);
  assert.equal(f?.name, '跳到主要内容', 'the first Tab stop is the skip link');
  assert.ok(f.ring, 'the skip link shows its focus');
  assert.ok(f.top >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => location.hash), '#main');
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.ok(await page.evaluate(() => document.getElementById('main').contains(document.activeElement)),
    `after the skip link, Tab goes on inside the main content (got ${f?.name})`);

  // Sign up by keyboard: number, "get code" with Enter, the code, name, the policy box with Space.
  let before = p.srv.codeLines(e164(phone)).length;
  await tabTo(page, /^手机号$/);
  await page.keyboard.type(phone);
  await tabTo(page, /获取验证码/);
  await page.keyboard.press('Enter');
  let code = await codeFromOutbox(p.srv, phone, before);
  await tabTo(page, /^验证码$/);
  await page.keyboard.type(code);
  await tabTo(page, /^姓名$/);
  await page.keyboard.type('赵六');
  const box = page.getByRole('checkbox', { name: /隐私政策/ });
  ({ f } = await tabTo(page, /隐私政策/));
  assert.equal(f.role, 'checkbox');
  assert.ok(f.ring, 'the policy box shows its focus');
  await page.keyboard.press('Space');
  assert.equal(await box.getAttribute('aria-checked'), 'true', 'Space ticks the policy box');
  await tabTo(page, /^注册$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/onboarding\/consents/);
  await tabTo(page, /跳过其余各项/, 30);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/onboarding'));

  // Signed out (a new session), then in again by keyboard only, the focus visible at every stop
  // and going down the form in the order it is drawn.
  await page.evaluate(() => localStorage.clear());
  await p.goto('/signin');
  await page.getByRole('heading', { name: '登录', level: 1 }).waitFor();
  const stops = [];
  const order = [/^手机号$/, /获取验证码/, /^验证码$/, /^登录$/];
  before = p.srv.codeLines(e164(phone)).length;
  for (const want of order) {
    const { f: at, seen } = await tabTo(page, want);
    for (const x of seen) assert.ok(!x || x.ring, `focus is visible on ${x?.tag} “${x?.name}”`);
    stops.push(at);
    if (want.source === '^手机号$') await page.keyboard.type(phone);
    if (want.source === '获取验证码') {
      await page.keyboard.press('Enter');
      code = await codeFromOutbox(p.srv, phone, before);
    }
    if (want.source === '^验证码$') await page.keyboard.type(code);
  }
  for (let i = 1; i < stops.length; i++) {
    const [a, c] = [stops[i - 1], stops[i]];
    assert.ok(c.top > a.top + 1 || (Math.abs(c.top - a.top) <= 12 && c.left > a.left),
      `“${c.name}” comes after “${a.name}” on screen as in the Tab order`);
  }
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname !== '/signin');
  assert.ok(await page.evaluate(() => localStorage.getItem('atrium.session')), 'signed in');
});
