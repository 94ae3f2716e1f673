// Turns any failure into words for the person: every API error code has its text in both
// languages (src/i18n/errors.*.ts); no answer, a 5xx or something unforeseen get friendly text too.
import { showToast } from 'vant'
import { ApiError } from './client'
import { i18n, t } from '@/i18n'

export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unexpected')
  switch (err.code) {
    case 'network':
      return t('error.network')
    case 'server':
      return t('error.server')
    case 'unexpected':
      return t('error.unexpected')
  }
  const key = `errors.${err.code}`
  if (i18n.global.te(key)) return t(key, err.problem as Record<string, unknown>)
  // A code newer than this client: by its status, never the raw code.
  return err.status >= 500 ? t('error.server') : t('error.unexpected')
}

/** Shows the failure in a toast; for errors a screen does not show inline. */
export function showError(err: unknown) {
  showFailure(errorMessage(err))
}

/** Shows a failure already put in words (by errorMessage or a screen's own) in a toast. */
export function showFailure(message: string) {
  showToast({ message, wordBreak: 'break-word', duration: 3500 })
}

export function isApiError(err: unknown, ...codes: ApiError['code'][]): err is ApiError {
  return err instanceof ApiError && (codes.length === 0 || codes.includes(err.code))
}
