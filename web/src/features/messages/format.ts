// Words for messages: a one-line preview for the list, the sentence of an event of the system,
// a conversation's title, and times as a chat list shows them.
import { currentLocale, t } from '@/i18n'
import { bodyOf, type Conversation, type Message, type Person } from './types'

export function personName(p: Person | null | undefined, me: string | null): string {
  if (!p) return t('messages.system')
  if (me && p.user_id === me) return t('messages.you')
  return p.name
}

export function conversationTitle(c: Conversation): string {
  if (c.kind === 'direct') return c.peer?.name || t('messages.unknownPerson')
  return c.name || t('messages.unnamedGroup')
}

/** Names of people seen anywhere (members, senders), for events naming someone no longer in. */
let known: Record<string, string> = {}
export function useKnownNames(names: Record<string, string>) {
  known = names
}

/** Names of people an event mentions by id: from the conversation's members when known. */
function namesOf(ids: string[] | undefined, c: Conversation | undefined, me: string | null): string {
  if (!ids?.length) return ''
  return ids
    .map((id) => {
      if (id === me) return t('messages.you')
      const m = c?.members?.find((x) => x.person.user_id === id)
      if (m) return m.person.name
      if (c?.peer?.user_id === id) return c.peer.name
      return known[id] ?? t('messages.someone')
    })
    .join(t('messages.listSeparator'))
}

/** The sentence an event of the system stands for, or a recalled message. */
export function eventText(m: Message, c: Conversation | undefined, me: string | null): string {
  const b = bodyOf(m)
  const who = personName(m.sender, me)
  if (m.recalled && m.kind !== 'deleted') return t('messages.event.recalled', { name: who })
  switch (m.kind) {
    case 'group_create':
      return t('messages.event.groupCreate', { name: who })
    case 'group_update':
      if ('name' in b) return t('messages.event.rename', { name: who, title: b.name ?? '' })
      if ('notice' in b) return t('messages.event.notice', { name: who })
      if ('mute_all' in b) return b.mute_all ? t('messages.event.muteAll', { name: who }) : t('messages.event.unmuteAll', { name: who })
      return t('messages.event.groupUpdate', { name: who })
    case 'member_add':
      return b.automatic ? t('messages.event.joinedAuto', { names: namesOf(b.user_ids, c, me) }) : t('messages.event.added', { name: who, names: namesOf(b.user_ids, c, me) })
    case 'member_remove':
      if (b.automatic) return t('messages.event.leftAuto', { names: namesOf(b.user_ids, c, me) })
      return t('messages.event.removed', { name: who, names: namesOf(b.user_id ? [b.user_id] : [], c, me) })
    case 'member_leave':
      return b.new_owner_id
        ? t('messages.event.leftOwner', { name: who, owner: namesOf([b.new_owner_id], c, me) })
        : t('messages.event.left', { name: who })
    case 'role_change':
      return b.role === 'admin'
        ? t('messages.event.madeAdmin', { name: who, names: namesOf(b.user_id ? [b.user_id] : [], c, me) })
        : t('messages.event.unmadeAdmin', { name: who, names: namesOf(b.user_id ? [b.user_id] : [], c, me) })
    case 'dissolve':
      return t('messages.event.dissolved', { name: who })
    case 'recall':
      return t('messages.event.recalled', { name: who })
    case 'deleted':
      return t('messages.event.deleted')
  }
  return ''
}

/** The content of a message in one line (list preview, quote). */
export function contentText(m: Pick<Message, 'kind' | 'body' | 'recalled'>): string {
  const b = bodyOf(m)
  switch (m.kind) {
    case 'text':
      return b.text ?? ''
    case 'image':
      return t('messages.kind.image')
    case 'file':
      return `${t('messages.kind.file')} ${b.name ?? ''}`.trim()
    case 'voice':
      return t('messages.kind.voice')
    case 'location':
      return `${t('messages.kind.location')} ${b.name || b.address || ''}`.trim()
    case 'card':
      return `${t('messages.kind.card')} ${b.person?.name ?? ''}`.trim()
  }
  return ''
}

export function previewText(m: Message | null, c: Conversation, me: string | null): string {
  if (!m) return ''
  if (m.recalled || !['text', 'image', 'file', 'voice', 'location', 'card'].includes(m.kind)) return eventText(m, c, me)
  const text = contentText(m)
  if (c.kind !== 'direct' && m.sender) return `${personName(m.sender, me)}${t('messages.colon')}${text}`
  return text
}

function sameDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

/** Today: 14:05; yesterday: 昨天; this year: 11/28; else 2025/11/28. */
export function listTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const loc = currentLocale()
  if (sameDay(d, now)) return d.toLocaleTimeString(loc, { hour: '2-digit', minute: '2-digit', hour12: false })
  const y = new Date(now)
  y.setDate(now.getDate() - 1)
  if (sameDay(d, y)) return t('messages.yesterday')
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(loc, { month: 'numeric', day: 'numeric' })
  return d.toLocaleDateString(loc, { year: 'numeric', month: 'numeric', day: 'numeric' })
}

/** The time shown between messages more than five minutes apart. */
export function chatTime(iso: string, now = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const hm = d.toLocaleTimeString(currentLocale(), { hour: '2-digit', minute: '2-digit', hour12: false })
  return sameDay(d, now) ? hm : `${listTime(iso, now)} ${hm}`
}

/** One or two letters of a name for an avatar. */
export function initials(name: string | undefined): string {
  const s = (name ?? '').trim()
  if (!s) return '?'
  if (/[\u4e00-\u9fff]/.test(s)) return Array.from(s).slice(-2).join('')
  return s
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
}

/** A steady colour per id, for avatars. */
export function avatarColor(id: string | undefined): string {
  const colors = ['#1d57d8', '#0f7b3f', '#a64b00', '#7b3fb8', '#b8325a', '#00758f', '#5b6b00']
  let h = 0
  for (const ch of id ?? '') h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return colors[h % colors.length]
}
