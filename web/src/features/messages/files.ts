// Files of messages: uploads (POST …/files takes the raw bytes, which the JSON client does not
// send), and thumbnails, images, voice and files fetched with the session's token into object
// URLs, since an <img src> cannot carry the bearer token.
import { API_BASE, ApiError, download, type Schemas } from '@/api/client'
import { currentLocale } from '@/i18n'
import { useSessionStore } from '@/stores/session'

export type UploadedFile = Schemas['File']

export async function uploadFile(
  eid: string,
  blob: Blob,
  opts: { kind: 'image' | 'file' | 'voice'; name?: string; duration_ms?: number },
): Promise<UploadedFile> {
  const q = new URLSearchParams({ kind: opts.kind })
  if (opts.name) q.set('name', opts.name)
  if (opts.duration_ms) q.set('duration_ms', String(Math.max(1, Math.min(300_000, Math.round(opts.duration_ms)))))
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLocale(),
    'Content-Type': 'application/octet-stream',
  }
  const token = useSessionStore().token
  if (token) headers.Authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(`${API_BASE}/enterprises/${encodeURIComponent(eid)}/files?${q}`, { method: 'POST', headers, body: blob })
  } catch {
    throw new ApiError(0, 'network')
  }
  let json: Record<string, unknown> = {}
  try {
    json = await res.json()
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    if (typeof json.code === 'string') throw new ApiError(res.status, json.code as ApiError['code'], json)
    throw new ApiError(res.status, res.status >= 500 ? 'server' : 'unexpected', json)
  }
  return json as unknown as UploadedFile
}

type Variant = 'thumbnail' | 'content'
const urls = new Map<string, Promise<string>>()

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** An object URL of a file's thumbnail or content; an image still being processed (409
 *  file_processing) is asked for again a few times. */
export function fileUrl(eid: string, fid: string, variant: Variant): Promise<string> {
  const key = `${eid}/${fid}/${variant}`
  let p = urls.get(key)
  if (!p) {
    p = (async () => {
      for (let i = 0; ; i++) {
        try {
          const blob =
            variant === 'thumbnail'
              ? await download('/enterprises/{eid}/files/{fid}/thumbnail', { path: { eid, fid } })
              : await download('/enterprises/{eid}/files/{fid}/content', { path: { eid, fid } })
          return URL.createObjectURL(blob)
        } catch (err) {
          if (err instanceof ApiError && err.code === 'file_processing' && i < 10) {
            await sleep(500 * (i + 1))
            continue
          }
          throw err
        }
      }
    })()
    p.catch(() => urls.delete(key))
    urls.set(key, p)
  }
  return p
}

/** Saves a file under its name (the browser's download). */
export async function saveFile(eid: string, fid: string, name: string) {
  const url = await fileUrl(eid, fid, 'content')
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function formatDuration(ms: number | undefined): string {
  const s = Math.max(0, Math.round((ms ?? 0) / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
