// What the contacts screens share: the department tree (names for ids), the names of colleagues
// seen while browsing and on the cards of external contacts, a debounce,
// and the member fields in the order a card shows them. Kept in memory only, never stored.
import { api, type Schemas } from '@/api/client'

export type Member = Schemas['MemberProfile']
export type DepartmentNode = Schemas['DepartmentNode']

/** Member fields a card may show, in order. The server leaves out whatever the viewer may not see. */
export const MEMBER_FIELDS = ['position', 'title', 'rank', 'job_number', 'work_phone', 'landline', 'mobile', 'email', 'office_seat', 'fax', 'hire_date', 'gender', 'work_signature'] as const
export type MemberField = (typeof MEMBER_FIELDS)[number]

/** The value of a field as the server gave it, or null when absent or empty. */
export function fieldValue(m: Member, f: MemberField): string | null {
  const v = m[f]
  if (v === undefined || v === null || v === '') return null
  if (f === 'gender' && v === 'unspecified') return null
  return String(v)
}

type PersonRef = Schemas['PersonRef']

const names = new Map<string, string>()

/** Remembers who is who from members the server showed. */
export function rememberPeople(list: readonly Pick<Member, 'user_id' | 'name_in_enterprise'>[]) {
  for (const m of list) names.set(m.user_id, m.name_in_enterprise)
}

/** Remembers the people a card names (its owner, the colleagues it is shared with). */
export function rememberCardPeople(card: { owner: PersonRef; shared_with: { colleague_people: PersonRef[] } }) {
  for (const p of [card.owner, ...card.shared_with.colleague_people]) if (p.user_id) names.set(p.user_id, p.name)
}

export function personName(id: string): string | null {
  return names.get(id) ?? null
}

const trees = new Map<string, Promise<DepartmentNode[]>>()

/** The whole department tree of an enterprise, loaded once per visit. */
export function departmentTree(eid: string): Promise<DepartmentNode[]> {
  let tree = trees.get(eid)
  if (!tree) {
    tree = api.get('/enterprises/{eid}/departments', { path: { eid } }).then((r) => r.departments)
    tree.catch(() => trees.delete(eid))
    trees.set(eid, tree)
  }
  return tree
}

export interface FlatDepartment {
  id: string
  name: string
  depth: number
  /** Names from the top down to this one: 研发部 / 前端组. */
  path: string
}

export function flatten(tree: DepartmentNode[], depth = 0, above = ''): FlatDepartment[] {
  const out: FlatDepartment[] = []
  for (const d of tree) {
    const path = above ? `${above} / ${d.name}` : d.name
    out.push({ id: d.id, name: d.name, depth, path })
    out.push(...flatten(d.children ?? [], depth + 1, path))
  }
  return out
}

/** Calls fn once the calls have stopped for `ms`. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = (...args: A) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      fn(...args)
    }, ms)
  }
  run.cancel = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
  }
  return run
}

/** The one or two characters an avatar without a photo shows. */
export function initials(name: string): string {
  const s = name.trim()
  if (!s) return '?'
  if (/^[\u4e00-\u9fff]/.test(s)) return s.length > 2 ? s.slice(-2) : s
  return s
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
}
