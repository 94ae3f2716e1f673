// Browser tests of the web client against a real server: the server of the API tests
// (tests/api/lib/server.mjs, free port, own data folder, SMS codes in its outbox) serving the
// client embedded in the binary, and Debian's chromium driven by playwright-core (never a
// downloaded browser). One server and one chromium per test file; one browser context per
// person, shaped like a phone (375×812 at 2×, touch, zh-CN unless told otherwise).
//
// Every test written with browserTest() fails on a page error, a console error, a Content
// Security Policy violation or a 5xx reply, and leaves its final screen in
// build/screenshots/<test-name>.png (UPDATE_SCREENSHOTS=1 also copies every named shot of a main
// screen to docs/screenshots/ for the README).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { ROOT, e164, nextPhone, show, sleep, startServer } from '../../api/lib/server.mjs';

export { ROOT, e164, nextPhone, show, sleep };

export const CHROMIUM = process.env.ATRIUM_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'build', 'screenshots');
export const DOC_SHOTS = path.join(ROOT, 'docs', 'screenshots');
export const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';

// axe-core (test-only, root package.json), evaluated into the page for a11y().
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };

/** "the privacy center downloads a ZIP" → "the-privacy-center-downloads-a-zip". */
export function slug(name) {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'test';
}

/** Saves page's screen as build/screenshots/<name>.png, and docs/screenshots/ with UPDATE_SCREENSHOTS=1. */
export async function screenshot(page, name, { fullPage = false, docs = true } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  // Let transitions and toasts settle so the picture is what a person would see.
  await page.waitForTimeout(350);
  await page.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });
  if (UPDATE && docs) {
    fs.mkdirSync(DOC_SHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOC_SHOTS, `${name}.png`));
  }
  return file;
}

/**
 * The file's server and chromium, started when its first test runs and stopped after its last.
 * `args` are extra `atrium serve` flags; codes may be asked again after a second.
 */
export function suite({ args = [], env = {} } = {}) {
  const s = { srv: null, browser: null, started: null };
  // Started by the first test that runs, so a file whose tests are all skipped costs nothing.
  s.start = () => {
    s.started ??= (async () => {
      s.srv = await startServer(null, { args: ['--code-resend', '1', ...args], env });
      s.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    })();
    return s.started;
  };
  after(async () => {
    await s.browser?.close().catch(() => {});
    await s.srv?.dispose();
  });
  return s;
}

// A failed resource the client asked the API for and handled (a 404 no_cancellation, a 403
// consent_required, …) is an answer of the contract, not a fault: chromium logs it as a console
// error all the same. Those are let through; a 5xx is caught from the reply itself.
const API_ANSWER = /^Failed to load resource: the server responded with a status of 4\d\d/;

/**
 * A test with people in browsers. fn(t, b) gets b.person(label, options) to open a phone
 * (a browser context and its page), b.shot(page, name) for named screenshots, b.srv and
 * b.browser. After fn, the test fails if any page reported an error; the first person's final
 * screen is saved as <test-name>.png, the others' as <test-name>-<label>.png.
 */
export function browserTest(s, name, options, fn) {
  if (typeof options === 'function') { fn = options; options = {}; }
  return test(name, { timeout: 60_000, ...options }, async (t) => {
    const people = [];
    const problems = [];
    const b = {
      get srv() { return s.srv; },
      get browser() { return s.browser; },
      problems,
      person: (label, opts) => openPerson(s, label, opts, problems).then((p) => { people.push(p); return p; }),
      shot: screenshot,
      /** Lets a console error matching re through (for a failure the test provokes on purpose). */
      allow: (re) => { b.allowed.push(re); },
      allowed: [],
    };
    await s.start();
    let failed = null;
    try {
      await fn(t, b);
    } catch (err) {
      failed = err;
    }
    const real = problems.filter((m) => !b.allowed.some((re) => re.test(m)));
    const base = slug(name);
    for (const [i, p] of people.entries()) {
      try {
        // Each test's last screen is the run's artifact (build/screenshots/); the README shows
        // only the main screens the tests name (docs/screenshots/).
        if (!p.page.isClosed()) await screenshot(p.page, i === 0 ? base : `${base}-${slug(p.label)}`, { docs: false });
      } catch { /* the page is gone: nothing to save */ }
    }
    await Promise.all(people.map((p) => p.context.close().catch(() => {})));
    if (failed) throw failed;
    if (real.length > 0) assert.fail(`the pages reported errors:\n${real.join('\n')}`);
  });
}

async function openPerson(s, label, opts = {}, problems) {
  const { locale = 'zh-CN', device = PHONE, geolocation, permissions = [], timezoneId = 'Asia/Shanghai', ...rest } = opts;
  const context = await s.browser.newContext({
    ...device, locale, timezoneId, geolocation, permissions, acceptDownloads: true, ...rest,
  });
  context.setDefaultTimeout(10_000);
  const report = (what) => problems.push(`[${label}] ${what}`);
  await context.exposeBinding('__atriumCspViolation', (_source, v) => report(`CSP violation: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // eslint-disable-next-line no-undef
      window.__atriumCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => report(`page error: ${err.stack || err.message}`));
  page.on('crash', () => report('page crashed'));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    if (API_ANSWER.test(msg.text()) && where.includes('/api/')) return;
    report(`console error: ${msg.text()} (${where})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 500) report(`${res.status()} from ${res.request().method()} ${res.url()}`);
  });
  const p = {
    label, context, page, srv: s.srv, phone: null, name: null,
    goto: (urlPath) => page.goto(new URL(urlPath, s.srv.base).href),
    /** The session token the client keeps in localStorage, for API set-up steps. */
    token: async () => {
      const saved = await page.evaluate(() => localStorage.getItem('atrium.session'));
      assert.ok(saved, `${label} is signed in`);
      return JSON.parse(saved).token;
    },
  };
  /** This person's calls to the API as a client of the contract (set-up steps). */
  p.api = async (method, urlPath, opts2 = {}) => s.srv.req(method, urlPath, { token: await p.token(), ...opts2 });
  return p;
}

/**
 * Waits for a code sent to phone after `before` code lines, read from the outbox file the way a
 * person reads their SMS.
 */
export async function codeFromOutbox(srv, phone, before, timeout = 5000) {
  const to = e164(phone);
  const deadline = Date.now() + timeout;
  for (;;) {
    const lines = srv.codeLines(to);
    if (lines.length > before) return lines[lines.length - 1].code;
    assert.ok(Date.now() < deadline, `no code for ${to} reached outbox/sms.jsonl`);
    await sleep(50);
  }
}

/** Taps a form's "send code" button and returns the code that arrived by "SMS". */
export async function sendCode(p, phone, scope = p.page) {
  const before = p.srv.codeLines(e164(phone)).length;
  const button = scope.getByRole('button', { name: /获取验证码|Get code/ });
  // The server allows one code per number per second here (--code-resend 1, counted in whole
  // seconds): a code asked for right after the sign-up's may be refused with 429 and its
  // retry_after, which the screen counts down; then it is asked again, as a person would.
  for (let attempt = 0; ; attempt++) {
    const [res] = await Promise.all([
      p.page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sms-codes') && r.request().method() === 'POST'),
      button.click(),
    ]);
    if (res.status() !== 429 || attempt >= 2) {
      assert.equal(res.status(), 202, `code request: ${res.status()} ${await res.text()}`);
      break;
    }
    const wait = (await res.json()).retry_after ?? 1;
    await p.page.waitForTimeout(wait * 1000 + 100);
    await button.and(p.page.locator(':not([disabled])')).waitFor();
  }
  return codeFromOutbox(p.srv, phone, before);
}

/**
 * Signs p up through the screens: mobile number, SMS code from the outbox, name, the policy box
 * (checked unticked first), then the optional consents: consents='skip' skips them all (the
 * default), 'stay' leaves p on the first of them. Returns p, with phone and name set.
 */
export async function signUp(p, { name = `用户${p.label}`, phone = nextPhone(), consents = 'skip', from = '/signup' } = {}) {
  const { page } = p;
  if (from) await p.goto(from);
  await page.getByRole('heading', { name: /^(注册|Sign up)$/ }).waitFor();
  await page.getByLabel(/^(手机号|Mobile)$/).fill(phone);
  const code = await sendCode(p, phone);
  await page.getByLabel(/^(验证码|Code)$/).fill(code);
  await page.getByLabel(/^(姓名|Name)$/).fill(name);
  const box = page.getByRole('checkbox', { name: /隐私政策|privacy policy/i });
  await box.waitFor();
  assert.equal(await box.getAttribute('aria-checked'), 'false', 'the policy box starts unticked');
  await box.click();
  assert.equal(await box.getAttribute('aria-checked'), 'true');
  await page.getByRole('button', { name: /^(注册|Sign up)$/ }).click();
  await page.waitForURL(/\/onboarding\/consents/);
  p.phone = phone;
  p.name = name;
  if (consents === 'skip') {
    await page.getByRole('button', { name: /跳过其余各项|Skip the rest/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/onboarding'));
  }
  return p;
}

/** Signs p in through the sign-in screen. */
export async function signIn(p, { phone = p.phone } = {}) {
  const { page } = p;
  await p.goto('/signin');
  await page.getByLabel(/^(手机号|Mobile)$/).fill(phone);
  await page.getByLabel(/^(验证码|Code)$/).fill(await sendCode(p, phone));
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL((u) => u.pathname !== '/signin');
  return p;
}

/**
 * SET-UP THROUGH THE API, for tests about what comes after joining: owner (signed up in the
 * browser) creates an enterprise and invites each of members by mobile number, and each accepts
 * — the joining screens have their own test (joining.test.mjs). Every page is reloaded so the
 * client picks the enterprise up. Returns the enterprise's id; sets each person's userId.
 */
export async function enterprise(owner, members = [], name = '星河科技') {
  let r = await owner.api('POST', '/api/v1/enterprises', { body: {
    creator_name: owner.name, name, industry: '软件和信息技术服务', size: '21-100', region: '上海市' } });
  assert.equal(r.status, 201, show(r));
  const eid = r.json.id;
  for (const m of members) {
    r = await owner.api('POST', `/api/v1/enterprises/${eid}/pending-members`, { body: { name: m.name, mobile: m.phone, notify: false } });
    assert.equal(r.status, 201, show(r));
    r = await m.api('POST', `/api/v1/me/invitations/${r.json.id}/accept`, { body: {} });
    assert.equal(r.status, 201, show(r));
  }
  for (const p of [owner, ...members]) {
    const me = await p.api('GET', '/api/v1/me');
    p.userId = me.json.id;
    await p.page.reload();
  }
  return eid;
}

/** Taps a tab of the bottom bar by its label. */
export async function tab(p, label) {
  // A tab's name may carry its badge before the label ("3 消息").
  const name = new RegExp(`(^|\\s)${label}$`);
  await p.page.getByRole('navigation', { name: /主导航|Main navigation/ }).getByRole('link', { name }).click();
}

/** Polls check() until it returns true (for a value the screen fills in after loading). */
export async function until(check, what, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await sleep(100);
  }
}

/** The text of an element once it has settled (trimmed, spaces collapsed). */
export async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

// The rules a11y() checks: WCAG 2.0 and 2.1, levels A and AA.
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// What a11y() fails on: every violation of impact moderate or worse. Only "minor" ones pass,
// and none has been seen on these screens.
const FAILS = new Set(['critical', 'serious', 'moderate']);

/**
 * Violations a11y() lets through, each one rule on the elements a selector matches, with the
 * reason it cannot be fixed in web/src: { rule, target (part of axe's selector), why }. Empty:
 * keep it so.
 */
export const A11Y_EXCEPTIONS = [];

/**
 * Runs axe-core's WCAG 2.1 A/AA rules on page as it is now and fails with a readable list of
 * every violation of impact moderate or worse (rule, impact, the elements' selectors, help).
 * The script is evaluated through the DevTools protocol (page.evaluate), which the page's
 * Content Security Policy (script-src 'self') does not govern: a script tag would be refused.
 */
export async function a11y(page, name, { exceptions = [] } = {}) {
  // Let transitions finish, so colours are the settled ones.
  await page.waitForTimeout(350);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const results = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, summary: n.failureSummary })),
  }))), WCAG);
  const skip = [...A11Y_EXCEPTIONS, ...exceptions];
  const found = [];
  for (const v of results) {
    const nodes = v.nodes.filter((n) => FAILS.has(n.impact || v.impact)
      && !skip.some((x) => x.rule === v.id && n.target.includes(x.target)));
    if (nodes.length > 0) found.push({ ...v, nodes });
  }
  if (found.length === 0) return;
  // The first few elements of each rule say enough (a calendar repeats one fault 30 times).
  const lines = found.map((v) => `- ${v.id} (${v.impact}): ${v.help} (${v.helpUrl})\n`
    + v.nodes.slice(0, 4).map((n) => `    ${n.target}\n      ${(n.summary || '').replace(/\n\s*/g, ' / ')}`).join('\n')
    + (v.nodes.length > 4 ? `\n    … and ${v.nodes.length - 4} more` : ''));
  assert.fail(`accessibility violations on ${name} (${page.url()}):\n${lines.join('\n')}`);
}
