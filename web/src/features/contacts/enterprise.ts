// The enterprise the contacts tab works in: the current one of the enterprise store, loaded first
// when nobody has loaded it yet. None → NoEnterprise, which screens show as "join or create one".
import { useEnterpriseStore } from '@/stores/enterprise'

export class NoEnterprise extends Error {
  constructor() {
    super('no enterprise')
    this.name = 'NoEnterprise'
  }
}

export async function currentEnterpriseId(): Promise<string> {
  const store = useEnterpriseStore()
  if (!store.loaded) await store.load()
  if (!store.currentId) throw new NoEnterprise()
  return store.currentId
}
