/**
 * The malformed-input corpus: a few hundred inputs, written into a folder, that a careless user or an attacker
 * could hand to `groundct info`, `measure` and `report`, each with the outcome it must have.
 *
 * One control study underlies most of them: a 12 x 10 x 6 int16 CT on a RAS grid of 2 x 2 x 3 mm at the origin
 * (HU(i, j, k) = (7i + 13j + 29k) mod 200 - 100) with two box masks (1 liver, 2 spleen). Every "ok" variant
 * (other NIfTI layouts and types, NRRD, DICOM in every uncompressed transfer syntax, SEG, label-map shapes)
 * encodes exactly that study, so its measurements must equal the control's truth to the last digit; every other
 * input must end in the coded error listed with it. Inputs that are only meaningful for the CT, the masks or
 * the label map say so in `role`; the runner (run.ts) builds the three commands around them.
 *
 * File-system oddities (pipes, devices, link loops, unreadable files and folders) are made here too; permission
 * cases are only meaningful to a process that is not root (the runner drops to nobody when it is root).
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import type { ErrorCode } from '../../src/errors.ts';
import { buildZip, honestEntry } from '../helpers/zip-builder.ts';
import { ctSlice, ctSliceElements, deflateBomb, deflateBombOf, encodeExplicit, ob, part10, segBody, segFile, sq, str, TS, CT_IMAGE_STORAGE, SEG_STORAGE, type CtSliceOptions, type RawElement } from '../helpers/dicom-builder.ts';
import { nifti1, nifti2, type HeaderFields } from '../helpers/nifti-builder.ts';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';

export type Command = 'info' | 'measure' | 'report';
/** 'ok', or the coded errors any one of which is right. */
export type Outcome = 'ok' | readonly ErrorCode[];

export interface CorpusCase {
  readonly id: string;
  readonly family: 'nifti' | 'nrrd' | 'dicom' | 'j2k' | 'seg' | 'masks' | 'labelmap' | 'zip' | 'fs' | 'output';
  /** Which argument the input is: the CT, the masks (with the control CT) or the label map (with the control masks). */
  readonly role: 'ct' | 'masks' | 'labelmap';
  readonly path: string;
  /** The outcome of every command, or per command. */
  readonly expect: Outcome | Readonly<Record<Command, Outcome>>;
  /** Whether an ok result must reproduce the control study's truth (dims, HU range, per-label voxels and mean HU). */
  readonly controlTruth?: boolean;
  /** Masks (and label map) to use with a CT of another grid than the control. */
  readonly masks?: { readonly path: string; readonly labelMap?: string };
  /** Measured for peak RSS in a fresh process: the decompressed bytes the inputs' headers declare. */
  readonly memory?: { readonly declaredBytes: number; readonly allCommands?: boolean };
  /** Only meaningful when the process reading it is not root (permissions). */
  readonly needsNonRoot?: boolean;
  /** Output oddities: where --out / --dicom point instead of a fresh path. */
  readonly outputs?: { readonly out?: OutputOddity; readonly dicom?: OutputOddity };
}

export type OutputOddity = 'existing-file' | 'nonempty-folder' | 'under-a-file' | 'unwritable-folder';

export interface ControlStudy {
  readonly ct: string;
  readonly masks: string;
  readonly labelMap: string;
  readonly dims: readonly [number, number, number];
  readonly huRange: readonly [number, number];
  /** Per label name: voxel count and mean HU. */
  readonly labels: Readonly<Record<string, { readonly voxelCount: number; readonly meanHu: number }>>;
}

export interface Corpus {
  readonly dir: string;
  readonly control: ControlStudy;
  readonly cases: readonly CorpusCase[];
}

export interface GenerateOptions {
  /** Bombs inflate to this many bytes (CI: 1 GiB; the recorded full run: 4 GiB). */
  readonly bombBytes?: number;
}

const DIMS = [12, 10, 6] as const;
const SPACING = [2, 2, 3] as const;
const N = DIMS[0] * DIMS[1] * DIMS[2];
const SROW = [SPACING[0], 0, 0, 0, 0, SPACING[1], 0, 0, 0, 0, SPACING[2], 0];

const hu = (i: number, j: number, k: number) => ((7 * i + 13 * j + 29 * k) % 200) - 100;
const idx = (i: number, j: number, k: number) => i + DIMS[0] * (j + DIMS[1] * k);

function controlHu(): Int16Array {
  const out = new Int16Array(N);
  for (let k = 0; k < DIMS[2]; k++) for (let j = 0; j < DIMS[1]; j++) for (let i = 0; i < DIMS[0]; i++) out[idx(i, j, k)] = hu(i, j, k);
  return out;
}

/** Box masks: 1 = liver (i 1..5, j 1..4, k 1..4), 2 = spleen (i 7..10, j 5..8, k 0..3). */
function controlMasks(): Uint8Array {
  const out = new Uint8Array(N);
  for (let k = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++) {
        if (i >= 1 && i <= 5 && j >= 1 && j <= 4 && k >= 1 && k <= 4) out[idx(i, j, k)] = 1;
        if (i >= 7 && i <= 10 && j >= 5 && j <= 8 && k <= 3) out[idx(i, j, k)] = 2;
      }
  return out;
}

function truthOf(ct: Int16Array, masks: Uint8Array): ControlStudy['labels'] {
  const out: Record<string, { voxelCount: number; meanHu: number }> = {};
  for (const [id, name] of [[1, 'liver'], [2, 'spleen']] as const) {
    let n = 0;
    let sum = 0;
    for (let v = 0; v < N; v++) if (masks[v] === id) (n++, (sum += ct[v]));
    out[name] = { voxelCount: n, meanHu: sum / n };
  }
  return out;
}

type Sample = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64';
const DATATYPE: Record<Sample, { code: number; bits: number }> = {
  int8: { code: 256, bits: 8 }, uint8: { code: 2, bits: 8 }, int16: { code: 4, bits: 16 }, uint16: { code: 512, bits: 16 },
  int32: { code: 8, bits: 32 }, float32: { code: 16, bits: 32 }, float64: { code: 64, bits: 64 },
};

function samples(values: ArrayLike<number>, sample: Sample, littleEndian = true): Uint8Array {
  const bytes = DATATYPE[sample].bits / 8;
  const out = new Uint8Array(values.length * bytes);
  const v = new DataView(out.buffer);
  const set = {
    int8: (o: number, x: number) => v.setInt8(o, x), uint8: (o: number, x: number) => v.setUint8(o, x),
    int16: (o: number, x: number) => v.setInt16(o, x, littleEndian), uint16: (o: number, x: number) => v.setUint16(o, x, littleEndian),
    int32: (o: number, x: number) => v.setInt32(o, x, littleEndian), float32: (o: number, x: number) => v.setFloat32(o, x, littleEndian),
    float64: (o: number, x: number) => v.setFloat64(o, x, littleEndian),
  }[sample];
  for (let n = 0; n < values.length; n++) set(n * bytes, values[n]);
  return out;
}

/** The control header (int16, sform = diag(2, 2, 3), no scaling), with fields overridden. */
function header(over: Partial<HeaderFields> = {}, sample: Sample = 'int16'): HeaderFields {
  return {
    dim: [3, DIMS[0], DIMS[1], DIMS[2], 1, 1, 1, 1], datatype: DATATYPE[sample].code, bitpix: DATATYPE[sample].bits,
    pixdim: [1, SPACING[0], SPACING[1], SPACING[2], 1, 1, 1, 1], sformCode: 1, srow: SROW, ...over,
  };
}

/** A gzip stream of `prefix` followed by `zeros` zero bytes, compressed as it is written (never held whole). */
async function gzipWithZeros(prefix: Uint8Array, zeros: number): Promise<Uint8Array> {
  const gz = createGzip({ level: 1 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve, reject) => (gz.on('end', resolve), gz.on('error', reject)));
  gz.write(prefix);
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (let left = zeros; left > 0; left -= chunk.length) if (!gz.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return new Uint8Array(Buffer.concat(out));
}

function nrrdText(fields: Record<string, string>, magic = 'NRRD0004'): string {
  return `${magic}\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
}

const NRRD_RAS: Record<string, string> = {
  type: 'short', dimension: '3', space: 'right-anterior-superior', sizes: DIMS.join(' '),
  'space directions': '(2,0,0) (0,2,0) (0,0,3)', 'space origin': '(0,0,0)', kinds: 'domain domain domain', endian: 'little', encoding: 'raw',
};

/** DICOM slice options that put slice k of the control study on the control grid (LPS row -x, column -y). */
function slice(ct: Int16Array, k: number, over: CtSliceOptions = {}): CtSliceOptions {
  const b = Buffer.alloc(DIMS[0] * DIMS[1] * 2);
  for (let p = 0; p < DIMS[0] * DIMS[1]; p++) b.writeUInt16LE(ct[k * DIMS[0] * DIMS[1] + p] + 1024, 2 * p);
  return { rows: DIMS[1], columns: DIMS[0], iop: '-1\\0\\0\\0\\-1\\0', ipp: `0\\0\\${k * SPACING[2]}`, pixelSpacing: `${SPACING[1]}\\${SPACING[0]}`, pixelBytes: new Uint8Array(b), ...over };
}

/** An implicit VR little endian body (PS3.5 7.1.3): tag, 4-byte length, value. */
function encodeImplicit(elements: readonly RawElement[]): Uint8Array {
  return new Uint8Array(Buffer.concat(elements.flatMap((e) => {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(e.tag >>> 16, 0);
    h.writeUInt16LE(e.tag & 0xffff, 2);
    h.writeUInt32LE(e.value.length, 4);
    return [h, Buffer.from(e.value)];
  })));
}

/** An explicit VR big endian body (retired PS3.5 A.3): 16-bit values swapped. */
function encodeBigEndian(elements: readonly RawElement[]): Uint8Array {
  const swapped = elements.map((e) => (e.vr === 'US' || e.vr === 'OW' ? { ...e, value: Uint8Array.from(e.value, (_, n) => e.value[n ^ 1]) } : e));
  const le = Buffer.from(encodeExplicit(swapped));
  // Re-encode the headers big endian: tag group, element and the length fields.
  let at = 0;
  for (const e of swapped) {
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'OF'].includes(e.vr);
    le.writeUInt16BE(e.tag >>> 16, at);
    le.writeUInt16BE(e.tag & 0xffff, at + 2);
    if (long) le.writeUInt32BE(e.value.length, at + 8);
    else le.writeUInt16BE(e.value.length, at + 6);
    at += (long ? 12 : 8) + e.value.length;
  }
  return new Uint8Array(le);
}

export async function generateCorpus(dir: string, options: GenerateOptions = {}): Promise<Corpus> {
  const bombBytes = options.bombBytes ?? 1024 ** 3;
  const cases: CorpusCase[] = [];
  const ct = controlHu();
  const masks = controlMasks();
  const write = async (rel: string, bytes: Uint8Array | string): Promise<string> => {
    const path = join(dir, rel);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
    return path;
  };
  const add = (c: CorpusCase) => void cases.push(c);

  // ---- the control study ----------------------------------------------------------------------------------
  const control: ControlStudy = {
    ct: await write('control/ct.nii.gz', gzipSync(nifti1(header(), samples(ct, 'int16')))),
    masks: await write('control/masks.nii.gz', gzipSync(nifti1(header({}, 'uint8'), masks))),
    labelMap: await write('control/labels.json', JSON.stringify({ 1: 'liver', 2: 'spleen' })),
    dims: DIMS,
    huRange: [-100, 99],
    labels: truthOf(ct, masks),
  };
  const ok = (family: CorpusCase['family'], id: string, path: string, role: CorpusCase['role'] = 'ct', extra: Partial<CorpusCase> = {}) =>
    add({ id: `${family}/${id}`, family, role, path, expect: 'ok', controlTruth: true, ...extra });
  const bad = (family: CorpusCase['family'], id: string, path: string, codes: readonly ErrorCode[], role: CorpusCase['role'] = 'ct', extra: Partial<CorpusCase> = {}) =>
    add({ id: `${family}/${id}`, family, role, path, expect: codes, ...extra });
  const gridElsewhere = (info: Outcome = 'ok'): Record<Command, Outcome> => ({ info, measure: ['GCT_VOLUME_GRID_MISMATCH'], report: ['GCT_VOLUME_GRID_MISMATCH'] });

  // ---- NIfTI ----------------------------------------------------------------------------------------------
  const nii = (name: string, bytes: Uint8Array | string) => write(`nifti/${name}`, bytes);
  const base = samples(ct, 'int16');
  ok('nifti', 'control', control.ct);
  ok('nifti', 'uncompressed', await nii('plain.nii', nifti1(header(), base)));
  ok('nifti', 'big-endian', await nii('be.nii', nifti1(header(), samples(ct, 'int16', false), false)));
  ok('nifti', 'nifti2', await nii('n2.nii', nifti2(header(), base)));
  ok('nifti', 'nifti2-gz', await nii('n2.nii.gz', gzipSync(nifti2(header(), base))));
  ok('nifti', 'nifti2-big-endian', await nii('n2be.nii', nifti2(header(), samples(ct, 'int16', false), false)));
  ok('nifti', 'qform-only', await nii('qform.nii', nifti1(header({ sformCode: 0, qformCode: 1, srow: new Array(12).fill(0) }), base)));
  ok('nifti', 'no-sform-no-qform', await nii('pixdim.nii', nifti1(header({ sformCode: 0, qformCode: 0 }), base)));
  for (const s of ['int8', 'int32', 'float32', 'float64'] as const) ok('nifti', `type-${s}`, await nii(`t-${s}.nii`, nifti1(header({}, s), samples(ct, s))));
  ok('nifti', 'uint8-scaled', await nii('u8.nii', nifti1(header({ slope: 1, inter: -100 }, 'uint8'), samples(Array.from(ct, (v) => v + 100), 'uint8'))));
  ok('nifti', 'uint16-scaled', await nii('u16.nii', nifti1(header({ slope: 0.5, inter: -100 }, 'uint16'), samples(Array.from(ct, (v) => 2 * (v + 100)), 'uint16'))));
  ok('nifti', 'scl-slope-nan-means-none', await nii('slope-nan.nii', nifti1(header({ slope: NaN, inter: 5 }), base)));
  ok('nifti', 'vox-offset-zero', await nii('vox0.nii', nifti1(header({ voxOffset: 0 }), base)));
  ok('nifti', 'four-d-of-one', await nii('t1.nii', nifti1(header({ dim: [4, ...DIMS, 1, 1, 1, 1] }), base)));
  ok('nifti', 'multi-member-gzip', await nii('multi.nii.gz', (() => {
    const raw = nifti1(header(), base);
    return new Uint8Array(Buffer.concat([gzipSync(raw.subarray(0, 500)), gzipSync(raw.subarray(500))]));
  })()));
  {
    // An extension block between the header and vox_offset (nifti1.h "extension"), 16 bytes.
    const raw = nifti1(header({ voxOffset: 368 }), base);
    raw.set([1, 0, 0, 0, 16, 0, 0, 0, 40, 0, 0, 0], 348);
    ok('nifti', 'with-extension', await nii('ext.nii', raw));
  }
  ok('nifti', 'units-metre', await nii('metre.nii', nifti1(header({ xyztUnits: 1 }), base)), 'ct', { controlTruth: false, expect: gridElsewhere() });
  ok('nifti', 'nrrd-content-named-nii', await nii('really-nrrd.nii', new Uint8Array(Buffer.concat([Buffer.from(nrrdText(NRRD_RAS)), Buffer.from(base)]))));

  bad('nifti', 'empty-file', await nii('empty.nii', new Uint8Array(0)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'header-100-bytes', await nii('short.nii', nifti1(header(), base).subarray(0, 100)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'header-347-bytes', await nii('short347.nii', nifti1(header(), base).subarray(0, 347)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'sizeof-hdr-wrong', await nii('sizeof.nii', (() => { const b = nifti1(header(), base); new DataView(b.buffer).setInt32(0, 349, true); return b; })()), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'magic-wrong', await nii('magic.nii', nifti1(header({ magic: 'xyz\0' }), base)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'pair-header-ni1', await nii('pair.nii', nifti1(header({ magic: 'ni1\0' }), base)), ['GCT_VOLUME_HEADER_INVALID']);
  for (const [name, dim] of [['dim0-zero', [0, ...DIMS, 1, 1, 1, 1]], ['dim0-eight', [8, ...DIMS, 1, 1, 1, 1]], ['dim-zero', [3, 12, 0, 6, 1, 1, 1, 1]], ['dim-negative', [3, 12, -10, 6, 1, 1, 1, 1]]] as const)
    bad('nifti', name, await nii(`${name}.nii`, nifti1(header({ dim: [...dim] }), base)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'four-d-five-volumes', await nii('t5.nii', nifti1(header({ dim: [4, ...DIMS, 5, 1, 1, 1] }), new Uint8Array(base.length * 5))), ['GCT_VOLUME_NOT_3D']);
  bad('nifti', 'two-d', await nii('2d.nii', nifti1(header({ dim: [2, 12, 10, 1, 1, 1, 1, 1] }), base.subarray(0, 240))), ['GCT_VOLUME_NOT_3D']);
  for (const [name, code, bits] of [['complex64', 32, 64], ['rgb24', 128, 24], ['datatype-zero', 0, 16], ['datatype-9999', 9999, 16], ['binary', 1, 1], ['float128', 1536, 128]] as const)
    bad('nifti', `type-${name}`, await nii(`t-${name}.nii`, nifti1(header({ datatype: code, bitpix: bits }), new Uint8Array(N * 16))), ['GCT_VOLUME_DATATYPE_UNSUPPORTED']);
  bad('nifti', 'int64-beyond-2^53', await nii('i64.nii', (() => {
    const payload = new Uint8Array(N * 8);
    new DataView(payload.buffer).setBigInt64(0, 2n ** 60n, true);
    return nifti1(header({ datatype: 1024, bitpix: 64 }), payload);
  })()), ['GCT_VOLUME_DATATYPE_UNSUPPORTED']);
  bad('nifti', 'data-short-by-one-byte', await nii('short-data.nii', nifti1(header(), base).subarray(0, 352 + base.length - 1)), ['GCT_VOLUME_TRUNCATED']);
  bad('nifti', 'header-only', await nii('header-only.nii', nifti1(header(), new Uint8Array(0))), ['GCT_VOLUME_TRUNCATED']);
  bad('nifti', 'gz-data-short', await nii('short-data.nii.gz', gzipSync(nifti1(header(), base).subarray(0, 1000))), ['GCT_VOLUME_TRUNCATED']);
  bad('nifti', 'vox-offset-negative', await nii('vox-neg.nii', nifti1(header({ voxOffset: -352 }), base)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'vox-offset-fraction', await nii('vox-frac.nii', (() => { const b = nifti1(header(), base); new DataView(b.buffer).setFloat32(108, 352.5, true); return b; })()), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'vox-offset-past-end', await nii('vox-far.nii', (() => { const b = nifti1(header(), base); new DataView(b.buffer).setFloat32(108, 1e9, true); return b; })()), ['GCT_VOLUME_TRUNCATED']);
  bad('nifti', 'declares-1e9-voxels', await nii('huge.nii', nifti1(header({ dim: [3, 1000, 1000, 1000, 1, 1, 1, 1] }), new Uint8Array(0))), ['GCT_VOLUME_TOO_LARGE']);
  bad('nifti', 'declares-1e9-voxels-gz', await nii('huge.nii.gz', await gzipWithZeros(nifti1(header({ dim: [3, 1000, 1000, 1000, 1, 1, 1, 1] }, 'uint8'), new Uint8Array(0)), 64 * 1024 * 1024)), ['GCT_VOLUME_TOO_LARGE'], 'ct', { memory: { declaredBytes: 352 } });
  bad('nifti', 'nifti2-declares-2^40-voxels', await nii('huge2.nii', nifti2(header({ dim: [3, 2 ** 20, 2 ** 20, 1, 1, 1, 1, 1] }), new Uint8Array(0))), ['GCT_VOLUME_TOO_LARGE']);
  bad('nifti', 'gzip-bomb', await nii('bomb.nii.gz', await gzipWithZeros(nifti1(header(), base), bombBytes)), ['GCT_VOLUME_DECOMPRESSED_MISMATCH'], 'ct', { memory: { declaredBytes: 352 + base.length } });
  bad('nifti', 'gzip-corrupt', await nii('corrupt.nii.gz', (() => { const g = gzipSync(nifti1(header(), base)); g.fill(0x55, 40, 60); return g; })()), ['GCT_VOLUME_GZIP_INVALID']);
  bad('nifti', 'gzip-truncated', await nii('trunc.nii.gz', gzipSync(nifti1(header(), base)).subarray(0, 300)), ['GCT_VOLUME_GZIP_INVALID', 'GCT_VOLUME_TRUNCATED']);
  bad('nifti', 'gzip-trailing-garbage', await nii('trailing.nii.gz', new Uint8Array(Buffer.concat([gzipSync(nifti1(header(), base)), Buffer.from('garbage after the stream')]))), ['GCT_VOLUME_GZIP_INVALID']);
  bad('nifti', 'gzip-of-text', await nii('text.nii.gz', gzipSync(Buffer.from('this is not an image at all, just words '.repeat(20)))), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'html-named-nii-gz', await nii('page.nii.gz', '<!DOCTYPE html><html><body>404 Not Found</body></html>'.repeat(10)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nifti', 'random-bytes', await nii('random.nii', Uint8Array.from({ length: 4000 }, (_, n) => (n * 2654435761) >>> 24)), ['GCT_VOLUME_HEADER_INVALID']);
  const withValue = (sample: 'float32' | 'float64', at: number, value: number) => {
    const values = Float64Array.from(ct);
    values[at] = value;
    return nifti1(header({}, sample), samples(values, sample));
  };
  bad('nifti', 'float32-nan', await nii('nan.nii', withValue('float32', idx(3, 4, 2), NaN)), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nifti', 'float32-inf', await nii('inf.nii', withValue('float32', idx(0, 0, 0), Infinity)), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nifti', 'float32-minus-inf', await nii('minf.nii', withValue('float32', idx(11, 9, 5), -Infinity)), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nifti', 'float64-nan', await nii('nan64.nii.gz', gzipSync(withValue('float64', 17, NaN))), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nifti', 'scl-slope-1e38', await nii('slope-huge.nii', nifti1(header({ slope: 1e38, inter: 0 }), base)), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nifti', 'scl-inter-inf', await nii('inter-inf.nii', nifti1(header({ slope: 2, inter: Infinity }), base)), ['GCT_VOLUME_HEADER_INVALID']);
  for (const [name, srow] of [['sform-singular', new Array(12).fill(0)], ['sform-nan', [NaN, ...SROW.slice(1)]], ['sform-inf', [...SROW.slice(0, 5), Infinity, ...SROW.slice(6)]]] as const)
    bad('nifti', name, await nii(`${name}.nii`, nifti1(header({ srow: [...srow] }), base)), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nifti', 'qform-quaternion-too-long', await nii('quat.nii', nifti1(header({ sformCode: 0, qformCode: 1, quatern: [0.9, 0.9, 0.9] }), base)), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nifti', 'qform-negative-pixdim', await nii('qneg.nii', nifti1(header({ sformCode: 0, qformCode: 1, pixdim: [1, -2, 2, 3, 1, 1, 1, 1] }), base)), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nifti', 'pixdim-zero', await nii('pix0.nii', nifti1(header({ sformCode: 0, qformCode: 0, pixdim: [1, 0, 2, 3, 1, 1, 1, 1] }), base)), ['GCT_VOLUME_AFFINE_INVALID']);

  // ---- NRRD -----------------------------------------------------------------------------------------------
  const nrrd = (name: string, fields: Record<string, string>, payload: Uint8Array | string = base, magic?: string) =>
    write(`nrrd/${name}`, new Uint8Array(Buffer.concat([Buffer.from(nrrdText(fields, magic), 'latin1'), Buffer.from(payload)])));
  ok('nrrd', 'raw', await nrrd('raw.nrrd', NRRD_RAS));
  ok('nrrd', 'gzip', await nrrd('gzip.nrrd', { ...NRRD_RAS, encoding: 'gzip' }, gzipSync(base)));
  ok('nrrd', 'big-endian', await nrrd('be.nrrd', { ...NRRD_RAS, endian: 'big' }, samples(ct, 'int16', false)));
  ok('nrrd', 'float', await nrrd('float.nrrd', { ...NRRD_RAS, type: 'float' }, samples(ct, 'float32')));
  ok('nrrd', 'list-axis-of-one', await nrrd('list.nrrd', { ...NRRD_RAS, dimension: '4', sizes: `1 ${DIMS.join(' ')}`, 'space directions': 'none (2,0,0) (0,2,0) (0,0,3)', kinds: 'list domain domain domain' }));
  {
    await write('nrrd/detached.raw', base);
    ok('nrrd', 'detached-header', await write('nrrd/detached.nhdr', nrrdText({ ...NRRD_RAS, 'data file': 'detached.raw' })));
    await write('nrrd/detached.raw.gz', gzipSync(base));
    ok('nrrd', 'detached-gzip', await write('nrrd/detached-gz.nhdr', nrrdText({ ...NRRD_RAS, encoding: 'gzip', 'data file': 'detached.raw.gz' })));
  }
  ok('nrrd', 'lps-space', await nrrd('lps.nrrd', { ...NRRD_RAS, space: 'left-posterior-superior' }), 'ct', { controlTruth: false, expect: gridElsewhere() });
  bad('nrrd', 'magic-nrrd0009', await nrrd('magic.nrrd', NRRD_RAS, base, 'NRRD0009'), ['GCT_VOLUME_HEADER_INVALID']);
  for (const field of ['type', 'sizes', 'dimension', 'encoding']) {
    const { [field]: _dropped, ...rest } = NRRD_RAS;
    bad('nrrd', `missing-${field}`, await nrrd(`no-${field}.nrrd`, rest), ['GCT_VOLUME_HEADER_INVALID']);
  }
  bad('nrrd', 'sizes-count-mismatch', await nrrd('sizes-count.nrrd', { ...NRRD_RAS, sizes: '12 10' }), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'sizes-zero', await nrrd('sizes-zero.nrrd', { ...NRRD_RAS, sizes: '12 0 6' }), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'sizes-huge', await nrrd('sizes-huge.nrrd', { ...NRRD_RAS, sizes: '100000 100000 100000' }), ['GCT_VOLUME_TOO_LARGE']);
  bad('nrrd', 'sizes-1e300', await nrrd('sizes-1e300.nrrd', { ...NRRD_RAS, sizes: '1e300 10 6' }), ['GCT_VOLUME_TOO_LARGE', 'GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'type-block', await nrrd('block.nrrd', { ...NRRD_RAS, type: 'block', blocksize: '4' }), ['GCT_VOLUME_DATATYPE_UNSUPPORTED']);
  for (const encoding of ['bzip2', 'ascii', 'hex'])
    bad('nrrd', `encoding-${encoding}`, await nrrd(`enc-${encoding}.nrrd`, { ...NRRD_RAS, encoding }), ['GCT_VOLUME_ENCODING_UNSUPPORTED']);
  bad('nrrd', 'space-unknown', await nrrd('space.nrrd', { ...NRRD_RAS, space: 'scanner-xyz' }), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'direction-malformed', await nrrd('dir-bad.nrrd', { ...NRRD_RAS, 'space directions': '(2,0) (0,2,0) (0,0,3)' }), ['GCT_VOLUME_AFFINE_INVALID', 'GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'direction-nan', await nrrd('dir-nan.nrrd', { ...NRRD_RAS, 'space directions': '(nan,0,0) (0,2,0) (0,0,3)' }), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nrrd', 'direction-singular', await nrrd('dir-sing.nrrd', { ...NRRD_RAS, 'space directions': '(2,0,0) (2,0,0) (0,0,3)' }), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nrrd', 'origin-inf', await nrrd('origin-inf.nrrd', { ...NRRD_RAS, 'space origin': '(inf,0,0)' }), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('nrrd', 'endian-middle', await nrrd('endian.nrrd', { ...NRRD_RAS, endian: 'middle' }), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'line-skip-past-end', await nrrd('lineskip.nrrd', { ...NRRD_RAS, 'line skip': '100000' }), ['GCT_VOLUME_TRUNCATED']);
  bad('nrrd', 'byte-skip-with-gzip', await nrrd('byteskip-gz.nrrd', { ...NRRD_RAS, encoding: 'gzip', 'byte skip': '10' }, gzipSync(base)), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'raw-truncated', await nrrd('trunc.nrrd', NRRD_RAS, base.subarray(0, 100)), ['GCT_VOLUME_TRUNCATED']);
  bad('nrrd', 'gzip-corrupt', await nrrd('gz-corrupt.nrrd', { ...NRRD_RAS, encoding: 'gzip' }, (() => { const g = gzipSync(base); g.fill(0x33, 20, 40); return g; })()), ['GCT_VOLUME_GZIP_INVALID']);
  bad('nrrd', 'gzip-bomb', await nrrd('gz-bomb.nrrd', { ...NRRD_RAS, encoding: 'gzip' }, await gzipWithZeros(base, bombBytes)), ['GCT_VOLUME_DECOMPRESSED_MISMATCH'], 'ct', { memory: { declaredBytes: base.length } });
  bad('nrrd', 'float-nan', await nrrd('nan.nrrd', { ...NRRD_RAS, type: 'float' }, samples(Float64Array.from(ct, (v, n) => (n === 77 ? NaN : v)), 'float32')), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('nrrd', 'no-blank-line', await write('nrrd/endless.nrrd', `NRRD0004\n${'# comment line\n'.repeat(80_000)}`), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'garbage-header-line', await write('nrrd/garbage.nrrd', `NRRD0004\n\u0001\u0002binary junk here\n\n`), ['GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'rgb-components', await nrrd('rgb.nrrd', { ...NRRD_RAS, type: 'uchar', dimension: '4', sizes: `3 ${DIMS.join(' ')}`, 'space directions': 'none (2,0,0) (0,2,0) (0,0,3)', kinds: 'RGB-color domain domain domain' }, new Uint8Array(N * 3)), ['GCT_VOLUME_NOT_3D']);
  bad('nrrd', 'two-d', await nrrd('2d.nrrd', { ...NRRD_RAS, dimension: '2', sizes: '12 10', 'space directions': '(2,0,0) (0,2,0)' }), ['GCT_VOLUME_NOT_3D', 'GCT_VOLUME_HEADER_INVALID']);
  bad('nrrd', 'data-file-missing', await write('nrrd/lost.nhdr', nrrdText({ ...NRRD_RAS, 'data file': 'nowhere.raw' })), ['GCT_VOLUME_NOT_FOUND']);
  bad('nrrd', 'data-file-dev-zero', await write('nrrd/devzero.nhdr', nrrdText({ ...NRRD_RAS, 'data file': '/dev/zero' })), ['GCT_VOLUME_NOT_READABLE']);
  bad('nrrd', 'data-file-folder', await write('nrrd/folder.nhdr', nrrdText({ ...NRRD_RAS, 'data file': '.' })), ['GCT_VOLUME_NOT_READABLE']);
  bad('nrrd', 'data-file-list', await write('nrrd/list.nhdr', nrrdText({ ...NRRD_RAS, 'data file': 'LIST' })), ['GCT_VOLUME_HEADER_INVALID']);
  {
    execFileSync('mkfifo', [join(dir, 'nrrd', 'pipe.raw')]);
    bad('nrrd', 'data-file-pipe', await write('nrrd/pipe.nhdr', nrrdText({ ...NRRD_RAS, 'data file': 'pipe.raw' })), ['GCT_VOLUME_NOT_READABLE']);
  }

  // ---- DICOM series on the control grid ---------------------------------------------------------------------
  const series = async (name: string, files: Record<string, Uint8Array | string>) => {
    for (const [f, bytes] of Object.entries(files)) await write(`dicom/${name}/${f}`, bytes);
    return join(dir, 'dicom', name);
  };
  const slices = (over: (k: number) => CtSliceOptions = () => ({}), ts: string = TS.explicit, count = DIMS[2]) =>
    Object.fromEntries(Array.from({ length: count }, (_, k) => [`IM${String(k + 1).padStart(4, '0')}.dcm`, ctSlice(slice(ct, k, over(k)), ts)]));
  const body = (k: number, encode: (e: readonly RawElement[]) => Uint8Array, ts: string) => part10(ts, CT_IMAGE_STORAGE, encode(ctSliceElements(slice(ct, k))));
  ok('dicom', 'explicit-little', await series('explicit', slices()));
  ok('dicom', 'implicit-little', await series('implicit', Object.fromEntries(Array.from({ length: DIMS[2] }, (_, k) => [`${k}.dcm`, body(k, encodeImplicit, TS.implicit)]))));
  ok('dicom', 'explicit-big', await series('big', Object.fromEntries(Array.from({ length: DIMS[2] }, (_, k) => [`${k}.dcm`, body(k, encodeBigEndian, TS.bigEndian)]))));
  ok('dicom', 'deflated', await series('deflated', slices(() => ({}), TS.deflated)));
  ok('dicom', 'shuffled-names-and-junk', await series('shuffled', {
    ...Object.fromEntries(Object.values(slices()).map((b, k) => [`z${(k * 7919) % 97}`, b])),
    README: 'exported by a PACS', DICOMDIR: new Uint8Array(600),
  }));
  ok('dicom', 'single-slice-file', join(await series('single', { 'one.dcm': ctSlice(slice(ct, 0)) }), 'one.dcm'), 'ct', { controlTruth: false, expect: gridElsewhere() });
  bad('dicom', 'empty-folder', await (async () => { await mkdir(join(dir, 'dicom', 'empty'), { recursive: true }); return join(dir, 'dicom', 'empty'); })(), ['GCT_DICOM_NO_IMAGES']);
  bad('dicom', 'no-dicom-files', await series('nodicom', { 'a.txt': 'hello', 'b.bin': new Uint8Array(200) }), ['GCT_DICOM_NO_IMAGES']);
  bad('dicom', 'modality-mr', await series('mr', slices(() => ({ modality: 'MR' }))), ['GCT_DICOM_NOT_CT']);
  bad('dicom', 'no-pixel-data', await series('nopixels', slices(() => ({ omit: [0x7fe00010] }))), ['GCT_DICOM_NOT_CT']);
  bad('dicom', 'two-series', await series('two', { ...slices(), ...Object.fromEntries(Object.entries(slices(() => ({ seriesUid: '2.25.999', seriesDescription: 'PATIENT^JOHN DOE' }))).map(([f, b]) => [`b-${f}`, b])) }), ['GCT_DICOM_MULTIPLE_SERIES']);
  bad('dicom', 'slice-missing', await series('gap', Object.fromEntries(Object.entries(slices()).filter((_, k) => k !== 3))), ['GCT_DICOM_SLICE_GAP']);
  bad('dicom', 'duplicate-position', await series('dup', slices((k) => ({ ipp: `0\\0\\${Math.min(k, 4) * 3}` }))), ['GCT_DICOM_SLICE_GAP']);
  bad('dicom', 'mixed-sizes', await series('mixed', { ...slices(), 'x.dcm': ctSlice({ ...slice(ct, 0), rows: 4, columns: 4, pixelBytes: new Uint8Array(32), ipp: '0\\0\\18' }) }), ['GCT_DICOM_INCONSISTENT']);
  bad('dicom', 'bits-allocated-12', await series('bits12', slices(() => ({ bitsAllocated: 12 }))), ['GCT_VOLUME_DATATYPE_UNSUPPORTED', 'GCT_DICOM_INCONSISTENT']);
  bad('dicom', 'bits-allocated-32', await series('bits32', slices(() => ({ bitsAllocated: 32 }))), ['GCT_VOLUME_DATATYPE_UNSUPPORTED', 'GCT_VOLUME_TRUNCATED']);
  bad('dicom', 'pixel-data-truncated', await series('pixtrunc', slices((k) => ({ pixelBytes: slice(ct, k).pixelBytes!.subarray(0, 100) }))), ['GCT_VOLUME_TRUNCATED']);
  bad('dicom', 'rows-zero', await series('rows0', slices(() => ({ rows: 0 }))), ['GCT_VOLUME_HEADER_INVALID']);
  bad('dicom', 'rows-columns-65535', await series('huge', slices(() => ({ rows: 65535, columns: 65535 }))), ['GCT_VOLUME_TOO_LARGE']);
  bad('dicom', 'iop-missing', await series('noiop', slices(() => ({ omit: [0x00200037] }))), ['GCT_DICOM_INCONSISTENT', 'GCT_VOLUME_AFFINE_INVALID']);
  bad('dicom', 'iop-not-orthogonal', await series('iopbad', slices(() => ({ iop: '1\\0\\0\\1\\0\\0' }))), ['GCT_VOLUME_AFFINE_INVALID']);
  bad('dicom', 'ipp-nan', await series('ippnan', slices(() => ({ ipp: 'NaN\\0\\0' }))), ['GCT_DICOM_INCONSISTENT']);
  bad('dicom', 'pixel-spacing-zero', await series('ps0', slices(() => ({ pixelSpacing: '0\\0' }))), ['GCT_VOLUME_AFFINE_INVALID', 'GCT_DICOM_INCONSISTENT']);
  bad('dicom', 'rescale-slope-text', await series('slope-text', slices(() => ({ slope: 'abc' }))), ['GCT_VOLUME_HEADER_INVALID']);
  bad('dicom', 'rescale-slope-1e38', await series('slope-huge', slices(() => ({ slope: '1e38' }))), ['GCT_VOLUME_VALUES_NOT_FINITE']);
  bad('dicom', 'number-of-frames-2', await series('frames2', slices(() => ({ extra: [str(0x00280008, 'IS', '2')] }))), ['GCT_DICOM_MULTIFRAME_UNSUPPORTED']);
  for (const [name, ts] of [['jpeg-baseline', TS.jpegBaseline], ['rle', TS.rle], ['unknown-uid', '1.2.3.4.5']] as const)
    bad('dicom', `transfer-syntax-${name}`, await series(`ts-${name}`, slices(() => ({}), ts)), ['GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED']);
  bad('dicom', 'deflate-bomb', await series('deflate-bomb', { 'bomb.dcm': await deflateBomb(Math.min(bombBytes, 4 * 1024 ** 3 - 1), slice(ct, 0)) }), ['GCT_VOLUME_DECOMPRESSED_MISMATCH'], 'ct', { memory: { declaredBytes: N * 2 } });
  bad('dicom', 'deflate-header-bomb', await series('header-bomb', { 'bomb.dcm': await deflateBomb(128 * 1024 * 1024, { omit: [0x7fe00010, 0x00280010, 0x00280011] }) }), ['GCT_VOLUME_TOO_LARGE'], 'ct', { memory: { declaredBytes: 64 * 1024 * 1024 } });
  bad('dicom', 'deflate-corrupt', await series('deflate-corrupt', (() => { const f = slices(() => ({}), TS.deflated); const b = f['IM0003.dcm']; b.fill(0xff, b.length - 150, b.length - 60); return f; })()), ['GCT_DICOM_DECODE_FAILED', 'GCT_VOLUME_HEADER_INVALID']);
  bad('dicom', 'deflate-truncated', await series('deflate-trunc', (() => { const f = slices(() => ({}), TS.deflated); f['IM0002.dcm'] = f['IM0002.dcm'].subarray(0, f['IM0002.dcm'].length - 40); return f; })()), ['GCT_DICOM_DECODE_FAILED']);
  bad('dicom', 'dicm-without-meta', await series('nometa', { 'a.dcm': (() => { const b = new Uint8Array(400); b.set([0x44, 0x49, 0x43, 0x4d], 128); b.fill(0xee, 132); return b; })() }), ['GCT_VOLUME_HEADER_INVALID']);
  bad('dicom', 'element-length-past-end', await series('longlen', { 'a.dcm': part10(TS.explicit, CT_IMAGE_STORAGE, encodeExplicit([{ ...str(0x00080060, 'CS', 'CT'), lengthField: 60000 }])) }), ['GCT_VOLUME_HEADER_INVALID', 'GCT_DICOM_NO_IMAGES', 'GCT_DICOM_NOT_CT']);
  {
    // 20 000 nested sequences: a parser that recurses without a bound overflows its stack.
    let nested: RawElement = str(0x00100010, 'PN', 'x');
    for (let d = 0; d < 20_000; d++) nested = sq(0x00081140, [[nested]]);
    bad('dicom', 'nested-sequences-20000', await series('nested', { 'a.dcm': part10(TS.explicit, CT_IMAGE_STORAGE, encodeExplicit([nested, ...ctSliceElements(slice(ct, 0))])) }), ['GCT_VOLUME_HEADER_INVALID']);
  }
  bad('dicom', 'undefined-length-native-pixels', await series('undef', { 'a.dcm': part10(TS.explicit, CT_IMAGE_STORAGE, encodeExplicit(ctSliceElements({ ...slice(ct, 0), extra: [{ ...ob(0x7fe00010, new Uint8Array(16)), lengthField: 0xffffffff }] }))) }), ['GCT_VOLUME_HEADER_INVALID', 'GCT_VOLUME_TRUNCATED', 'GCT_DICOM_DECODE_FAILED']);
  bad('dicom', 'short-dcm-file', join(await series('short', { 'x.dcm': new Uint8Array(100) }), 'x.dcm'), ['GCT_DICOM_NO_IMAGES']);

  // ---- JPEG 2000 (the TotalSegmentator example series; skipped without the shared data) ---------------------
  if (HAS_SHARED_DATA) {
    const source = dataPath('totalseg', 'example_ct_dicom');
    const names = execFileSync('ls', [source]).toString().trim().split('\n').sort();
    const j2k = async (name: string, count: number, patch?: (bytes: Buffer, start: number, length: number) => Buffer) => {
      const { default: dicomParser } = await import('dicom-parser');
      for (const f of names.slice(0, count)) {
        let bytes: Buffer = await readFile(join(source, f));
        if (patch && f === names[0]) {
          const frag = dicomParser.parseDicom(new Uint8Array(bytes)).elements.x7fe00010.fragments![0];
          bytes = patch(bytes, frag.position, frag.length);
        }
        await write(`j2k/${name}/${f}`, bytes);
      }
      return join(dir, 'j2k', name);
    };
    // Three slices of it: decoding is what is checked here (the whole series with its masks is an integration test).
    add({ id: 'j2k/example-series-3-slices', family: 'j2k', role: 'ct', path: await j2k('ok', 3), expect: gridElsewhere() });
    add({ id: 'j2k/pixelrep-mismatch-file', family: 'j2k', role: 'ct', path: dataPath('pydicom', 'J2K_pixelrep_mismatch.dcm'), expect: gridElsewhere() });
    bad('j2k', 'codestream-zeroed', await j2k('zeroed', 3, (b, s) => (b.fill(0, s + 200, s + 400), b)), ['GCT_DICOM_DECODE_FAILED']);
    bad('j2k', 'codestream-garbage', await j2k('garbage', 3, (b, s, l) => (b.fill(0x41, s + 100, s + l), b)), ['GCT_DICOM_DECODE_FAILED']);
    bad('j2k', 'siz-60000-square', await j2k('siz-huge', 3, (b, s) => (b.writeUInt32BE(60000, s + 8), b.writeUInt32BE(60000, s + 12), b)), ['GCT_DICOM_DECODE_FAILED']);
    bad('j2k', 'siz-256-square', await j2k('siz-small', 3, (b, s) => (b.writeUInt32BE(256, s + 8), b.writeUInt32BE(256, s + 12), b)), ['GCT_DICOM_DECODE_FAILED']);
    bad('j2k', 'no-soc-marker', await j2k('no-soc', 3, (b, s) => (b.writeUInt16BE(0x1234, s), b)), ['GCT_DICOM_DECODE_FAILED']);
    // Bits flipped inside the code-blocks decode without complaint: JPEG 2000 has no checksum (README, "Limits").
    add({ id: 'j2k/codeblock-bits-flipped-undetectable', family: 'j2k', role: 'ct', path: await j2k('flipped', 3, (b, s, l) => { for (let n = 0; n < 50; n++) b[s + (l >> 1) + n * 37] ^= 0xff; return b; }), expect: gridElsewhere() });
  }

  // ---- DICOM SEG as masks (on the control grid) -------------------------------------------------------------
  const planes = (id: number) => Array.from({ length: DIMS[2] }, (_, k) => ({ segment: id, zMm: k * SPACING[2], bits: masks.subarray(k * DIMS[0] * DIMS[1], (k + 1) * DIMS[0] * DIMS[1]).map((v) => (v === id ? 1 : 0)) }));
  const segOk = { rows: DIMS[1], columns: DIMS[0], spacingMm: SPACING, frames: [...planes(1), ...planes(2)], segments: [{ number: 1, label: 'liver' }, { number: 2, label: 'spleen' }] };
  const seg = (name: string, bytes: Uint8Array) => write(`seg/${name}.dcm`, bytes);
  ok('seg', 'binary', await seg('ok', segFile(segOk)), 'masks');
  ok('seg', 'binary-deflated', await seg('ok-deflated', segFile(segOk, TS.deflated)), 'masks');
  bad('seg', 'no-segments', await seg('nosegs', segFile({ ...segOk, segments: [] })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'per-frame-count-mismatch', await seg('perframe', segFile({ ...segOk, dropPerFrame: 3 })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'no-orientation', await seg('noiop', segFile({ ...segOk, omit: [0x52009229] })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'frame-off-lattice', await seg('lattice', segFile({ ...segOk, frames: segOk.frames.map((f, n) => (n === 2 ? { ...f, zMm: f.zMm + 1.4 } : f)) })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'unknown-segment-reference', await seg('unknownref', segFile({ ...segOk, frames: segOk.frames.map((f, n) => (n === 0 ? { ...f, segment: 9 } : f)) })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'binary-with-8-bits', await seg('bits8', segFile({ ...segOk, bitsAllocated: 8 })), ['GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'pixel-data-truncated', await seg('trunc', segFile({ ...segOk, truncatePixelBytes: 10 })), ['GCT_VOLUME_TRUNCATED'], 'masks');
  bad('seg', 'frames-1e6-mm-apart', await seg('far', segFile({ ...segOk, frames: segOk.frames.map((f, n) => (n === 0 ? { ...f, zMm: 1e6 } : f)) })), ['GCT_VOLUME_TOO_LARGE', 'GCT_DICOM_SEG_INVALID'], 'masks');
  bad('seg', 'binary-under-a-compressed-transfer-syntax', await seg('j2k', segFile(segOk, TS.j2kLossless)), ['GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED'], 'masks');
  bad('seg', 'deflate-bomb', await seg('bomb', await deflateBombOf(segBody(segOk), SEG_STORAGE, Math.min(bombBytes, 1024 ** 3))), ['GCT_VOLUME_DECOMPRESSED_MISMATCH'], 'masks', { memory: { declaredBytes: Math.ceil((N * 2) / 8) } });

  // ---- other masks ---------------------------------------------------------------------------------------
  const maskNii = (name: string, sample: Sample, values: ArrayLike<number>, over: Partial<HeaderFields> = {}) => write(`masks/${name}.nii.gz`, gzipSync(nifti1(header(over, sample), samples(values, sample))));
  ok('masks', 'multilabel-uint8', control.masks, 'masks');
  ok('masks', 'multilabel-int16', await maskNii('int16', 'int16', masks), 'masks');
  bad('masks', 'float-probabilities', await maskNii('prob', 'float32', Array.from(masks, (v) => v * 0.5)), ['GCT_MASK_VALUES_INVALID'], 'masks');
  bad('masks', 'negative-labels', await maskNii('neg', 'int16', Array.from(masks, (v) => -v)), ['GCT_MASK_VALUES_INVALID'], 'masks');
  bad('masks', 'nan-label', await maskNii('nan', 'float32', Array.from(masks, (v, n) => (n === 5 ? NaN : v))), ['GCT_MASK_VALUES_INVALID'], 'masks');
  bad('masks', 'label-70000', await maskNii('big-id', 'int32', Array.from(masks, (v) => v * 35000)), ['GCT_MASK_VALUES_INVALID'], 'masks');
  add({ id: 'masks/grid-outside-the-ct', family: 'masks', role: 'masks', path: await maskNii('elsewhere', 'uint8', masks, { srow: [2, 0, 0, 5000, 0, 2, 0, 0, 0, 0, 3, 0] }), expect: gridElsewhere() });
  {
    const folder = join(dir, 'masks', 'per-class');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'liver.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 1 ? 1 : 0)))));
    await writeFile(join(folder, 'spleen.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 2 ? 1 : 0)))));
    ok('masks', 'per-class-folder', folder, 'masks');
    const other = join(dir, 'masks', 'per-class-grids');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'liver.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 1 ? 1 : 0)))));
    await writeFile(join(other, 'spleen.nii.gz'), gzipSync(nifti1(header({ dim: [3, 6, 5, 3, 1, 1, 1, 1] }, 'uint8'), new Uint8Array(90))));
    bad('masks', 'per-class-folder-two-grids', other, ['GCT_VOLUME_GRID_MISMATCH'], 'masks');
    const piped = join(dir, 'masks', 'per-class-pipe');
    await mkdir(piped, { recursive: true });
    await writeFile(join(piped, 'liver.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 1 ? 1 : 0)))));
    execFileSync('mkfifo', [join(piped, 'spleen.nii.gz')]);
    bad('masks', 'per-class-folder-with-pipe', piped, ['GCT_VOLUME_NOT_READABLE'], 'masks');
    const sub = join(dir, 'masks', 'per-class-subfolder');
    await mkdir(join(sub, 'spleen.nii.gz'), { recursive: true });
    await writeFile(join(sub, 'liver.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 1 ? 1 : 0)))));
    bad('masks', 'per-class-folder-with-subfolder', sub, ['GCT_VOLUME_NOT_READABLE'], 'masks');
    const locked = join(dir, 'masks', 'per-class-locked');
    await mkdir(locked, { recursive: true });
    await writeFile(join(locked, 'liver.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 1 ? 1 : 0)))));
    await writeFile(join(locked, 'spleen.nii.gz'), gzipSync(nifti1(header({}, 'uint8'), masks.map((v) => (v === 2 ? 1 : 0)))));
    await chmod(join(locked, 'spleen.nii.gz'), 0o000);
    bad('masks', 'per-class-folder-unreadable-file', locked, ['GCT_VOLUME_NOT_READABLE'], 'masks', { needsNonRoot: true });
  }

  // ---- label maps (with the control masks) -----------------------------------------------------------------
  const lm = (name: string, text: string | Uint8Array) => write(`labelmap/${name}`, text);
  ok('labelmap', 'id-to-name', control.labelMap, 'labelmap');
  ok('labelmap', 'nnunet-labels-block', await lm('nnunet.json', JSON.stringify({ name: 'x', labels: { background: 0, liver: 1, spleen: 2 } })), 'labelmap');
  ok('labelmap', 'name-to-id', await lm('name-id.json', JSON.stringify({ liver: 1, spleen: 2 })), 'labelmap');
  ok('labelmap', 'utf8-bom', await lm('bom.json', `\uFEFF${JSON.stringify({ 1: 'liver', 2: 'spleen' })}`), 'labelmap');
  ok('labelmap', 'extra-unused-ids', await lm('extra.json', JSON.stringify({ 1: 'liver', 2: 'spleen', 3: 'kidney_left' })), 'labelmap');
  for (const [name, text] of [
    ['not-json', '{"1": "liver", '], ['array', '["liver", "spleen"]'], ['id-negative', '{"-1": "liver", "2": "spleen"}'], ['id-70000', '{"70000": "liver", "2": "spleen"}'],
    ['duplicate-names', '{"1": "liver", "2": "liver"}'], ['empty-object', '{}'], ['only-background', '{"0": "background"}'], ['value-object', '{"1": {"name": "liver"}, "2": "spleen"}'],
    ['empty-name', '{"1": " ", "2": "spleen"}'], ['empty-file', ''], ['number-key-float', '{"1.5": "liver"}'],
  ] as const) bad('labelmap', name, await lm(`${name}.json`, text), ['GCT_LABELMAP_INVALID'], 'labelmap');
  bad('labelmap', 'nested-100000', await lm('deep.json', `{"1": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`), ['GCT_LABELMAP_INVALID'], 'labelmap');
  bad('labelmap', 'binary-garbage', await lm('garbage.json', Uint8Array.from({ length: 3000 }, (_, n) => (n * 131) & 0xff)), ['GCT_LABELMAP_INVALID'], 'labelmap');
  bad('labelmap', 'ids-not-in-mask', await lm('other-ids.json', JSON.stringify({ 5: 'liver', 6: 'spleen' })), ['GCT_LABELMAP_MISMATCH'], 'labelmap');
  bad('labelmap', 'one-id-unnamed', await lm('one-id.json', JSON.stringify({ 1: 'liver' })), ['GCT_LABELMAP_MISMATCH'], 'labelmap');
  bad('labelmap', 'twenty-megabytes', await lm('huge.json', `{"1": "liver", "2": "spleen", "pad": "${'x'.repeat(20 * 1024 * 1024)}"}`), ['GCT_VOLUME_TOO_LARGE'], 'labelmap');
  bad('labelmap', 'missing', join(dir, 'labelmap', 'absent.json'), ['GCT_VOLUME_NOT_FOUND'], 'labelmap');
  bad('labelmap', 'is-a-folder', await (async () => { await mkdir(join(dir, 'labelmap', 'folder.json'), { recursive: true }); return join(dir, 'labelmap', 'folder.json'); })(), ['GCT_VOLUME_NOT_READABLE'], 'labelmap');

  // ---- zips: the CLI reads no archives -----------------------------------------------------------------------
  const zip = (name: string, bytes: Uint8Array) => write(`zip/${name}.zip`, bytes);
  const seriesZip = buildZip(Object.entries(slices()).map(([f, b]) => honestEntry(`series/${f}`, b)));
  bad('zip', 'dicom-series-zip', await zip('series', seriesZip), ['GCT_VOLUME_FORMAT_UNKNOWN']);
  bad('zip', 'zip-slip', await zip('slip', buildZip([honestEntry('../../evil.dcm', new Uint8Array(10))])), ['GCT_VOLUME_FORMAT_UNKNOWN']);
  bad('zip', 'zip-bomb', await zip('bomb', buildZip([{ ...honestEntry('bomb.dcm', new Uint8Array(32 * 1024 * 1024)), uncompressedBytes: 1000 }])), ['GCT_VOLUME_FORMAT_UNKNOWN']);
  bad('zip', 'zip-named-nii-gz', await write('zip/series.nii.gz', seriesZip), ['GCT_VOLUME_HEADER_INVALID']);
  bad('zip', 'zip-as-masks', await zip('masks', buildZip([honestEntry('liver.nii.gz', gzipSync(nifti1(header({}, 'uint8'), masks)))])), ['GCT_VOLUME_FORMAT_UNKNOWN'], 'masks');
  bad('zip', 'zip-as-label-map', await zip('labels', buildZip([honestEntry('labels.json', new TextEncoder().encode('{"1":"liver"}'))])), ['GCT_LABELMAP_INVALID'], 'labelmap');

  // ---- file-system oddities --------------------------------------------------------------------------------
  await mkdir(join(dir, 'fs'), { recursive: true });
  const fsPath = (name: string) => join(dir, 'fs', name);
  execFileSync('mkfifo', [fsPath('pipe.nii.gz'), fsPath('pipe-masks.nii.gz'), fsPath('pipe.json'), fsPath('pipe.dcm')]);
  bad('fs', 'pipe-as-ct', fsPath('pipe.nii.gz'), ['GCT_VOLUME_NOT_READABLE']);
  bad('fs', 'pipe-as-dicom-file', fsPath('pipe.dcm'), ['GCT_VOLUME_NOT_READABLE']);
  bad('fs', 'pipe-as-masks', fsPath('pipe-masks.nii.gz'), ['GCT_VOLUME_NOT_READABLE'], 'masks');
  bad('fs', 'pipe-as-label-map', fsPath('pipe.json'), ['GCT_VOLUME_NOT_READABLE'], 'labelmap');
  {
    const folder = await series('with-pipe', slices());
    execFileSync('mkfifo', [join(folder, 'IM9999.dcm')]);
    ok('fs', 'pipe-inside-dicom-folder-skipped', folder);
  }
  await symlink('/dev/zero', fsPath('zero.nii'));
  await symlink('/dev/null', fsPath('null.nii.gz'));
  await symlink('/dev/urandom', fsPath('urandom.json'));
  bad('fs', 'dev-zero-as-ct', fsPath('zero.nii'), ['GCT_VOLUME_NOT_READABLE']);
  bad('fs', 'dev-null-as-ct', fsPath('null.nii.gz'), ['GCT_VOLUME_NOT_READABLE']);
  bad('fs', 'dev-urandom-as-label-map', fsPath('urandom.json'), ['GCT_VOLUME_NOT_READABLE'], 'labelmap');
  await symlink(fsPath('loop-b.nii'), fsPath('loop-a.nii'));
  await symlink(fsPath('loop-a.nii'), fsPath('loop-b.nii'));
  bad('fs', 'symlink-loop', fsPath('loop-a.nii'), ['GCT_VOLUME_NOT_READABLE']);
  await symlink(fsPath('nowhere.nii'), fsPath('dangling.nii'));
  bad('fs', 'dangling-symlink', fsPath('dangling.nii'), ['GCT_VOLUME_NOT_FOUND']);
  bad('fs', 'missing-path', fsPath('absent.nii.gz'), ['GCT_VOLUME_NOT_FOUND']);
  await writeFile(fsPath('afile'), 'x');
  bad('fs', 'path-through-a-file', join(fsPath('afile'), 'ct.nii.gz'), ['GCT_VOLUME_NOT_FOUND']);
  bad('fs', 'name-too-long', fsPath(`${'x'.repeat(300)}.nii`), ['GCT_VOLUME_NOT_READABLE']);
  await mkdir(fsPath('folder.nii.gz'));
  bad('fs', 'folder-named-like-a-file', fsPath('folder.nii.gz'), ['GCT_DICOM_NO_IMAGES']);
  {
    const locked = await write('fs/locked.nii.gz', gzipSync(nifti1(header(), base)));
    await chmod(locked, 0o000);
    bad('fs', 'unreadable-ct-file', locked, ['GCT_VOLUME_NOT_READABLE'], 'ct', { needsNonRoot: true });
    const lockedMasks = await write('fs/locked-masks.nii.gz', gzipSync(nifti1(header({}, 'uint8'), masks)));
    await chmod(lockedMasks, 0o000);
    bad('fs', 'unreadable-masks-file', lockedMasks, ['GCT_VOLUME_NOT_READABLE'], 'masks', { needsNonRoot: true });
    const lockedLm = await write('fs/locked.json', JSON.stringify({ 1: 'liver', 2: 'spleen' }));
    await chmod(lockedLm, 0o000);
    bad('fs', 'unreadable-label-map', lockedLm, ['GCT_VOLUME_NOT_READABLE'], 'labelmap', { needsNonRoot: true });
    const folder = await series('locked-folder', slices());
    await chmod(folder, 0o000);
    bad('fs', 'unreadable-dicom-folder', folder, ['GCT_VOLUME_NOT_READABLE'], 'ct', { needsNonRoot: true });
    const oneSlice = await series('locked-slice', slices());
    await chmod(join(oneSlice, 'IM0003.dcm'), 0o000);
    bad('fs', 'dicom-folder-one-unreadable-slice', oneSlice, ['GCT_VOLUME_NOT_READABLE'], 'ct', { needsNonRoot: true });
  }

  // ---- output oddities (the control study, with --out / --dicom somewhere bad) ------------------------------
  for (const [name, outputs, codes] of [
    ['out-is-an-existing-file', { out: 'existing-file' }, ['GCT_OUTPUT_NOT_WRITABLE']],
    ['out-under-a-file', { out: 'under-a-file' }, ['GCT_OUTPUT_NOT_WRITABLE']],
    ['out-in-an-unwritable-folder', { out: 'unwritable-folder' }, ['GCT_OUTPUT_NOT_WRITABLE']],
    ['dicom-is-a-non-empty-folder', { dicom: 'nonempty-folder' }, ['GCT_OUTPUT_EXISTS']],
    ['dicom-under-a-file', { dicom: 'under-a-file' }, ['GCT_OUTPUT_NOT_WRITABLE']],
  ] as const) {
    // measure writes a file: an existing file is replaced (ok); the other --out oddities fail the same way.
    const forMeasure = 'out' in outputs && outputs.out !== 'existing-file' ? codes : 'ok';
    add({ id: `output/${name}`, family: 'output', role: 'ct', path: control.ct, outputs, expect: { info: 'ok', measure: forMeasure, report: codes }, controlTruth: true, needsNonRoot: outputs.out === 'unwritable-folder' });
  }

  // ---- a memory control: an honest volume of known size, read and reported in a fresh process ----------------
  {
    const dims = [256, 256, 96] as const;
    const big = new Int16Array(dims[0] * dims[1] * dims[2]);
    for (let v = 0; v < big.length; v++) big[v] = ((v * 2654435761) >>> 20) % 400 - 200;
    const bigMasks = new Uint8Array(big.length);
    for (let v = 0; v < big.length; v++) bigMasks[v] = (v >> 14) % 3;
    const h = { ...header(), dim: [3, ...dims, 1, 1, 1, 1] };
    const path = await write('memory/ct-256x256x96.nii.gz', gzipSync(nifti1(h, samples(big, 'int16')), { level: 1 }));
    const m = await write('memory/masks-256x256x96.nii.gz', gzipSync(nifti1({ ...h, datatype: 2, bitpix: 8 }, bigMasks), { level: 1 }));
    const l = await write('memory/labels.json', JSON.stringify({ 1: 'liver', 2: 'spleen' }));
    add({ id: 'memory/honest-256x256x96', family: 'nifti', role: 'ct', path, expect: 'ok', masks: { path: m, labelMap: l }, memory: { declaredBytes: 352 * 2 + big.length * 3, allCommands: true } });
  }

  return { dir, control, cases };
}
