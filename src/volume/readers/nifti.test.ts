import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from '../../../test/helpers/errors.ts';
import { nifti1, nifti2, SIX_BY_FOUR, type HeaderFields } from '../../../test/helpers/nifti-builder.ts';
import { readNifti, readNiftiBytes } from './nifti.ts';

/** Headers come from test/helpers/nifti-builder.ts: byte by byte from nifti1.h / nifti2.h, not from our writer. */
type Setter = 'setInt8' | 'setUint8' | 'setInt16' | 'setUint16' | 'setInt32' | 'setUint32' | 'setFloat32' | 'setFloat64';
function samples(setter: Setter, bytes: number, values: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const v = new DataView(out.buffer);
  values.forEach((x, n) => (v[setter] as (o: number, x: number, le: boolean) => void).call(v, n * bytes, x, littleEndian));
  return out;
}

const LIMITS = { maxDecompressedBytes: 1024 * 1024, maxVoxels: 100_000 };
const VALUES = [-3, -2, -1, 0, 1, 2, 100, 1000, -1000, 32767, -32768, 7];
/** An sform: 2 mm along +x, 3 mm along +y, 4 mm along +z, origin (10, 20, 30). */
const SROW = [2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30];

describe('readNiftiBytes: headers', () => {
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'little' : 'big';
    it(`reads a NIfTI-1 ${order}-endian int16 file: dims, sform and voxel order`, () => {
      const bytes = nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW }, samples('setInt16', 2, VALUES, littleEndian), littleEndian);
      const img = readNiftiBytes(bytes, 'a.nii', LIMITS);
      expect(img.grid.dims).toEqual([3, 2, 2]);
      expect(img.grid.ijkToRas).toEqual([...SROW, 0, 0, 0, 1]);
      expect(img.data).toBeInstanceOf(Int16Array);
      expect(Array.from(img.data)).toEqual(VALUES);
      expect(img.meta).toEqual({ source: { format: 'nifti', path: 'a.nii' } });
    });

    it(`reads a NIfTI-2 ${order}-endian float64 file`, () => {
      const values = VALUES.map((x) => x + 0.25);
      const bytes = nifti2({ ...SIX_BY_FOUR, datatype: 64, bitpix: 64, sformCode: 2, srow: SROW }, samples('setFloat64', 8, values, littleEndian), littleEndian);
      const img = readNiftiBytes(bytes, 'b.nii', LIMITS);
      expect(img.grid.dims).toEqual([3, 2, 2]);
      expect(img.grid.ijkToRas).toEqual([...SROW, 0, 0, 0, 1]);
      expect(img.data).toBeInstanceOf(Float64Array);
      expect(Array.from(img.data)).toEqual(values);
    });
  }

  it('reads every supported datatype with its own typed array', () => {
    const cases: Array<[number, number, Setter, number[], string]> = [
      [2, 8, 'setUint8', [0, 1, 2, 200, 255, 7], 'Uint8Array'],
      [256, 8, 'setInt8', [-128, -1, 0, 1, 127, 5], 'Int8Array'],
      [4, 16, 'setInt16', [-32768, -1, 0, 1, 32767, 5], 'Int16Array'],
      [512, 16, 'setUint16', [0, 1, 65535, 40000, 2, 3], 'Uint16Array'],
      [8, 32, 'setInt32', [-2147483648, -1, 0, 70000, 2147483647, 3], 'Int32Array'],
      [768, 32, 'setUint32', [0, 1, 4294967295, 3000000000, 2, 3], 'Uint32Array'],
      [16, 32, 'setFloat32', [-1.5, 0, 0.25, 1e10, -1024, 3], 'Float32Array'],
      [64, 64, 'setFloat64', [-1.5, 0, 0.1, 1e300, -1024, 3], 'Float64Array'],
    ];
    for (const [datatype, bitpix, setter, values, ctor] of cases) {
      for (const le of [true, false]) {
        const h = { dim: [3, 3, 2, 1, 1, 1, 1, 1], datatype, bitpix, sformCode: 1, srow: SROW };
        const img = readNiftiBytes(nifti1(h, samples(setter, bitpix / 8, values, le), le), 't.nii', LIMITS);
        expect(img.data.constructor.name).toBe(ctor);
        expect(Array.from(img.data)).toEqual(values);
      }
    }
  });

  it('converts int64 labels to int32, and int64 beyond int32 to float64', () => {
    const asInt64 = (values: bigint[]): Uint8Array => {
      const out = new Uint8Array(values.length * 8);
      values.forEach((x, n) => new DataView(out.buffer).setBigInt64(n * 8, x, true));
      return out;
    };
    const h = { dim: [3, 2, 1, 1, 1, 1, 1, 1], datatype: 1024, bitpix: 64, sformCode: 1, srow: SROW };
    const small = readNiftiBytes(nifti1(h, asInt64([5n, -7n])), 'i64.nii', LIMITS);
    expect(small.data).toBeInstanceOf(Int32Array);
    expect(Array.from(small.data)).toEqual([5, -7]);
    const big = readNiftiBytes(nifti1(h, asInt64([2n ** 40n, 1n])), 'i64.nii', LIMITS);
    expect(big.data).toBeInstanceOf(Float64Array);
    expect(Array.from(big.data)).toEqual([2 ** 40, 1]);
    expect(caught(() => readNiftiBytes(nifti1(h, asInt64([2n ** 60n, 1n])), 'i64.nii', LIMITS)).code).toBe('GCT_VOLUME_DATATYPE_UNSUPPORTED');
  });

  it('honours vox_offset past an extension, and reads vox_offset 0 as 352', () => {
    const payload = samples('setInt16', 2, VALUES);
    const withExtension = nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW, voxOffset: 368 }, payload);
    withExtension.fill(0x55, 352, 368); // extension bytes that must not be read as voxels
    expect(Array.from(readNiftiBytes(withExtension, 'x.nii', LIMITS).data)).toEqual(VALUES);
    const zero = readNiftiBytes(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW, voxOffset: 0 }, payload), 'z.nii', LIMITS);
    expect(Array.from(zero.data)).toEqual(VALUES);
    expect(zero.meta.notes?.[0]).toContain('vox_offset 0');
  });

  it('accepts 4D and 5D headers whose extra dimensions are 1', () => {
    const payload = samples('setInt16', 2, VALUES);
    expect(readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [4, 3, 2, 2, 1, 1, 1, 1], sformCode: 1, srow: SROW }, payload), '4d.nii', LIMITS).grid.dims).toEqual([3, 2, 2]);
    expect(readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [5, 3, 2, 2, 1, 1, 1, 1], sformCode: 1, srow: SROW }, payload), '5d.nii', LIMITS).grid.dims).toEqual([3, 2, 2]);
  });
});

describe('readNiftiBytes: affine choice (as nibabel get_best_affine)', () => {
  const payload = samples('setInt16', 2, VALUES);
  // qform: 90 degrees about z (b = c = 0, d = sin 45°, so a = cos 45°): i -> +y, j -> -x, k -> +z.
  const QUARTERNION_Z90: [number, number, number] = [0, 0, Math.SQRT1_2];
  const qformHeader: HeaderFields = { ...SIX_BY_FOUR, pixdim: [1, 2, 3, 4, 1, 1, 1, 1], qformCode: 1, quatern: QUARTERNION_Z90, qoffset: [-5, 6, -7] };
  /** R(z, 90°) · diag(2, 3, 4), offset (-5, 6, -7), worked by hand from nifti1.h's R(a, b, c, d). */
  const QFORM_MATRIX = [0, -3, 0, -5, 2, 0, 0, 6, 0, 0, 4, -7, 0, 0, 0, 1];

  it('prefers the sform when both codes are set and the matrices differ', () => {
    const img = readNiftiBytes(nifti1({ ...qformHeader, sformCode: 2, srow: SROW }, payload), 'both.nii', LIMITS);
    expect(img.grid.ijkToRas).toEqual([...SROW, 0, 0, 0, 1]);
  });

  it('uses the qform when sform_code is 0', () => {
    const m = readNiftiBytes(nifti1({ ...qformHeader, srow: SROW }, payload), 'q.nii', LIMITS).grid.ijkToRas;
    m.forEach((v, n) => expect(v).toBeCloseTo(QFORM_MATRIX[n], 6));
  });

  it('flips k when qfac (pixdim[0]) is -1, in NIfTI-1 and NIfTI-2', () => {
    const h = { ...qformHeader, pixdim: [-1, 2, 3, 4, 1, 1, 1, 1] };
    const expected = QFORM_MATRIX.map((v, n) => (n === 10 ? -v : v));
    for (const bytes of [nifti1(h, payload), nifti2(h, payload)]) {
      const m = readNiftiBytes(bytes, 'qfac.nii', LIMITS).grid.ijkToRas;
      m.forEach((v, n) => expect(v).toBeCloseTo(expected[n], 6));
    }
  });

  it('reads qfac 0 as 1', () => {
    const m = readNiftiBytes(nifti1({ ...qformHeader, pixdim: [0, 2, 3, 4, 1, 1, 1, 1] }, payload), 'q0.nii', LIMITS).grid.ijkToRas;
    m.forEach((v, n) => expect(v).toBeCloseTo(QFORM_MATRIX[n], 6));
  });

  it('falls back to diag(pixdim) with a note when both codes are 0', () => {
    const img = readNiftiBytes(nifti1({ ...SIX_BY_FOUR, pixdim: [1, 0.5, 0.75, 2.5, 1, 1, 1, 1] }, payload), 'none.nii', LIMITS);
    expect(img.grid.ijkToRas).toEqual([0.5, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1]);
    expect(img.meta.notes?.join(' ')).toContain('both 0');
  });

  it('converts metres and micrometres to mm (xyzt_units)', () => {
    const metres = readNiftiBytes(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: [0.002, 0, 0, 0.01, 0, 0.003, 0, 0.02, 0, 0, 0.004, 0.03], xyztUnits: 1 }, payload), 'm.nii', LIMITS);
    metres.grid.ijkToRas.forEach((v, n) => expect(v).toBeCloseTo([...SROW, 0, 0, 0, 1][n], 4));
    expect(metres.meta.notes?.join(' ')).toContain('metre');
    const microns = readNiftiBytes(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW.map((x) => x * 1000), xyztUnits: 3 }, payload), 'um.nii', LIMITS);
    microns.grid.ijkToRas.forEach((v, n) => expect(v).toBeCloseTo([...SROW, 0, 0, 0, 1][n], 6));
  });
});

describe('readNiftiBytes: scl_slope / scl_inter', () => {
  const h = { dim: [3, 4, 1, 1, 1, 1, 1, 1], sformCode: 1, srow: SROW };

  it('int16 x 1 + (-1024) stays int16 when it fits, and records meta.rescale', () => {
    const img = readNiftiBytes(nifti1({ ...h, datatype: 4, bitpix: 16, slope: 1, inter: -1024 }, samples('setInt16', 2, [0, 1024, 3000, 31000])), 's.nii', LIMITS);
    expect(img.data).toBeInstanceOf(Int16Array);
    expect(Array.from(img.data)).toEqual([-1024, 0, 1976, 29976]);
    expect(img.meta.rescale).toEqual({ slope: 1, intercept: -1024 });
  });

  it('widens to int16 (uint8/uint16 going negative) and to int32 (past the int16 range)', () => {
    const u8 = readNiftiBytes(nifti1({ ...h, datatype: 2, bitpix: 8, slope: 1, inter: -1024 }, samples('setUint8', 1, [0, 10, 200, 255])), 'u8.nii', LIMITS);
    expect(u8.data).toBeInstanceOf(Int16Array);
    expect(Array.from(u8.data)).toEqual([-1024, -1014, -824, -769]);
    const u16 = readNiftiBytes(nifti1({ ...h, datatype: 512, bitpix: 16, slope: 1, inter: -1024 }, samples('setUint16', 2, [0, 1024, 4000, 60000])), 'u16.nii', LIMITS);
    expect(u16.data).toBeInstanceOf(Int32Array);
    expect(Array.from(u16.data)).toEqual([-1024, 0, 2976, 58976]);
    const wide = readNiftiBytes(nifti1({ ...h, datatype: 4, bitpix: 16, slope: 2, inter: 1000 }, samples('setInt16', 2, [-32768, 0, 1, 32767])), 'w.nii', LIMITS);
    expect(wide.data).toBeInstanceOf(Int32Array);
    expect(Array.from(wide.data)).toEqual([-64536, 1000, 1002, 66534]);
  });

  it('gives float32 for a fractional slope', () => {
    const img = readNiftiBytes(nifti1({ ...h, datatype: 4, bitpix: 16, slope: 0.5, inter: -1.25 }, samples('setInt16', 2, [0, 1, 2, -3])), 'f.nii', LIMITS);
    expect(img.data).toBeInstanceOf(Float32Array);
    expect(Array.from(img.data)).toEqual([-1.25, -0.75, -0.25, -2.75]);
    expect(img.meta.rescale).toEqual({ slope: 0.5, intercept: -1.25 });
  });

  it('ignores slope 0, NaN and the identity (1, 0)', () => {
    for (const [slope, inter] of [[0, 5], [NaN, 5], [1, 0]]) {
      const img = readNiftiBytes(nifti1({ ...h, datatype: 4, bitpix: 16, slope, inter }, samples('setInt16', 2, [0, 1, 2, -3])), 'n.nii', LIMITS);
      expect(img.data).toBeInstanceOf(Int16Array);
      expect(Array.from(img.data)).toEqual([0, 1, 2, -3]);
      expect(img.meta.rescale).toBeUndefined();
    }
  });
});

describe('readNiftiBytes: broken files, each with its own code', () => {
  const good = (): Uint8Array => nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW }, samples('setInt16', 2, VALUES));

  it('truncated .gz -> GCT_VOLUME_GZIP_INVALID', () => {
    const gz = gzipSync(good());
    expect(caught(() => readNiftiBytes(gz.subarray(0, gz.length - 30), 'cut.nii.gz', LIMITS)).code).toBe('GCT_VOLUME_GZIP_INVALID');
  });

  it('wrong magic -> GCT_VOLUME_HEADER_INVALID naming the bytes found', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, magic: 'abc\0' }, samples('setInt16', 2, VALUES)), 'm.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(e.message).toContain('61 62 63 00');
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(400).fill(0)]);
    const e2 = caught(() => readNiftiBytes(png, 'p.nii', LIMITS));
    expect(e2.code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(e2.message).toContain('89 50 4e 47');
    expect(caught(() => readNiftiBytes(new Uint8Array(3), 'tiny.nii', LIMITS)).code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(caught(() => readNiftiBytes(good().subarray(0, 200), 'short.nii', LIMITS)).code).toBe('GCT_VOLUME_HEADER_INVALID');
  });

  it('NIfTI pair header (ni1) -> GCT_VOLUME_HEADER_INVALID saying why', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, magic: 'ni1\0' }, new Uint8Array(0)), 'a.hdr', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(e.message).toContain('.img');
  });

  it('dims larger than the data -> GCT_VOLUME_TRUNCATED with expected and found bytes', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [3, 3, 2, 3, 1, 1, 1, 1], sformCode: 1, srow: SROW }, samples('setInt16', 2, VALUES)), 'd.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_TRUNCATED');
    // 3x2x3 int16 = 36 bytes after offset 352 = 388 expected; 352 + 24 = 376 found.
    expect(e.details).toMatchObject({ expectedBytes: 388, foundBytes: 376 });
    expect(e.message).toContain('36 bytes');
  });

  it('NaN in the sform -> GCT_VOLUME_AFFINE_INVALID', () => {
    const srow = [...SROW];
    srow[5] = NaN;
    expect(caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow }, samples('setInt16', 2, VALUES)), 'nan.nii', LIMITS)).code).toBe('GCT_VOLUME_AFFINE_INVALID');
  });

  it('singular sform (two equal columns) -> GCT_VOLUME_AFFINE_INVALID', () => {
    const srow = [2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0];
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow }, samples('setInt16', 2, VALUES)), 'sing.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_AFFINE_INVALID');
    expect(e.message).toContain('singular');
  });

  it('complex64 (datatype 32) -> GCT_VOLUME_DATATYPE_UNSUPPORTED naming code, name and the supported types', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, datatype: 32, bitpix: 64, sformCode: 1, srow: SROW }, new Uint8Array(96)), 'c.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_DATATYPE_UNSUPPORTED');
    expect(e.message).toContain('32 (complex64)');
    expect(e.message).toContain('float32 (16)');
    expect(caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, datatype: 128, bitpix: 24, sformCode: 1, srow: SROW }, new Uint8Array(36)), 'rgb.nii', LIMITS)).message).toContain('rgb24');
  });

  it('4D with 3 volumes -> GCT_VOLUME_NOT_3D stating the dims', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [4, 3, 2, 2, 3, 1, 1, 1], sformCode: 1, srow: SROW }, new Uint8Array(72)), '4d.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_NOT_3D');
    expect(e.message).toContain('[3, 2, 2, 3]');
    expect(caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [2, 3, 2, 1, 1, 1, 1, 1] }, new Uint8Array(12)), '2d.nii', LIMITS)).code).toBe('GCT_VOLUME_NOT_3D');
  });

  it('gzip bomb past a low limit -> GCT_VOLUME_TOO_LARGE', () => {
    // A valid header declaring 128^3 int16 (4 MiB of zeros, about 4 kB compressed) against a 1 MiB limit.
    const big = nifti1({ ...SIX_BY_FOUR, dim: [3, 128, 128, 128, 1, 1, 1, 1], sformCode: 1, srow: SROW }, new Uint8Array(128 ** 3 * 2));
    const gz = gzipSync(big);
    expect(gz.length).toBeLessThan(20_000);
    const e = caught(() => readNiftiBytes(gz, 'bomb.nii.gz', { maxDecompressedBytes: 1024 * 1024, maxVoxels: 10_000_000 }));
    expect(e.code).toBe('GCT_VOLUME_TOO_LARGE');
    expect(e.message).toContain('1048576');
  });

  it('more voxels than maxVoxels -> GCT_VOLUME_TOO_LARGE before reading data', () => {
    const e = caught(() => readNiftiBytes(nifti1({ ...SIX_BY_FOUR, dim: [3, 1000, 1000, 1000, 1, 1, 1, 1], sformCode: 1, srow: SROW }, new Uint8Array(0)), 'huge.nii', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_TOO_LARGE');
    expect(e.details).toMatchObject({ voxels: 1e9 });
  });
});

describe('readNifti (from disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gct-nifti-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gunzips by magic bytes whatever the extension', async () => {
    const path = join(dir, 'really-gzip.nii');
    writeFileSync(path, gzipSync(nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW }, samples('setInt16', 2, VALUES))));
    const img = await readNifti(path, LIMITS);
    expect(Array.from(img.data)).toEqual(VALUES);
    expect(img.meta.source).toEqual({ format: 'nifti', path });
  });

  // A small .nii.gz is inflated in one call and its voxels used in place when their offset suits the sample type
  // (NiftiReceiver.writeWhole); an odd offset falls back to a copy. Both must give the same samples, in host order.
  it('small gzip files: voxels in place (aligned), copied (odd vox_offset), both byte orders', async () => {
    for (const littleEndian of [true, false]) {
      for (const voxOffset of [352, 369]) {
        const values = VALUES.map((x) => x * 0.5 + 0.25);
        const file = join(dir, `small-${littleEndian}-${voxOffset}.nii.gz`);
        writeFileSync(file, gzipSync(nifti1({ ...SIX_BY_FOUR, datatype: 16, bitpix: 32, sformCode: 1, srow: SROW, voxOffset }, samples('setFloat32', 4, values, littleEndian), littleEndian)));
        const img = await readNifti(file, LIMITS);
        expect(img.data).toBeInstanceOf(Float32Array);
        expect(Array.from(img.data)).toEqual(values);
        expect(img.grid.dims).toEqual([3, 2, 2]);
      }
    }
  });

  it('a small gzip file that inflates past what its header declares -> GCT_VOLUME_DECOMPRESSED_MISMATCH', async () => {
    const file = join(dir, 'padded.nii.gz');
    const honest = nifti1({ ...SIX_BY_FOUR, sformCode: 1, srow: SROW }, samples('setInt16', 2, VALUES));
    // Past the declared bytes plus DECLARED_SLACK_BYTES (1 MiB), well under the configured limit.
    const padded = new Uint8Array(honest.length + 2 * 1024 * 1024);
    padded.set(honest);
    writeFileSync(file, gzipSync(padded));
    await expect(readNifti(file, { ...LIMITS, maxDecompressedBytes: 64 * 1024 * 1024 })).rejects.toMatchObject({ code: 'GCT_VOLUME_DECOMPRESSED_MISMATCH' });
  });

  it('a missing file -> GCT_VOLUME_NOT_FOUND', async () => {
    await expect(readNifti(join(dir, 'absent.nii.gz'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_FOUND' });
  });
});
