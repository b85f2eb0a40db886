/**
 * DICOM readers on the real cases in ../shared/data. Reference numbers were computed once with Debian's
 * pydicom 2.3.1 (+ Pillow's OpenJPEG for the JPEG 2000 files), nibabel 5.0 and numpy:
 * stacking pixel_array * RescaleSlope + RescaleIntercept of the slices sorted along the slice normal.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyMat4, orientationCode, sameGrid, spacingOf, type Grid } from '../../src/volume/geometry.ts';
import type { VoxelArray } from '../../src/volume/types.ts';
import { readDicomSeg } from '../../src/volume/readers/dicom-seg.ts';
import { readDicomFiles, readDicomSeries } from '../../src/volume/readers/dicom-series.ts';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';

const LIMITS = { maxDecompressedBytes: 4 * 1024 ** 3, maxVoxels: 1024 ** 3, sliceSpacingTolerance: 0.1 };

function stats(data: VoxelArray): { min: number; max: number; sum: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, sum };
}

const at = (g: Grid, data: VoxelArray, i: number, j: number, k: number): number => data[i + g.dims[0] * (j + g.dims[1] * k)];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gct-dicom-real-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!HAS_SHARED_DATA)('DICOM CT series on real data', () => {
  it('totalseg example_ct_dicom (JPEG 2000 lossless): 512x512x20, pydicom HU, NIfTI grid, no OpenJPEG chatter on stdout', async () => {
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void written.push(args.join(' ')));
    let image;
    try {
      image = await readDicomSeries(dataPath('totalseg/example_ct_dicom'), LIMITS);
    } finally {
      stdout.mockRestore();
      log.mockRestore();
    }
    expect(written.filter((w) => w.includes('[INFO]'))).toEqual([]);
    const { grid, data, meta } = image;
    expect(grid.dims).toEqual([512, 512, 20]);
    expect(data).toBeInstanceOf(Int16Array);
    const spacing = spacingOf(grid);
    expect(spacing[0]).toBeCloseTo(0.9765625, 9);
    expect(spacing[1]).toBeCloseTo(0.9765625, 9);
    expect(spacing[2]).toBeCloseTo(2, 9);
    expect(orientationCode(grid.ijkToRas)).toBe('LPS');
    expect(stats(data)).toEqual({ min: -1024, max: 1839, sum: -3272217339 });
    expect([at(grid, data, 0, 0, 0), at(grid, data, 256, 256, 10), at(grid, data, 100, 50, 19)]).toEqual([-1024, -47, -1024]);
    expect(meta).toMatchObject({ modality: 'CT', contrastAgent: 'APPLIED', studyDate: '2022-12-08', seriesDescription: 'CT Body 3.0', rescale: { slope: 1, intercept: -1024 } });
    expect(meta.sopInstanceUids).toHaveLength(20);

    // The segmentation NIfTI was made on this series: its sform (NIfTI-1 header bytes 280..327, srow_x/y/z as
    // float32) must place every voxel where ours does. dcm2niix-style export stores rows bottom-up, so its j is
    // our 511 - j; compare the eight corners.
    const header = gunzipSync(await readFile(dataPath('totalseg/example_seg_dicom.nii.gz'))).subarray(0, 348);
    const view = new DataView(header.buffer, header.byteOffset, 348);
    const sform = Array.from({ length: 12 }, (_, n) => view.getFloat32(280 + 4 * n, true)).concat([0, 0, 0, 1]);
    expect([view.getInt16(42, true), view.getInt16(44, true), view.getInt16(46, true)]).toEqual([512, 512, 20]);
    for (const i of [0, 511]) for (const j of [0, 511]) for (const k of [0, 19]) {
      const ours = applyMat4(grid.ijkToRas, [i, 511 - j, k]);
      const nifti = applyMat4(sform, [i, j, k]);
      expect(Math.hypot(ours[0] - nifti[0], ours[1] - nifti[1], ours[2] - nifti[2])).toBeLessThan(1e-3);
    }
  });

  it('STS_002 image: 48 slices at 3.27 mm with pydicom HU; the RTSTRUCT beside it is noted, not stacked', async () => {
    const folder = dataPath('sts/STS_002_dicom/image');
    const { grid, data, meta } = await readDicomSeries(folder, LIMITS);
    expect(grid.dims).toEqual([161, 143, 48]);
    expect(spacingOf(grid)[2]).toBeCloseTo(3.27, 6);
    expect(spacingOf(grid)[0]).toBeCloseTo(0.976562, 9);
    expect(grid.ijkToRas[11]).toBeCloseTo(-629.04, 6); // IPP z of the lowest slice
    expect(stats(data)).toEqual({ min: -1000, max: 1156, sum: -322176927 });
    expect([at(grid, data, 0, 0, 0), at(grid, data, 95, 113, 24), at(grid, data, 100, 50, 47)]).toEqual([-301, -891, -153]);
    expect(meta.sopInstanceUids?.[0]).toBe('1.3.6.1.4.1.14519.5.2.1.5168.1900.273559796477567948563826318791');
    expect(meta.sopInstanceUids?.[47]).toBe('1.3.6.1.4.1.14519.5.2.1.5168.1900.171429114724539462233955414751');

    const files = (await readdir(folder)).map((f) => join(folder, f)).concat(dataPath('sts/STS_002_dicom/mask/RS.dcm'));
    const mixed = await readDicomFiles(files, LIMITS, 'STS_002 with RTSTRUCT');
    expect(mixed.grid).toEqual(grid);
    expect(mixed.meta.notes).toContain('ignored non-image DICOM objects: RTSTRUCT x1');
  });

  it('dcmqi ct-3slice: 3 slices 1 mm apart with pydicom HU, no patient name in meta', async () => {
    const { grid, data, meta } = await readDicomSeries(dataPath('dcmqi/ct-3slice'), LIMITS);
    expect(grid.dims).toEqual([512, 512, 3]);
    expect(spacingOf(grid)[2]).toBeCloseTo(1, 6);
    expect(stats(data)).toEqual({ min: -3024, max: 1381, sum: -750951030 });
    expect(at(grid, data, 256, 256, 1)).toBe(-92);
    expect(meta).toMatchObject({ patientAge: '060Y', patientSex: 'M', studyDate: '2003-04-17' });
    expect(JSON.stringify(meta)).not.toContain('JANCT000');
  });

  it('pydicom CT_small.dcm: one 128x128 slice, 5 mm thick, pydicom HU', async () => {
    const { grid, data, meta } = await readDicomFiles([dataPath('pydicom/CT_small.dcm')], LIMITS, 'CT_small');
    expect(grid.dims).toEqual([128, 128, 1]);
    expect(spacingOf(grid)[0]).toBeCloseTo(0.661468, 9);
    expect(spacingOf(grid)[2]).toBe(5);
    expect(stats(data)).toEqual({ min: -896, max: 1167, sum: -1950906 });
    expect([at(grid, data, 0, 0, 0), at(grid, data, 64, 64, 0), at(grid, data, 100, 10, 0)]).toEqual([175 - 1024, 1928 - 1024, 1227 - 1024]);
    expect(meta.contrastAgent).toBe('ISOVUE300/100');
    expect(JSON.stringify(meta)).not.toMatch(/CompressedSamples|1CT1/);
  });

  it('pydicom J2K_pixelrep_mismatch.dcm: unsigned 13-bit J2K stream read as signed per PixelRepresentation 1', async () => {
    const { data, meta } = await readDicomFiles([dataPath('pydicom/J2K_pixelrep_mismatch.dcm')], LIMITS, 'J2K mismatch');
    // pydicom: min -2000 (air outside the field of view), max 1896; read as unsigned, air would be 6192.
    expect(stats(data)).toEqual({ min: -2000, max: 1896, sum: -172605258 });
    expect(JSON.stringify(meta)).not.toContain('JXD191021006');
  });
});

describe.skipIf(!HAS_SHARED_DATA)('DICOM SEG on real data', () => {
  /** The liver voxels of liver_seg.nrrd (gzip, int16, LPS space, axis-aligned) as RAS centres rounded to 1 um. */
  async function nrrdLiverRas(): Promise<Set<string>> {
    const raw = await readFile(dataPath('dcmqi/liver_seg.nrrd'));
    const split = raw.indexOf('\n\n');
    const header = raw.subarray(0, split).toString('latin1');
    expect(header).toContain('space: left-posterior-superior');
    expect(header).toContain('encoding: gzip');
    const sizes = /sizes: (\d+) (\d+) (\d+)/.exec(header)!.slice(1).map(Number);
    const dirs = [...header.matchAll(/\(([^)]+)\)/g)].map((m) => m[1].split(',').map(Number));
    const [spaceDirections, origin] = [dirs.slice(0, 3), dirs[3]];
    const voxels = gunzipSync(raw.subarray(split + 2));
    const values = new Int16Array(voxels.buffer, voxels.byteOffset, sizes[0] * sizes[1] * sizes[2]);
    const out = new Set<string>();
    for (let k = 0; k < sizes[2]; k++) for (let j = 0; j < sizes[1]; j++) for (let i = 0; i < sizes[0]; i++) {
      if (values[i + sizes[0] * (j + sizes[1] * k)] === 0) continue;
      const lps = [0, 1, 2].map((a) => origin[a] + i * spaceDirections[0][a] + j * spaceDirections[1][a] + k * spaceDirections[2][a]);
      out.add(key([-lps[0], -lps[1], lps[2]]));
    }
    return out;
  }
  const key = (p: readonly number[]): string => p.map((v) => (Math.round(v * 1000) / 1000 + 0).toFixed(3)).join(',');

  it('dcmqi liver.dcm: same liver voxels in space as liver_seg.nrrd, on the CT grid', async () => {
    const seg = await readDicomSeg(dataPath('dcmqi/liver.dcm'), LIMITS);
    expect(seg.segments.map((s) => [s.number, s.label])).toEqual([[1, 'Liver']]);
    const ct = await readDicomSeries(dataPath('dcmqi/ct-3slice'), LIMITS);
    expect(sameGrid(seg.grid, ct.grid, 1e-4)).toBe(true);
    expect(seg.meta.frameOfReferenceUid).toBe(ct.meta.frameOfReferenceUid);

    const liver = seg.segments[0].data;
    const ours = new Set<string>();
    let sum = [0, 0, 0];
    const { dims } = seg.grid;
    for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
      if (!liver[i + dims[0] * (j + dims[1] * k)]) continue;
      const ras = applyMat4(seg.grid.ijkToRas, [i, j, k]);
      ours.add(key(ras));
      sum = sum.map((s, a) => s + ras[a]);
    }
    // pydicom + numpy on liver.dcm and liver_seg.nrrd: 107098 voxels, RAS centroid (74.0571, 33.2620, -127.6995) mm.
    expect(ours.size).toBe(107098);
    const centroid = sum.map((s) => s / ours.size);
    expect(centroid[0]).toBeCloseTo(74.05705344, 5);
    expect(centroid[1]).toBeCloseTo(33.26204082, 5);
    expect(centroid[2]).toBeCloseTo(-127.69945863, 5);
    const reference = await nrrdLiverRas();
    expect(reference.size).toBe(107098);
    expect([...ours].filter((p) => !reference.has(p))).toEqual([]);
  });

  it('a folder holding only a SEG is GCT_DICOM_NOT_CT; a SEG beside the CT is noted, not stacked', async () => {
    const segOnly = join(tmp, 'seg-only');
    await mkdir(segOnly);
    await copyFile(dataPath('dcmqi/liver.dcm'), join(segOnly, 'liver.dcm'));
    await expect(readDicomSeries(segOnly, LIMITS)).rejects.toMatchObject({ code: 'GCT_DICOM_NOT_CT', details: { modalities: ['SEG'] } });

    const ctFolder = dataPath('dcmqi/ct-3slice');
    const files = (await readdir(ctFolder)).map((f) => join(ctFolder, f)).concat(dataPath('dcmqi/liver.dcm'));
    const image = await readDicomFiles(files, LIMITS, 'ct-3slice + SEG');
    expect(image.grid.dims).toEqual([512, 512, 3]);
    expect(image.meta.notes).toContain('ignored non-image DICOM objects: SEG x1');
  });
});
