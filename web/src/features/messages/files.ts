// Files of messages: uploads (POST …/files takes the raw bytes), and thumbnails, images, voice and files fetched with the session's token into object
// URLs, since an <img src> cannot carry the bearer token.
import { ApiError, download, upload, type Schemas } from '@/api/client'
import { saveUrl } from '@/lib/save'

export type UploadedFile = Schemas['File']

export async function uploadFile(
  eid: string,
  blob: Blob,
  opts: { kind: 'image' | 'file' | 'voice'; name?: string; duration_ms?: number },
): Promise<UploadedFile> {
  const query = {
    kind: opts.kind,
    name: opts.name || undefined,
    duration_ms: opts.duration_ms ? Math.max(1, Math.min(300_000, Math.round(opts.duration_ms))) : undefined,
  }
  return upload('post', '/enterprises/{eid}/files', blob, { path: { eid }, query, type: 'application/octet-stream' })
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
  saveUrl(await fileUrl(eid, fid, 'content'), name)
}

export function formatDuration(ms: number | undefined): string {
  const s = Math.max(0, Math.round((ms ?? 0) / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
