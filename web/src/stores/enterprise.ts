// The enterprises I belong to and the one I am working in now; switching is choosing another
// id from GET /me/enterprises (the choice is kept in localStorage, per device).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type Schemas } from '@/api/client'

const KEY = 'atrium.enterprise'
export type MyEnterprise = Schemas['MyEnterprises']['enterprises'][number]

export const useEnterpriseStore = defineStore('enterprise', () => {
  const list = ref<MyEnterprise[]>([])
  const loaded = ref(false)
  const chosenId = ref<string | null>(localStorage.getItem(KEY))

  /** The chosen enterprise while I still belong to it, else the first active one. */
  const current = computed<MyEnterprise | null>(() => {
    const chosen = list.value.find((e) => e.id === chosenId.value)
    return chosen ?? list.value.find((e) => e.status === 'active') ?? list.value[0] ?? null
  })
  const currentId = computed(() => current.value?.id ?? null)

  async function load() {
    const res = await api.get('/me/enterprises')
    list.value = res.enterprises
    loaded.value = true
    return list.value
  }

  function select(id: string) {
    chosenId.value = id
    localStorage.setItem(KEY, id)
  }

  function clear() {
    list.value = []
    loaded.value = false
    chosenId.value = null
    localStorage.removeItem(KEY)
  }

  return { list, loaded, current, currentId, load, select, clear }
})

/** Thrown when I belong to no enterprise; screens show it as "join or create one". */
export class NoEnterprise extends Error {
  constructor() {
    super('no enterprise')
    this.name = 'NoEnterprise'
  }
}

/** The id of the enterprise I am working in, loading my enterprises first when nobody has yet;
 *  NoEnterprise when there is none. */
export async function currentEnterpriseId(): Promise<string> {
  const store = useEnterpriseStore()
  if (!store.loaded) await store.load()
  if (!store.currentId) throw new NoEnterprise()
  return store.currentId
}
