/**
 * A minimal PNG encoder (PNG specification, W3C Recommendation, 3rd edition / ISO/IEC 15948): 8-bit RGB
 * (colour type 2), no interlace, filter type 0 with filter "None" on every scanline, one zlib stream (RFC 1950,
 * node:zlib deflate) in one IDAT chunk, plus tEXt chunks for metadata. Enough for key images; no decoder here
 * (the tests carry their own, so the encoder is checked by independent code).
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 of the PNG spec (ISO 3309 / ITU-T V.42 polynomial 0xEDB88320, reflected), table-driven. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let n = start; n < end; n++) c = CRC_TABLE[(c ^ bytes[n]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let n = 0; n < 4; n++) out[4 + n] = type.charCodeAt(n);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** An RGB image, 3 bytes per pixel, rows top to bottom. */
export interface RgbImage {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly rgb: Uint8Array;
}

/** Encodes an RGB image as PNG; `text` becomes tEXt chunks (Latin-1 keywords of 1-79 characters). */
export function encodePng(image: RgbImage, text: Readonly<Record<string, string>> = {}): Uint8Array {
  const { widthPx: w, heightPx: h, rgb } = image;
  if (!(w > 0 && h > 0) || rgb.length !== w * h * 3) throw new RangeError(`RGB buffer of ${rgb.length} bytes for ${w}x${h}`);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const raw = new Uint8Array(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + w * 3)] = 0; // filter type None
    raw.set(rgb.subarray(y * w * 3, (y + 1) * w * 3), y * (1 + w * 3) + 1);
  }
  const texts = Object.entries(text).map(([keyword, value]) => chunk('tEXt', Uint8Array.from(Buffer.from(`${keyword}\0${value}`, 'latin1'))));
  const parts = [SIGNATURE, chunk('IHDR', ihdr), ...texts, chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
