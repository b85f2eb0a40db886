import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Grid, type Mat3 } from '../geometry.ts';
import type { VoxelArray } from '../types.ts';
import { encodeNifti, writeNifti } from './nifti-write.ts';
import { readNifti, readNiftiBytes } from './nifti.ts';

const LIMITS = { maxDecompressedBytes: 16 * 1024 * 1024, maxVoxels: 1_000_000 };

/** Rotation about z by `t` then about x by `u` (radians), row-major. */
function rotation(t: number, u: number): number[] {
  const rz = [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(u), -Math.sin(u), 0, Math.sin(u), Math.cos(u)];
  return rz.map((_, n) => {
    const r = Math.floor(n / 3);
    const c = n % 3;
    return rz[r * 3] * rx[c] + rz[r * 3 + 1] * rx[3 + c] + rz[r * 3 + 2] * rx[6 + c];
  });
}

function grid(direction: Mat3, spacingMm: [number, number, number] = [0.5, 1.5, 2.5]): Grid {
  return { dims: [4, 3, 2], ijkToRas: makeIjkToRas({ spacingMm, direction, originRas: rasPoint(10, -20, 30) }) };
}

/** Reads the encoded file as a reader would if only its qform were set: sform_code (offset 254) -> 0. */
function qformOnly(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  new DataView(copy.buffer).setInt16(254, 0, true);
  return copy;
}

const OBLIQUE = rotation(0.3, -0.7);
const LEFT_HANDED = OBLIQUE.map((v, n) => (n % 3 === 2 ? -v : v)); // k column negated: det = -1

describe('encodeNifti -> readNiftiBytes round trip', () => {
  const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const arrays: VoxelArray[] = [
    Uint8Array.from(values.map((v) => v * 10)),
    Int8Array.from(values.map((v) => v - 12)),
    Int16Array.from(values.map((v) => v * 1000 - 12000)),
    Uint16Array.from(values.map((v) => v * 2800)),
    Int32Array.from(values.map((v) => v * 100_000_000 - 1_200_000_000)),
    Uint32Array.from(values.map((v) => v * 180_000_000)),
    Float32Array.from(values.map((v) => v * 0.125 - 1)),
    Float64Array.from(values.map((v) => v / 3)),
  ];
  for (const data of arrays) {
    it(`keeps ${data.constructor.name} values, type and grid`, () => {
      const g = grid(OBLIQUE);
      const back = readNiftiBytes(encodeNifti({ grid: g, data }), 'rt.nii', LIMITS);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      expect(back.grid.dims).toEqual([4, 3, 2]);
      // The sform is stored as float32: about 7 significant digits.
      back.grid.ijkToRas.forEach((v, n) => expect(v).toBeCloseTo(g.ijkToRas[n], 5));
      expect(back.meta.rescale).toBeUndefined();
    });
  }

  for (const [name, direction] of [['a proper rotation', OBLIQUE], ['a left-handed grid (qfac -1)', LEFT_HANDED], ['an LPS-stored axis-aligned grid', [-1, 0, 0, 0, -1, 0, 0, 0, 1]]] as const) {
    it(`writes a qform equal to the sform for ${name}`, () => {
      const g = grid(direction);
      const bytes = encodeNifti({ grid: g, data: new Int16Array(24) });
      const view = new DataView(bytes.buffer);
      expect(view.getInt16(252, true)).toBe(1); // qform_code scanner
      expect(view.getInt16(254, true)).toBe(1); // sform_code scanner
      expect(view.getFloat32(76, true)).toBe(direction === LEFT_HANDED ? -1 : 1); // qfac
      expect([view.getFloat32(80, true), view.getFloat32(84, true), view.getFloat32(88, true)]).toEqual([0.5, 1.5, 2.5]);
      const viaQform = readNiftiBytes(qformOnly(bytes), 'q.nii', LIMITS).grid.ijkToRas;
      viaQform.forEach((v, n) => expect(v).toBeCloseTo(g.ijkToRas[n], 5));
    });
  }

  it('writes no qform for a sheared grid (the sform alone places it)', () => {
    const sheared: Grid = { dims: [4, 3, 2], ijkToRas: [1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] };
    const bytes = encodeNifti({ grid: sheared, data: new Uint8Array(24) });
    expect(new DataView(bytes.buffer).getInt16(252, true)).toBe(0);
    expect(readNiftiBytes(bytes, 's.nii', LIMITS).grid.ijkToRas).toEqual(sheared.ijkToRas);
  });

  it('stores the description in descrip (ASCII, at most 79 characters)', () => {
    const bytes = encodeNifti({ grid: grid(OBLIQUE), data: new Uint8Array(24) }, { description: `liver mask ${'x'.repeat(100)}` });
    const descrip = Buffer.from(bytes.subarray(148, 228)).toString('latin1');
    expect(descrip.startsWith('liver mask xxx')).toBe(true);
    expect(descrip.indexOf('\0')).toBe(79);
  });

  it('refuses data whose length disagrees with the grid', () => {
    expect(() => encodeNifti({ grid: grid(OBLIQUE), data: new Uint8Array(23) })).toThrow(/23 voxels/);
  });
});

describe('writeNifti', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gct-nifti-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const image = { grid: grid(OBLIQUE), data: Int16Array.from({ length: 24 }, (_, n) => n * 3 - 40) };

  it('gzips .nii.gz, writes .nii plain, and both read back; no temporary file is left', async () => {
    await writeNifti(join(dir, 'a.nii.gz'), image);
    await writeNifti(join(dir, 'b.nii'), image);
    expect(readFileSync(join(dir, 'a.nii.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(readFileSync(join(dir, 'b.nii')).length).toBe(352 + 48);
    for (const name of ['a.nii.gz', 'b.nii']) expect(Array.from((await readNifti(join(dir, name), LIMITS)).data)).toEqual(Array.from(image.data));
    expect(readdirSync(dir).sort()).toEqual(['a.nii.gz', 'b.nii']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'c.nii');
    await writeNifti(path, { grid: image.grid, data: new Int16Array(24).fill(7) });
    await writeNifti(path, image);
    expect(Array.from((await readNifti(path, LIMITS)).data)).toEqual(Array.from(image.data));
  });

  it('fails with GCT_VOLUME_WRITE_FAILED into a missing folder and leaves nothing behind', async () => {
    await expect(writeNifti(join(dir, 'no-such-folder', 'x.nii'), image)).rejects.toMatchObject({ code: 'GCT_VOLUME_WRITE_FAILED' });
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('removes its temporary file when the final rename fails (target is a folder)', async () => {
    const target = join(dir, 'occupied.nii');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    await expect(writeNifti(target, image)).rejects.toMatchObject({ code: 'GCT_VOLUME_WRITE_FAILED' });
    expect(readdirSync(dir).filter((f) => f.startsWith('occupied'))).toEqual(['occupied.nii']);
  });
});
