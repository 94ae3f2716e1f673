// Two people, two phones: both sign up through the screens, one creates an enterprise and makes
// an invitation link in the administration area, the other opens it, sees which enterprise
// invites them before signing up, signs up, and joins; both then work in the enterprise.

import assert from 'node:assert/strict';
import { browserTest, signUp, suite, tab, text, until } from './lib/browser.mjs';

const s = suite();

browserTest(s, 'two people join one enterprise through an invitation link', async (t, b) => {
  const zhang = await b.person('zhang');
  const li = await b.person('li');

  // The sign-in screen is the first thing a stranger sees.
  await zhang.goto('/');
  await zhang.page.waitForURL(/\/signin/);
  await zhang.page.getByRole('heading', { name: '登录' }).waitFor();
  await b.shot(zhang.page, 'sign-in');

  await zhang.page.getByRole('link', { name: '注册' }).click();
  await signUp(zhang, { name: '张三', from: null });

  // No enterprise yet: the workbench offers to create one.
  await tab(zhang, '工作台');
  await zhang.page.getByText('你还没有加入企业').waitFor();
  await zhang.page.getByRole('link', { name: '创建企业' }).or(zhang.page.getByRole('button', { name: '创建企业' })).first().click();
  await zhang.page.waitForURL(/\/enterprise\/create/);
  await zhang.page.getByLabel('企业名称').fill('星河科技');
  await zhang.page.getByLabel('行业').fill('软件和信息技术服务');
  await zhang.page.getByRole('radio', { name: '21-100 人' }).click();
  await zhang.page.getByLabel('地区').fill('上海市');
  assert.equal(await zhang.page.getByLabel('你的姓名').inputValue(), '张三', 'the creator name starts as the account name');
  await zhang.page.getByRole('button', { name: '创建企业' }).click();
  await zhang.page.waitForURL(/\/workbench/);
  const card = zhang.page.getByRole('region', { name: '当前企业' });
  await card.getByText('星河科技').waitFor();
  assert.match(await text(card), /所有者 · 张三/);

  // The invitation link, made in the administration area (邀请与审批 › 邀请链接), on the phone.
  await zhang.goto('/admin');
  // (The overview repeats the menu as tiles, also named 管理菜单: the first is the side menu.)
  await zhang.page.getByRole('navigation', { name: '管理菜单' }).first().getByRole('link', { name: '邀请与审批', exact: true }).click();
  await zhang.page.getByRole('heading', { name: '邀请与审批', level: 1 }).waitFor();
  await zhang.page.getByRole('tab', { name: '邀请链接' }).click();
  await zhang.page.getByText('还没有邀请链接。').waitFor();
  await zhang.page.getByRole('button', { name: '生成链接和二维码' }).click();
  await zhang.page.getByText('链接只在此时显示一次，请现在复制或保存二维码。').waitFor();
  await zhang.page.getByRole('img', { name: '邀请链接的二维码' }).waitFor();
  const link = new URL(await zhang.page.getByLabel('链接', { exact: true }).inputValue());
  assert.equal(link.origin, b.srv.base, 'the link points at this server');
  assert.match(link.pathname, /^\/join\/[A-Za-z0-9_-]{43}$/);
  await zhang.page.locator('table').getByText('有效').first().waitFor();

  // Li opens the link before having an account: the preview names the enterprise.
  await li.goto(link.pathname);
  await li.page.getByRole('heading', { name: '星河科技' }).waitFor();
  await li.page.getByText('邀请你加入').waitFor();
  await li.page.getByText('登录或注册后即可加入。').waitFor();
  await b.shot(li.page, 'join-preview');
  await li.page.getByRole('link', { name: '注册' }).or(li.page.getByRole('button', { name: '注册' })).first().click();
  await signUp(li, { name: '李四', from: null });

  // Back on the link after signing up; the name in the enterprise starts as the account's name.
  await li.page.waitForURL((u) => u.pathname === link.pathname);
  await li.page.getByRole('heading', { name: '星河科技' }).waitFor();
  const nameField = li.page.getByLabel('企业内姓名');
  await until(async () => (await nameField.inputValue()) === '李四', 'the name in the enterprise is filled in');
  await nameField.fill('李小四');
  await li.page.getByRole('button', { name: '加入', exact: true }).click();
  await li.page.waitForURL(/\/workbench/);
  const liCard = li.page.getByRole('region', { name: '当前企业' });
  await liCard.getByText('星河科技').waitFor();
  assert.match(await text(liCard), /成员 · 李小四/);

  // Both see the enterprise as theirs on the Me tab.
  await zhang.goto('/me');
  for (const p of [zhang, li]) {
    await tab(p, '我的');
    await p.page.getByRole('link', { name: /当前企业/ }).or(p.page.locator('.van-cell', { hasText: '当前企业' })).first()
      .getByText('星河科技').waitFor();
  }
  await tab(li, '工作台');
  await liCard.getByText('星河科技').waitFor();

  // And Zhang finds Li among the members, under the name Li chose.
  await zhang.goto('/admin/members');
  await zhang.page.getByRole('heading', { name: '成员', level: 1 }).waitFor();
  await zhang.page.getByText('李小四').first().waitFor();
});
