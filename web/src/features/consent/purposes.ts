// Purposes of collection as the server declares them, in the reader's language.
import { api, type Schemas } from '@/api/client'
import { currentLocale } from '@/i18n'

export type Purpose = Schemas['PurposeList']['purposes'][number]

export function purposeText(p: Purpose): { title: string; description: string } {
  const lang = currentLocale() === 'en' ? p.i18n.en : p.i18n.zh
  return { title: lang.title || p.title, description: lang.description || p.description }
}

export async function loadPurposes(): Promise<Purpose[]> {
  return (await api.get('/privacy/purposes')).purposes
}

/** Records a grant or a withdrawal, naming this device. */
export function recordConsent(purpose: string, granted: boolean, deviceId: string) {
  return api.post('/me/consents', { body: { purpose, granted, device_id: deviceId } })
}
