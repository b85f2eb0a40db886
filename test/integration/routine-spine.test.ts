import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseName } from '../../src/anatomy/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { measureStructures } from '../../src/measure/structure-stats.ts';
import { measureVertebralBodies } from '../../src/measure/vertebral-body.ts';
import { spinePhantom, type SpinePhantomSpec } from '../../src/phantom/spine-phantom.ts';
import { loadStudy } from '../../src/pipeline.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * Vertebral body heights, Genant grading and L1 attenuation against a spine phantom with known wedge heights (an
 * L1 wedge fracture of known loss, an L1 trabecular core of known HU), in several orientations and spacings, with
 * and without TotalSegmentator's vertebrae_body mask; and on the real T11-L2 of TotalSegmentator's example.
 */

const VERTEBRAE: SpinePhantomSpec['vertebrae'] = [
  { level: 'T12', posteriorHeightMm: 24, anteriorHeightMm: 23, trabecularHu: 180 },
  // A wedge: h(f) = 26 - 12 f; at the measured columns 15 / 50 / 85 %: 24.2, 20.0, 15.8 mm; loss 1 - 15.8 / 24.2 = 34.7 %.
  { level: 'L1', posteriorHeightMm: 26, anteriorHeightMm: 14, trabecularHu: 95 },
  { level: 'L2', posteriorHeightMm: 27, anteriorHeightMm: 27, trabecularHu: 170 },
  { level: 'L3', posteriorHeightMm: 28, anteriorHeightMm: 28, trabecularHu: 160 },
];

describe('spine phantom: heights in several orientations and spacings', () => {
  it.each([
    { name: '1 mm isotropic', spacingMm: [1, 1, 1] as const },
    { name: '0.8 x 0.8 x 2.5 mm, permuted and flipped', spacingMm: [0.8, 0.8, 2.5] as const, orientation: { permutation: [2, 0, 1] as const, flips: [false, true, true] as const } },
    { name: '1.2 mm, with the vertebrae_body mask', spacingMm: [1.2, 1.2, 1.2] as const, withBodyMask: true, orientation: { permutation: [1, 0, 2] as const, flips: [true, false, false] as const } },
  ])('$name', ({ spacingMm, orientation, withBodyMask }) => {
    const p = spinePhantom({ spacingMm: [...spacingMm], vertebrae: VERTEBRAE, ...(orientation ? { orientation } : {}), ...(withBodyMask ? { withBodyMask } : {}) });
    const structures = measureStructures(p.ct, p.labels, { names: (s) => normaliseName(s).canonical });
    const bodies = measureVertebralBodies(p.ct, p.labels, structures);
    expect(bodies.map((b) => b.level)).toEqual(['T12', 'L1', 'L2', 'L3']);
    // Each endplate of a binary mask is known to half a voxel along the spine's axis: a height to one voxel.
    const along = Math.max(...spacingMm);
    for (const b of bodies) {
      expect(b.bodyFrom).toBe(withBodyMask ? 'vertebrae_body mask' : 'spinal canal gap');
      expect(Math.abs(b.anteriorHeightMm! - p.heightAt(b.level, 0.85)), `${b.level} anterior`).toBeLessThanOrEqual(along);
      expect(Math.abs(b.middleHeightMm! - p.heightAt(b.level, 0.5)), `${b.level} middle`).toBeLessThanOrEqual(along);
      expect(Math.abs(b.posteriorHeightMm! - p.heightAt(b.level, 0.15)), `${b.level} posterior`).toBeLessThanOrEqual(along);
      expect(Math.abs(b.depthMm! - 32)).toBeLessThanOrEqual(along);
      // The trabecular ROI holds the core only: its HU exactly (no noise in the phantom).
      expect(b.trabecularHuMean).toBe(VERTEBRAE.find((v) => v.level === b.level)!.trabecularHu);
    }
  });
});

describe('spine phantom: Genant grade and L1 attenuation findings', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  it('L1 wedge of 35 % is a moderate (grade 2) fracture; T12, L2, L3 are preserved; the fractured L1 is not graded for density', () => {
    const p = spinePhantom({ spacingMm: [1, 1, 1], vertebrae: VERTEBRAE });
    const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } });
    const f = deriveFindings(m, kb).findings;
    const l1 = f.find((x) => x.id === 'vertebrae_L1.fracture')!;
    expect(l1.statement).toBe('moderate wedge fracture');
    expect(l1.values.genantGrade).toBe(2);
    expect(Math.abs(l1.values.heightLossPercent - 34.7)).toBeLessThan(5);
    expect(l1.criteria).toEqual(['genant1993-vertebral-fracture-grades', 'groundct-vertebral-body']);
    expect(l1.evidence[0].structure).toBe('vertebrae_L1');
    expect(f.find((x) => x.id === 'spine.vertebral_heights')!.attributes.levels).toEqual(['T12', 'L2', 'L3']);
    const density = f.find((x) => x.id === 'vertebrae_L1.bone_density')!;
    expect(density.values.trabecularHuMean).toBe(95);
    // Pickhardt's screen is invalid in a fractured vertebra.
    expect([density.statement, density.status, density.attributes.reason]).toEqual(['not assessed', 'indeterminate', 'L1 fractured']);
  });

  it('an intact L1 of 95 HU is "likely", of 140 HU "possible", of 200 HU "unlikely" (the bands at 110 and 160 HU)', () => {
    for (const [hu, statement] of [[95, 'osteoporosis likely'], [140, 'low bone density possible'], [200, 'osteoporosis unlikely']] as const) {
      const p = spinePhantom({ spacingMm: [1.5, 1.5, 1.5], vertebrae: VERTEBRAE.map((v) => (v.level === 'L1' ? { ...v, anteriorHeightMm: 26, trabecularHu: hu } : v)) });
      const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } });
      const f = deriveFindings(m, kb).findings;
      expect(f.find((x) => x.id === 'vertebrae_L1.bone_density')!.statement).toBe(statement);
      expect(f.some((x) => x.id === 'vertebrae_L1.fracture')).toBe(false);
    }
  });
});

describe.skipIf(!HAS_SHARED_DATA)(`example_ct_sm T11-L2${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it('L1, wholly imaged, gets heights of an adult lumbar body and a trabecular HU; the cut vertebrae get no heights', async () => {
    const study = await loadStudy({ ctPath: dataPath('totalseg', 'example_ct_sm.nii.gz'), masksPaths: [dataPath('totalseg', 'example_seg_fast')] }, defaultConfig());
    const m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'ct', masks: 'masks' } });
    const bodies = m.routine!.vertebrae;
    expect(bodies.map((b) => b.level)).toEqual(['T11', 'T12', 'L1', 'L2']);
    const l1 = bodies.find((b) => b.level === 'L1')!;
    expect(l1.partiallyImaged).toBe(false);
    for (const h of [l1.anteriorHeightMm!, l1.middleHeightMm!, l1.posteriorHeightMm!]) {
      expect(h).toBeGreaterThan(18);
      expect(h).toBeLessThan(35);
    }
    expect(l1.depthMm!).toBeGreaterThan(25);
    expect(l1.trabecularHuMean!).toBeGreaterThan(50);
    expect(l1.trabecularHuMean!).toBeLessThan(300);
    // The trabecular core is less dense than the whole vertebra (cortex and posterior elements), as measured by TotalSegmentator.
    const whole = m.structures.find((s) => s.name === 'vertebrae_L1')!;
    expect(l1.trabecularHuMean!).toBeLessThan(whole.huMean!);
    for (const b of bodies.filter((x) => x.level !== 'L1')) {
      expect(b.partiallyImaged, b.level).toBe(true);
      expect(b.anteriorHeightMm).toBeNull();
    }
  });
});
