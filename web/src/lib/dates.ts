// Calendar days and months as the API writes them (YYYY-MM-DD, YYYY-MM), in the browser's zone.

/** YYYY-MM-DD of a date as the browser's calendar reads it (today by default). */
export function isoDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** YYYY-MM of a date (this month by default). */
export function isoMonth(d = new Date()): string {
  return isoDay(d).slice(0, 7)
}
