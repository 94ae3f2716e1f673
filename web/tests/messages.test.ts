// The Messages tab: catching up through sync after every (re)connection with no gap and no
// duplicate, read receipts kept current by read frames, recall, and a microphone asked for only
// while the record button is held.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ChatPage from '@/features/messages/ChatPage.vue'
import ChatComposer from '@/features/messages/ChatComposer.vue'
import MessagesHome from '@/features/messages/MessagesHome.vue'
import GroupSettings from '@/features/messages/GroupSettings.vue'
import NewChat from '@/features/messages/NewChat.vue'
import SearchPage from '@/features/messages/SearchPage.vue'
import { useMessagesStore } from '@/features/messages/store'
import { backoff, createRealtime, resetRealtime } from '@/features/messages/realtime'
import { i18n } from '@/i18n'
import { fakeServer, freshApp, json, ME, mountAt, problem, settle, signIn, type Call } from './helpers'

// ---- a fake WebSocket -------------------------------------------------------------------------

class FakeSocket {
  static all: FakeSocket[] = []
  url: string
  sent: Record<string, unknown>[] = []
  closed = false
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(url: string) {
    this.url = url
    FakeSocket.all.push(this)
    queueMicrotask(() => this.onopen?.())
  }
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  close(code = 1000) {
    if (this.closed) return
    this.closed = true
    this.onclose?.({ code })
  }
  /** A frame from the server. */
  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
  /** The server drops the connection. */
  drop(code = 1006) {
    this.close(code)
  }
  static last() {
    return FakeSocket.all[FakeSocket.all.length - 1]
  }
}

// ---- a fake IM server -------------------------------------------------------------------------

const EID = '5'
const CID = '11'
const WANG = { user_id: '7399848261025793', name: '王五' }
const LI = { user_id: '7399848261025794', name: '李四' }
const MINE = { user_id: ME.id, name: '李雷' }

type Msg = {
  conversation_id: string
  seq: number
  id: string
  sender: { user_id?: string; name: string } | null
  client_id?: string
  kind: string
  body: Record<string, unknown>
  recalled: boolean
  reply_to: number | null
  created_at: string
}

function msg(seq: number, sender = WANG, text = `消息 ${seq}`, at = new Date(Date.now() - (100 - seq) * 1000).toISOString()): Msg {
  return { conversation_id: CID, seq, id: String(9000 + seq), sender, kind: 'text', body: { text }, recalled: false, reply_to: null, created_at: at }
}

interface ImServer {
  messages: Msg[]
  calls: Call[]
  syncBodies: Record<string, number>[]
  receipts: Record<number, { read: object[]; unread: object[] }>
  role: 'owner' | 'admin' | 'member'
}

function imServer(initial: Msg[], opts: { kind?: 'group' | 'direct'; role?: 'owner' | 'admin' | 'member' } = {}): ImServer {
  const s: ImServer = { messages: [...initial], calls: [], syncBodies: [], receipts: {}, role: opts.role ?? 'member' }
  const kind = opts.kind ?? 'group'
  const conv = () => ({
    id: CID,
    enterprise_id: EID,
    kind,
    name: kind === 'group' ? '项目群' : '',
    ...(kind === 'group' ? { notice: '', owner_id: WANG.user_id, who_adds: 'members', mute_all: false, department_id: null } : { peer: WANG }),
    last_seq: s.messages.length,
    last_at: s.messages.at(-1)?.created_at ?? '2026-11-29T02:30:00.123Z',
    created_at: '2026-11-29T02:30:00.123Z',
    role: s.role,
    read_seq: 0,
    pinned: false,
    muted: false,
    joined_seq: 0,
    member_count: 3,
    unread: s.messages.filter((m) => m.sender?.user_id !== ME.id).length,
    mentions: 0,
    last_message: s.messages.at(-1) ?? null,
  })
  const members = [
    { person: WANG, role: 'owner' },
    { person: MINE, role: s.role === 'owner' ? 'owner' : s.role },
    { person: LI, role: 'member' },
  ]
  const C = `/api/v1/enterprises/${EID}/conversations`
  const handle = (c: Call): Response | undefined => {
    const [path, query = ''] = c.url.split('?')
    const q = new URLSearchParams(query)
    const key = `${c.method} ${path}`
    if (key === 'GET /api/v1/me') return json(200, ME)
    if (key === 'GET /api/v1/me/enterprises')
      return json(200, { enterprises: [{ id: EID, name: '示例科技', logo_url: '', role: 'member', status: 'active', name_in_enterprise: '李雷', joined_at: 'x' }] })
    if (key === 'GET /api/v1/me/invitations') return json(200, { invitations: [] })
    if (key === `GET ${C}`) return json(200, { conversations: [conv()] })
    if (key === `GET ${C}/${CID}`) return json(200, { ...conv(), members })
    if (key === `GET ${C}/${CID}/messages`) {
      const limit = Number(q.get('limit') ?? 50)
      const before = q.get('before')
      let list = s.messages
      if (before) list = list.filter((m) => m.seq < Number(before))
      const page = list.slice(-limit)
      return json(200, { messages: page, has_more: list.length > page.length, last_seq: s.messages.length })
    }
    if (key === `POST /api/v1/enterprises/${EID}/im/sync`) {
      const body = c.body as { conversations: Record<string, number>; limit?: number }
      s.syncBodies.push({ ...body.conversations })
      const from = body.conversations[CID] ?? 0
      const limit = body.limit ?? 100
      const after = s.messages.filter((m) => m.seq > from)
      const page = after.slice(0, limit)
      return json(200, { conversations: page.length ? [{ id: CID, last_seq: s.messages.length, messages: page, has_more: after.length > page.length }] : [], gone: [] })
    }
    if (key === `POST ${C}/${CID}/read`) return json(200, { read_seq: (c.body as { seq: number }).seq })
    if (key === `POST ${C}/${CID}/messages`) {
      const b = c.body as { client_id: string; kind: string; text?: string }
      const m = { ...msg(s.messages.length + 1, MINE, b.text ?? ''), client_id: b.client_id, created_at: new Date().toISOString() }
      s.messages.push(m)
      return json(201, m)
    }
    if (key === `PUT ${C}/${CID}/settings`) return json(200, { ...conv(), ...(c.body as object), members })
    if (key === `DELETE ${C}/${CID}/members/${LI.user_id}`) return json(204, null)
    if (key === `POST ${C}`) return json(201, { ...conv(), id: '12', name: (c.body as { name?: string }).name ?? '', members })
    if (key === `GET /api/v1/enterprises/${EID}/members`)
      return json(200, {
        members: [MINE, WANG, LI].map((p) => ({ user_id: p.user_id, name_in_enterprise: p.name, role: 'member', status: 'active', joined_at: 'x', departments: [], primary_department: null, view: 'everyone', custom: [], photo: false })),
        next_cursor: null,
      })
    let match = path.match(new RegExp(`^${C}/${CID}/messages/(\\d+)/receipts$`))
    if (c.method === 'GET' && match) {
      const seq = Number(match[1])
      const r = s.receipts[seq] ?? { read: [], unread: [WANG, LI] }
      return json(200, { seq, read: r.read, unread: r.unread, read_count: r.read.length, unread_count: r.unread.length })
    }
    match = path.match(new RegExp(`^${C}/${CID}/messages/(\\d+)/recall$`))
    if (c.method === 'POST' && match) {
      const seq = Number(match[1])
      const m = s.messages.find((x) => x.seq === seq)
      if (!m) return problem(404, 'message_not_found')
      m.recalled = true
      m.body = {}
      s.messages.push({ ...msg(s.messages.length + 1, MINE), kind: 'recall', body: { seq } })
      return json(200, { seq, recall_seq: s.messages.length })
    }
    return undefined
  }
  const table = new Proxy({} as Record<string, (c: Call) => Response>, {
    get: () => (c: Call) => {
      s.calls.push(c)
      return handle(c) ?? problem(404, 'not_found')
    },
    has: () => true,
  })
  fakeServer(table)
  return s
}

beforeEach(() => {
  FakeSocket.all = []
  vi.stubGlobal('WebSocket', FakeSocket)
})
const mounted: { unmount: () => void }[] = []
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount()
  resetRealtime()
  // No timer of this test's store may call the real fetch once the fake one is gone.
  useMessagesStore().reset(null)
})

async function ready(sock: FakeSocket) {
  await settle()
  sock.receive({ type: 'ready', user_id: ME.id, session_id: '1' })
  await settle()
}

const seqs = () => useMessagesStore().chats[CID]?.messages.map((m) => m.seq) ?? []

// ---- sync ------------------------------------------------------------------------------------

describe('realtime and sync', () => {
  it('signs in with the first frame, never in the URL', async () => {
    imServer([msg(1)])
    freshApp()
    signIn()
    const rt = createRealtime({ WebSocket: FakeSocket as never, url: 'ws://x/api/v1/ws' })
    rt.start()
    await settle()
    const sock = FakeSocket.last()
    expect(sock.url).toBe('ws://x/api/v1/ws')
    expect(sock.sent[0]).toEqual({ type: 'auth', token: 'T'.repeat(43) })
    rt.dispose()
  })

  it('keeps every seq once, in order, across live frames, gaps and reconnections', async () => {
    const server = imServer([msg(1), msg(2), msg(3)])
    freshApp()
    signIn()
    const store = useMessagesStore()
    const rt = createRealtime({ WebSocket: FakeSocket as never, url: 'ws://x' })
    rt.start()
    store.reset(EID)
    await store.loadList()
    await store.openChat(CID)
    expect(seqs()).toEqual([1, 2, 3])

    // Online: the catch-up after "ready" starts from what is held.
    let sock = FakeSocket.last()
    await ready(sock)
    expect(server.syncBodies.at(-1)).toEqual({ [CID]: 3 })

    // A live frame that follows is kept; the same again is not.
    server.messages.push(msg(4))
    sock.receive({ type: 'message', message: msg(4) })
    sock.receive({ type: 'message', message: msg(4) })
    expect(seqs()).toEqual([1, 2, 3, 4])

    // A frame after a gap is not kept: a sync fills the gap from seq 4.
    server.messages.push(msg(5), msg(6))
    sock.receive({ type: 'message', message: msg(6) })
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]))
    expect(server.syncBodies.at(-1)).toEqual({ [CID]: 4 })

    // Offline while three more are written; the reconnection catches up from seq 6.
    sock.drop()
    expect(rt.state.value).toBe('offline')
    server.messages.push(msg(7), msg(8), msg(9))
    rt.nudge()
    await settle()
    sock = FakeSocket.last()
    expect(FakeSocket.all).toHaveLength(2)
    // A frame that arrives while the sync is on its way, and the sync bringing it too.
    sock.receive({ type: 'message', message: msg(7) })
    await ready(sock)
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(server.syncBodies.at(-1)).toEqual({ [CID]: 7 })
    // And the live copies that come late change nothing.
    for (const n of [7, 8, 9]) sock.receive({ type: 'message', message: msg(n) })
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    rt.dispose()
  })

  it('syncs again while the server has more, and counts unread messages once', async () => {
    const server = imServer([msg(1)])
    freshApp()
    signIn()
    const store = useMessagesStore()
    store.reset(EID)
    await store.loadList()
    expect(store.convs[CID].unread).toBe(1)
    for (let i = 2; i <= 250; i++) server.messages.push(msg(i))
    await store.sync()
    expect(server.syncBodies).toEqual([{ [CID]: 1 }, { [CID]: 101 }, { [CID]: 201 }])
    expect(store.convs[CID].last_seq).toBe(250)
    expect(store.convs[CID].unread).toBe(250)
    // The list refreshed afterwards does not count them again.
    await store.loadList()
    expect(store.convs[CID].unread).toBe(250)
  })

  it('drops conversations the sync says are gone', async () => {
    imServer([msg(1)])
    freshApp()
    signIn()
    const store = useMessagesStore()
    store.reset(EID)
    await store.loadList()
    fakeServer({ [`POST /api/v1/enterprises/${EID}/im/sync`]: () => json(200, { conversations: [], gone: [CID] }) })
    await store.sync()
    expect(store.convs[CID]).toBeUndefined()
  })

  it('waits longer after each failed attempt, up to half a minute', () => {
    const mid = () => 0.5
    expect([0, 1, 2, 3, 4, 5, 6, 9].map((n) => backoff(n, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })

  it('does not reconnect once the server says the session ended (4401)', async () => {
    imServer([msg(1)])
    freshApp()
    signIn()
    vi.useFakeTimers()
    try {
      const rt = createRealtime({ WebSocket: FakeSocket as never, url: 'ws://x' })
      rt.start()
      FakeSocket.last().drop(4401)
      await vi.advanceTimersByTimeAsync(60_000)
      expect(FakeSocket.all).toHaveLength(1)
      rt.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})

// ---- the list --------------------------------------------------------------------------------

describe('conversation list', () => {
  it('shows the latest message, its time, the unread count and a mention mark', async () => {
    const server = imServer([msg(1), msg(2, LI, '明天开会')])
    const { wrapper } = await mountAt(MessagesHome, '/messages', signIn)
    mounted.push(wrapper)
    await vi.waitFor(() => expect(wrapper.text()).toContain('项目群'))
    expect(wrapper.text()).toContain('李四：明天开会')
    expect(wrapper.find('.conv-badge').text()).toBe('2')
    const sock = FakeSocket.last()
    await ready(sock)
    const m3 = { ...msg(3, LI, '请看一下'), body: { text: '请看一下', mentions: [ME.id] } }
    server.messages.push(m3)
    sock.receive({ type: 'message', message: m3 })
    await settle()
    expect(wrapper.find('.conv-badge').text()).toBe('3')
    expect(wrapper.find('.conv-mention').text()).toBe('[有人@我]')
    expect(wrapper.find('a.conv [data-test="conv-label"]').text()).toContain('3 条未读')
  })
})

// ---- a chat ----------------------------------------------------------------------------------

async function openChat(initial: Msg[], opts: { role?: 'owner' | 'admin' | 'member'; kind?: 'group' | 'direct' } = {}) {
  const server = imServer(initial, opts)
  const { wrapper, router } = await mountAt(ChatPage, `/messages/${CID}`, signIn)
  mounted.push(wrapper)
  await vi.waitFor(() => expect(wrapper.findAll('.msg, .msg-event').length).toBeGreaterThan(0))
  await settle()
  return { server, wrapper, router }
}

describe('chat', () => {
  it('marks the conversation read when it is viewed', async () => {
    const { server } = await openChat([msg(1), msg(2)])
    await vi.waitFor(() => expect(server.calls.some((c) => c.method === 'POST' && c.url.endsWith('/read'))).toBe(true))
    expect(server.calls.find((c) => c.url.endsWith('/read'))!.body).toEqual({ seq: 2 })
  })

  it('shows how many have not read my message, kept current by read frames', async () => {
    const mine = msg(2, MINE, '收到请回复')
    const { wrapper, server } = await openChat([msg(1), mine])
    await vi.waitFor(() => expect(wrapper.find('.msg-receipt').exists()).toBe(true))
    expect(wrapper.find('.msg-receipt').text()).toBe('2 人未读')
    const sock = FakeSocket.last()
    await ready(sock)
    sock.receive({ type: 'read', conversation_id: CID, user_id: WANG.user_id, seq: 2 })
    await settle()
    expect(wrapper.find('.msg-receipt').text()).toBe('1 人未读')

    // The list of who read and who has not.
    server.receipts[2] = { read: [WANG], unread: [LI] }
    await wrapper.find('.msg-receipt').trigger('click')
    await settle()
    const popup = document.body.querySelector('.receipts')!
    expect(popup.textContent).toContain('未读（1）')
    expect(popup.textContent).toContain('李四')
    expect(popup.textContent).toContain('已读（1）')
    ;(popup.querySelectorAll('[role="tab"]')[1] as HTMLElement).click()
    await settle()
    expect(document.body.querySelector('.receipts-list')!.textContent).toContain('王五')

    sock.receive({ type: 'read', conversation_id: CID, user_id: LI.user_id, seq: 5 })
    await settle()
    expect(wrapper.find('.msg-receipt').text()).toBe('全部已读')
  })

  it('recalls my own message after asking, and shows that it was recalled', async () => {
    const mine = { ...msg(2, MINE, '发错了'), created_at: new Date().toISOString() }
    const { wrapper, server } = await openChat([msg(1), mine])
    const bubbles = wrapper.findAll('.msg-bubble')
    await bubbles[1].trigger('click')
    await settle()
    const recall = [...document.body.querySelectorAll('.van-action-sheet__item')].find((b) => b.textContent?.includes('撤回')) as HTMLElement
    expect(recall).toBeTruthy()
    recall.click()
    await settle()
    ;(document.body.querySelector('.van-dialog__confirm') as HTMLElement).click()
    await vi.waitFor(() => expect(server.calls.some((c) => c.url.endsWith('/messages/2/recall'))).toBe(true))
    await settle()
    expect(wrapper.text()).toContain('你 撤回了一条消息')
    expect(wrapper.text()).not.toContain('发错了')
  })

  it("offers no recall of someone else's message to a plain member, but a live recall hides it", async () => {
    const { wrapper } = await openChat([msg(1, WANG, '秘密'), msg(2)])
    await wrapper.findAll('.msg-bubble')[0].trigger('click')
    await settle()
    const items = [...document.body.querySelectorAll('.van-action-sheet__item')].map((b) => b.textContent)
    expect(items).toContain('回复')
    expect(items).not.toContain('撤回')
    const sock = FakeSocket.last()
    await ready(sock)
    sock.receive({ type: 'message', message: { ...msg(3, WANG), kind: 'recall', body: { seq: 1 } } })
    await settle()
    expect(wrapper.text()).not.toContain('秘密')
    expect(wrapper.text()).toContain('王五 撤回了一条消息')
  })

  it('lets a group administrator recall anyone’s message', async () => {
    const { wrapper } = await openChat([msg(1, WANG, '旧消息', '2026-01-01T00:00:00.000Z')], { role: 'admin' })
    await wrapper.findAll('.msg-bubble')[0].trigger('click')
    await settle()
    const items = [...document.body.querySelectorAll('.van-action-sheet__item')].map((b) => b.textContent)
    expect(items).toContain('撤回')
  })

  it('sends text with a client id, shows it once, and the typing of others', async () => {
    const { wrapper, server } = await openChat([msg(1)])
    const sock = FakeSocket.last()
    await ready(sock)
    const input = wrapper.find('textarea')
    await input.setValue('大家好')
    await input.trigger('input')
    expect(sock.sent.find((f) => f.type === 'typing')).toEqual({ type: 'typing', enterprise_id: EID, conversation_id: CID })
    await input.trigger('keydown', { key: 'Enter' })
    await vi.waitFor(() => expect(server.messages).toHaveLength(2))
    const sent = server.calls.find((c) => c.method === 'POST' && c.url.endsWith('/messages'))!
    expect(sent.body).toMatchObject({ kind: 'text', text: '大家好' })
    expect((sent.body as { client_id: string }).client_id).toMatch(/^[0-9a-f-]{36}$/)
    // The live echo of the same message.
    sock.receive({ type: 'message', message: server.messages[1] })
    await settle()
    expect(wrapper.findAll('.msg-text').filter((t) => t.text() === '大家好')).toHaveLength(1)

    sock.receive({ type: 'typing', enterprise_id: EID, conversation_id: CID, user_id: WANG.user_id })
    await settle()
    await vi.waitFor(() => expect(wrapper.find('.chat-typing').text()).toBe('王五 正在输入…'))
  })

  it('keeps a message that failed, and sends it again with the same client id', async () => {
    const { wrapper, server } = await openChat([msg(1)])
    let fail = true
    const real = globalThis.fetch
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (fail && init?.method === 'POST' && String(input).endsWith('/messages')) {
        server.calls.push({ method: 'POST', url: String(input), headers: {}, body: JSON.parse(String(init.body)) })
        return problem(503, 'service_unavailable')
      }
      return real(input, init)
    })
    const input = wrapper.find('textarea')
    await input.setValue('重要通知')
    await input.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(wrapper.find('.msg-status--failed').exists()).toBe(true)
    expect(document.body.querySelector('.van-toast')?.textContent).toBe(i18n.global.t('errors.service_unavailable'))
    fail = false
    await wrapper.findAll('.msg-status--failed button').find((b) => b.text() === '重新发送')!.trigger('click')
    await vi.waitFor(() => expect(server.messages).toHaveLength(2))
    await settle()
    const posts = server.calls.filter((c) => c.method === 'POST' && c.url.endsWith('/messages'))
    expect(posts).toHaveLength(2)
    expect((posts[0].body as { client_id: string }).client_id).toBe((posts[1].body as { client_id: string }).client_id)
    expect(wrapper.find('.msg-status--failed').exists()).toBe(false)
    expect(wrapper.findAll('.msg-text').filter((t) => t.text() === '重要通知')).toHaveLength(1)
  })

  it('shows an error in words when the history cannot be loaded', async () => {
    fakeServer({
      'GET /api/v1/me/enterprises': () => json(200, { enterprises: [{ id: EID, name: 'x', logo_url: '', role: 'member', status: 'active', name_in_enterprise: 'x', joined_at: 'x' }] }),
      [`GET /api/v1/enterprises/${EID}/conversations/${CID}`]: () => problem(404, 'conversation_not_found'),
    })
    const { wrapper } = await mountAt(ChatPage, `/messages/${CID}`, signIn)
    mounted.push(wrapper)
    await settle()
    expect(wrapper.find('[role="alert"]').text()).toContain(i18n.global.t('errors.conversation_not_found'))
  })
})

// ---- group settings and new chats ----------------------------------------------------------

describe('group settings', () => {
  it('lets the owner manage members, and anyone pin the chat', async () => {
    const server = imServer([msg(1)], { role: 'owner' })
    const { wrapper } = await mountAt(GroupSettings, `/messages/${CID}/settings`, signIn)
    mounted.push(wrapper)
    await vi.waitFor(() => expect(wrapper.text()).toContain('群成员（3）'))
    expect(wrapper.text()).toContain('解散群聊')
    await wrapper.find('button[aria-label="对 李四 的操作"]').trigger('click')
    await settle()
    const items = [...document.body.querySelectorAll('.van-action-sheet__item')].map((b) => b.textContent)
    expect(items).toEqual(expect.arrayContaining(['设为群管理员', '移出群聊']))
    ;([...document.body.querySelectorAll('.van-action-sheet__item')].find((b) => b.textContent === '移出群聊') as HTMLElement).click()
    await settle()
    ;(document.body.querySelector('.van-dialog__confirm') as HTMLElement).click()
    await vi.waitFor(() => expect(server.calls.some((c) => c.method === 'DELETE' && c.url.endsWith(`/members/${LI.user_id}`))).toBe(true))
    await wrapper.find('[role="switch"][aria-label="置顶聊天"]').trigger('click')
    await vi.waitFor(() => expect(server.calls.find((c) => c.method === 'PUT')?.body).toEqual({ pinned: true }))
  })

  it('gives a plain member neither removal nor dissolution', async () => {
    imServer([msg(1)], { role: 'member' })
    const { wrapper } = await mountAt(GroupSettings, `/messages/${CID}/settings`, signIn)
    mounted.push(wrapper)
    await vi.waitFor(() => expect(wrapper.text()).toContain('群成员（3）'))
    expect(wrapper.find('button[aria-label="对 李四 的操作"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('解散群聊')
    expect(wrapper.text()).toContain('退出群聊')
  })
})

describe('new chats', () => {
  it('creates a group with a name and the colleagues ticked', async () => {
    const server = imServer([])
    const { wrapper, router } = await mountAt(NewChat, '/messages/new?group=1', signIn)
    mounted.push(wrapper)
    await vi.waitFor(() => expect(wrapper.findAll('.pick-row')).toHaveLength(2))
    expect(wrapper.text()).not.toContain('李雷')
    await wrapper.find('input[name="group-name"]').setValue('周报小组')
    await wrapper.findAll('.pick-check')[1].setValue(true)
    await wrapper.find('.pick-bar button').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/messages/12'))
    expect(server.calls.find((c) => c.method === 'POST')!.body).toEqual({ kind: 'group', member_ids: [LI.user_id], name: '周报小组' })
  })
})

describe('search', () => {
  it('marks the matches, counted in code points', async () => {
    const server = imServer([msg(1)])
    const { wrapper } = await mountAt(SearchPage, '/messages/search', signIn)
    mounted.push(wrapper)
    const found = { message: msg(1, WANG, '😀今天考勤打卡了吗'), highlight: { text: '😀今天考勤打卡了吗', ranges: [[3, 2]] } }
    fakeServer({
      'GET /api/v1/me/enterprises': () => json(200, { enterprises: [{ id: EID, name: 'x', logo_url: '', role: 'member', status: 'active', name_in_enterprise: 'x', joined_at: 'x' }] }),
      [`GET /api/v1/enterprises/${EID}/conversations`]: () => json(200, { conversations: [] }),
      [`GET /api/v1/enterprises/${EID}/im/search`]: () => json(200, { results: [found], next_cursor: null }),
    })
    void server
    await wrapper.find('input[type="search"]').setValue('考勤')
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.find('mark').exists()).toBe(true))
    expect(wrapper.find('mark').text()).toBe('考勤')
    expect(wrapper.find('a.search-row').attributes('href')).toBe(`/messages/${CID}`)
  })
})

// ---- voice -----------------------------------------------------------------------------------

describe('voice messages', () => {
  function mediaStubs() {
    const track = { stop: vi.fn() }
    const getUserMedia = vi.fn(async () => ({ getTracks: () => [track] }))
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true })
    class FakeRecorder {
      static isTypeSupported = (t: string) => t === 'audio/ogg;codecs=opus'
      state = 'inactive'
      mimeType = 'audio/ogg;codecs=opus'
      ondataavailable: ((e: { data: Blob }) => void) | null = null
      onstop: (() => void) | null = null
      start() {
        this.state = 'recording'
      }
      stop() {
        this.state = 'inactive'
        this.ondataavailable?.({ data: new Blob(['OggS'], { type: this.mimeType }) })
        this.onstop?.()
      }
    }
    vi.stubGlobal('MediaRecorder', FakeRecorder)
    return { getUserMedia, track }
  }

  /** The person's consents: microphone granted or not; a grant is recorded. */
  function consentServer(granted: boolean) {
    const purpose = { id: 'microphone', version: 1, title: '麦克风', description: '录制语音消息', i18n: { zh: { title: '麦克风', description: '录制语音消息' }, en: { title: 'Microphone', description: 'Voice messages' } }, permission: 'microphone', sensitive: false, required: false, basis: 'consent' }
    return fakeServer({
      'GET /api/v1/me/consents': () => json(200, { purposes: [{ purpose: 'microphone', title: '麦克风', version: 1, granted, needs_renewal: false, updated_at: null }], history: [] }),
      'GET /api/v1/privacy/purposes': () => json(200, { language: 'zh', purposes: [purpose] }),
      'POST /api/v1/me/consents': (c) => json(201, { id: '9', ...(c.body as object), purpose_version: 1, policy_version: 'p', created_at: 'x' }),
    })
  }

  it('asks for the consent to the microphone purpose before the first recording, not the microphone', async () => {
    const { getUserMedia } = mediaStubs()
    const { calls } = consentServer(false)
    const pinia = freshApp()
    signIn()
    const conv = { id: CID, kind: 'direct', role: 'member' }
    const wrapper = mount(ChatComposer, { props: { conv: conv as never, me: ME.id, replyTo: null }, global: { plugins: [pinia, i18n] }, attachTo: document.body })
    mounted.push(wrapper)
    await wrapper.find('button[aria-label="切换到语音"]').trigger('click')
    await settle()
    expect(document.body.querySelector('.van-dialog')?.textContent).toContain('录制语音消息')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    ;(document.body.querySelector('.van-dialog__confirm') as HTMLElement).click()
    await settle()
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ purpose: 'microphone', granted: true })
    expect(wrapper.find('.composer-hold').exists()).toBe(true)
    expect(getUserMedia).not.toHaveBeenCalled()
  })

  it('asks for the microphone only while the record button is held, and lets it go after', async () => {
    const { getUserMedia, track } = mediaStubs()
    consentServer(true)
    const pinia = freshApp()
    signIn()
    const conv = { id: CID, kind: 'group', role: 'member', members: [] }
    const wrapper = mount(ChatComposer, { props: { conv: conv as never, me: ME.id, replyTo: null }, global: { plugins: [pinia, i18n] }, attachTo: document.body })
    mounted.push(wrapper)
    expect(getUserMedia).not.toHaveBeenCalled()
    // Switching to voice is not recording yet.
    await wrapper.find('button[aria-label="切换到语音"]').trigger('click')
    await settle()
    const hold = wrapper.find('.composer-hold')
    expect(hold.text()).toBe('按住 说话')
    expect(getUserMedia).not.toHaveBeenCalled()

    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
    try {
      await hold.trigger('pointerdown', { button: 0 })
      await settle()
      expect(getUserMedia).toHaveBeenCalledTimes(1)
      expect(getUserMedia).toHaveBeenCalledWith({ audio: true })
      expect(wrapper.find('.composer-recording').exists()).toBe(true)
      vi.advanceTimersByTime(3200)
      await settle()
      expect(wrapper.find('.composer-recording').text()).toContain('0:03')
      await hold.trigger('pointerup')
      await settle()
    } finally {
      vi.useRealTimers()
    }
    expect(track.stop).toHaveBeenCalled()
    const sent = wrapper.emitted('sendFile')!
    expect(sent).toHaveLength(1)
    expect(sent[0][0]).toBe('voice')
    expect(sent[0][2]).toBe('voice.ogg')
    expect(sent[0][3]).toBeGreaterThanOrEqual(3000)
  })

  it('drops a recording shorter than a second', async () => {
    const { getUserMedia } = mediaStubs()
    consentServer(true)
    const pinia = freshApp()
    const conv = { id: CID, kind: 'direct', role: 'member' }
    const wrapper = mount(ChatComposer, { props: { conv: conv as never, me: ME.id, replyTo: null }, global: { plugins: [pinia, i18n] }, attachTo: document.body })
    mounted.push(wrapper)
    await wrapper.find('button[aria-label="切换到语音"]').trigger('click')
    await settle()
    await wrapper.find('.composer-hold').trigger('pointerdown', { button: 0 })
    await settle()
    expect(getUserMedia).toHaveBeenCalledTimes(1)
    await wrapper.find('.composer-hold').trigger('pointerup')
    await settle()
    expect(wrapper.emitted('sendFile')).toBeUndefined()
  })
})
