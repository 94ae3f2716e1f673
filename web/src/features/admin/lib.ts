// Helpers shared by the administration pages: the current enterprise id and a page's data for
// it, actions and forms whose failures (403s too) are put in words, the department tree
// flattened for pickers, and every member for pickers.
import { computed, ref, shallowRef, watch } from 'vue'
import type { DialogOptions } from 'vant'
import { ApiError, api, type Schemas } from '@/api/client'
import { errorMessage, isApiError, showFailure } from '@/api/errors'
import { useAction } from '@/composables/useAction'
import { useLoad } from '@/composables/useLoad'
import { confirmed } from '@/lib/confirm'
import { i18n, t } from '@/i18n'
import { useEnterpriseStore } from '@/stores/enterprise'

export type Department = Schemas['Department']
export type DepartmentNode = Schemas['DepartmentNode']
export type Member = Schemas['MemberProfile']

export function useEid() {
  const enterprises = useEnterpriseStore()
  return computed(() => enterprises.currentId ?? '')
}

/** A page's data for the current enterprise, loaded now and again when the enterprise changes. */
export function useAdminLoad<T>(fn: (eid: string) => Promise<T>) {
  const eid = useEid()
  const state = useLoad(() => fn(eid.value), false)
  watch(eid, (id) => id && void state.reload(), { immediate: true })
  return { eid, ...state }
}

/** Runs an action on a row (approve, review…); a failure shows in a toast, in words. */
export async function act(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    showFailure(explain(err))
  }
}

/** Asks first (delete, revoke…), then acts as act() does. */
export async function confirmThenAct(dialog: DialogOptions, fn: () => Promise<unknown>): Promise<void> {
  if (await confirmed(dialog)) await act(fn)
}

/** A form's saving: `busy`, the failure in words for its inline alert, and in `badField` the
 *  field a 400 names (for aria-invalid). */
export function useFormAction() {
  const badField = ref<string | undefined>()
  const action = useAction({ inline: true, explain, onError: (err) => (badField.value = fieldOf(err)) })
  return { ...action, badField }
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
