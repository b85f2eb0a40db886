import { describe, expect, it } from 'vitest';
import { isGroundctError } from '../errors.ts';
import { ijkToRasPoint, ijkPoint, voxelVolumeMm3 } from '../volume/geometry.ts';
import type { Study } from './types.ts';
import { abdomenPreset, generateStudy, normalPreset, steatosisPreset } from './index.ts';

/** A coarse grid keeps the tests that need no fine detail fast (120 x 80 x 55 voxels). */
const COARSE = { spacingMm: [3, 3.5, 4] as [number, number, number] };

function idOf(study: Study, name: string): number {
  const e = study.labels.labels.find((l) => l.name === name);
  if (!e) throw new Error(`no label ${name}`);
  return e.id;
}

/** Centroid of a label in RAS mm, computed here from the arrays and the affine (independent of truth.ts). */
function rasCentroid(study: Study, name: string): [number, number, number] {
  const entry = study.labels.labels.find((l) => l.name === name)!;
  const layer = study.labels.layers[entry.layer];
  const [ni, nj] = study.labels.grid.dims;
  const s = [0, 0, 0];
  let n = 0;
  for (let index = 0; index < layer.length; index++) {
    if (layer[index] !== entry.id) continue;
    s[0] += index % ni;
    s[1] += Math.floor(index / ni) % nj;
    s[2] += Math.floor(index / (ni * nj));
    n++;
  }
  const p = ijkToRasPoint(study.labels.grid, ijkPoint(s[0] / n, s[1] / n, s[2] / n));
  return [p[0], p[1], p[2]];
}

function expectSpecError(f: () => unknown, fragment: string): void {
  try {
    f();
  } catch (e) {
    expect(isGroundctError(e) && e.code).toBe('GCT_PHANTOM_SPEC_INVALID');
    expect((e as Error).message).toContain(fragment);
    return;
  }
  throw new Error('expected GCT_PHANTOM_SPEC_INVALID');
}

describe('generateStudy: determinism and bookkeeping', () => {
  it('gives the same bytes for the same spec and other noise for another seed', () => {
    const a = generateStudy(normalPreset(COARSE));
    const b = generateStudy(normalPreset(COARSE));
    const c = generateStudy(normalPreset({ ...COARSE, seed: 8 }));
    expect(Buffer.from(a.ct.data.buffer).equals(Buffer.from(b.ct.data.buffer))).toBe(true);
    expect(Buffer.from(a.labels.layers[0].buffer).equals(Buffer.from(b.labels.layers[0].buffer))).toBe(true);
    expect(Buffer.from(a.ct.data.buffer).equals(Buffer.from(c.ct.data.buffer))).toBe(false);
    // The noise changes, the anatomy does not.
    expect(Buffer.from(a.labels.layers[0].buffer).equals(Buffer.from(c.labels.layers[0].buffer))).toBe(true);
    expect(a.ct.meta.seriesInstanceUid).toBe(b.ct.meta.seriesInstanceUid);
    expect(a.ct.meta.seriesInstanceUid).not.toBe(c.ct.meta.seriesInstanceUid);
  });

  it('records volumes equal to voxel count x voxel volume, counted here from the arrays', () => {
    const s = generateStudy(normalPreset(COARSE));
    expect(s.ct.grid.dims).toEqual([120, 80, 55]);
    const vMm3 = voxelVolumeMm3(s.ct.grid);
    expect(vMm3).toBeCloseTo(3 * 3.5 * 4, 9);
    for (const t of s.truth.structures) {
      let n = 0;
      for (const v of s.labels.layers[t.layer]) if (v === t.labelId) n++;
      expect(t.voxelCount, t.name).toBe(n);
      expect(t.volumeMl, t.name).toBeCloseTo((n * vMm3) / 1000, 9);
    }
    // Couinaud segments tile the liver exactly (no lesion in this preset).
    const liver = s.truth.structures.find((t) => t.name === 'liver')!;
    const segments = s.truth.structures.filter((t) => t.name.startsWith('liver_segment_'));
    expect(segments).toHaveLength(8);
    expect(segments.reduce((sum, t) => sum + t.voxelCount, 0)).toBe(liver.voxelCount);
  });

  it('puts the liver on the patient right (+x RAS) and the spleen on the left, in an LPS-stored grid', () => {
    const s = generateStudy(normalPreset(COARSE));
    expect(s.truth.grid.orientation).toBe('LPS');
    const liver = rasCentroid(s, 'liver');
    const spleen = rasCentroid(s, 'spleen');
    expect(liver[0]).toBeGreaterThan(30);
    expect(spleen[0]).toBeLessThan(-50);
    expect(rasCentroid(s, 'kidney_right')[0]).toBeGreaterThan(50);
    expect(rasCentroid(s, 'kidney_left')[0]).toBeLessThan(-50);
    // Aorta left of midline, IVC right of it, both posterior to the liver's centre; SMA anterior to the aorta.
    expect(rasCentroid(s, 'aorta')[0]).toBeLessThan(-10);
    expect(rasCentroid(s, 'inferior_vena_cava')[0]).toBeGreaterThan(10);
    expect(rasCentroid(s, 'superior_mesenteric_artery')[1]).toBeGreaterThan(rasCentroid(s, 'aorta')[1] + 15);
    const truthLiver = s.truth.structures.find((t) => t.name === 'liver')!;
    expect(truthLiver.side).toBe('right');
    expect(truthLiver.rasCentroid[0]).toBeCloseTo(liver[0], 6);
    expect(s.truth.structures.find((t) => t.name === 'spleen')!.side).toBe('left');
    // Vertebrae stack from T10 (top) to L4 (bottom); the end ones are cut by the field of view, the liver is not.
    const z = ['vertebrae_T10', 'vertebrae_T12', 'vertebrae_L1', 'vertebrae_L3', 'vertebrae_L4'].map((n) => rasCentroid(s, n)[2]);
    expect([...z].sort((a, b) => b - a)).toEqual(z);
    const byName = new Map(s.truth.structures.map((t) => [t.name, t]));
    expect(byName.get('vertebrae_T10')!.touchesBorderRas).toEqual(['superior']);
    expect(byName.get('vertebrae_L4')!.touchesBorderRas).toEqual(['inferior']);
    expect(byName.get('liver')!.cutByBorder).toBe(false);
    expect(byName.get('spleen')!.volumeMl).toBeLessThan(314.5);
    expect(byName.get('liver')!.volumeMl).toBeGreaterThan(1200);
    expect(byName.get('liver')!.volumeMl).toBeLessThan(1900);
  });

  it('makes a fatty liver at 30 HU in the steatosis preset and enhances vessels in the portal-venous phase', () => {
    const fatty = generateStudy(steatosisPreset(COARSE));
    const liver = fatty.truth.structures.find((t) => t.name === 'liver')!;
    // ~25 000 voxels with SD 10 HU noise: the mean is within 0.2 HU of the nominal value.
    expect(Math.abs(liver.meanHu - 30)).toBeLessThan(0.2);
    expect(liver.sdHu).toBeGreaterThan(9);
    expect(liver.sdHu).toBeLessThan(11);
    const pv = generateStudy(normalPreset({ ...COARSE, phase: 'portal-venous' }));
    expect(Math.abs(pv.truth.structures.find((t) => t.name === 'aorta')!.meanHu - 160)).toBeLessThan(1);
    expect(pv.ct.meta.contrastAgent).toBeDefined();
    expect(fatty.ct.meta.contrastAgent).toBeUndefined();
  });

  it('refuses bad specs and lesions that do not fit, with GCT_PHANTOM_SPEC_INVALID', () => {
    expectSpecError(() => generateStudy({ noiseSdHu: -1 }), 'noiseSdHu');
    expectSpecError(() => generateStudy({ lesions: [{ organ: 'kidney', diameterMm: 10 }] }), 'side');
    expectSpecError(() => generateStudy({ ...COARSE, lesions: [{ organ: 'liver', segment: 1, diameterMm: 60 }] }), 'does not fit inside liver segment 1');
    expectSpecError(() => generateStudy({ spacingMm: [0.5, 0.5, 0.5] }), 'voxels');
  });
});

describe('generateStudy: abdomen preset lesions', () => {
  const s = generateStudy(abdomenPreset());
  const [liverLesion, pancreasMass, cyst] = s.truth.lesions;
  const layer0 = s.labels.layers[0];
  const layer1 = s.labels.layers[1];
  const [ni, nj, nk] = s.ct.grid.dims;
  const vMm3 = voxelVolumeMm3(s.ct.grid);

  it('holds the 21 mm liver lesion wholly inside segment 7 and inside the liver', () => {
    const lesionId = idOf(s, 'liver_lesion');
    const seg7 = idOf(s, 'liver_segment_7');
    const liverId = idOf(s, 'liver');
    let n = 0;
    for (let index = 0; index < layer0.length; index++) {
      if (layer0[index] !== lesionId) continue;
      n++;
      expect(layer1[index]).toBe(seg7);
      // Every 26-neighbour is liver or lesion: the lesion does not reach the liver surface or a vessel.
      const i = index % ni;
      const j = Math.floor(index / ni) % nj;
      const k = Math.floor(index / (ni * nj));
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const v = layer0[((k + dk) * nj + (j + dj)) * ni + (i + di)];
            if (v !== liverId && v !== lesionId) throw new Error(`lesion voxel ${index} touches label ${v}`);
          }
    }
    expect(n).toBe(liverLesion.voxelCount);
    expect(liverLesion.segments).toEqual(['7']);
    expect(liverLesion.side).toBe('right');
    // A 21 mm sphere is 4/3 pi 10.5^3 = 4849 mm3; voxelised on 2 x 2 x 3 mm it stays within 10 %.
    expect(Math.abs(liverLesion.volumeMl * 1000 - 4849) / 4849).toBeLessThan(0.1);
    expect(liverLesion.volumeMl).toBeCloseTo((n * vMm3) / 1000, 9);
    // Longest axial diameter between voxel centres: within two pixels of the constructed 21 mm.
    expect(Math.abs(liverLesion.axial.longAxisMm - 21)).toBeLessThanOrEqual(4);
    expect(liverLesion.axial.shortAxisMm).toBeLessThanOrEqual(liverLesion.axial.longAxisMm);
    // 55 - 40 = 15 HU nominal against a 55 HU liver: hypoattenuating, mean within 2 HU of 15.
    expect(Math.abs(liverLesion.meanHu - 15)).toBeLessThan(2);
    expect(liverLesion.attenuation).toBe('hypo');
  });

  it('wraps the SMA by the constructed 200 deg, checked on the voxels with plain geometry', () => {
    expect(pancreasMass.labelName).toBe('pancreas_lesion');
    expect(pancreasMass.segments).toContain('head');
    expect(pancreasMass.contact?.vessel).toBe('superior_mesenteric_artery');
    expect(pancreasMass.contact?.constructedAngleDeg).toBe(200);
    // The SMA's straight part is the vertical cylinder x = -8, y = 2 mm, radius 4 mm (abdomen.ts).
    const [vx, vy, r] = [-8, 2, 4];
    const c = pancreasMass.constructed.centerRasMm;
    const u = [c[0] - vx, c[1] - vy].map((v) => v / Math.hypot(c[0] - vx, c[1] - vy));
    const lesionId = idOf(s, 'pancreas_lesion');
    // Axial slice nearest the mass centre.
    const m = s.ct.grid.ijkToRas;
    const k = Math.round((c[2] - m[11]) / m[10]);
    let sector = 0;
    let sectorLesion = 0;
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const x = m[0] * i + m[3];
        const y = m[5] * j + m[7];
        const rho = Math.hypot(x - vx, y - vy);
        if (rho <= r || rho > r + 3) continue;
        const phiDeg = (Math.atan2(u[0] * (y - vy) - u[1] * (x - vx), u[0] * (x - vx) + u[1] * (y - vy)) * 180) / Math.PI;
        const isLesion = layer0[(k * nj + j) * ni + i] === lesionId;
        if (isLesion) expect(Math.abs(phiDeg)).toBeLessThanOrEqual(100 + 1e-9);
        if (Math.abs(phiDeg) <= 100) {
          sector++;
          if (isLesion) sectorLesion++;
        }
      }
    expect(sector).toBeGreaterThan(10);
    expect(sectorLesion / sector).toBeGreaterThan(0.9);
    expect(Math.abs((pancreasMass.contact?.voxelAngleDeg ?? 0) - 200)).toBeLessThan(20);
    // Encasement (>= 180 deg) as RadGPT / AJCC T4 read it; the mass stays about the size asked for.
    expect(pancreasMass.axial.longAxisMm).toBeGreaterThan(24);
    expect(pancreasMass.axial.longAxisMm).toBeLessThan(36);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(nk);
  });

  it('puts the 5 HU cyst in the left kidney and enlarges the spleen past 314.5 mL but not past 430.8 mL', () => {
    expect(cyst.labelName).toBe('kidney_cyst_left');
    expect(cyst.side).toBe('left');
    expect(cyst.rasCentroid[0]).toBeLessThan(-50);
    expect(Math.abs(cyst.meanHu - 5)).toBeLessThan(2);
    expect(cyst.attenuation).toBe('hypo');
    const spleen = s.truth.structures.find((t) => t.name === 'spleen')!;
    expect(spleen.volumeMl).toBeGreaterThan(314.5);
    expect(spleen.volumeMl).toBeLessThan(430.8);
    const kidneyLeft = s.truth.structures.find((t) => t.name === 'kidney_left')!;
    expect(kidneyLeft.volumeWithLesionsMl).toBeCloseTo(kidneyLeft.volumeMl + cyst.volumeMl, 9);
  });
});
