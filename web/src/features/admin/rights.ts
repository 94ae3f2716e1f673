// What the signed-in person may administer in the current enterprise: their role (from the
// enterprise store) and, for an administrator, their rights and scope (GET …/admins, where they
// appear). The owner holds every right over the whole enterprise. Kept in one reactive object so
// the admin menu (routes.ts) and every page follow it.
import { reactive } from 'vue'
import { api, type Schemas } from '@/api/client'
import { useEnterpriseStore } from '@/stores/enterprise'
import { useSessionStore } from '@/stores/session'

export type Right = Schemas['EnterpriseRight']
export type Scope = Schemas['AdminScope']
/** What a page needs: any administrator, the owner, or one right. */
export type Need = 'admin' | 'owner' | Right

export const ALL_RIGHTS: Right[] = ['members', 'departments', 'apps', 'attendance', 'approvals', 'privacy']

interface State {
  uid: string | null
  eid: string | null
  role: Schemas['EnterpriseRole'] | null
  rights: Right[]
  scope: Scope | null
  loaded: boolean
  loading: boolean
  error: unknown
}

export const adminState = reactive<State>({ uid: null, eid: null, role: null, rights: [], scope: null, loaded: false, loading: false, error: null })

let pending: Promise<void> | null = null

/** Loads the role and rights for the current enterprise (again when it changed, or when forced). */
export function loadAdminRights(force = false): Promise<void> {
  const enterprises = useEnterpriseStore()
  const session = useSessionStore()
  if (!force && adminState.loaded && adminState.eid === enterprises.currentId && adminState.uid === (session.user?.id ?? null)) return Promise.resolve()
  if (pending && !force) return pending
  pending = (async () => {
    adminState.loading = true
    adminState.error = null
    try {
      if (!enterprises.loaded || force) await enterprises.load()
      const current = enterprises.current
      adminState.uid = session.user?.id ?? null
      adminState.eid = current?.id ?? null
      adminState.role = current && current.status === 'active' ? current.role : null
      adminState.rights = []
      adminState.scope = null
      if (current && adminState.role === 'owner') {
        adminState.rights = [...ALL_RIGHTS]
        adminState.scope = 'all'
      } else if (current && adminState.role === 'admin') {
        const me = session.user?.id
        const { admins } = await api.get('/enterprises/{eid}/admins', { path: { eid: current.id } })
        const mine = admins.find((a) => a.user_id === me)
        adminState.rights = mine?.rights ?? []
        adminState.scope = mine?.scope ?? null
      }
      adminState.loaded = true
    } catch (err) {
      adminState.error = err
    } finally {
      adminState.loading = false
      pending = null
    }
  })()
  return pending
}

export function isAdmin(): boolean {
  return adminState.role === 'owner' || adminState.role === 'admin'
}

/** Whether the current person may use what `need` names. */
export function allowed(need: Need): boolean {
  if (!isAdmin()) return false
  if (need === 'admin') return true
  if (need === 'owner') return adminState.role === 'owner'
  return adminState.rights.includes(need)
}

/** True when the administrator's scope is the whole enterprise. */
export function scopeIsAll(): boolean {
  return adminState.scope === 'all'
}

/** Forgets everything (tests, signing out). */
export function resetAdminRights() {
  Object.assign(adminState, { uid: null, eid: null, role: null, rights: [], scope: null, loaded: false, loading: false, error: null })
  pending = null
}
