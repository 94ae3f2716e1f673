// Helpers shared by the administration pages: the current enterprise id, files up and down,
// the department tree flattened for pickers, every member for pickers, and 403s in words.
import { computed, shallowRef } from 'vue'
import { API_BASE, ApiError, api, type Problem, type Schemas } from '@/api/client'
import { errorMessage, isApiError } from '@/api/errors'
import { i18n, t } from '@/i18n'
import { useEnterpriseStore } from '@/stores/enterprise'
import { useSessionStore } from '@/stores/session'

export type Department = Schemas['Department']
export type DepartmentNode = Schemas['DepartmentNode']
export type Member = Schemas['MemberProfile']

export function useEid() {
  const enterprises = useEnterpriseStore()
  return computed(() => enterprises.currentId ?? '')
}

/** Sends a file as the request body (the imports): the shared client only sends JSON. */
export async function uploadFile<T>(path: string, file: Blob, query?: Record<string, string>): Promise<{ status: number; data: T }> {
  const session = useSessionStore()
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': i18n.global.locale.value,
    'Content-Type': file.type || 'application/octet-stream',
  }
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  const qs = query ? '?' + new URLSearchParams(query).toString() : ''
  let res: Response
  try {
    res = await fetch(API_BASE + path + qs, { method: 'POST', headers, body: file })
  } catch {
    throw new ApiError(0, 'network')
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    /* no JSON */
  }
  if (!res.ok) {
    const problem = (body ?? {}) as Partial<Problem>
    if (res.status === 401 && session.token) session.clear()
    if (typeof problem.code === 'string') throw new ApiError(res.status, problem.code, problem)
    throw new ApiError(res.status, res.status >= 500 ? 'server' : 'unexpected', problem)
  }
  return { status: res.status, data: body as T }
}

/** Hands a Blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

export interface FlatDepartment {
  id: string
  name: string
  depth: number
  /** The names from the top, joined by " / ". */
  path: string
  node: DepartmentNode
}

export function flattenTree(nodes: DepartmentNode[], depth = 0, prefix = ''): FlatDepartment[] {
  const out: FlatDepartment[] = []
  for (const n of nodes) {
    const path = prefix ? `${prefix} / ${n.name}` : n.name
    out.push({ id: n.id, name: n.name, depth, path, node: n })
    out.push(...flattenTree(n.children ?? [], depth + 1, path))
  }
  return out
}

/** The ids of a department and everything below it. */
export function branchIds(node: DepartmentNode): string[] {
  return [node.id, ...(node.children ?? []).flatMap(branchIds)]
}

export async function loadDepartments(eid: string): Promise<FlatDepartment[]> {
  const tree = await api.get('/enterprises/{eid}/departments', { path: { eid } })
  return flattenTree(tree.departments)
}

/** Every member of the enterprise (for pickers), at most 2000. */
export async function loadAllMembers(eid: string): Promise<Member[]> {
  const out: Member[] = []
  let cursor: string | undefined
  for (let i = 0; i < 20; i++) {
    const page = await api.get('/enterprises/{eid}/members', { path: { eid }, query: { limit: 100, cursor } })
    out.push(...page.members)
    if (!page.next_cursor) break
    cursor = page.next_cursor
  }
  return out
}

/** Members and departments loaded once per page, for names and pickers. */
export function useDirectory() {
  const members = shallowRef<Member[]>([])
  const departments = shallowRef<FlatDepartment[]>([])
  async function load(eid: string, what: { members?: boolean; departments?: boolean } = { members: true, departments: true }) {
    const [m, d] = await Promise.all([what.members ? loadAllMembers(eid) : Promise.resolve(members.value), what.departments ? loadDepartments(eid) : Promise.resolve(departments.value)])
    members.value = m
    departments.value = d
  }
  const memberName = (id: string | null | undefined) => members.value.find((m) => m.user_id === id)?.name_in_enterprise ?? id ?? ''
  const departmentName = (id: string | null | undefined) => (id ? departments.value.find((d) => d.id === id)?.path ?? id : '')
  return { members, departments, load, memberName, departmentName }
}

/** A failure in words; a 403 also says which right or scope was missing. */
export function explain(err: unknown): string {
  if (isApiError(err, 'forbidden')) {
    const extra = (err as ApiError).problem as Record<string, unknown>
    const right = typeof extra.right === 'string' ? extra.right : ''
    if (right && i18n.global.te(`admin.rights.${right}`)) return t('admin.forbiddenRight', { right: t(`admin.rights.${right}`) })
    if (extra.scope !== undefined) return t('admin.forbiddenScope')
  }
  return errorMessage(err)
}

/** The field a 400 names, if any. */
export function fieldOf(err: unknown): string | undefined {
  return err instanceof ApiError ? err.problem.field : undefined
}

/** Local date YYYY-MM-DD of a Date (the browser's zone). */
export function isoDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

export function isoMonth(d = new Date()): string {
  return isoDay(d).slice(0, 7)
}
