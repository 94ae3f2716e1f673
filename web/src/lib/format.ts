// Dates, sizes and phone numbers as people read them, in the current language.
import { currentLocale } from '@/i18n'

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(currentLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleDateString(currentLocale(), { year: 'numeric', month: '2-digit', day: '2-digit' })
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** +8613800138000 → 138****8000: enough to recognise one's own number on screen. */
export function maskPhone(e164: string | null | undefined): string {
  if (!e164) return ''
  const local = e164.replace(/^\+86/, '')
  return local.length === 11 ? `${local.slice(0, 3)}****${local.slice(7)}` : local
}
