import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Grid } from '../geometry.ts';
import { readDicomFiles, readDicomSeries } from './dicom-series.ts';
import { newUid, writeDicomSeries, type WriteDicomSeriesOptions } from './dicom-write.ts';

const LIMITS = { maxDecompressedBytes: 1e9, maxVoxels: 1e8, sliceSpacingTolerance: 0.1 };
let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gct-dicom-series-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Axial LPS-stored grid, 2.5 mm slices starting at z = -300 mm. */
function axial(dims: [number, number, number], zStartMm = -300): Grid {
  return { dims, ijkToRas: makeIjkToRas({ direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], spacingMm: [0.8, 0.8, 2.5], originRas: rasPoint(10, 20, zStartMm) }) };
}

/** HU = 10*i - 3*j + 100*k - 500: every voxel distinct enough to catch a mis-sorted slice. */
function ramp(dims: readonly number[]): Int16Array {
  const out = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) out[i + dims[0] * (j + dims[1] * k)] = 10 * i - 3 * j + 100 * k - 500;
  return out;
}

async function series(g: Grid, options: WriteDicomSeriesOptions = {}): Promise<{ folder: string; paths: string[] }> {
  const folder = join(root, `s${++n}`);
  const paths = await writeDicomSeries({ grid: g, data: ramp(g.dims) }, folder, options);
  return { folder, paths };
}

/** Moves every file of `from` into `to` (names prefixed so they do not collide). */
async function merge(to: string, ...from: string[]): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const [m, f] of from.entries()) for (const name of await readdir(f)) await rename(join(f, name), join(to, `${m}-${name}`));
}

/** Replaces the one occurrence of `from` (an ASCII byte pattern) with `to` of the same length. */
async function patch(path: string, from: string, to: string): Promise<void> {
  const bytes = await readFile(path);
  const at = bytes.indexOf(Buffer.from(from, 'latin1'));
  if (at < 0 || bytes.indexOf(Buffer.from(from, 'latin1'), at + 1) >= 0 || from.length !== to.length) throw new Error(`pattern ${JSON.stringify(from)} not unique in ${path}`);
  bytes.set(Buffer.from(to, 'latin1'), at);
  await writeFile(path, bytes);
}

describe('readDicomSeries on synthetic series', () => {
  it('sorts slices by position along the normal, not by file name, and reads HU exactly', async () => {
    const g = axial([6, 5, 4]);
    const { folder, paths } = await series(g);
    // Scramble names so that alphabetical order is k = 3, 1, 0, 2.
    const order = ['a', 'c', 'd', 'b'];
    for (let k = 0; k < 4; k++) await rename(paths[k], join(folder, `${order[k]}.dcm`));
    await writeFile(join(folder, 'README'), 'not DICOM');
    await writeFile(join(folder, 'DICOMDIR'), 'a directory record, not an image');
    const back = await readDicomSeries(folder, LIMITS);
    expect(Array.from(back.data)).toEqual(Array.from(ramp(g.dims)));
    expect(back.grid.ijkToRas).toEqual(g.ijkToRas);
    expect(back.meta.notes).toContain('2 non-DICOM file(s) skipped');
  });

  it('a single slice takes its k spacing from SliceThickness', async () => {
    const { paths } = await series(axial([3, 3, 1]));
    const back = await readDicomFiles(paths, LIMITS, 'one slice');
    expect(back.grid.ijkToRas[10]).toBe(2.5);
    expect(back.meta.source).toEqual({ format: 'dicom', path: 'one slice' });
  });

  it('a non-integer RescaleSlope gives Float32 HU = stored x slope + intercept', async () => {
    const g = axial([3, 2, 2]);
    const { folder, paths } = await series(g);
    // RescaleSlope (0028,1053) DS "1 " -> ".5" (same length).
    for (const p of paths) await patch(p, '\x28\x00\x53\x10DS\x02\x001 ', '\x28\x00\x53\x10DS\x02\x00.5');
    const back = await readDicomSeries(folder, LIMITS);
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.data)).toEqual(Array.from(ramp(g.dims), (v) => v * 0.5));
    expect(back.meta.rescale).toEqual({ slope: 0.5, intercept: 0 });
  });
});

describe('readDicomSeries errors', () => {
  it('GCT_DICOM_NO_IMAGES for a folder without DICOM', async () => {
    const folder = join(root, 'empty-ish');
    await mkdir(folder);
    await writeFile(join(folder, 'README.txt'), 'hello');
    await expect(readDicomSeries(folder, LIMITS)).rejects.toMatchObject({ code: 'GCT_DICOM_NO_IMAGES' });
  });

  it('GCT_VOLUME_NOT_FOUND for a missing folder', async () => {
    await expect(readDicomSeries(join(root, 'nope'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_FOUND' });
  });

  it('GCT_DICOM_MULTIPLE_SERIES lists each series by UID suffix, modality and slice count, never its free-text description', async () => {
    const a = await series(axial([4, 4, 3]), { seriesDescription: 'arterial' });
    const b = await series(axial([4, 4, 4]), { seriesDescription: 'venous' });
    const folder = join(root, 'two-series');
    await merge(folder, a.folder, b.folder);
    const err = await readDicomSeries(folder, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_DICOM_MULTIPLE_SERIES' });
    const listed = (err as { details: { series: { seriesUidSuffix: string; sliceCount: number; modality: string }[] } }).details.series;
    expect(listed.map((s) => [s.sliceCount, s.modality]).sort()).toEqual([[3, 'CT'], [4, 'CT']]);
    for (const s of listed) expect(s.seriesUidSuffix).toMatch(/^\.\.\.[0-9.]{12}$/);
    // SeriesDescription is free text (it may name a person): neither the message nor the details carry it.
    expect(JSON.stringify((err as Error).message) + JSON.stringify(listed)).not.toMatch(/arterial|venous/);
  });

  it('GCT_DICOM_SLICE_GAP names the positions around a missing middle slice and the expected spacing', async () => {
    const { folder, paths } = await series(axial([4, 4, 5]));
    await unlink(paths[2]); // z = -295 mm
    const err = await readDicomSeries(folder, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_DICOM_SLICE_GAP', details: { positionsMm: [-297.5, -292.5], gapMm: 5, expectedSpacingMm: 2.5 } });
    expect((err as Error).message).toContain('-297.5 mm and -292.5 mm');
  });

  it('GCT_DICOM_SLICE_GAP for a duplicated slice position', async () => {
    const { folder, paths } = await series(axial([4, 4, 4]));
    await copyFile(paths[1], join(folder, 'copy.dcm'));
    await expect(readDicomSeries(folder, LIMITS)).rejects.toMatchObject({ code: 'GCT_DICOM_SLICE_GAP', details: { gapMm: 0 } });
  });

  it('accepts spacing jitter inside the tolerance and notes it', async () => {
    const g = axial([3, 3, 4]);
    const { folder, paths } = await series(g);
    // Move the last slice from z = -292.5 to -292.3 mm (8 % of 2.5 mm off): IPP "-10\-20\-292.5" -> "-10\-20\-292.3".
    await patch(paths[3], '-292.5', '-292.3');
    const back = await readDicomSeries(folder, LIMITS);
    expect(back.meta.notes?.some((t) => t.startsWith('uneven slice spacing within tolerance'))).toBe(true);
    await expect(readDicomSeries(folder, { ...LIMITS, sliceSpacingTolerance: 0.05 })).rejects.toMatchObject({ code: 'GCT_DICOM_SLICE_GAP' });
  });

  it('GCT_DICOM_NOT_CT names the modality', async () => {
    const { folder, paths } = await series(axial([3, 3, 2]));
    for (const p of paths) await patch(p, '\x08\x00\x60\x00CS\x02\x00CT', '\x08\x00\x60\x00CS\x02\x00MR');
    await expect(readDicomSeries(folder, LIMITS)).rejects.toMatchObject({ code: 'GCT_DICOM_NOT_CT', details: { modality: 'MR' } });
  });

  it('GCT_DICOM_INCONSISTENT when slices of one series differ in size', async () => {
    const uid = newUid();
    const a = await series(axial([6, 5, 2], -300), { seriesInstanceUid: uid });
    const b = await series(axial([6, 4, 2], -295), { seriesInstanceUid: uid });
    const folder = join(root, 'mixed-size');
    await merge(folder, a.folder, b.folder);
    const err = await readDicomSeries(folder, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_DICOM_INCONSISTENT' });
    expect((err as Error).message).toMatch(/size 6x4 vs 6x5/);
  });

  it('GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED names the UID (RLE here)', async () => {
    const { folder, paths } = await series(axial([3, 3, 3]));
    await patch(paths[1], '1.2.840.10008.1.2.1\0', '1.2.840.10008.1.2.5\0');
    await expect(readDicomSeries(folder, LIMITS)).rejects.toMatchObject({ code: 'GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED', details: { transferSyntaxUid: '1.2.840.10008.1.2.5' } });
  });

  it('GCT_VOLUME_TOO_LARGE before decoding past maxVoxels', async () => {
    const { folder } = await series(axial([4, 4, 3]));
    await expect(readDicomSeries(folder, { ...LIMITS, maxVoxels: 47 })).rejects.toMatchObject({ code: 'GCT_VOLUME_TOO_LARGE' });
  });

  it('GCT_VOLUME_HEADER_INVALID for a file that says DICM but is cut short', async () => {
    const { folder, paths } = await series(axial([3, 3, 2]));
    const bytes = await readFile(paths[0]);
    await writeFile(paths[0], bytes.subarray(0, 300));
    await expect(readDicomSeries(folder, LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_HEADER_INVALID' });
  });
});
