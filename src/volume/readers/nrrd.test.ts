import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from '../../../test/helpers/errors.ts';
import { orientationCode } from '../geometry.ts';
import { parseNrrdHeader, readNrrd, readNrrdBytes } from './nrrd.ts';

const LIMITS = { maxDecompressedBytes: 1024 * 1024, maxVoxels: 100_000 };
const VALUES = [-3, -2, -1, 0, 1, 2, 100, 1000, -1000, 32767, -32768, 7];

function int16(values: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, n) => new DataView(out.buffer).setInt16(n * 2, v, littleEndian));
  return out;
}

/** An attached-header NRRD: header lines, the blank line, then the payload. */
function nrrd(fields: Record<string, string>, payload: Uint8Array, extraLines: string[] = []): Uint8Array {
  const lines = ['NRRD0004', '# made in a test', ...extraLines, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)];
  return Uint8Array.from([...Buffer.from(`${lines.join('\n')}\n\n`, 'latin1'), ...payload]);
}

const BASE = {
  type: 'short',
  dimension: '3',
  space: 'left-posterior-superior',
  sizes: '3 2 2',
  'space directions': '(0.5,0,0) (0,0.75,0) (0,0,2.5)',
  kinds: 'domain domain domain',
  endian: 'little',
  encoding: 'raw',
  'space origin': '(-10,20,-30)',
};
/** BASE in RAS: LPS x and y rows negated (origin (10, -20, -30)); i toward L, j toward P, k toward S. */
const BASE_RAS = [-0.5, 0, 0, 10, 0, -0.75, 0, -20, 0, 0, 2.5, -30, 0, 0, 0, 1];

describe('readNrrdBytes', () => {
  it('reads raw little-endian short in LPS and converts the grid to RAS', () => {
    const img = readNrrdBytes(nrrd(BASE, int16(VALUES)), 'a.nrrd', LIMITS);
    expect(img.grid.dims).toEqual([3, 2, 2]);
    expect(img.grid.ijkToRas).toEqual(BASE_RAS);
    expect(orientationCode(img.grid.ijkToRas)).toBe('LPS');
    expect(img.data).toBeInstanceOf(Int16Array);
    expect(Array.from(img.data)).toEqual(VALUES);
    expect(img.meta).toEqual({ source: { format: 'nrrd', path: 'a.nrrd' } });
  });

  it('reads big-endian and gzip-encoded data, with CRLF header lines', () => {
    const be = readNrrdBytes(nrrd({ ...BASE, endian: 'big' }, int16(VALUES, false)), 'be.nrrd', LIMITS);
    expect(Array.from(be.data)).toEqual(VALUES);
    const gz = readNrrdBytes(nrrd({ ...BASE, encoding: 'gzip' }, gzipSync(int16(VALUES))), 'gz.nrrd', LIMITS);
    expect(Array.from(gz.data)).toEqual(VALUES);
    const crlf = Buffer.from(nrrd(BASE, new Uint8Array(0))).toString('latin1').replace(/\n/g, '\r\n');
    const withCrlf = Uint8Array.from([...Buffer.from(crlf, 'latin1'), ...int16(VALUES)]);
    expect(Array.from(readNrrdBytes(withCrlf, 'crlf.nrrd', LIMITS).data)).toEqual(VALUES);
  });

  it('keeps RAS as is and negates only x for LAS; oblique vectors carry direction x spacing', () => {
    const ras = readNrrdBytes(nrrd({ ...BASE, space: 'RAS' }, int16(VALUES)), 'r.nrrd', LIMITS);
    expect(ras.grid.ijkToRas).toEqual([0.5, 0, 0, -10, 0, 0.75, 0, 20, 0, 0, 2.5, -30, 0, 0, 0, 1]);
    const las = readNrrdBytes(nrrd({ ...BASE, space: 'left-anterior-superior' }, int16(VALUES)), 'l.nrrd', LIMITS);
    expect(las.grid.ijkToRas).toEqual([-0.5, 0, 0, 10, 0, 0.75, 0, 20, 0, 0, 2.5, -30, 0, 0, 0, 1]);
    // i along (0.6, 0.8, 0) x 2 mm in LPS -> (-1.2, -1.6, 0) in RAS.
    const oblique = readNrrdBytes(nrrd({ ...BASE, 'space directions': '(1.2,1.6,0) (-0.8,0.6,0) (0,0,1)' }, int16(VALUES)), 'o.nrrd', LIMITS);
    expect(oblique.grid.ijkToRas.slice(0, 12)).toEqual([-1.2, 0.8, 0, 10, -1.6, -0.6, 0, -20, 0, 0, 1, -30]);
  });

  it('reads every sample type under its NRRD aliases', () => {
    const cases: Array<[string, string, (v: DataView, o: number, x: number) => void, number, number[]]> = [
      ['uchar', 'Uint8Array', (v, o, x) => v.setUint8(o, x), 1, [0, 255, 7]],
      ['signed char', 'Int8Array', (v, o, x) => v.setInt8(o, x), 1, [-128, 127, 7]],
      ['unsigned short', 'Uint16Array', (v, o, x) => v.setUint16(o, x, true), 2, [0, 65535, 7]],
      ['int16_t', 'Int16Array', (v, o, x) => v.setInt16(o, x, true), 2, [-32768, 32767, 7]],
      ['int', 'Int32Array', (v, o, x) => v.setInt32(o, x, true), 4, [-2147483648, 2147483647, 7]],
      ['uint32', 'Uint32Array', (v, o, x) => v.setUint32(o, x, true), 4, [0, 4294967295, 7]],
      ['float', 'Float32Array', (v, o, x) => v.setFloat32(o, x, true), 4, [-1.5, 0.25, 7]],
      ['double', 'Float64Array', (v, o, x) => v.setFloat64(o, x, true), 8, [0.1, -1e300, 7]],
    ];
    for (const [type, ctor, set, bytes, values] of cases) {
      const payload = new Uint8Array(values.length * bytes);
      values.forEach((x, n) => set(new DataView(payload.buffer), n * bytes, x));
      const img = readNrrdBytes(nrrd({ ...BASE, type, sizes: '3 1 1' }, payload), 't.nrrd', LIMITS);
      expect(img.data.constructor.name).toBe(ctor);
      expect(Array.from(img.data)).toEqual(values);
    }
  });

  it('accepts a 4D file whose list axis has size 1, and refuses 3 segments with NOT_3D', () => {
    const four = { ...BASE, dimension: '4', sizes: '1 3 2 2', kinds: 'list domain domain domain', 'space directions': 'none (0.5,0,0) (0,0.75,0) (0,0,2.5)' };
    const img = readNrrdBytes(nrrd(four, int16(VALUES)), 'seg.nrrd', LIMITS);
    expect(img.grid.dims).toEqual([3, 2, 2]);
    expect(img.grid.ijkToRas).toEqual(BASE_RAS);
    expect(Array.from(img.data)).toEqual(VALUES);
    const three = { ...four, sizes: '3 3 2 2' };
    const e = caught(() => readNrrdBytes(nrrd(three, int16([...VALUES, ...VALUES, ...VALUES])), 'seg3.nrrd', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_NOT_3D');
    expect(e.message).toContain('[3, 3, 2, 2]');
  });

  it('keeps key:=value pairs (Slicer segment names) apart from fields', () => {
    const h = parseNrrdHeader(nrrd(BASE, int16(VALUES), ['Segment0_Name:=liver', 'Segment0_LabelValue:=1']), 'k.nrrd');
    expect(h.keyValues.get('Segment0_Name')).toBe('liver');
    expect(h.fields.get('spacedirections')).toBe('(0.5,0,0) (0,0.75,0) (0,0,2.5)');
  });

  it('reads a grid from "spacings" when there are no space directions, with a note', () => {
    const { 'space directions': _d, 'space origin': _o, space: _s, ...rest } = BASE;
    const img = readNrrdBytes(nrrd({ ...rest, spacings: '0.5 0.75 2.5' }, int16(VALUES)), 's.nrrd', LIMITS);
    expect(img.grid.ijkToRas).toEqual([-0.5, 0, 0, 0, 0, -0.75, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1]);
    expect(img.meta.notes?.length).toBe(3);
  });
});

describe('readNrrdBytes: broken files', () => {
  it('wrong magic -> GCT_VOLUME_HEADER_INVALID naming what was found', () => {
    const e = caught(() => readNrrdBytes(Buffer.from('PNG\r\n\x1a\n........'), 'x.nrrd', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(e.message).toContain('PNG');
  });

  it('missing required field -> GCT_VOLUME_HEADER_INVALID naming it', () => {
    const { sizes: _s, ...rest } = BASE;
    expect(caught(() => readNrrdBytes(nrrd(rest, int16(VALUES)), 'x.nrrd', LIMITS)).message).toContain('"sizes"');
  });

  it('data shorter than sizes -> GCT_VOLUME_TRUNCATED with expected and found bytes', () => {
    const e = caught(() => readNrrdBytes(nrrd(BASE, int16(VALUES.slice(0, 10))), 'x.nrrd', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_TRUNCATED');
    expect(e.details).toMatchObject({ expectedBytes: 24, foundBytes: 20 });
  });

  it('truncated gzip payload -> GCT_VOLUME_GZIP_INVALID', () => {
    const gz = gzipSync(int16(VALUES));
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, encoding: 'gzip' }, gz.subarray(0, gz.length - 10)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_GZIP_INVALID');
  });

  it('gzip bomb -> GCT_VOLUME_TOO_LARGE', () => {
    const gz = gzipSync(new Uint8Array(8 * 1024 * 1024));
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, encoding: 'gzip' }, gz), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_TOO_LARGE');
  });

  it('unsupported encoding, type, space and singular directions each have their code', () => {
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, encoding: 'bzip2' }, int16(VALUES)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_ENCODING_UNSUPPORTED');
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, type: 'long long' }, int16(VALUES)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_DATATYPE_UNSUPPORTED');
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, space: 'scanner-xyz' }, int16(VALUES)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, 'space directions': '(1,0,0) (2,0,0) (0,0,1)' }, int16(VALUES)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_AFFINE_INVALID');
    expect(caught(() => readNrrdBytes(nrrd({ ...BASE, 'space origin': '(nan,0,0)' }, int16(VALUES)), 'x.nrrd', LIMITS)).code).toBe('GCT_VOLUME_AFFINE_INVALID');
  });

  it('a detached header given as bytes -> GCT_VOLUME_HEADER_INVALID pointing to readNrrd', () => {
    const e = caught(() => readNrrdBytes(nrrd({ ...BASE, 'data file': 'x.raw' }, new Uint8Array(0)), 'x.nhdr', LIMITS));
    expect(e.code).toBe('GCT_VOLUME_HEADER_INVALID');
    expect(e.message).toContain('readNrrd');
  });
});

describe('readNrrd (from disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gct-nrrd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a detached .nhdr with its gzip data file next to it', async () => {
    writeFileSync(join(dir, 'img.raw.gz'), gzipSync(int16(VALUES)));
    const header = nrrd({ ...BASE, encoding: 'gzip', 'data file': 'img.raw.gz' }, new Uint8Array(0));
    writeFileSync(join(dir, 'img.nhdr'), header.subarray(0, header.length - 1)); // a .nhdr may end without the blank line
    const img = await readNrrd(join(dir, 'img.nhdr'), LIMITS);
    expect(img.grid.ijkToRas).toEqual(BASE_RAS);
    expect(Array.from(img.data)).toEqual(VALUES);
  });

  it('a missing data file -> GCT_VOLUME_NOT_FOUND', async () => {
    writeFileSync(join(dir, 'lost.nhdr'), nrrd({ ...BASE, 'data file': 'lost.raw' }, new Uint8Array(0)));
    await expect(readNrrd(join(dir, 'lost.nhdr'), LIMITS)).rejects.toMatchObject({ code: 'GCT_VOLUME_NOT_FOUND' });
  });
});
