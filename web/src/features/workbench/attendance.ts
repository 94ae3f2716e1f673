// Attendance as the client needs it: where I am (asked of the browser only when I punch), one
// punch attempt with its idempotency key, the photo of a field punch, and the words for a day.
import { ApiError, call, newIdempotencyKey, upload, type Schemas } from '@/api/client'
import { i18n } from '@/i18n'
import { deviceId } from '@/lib/device'

export type PunchInput = Schemas['PunchInput']
export type Punch = Schemas['Punch']
export type MyAttendance = Schemas['MyAttendance']
export type AttendanceDay = Schemas['AttendanceDay']
export type AttendanceStatus = Schemas['AttendanceStatus']
export type Place = Schemas['AttendancePlace']

/** Why the browser gave no position: refused, could not tell, too slow, or no geolocation at all. */
export type GeoFailure = 'denied' | 'unavailable' | 'timeout' | 'unsupported'

export class GeoError extends Error {
  readonly reason: GeoFailure
  constructor(reason: GeoFailure) {
    super(reason)
    this.name = 'GeoError'
    this.reason = reason
  }
}

/** Asks the browser where this device is, once. Browsers report WGS-84 (the GPS datum). */
export function locate(timeoutMs = 15000): Promise<NonNullable<PunchInput['location']>> {
  const geo = typeof navigator !== 'undefined' ? navigator.geolocation : undefined
  if (!geo) return Promise.reject(new GeoError('unsupported'))
  return new Promise((resolve, reject) => {
    geo.getCurrentPosition(
      (pos) =>
        resolve({
          latitude: pos.coords.latitude,
          longitude: pos.coords.longitude,
          coords: 'wgs84',
          accuracy_m: Math.max(0, Math.round(pos.coords.accuracy ?? 0)),
        }),
      (err) => reject(new GeoError(err.code === 1 ? 'denied' : err.code === 3 ? 'timeout' : 'unavailable')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    )
  })
}

/** One punch the person asked for: its body, idempotency key included, is sent unchanged on
 *  every retry, so a retry after a lost answer or a consent granted never punches twice. */
export function newAttempt(fields: Omit<PunchInput, 'idempotency_key' | 'client_time' | 'device_id'>): PunchInput {
  return { idempotency_key: newIdempotencyKey(), client_time: new Date().toISOString(), device_id: deviceId(), ...fields }
}

/** Sends one attempt; the status tells a new punch (201) from a retry's answer (200). */
export async function sendPunch(eid: string, body: PunchInput): Promise<{ status: number; punch: Punch }> {
  const { status, data } = await call('post', '/enterprises/{eid}/attendance/punches', { path: { eid }, body })
  return { status, punch: data }
}

/** What the server adds to an outside_places problem (not in the Problem schema yet). */
export function outsideDetails(err: ApiError): { fieldAllowed: boolean | null; distance: number | null } {
  const p = err.problem as Record<string, unknown>
  return {
    fieldAllowed: typeof p.field_allowed === 'boolean' ? p.field_allowed : null,
    distance: typeof p.distance_m === 'number' ? p.distance_m : null,
  }
}

/** Uploads a photo for a field punch: the raw bytes, as POST …/files wants them. */
export async function uploadPhoto(eid: string, file: File): Promise<string> {
  const ext = (file.name.split('.').pop() || 'jpg').toLowerCase().replace(/[^a-z0-9]/g, '') || 'jpg'
  const res = await upload('post', '/enterprises/{eid}/files', file, { path: { eid }, query: { kind: 'image', name: `photo.${ext}` } })
  return String(res.file_id)
}

/** HH:MM of a server time, in the browser's zone. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleTimeString(i18n.global.locale.value, { hour: '2-digit', minute: '2-digit', hour12: false })
}

/** The colour family of a day on the month calendar. */
export type DayTone = 'normal' | 'late' | 'early' | 'absent' | 'missing' | 'field' | 'rest' | 'holiday' | 'ongoing' | 'none'

export function dayTone(day: AttendanceDay, holiday: boolean): DayTone {
  switch (day.status) {
    case 'normal':
    case 'free':
      return 'normal'
    case 'late':
      return 'late'
    case 'early':
      return 'early'
    case 'absent':
      return 'absent'
    case 'missing':
      return 'missing'
    case 'field':
    case 'field_pending':
      return 'field'
    case 'rest':
      return holiday ? 'holiday' : 'rest'
    case 'ongoing':
      return 'ongoing'
    default:
      return holiday ? 'holiday' : 'none'
  }
}

/** Days whose result a make-up can mend: a punch missing, or nothing at all on a working day. */
export function canMakeUp(day: AttendanceDay): boolean {
  return day.status === 'missing' || day.status === 'absent'
}

/** The first punch of the day that is missing, for the make-up form: its shift and the time the
 *  shift says (its start for a missing punch in, its end for one out). */
export function missingPunch(day: AttendanceDay): { shift: number; at: string } | null {
  const i = day.shifts.findIndex((s) => s.in_missing || s.out_missing)
  if (i < 0) return null
  const s = day.shifts[i]
  return { shift: i, at: s.in_missing ? s.start : s.end }
}
