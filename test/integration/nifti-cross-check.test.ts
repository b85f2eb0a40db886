/**
 * Our NIfTI reader checked against an independent one, `nifti-reader-js` (NiiVue's reader), on every NIfTI file in
 * the shared data: dimensions, scaling (scl_slope / scl_inter), the voxel values after scaling, and the
 * voxel-to-world matrix.
 *
 * The two readers choose the matrix by different rules when a file has both an sform and a qform:
 * nifti-reader-js takes the qform when qform_code > 0 and sform_code < qform_code, we take the sform whenever
 * sform_code > 0 (nibabel's get_best_affine, see src/volume/readers/nifti.ts). So each file is also re-read with one
 * of its codes zeroed in a copy, which makes nifti-reader-js use the sform (resp. the qform) alone: our reader must
 * then agree with it on both matrices, and on the original file it must equal the sform whenever sform_code > 0.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { readVolume } from '../../src/volume/index.ts';
import { HAS_SHARED_DATA, NO_DATA_REASON, SHARED_DATA } from '../helpers/data.ts';

function niftiFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...niftiFiles(p));
    else if (/\.nii(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}

const FILES = HAS_SHARED_DATA ? niftiFiles(SHARED_DATA) : [];
if (!HAS_SHARED_DATA) console.warn(`[groundct tests] skipping the NIfTI cross-check: ${NO_DATA_REASON}`);

type Header = ReturnType<typeof nifti.readHeader>;

/** The raw (decompressed) bytes and nifti-reader-js's header of a file. */
async function independent(path: string): Promise<{ raw: Uint8Array; header: Header }> {
  const file = await readFile(path);
  const raw = new Uint8Array(nifti.isCompressed(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) ? gunzipSync(file) : file);
  const header = nifti.readHeader(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
  return { raw, header };
}

/** Voxel values as nifti-reader-js reads them, scaled by scl_slope / scl_inter where the slope applies. */
function independentVoxels(raw: Uint8Array, header: Header): Float64Array {
  const image = nifti.readImage(header, raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
  const ctor = ({ 2: Uint8Array, 4: Int16Array, 8: Int32Array, 16: Float32Array, 64: Float64Array, 256: Int8Array, 512: Uint16Array, 768: Uint32Array } as Record<number, new (b: ArrayBufferLike) => ArrayLike<number>>)[header.datatypeCode];
  if (!ctor) throw new Error(`datatype ${header.datatypeCode} not handled by the test`);
  if (!header.littleEndian) throw new Error('big-endian file: not handled by the test');
  const values = new ctor(image);
  const slope = header.scl_slope;
  const scaled = Number.isFinite(slope) && slope !== 0 && (slope !== 1 || header.scl_inter !== 0);
  return Float64Array.from(values, (v) => (scaled ? v * slope + header.scl_inter : v));
}

const flat = (m: number[][]) => m.flatMap((row) => row);

/** Our matrix equals `expected` to float32 precision of the header fields (relative 1e-6, absolute 1e-4 mm). */
function expectSameMatrix(ours: readonly number[], expected: number[], what: string) {
  for (let n = 0; n < 16; n++) expect(Math.abs(ours[n] - expected[n]), `${what}: element ${n} (${ours[n]} vs ${expected[n]})`).toBeLessThanOrEqual(1e-4 + 1e-6 * Math.abs(expected[n]));
}

describe.skipIf(!HAS_SHARED_DATA)('NIfTI reader vs nifti-reader-js on every NIfTI in the shared data', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gct-nifti-xcheck-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the shared NIfTI files (the TotalSegmentator masks, CTs, IBSI, STS, chest)', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(FILES.map((f) => [relative(SHARED_DATA, f), f]))('%s: dims, scaling, voxels and matrix agree', async (_name, path) => {
    const { raw, header } = await independent(path);
    const ours = await readVolume(path, defaultConfig().volume);

    expect([...ours.grid.dims]).toEqual(header.dims.slice(1, 4).map((d, i) => (i < header.dims[0] ? d : 1)));
    const slope = header.scl_slope;
    const scaled = Number.isFinite(slope) && slope !== 0 && (slope !== 1 || header.scl_inter !== 0);
    expect(ours.meta.rescale ?? null).toEqual(scaled ? { slope, intercept: header.scl_inter } : null);

    const theirs = independentVoxels(raw, header);
    const n = ours.grid.dims[0] * ours.grid.dims[1] * ours.grid.dims[2];
    expect(ours.data.length).toBe(n);
    let differing = 0;
    for (let i = 0; i < n; i++) if (Math.abs(ours.data[i] - theirs[i]) > 1e-6 * Math.max(1, Math.abs(theirs[i]))) differing++;
    expect(differing).toBe(0);

    // The matrix: ours must be the sform when sform_code > 0, else the qform, else diag(pixdim).
    const qOnly = new Uint8Array(raw);
    const sOnly = new Uint8Array(raw);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const codesAt = header.littleEndian !== undefined && raw.length >= 348 && view(raw).getInt32(0, true) === 348 ? { q: 252, s: 254 } : null;
    if (codesAt === null) return; // NIfTI-2 (540-byte header): none in the shared data; the codes sit elsewhere
    view(qOnly).setInt16(codesAt.s, 0, true);
    view(sOnly).setInt16(codesAt.q, 0, true);
    const theirsOf = (b: Uint8Array) => flat(nifti.readHeader(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer).affine);
    const readOurs = async (b: Uint8Array, name: string) => {
      const p = join(dir, `${name}-${relative(SHARED_DATA, path).replace(/[^A-Za-z0-9.]+/g, '_')}`.replace(/\.gz$/, ''));
      await writeFile(p, b);
      try {
        return (await readVolume(p, defaultConfig().volume)).grid.ijkToRas;
      } finally {
        await rm(p, { force: true });
      }
    };
    if (header.sform_code > 0) {
      const sform = theirsOf(sOnly);
      expectSameMatrix(ours.grid.ijkToRas, sform, 'original file vs its sform');
      expectSameMatrix(await readOurs(sOnly, 'sform'), sform, 'sform-only copy');
    }
    if (header.qform_code > 0) expectSameMatrix(await readOurs(qOnly, 'qform'), theirsOf(qOnly), 'qform-only copy');
    if (header.sform_code <= 0 && header.qform_code <= 0) expectSameMatrix(ours.grid.ijkToRas, flat(header.affine), 'no transform: diag(pixdim)');
  });

  it('applies scl_slope / scl_inter as nifti-reader-js does (a copy of a shared CT given a slope and an intercept)', async () => {
    const path = FILES.find((f) => f.endsWith('totalseg/example_ct_sm.nii.gz'))!;
    const { raw } = await independent(path);
    const copy = new Uint8Array(raw);
    const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
    view.setFloat32(112, 0.5, true); // scl_slope
    view.setFloat32(116, -100, true); // scl_inter
    const header = nifti.readHeader(copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength) as ArrayBuffer);
    const p = join(dir, 'scaled.nii');
    await writeFile(p, copy);
    const ours = await readVolume(p, defaultConfig().volume);
    expect(ours.meta.rescale).toEqual({ slope: 0.5, intercept: -100 });
    const theirs = independentVoxels(copy, header);
    let differing = 0;
    for (let i = 0; i < theirs.length; i++) if (Math.abs(ours.data[i] - theirs[i]) > 1e-9) differing++;
    expect(differing).toBe(0);
    expect(Math.min(...theirs.subarray(0, 1000))).toBeLessThan(-100); // the scaling did change the values
  });
});
