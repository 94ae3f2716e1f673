// Draws Atrium's icon — a white arch, a doorway onto a courtyard, on blue — as public/icons/icon.svg
// and as the PNGs the web app manifest names (192, 512, and a maskable 512 whose symbol stays
// inside the safe circle). No image tools: the shapes are tested pixel by pixel and written as
// PNG with node's zlib. Run `npm run icons` after changing the drawing; the files are committed.
import { deflateSync } from 'node:zlib'
import { writeFileSync, mkdirSync } from 'node:fs'

const OUT = new URL('../public/icons/', import.meta.url)
const TOP = [0x3a, 0x7b, 0xff]
const BOTTOM = [0x1d, 0x57, 0xd8]
const LIFT = 0.03 // the symbol sits a little above the middle

// Is the point (x, y), both 0…1 of the symbol's square, white?
function inSymbol(x, y) {
  y += LIFT
  const dx = x - 0.5
  const outer = (Math.abs(dx) <= 0.22 && y >= 0.5 && y <= 0.76) || (y < 0.5 && dx * dx + (y - 0.5) ** 2 <= 0.22 ** 2)
  const inner = (Math.abs(dx) <= 0.09 && y >= 0.56 && y <= 0.76) || (y < 0.56 && dx * dx + (y - 0.56) ** 2 <= 0.09 ** 2)
  const base = x >= 0.22 && x <= 0.78 && y >= 0.79 && y <= 0.83
  return (outer && !inner) || base
}

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r)
  const cy = Math.min(Math.max(y, r), 1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

// RGBA pixels of one icon; maskable icons fill the square and shrink the symbol to 80 %.
function draw(size, maskable) {
  const px = Buffer.alloc(size * size * 4)
  const n = 4 // samples per axis
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let bg = 0
      let fg = 0
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const x = (i + (si + 0.5) / n) / size
          const y = (j + (sj + 0.5) / n) / size
          if (!maskable && !inRoundedSquare(x, y, 0.22)) continue
          bg++
          const s = maskable ? 0.8 : 1
          if (inSymbol((x - 0.5) / s + 0.5, (y - 0.5) / s + 0.5)) fg++
        }
      }
      const t = j / (size - 1)
      const k = (j * size + i) * 4
      const white = bg ? fg / bg : 0
      for (let c = 0; c < 3; c++) {
        const blue = TOP[c] + (BOTTOM[c] - TOP[c]) * t
        px[k + c] = Math.round(blue + (255 - blue) * white)
      }
      px[k + 3] = Math.round((255 * bg) / (n * n))
    }
  }
  return px
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})
function crc32(buf) {
  let c = -1
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
function chunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let j = 0; j < size; j++) rgba.copy(raw, j * (size * 4 + 1) + 1, j * size * 4, (j + 1) * size * 4)
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3a7bff"/><stop offset="1" stop-color="#1d57d8"/></linearGradient></defs>
<rect width="100" height="100" rx="22" fill="url(#g)"/>
<g fill="#fff" transform="translate(0 -3)"><path d="M28 50A22 22 0 0 1 72 50V76H59V56A9 9 0 0 0 41 56V76H28Z"/><rect x="22" y="79" width="56" height="4"/></g>
</svg>
`

mkdirSync(OUT, { recursive: true })
writeFileSync(new URL('icon.svg', OUT), svg)
writeFileSync(new URL('icon-192.png', OUT), png(192, draw(192, false)))
writeFileSync(new URL('icon-512.png', OUT), png(512, draw(512, false)))
writeFileSync(new URL('maskable-512.png', OUT), png(512, draw(512, true)))
writeFileSync(new URL('apple-touch-icon.png', OUT), png(180, draw(180, true)))
console.log('icons written to public/icons/')
