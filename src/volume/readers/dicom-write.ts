/**
 * Writer of a CT volume as a DICOM series: one CT Image Storage object (PS3.3 A.3) per k slice, uncompressed
 * explicit VR little endian (PS3.5 A.2), int16 pixels. Used by the synthetic-study generator and by tests.
 *
 * Geometry is the inverse of dicom-series.ts: the grid's i axis becomes the row cosines (columns), j the column
 * cosines (rows), converted RAS -> LPS by negating x and y; IPP of slice k is the RAS centre of voxel (0,0,k)
 * in LPS. Any orthonormal direction is written (oblique grids included). A DICOM reader stacks slices along
 * row x col, so a left-handed grid (det of its direction < 0, e.g. the NIfTI-usual i->L, j->A, k->S) reads
 * back with k reversed: the same voxels in space, another ijkToRas. Right-handed grids read back identically.
 *
 * Files are written into a temporary sibling folder that is renamed to `folder` at the end, so a failure
 * leaves nothing half-written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { gctError, isGroundctError } from '../../errors.ts';
import { det3, splitIjkToRas, type Grid } from '../geometry.ts';
import { TRANSFER_SYNTAX } from './dicom-pixels.ts';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
/** Root for UUID-derived UIDs (PS3.5 B.2: "2.25." followed by the decimal form of a 128-bit UUID). */
const UUID_UID_ROOT = '2.25.';
const IMPLEMENTATION_CLASS_UID = '2.25.305828488182831875890203105390285383139';
/** Offset used with unsigned storage: stored = HU + 1024, RescaleIntercept -1024 (the usual CT convention). */
const UNSIGNED_STORAGE_OFFSET_HU = 1024;

export interface WriteDicomSeriesOptions {
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly frameOfReferenceUid?: string;
  /** Patient's Age as DICOM AS, e.g. "054Y". */
  readonly patientAge?: string;
  readonly patientSex?: 'M' | 'F' | 'O';
  /** Patient ID (0010,0020), empty by default; tests write one to check the follow-up's same-patient rule. */
  readonly patientId?: string;
  readonly seriesDescription?: string;
  /** Contrast/Bolus Agent (0018,0010). */
  readonly contrastAgent?: string;
  /** YYYY-MM-DD */
  readonly studyDate?: string;
  /** Store HU + 1024 as unsigned 16-bit with RescaleIntercept -1024 (default: signed int16, intercept 0). */
  readonly unsignedStorage?: boolean;
  /** Defaults to explicit VR little endian; the other uncompressed syntaxes exist to test the reader. */
  readonly transferSyntaxUid?: (typeof TRANSFER_SYNTAX)['implicitLittle' | 'explicitLittle' | 'deflatedExplicitLittle' | 'explicitBig'];
}

export interface CtImage {
  readonly grid: Grid;
  /** HU per voxel, i fastest; values are rounded to integers. */
  readonly data: ArrayLike<number>;
}

/** A fresh UID under 2.25 from 128 random bits. */
export function newUid(): string {
  return UUID_UID_ROOT + BigInt('0x' + randomBytes(16).toString('hex')).toString(10);
}

/** Writes one file per k slice into `folder` (which must not exist or be empty); returns the file paths in k order. */
export async function writeDicomSeries(image: CtImage, folder: string, options: WriteDicomSeriesOptions = {}): Promise<string[]> {
  const { dims } = image.grid;
  const perSlice = dims[0] * dims[1];
  if (image.data.length !== perSlice * dims[2]) throw gctError('GCT_DICOM_WRITE_FAILED', `data holds ${image.data.length} voxels; grid ${dims.join('x')} needs ${perSlice * dims[2]}`);
  const { spacingMm, direction: d, originRas } = splitIjkToRas(image.grid.ijkToRas);
  const toLps = (v: readonly number[]): number[] => [-v[0], -v[1], v[2]];
  const iRas = [d[0], d[3], d[6]];
  const jRas = [d[1], d[4], d[7]];
  const kRas = [d[2], d[5], d[8]];
  if (Math.abs(Math.abs(det3(d)) - 1) > 1e-6) throw gctError('GCT_VOLUME_AFFINE_INVALID', `grid direction is not orthonormal (det ${det3(d)}); DICOM planes need orthogonal i and j`);
  const iop = [...toLps(iRas), ...toLps(jRas)];

  const offset = options.unsignedStorage ? UNSIGNED_STORAGE_OFFSET_HU : 0;
  const [lo, hi] = options.unsignedStorage ? [0, 65535] : [-32768, 32767];
  const study = options.studyInstanceUid ?? newUid();
  const series = options.seriesInstanceUid ?? newUid();
  const frameOfReference = options.frameOfReferenceUid ?? newUid();
  const ts = options.transferSyntaxUid ?? TRANSFER_SYNTAX.explicitLittle;

  const parent = dirname(folder);
  const temp = join(parent, `.${basename(folder)}.tmp-${randomBytes(6).toString('hex')}`);
  const names: string[] = [];
  try {
    await mkdir(temp, { recursive: true });
    for (let k = 0; k < dims[2]; k++) {
      const pixels = new Uint8Array(perSlice * 2);
      const view = new DataView(pixels.buffer);
      for (let p = 0; p < perSlice; p++) {
        const stored = Math.round(image.data[k * perSlice + p]) + offset;
        if (!(stored >= lo && stored <= hi))
          throw gctError('GCT_VOLUME_DATATYPE_UNSUPPORTED', `voxel ${p} of slice ${k} is ${image.data[k * perSlice + p]} HU; ${options.unsignedStorage ? 'unsigned' : 'signed'} 16-bit storage holds ${lo - offset}..${hi - offset}`);
        if (options.unsignedStorage) view.setUint16(p * 2, stored, true);
        else view.setInt16(p * 2, stored, true);
      }
      const ippRas = [0, 1, 2].map((a) => originRas[a] + kRas[a] * spacingMm[2] * k);
      const sop = newUid();
      const dataset: Element[] = [
        str(0x00080005, 'CS', 'ISO_IR 100'),
        str(0x00080008, 'CS', 'DERIVED\\SECONDARY\\AXIAL'),
        str(0x00080016, 'UI', CT_IMAGE_STORAGE),
        str(0x00080018, 'UI', sop),
        str(0x00080020, 'DA', (options.studyDate ?? '').replaceAll('-', '')),
        str(0x00080030, 'TM', ''),
        str(0x00080050, 'SH', ''),
        str(0x00080060, 'CS', 'CT'),
        str(0x00080070, 'LO', 'groundct synthetic'),
        str(0x00080090, 'PN', ''),
        str(0x0008103e, 'LO', options.seriesDescription ?? ''),
        str(0x00100010, 'PN', ''),
        str(0x00100020, 'LO', options.patientId ?? ''),
        str(0x00100030, 'DA', ''),
        str(0x00100040, 'CS', options.patientSex ?? ''),
        ...(options.patientAge ? [str(0x00101010, 'AS', options.patientAge)] : []),
        ...(options.contrastAgent ? [str(0x00180010, 'LO', options.contrastAgent)] : []),
        str(0x00180050, 'DS', ds(spacingMm[2])),
        str(0x00180060, 'DS', ''),
        str(0x00180088, 'DS', ds(spacingMm[2])),
        str(0x0020000d, 'UI', study),
        str(0x0020000e, 'UI', series),
        str(0x00200010, 'SH', ''),
        str(0x00200011, 'IS', '1'),
        str(0x00200013, 'IS', String(k + 1)),
        str(0x00200032, 'DS', toLps(ippRas).map(ds).join('\\')),
        str(0x00200037, 'DS', iop.map(ds).join('\\')),
        str(0x00200052, 'UI', frameOfReference),
        str(0x00201040, 'LO', ''),
        us(0x00280002, 1),
        str(0x00280004, 'CS', 'MONOCHROME2'),
        us(0x00280010, dims[1]),
        us(0x00280011, dims[0]),
        str(0x00280030, 'DS', `${ds(spacingMm[1])}\\${ds(spacingMm[0])}`),
        us(0x00280100, 16),
        us(0x00280101, 16),
        us(0x00280102, 15),
        us(0x00280103, options.unsignedStorage ? 0 : 1),
        str(0x00281052, 'DS', ds(-offset)),
        str(0x00281053, 'DS', '1'),
        str(0x00281054, 'LO', 'HU'),
        { tag: 0x7fe00010, vr: 'OW', value: pixels, wordSize: 2 },
      ];
      const name = `CT${String(k + 1).padStart(5, '0')}.dcm`;
      await writeFile(join(temp, name), encodePart10(CT_IMAGE_STORAGE, sop, ts, dataset));
      names.push(name);
    }
    await moveInto(temp, folder);
  } catch (cause) {
    await rm(temp, { recursive: true, force: true });
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_DICOM_WRITE_FAILED', `writing the DICOM series to ${folder} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { folder }, cause);
  }
  return names.map((n) => join(folder, n));
}

async function moveInto(temp: string, folder: string): Promise<void> {
  const existing = await readdir(folder).catch(() => null);
  if (existing && existing.length > 0) throw gctError('GCT_DICOM_WRITE_FAILED', `${folder} exists and is not empty`, { folder });
  if (existing) await rmdir(folder);
  await rename(temp, folder);
}

// ---- encoding (PS3.5 section 7) ---------------------------------------------------------------------------

interface Element {
  readonly tag: number;
  readonly vr: string;
  readonly value: Uint8Array;
  /** Bytes per number for byte swapping in big endian (2 for US/OW); 1 or absent for strings. */
  readonly wordSize?: number;
}

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

function str(tag: number, vr: string, value: string): Element {
  // Even length (PS3.5 7.1.1): UI pads with NUL, other strings with a space.
  const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
  return { tag, vr, value: new TextEncoder().encode(padded) };
}

function us(tag: number, value: number): Element {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, value, true);
  return { tag, vr: 'US', value: b, wordSize: 2 };
}

/**
 * A decimal string (VR DS) of at most 16 characters (PS3.5 6.2) with as many significant digits as fit, so
 * geometry survives the text round trip to ~1e-12 relative.
 */
export function ds(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`DS cannot hold ${value}`);
  if (Object.is(value, -0) || value === 0) return '0';
  for (let digits = 16; digits >= 1; digits--) {
    const s = Number(value.toPrecision(digits)).toString();
    if (s.length <= 16) return s;
    const e = value.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
    if (e.length <= 16) return e;
  }
  throw new RangeError(`DS cannot hold ${value}`);
}

function encodeElements(elements: readonly Element[], explicit: boolean, littleEndian: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    const long = LONG_VRS.has(el.vr);
    const header = new Uint8Array(explicit ? (long ? 12 : 8) : 8);
    const v = new DataView(header.buffer);
    v.setUint16(0, el.tag >>> 16, littleEndian);
    v.setUint16(2, el.tag & 0xffff, littleEndian);
    if (!explicit) v.setUint32(4, el.value.length, littleEndian);
    else {
      header[4] = el.vr.charCodeAt(0);
      header[5] = el.vr.charCodeAt(1);
      if (long) v.setUint32(8, el.value.length, littleEndian);
      else v.setUint16(6, el.value.length, littleEndian);
    }
    let value = el.value;
    if (!littleEndian && (el.wordSize ?? 1) === 2) {
      value = el.value.slice();
      for (let p = 0; p < value.length; p += 2) [value[p], value[p + 1]] = [value[p + 1], value[p]];
    }
    parts.push(header, value);
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Preamble, "DICM", the File Meta group (always explicit VR little endian, PS3.10 7.1) and the data set. */
function encodePart10(sopClass: string, sopInstance: string, transferSyntaxUid: string, dataset: readonly Element[]): Uint8Array {
  const version: Element = { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) };
  const metaBody = encodeElements(
    [version, str(0x00020002, 'UI', sopClass), str(0x00020003, 'UI', sopInstance), str(0x00020010, 'UI', transferSyntaxUid), str(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID), str(0x00020013, 'SH', 'GROUNDCT_0_1')],
    true,
    true,
  );
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const meta = concat([encodeElements([{ tag: 0x00020000, vr: 'UL', value: groupLength }], true, true), metaBody]);
  const explicit = transferSyntaxUid !== TRANSFER_SYNTAX.implicitLittle;
  const littleEndian = transferSyntaxUid !== TRANSFER_SYNTAX.explicitBig;
  let body = encodeElements(dataset, explicit, littleEndian);
  if (transferSyntaxUid === TRANSFER_SYNTAX.deflatedExplicitLittle) body = new Uint8Array(deflateRawSync(body));
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, meta, body]);
}
