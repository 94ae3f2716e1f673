// Small images made at test time, for the photo tests: a baseline JPEG (optionally carrying an
// EXIF block with a GPS position and a camera make), PNGs (optionally with alpha, text and EXIF
// chunks), and a reader of a JPEG's segments.  Only node built-ins.

import zlib from 'node:zlib';

/** The camera make and GPS position the EXIF blocks below carry, to look for afterwards. */
export const EXIF_MAKE = 'AtriumTestCam';
export const GPS = { lat: [31, 14, 24], lon: [121, 28, 12] };

function u16(n) { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }

function segment(marker, payload) {
  return Buffer.concat([Buffer.from([0xff, marker]), u16(payload.length + 2), payload]);
}

/** A big-endian TIFF/EXIF structure: IFD0 with Make and a GPS IFD with latitude and longitude. */
export function exifTiff() {
  const make = Buffer.from(`${EXIF_MAKE}\0`, 'latin1');
  const ifd0 = 8;
  const makeAt = ifd0 + 2 + 2 * 12 + 4;
  const gpsAt = makeAt + make.length;
  const latAt = gpsAt + 2 + 4 * 12 + 4;
  const lonAt = latAt + 24;
  const entry = (tag, type, count, value) => Buffer.concat([u16(tag), u16(type), u32(count), value]);
  const rationals = (parts) => Buffer.concat(parts.flatMap((p) => [u32(p), u32(1)]));
  return Buffer.concat([
    Buffer.from('MM\0\x2a', 'latin1'), u32(ifd0),
    u16(2),
    entry(0x010f, 2, make.length, u32(makeAt)), // Make
    entry(0x8825, 4, 1, u32(gpsAt)), // GPSInfo
    u32(0),
    make,
    u16(4),
    entry(0x0001, 2, 2, Buffer.from('N\0\0\0', 'latin1')), // GPSLatitudeRef
    entry(0x0002, 5, 3, u32(latAt)), // GPSLatitude
    entry(0x0003, 2, 2, Buffer.from('E\0\0\0', 'latin1')), // GPSLongitudeRef
    entry(0x0004, 5, 3, u32(lonAt)), // GPSLongitude
    u32(0),
    rationals(GPS.lat),
    rationals(GPS.lon),
  ]);
}

/**
 * A grey baseline JPEG of width × height (multiples of 8): one component, every block flat, with
 * Huffman tables of one code each.  exif: true adds an APP1 "Exif" segment with a GPS position.
 */
export function grayJpeg({ width = 32, height = 16, exif = false } = {}) {
  const blocks = (width / 8) * (height / 8);
  // Each block: DC difference category 0 ("0") and end of block ("0"); pad with ones.
  const bits = blocks * 2;
  const data = Buffer.alloc(Math.ceil(bits / 8), 0);
  if (bits % 8) data[data.length - 1] = (1 << (8 - (bits % 8))) - 1;
  const table = (cls) => Buffer.concat([Buffer.from([cls << 4]), Buffer.from([1, ...Array(15).fill(0)]), Buffer.from([0])]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    exif ? segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff()])) : Buffer.alloc(0),
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    segment(0xc0, Buffer.concat([Buffer.from([8]), u16(height), u16(width), Buffer.from([1, 1, 0x11, 0])])),
    segment(0xc4, table(0)),
    segment(0xc4, table(1)),
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
    data,
    Buffer.from([0xff, 0xd9]),
  ]);
}

function chunk(type, payload) {
  const head = Buffer.from(type, 'latin1');
  return Buffer.concat([u32(payload.length), head, payload, u32(zlib.crc32(Buffer.concat([head, payload])))]);
}

/**
 * A PNG of width × height filled with rgb(a).  alpha: colour type 6 with that alpha; text: a
 * tEXt chunk; exif: an eXIf chunk with a GPS position.  claim: the width and height the header
 * says instead (for an image far larger than its data).
 */
export function png({ width = 40, height = 20, rgb = [200, 30, 30], alpha = null, text = null, exif = false, claim = null } = {}) {
  const channels = alpha === null ? 3 : 4;
  const row = Buffer.alloc(1 + width * channels);
  for (let x = 0; x < width; x++) {
    row.set(alpha === null ? rgb : [...rgb, alpha], 1 + x * channels);
  }
  const raw = Buffer.concat(Array(height).fill(row));
  const [w, h] = claim || [width, height];
  const ihdr = Buffer.concat([u32(w), u32(h), Buffer.from([8, alpha === null ? 2 : 6, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    text ? chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')) : Buffer.alloc(0),
    exif ? chunk('eXIf', exifTiff()) : Buffer.alloc(0),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The segments of a JPEG up to its scan: [{marker, payload}], and the frame's width and height.
 * Throws when buf is not a JPEG.
 */
export function jpegSegments(buf) {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error('not a JPEG: no SOI');
  const segments = [];
  let width = null;
  let height = null;
  let p = 2;
  while (p + 4 <= buf.length) {
    if (buf[p] !== 0xff) throw new Error(`no marker at ${p}`);
    const marker = buf[p + 1];
    if (marker === 0xd9) break;
    const len = buf.readUInt16BE(p + 2);
    const payload = buf.subarray(p + 4, p + 2 + len);
    segments.push({ marker, payload });
    if (marker >= 0xc0 && marker <= 0xc3) {
      height = payload.readUInt16BE(1);
      width = payload.readUInt16BE(3);
    }
    if (marker === 0xda) break; // the entropy-coded scan follows
    p += 2 + len;
  }
  return { segments, width, height };
}

/**
 * A lossless WebP (VP8L) of width × height in one colour: every prefix code has a single symbol,
 * so the pixels take no bits at all.
 */
export function webp({ width = 24, height = 12, rgb = [10, 160, 90] } = {}) {
  const bits = [];
  const put = (value, n) => { for (let i = 0; i < n; i++) bits.push((value >> i) & 1); };
  put(width - 1, 14);
  put(height - 1, 14);
  put(0, 1); // no alpha
  put(0, 3); // version 0
  put(0, 1); // no transform
  put(0, 1); // no colour cache
  put(0, 1); // no meta prefix codes
  for (const symbol of [rgb[1], rgb[0], rgb[2], 255]) { // green, red, blue, alpha
    put(1, 1); put(0, 1); put(1, 1); put(symbol, 8); // simple code, one symbol of 8 bits
  }
  put(1, 1); put(0, 1); put(0, 1); put(0, 1); // distance: simple, one symbol of 1 bit: 0
  const data = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => { data[i >> 3] |= b << (i & 7); });
  const vp8l = Buffer.concat([Buffer.from([0x2f]), data]);
  const pad = vp8l.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(vp8l.length);
  const body = Buffer.concat([Buffer.from('WEBPVP8L', 'latin1'), size, vp8l, pad]);
  const riff = Buffer.alloc(4);
  riff.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), riff, body]);
}
