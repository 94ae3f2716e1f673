// The shapes the messages feature works with, from the API contract, and the few helpers that
// read a message's body (a union in the contract) without casting everywhere.
import type { Schemas } from '@/api/client'

export type Conversation = Schemas['Conversation']
export type Message = Schemas['Message']
export type Person = Schemas['PersonRef']
export type ConversationMember = Schemas['ConversationMember']
export type Receipts = Schemas['MessageReceipts']

/** Every field a body may carry, by kind (text, files, events); see MessageBody in openapi.yaml. */
export interface Body {
  text?: string
  mentions?: string[]
  mention_all?: boolean
  forwarded?: boolean
  // image, file, voice: the File the message carries
  file_id?: string
  name?: string
  size?: number
  mime?: string
  width?: number
  height?: number
  duration_ms?: number
  thumbnail?: boolean
  status?: string
  // location
  latitude?: number
  longitude?: number
  address?: string
  // card
  person?: Person
  // events
  user_id?: string
  user_ids?: string[]
  automatic?: boolean
  new_owner_id?: string
  role?: string
  seq?: number
  notice?: string
  who_adds?: string
  mute_all?: boolean
}

export const bodyOf = (m: Pick<Message, 'body'>): Body => (m.body ?? {}) as Body

export const CONTENT_KINDS = new Set(['text', 'image', 'file', 'voice', 'location', 'card'])
export const isContent = (m: Pick<Message, 'kind'>) => CONTENT_KINDS.has(m.kind)
export const isGroup = (c: Pick<Conversation, 'kind'>) => c.kind !== 'direct'

/** A message of mine on its way: shown at once, replaced by the stored one when it comes back. */
export interface Pending {
  client_id: string
  conversation_id: string
  kind: 'text' | 'image' | 'file' | 'voice'
  body: Body
  reply_to: number | null
  state: 'sending' | 'failed'
  created_at: string
  /** What to send again on a retry (the upload is kept once done). */
  input: Record<string, unknown>
  file?: Blob
  upload?: { kind: 'image' | 'file' | 'voice'; name?: string; duration_ms?: number }
}
