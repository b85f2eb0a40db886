/**
 * Broken and hostile inputs for the readers: non-regular files, decompression bombs behind honest headers,
 * corrupt JPEG 2000 frames, non-finite voxels, deeply nested label maps. Each must end in the coded error named
 * here, quickly and without allocating what the hostile input asks for.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CT_IMAGE_STORAGE, ctSlice, deflateBomb, part10, TS } from '../../../test/helpers/dicom-builder.ts';
import { dataPath, HAS_SHARED_DATA } from '../../../test/helpers/data.ts';
import { parseLabelMapJson, readLabelMapJson } from '../label-map-json.ts';
import { readVolume } from '../read.ts';
import { detectFormat } from './detect.ts';
import { checkDicomDeflateBudget, readPart10File } from './dicom-file.ts';
import { readDicomSeries } from './dicom-series.ts';
import { encodeNifti } from './nifti-write.ts';
import { fileSystemError, readRegularFile } from './open-file.ts';

const LIMITS = { maxDecompressedBytes: 2 ** 32, maxVoxels: 600_000_000, gridToleranceMm: 0.01, sliceSpacingTolerance: 0.1, maxDicomHeaderBytes: 64 * 1024 * 1024 };
const grid = (dims: [number, number, number]) => ({ dims, ijkToRas: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] as never });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gct-hardening-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('regular files only', () => {
  it('a named pipe is refused at once (no hang), as a file and inside a DICOM folder', async () => {
    const fifo = join(dir, 'pipe.nii');
    execFileSync('mkfifo', [fifo]);
    await expect(readRegularFile(fifo, { maxBytes: 1000, limitName: 'x' })).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE', details: { kind: 'a named pipe (FIFO)' } });
    await expect(detectFormat(fifo)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE' });
    const folder = join(dir, 'series-with-pipe');
    await mkdir(folder);
    await writeFile(join(folder, 'a.dcm'), ctSlice({ zMm: 0 }));
    await writeFile(join(folder, 'b.dcm'), ctSlice({ zMm: 1 }));
    execFileSync('mkfifo', [join(folder, 'c.dcm')]);
    const series = await readDicomSeries(folder, LIMITS);
    expect(series.grid.dims).toEqual([8, 8, 2]);
    expect(series.meta.notes?.join(' ')).toMatch(/1 entry that is not a regular file/);
  });

  it('a character device, a link loop, a folder for a file and a path through a file each get their code', async () => {
    await symlink('/dev/zero', join(dir, 'zero.nii'));
    await expect(readVolume(join(dir, 'zero.nii'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE', details: { kind: 'a character device' } });
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await expect(readVolume(join(dir, 'loop-a'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE', details: { errno: 'ELOOP' } });
    await mkdir(join(dir, 'labels.json'));
    await expect(readLabelMapJson(join(dir, 'labels.json'))).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE', details: { kind: 'a folder' } });
    await writeFile(join(dir, 'plain'), 'x');
    await expect(readVolume(join(dir, 'plain', 'ct.nii'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_FOUND', details: { errno: 'ENOTDIR' } });
  });

  it('permission errors map to GCT_VOLUME_NOT_READABLE with the path (errno as the system reports it)', () => {
    const e = fileSystemError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '/data/ct.nii.gz', { what: 'CT' });
    expect(e).toMatchObject({ code: 'GCT_VOLUME_NOT_READABLE', details: { path: '/data/ct.nii.gz', errno: 'EACCES' } });
    expect(e.message).toBe('CT /data/ct.nii.gz: permission denied (EACCES)');
  });

  it('a file over the limit is refused before it is read', async () => {
    await writeFile(join(dir, 'big.nii'), new Uint8Array(5000));
    await expect(readRegularFile(join(dir, 'big.nii'), { maxBytes: 4999, limitName: 'volume.maxDecompressedBytes' })).rejects.toMatchObject({ code: 'GCT_VOLUME_TOO_LARGE', details: { sizeBytes: 5000 } });
  });
});

describe('decompression bounded by what the header declares', () => {
  it('a .nii.gz whose 10x10x10 header hides 256 MiB of gzip payload stops at the declared size + 1 MiB', async () => {
    const header = encodeNifti({ grid: grid([10, 10, 10]), data: new Int16Array(1000) });
    const path = join(dir, 'bomb.nii.gz');
    await writeFile(path, gzipSync(Buffer.concat([Buffer.from(header), Buffer.alloc(256 * 1024 * 1024)]), { level: 1 }));
    const err = await readVolume(path, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_VOLUME_DECOMPRESSED_MISMATCH', details: { declaredBytes: 352 + 2000, budgetBytes: 352 + 2000 + 1024 * 1024 } });
  });

  it('a .nii.gz declaring 1e9 voxels is refused from its header, before inflating', async () => {
    const header = Buffer.from(encodeNifti({ grid: grid([10, 10, 10]), data: new Uint8Array(1000) }));
    header.writeInt16LE(1000, 42);
    header.writeInt16LE(1000, 44);
    header.writeInt16LE(1000, 46);
    const path = join(dir, 'huge.nii.gz');
    await writeFile(path, gzipSync(header.subarray(0, 352)));
    await expect(readVolume(path, LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_TOO_LARGE', details: { voxels: 1e9 } });
  });

  it('a deflated DICOM slice declaring 8x8x16 bit that inflates to 64 MiB: refused by the reader and by the admission check', async () => {
    const path = join(dir, 'bomb.dcm');
    await writeFile(path, await deflateBomb(64 * 1024 * 1024));
    expect((await readFile(path)).length).toBeLessThan(200_000);
    await expect(readPart10File(path, LIMITS, 'bomb.dcm')).rejects.toMatchObject({ code: 'GCT_VOLUME_DECOMPRESSED_MISMATCH' });
    await expect(checkDicomDeflateBudget(path, LIMITS, 'bomb.dcm')).rejects.toMatchObject({ code: 'GCT_VOLUME_DECOMPRESSED_MISMATCH' });
  });

  it('an honest deflated slice reads exactly like its explicit twin; its admission check counts its inflated size', async () => {
    await mkdir(join(dir, 'deflated'));
    await mkdir(join(dir, 'explicit'));
    for (const k of [0, 1, 2]) {
      await writeFile(join(dir, 'deflated', `${k}.dcm`), ctSlice({ zMm: k }, TS.deflated));
      await writeFile(join(dir, 'explicit', `${k}.dcm`), ctSlice({ zMm: k }, TS.explicit));
    }
    const a = await readVolume(join(dir, 'deflated'), LIMITS);
    const b = await readVolume(join(dir, 'explicit'), LIMITS);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(a.data[0]).toBe(40);
    expect(await checkDicomDeflateBudget(join(dir, 'deflated', '0.dcm'), LIMITS, '0.dcm')).toBeGreaterThan(8 * 8 * 2);
  });

  it('a deflated data set without pixel data may not inflate past volume.maxDicomHeaderBytes', async () => {
    const path = join(dir, 'no-pixels.dcm');
    await writeFile(path, await deflateBomb(3 * 1024 * 1024, { omit: [0x7fe00010, 0x00280010, 0x00280011] }));
    await expect(readPart10File(path, { ...LIMITS, maxDicomHeaderBytes: 1024 * 1024 }, 'no-pixels.dcm')).rejects.toMatchObject({ code: 'GCT_VOLUME_TOO_LARGE', details: { limit: 'volume.maxDicomHeaderBytes' } });
  });

  it('a deflated data set whose first bytes look like a group-0002 sequence ends the File Meta group at its declared length', async () => {
    // (0002,0005) SQ of undefined length: what dicom-parser would try to read as one more meta element, and fail on.
    const lookalike = Uint8Array.from([0x02, 0x00, 0x05, 0x00, 0x53, 0x51, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04]);
    await writeFile(join(dir, 'lookalike.dcm'), part10(TS.deflated, CT_IMAGE_STORAGE, lookalike));
    // The meta group parses; what follows is then judged as the deflate stream it claims to be.
    await expect(readPart10File(join(dir, 'lookalike.dcm'), LIMITS, 'lookalike.dcm')).rejects.toMatchObject({ code: 'GCT_DICOM_DECODE_FAILED' });
  });

  it('a corrupt deflate stream is GCT_DICOM_DECODE_FAILED', async () => {
    const good = ctSlice({}, TS.deflated);
    const bad = good.slice();
    bad.fill(0xff, bad.length - 200, bad.length - 100);
    await writeFile(join(dir, 'corrupt.dcm'), bad);
    await expect(readPart10File(join(dir, 'corrupt.dcm'), LIMITS, 'corrupt.dcm')).rejects.toMatchObject({ code: 'GCT_DICOM_DECODE_FAILED' });
  });
});

describe.skipIf(!HAS_SHARED_DATA)('JPEG 2000: codec errors and declared sizes (TotalSegmentator example series)', () => {
  /** A copy of the first slice with its codestream patched by `patch(view, start)`; the frame length is unchanged. */
  async function patchedSlice(name: string, patch: (bytes: Buffer, codestreamStart: number) => void): Promise<string> {
    const folder = dataPath('totalseg', 'example_ct_dicom');
    const first = execFileSync('ls', [folder]).toString().split('\n')[0];
    const bytes = await readFile(join(folder, first));
    const ds = dicomParser.parseDicom(new Uint8Array(bytes));
    const start = ds.elements.x7fe00010.fragments![0].position;
    patch(bytes, start);
    const out = join(dir, name);
    await mkdir(out);
    await writeFile(join(out, 'slice.dcm'), bytes);
    return out;
  }

  it('a codestream OpenJPEG reports corrupt ([ERROR] lines) is GCT_DICOM_DECODE_FAILED quoting the codec', async () => {
    const folder = await patchedSlice('j2k-zeroed', (b, s) => b.fill(0, s + 200, s + 400));
    const err = await readVolume(folder, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_DICOM_DECODE_FAILED' });
    expect((err as Error).message).toMatch(/OpenJPEG reports .*marker/i);
  });

  it('a SIZ marker declaring 60000 x 60000 is refused before decoding', async () => {
    const folder = await patchedSlice('j2k-huge-siz', (b, s) => {
      b.writeUInt32BE(60000, s + 8);
      b.writeUInt32BE(60000, s + 12);
    });
    const err = await readVolume(folder, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_DICOM_DECODE_FAILED' });
    expect((err as Error).message).toMatch(/declares 60000x60000.*header says 512x512/);
  });
});

describe('non-finite voxels', () => {
  it('NaN and Inf in a float NIfTI: how many and where', async () => {
    const data = new Float32Array(4 * 3 * 2).fill(-1000);
    data[5] = NaN; // (1, 1, 0)
    data[4 * 3 + 2] = Infinity; // (2, 0, 1)
    const path = join(dir, 'nan.nii');
    await writeFile(path, encodeNifti({ grid: grid([4, 3, 2]), data }));
    const err = await readVolume(path, LIMITS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GCT_VOLUME_VALUES_NOT_FINITE', details: { nonFiniteVoxels: 2, nan: 1, infinite: 1, firstIjk: [1, 1, 0], lastIjk: [2, 0, 1] } });
  });

  it('finite stored values that overflow under scl_slope 1e38 are refused, naming the scaling', async () => {
    const bytes = Buffer.from(encodeNifti({ grid: grid([2, 2, 2]), data: Int16Array.from([0, 1, 2, 3, 4, 5, 6, 7]) }));
    bytes.writeFloatLE(1e38, 112); // scl_slope
    bytes.writeFloatLE(0, 116); // scl_inter
    const path = join(dir, 'overflow.nii');
    await writeFile(path, bytes);
    const err = await readVolume(path, LIMITS).catch((e: unknown) => e);
    // float32 ends at 3.4e38: stored 0..3 stay finite, 4..7 (4e38 and up) overflow to Infinity.
    expect(err).toMatchObject({ code: 'GCT_VOLUME_VALUES_NOT_FINITE', details: { infinite: 4, nan: 0, firstIjk: [0, 0, 1] } });
    expect((err as Error).message).toMatch(/scaling/);
  });

  it('a DICOM RescaleSlope that is not a number is refused, not read as 1', async () => {
    await mkdir(join(dir, 'bad-slope'));
    await writeFile(join(dir, 'bad-slope', 'a.dcm'), ctSlice({ slope: 'abc' }));
    await expect(readVolume(join(dir, 'bad-slope'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_HEADER_INVALID' });
  });
});

describe('label-map JSON', () => {
  it('100 000 nested brackets: GCT_LABELMAP_INVALID naming the depth, not a stack overflow', () => {
    const text = `{"1": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseLabelMapJson(text, 'deep.json')).toThrow(expect.objectContaining({ code: 'GCT_LABELMAP_INVALID', details: { source: 'deep.json', depth: 100_001 } }));
  });

  it('an entry holding an object is described, not printed whole; brackets inside names do not count as depth', () => {
    expect(() => parseLabelMapJson('{"1": {"a": [1, 2, 3]}}', 'x.json')).toThrow(/entry "1": an object is neither/);
    expect(parseLabelMapJson('{"1": "[[[[[[[[[[liver"}', 'y.json').get(1)).toBe('[[[[[[[[[[liver');
  });
});
