// Hands something to the browser as a download under a file name: an exported ZIP, a report, a
// template, a consent receipt, a message's file, a QR code.

/** Downloads what `url` points at (an object URL or a data: URL) as `name`. */
export function saveUrl(url: string, name: string) {
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

/** Downloads a Blob as `name`; its object URL is let go a little later. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  saveUrl(url, name)
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}
