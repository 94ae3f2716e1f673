// Two colleagues chat on two phones: what one sends arrives live on the other's screen, the
// sender's "未读" (unread) receipt turns to "已读" (read) as soon as the other opens the chat,
// and a recalled message disappears from the other's screen live, leaving "… 撤回了一条消息".

import assert from 'node:assert/strict';
import { browserTest, enterprise, signUp, suite, tab } from './lib/browser.mjs';

const s = suite();

const FIRST = '下午三点在 3 号会议室开会';
const REPLY = '收到，我准时到';

browserTest(s, 'two colleagues chat live: the receipt turns to read and a recall disappears', async (t, b) => {
  const zhang = await b.person('zhang');
  const li = await b.person('li');
  await signUp(zhang, { name: '张三' });
  await signUp(li, { name: '李四' });
  await enterprise(zhang, [li]);

  // Li waits on the conversation list; Zhang sees Li in the address book.
  await tab(li, '消息');
  await li.page.getByRole('heading', { name: '消息' }).waitFor();
  await tab(zhang, '通讯录');
  await zhang.page.getByText('李四', { exact: true }).first().waitFor();
  await b.shot(zhang.page, 'contacts');

  // Zhang starts a one-to-one chat from the Messages tab.
  await tab(zhang, '消息');
  await zhang.page.getByRole('button', { name: '发起聊天或创建群聊' }).click();
  await zhang.page.locator('.van-action-sheet').getByRole('button', { name: '发起单聊' }).click();
  await zhang.page.waitForURL(/\/messages\/new/);
  await zhang.page.getByRole('button', { name: /李四/ }).click();
  await zhang.page.waitForURL(/\/messages\/\d+$/);

  const send = async (p, words) => {
    await p.page.getByLabel('输入消息').fill(words);
    await p.page.getByRole('button', { name: '发送' }).click();
  };
  await send(zhang, FIRST);
  const mine = zhang.page.locator('.msg', { has: zhang.page.getByRole('button', { name: `我：${FIRST}` }) });
  await mine.getByRole('button', { name: '未读', exact: true }).waitFor();

  // Li's list shows it live, one unread, with no reload.
  const row = li.page.getByRole('link', { name: /^张三，/ });
  await row.and(li.page.getByRole('link', { name: /1 条未读/ })).waitFor();
  assert.match(await row.locator('[data-test="conv-label"]').textContent(), new RegExp(FIRST));
  await b.shot(li.page, 'conversation-list');

  // Li opens the chat: Zhang's receipt turns to read, live.
  await row.click();
  await li.page.getByRole('button', { name: `张三 的消息：${FIRST}` }).or(li.page.getByText(FIRST)).first().waitFor();
  await mine.getByRole('button', { name: '已读', exact: true }).waitFor();
  assert.equal(await mine.getByRole('button', { name: '未读', exact: true }).count(), 0, 'no longer unread');

  // Li answers; it arrives in Zhang's open chat.
  await send(li, REPLY);
  await zhang.page.getByText(REPLY).waitFor();
  await b.shot(zhang.page, 'chat');

  // Zhang recalls the first message: it disappears from Li's screen, live, leaving a notice.
  await zhang.page.getByRole('button', { name: `我：${FIRST}` }).click();
  await zhang.page.locator('.van-action-sheet__item', { hasText: '撤回' }).click();
  const confirm = zhang.page.locator('.van-dialog');
  await confirm.getByText('撤回后，所有人都将看不到这条消息的内容。').waitFor();
  await confirm.getByRole('button', { name: '撤回' }).click();
  await li.page.getByText('张三 撤回了一条消息').waitFor();
  assert.equal(await li.page.getByText(FIRST).count(), 0, 'the recalled words are gone from Li’s screen');
  await li.page.getByText(REPLY).waitFor();
  await zhang.page.getByText(FIRST).waitFor({ state: 'detached' });
});
