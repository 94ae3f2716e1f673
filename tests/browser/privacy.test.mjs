// The privacy center on a phone: optional consents asked one by one with nothing ticked for the
// person, the answers shown back in consent management; a data export requested, waited for and
// downloaded as a ZIP holding the person's data; an account cancellation that starts its
// cooling-off period, says when the account will be erased, and can be withdrawn.

import assert from 'node:assert/strict';
import { unzip } from '../api/lib/zip.mjs';
import { browserTest, e164, sendCode, signUp, suite, tab, text } from './lib/browser.mjs';

const s = suite();

// The purposes this test agrees to during sign-up; every other one is declined.
const AGREE = ['日历同步', '消息推送'];

/** Me → 隐私中心. */
async function openPrivacyCenter(p) {
  await tab(p, '我的');
  await p.page.getByText('隐私中心', { exact: true }).click();
  await p.page.waitForURL(/\/privacy$/);
  await p.page.getByRole('heading', { name: '隐私中心' }).waitFor();
}

browserTest(s, 'optional consents start unticked, are recorded as chosen and the export downloads as a ZIP', async (t, b) => {
  const wang = await b.person('wang');
  const { page } = wang;
  await signUp(wang, { name: '王五', consents: 'stay' });

  // Each optional purpose on its own screen, its box never ticked in advance.
  const purposes = (await b.srv.req('GET', '/api/v1/privacy/purposes')).json.purposes;
  const seen = [];
  for (let i = 0; i < purposes.length; i++) {
    await page.getByText(`第 ${i + 1} 项，共 ${purposes.length} 项`).waitFor();
    const title = await text(page.locator('.consent-title'));
    const box = page.getByRole('checkbox', { name: /我同意为“.+”收集和使用相关信息/ });
    assert.equal(await box.getAttribute('aria-checked'), 'false', `“${title}” starts unticked`);
    if (i === 0) await b.shot(page, 'consent-step');
    if (AGREE.some((a) => title.startsWith(a))) {
      await box.click();
      await page.getByRole('button', { name: '同意，下一项' }).click();
    } else {
      await page.getByRole('button', { name: '暂不同意，下一项' }).click();
    }
    seen.push(title.replace(/\s*敏感信息$/, ''));
  }
  assert.equal(seen.length, purposes.length);
  await page.waitForURL((u) => !u.pathname.startsWith('/onboarding'));

  // Consent management shows exactly those two granted, and two grants in the history.
  await openPrivacyCenter(wang);
  await b.shot(page, 'privacy-center');
  await page.getByText('同意管理', { exact: true }).first().click();
  await page.waitForURL(/\/privacy\/consents$/);
  await page.getByRole('heading', { name: '同意管理' }).waitFor();
  const switches = page.getByRole('switch');
  await switches.first().waitFor();
  assert.equal(await switches.count(), purposes.length);
  for (const p of purposes) {
    const sw = page.getByRole('switch', { name: p.i18n.zh.title, exact: true });
    const on = (await sw.getAttribute('aria-checked')) === 'true';
    assert.equal(on, AGREE.includes(p.i18n.zh.title), `“${p.i18n.zh.title}” is ${on ? 'on' : 'off'}`);
  }
  const history = page.locator('.van-cell-group', { has: page.getByText('全部记录（最新在前）') })
    .or(page.locator('.van-cell-group__title', { hasText: '全部记录' }).locator('xpath=following-sibling::*[1]'));
  for (const title of AGREE) await history.first().getByText(title).first().waitFor();
  const mine = await wang.api('GET', '/api/v1/me/consents');
  assert.deepEqual(mine.json.purposes.filter((x) => x.granted).map((x) => x.purpose).sort(), ['calendar_sync', 'push_notifications']);

  // The export: ask, watch it being built, download the ZIP.
  await page.goBack();
  await page.getByText('导出我的数据', { exact: true }).click();
  await page.waitForURL(/\/privacy\/export$/);
  await page.getByRole('button', { name: '开始导出' }).click();
  const downloadButton = page.getByRole('button', { name: '下载 ZIP' });
  await downloadButton.waitFor({ timeout: 30_000 });
  await page.getByText('可以下载').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
  assert.match(download.suggestedFilename(), /^atrium-export-\d+\.zip$/);
  const file = await download.path();
  const fs = await import('node:fs');
  const zipBytes = fs.readFileSync(file);
  assert.equal(zipBytes.subarray(0, 4).toString('hex'), '504b0304', 'the download is a ZIP');
  const files = unzip(zipBytes);
  assert.ok(files.has('data.json') && files.has('index.html'), `entries: ${[...files.keys()]}`);
  const data = files.get('data.json').toString('utf8');
  assert.ok(data.includes('王五'), 'data.json holds the name');
  assert.ok(data.includes(e164(wang.phone)), 'data.json holds the mobile number');
  assert.ok(data.includes('calendar_sync'), 'data.json holds the consent records');
  assert.ok(files.get('index.html').toString('utf8').includes('王五'), 'index.html holds the name');
});

browserTest(s, 'cancelling the account starts its cooling-off period and can be withdrawn', async (t, b) => {
  const zhao = await b.person('zhao');
  const { page } = zhao;
  await signUp(zhao, { name: '赵六' });
  await openPrivacyCenter(zhao);
  await page.getByText('注销账号', { exact: true }).click();
  await page.waitForURL(/\/privacy\/cancellation$/);

  // What will happen, the cooling-off period first; the code goes to the person's own number.
  await page.getByText('申请后进入冷静期（默认 7 天），期间你可以随时撤回。').waitFor();
  const masked = `${zhao.phone.slice(0, 3)}****${zhao.phone.slice(7)}`;
  await page.getByText(`需要验证手机号 ${masked}`).waitFor();
  await page.getByLabel('验证码').fill(await sendCode(zhao, zhao.phone));
  await page.getByRole('button', { name: '申请注销' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('冷静期结束后，你的账号和数据将被永久删除，无法恢复。').waitFor();
  await dialog.getByRole('button', { name: '申请注销' }).click();

  // Pending: when it was asked for, when the account goes, 7 days apart; a receipt number.
  const notice = page.getByRole('status').filter({ hasText: '注销申请已于' });
  await notice.waitFor();
  const m = (await text(notice)).match(/已于 (\d{4})\/(\d\d)\/(\d\d) .*提交，账号将于 (\d{4})\/(\d\d)\/(\d\d) /);
  assert.ok(m, `the notice gives both dates: ${await text(notice)}`);
  const days = (Date.UTC(m[4], m[5] - 1, m[6]) - Date.UTC(m[1], m[2] - 1, m[3])) / 86_400_000;
  assert.equal(days, 7, 'the cooling-off period is 7 days');
  await page.getByRole('heading', { name: '删除回执编号' }).waitFor();
  const state = await zhao.api('GET', '/api/v1/me/cancellation');
  assert.equal(state.status, 200, state.text);
  await b.shot(page, 'cancellation-pending');

  // Withdrawn: the form is back, and the server has nothing pending.
  await page.getByRole('button', { name: '撤回注销申请' }).click();
  await page.getByText('已撤回注销申请').waitFor();
  await page.getByRole('button', { name: '申请注销' }).waitFor();
  await page.getByText('申请后进入冷静期（默认 7 天），期间你可以随时撤回。').waitFor();
  const after = await zhao.api('GET', '/api/v1/me/cancellation');
  assert.equal(after.status, 404, after.text);
  assert.equal(after.json.code, 'no_cancellation');
});
