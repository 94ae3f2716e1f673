// Real-time messaging (issue 5): every change reaches every online device of every member —
// the sender's other devices included — and a device that was offline for any stretch catches
// up through sync with exactly what it missed: in order, no gap, no duplicate.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { addMember, createEnterprise, show, sleep, startServer } from './lib/server.mjs';
import { wsSignIn } from './lib/ws.mjs';

const E = '/api/v1/enterprises';

async function setup(t) {
  const srv = await startServer(t, { args: ['--code-resend', '1'] });
  const owner = await srv.signUp();
  const eid = await createEnterprise(srv, owner, '示例科技');
  const wang = await srv.signUp();
  const li = await srv.signUp();
  await addMember(srv, owner, eid, wang, '王五');
  await addMember(srv, owner, eid, li, '李四');
  const C = `${E}/${eid}/conversations`;
  let r = await srv.req('POST', C, { token: owner.token, body: { kind: 'group', name: '项目群', member_ids: [wang.user.id, li.user.id] } });
  assert.equal(r.status, 201, show(r));
  const g = r.json;
  const send = async (who, text, cid = g.id) => {
    const res = await srv.req('POST', `${C}/${cid}/messages`, { token: who.token, body: { client_id: randomUUID(), kind: 'text', text } });
    assert.equal(res.status, 201, show(res));
    return res.json;
  };
  return { srv, eid, C, owner, wang, li, g, send };
}

test('a message reaches every device of every member, the sender\'s other devices included', async (t) => {
  const { srv, owner, wang, li, g, send } = await setup(t);
  const ownerPhone = await wsSignIn(srv, owner, t);
  await sleep(1100); // the code resend window
  const ownerPc = await wsSignIn(srv, await srv.signIn({ phone: owner.phone, wait: false }), t);
  const wangWs = await wsSignIn(srv, wang, t);
  const liWs = await wsSignIn(srv, li, t);
  const m = await send(owner, '大家好');
  for (const ws of [ownerPhone, ownerPc, wangWs, liWs]) {
    const f = await ws.next((x) => x.type === 'message' && x.message.seq === m.seq);
    assert.deepEqual(f.message, m, 'the same message the sender was answered with');
  }
  // Someone outside the conversation hears nothing.
  const outsider = await srv.signUp();
  const outWs = await wsSignIn(srv, outsider, t);
  await send(wang, '第二条');
  assert.equal(await outWs.receives((x) => x.type === 'message', 500), false);
});

test('recalls, read positions and membership changes arrive live too', async (t) => {
  const { srv, C, owner, wang, li, g, send } = await setup(t);
  const wangWs = await wsSignIn(srv, wang, t);
  const ownerWs = await wsSignIn(srv, owner, t);
  const m = await send(li, '马上撤回');
  await wangWs.next((x) => x.type === 'message' && x.message.seq === m.seq);
  let r = await srv.req('POST', `${C}/${g.id}/messages/${m.seq}/recall`, { token: li.token });
  assert.equal(r.status, 200, show(r));
  const recall = await wangWs.next((x) => x.type === 'message' && x.message.kind === 'recall');
  assert.deepEqual(recall.message.body, { seq: m.seq });
  r = await srv.req('POST', `${C}/${g.id}/read`, { token: wang.token, body: { seq: recall.message.seq } });
  const read = await ownerWs.next((x) => x.type === 'read' && x.user_id === wang.user.id);
  assert.equal(read.seq, recall.message.seq);
  r = await srv.req('DELETE', `${C}/${g.id}/members/${wang.user.id}`, { token: owner.token });
  assert.equal(r.status, 204, show(r));
  const removed = await wangWs.next((x) => x.type === 'message' && x.message.kind === 'member_remove');
  assert.deepEqual(removed.message.body, { user_id: wang.user.id }, 'the removed member is told too');
});

test('devices that drop at random moments catch up through sync with no gap and no duplicate', async (t) => {
  const { srv, eid, C, owner, wang, li, g, send } = await setup(t);
  const r0 = await srv.req('POST', C, { token: owner.token, body: { kind: 'direct', user_id: wang.user.id } });
  const d = r0.json;
  // Wang's device: what it holds per conversation, from live frames and from sync.
  const held = new Map([[g.id, []], [d.id, []]]);
  // A device keeps a message once: what it already holds (live and sync may both bring it) is
  // skipped; anything else is kept, so a gap would show in the check at the end.
  const take = (cid, seq) => {
    const seqs = held.get(cid);
    if (seq > (seqs.at(-1) || 0)) seqs.push(seq);
  };
  const sync = async () => {
    for (;;) {
      const conversations = Object.fromEntries([...held].map(([cid, seqs]) => [cid, seqs.length ? seqs.at(-1) : 0]));
      const r = await srv.req('POST', `${E}/${eid}/im/sync`, { token: wang.token, body: { conversations, limit: 7 } });
      assert.equal(r.status, 200, show(r));
      let more = false;
      for (const c of r.json.conversations) {
        for (const m of c.messages) take(c.id, m.seq);
        more ||= c.has_more;
      }
      if (!more) return;
    }
  };
  await sync();
  let sent = 0;
  let livecount = 0;
  // Senders keep writing; the device goes online and offline at random points.
  const writers = (async () => {
    for (let i = 0; i < 120; i++) {
      const who = [owner, li][i % 2];
      await send(who, `消息 ${i}`, i % 3 ? g.id : (who === owner ? d.id : g.id));
      sent++;
      if (i % 10 === 0) await sleep(Math.random() * 30);
    }
  })();
  for (let round = 0; round < 6; round++) {
    const ws = await wsSignIn(srv, wang, null);
    // What arrives live is kept only if it continues what the device holds; sync fills the rest.
    const live = (async () => {
      for (;;) {
        let f;
        try { f = await ws.next((x) => x.type === 'message', 2000); } catch { return; }
        const seqs = held.get(f.message.conversation_id);
        if (seqs && f.message.seq === (seqs.at(-1) || 0) + 1) take(f.message.conversation_id, f.message.seq);
        livecount++;
      }
    })();
    await sync();
    await sleep(20 + Math.random() * 120);
    ws.close();
    await live;
    await sleep(Math.random() * 80);
  }
  await writers;
  await sync();
  for (const [cid, seqs] of held) {
    const r = await srv.req('GET', `${C}/${cid}`, { token: wang.token });
    const last = r.json.last_seq;
    const first = seqs[0];
    assert.deepEqual(seqs, Array.from({ length: last - first + 1 }, (_, i) => first + i), `conversation ${cid}: every seq once, in order`);
  }
  assert.equal(sent, 120);
  assert.ok(livecount > 0, 'some messages came live');
});
