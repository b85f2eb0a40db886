import { mkdtemp, readdir, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Grid, type Mat3, type Vec3 } from '../geometry.ts';
import { TRANSFER_SYNTAX } from './dicom-pixels.ts';
import { readDicomSeries } from './dicom-series.ts';
import { ds, newUid, writeDicomSeries } from './dicom-write.ts';

const LIMITS = { maxDecompressedBytes: 1e9, maxVoxels: 1e8, sliceSpacingTolerance: 0.1 };
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gct-dicom-write-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Deterministic integer HU in [-1024, 3071] (an LCG), with both extremes present. */
function phantomHu(n: number, seed = 7): Int16Array {
  const out = new Int16Array(n);
  let s = seed;
  for (let p = 0; p < n; p++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[p] = -1024 + (s % 4096);
  }
  out[0] = -1024;
  out[n - 1] = 3071;
  return out;
}

function grid(dims: [number, number, number], direction: Mat3, spacingMm: Vec3, origin: Vec3): Grid {
  return { dims, ijkToRas: makeIjkToRas({ direction, spacingMm, originRas: rasPoint(...origin) }) };
}

/** Rodrigues rotation about a unit axis (right-handed, so det = +1). */
function rotation(axis: Vec3, angleDeg: number): Mat3 {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n);
  const a = (angleDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, n) => Math.abs(v - b[n])));
}

let counter = 0;
async function roundTrip(g: Grid, options: Parameters<typeof writeDicomSeries>[2] = {}) {
  const data = phantomHu(g.dims[0] * g.dims[1] * g.dims[2], ++counter);
  const folder = join(root, `series-${counter}`);
  const paths = await writeDicomSeries({ grid: g, data }, folder, options);
  const back = await readDicomSeries(folder, LIMITS);
  return { data, paths, back, folder };
}

// An LPS-stored axial series as scanners write it: i toward patient left (RAS -x), j toward posterior (-y).
const AXIAL_LPS = grid([7, 5, 4], [-1, 0, 0, 0, -1, 0, 0, 0, 1], [0.8, 0.7, 2.5], [100.25, 120.5, -300]);
// Right-handed but flipped in-plane: i toward R, j toward A (IOP -1,0,0,0,-1,0 in LPS).
const FLIPPED = grid([6, 4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1], [1.1, 0.9, 3], [-50, -60.5, 12.75]);
// Oblique: the LPS-stored axial directions rotated 23 degrees about (1, 2, 3).
const R = rotation([1, 2, 3], 23);
const LPS_DIR: Mat3 = [-1, 0, 0, 0, -1, 0, 0, 0, 1];
const OBLIQUE_DIR: Mat3 = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => R[r * 3] * LPS_DIR[c] + R[r * 3 + 1] * LPS_DIR[3 + c] + R[r * 3 + 2] * LPS_DIR[6 + c]));
const OBLIQUE = grid([5, 6, 4], OBLIQUE_DIR, [0.75, 0.6, 1.5], [-33.3, 71.1, -128.4]);

describe('writeDicomSeries -> readDicomSeries round trip', () => {
  for (const [name, g] of [['axial LPS', AXIAL_LPS], ['flipped in-plane', FLIPPED], ['oblique', OBLIQUE]] as const) {
    it(`${name}: identical HU and ijkToRas within 1e-4 mm`, async () => {
      const { data, paths, back } = await roundTrip(g);
      expect(paths).toHaveLength(g.dims[2]);
      expect(back.grid.dims).toEqual(g.dims);
      expect(maxAbsDiff(back.grid.ijkToRas, g.ijkToRas)).toBeLessThan(1e-4);
      expect(back.data).toBeInstanceOf(Int16Array);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    });
  }

  it('carries the options into the headers and meta (never a patient name)', async () => {
    const seriesInstanceUid = newUid();
    const { back } = await roundTrip(AXIAL_LPS, {
      seriesInstanceUid,
      patientAge: '061Y',
      patientSex: 'F',
      seriesDescription: 'synthetic portal venous',
      contrastAgent: 'IOHEXOL',
      studyDate: '2024-02-29',
    });
    expect(back.meta.seriesInstanceUid).toBe(seriesInstanceUid);
    expect(back.meta).toMatchObject({ modality: 'CT', patientAge: '061Y', patientSex: 'F', seriesDescription: 'synthetic portal venous', contrastAgent: 'IOHEXOL', studyDate: '2024-02-29' });
    expect(back.meta.rescale).toEqual({ slope: 1, intercept: 0 });
    expect(new Set(back.meta.sopInstanceUids).size).toBe(AXIAL_LPS.dims[2]);
    expect(seriesInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
  });

  it('unsigned storage with RescaleIntercept -1024 reads back the same HU', async () => {
    const { data, back } = await roundTrip(OBLIQUE, { unsignedStorage: true });
    expect(back.meta.rescale).toEqual({ slope: 1, intercept: -1024 });
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  for (const ts of [TRANSFER_SYNTAX.implicitLittle, TRANSFER_SYNTAX.explicitBig, TRANSFER_SYNTAX.deflatedExplicitLittle]) {
    it(`transfer syntax ${ts} reads back identically`, async () => {
      const { data, back } = await roundTrip(OBLIQUE, { transferSyntaxUid: ts });
      expect(maxAbsDiff(back.grid.ijkToRas, OBLIQUE.ijkToRas)).toBeLessThan(1e-4);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    });
  }

  it('a left-handed grid (i->L, j->A, k->S) reads back with k reversed: same voxels in space', async () => {
    const g = grid([4, 3, 5], [-1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 2], [10, -20, 30]);
    const { data, back } = await roundTrip(g);
    // Expected: column k negated, origin moved to the last slice (z = 30 + 4 * 2 = 38 mm), slices in reverse.
    const expected = [-1, 0, 0, 10, 0, 1, 0, -20, 0, 0, -2, 38, 0, 0, 0, 1];
    expect(maxAbsDiff(back.grid.ijkToRas, expected)).toBeLessThan(1e-4);
    const perSlice = 12;
    for (let k = 0; k < 5; k++)
      expect(Array.from(back.data.subarray(k * perSlice, (k + 1) * perSlice))).toEqual(Array.from(data.subarray((4 - k) * perSlice, (5 - k) * perSlice)));
  });
});

describe('writeDicomSeries failures leave nothing behind', () => {
  it('refuses a non-empty folder and removes its temporary folder', async () => {
    const parent = join(root, 'occupied-parent');
    const folder = join(parent, 'out');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'keep.txt'), 'mine');
    await expect(writeDicomSeries({ grid: AXIAL_LPS, data: phantomHu(140) }, folder)).rejects.toMatchObject({ code: 'GCT_DICOM_WRITE_FAILED' });
    expect(await readdir(parent)).toEqual(['out']);
    expect(await readdir(folder)).toEqual(['keep.txt']);
  });

  it('rejects HU outside int16 without creating the folder', async () => {
    const parent = join(root, 'range-parent');
    await mkdir(parent);
    const data = phantomHu(140);
    data[70] = 0;
    const big = Float32Array.from(data);
    big[70] = 40000;
    await expect(writeDicomSeries({ grid: AXIAL_LPS, data: big }, join(parent, 'out'))).rejects.toMatchObject({ code: 'GCT_VOLUME_DATATYPE_UNSUPPORTED' });
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('ds (DICOM decimal string, at most 16 characters)', () => {
  it('keeps short values exact and long ones to ~1e-13', () => {
    expect(ds(-249.51171875)).toBe('-249.51171875');
    expect(ds(-0)).toBe('0');
    expect(ds(2.5)).toBe('2.5');
    expect(ds(1e-20)).toBe('1e-20');
    for (const v of [1 / 3, -0.7071067811865476, 123456.78901234567, -98765432.123456789, 3.3e-9]) {
      const s = ds(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v)).toBeLessThan(Math.abs(v) * 1e-12);
    }
  });
});
