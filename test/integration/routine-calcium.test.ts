import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Phase } from '../../src/measure/index.ts';
import { buildScene } from '../../src/phantom/scene.ts';
import { box, superellipsoid } from '../../src/phantom/shapes.ts';
import type { Orientation } from '../../src/phantom/types.ts';
import { coronaryCalciumSolids } from '../../eval/vqa/routine-phantoms.ts';

/**
 * Calcium and stones against hand-computed truth. Voxel centres sit at (n + 0.5) x spacing from the field of view's
 * corner (0, 0, 0), so each focus below covers a known number of pixels:
 * - A: 2 x 2 mm in plane, one 3 mm slice, 450 HU: 4 mm2 x weight 4 = 16;
 * - B: 3 x 2 mm, two slices, 250 HU: 6 mm2 x weight 2 x 2 slices = 24;
 * - C: 0.5 x 1 mm, 500 HU: 0.5 mm2, under the 1 mm2 floor, not scored;
 * - a vertebra (500 HU) touching the coronary mask: another structure, not scored.
 * Agatston at 3 mm slices: 16 + 24 = 40 (scale 3 / 3). A left kidney holds a 4 x 4 x 6 mm stone of 800 HU next to
 * a labelled rib of 600 HU that touches it.
 */

function phantom(orientation?: Orientation) {
  const solids = [
    ...coronaryCalciumSolids(),
    { name: 'kidney_left', shape: superellipsoid({ centerRas: [40, 100, 30], semiAxesMm: [20, 15, 25] }), hu: 30 },
    { name: null, shape: box([38, 98, 27], [41.99, 101.99, 32.99]), hu: 800 },
    { name: 'rib_left_11', shape: box([58, 95, 20], [64, 105, 40]), hu: 600 },
  ];
  return buildScene({ spacingMm: [0.5, 0.5, 3], fovMinRas: [0, 0, 0], fovMaxRas: [80, 120, 60], backgroundHu: -100, solids, ...(orientation ? { orientation } : {}) });
}

describe('calcium score and kidney stones', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });
  const run = (phase: Phase, orientation?: Orientation) => {
    const p = phantom(orientation);
    return measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, phase, provenance: { ct: 'p', masks: 'p' } });
  };

  it.each([undefined, { permutation: [2, 0, 1], flips: [true, false, true] } as Orientation])('Agatston 40 by hand (two scored lesions, the sub-1 mm2 focus and the vertebra left out); one 800 HU stone, not the rib (orientation %j)', (orientation) => {
    const m = run('non-contrast', orientation);
    const coronary = m.routine!.calcium.scores.find((s) => s.region === 'coronary_arteries')!;
    expect(coronary.agatstonScore).toBeCloseTo(40, 9);
    expect(coronary.lesionCount).toBe(3); // A on one slice, B on two
    expect(coronary.areaMm2).toBeCloseTo(4 + 6 + 6, 9);
    const kidney = m.routine!.calcium.kidneys.find((k) => k.kidney === 'kidney_left')!;
    expect(kidney.stones).toHaveLength(1);
    const stone = kidney.stones[0];
    expect(stone.peakHu).toBe(800);
    expect(stone.voxelCount).toBe(8 * 8 * 2);
    // Largest distance between voxel centres (3.5, 3.5 and 3 mm apart) plus one mean voxel (4/3 mm).
    expect(stone.sizeMm).toBeCloseTo(Math.hypot(3.5, 3.5, 3) + 4 / 3, 9);
    const f = deriveFindings(m, kb).findings;
    const cac = f.find((x) => x.id === 'heart.coronary_calcium')!;
    expect(cac.statement).toBe('mild coronary calcification');
    expect(cac.caveats[0]).toMatch(/not ECG-gated/);
    expect(cac.criteria).toEqual(['cacdrs2018-visual-noncardiac-ct', 'cacdrs2018-categories', 'agatston1990-calcium-score', 'groundct-calcium-and-stones']);
    const s = f.find((x) => x.id === 'kidney_left.stones')!;
    expect([s.statement, s.values.count, s.significance]).toEqual(['stone', 1, 2]);
  });

  it('a contrast-enhanced scan: neither scored nor searched, and the findings say so', () => {
    const f = deriveFindings(run('portal-venous'), kb).findings;
    expect(f.find((x) => x.id === 'heart.coronary_calcium')!.statement).toBe('not assessed');
    expect(f.find((x) => x.id === 'kidney_left.stones')!.statement).toBe('not assessed');
    expect(f.some((x) => x.id === 'aorta.calcium')).toBe(false);
  });
});
