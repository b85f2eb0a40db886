import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { buildScene, type SceneSolid } from '../../src/phantom/scene.ts';
import { box, difference, ellipticCylinder, superellipsoid } from '../../src/phantom/shapes.ts';
import type { Orientation } from '../../src/phantom/types.ts';

/**
 * Body composition at L3 on a body slab: skin, a 25 mm subcutaneous fat ring, a 12 mm muscle wall, viscera with
 * visceral fat pads, the L3 vertebra with psoas and back muscles. With tissue masks the areas are the masks'; with
 * HU alone the fat is split at the muscle wall found along rays. The truth is the tissue masks' pixel count on the
 * same slice of the same phantom.
 */

const Z = [-60, 60] as const;
const ring = (outer: [number, number], inner: [number, number]) => difference(ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: outer, zRangeMm: Z }), ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: inner, zRangeMm: Z }));

function slab(withTissueMasks: boolean, spacingMm: [number, number, number], orientation?: Orientation) {
  const tissue = (name: string) => (withTissueMasks ? name : null);
  const solids: SceneSolid[] = [
    { name: 'body_trunc', shape: ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: [150, 110], zRangeMm: Z }), hu: 40 },
    { name: tissue('subcutaneous_fat'), shape: ring([148, 108], [123, 83]), hu: -100 },
    { name: tissue('skeletal_muscle'), shape: ring([123, 83], [111, 71]), hu: 50 },
    // Visceral fat pads among the viscera (HU 40 from the body fill).
    { name: tissue('torso_fat'), shape: ellipticCylinder({ centerXYRas: [-50, 20], semiAxesMm: [25, 18], zRangeMm: Z }), hu: -100 },
    { name: tissue('torso_fat'), shape: ellipticCylinder({ centerXYRas: [50, 25], semiAxesMm: [20, 15], zRangeMm: Z }), hu: -100 },
    { name: 'vertebrae_L3', shape: box([-20, -60, -15], [20, -25, 15]), hu: 300 },
    { name: 'vertebrae_L2', shape: box([-20, -60, 22], [20, -25, 50]), hu: 300 },
    // The psoas muscles: part of the skeletal muscle tissue mask, and TotalSegmentator's iliopsoas masks (layer 1).
    { name: tissue('skeletal_muscle'), shape: superellipsoid({ centerRas: [35, -35, 0], semiAxesMm: [14, 12, 60] }), hu: 50 },
    { name: tissue('skeletal_muscle'), shape: superellipsoid({ centerRas: [-35, -35, 0], semiAxesMm: [14, 12, 60] }), hu: 50 },
    { name: 'iliopsoas_left', shape: superellipsoid({ centerRas: [35, -35, 0], semiAxesMm: [14, 12, 60] }), layer: 1 },
    { name: 'iliopsoas_right', shape: superellipsoid({ centerRas: [-35, -35, 0], semiAxesMm: [14, 12, 60] }), layer: 1 },
  ];
  return buildScene({ spacingMm, fovMinRas: [-160, -120, -50], fovMaxRas: [160, 120, 50], backgroundHu: -1000, solids, ...(orientation ? { orientation } : {}) });
}

/** Pixels of a label on the measured slice (axis and index as the measurement reports them), in cm2. */
function truthCm2(scene: ReturnType<typeof slab>, name: string, axis: 0 | 1 | 2, index: number): number {
  const id = scene.labelIds.get(name)!;
  const [ni, nj, nk] = scene.ct.grid.dims;
  const m = scene.ct.grid.ijkToRas;
  const spacing = [0, 1, 2].map((c) => Math.hypot(m[c], m[4 + c], m[8 + c]));
  let n = 0;
  for (const layer of scene.labels.layers)
    for (let k = 0; k < nk; k++)
      for (let j = 0; j < nj; j++)
        for (let i = 0; i < ni; i++) if ([i, j, k][axis] === index && layer[i + ni * (j + nj * k)] === id) n++;
  const [u, v] = [0, 1, 2].filter((c) => c !== axis);
  return (n * spacing[u] * spacing[v]) / 100;
}

describe('body composition at L3', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  it.each([
    { spacingMm: [1, 1, 2] as [number, number, number] },
    { spacingMm: [0.8, 0.8, 3] as [number, number, number], orientation: { permutation: [1, 0, 2], flips: [true, false, false] } as Orientation },
  ])('tissue masks: the masks\' areas; HU alone: the same fat areas split at the muscle wall ($spacingMm)', ({ spacingMm, orientation }) => {
    const withMasks = slab(true, spacingMm, orientation);
    // Tissue masks path.
    const a = measureStudy(withMasks.ct, withMasks.labels, { measure: defaultConfig().measure, provenance: { ct: 'p', masks: 'p' } }).routine!.bodyComposition!;
    expect(a.level).toBe('L3');
    // The slice through the middle of L3 (RAS z = 0), within half a slice.
    const m0 = withMasks.ct.grid.ijkToRas;
    // The in-plane axes carry no z component in these phantoms, so z of the slice is its axial index's.
    const zOfSlice = m0[8 + a.sliceAxis] * a.sliceIndex + m0[11];
    expect(Math.abs(zOfSlice)).toBeLessThanOrEqual(spacingMm[2] / 2 + 1e-6);
    const truth = {
      sat: truthCm2(withMasks, 'subcutaneous_fat', a.sliceAxis, a.sliceIndex),
      vat: truthCm2(withMasks, 'torso_fat', a.sliceAxis, a.sliceIndex),
      muscle: truthCm2(withMasks, 'skeletal_muscle', a.sliceAxis, a.sliceIndex),
    };
    expect(truth.sat).toBeGreaterThan(100);
    expect(a.fatFrom).toBe('tissue_types masks');
    expect(a.subcutaneousFatAreaCm2).toBeCloseTo(truth.sat, 6);
    expect(a.visceralFatAreaCm2).toBeCloseTo(truth.vat, 6);
    expect(a.skeletalMuscleAreaCm2!).toBeCloseTo(truth.muscle, 6);
    // HU path, same geometry without tissue masks: fat split at the wall within 2 % (ray sampling at the wall).
    const huOnly = slab(false, spacingMm, orientation);
    const m = measureStudy(huOnly.ct, huOnly.labels, { measure: defaultConfig().measure, provenance: { ct: 'p', masks: 'p' } });
    const b = m.routine!.bodyComposition!;
    expect(b.fatFrom).toBe('HU and the muscle wall');
    expect(Math.abs(b.subcutaneousFatAreaCm2 - truth.sat) / truth.sat).toBeLessThan(0.02);
    expect(Math.abs(b.visceralFatAreaCm2 - truth.vat) / truth.vat).toBeLessThan(0.02);
    // Muscle from the iliopsoas masks only: incomplete, and said so.
    expect(b.muscleFrom).toBe('iliopsoas');
    expect(b.muscleComplete).toBe(false);
    const f = deriveFindings(m, kb).findings.find((x) => x.id === 'body.composition')!;
    expect(f.values.visceralFatAreaCm2).toBe(b.visceralFatAreaCm2);
    expect(f.caveats.join(' ')).toMatch(/iliopsoas masks only/);
    expect(f.criteria).toEqual(['groundct-body-composition', 'tissue-hu-ranges']);
  });
});
