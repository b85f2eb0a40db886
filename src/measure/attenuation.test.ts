import { describe, expect, it } from 'vitest';
import { GroundctError } from '../errors.ts';
import { classifyAttenuation, lesionAttenuation, meanHuOf, parenchymaStats } from './attenuation.ts';

describe('classifyAttenuation (RadGPT +-SD/10 band)', () => {
  // Parenchyma HU values 50, 60, 70, 80: mean 65, population SD = sqrt((225+25+25+225)/4) = sqrt(125) = 11.1803;
  // iso band half-width = 1.11803 HU.
  const ct = new Int16Array([50, 60, 70, 80, 0, 0]);
  const organ = new Uint32Array([0, 1, 2, 3, 4, 5]);
  const lesion = new Uint32Array([4, 5]);
  const p = parenchymaStats(ct, organ, [lesion])!;

  it('computes the parenchyma statistics by hand', () => {
    expect(p.voxelCount).toBe(4);
    expect(p.huMean).toBeCloseTo(65, 12);
    expect(p.huSd).toBeCloseTo(Math.sqrt(125), 12);
  });

  it('classifies at the band edges', () => {
    expect(classifyAttenuation(66.118, p).class).toBe('iso');
    expect(classifyAttenuation(66.119, p).class).toBe('hyper');
    expect(classifyAttenuation(63.882, p).class).toBe('iso');
    expect(classifyAttenuation(63.881, p).class).toBe('hypo');
    const r = classifyAttenuation(40, p);
    expect(r.class).toBe('hypo');
    expect(r.deltaHu).toBeCloseTo(-25, 12);
    expect(r.isoBandHu).toBeCloseTo(1.118034, 6);
  });

  it('with SD 0 only an equal mean is iso; the closed band includes its edge', () => {
    expect(classifyAttenuation(65, { huMean: 65, huSd: 0 }).class).toBe('iso');
    expect(classifyAttenuation(65.001, { huMean: 65, huSd: 0 }).class).toBe('hyper');
    expect(classifyAttenuation(62, { huMean: 60, huSd: 20 }).class).toBe('iso');
  });

  it('rejects non-finite input with a coded error', () => {
    expect(() => classifyAttenuation(Number.NaN, p)).toThrow(GroundctError);
  });
});

describe('parenchymaStats', () => {
  it('accepts a label array + id and excludes every lesion', () => {
    const ct = new Float32Array([100, 40, 60, 999, -999, 50]);
    const labels = new Uint8Array([0, 1, 1, 1, 1, 1]);
    const s = parenchymaStats(ct, { labels, labelId: 1 }, [new Int32Array([3]), new Uint32Array([4])])!;
    expect(s.voxelCount).toBe(3);
    expect(s.huMean).toBeCloseTo(50, 6);
    expect(s.huSd).toBeCloseTo(Math.sqrt(200 / 3), 6);
  });

  it('returns null when the lesions fill the organ (attenuation undetermined)', () => {
    const ct = new Int16Array([10, 20, 30]);
    expect(parenchymaStats(ct, new Uint32Array([1, 2]), [new Uint32Array([1, 2])])).toBeNull();
    const r = lesionAttenuation(ct, new Uint32Array([1, 2]), new Uint32Array([1, 2]), [new Uint32Array([1, 2])]);
    expect(r.class).toBe('undetermined');
  });

  it('keeps precision with a large HU offset', () => {
    const ct = new Float64Array([1e6 + 1, 1e6 + 3]);
    const s = parenchymaStats(ct, new Uint32Array([0, 1]), [])!;
    expect(s.huMean).toBe(1e6 + 2);
    expect(s.huSd).toBe(1);
  });

  it('rejects voxel indices outside the grid', () => {
    expect(() => parenchymaStats(new Int16Array(3), new Uint32Array([5]), [])).toThrow(/outside the grid/);
  });

  it('lesionAttenuation runs end to end', () => {
    const ct = new Int16Array([50, 60, 70, 80, 20, 30]);
    const r = lesionAttenuation(ct, new Uint32Array([4, 5]), new Uint32Array([0, 1, 2, 3, 4, 5]), [new Uint32Array([4, 5])]);
    expect(r.class).toBe('hypo');
    if (r.class !== 'undetermined') expect(r.deltaHu).toBeCloseTo(-40, 12);
    expect(meanHuOf(ct, new Uint32Array([]))).toBeNull();
  });
});
