// Languages: Chinese first, English second. A browser that asks for English gets English from
// the first screen; a person who signed up in Chinese switches on the Me tab, and the choice
// outlives a reload.

import assert from 'node:assert/strict';
import { browserTest, signUp, suite, tab } from './lib/browser.mjs';

const s = suite();

browserTest(s, 'an English browser is greeted in English', async (t, b) => {
  const p = await b.person('en', { locale: 'en-US' });
  await p.goto('/');
  await p.page.waitForURL(/\/signin/);
  await p.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await p.page.getByText('A self-hosted mobile office whose privacy promises are kept by code').waitFor();
  await p.page.getByLabel('Mobile', { exact: true }).waitFor();
  await p.page.getByRole('button', { name: 'Get code' }).waitFor();
  assert.equal(await p.page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await p.page.getByText('登录', { exact: true }).count(), 0, 'no Chinese title');
  await b.shot(p.page, 'sign-in-en');
});

browserTest(s, 'switching the language to English shows English screens', async (t, b) => {
  const p = await b.person('li');
  const { page } = p;
  await signUp(p, { name: '李雷' });
  await tab(p, '我的');
  await page.getByRole('heading', { name: '我的' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');

  await page.getByText('语言', { exact: true }).click();
  await page.getByRole('button', { name: 'English' }).or(page.locator('.van-action-sheet__item', { hasText: 'English' })).first().click();

  // The Me tab, its entries and the tab bar are in English at once.
  await page.getByRole('heading', { name: 'Me' }).waitFor();
  await page.getByText('Privacy center', { exact: true }).waitFor();
  await page.getByText('Current enterprise', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  for (const label of ['Messages', 'Contacts', 'Workbench', 'Me']) {
    await nav.getByRole('link', { name: label, exact: true }).waitFor();
  }
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  // Another screen, after a reload: still English.
  await page.reload();
  await page.getByText('Privacy center', { exact: true }).click();
  await page.getByRole('heading', { name: 'Privacy center' }).waitFor();
  await page.getByText('Export my data', { exact: true }).or(page.getByText('Cancel my account', { exact: true })).first().waitFor();
  assert.equal(await page.getByText('隐私中心', { exact: true }).count(), 0, 'no Chinese title left');
  await b.shot(page, 'privacy-center-en');
});
