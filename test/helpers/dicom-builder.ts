/**
 * A DICOM Part 10 writer for tests that can write what a valid writer refuses to: any element in any order, any
 * length field, deflated data sets that inflate to more than they declare, nested sequences. Built from PS3.5
 * section 7 (explicit VR little endian) and PS3.10 7.1 (preamble, "DICM", File Meta group), independently of
 * src/volume/readers/dicom-write.ts.
 */
import { deflateRawSync, createDeflateRaw } from 'node:zlib';

export interface RawElement {
  readonly tag: number;
  readonly vr: string;
  readonly value: Uint8Array;
  /** Overrides the length field (a lie), 0xFFFFFFFF for undefined length. */
  readonly lengthField?: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

export const str = (tag: number, vr: string, text: string): RawElement => ({ tag, vr, value: new TextEncoder().encode(text.length % 2 ? text + (vr === 'UI' ? '\0' : ' ') : text) });
export const us = (tag: number, v: number): RawElement => ({ tag, vr: 'US', value: Uint8Array.from([v & 0xff, (v >> 8) & 0xff]) });
export const ob = (tag: number, bytes: Uint8Array, vr = 'OW'): RawElement => ({ tag, vr, value: bytes });

/** Encodes elements in the order given (explicit VR little endian), without sorting or checking them. */
export function encodeExplicit(elements: readonly RawElement[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const el of elements) {
    const long = LONG_VRS.has(el.vr);
    const header = Buffer.alloc(long ? 12 : 8);
    header.writeUInt16LE(el.tag >>> 16, 0);
    header.writeUInt16LE(el.tag & 0xffff, 2);
    header.write(el.vr, 4, 'latin1');
    if (long) header.writeUInt32LE(el.lengthField ?? el.value.length, 8);
    else header.writeUInt16LE(el.lengthField ?? el.value.length, 6);
    parts.push(header, Buffer.from(el.value));
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** Preamble + DICM + File Meta group (always explicit VR little endian) + the given data set bytes. */
export function part10(transferSyntaxUid: string, sopClassUid: string, body: Uint8Array): Uint8Array {
  const metaBody = encodeExplicit([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
    str(0x00020002, 'UI', sopClassUid),
    str(0x00020003, 'UI', '2.25.1'),
    str(0x00020010, 'UI', transferSyntaxUid),
    str(0x00020012, 'UI', '2.25.2'),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length, 0);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return new Uint8Array(Buffer.concat([preamble, encodeExplicit([{ tag: 0x00020000, vr: 'UL', value: groupLength }]), metaBody, body]));
}

export const TS = {
  implicit: '1.2.840.10008.1.2',
  explicit: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  bigEndian: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  rle: '1.2.840.10008.1.2.5',
} as const;
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface CtSliceOptions {
  readonly rows?: number;
  readonly columns?: number;
  /** Position along z (LPS) of the slice, mm. */
  readonly zMm?: number;
  readonly seriesUid?: string;
  readonly modality?: string;
  readonly slope?: string;
  readonly intercept?: string;
  readonly bitsAllocated?: number;
  readonly pixelBytes?: Uint8Array;
  readonly iop?: string;
  readonly ipp?: string;
  readonly pixelSpacing?: string;
  readonly seriesDescription?: string;
  /** Elements to add (they are sorted in with the rest by tag) or to replace (same tag). */
  readonly extra?: readonly RawElement[];
  /** Tags to leave out. */
  readonly omit?: readonly number[];
}

/** The elements of a small axial CT slice (1 mm pixels, HU = stored - 1024), every pixel 1024 + 40 unless given. */
export function ctSliceElements(o: CtSliceOptions = {}): RawElement[] {
  const rows = o.rows ?? 8;
  const columns = o.columns ?? 8;
  const bits = o.bitsAllocated ?? 16;
  const pixels = o.pixelBytes ?? (() => {
    const b = Buffer.alloc(rows * columns * 2);
    for (let p = 0; p < rows * columns; p++) b.writeUInt16LE(1024 + 40, 2 * p);
    return new Uint8Array(b);
  })();
  const base: RawElement[] = [
    str(0x00080016, 'UI', CT_IMAGE_STORAGE),
    str(0x00080018, 'UI', `2.25.${Math.floor(Math.random() * 1e15)}`),
    str(0x00080060, 'CS', o.modality ?? 'CT'),
    str(0x0008103e, 'LO', o.seriesDescription ?? ''),
    str(0x0020000d, 'UI', '2.25.100'),
    str(0x0020000e, 'UI', o.seriesUid ?? '2.25.200'),
    str(0x00200032, 'DS', o.ipp ?? `0\\0\\${o.zMm ?? 0}`),
    str(0x00200037, 'DS', o.iop ?? '1\\0\\0\\0\\1\\0'),
    us(0x00280002, 1),
    str(0x00280004, 'CS', 'MONOCHROME2'),
    us(0x00280010, rows),
    us(0x00280011, columns),
    str(0x00280030, 'DS', o.pixelSpacing ?? '1\\1'),
    us(0x00280100, bits),
    us(0x00280101, bits),
    us(0x00280102, bits - 1),
    us(0x00280103, 0),
    str(0x00281052, 'DS', o.intercept ?? '-1024'),
    str(0x00281053, 'DS', o.slope ?? '1'),
    ob(0x7fe00010, pixels),
  ];
  const byTag = new Map(base.map((e) => [e.tag, e]));
  for (const e of o.extra ?? []) byTag.set(e.tag, e);
  for (const t of o.omit ?? []) byTag.delete(t);
  return [...byTag.values()].sort((a, b) => a.tag - b.tag);
}

/** A CT slice file in the given transfer syntax (explicit or deflated explicit VR little endian). */
export function ctSlice(o: CtSliceOptions = {}, transferSyntaxUid: string = TS.explicit): Uint8Array {
  const body = encodeExplicit(ctSliceElements(o));
  return part10(transferSyntaxUid, CT_IMAGE_STORAGE, transferSyntaxUid === TS.deflated ? new Uint8Array(deflateRawSync(body)) : body);
}

/**
 * A deflated data set whose deflate stream holds `body` (an honest-looking header and pixel data) and then
 * `extraZeroBytes` zeros: a decompression bomb behind a header that declares a small image. The zeros are
 * compressed as they are written, never held whole.
 */
export async function deflateBombOf(body: Uint8Array, sopClassUid: string, extraZeroBytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  deflate.write(body);
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (let left = extraZeroBytes; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!deflate.write(part)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return part10(TS.deflated, sopClassUid, new Uint8Array(Buffer.concat(out)));
}

/** A CT slice (see ctSliceElements) followed in its deflate stream by `extraZeroBytes` zeros. */
export async function deflateBomb(extraZeroBytes: number, o: CtSliceOptions = {}): Promise<Uint8Array> {
  return deflateBombOf(encodeExplicit(ctSliceElements(o)), CT_IMAGE_STORAGE, extraZeroBytes);
}

/** A sequence of explicit-length items (PS3.5 7.5): each item is FFFE,E000 + its length + its elements. */
export function sq(tag: number, items: readonly (readonly RawElement[])[]): RawElement {
  const parts: Buffer[] = [];
  for (const item of items) {
    const body = Buffer.from(encodeExplicit(item));
    const header = Buffer.alloc(8);
    header.writeUInt16LE(0xfffe, 0);
    header.writeUInt16LE(0xe000, 2);
    header.writeUInt32LE(body.length, 4);
    parts.push(header, body);
  }
  return { tag, vr: 'SQ', value: new Uint8Array(Buffer.concat(parts)) };
}

export const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegOptions {
  readonly rows: number;
  readonly columns: number;
  /** One frame per (segment, slice): z of the slice in mm (LPS) and the segment it belongs to. */
  readonly frames: readonly { readonly segment: number; readonly zMm: number; readonly bits: Uint8Array }[];
  readonly segments: readonly { readonly number: number; readonly label: string }[];
  readonly spacingMm?: readonly [number, number, number];
  readonly bitsAllocated?: number;
  /** Replace or drop elements of the top-level data set, by tag. */
  readonly extra?: readonly RawElement[];
  readonly omit?: readonly number[];
  /** Per-frame items to leave out of the Per-Frame Functional Groups (they then mismatch NumberOfFrames). */
  readonly dropPerFrame?: number;
  readonly truncatePixelBytes?: number;
}

/**
 * A BINARY DICOM SEG (PS3.3 A.51): axial frames on the IOP row (-1,0,0) / column (0,-1,0), i.e. RAS-aligned
 * voxels, with the frames' bits packed across frames (PS3.5 8.1.1, first pixel in the least significant bit).
 */
/** The data set of such a SEG (explicit VR little endian), before any deflate. */
export function segBody(o: SegOptions): Uint8Array {
  const [sx, sy, sz] = o.spacingMm ?? [1, 1, 1];
  const frameBits = o.rows * o.columns;
  const packed = new Uint8Array(Math.ceil((frameBits * o.frames.length) / 8));
  o.frames.forEach((f, n) => {
    for (let p = 0; p < frameBits; p++) if (f.bits[p]) packed[(n * frameBits + p) >> 3] |= 1 << ((n * frameBits + p) & 7);
  });
  const perFrame = o.frames.slice(0, o.frames.length - (o.dropPerFrame ?? 0)).map((f) => [
    sq(0x0062000a, [[us(0x0062000b, f.segment)]]),
    sq(0x00209113, [[str(0x00200032, 'DS', `0\\0\\${f.zMm}`)]]),
  ]);
  const base: RawElement[] = [
    str(0x00080016, 'UI', SEG_STORAGE),
    str(0x00080018, 'UI', '2.25.300'),
    str(0x00080060, 'CS', 'SEG'),
    str(0x0020000d, 'UI', '2.25.100'),
    str(0x0020000e, 'UI', '2.25.301'),
    str(0x00200052, 'UI', '2.25.302'),
    us(0x00280002, 1),
    str(0x00280004, 'CS', 'MONOCHROME2'),
    str(0x00280008, 'IS', String(o.frames.length)),
    us(0x00280010, o.rows),
    us(0x00280011, o.columns),
    us(0x00280100, o.bitsAllocated ?? 1),
    us(0x00280101, o.bitsAllocated ?? 1),
    us(0x00280102, (o.bitsAllocated ?? 1) - 1),
    us(0x00280103, 0),
    str(0x00620001, 'CS', 'BINARY'),
    sq(0x00620002, o.segments.map((s) => [us(0x00620004, s.number), str(0x00620005, 'LO', s.label)])),
    sq(0x52009229, [[
      sq(0x00209116, [[str(0x00200037, 'DS', '-1\\0\\0\\0\\-1\\0')]]),
      sq(0x00289110, [[str(0x00180050, 'DS', String(sz)), str(0x00180088, 'DS', String(sz)), str(0x00280030, 'DS', `${sy}\\${sx}`)]]),
    ]]),
    sq(0x52009230, perFrame),
    ob(0x7fe00010, o.truncatePixelBytes !== undefined ? packed.subarray(0, o.truncatePixelBytes) : packed, 'OB'),
  ];
  const byTag = new Map(base.map((e) => [e.tag, e]));
  for (const e of o.extra ?? []) byTag.set(e.tag, e);
  for (const t of o.omit ?? []) byTag.delete(t);
  return encodeExplicit([...byTag.values()].sort((a, b) => a.tag - b.tag));
}

export function segFile(o: SegOptions, transferSyntaxUid: string = TS.explicit): Uint8Array {
  const body = segBody(o);
  return part10(transferSyntaxUid, SEG_STORAGE, transferSyntaxUid === TS.deflated ? new Uint8Array(deflateRawSync(body)) : body);
}
