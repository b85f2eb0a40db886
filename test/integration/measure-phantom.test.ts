import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { abdomenPreset, allOrientations, generateStudy, orientationName, reorientStudy } from '../../src/phantom/index.ts';
import { spacingOf } from '../../src/volume/index.ts';

/**
 * The measurement engine against a synthetic study with exact truth, stored in several of the 48 axis
 * orderings (including the S-I axis along i): everything must come out the same, because every position
 * is taken through the affine.
 */
const config = defaultConfig();
const base = generateStudy(abdomenPreset());
const orientations = allOrientations();
// Identity, S-I along i with flips, S-I along j, everything flipped.
const picked = [orientations[0], ...orientations.filter((o) => o.permutation[0] === 2 && o.flips[0]).slice(0, 1), ...orientations.filter((o) => o.permutation[1] === 2).slice(0, 1), ...orientations.filter((o) => o.flips.every(Boolean)).slice(0, 1)];

describe.each(picked.map((o) => [orientationName(o), o] as const))('abdomen phantom stored as %s', (_, orientation) => {
  const study = reorientStudy(base, orientation);
  const { truth } = study;
  const m = measureStudy(study.ct, study.labels, { measure: config.measure, phase: 'non-contrast', provenance: { ct: 'phantom', masks: 'phantom' } });
  const halfVoxelDiagonalMm = Math.hypot(...spacingOf(study.ct.grid)) / 2;

  it('organ volumes equal the truth exactly, mean HU to 1e-6', () => {
    for (const t of truth.structures.filter((s) => s.voxelCount > 0)) {
      const s = m.structures.find((x) => x.sourceName === t.name)!;
      expect(s.voxelCount, t.name).toBe(t.voxelCount);
      expect(s.volumeMl, t.name).toBeCloseTo(t.volumeMl, 9);
      expect(s.huMean!, t.name).toBeCloseTo(t.meanHu, 6);
      expect(s.partiallyImaged, t.name).toBe(t.cutByBorder);
    }
  });

  it('each planted lesion has its organ, side, segment, size, attenuation and SMA contact', () => {
    expect(m.lesions).toHaveLength(truth.lesions.length);
    for (const t of truth.lesions) {
      const l = m.lesions.find((x) => x.labelName === t.labelName)!;
      expect(l.voxelCount).toBe(t.voxelCount);
      expect(l.side).toBe(t.side);
      expect(l.organ).toContain(t.organ === 'kidney' ? 'kidney' : t.organ);
      expect(l.segments.map((s) => s.replace(/^liver_segment_|^pancreas_/, ''))).toEqual([...t.segments]);
      expect(Math.abs(l.longAxisMm - t.axial.longAxisMm)).toBeLessThanOrEqual(halfVoxelDiagonalMm);
      expect(Math.abs(l.shortAxisMm - t.axial.shortAxisMm)).toBeLessThanOrEqual(halfVoxelDiagonalMm);
      expect(l.attenuation?.class).toBe(t.attenuation);
      if (t.contact) {
        const c = l.contacts.find((x) => x.vessel === 'superior_mesenteric_artery')!;
        expect(Math.abs(c.contactAngleDeg - t.contact.constructedAngleDeg)).toBeLessThanOrEqual(15);
        expect(c.contactClass).toBe('encasement');
      }
    }
  });

  it('the liver lesion is assigned the vertebra nearest its centroid height', () => {
    const liverLesion = m.lesions.find((l) => l.labelName === 'liver_lesion')!;
    const z = liverLesion.rasCentroid[2];
    const gapMm = (s: (typeof m.structures)[number]) => Math.max(0, s.rasBounds!.min[2] - z, z - s.rasBounds!.max[2]);
    const nearest = m.structures.filter((s) => s.name?.startsWith('vertebrae_') && s.voxelCount > 0).sort((a, b) => gapMm(a) - gapMm(b))[0];
    expect(liverLesion.vertebralLevel!.centroidLevel).toBe(nearest.name!.replace('vertebrae_', ''));
  });
});
