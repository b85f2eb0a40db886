/**
 * The streamed readers (readNifti / readNrrd from disk): the same images and the same coded errors as the
 * in-memory parsers, data larger than one stream chunk, the decompressed-byte budget checked while streaming,
 * and two files inflating at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from '../../../test/helpers/errors.ts';
import type { GroundctError } from '../../errors.ts';
import type { Grid } from '../geometry.ts';
import { DECLARED_SLACK_BYTES } from './contracts.ts';
import { INFLATE_WORKER_MIN_BYTES, NiftiReceiver, readNifti, readNiftiBytes } from './nifti.ts';
import { encodeNifti } from './nifti-write.ts';
import { readNrrd } from './nrrd.ts';

const dir = mkdtempSync(join(tmpdir(), 'gct-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = { maxDecompressedBytes: 64 * 1024 * 1024, maxVoxels: 10_000_000 };
const grid = (dims: [number, number, number]): Grid => ({ dims, ijkToRas: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] });

/** A deterministic int16 volume that compresses poorly (so its .gz is several stream chunks long too). */
function noisyInt16(n: number, seed = 7): Int16Array {
  const out = new Int16Array(n);
  let s = seed;
  for (let x = 0; x < n; x++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[x] = (s >>> 16) - 32768;
  }
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Byte-for-byte equality of two voxel arrays (vitest's deep equality is slow on millions of elements). */
function expectSameVoxels(a: ArrayBufferView, b: ArrayBufferView): void {
  expect(a.constructor).toBe(b.constructor);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

async function rejection(p: Promise<unknown>): Promise<GroundctError> {
  try {
    await p;
  } catch (e) {
    return e as GroundctError;
  }
  throw new Error('expected a rejection');
}

describe('readNifti streams .nii and .nii.gz into the voxel array', () => {
  // 160 x 160 x 48 int16 = 2.4 MB: more than two 1 MiB stream chunks, decompressed and compressed.
  const dims: [number, number, number] = [160, 160, 48];
  const data = noisyInt16(dims[0] * dims[1] * dims[2]);
  const encoded = encodeNifti({ grid: grid(dims), data });

  it('gives the voxels and grid the in-memory parser gives, compressed or not', async () => {
    const gz = gzipSync(encoded);
    expect(gz.length).toBeGreaterThan(1 << 20);
    for (const [name, bytes] of [['big.nii', encoded], ['big.nii.gz', gz]] as const) {
      const img = await readNifti(file(name, bytes), LIMITS);
      expect(img.data).toBeInstanceOf(Int16Array);
      expectSameVoxels(img.data, data);
      expect(img.grid).toEqual(readNiftiBytes(bytes, name, LIMITS).grid);
    }
  });

  it('reads a multi-member gzip file whole, as gunzip does', async () => {
    const cut = 1_000_003;
    const twoMembers = Buffer.concat([gzipSync(encoded.subarray(0, cut)), gzipSync(encoded.subarray(cut))]);
    expectSameVoxels((await readNifti(file('members.nii.gz', twoMembers), LIMITS)).data, data);
  });

  it('reads two files at once (the CT and its masks inflate in parallel) without mixing them', async () => {
    const other = noisyInt16(data.length, 99);
    const a = file('a.nii.gz', gzipSync(encoded));
    const b = file('b.nii.gz', gzipSync(encodeNifti({ grid: grid(dims), data: other })));
    const [ra, rb] = await Promise.all([readNifti(a, LIMITS), readNifti(b, LIMITS)]);
    expectSameVoxels(ra.data, data);
    expectSameVoxels(rb.data, other);
  });

  it('takes a header that arrives in pieces (chunks of a few bytes)', () => {
    const small = encodeNifti({ grid: grid([3, 2, 2]), data: Int16Array.from([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]) });
    const receiver = new NiftiReceiver('pieces.nii', LIMITS);
    for (let p = 0; p < small.length; p += 5) receiver.write(small.subarray(p, p + 5));
    expect(Array.from(receiver.finish().data)).toEqual([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]);
  });
});

describe('readNifti on broken files: the coded errors of the in-memory parser', () => {
  // A small file (read whole, inflated in one call), a larger one (streamed from disk) and one of 16 MiB of voxels
  // (inflated on a worker thread into shared memory): the three paths of readNifti.
  const sizes: [string, [number, number, number]][] = [['small', [40, 40, 10]], ['streamed', [200, 200, 10]], ['worker', [512, 512, 32]]];
  for (const [size, dims] of sizes) {
    const good = encodeNifti({ grid: grid(dims), data: noisyInt16(dims[0] * dims[1] * dims[2]) });
    const gz = gzipSync(good);
    const corrupt = Buffer.from(gz);
    corrupt[200] ^= 0xff;
    corrupt[201] ^= 0xff;
    const cases: [string, Uint8Array, string][] = [
      ['truncated gzip (trailer cut)', gz.subarray(0, gz.length - 4), 'GCT_VOLUME_GZIP_INVALID'],
      ['truncated gzip (half the stream)', gz.subarray(0, gz.length >> 1), 'GCT_VOLUME_GZIP_INVALID'],
      ['corrupt deflate data', corrupt, 'GCT_VOLUME_GZIP_INVALID'],
      ['data shorter than the header declares (gz)', gzipSync(good.subarray(0, good.length - 100)), 'GCT_VOLUME_TRUNCATED'],
      ['data shorter than the header declares (raw)', good.subarray(0, good.length - 100), 'GCT_VOLUME_TRUNCATED'],
      ['not a NIfTI header', gzipSync(Buffer.from(noisyInt16(good.length >> 1, 5).buffer)), 'GCT_VOLUME_HEADER_INVALID'],
    ];
    it.each(cases)(`${size}: %s`, async (name, bytes, code) => {
      expect(caught(() => readNiftiBytes(bytes, name, LIMITS)).code).toBe(code);
      expect((await rejection(readNifti(file(`${size}-${name.replace(/\W+/g, '-')}.nii.gz`, bytes), LIMITS))).code).toBe(code);
    });
  }
  it('three bytes', async () => {
    const bytes = gzipSync(Buffer.from([1, 2, 3]));
    expect(caught(() => readNiftiBytes(bytes, 'three', LIMITS)).code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect((await rejection(readNifti(file('three.nii.gz', bytes), LIMITS))).code).toBe('GCT_VOLUME_HEADER_INVALID');
  });
  it('the streamed cases are larger than a file read whole, the worker cases large enough for the worker (so every path is exercised)', () => {
    expect(gzipSync(encodeNifti({ grid: grid([200, 200, 10]), data: noisyInt16(400_000) })).length).toBeGreaterThan(256 * 1024);
    expect(200 * 200 * 10 * 2).toBeLessThan(INFLATE_WORKER_MIN_BYTES);
    expect(512 * 512 * 32 * 2).toBeGreaterThanOrEqual(INFLATE_WORKER_MIN_BYTES);
  });

  it('worker: the voxels the in-memory parser gives, on shared memory; two files at once stay apart', async () => {
    const a = noisyInt16(512 * 512 * 32, 3);
    const b = noisyInt16(512 * 512 * 32, 4);
    const [ia, ib] = await Promise.all([
      readNifti(file('worker-a.nii.gz', gzipSync(encodeNifti({ grid: grid([512, 512, 32]), data: a }), { level: 1 })), LIMITS),
      readNifti(file('worker-b.nii.gz', gzipSync(encodeNifti({ grid: grid([512, 512, 32]), data: b }), { level: 1 })), LIMITS),
    ]);
    expectSameVoxels(ia.data, a);
    expectSameVoxels(ib.data, b);
    expect(ia.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ia.grid.dims).toEqual([512, 512, 32]);
  });
});

describe('the decompressed-byte budget, checked while streaming', () => {
  it('refuses a header declaring more than the configured maximum before reading its data', async () => {
    const big = encodeNifti({ grid: grid([128, 128, 128]), data: new Int16Array(128 ** 3) });
    const e = await rejection(readNifti(file('declares-4mib.nii.gz', gzipSync(big)), { maxDecompressedBytes: 1 << 20, maxVoxels: 1e9 }));
    expect(e.code).toBe('GCT_VOLUME_TOO_LARGE');
    expect(e.message).toContain('1048576');
  });

  it('stops inflating past what the header declares (an image followed by megabytes of padding), small or streamed', async () => {
    for (const [size, image] of [
      ['small', encodeNifti({ grid: grid([10, 10, 10]), data: new Int16Array(1000) })],
      ['streamed', encodeNifti({ grid: grid([200, 200, 10]), data: noisyInt16(400_000) })],
      ['worker', encodeNifti({ grid: grid([512, 512, 32]), data: noisyInt16(512 * 512 * 32) })],
    ] as const) {
      const bomb = gzipSync(Buffer.concat([image, Buffer.alloc(64 * 1024 * 1024)]));
      expect(bomb.length > 256 * 1024, size).toBe(size !== 'small');
      const e = await rejection(readNifti(file(`padded-bomb-${size}.nii.gz`, bomb), LIMITS));
      expect(e.code, size).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
      expect(e.message).toContain('header declares');
      expect(e.details).toMatchObject({ declaredBytes: image.length, budgetBytes: image.length + DECLARED_SLACK_BYTES });
      // Streamed: stopped within one stream chunk (1 MiB) of the budget, not after inflating the 64 MiB.
      if (size !== 'small') expect(e.details.receivedBytes).toBeLessThanOrEqual(image.length + DECLARED_SLACK_BYTES + (1 << 20));
      expect(caught(() => readNiftiBytes(bomb, 'padded-bomb.nii.gz', LIMITS)).code).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
    }
  });

  it('a small file declaring a large image (a sparse mask) streams into its array; padding past it still stops there', async () => {
    const data = new Int16Array(256 * 256 * 40);
    for (let n = 0; n < data.length; n += 997) data[n] = n % 300;
    const image = encodeNifti({ grid: grid([256, 256, 40]), data });
    const gz = gzipSync(image);
    expect(gz.length).toBeLessThan(256 * 1024); // read whole from disk ...
    expect(image.length).toBeGreaterThan(4 * 1024 * 1024); // ... and streamed into its array
    expectSameVoxels((await readNifti(file('sparse-large.nii.gz', gz), LIMITS)).data, data);
    const bomb = gzipSync(Buffer.concat([image, Buffer.alloc(64 * 1024 * 1024)]));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const e = await rejection(readNifti(file('sparse-large-bomb.nii.gz', bomb), LIMITS));
    expect(e.code).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
    expect(e.details.receivedBytes).toBeLessThanOrEqual(image.length + DECLARED_SLACK_BYTES + (1 << 20));
  });

  it('accepts a small tail after the data, as nibabel does', async () => {
    const small = encodeNifti({ grid: grid([3, 2, 2]), data: Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) });
    const img = await readNifti(file('tail.nii.gz', gzipSync(Buffer.concat([small, Buffer.alloc(1000)]))), LIMITS);
    expect(Array.from(img.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('readNrrd streams its data section', () => {
  const header = (fields: Record<string, string>) =>
    Buffer.from(`NRRD0004\n${Object.entries({ type: 'short', dimension: '3', space: 'left-posterior-superior', sizes: '160 160 48', 'space directions': '(1,0,0) (0,1,0) (0,0,2)', endian: 'little', encoding: 'gzip', ...fields }).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`, 'latin1');
  const data = noisyInt16(160 * 160 * 48, 3);
  const payload = Buffer.from(data.buffer);

  it('gzip and raw, attached and detached, give the voxels', async () => {
    expectSameVoxels((await readNrrd(file('a.nrrd', Buffer.concat([header({}), gzipSync(payload)])), LIMITS)).data, data);
    expectSameVoxels((await readNrrd(file('r.nrrd', Buffer.concat([header({ encoding: 'raw' }), payload])), LIMITS)).data, data);
    file('d.raw.gz', gzipSync(payload));
    expectSameVoxels((await readNrrd(file('d.nhdr', header({ 'data file': 'd.raw.gz' })), LIMITS)).data, data);
    // byte skip -1: the voxels are the last bytes of the file.
    const skipped = Buffer.concat([header({ encoding: 'raw', 'byte skip': '-1' }), Buffer.alloc(77, 1), payload]);
    expectSameVoxels((await readNrrd(file('s.nrrd', skipped), LIMITS)).data, data);
  });

  it('broken data sections keep their codes', async () => {
    const gz = gzipSync(payload);
    expect((await rejection(readNrrd(file('cut.nrrd', Buffer.concat([header({}), gz.subarray(0, gz.length - 8)])), LIMITS))).code).toBe('GCT_VOLUME_GZIP_INVALID');
    expect((await rejection(readNrrd(file('short.nrrd', Buffer.concat([header({}), gzipSync(payload.subarray(0, 1000))])), LIMITS))).code).toBe('GCT_VOLUME_TRUNCATED');
    expect((await rejection(readNrrd(file('short-raw.nrrd', Buffer.concat([header({ encoding: 'raw' }), payload.subarray(0, 1000)])), LIMITS))).code).toBe('GCT_VOLUME_TRUNCATED');
    const padded = gzipSync(Buffer.concat([payload, Buffer.alloc(32 * 1024 * 1024)]));
    const e = await rejection(readNrrd(file('padded.nrrd', Buffer.concat([header({}), padded])), LIMITS));
    expect(e.code).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
    expect(e.details.receivedBytes).toBeLessThanOrEqual(payload.length + DECLARED_SLACK_BYTES + (1 << 20));
  });
});
