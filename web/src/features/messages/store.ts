// The messages of the current enterprise as this device holds them: the conversation list, the
// loaded part of each open chat, and how far each conversation is held ("held": the highest seq
// this device has with nothing missing below it, down to what it loaded).  Every message, from a
// live frame, a sync, history or a send's reply, goes through ingest(): a seq already held is
// skipped (no duplicate), one that does not follow what is held starts a sync instead (no gap).
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { api, ApiError, newIdempotencyKey } from '@/api/client'
import { currentEnterpriseId } from '@/stores/enterprise'
import { useSessionStore } from '@/stores/session'
import { useKnownNames } from './format'
import { bodyOf, isContent, type Conversation, type Message, type Pending, type Receipts } from './types'

interface Chat {
  /** Stored messages, oldest first, contiguous by seq. */
  messages: Message[]
  /** Older messages remain on the server. */
  hasMore: boolean
}

export interface ReadFrame {
  conversation_id: string
  user_id: string
  seq: number
}

const PAGE = 30
const TYPING_MS = 6000

export const useMessagesStore = defineStore('messages', () => {
  const session = useSessionStore()
  const eid = ref<string | null>(null)
  const convs = reactive<Record<string, Conversation>>({})
  const chats = reactive<Record<string, Chat>>({})
  const held = reactive<Record<string, number>>({})
  const pending = reactive<Record<string, Pending[]>>({})
  /** Unread people of my messages, by conversation then seq, as far as receipts were fetched. */
  const receipts = reactive<Record<string, Record<number, Receipts>>>({})
  /** Who is typing where: conversation → user → until when. */
  const typing = reactive<Record<string, Record<string, number>>>({})
  /** Names of the people seen (members, senders), so events still name someone who left. */
  const names = reactive<Record<string, string>>({})
  useKnownNames(names)
  /** The chat on screen (its messages count as read while the page is visible). */
  const openCid = ref<string | null>(null)
  const listLoaded = ref(false)
  const listError = ref<unknown>(null)
  const listLoading = ref(false)
  /** Set when a conversation I had open disappears (left, removed, dissolved). */
  const goneSignal = ref<string | null>(null)

  const me = computed(() => session.user?.id ?? null)
  // Conversations seen in frames that belong to no conversation of this enterprise (another one's).
  const foreign = new Set<string>()

  const list = computed(() =>
    Object.values(convs).sort((a, b) => Number(b.pinned) - Number(a.pinned) || (b.last_at < a.last_at ? -1 : b.last_at > a.last_at ? 1 : 0)),
  )
  const totalUnread = computed(() => list.value.reduce((n, c) => n + (c.muted ? 0 : c.unread), 0))

  function reset(id: string | null) {
    eid.value = id
    for (const timers of [refreshTimers, readTimers]) {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    }
    if (syncTimer) clearTimeout(syncTimer)
    syncTimer = null
    for (const o of [convs, chats, held, pending, receipts, typing] as Record<string, unknown>[]) for (const k of Object.keys(o)) delete o[k]
    foreign.clear()
    listLoaded.value = false
    listError.value = null
    openCid.value = null
  }

  function need(): string {
    if (!eid.value) throw new Error('no enterprise chosen')
    return eid.value
  }

  // ---- the list ------------------------------------------------------------------------------

  function putConversation(c: Conversation) {
    for (const m of c.members ?? []) if (m.person.user_id) names[m.person.user_id] = m.person.name
    if (c.peer?.user_id) names[c.peer.user_id] = c.peer.name
    const old = convs[c.id]
    // Members come only with single-conversation replies: keep them across list refreshes.
    convs[c.id] = old?.members && !c.members ? { ...c, members: old.members } : c
    foreign.delete(c.id)
    // A conversation whose chat is not loaded is held as far as its preview goes; a loaded chat
    // is held as far as its messages go, and sync brings the rest.
    if (!chats[c.id]) held[c.id] = Math.max(held[c.id] ?? 0, c.last_seq)
  }

  async function loadList() {
    const id = need()
    listLoading.value = true
    try {
      const res = await api.get('/enterprises/{eid}/conversations', { path: { eid: id } })
      if (eid.value !== id) return
      const seen = new Set(res.conversations.map((c) => c.id))
      for (const c of res.conversations) putConversation(c)
      for (const cid of Object.keys(convs)) if (!seen.has(cid)) drop(cid)
      listLoaded.value = true
      listError.value = null
    } catch (err) {
      listError.value = err
      throw err
    } finally {
      listLoading.value = false
    }
  }

  async function refreshConversation(cid: string) {
    const id = need()
    try {
      const c = await api.get('/enterprises/{eid}/conversations/{cid}', { path: { eid: id, cid } })
      if (eid.value === id) putConversation(c)
      return c
    } catch (err) {
      if ((err as { code?: string }).code === 'conversation_not_found') {
        if (convs[cid]) drop(cid)
        else foreign.add(cid)
        return null
      }
      throw err
    }
  }

  const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>()
  /** Fetches one conversation again soon (member counts, roles, unread after a recall…). */
  function refreshSoon(cid: string) {
    if (refreshTimers.has(cid)) return
    refreshTimers.set(
      cid,
      setTimeout(() => {
        refreshTimers.delete(cid)
        void refreshConversation(cid).catch(() => {})
      }, 300),
    )
  }

  function drop(cid: string) {
    for (const o of [convs, chats, held, pending, receipts, typing] as Record<string, unknown>[]) delete o[cid]
    if (openCid.value === cid) goneSignal.value = cid
  }

  // ---- catching up ---------------------------------------------------------------------------

  let syncing: Promise<void> | null = null
  let syncAgain = false

  /** POST …/im/sync from what is held, again while anything has more, then once more if asked
   *  meanwhile. Conversations not known yet come from the joining; unknown ones are fetched. */
  function sync(): Promise<void> {
    if (syncing) {
      syncAgain = true
      return syncing
    }
    syncing = (async () => {
      try {
        do {
          syncAgain = false
          await syncRounds()
        } while (syncAgain)
      } finally {
        syncing = null
      }
    })()
    return syncing
  }

  async function syncRounds() {
    const id = need()
    for (let round = 0; round < 50; round++) {
      const positions: Record<string, number> = {}
      for (const [cid, seq] of Object.entries(held)) positions[cid] = seq
      const res = await api.post('/enterprises/{eid}/im/sync', { path: { eid: id }, body: { conversations: positions, limit: 100 } })
      if (eid.value !== id) return
      for (const cid of res.gone) drop(cid)
      const unknown: string[] = []
      let more = false
      for (const c of res.conversations) {
        if (!convs[c.id]) unknown.push(c.id)
        for (const m of c.messages) ingest(m, 'sync')
        more ||= c.has_more
      }
      if (unknown.length) await loadList().catch(() => {})
      if (!more) return
    }
  }

  let syncTimer: ReturnType<typeof setTimeout> | null = null
  function syncSoon() {
    if (syncTimer) return
    syncTimer = setTimeout(() => {
      syncTimer = null
      void sync().catch(() => {})
    }, 50)
  }

  // ---- one message ---------------------------------------------------------------------------

  /**
   * Takes one stored message. `live` (a frame) and `send` (a send's reply) may come out of order:
   * those are kept only when they follow what is held, else a sync fills the gap. `sync` and
   * `history` come contiguous from the server.
   */
  function ingest(m: Message, source: 'live' | 'sync' | 'send'): boolean {
    const cid = m.conversation_id
    const c = convs[cid]
    const h = held[cid]
    if (!c && source !== 'sync') {
      // A new conversation (a group I was put in), or one of another enterprise.
      if (!foreign.has(cid)) syncSoon()
      return false
    }
    if (h !== undefined && m.seq <= h) {
      settlePending(m)
      return false
    }
    if (h !== undefined && m.seq !== h + 1 && source !== 'sync') {
      syncSoon()
      return false
    }
    held[cid] = m.seq
    if (m.sender?.user_id) names[m.sender.user_id] = m.sender.name
    const chat = chats[cid]
    if (chat) chat.messages.push(m)
    settlePending(m)
    if (c) apply(c, m)
    return true
  }

  /** What a new message changes in its conversation's list entry. */
  function apply(c: Conversation, m: Message) {
    const b = bodyOf(m)
    const counted = m.seq > c.last_seq // the list already counted those up to last_seq
    c.last_seq = Math.max(c.last_seq, m.seq)
    if (m.created_at > c.last_at) c.last_at = m.created_at
    c.last_message = m
    const mine = m.sender?.user_id === me.value
    if (mine) {
      // Sending reads up to the message.
      c.read_seq = Math.max(c.read_seq, m.seq)
      c.unread = 0
      c.mentions = 0
    } else if (counted && isContent(m) && !m.recalled && m.seq > c.read_seq) {
      if (openCid.value === c.id && visible()) markReadSoon(c.id)
      else {
        c.unread++
        if (b.mention_all || (me.value && b.mentions?.includes(me.value))) c.mentions++
      }
    }
    if (m.sender?.user_id) {
      stopTyping(c.id, m.sender.user_id)
      // Sending reads up to the message: its sender has read my earlier ones (no read frame says so).
      if (!mine) onRead({ conversation_id: c.id, user_id: m.sender.user_id, seq: m.seq })
    }
    switch (m.kind) {
      case 'recall':
        if (b.seq) markRecalled(c.id, b.seq)
        refreshSoon(c.id)
        break
      case 'group_update':
        for (const k of ['name', 'notice', 'who_adds', 'mute_all'] as const) if (k in b) (c as Record<string, unknown>)[k] = b[k]
        break
      case 'member_remove':
      case 'member_leave':
        if (b.user_id && b.user_id === me.value) drop(c.id)
        else refreshSoon(c.id)
        break
      case 'dissolve':
        drop(c.id)
        break
      case 'member_add':
      case 'role_change':
        refreshSoon(c.id)
        break
    }
  }

  function markRecalled(cid: string, seq: number) {
    const msg = chats[cid]?.messages.find((x) => x.seq === seq)
    if (msg) {
      msg.recalled = true
      msg.body = {}
    }
    const last = convs[cid]?.last_message
    if (last && last.seq === seq) {
      last.recalled = true
      last.body = {}
    }
    if (receipts[cid]) delete receipts[cid][seq]
  }

  function settlePending(m: Message) {
    const list = pending[m.conversation_id]
    if (!list || !m.client_id) return
    const i = list.findIndex((p) => p.client_id === m.client_id)
    if (i >= 0) list.splice(i, 1)
  }

  // ---- frames --------------------------------------------------------------------------------

  function onFrame(f: Record<string, unknown>) {
    switch (f.type) {
      case 'message':
        if (f.message && typeof f.message === 'object') ingest(f.message as Message, 'live')
        break
      case 'read':
        onRead(f as unknown as ReadFrame)
        break
      case 'settings':
        if (typeof f.conversation_id === 'string' && convs[f.conversation_id]) refreshSoon(f.conversation_id)
        break
      case 'typing':
        if (f.enterprise_id === eid.value && typeof f.conversation_id === 'string' && typeof f.user_id === 'string') startTyping(f.conversation_id, f.user_id)
        break
    }
  }

  function onRead(f: ReadFrame) {
    const c = convs[f.conversation_id]
    if (!c) return
    if (f.user_id === me.value) {
      // Read on another device of mine.
      if (f.seq > c.read_seq) {
        c.read_seq = f.seq
        if (f.seq >= c.last_seq) {
          c.unread = 0
          c.mentions = 0
        } else refreshSoon(c.id)
      }
      return
    }
    const byseq = receipts[f.conversation_id]
    if (!byseq) return
    for (const [seq, r] of Object.entries(byseq)) {
      if (Number(seq) > f.seq) continue
      const i = r.unread.findIndex((p) => p.user_id === f.user_id)
      if (i < 0) continue
      r.read.push(...r.unread.splice(i, 1))
      r.unread_count = r.unread.length
      r.read_count = r.read.length
    }
  }

  function startTyping(cid: string, uid: string) {
    if (uid === me.value) return
    ;(typing[cid] ??= {})[uid] = Date.now() + TYPING_MS
    setTimeout(() => {
      if ((typing[cid]?.[uid] ?? 0) <= Date.now()) stopTyping(cid, uid)
    }, TYPING_MS + 50)
  }

  function stopTyping(cid: string, uid: string) {
    if (typing[cid]) delete typing[cid][uid]
  }

  function typers(cid: string): string[] {
    const now = Date.now()
    return Object.entries(typing[cid] ?? {})
      .filter(([, until]) => until > now)
      .map(([uid]) => uid)
  }

  // ---- a chat --------------------------------------------------------------------------------

  /** Loads the latest page of a chat (once), then syncs whatever came meanwhile. */
  async function openChat(cid: string) {
    const id = need()
    if (!convs[cid] && !(await refreshConversation(cid))) throw new ApiError(404, 'conversation_not_found', { code: 'conversation_not_found' })
    if (chats[cid]) return chats[cid]
    const page = await api.get('/enterprises/{eid}/conversations/{cid}/messages', { path: { eid: id, cid }, query: { limit: PAGE } })
    if (eid.value !== id) return null
    if (chats[cid]) return chats[cid]
    chats[cid] = { messages: [...page.messages], hasMore: page.has_more }
    for (const m of page.messages) if (m.sender?.user_id) names[m.sender.user_id] = m.sender.name
    const last = page.messages.at(-1)?.seq ?? convs[cid]?.joined_seq ?? 0
    held[cid] = last
    for (const m of page.messages) settlePending(m)
    if (page.last_seq > last) void sync().catch(() => {})
    return chats[cid]
  }

  /** The page before the oldest loaded message. */
  async function loadOlder(cid: string) {
    const chat = chats[cid]
    const first = chat?.messages[0]?.seq
    if (!chat || !chat.hasMore || !first) return 0
    const page = await api.get('/enterprises/{eid}/conversations/{cid}/messages', { path: { eid: need(), cid }, query: { before: first, limit: PAGE } })
    const older = page.messages.filter((m) => m.seq < (chat.messages[0]?.seq ?? Infinity))
    for (const m of older) if (m.sender?.user_id) names[m.sender.user_id] = m.sender.name
    chat.messages.unshift(...older)
    chat.hasMore = page.has_more
    return older.length
  }

  const readTimers = new Map<string, ReturnType<typeof setTimeout>>()
  function visible() {
    return typeof document === 'undefined' || document.visibilityState !== 'hidden'
  }

  /** Marks the conversation read up to what is held (only forward), soon. */
  function markReadSoon(cid: string) {
    if (readTimers.has(cid)) return
    readTimers.set(
      cid,
      setTimeout(() => {
        readTimers.delete(cid)
        void markRead(cid).catch(() => {})
      }, 250),
    )
  }

  async function markRead(cid: string) {
    const c = convs[cid]
    const seq = held[cid] ?? 0
    if (!c || seq <= c.read_seq) {
      if (c) {
        c.unread = 0
        c.mentions = 0
      }
      return
    }
    const res = await api.post('/enterprises/{eid}/conversations/{cid}/read', { path: { eid: need(), cid }, body: { seq } })
    c.read_seq = Math.max(c.read_seq, res.read_seq)
    if (c.read_seq >= c.last_seq) {
      c.unread = 0
      c.mentions = 0
    } else refreshSoon(cid)
  }

  /** Receipts of one of my messages, fetched once and then kept current by read frames. */
  const receiptLoads = new Map<string, Promise<Receipts | null>>()
  function loadReceipts(cid: string, seq: number, again = false): Promise<Receipts | null> {
    const key = `${cid}:${seq}`
    if (!again && receipts[cid]?.[seq]) return Promise.resolve(receipts[cid][seq])
    if (!again && receiptLoads.has(key)) return receiptLoads.get(key)!
    const p = api
      .get('/enterprises/{eid}/conversations/{cid}/messages/{seq}/receipts', { path: { eid: need(), cid, seq } })
      .then((r) => {
        ;(receipts[cid] ??= {})[seq] = r
        return r
      })
      .finally(() => receiptLoads.delete(key))
    receiptLoads.set(key, p)
    return p
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Sends a text, or a file already uploaded; shown at once as pending. */
  async function send(cid: string, draft: Omit<Pending, 'client_id' | 'conversation_id' | 'state' | 'created_at'>) {
    const p: Pending = reactive({
      ...draft,
      client_id: newIdempotencyKey(),
      conversation_id: cid,
      state: 'sending',
      created_at: new Date().toISOString(),
    }) as Pending
    ;(pending[cid] ??= []).push(p)
    await deliver(p)
    return p
  }

  /** Sends (or sends again, with the same client_id) a pending message. */
  async function deliver(p: Pending) {
    p.state = 'sending'
    try {
      if (p.file && p.upload) {
        const { uploadFile } = await import('./files')
        const f = await uploadFile(need(), p.file, p.upload)
        p.input = { ...p.input, file_id: f.file_id }
        p.body = { ...p.body, ...f }
        p.file = undefined
      }
      const body = { ...p.input, client_id: p.client_id, ...(p.reply_to ? { reply_to: p.reply_to } : {}) }
      // image, file and voice are sent with file_id, as the server does, though the contract's
      // MessageInput lists only text, location, card and forward (see the report).
      const m = await api.post('/enterprises/{eid}/conversations/{cid}/messages', {
        path: { eid: need(), cid: p.conversation_id },
        body: body as never,
      })
      if (!ingest(m, 'send')) settlePending(m)
      const c = convs[p.conversation_id]
      if (c && c.read_seq < m.seq) c.read_seq = m.seq
    } catch (err) {
      p.state = 'failed'
      throw err
    }
  }

  function discard(p: Pending) {
    const list = pending[p.conversation_id]
    const i = list?.indexOf(p) ?? -1
    if (list && i >= 0) list.splice(i, 1)
  }

  async function recall(cid: string, seq: number) {
    const res = await api.post('/enterprises/{eid}/conversations/{cid}/messages/{seq}/recall', { path: { eid: need(), cid, seq } })
    markRecalled(cid, res.seq)
    return res
  }

  return {
    eid,
    convs,
    chats,
    held,
    pending,
    receipts,
    typing,
    names,
    openCid,
    goneSignal,
    listLoaded,
    listLoading,
    listError,
    list,
    totalUnread,
    me,
    reset,
    loadList,
    refreshConversation,
    putConversation,
    drop,
    sync,
    ingest,
    onFrame,
    typers,
    openChat,
    loadOlder,
    markRead,
    markReadSoon,
    loadReceipts,
    send,
    deliver,
    discard,
    recall,
  }
})

/** The current enterprise's id, with the messages store holding that enterprise's messages (it
 *  is emptied when it held another's); NoEnterprise when I belong to none. */
export async function messagesEnterpriseId(): Promise<string> {
  const eid = await currentEnterpriseId()
  const store = useMessagesStore()
  if (store.eid !== eid) store.reset(eid)
  return eid
}
