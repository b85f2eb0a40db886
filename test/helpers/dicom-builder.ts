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
 * A deflated data set that declares `declaredBody` (a small, valid slice header + pixels) but whose deflate
 * stream goes on with `extraZeroBytes` zeros after it: a decompression bomb behind an honest-looking header.
 */
export async function deflateBomb(extraZeroBytes: number, o: CtSliceOptions = {}): Promise<Uint8Array> {
  const body = encodeExplicit(ctSliceElements(o));
  const deflate = createDeflateRaw({ level: 9 });
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
  return part10(TS.deflated, CT_IMAGE_STORAGE, new Uint8Array(Buffer.concat(out)));
}
