// Where to go after signing in: the page that sent the person here, if it is one of ours.
import type { LocationQuery } from 'vue-router'

export function redirectTarget(query: LocationQuery, fallback = '/'): string {
  const r = query.redirect
  return typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') ? r : fallback
}
