import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { buildScene } from '../../src/phantom/scene.ts';
import { box, superellipsoid } from '../../src/phantom/shapes.ts';
import type { Orientation } from '../../src/phantom/types.ts';

/**
 * LAA-950 on a lung phantom: two lungs of two lobes each (left and right upper and lower lobe), parenchyma at -850
 * HU with a block of emphysema at -980 HU in both upper lobes. The truth is counted on the phantom's own arrays
 * (voxels of each lobe label at or below -950 HU), so the measurement must match it exactly, in any orientation.
 */

function lungPhantom(spacingMm: [number, number, number], orientation?: Orientation) {
  const lung = (x: number) => superellipsoid({ centerRas: [x, 0, 0], semiAxesMm: [45, 60, 90] });
  const upper = (x: number) => ({ contains: (px: number, py: number, pz: number) => lung(x).contains(px, py, pz) && pz >= 10, rasBox: lung(x).rasBox });
  const lower = (x: number) => ({ contains: (px: number, py: number, pz: number) => lung(x).contains(px, py, pz) && pz < 10, rasBox: lung(x).rasBox });
  return buildScene({
    spacingMm,
    fovMinRas: [-130, -80, -110],
    fovMaxRas: [130, 80, 110],
    backgroundHu: 40,
    solids: [
      { name: 'lung_upper_lobe_right', shape: upper(-60), hu: -850 },
      { name: 'lung_lower_lobe_right', shape: lower(-60), hu: -850 },
      { name: 'lung_upper_lobe_left', shape: upper(60), hu: -850 },
      { name: 'lung_lower_lobe_left', shape: lower(60), hu: -850 },
      // Emphysema in both upper lobes (HU only).
      { name: null, shape: box([-100, -30, 30], [100, 30, 80]), hu: -980 },
    ],
    ...(orientation ? { orientation } : {}),
  });
}

function truth(scene: ReturnType<typeof lungPhantom>, name: string) {
  const id = scene.labelIds.get(name)!;
  let n = 0;
  let low = 0;
  const layer = scene.labels.layers[0];
  for (let v = 0; v < layer.length; v++) {
    if (layer[v] !== id) continue;
    n++;
    if (scene.ct.data[v] <= -950) low++;
  }
  return { n, low };
}

describe('lung density (LAA-950) on a phantom', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  it.each([
    { spacingMm: [2, 2, 2] as [number, number, number] },
    { spacingMm: [1.5, 1.5, 3] as [number, number, number], orientation: { permutation: [2, 1, 0], flips: [true, true, false] } as Orientation },
  ])('counts exactly the voxels at or below -950 HU per lobe, lung and both lungs; moderate, upper-lobe emphysema ($spacingMm)', ({ spacingMm, orientation }) => {
    const scene = lungPhantom(spacingMm, orientation);
    const m = measureStudy(scene.ct, scene.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } });
    const d = m.routine!.lungDensity!;
    const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
    let n = 0;
    let low = 0;
    for (const region of d.masks) {
      const t = truth(scene, region.region);
      expect(region.voxelCount, region.region).toBe(t.n);
      expect(region.lowAttenuationVoxelCount, region.region).toBe(t.low);
      expect(region.volumeMl).toBeCloseTo(t.n * voxelMl, 6);
      n += t.n;
      low += t.low;
    }
    expect(d.total.lowAttenuationPercent).toBeCloseTo((100 * low) / n, 9);
    expect(d.lungs.map((l) => l.region).sort()).toEqual(['lung_left', 'lung_right']);
    const right = d.lungs.find((l) => l.region === 'lung_right')!;
    const rt = [truth(scene, 'lung_upper_lobe_right'), truth(scene, 'lung_lower_lobe_right')];
    expect(right.lowAttenuationPercent).toBeCloseTo((100 * (rt[0].low + rt[1].low)) / (rt[0].n + rt[1].n), 9);
    const f = deriveFindings(m, kb).findings.find((x) => x.id === 'lung.emphysema')!;
    // The emphysema block is about a fifth of the lungs: moderate (15-25 %), in the upper lobes.
    expect(f.values.lowAttenuationPercent).toBeGreaterThan(15);
    expect(f.values.lowAttenuationPercent).toBeLessThan(25);
    expect(f.statement).toBe('moderate emphysema');
    expect(f.attributes.predominance).toBe('upper lobe');
    expect(f.values.totalLungVolumeMl).toBeCloseTo(n * voxelMl, 6);
    expect(f.criteria).toEqual(['gevenois-laa-950', 'groundct-emphysema-extent']);
    expect(f.evidence.map((e) => e.structure).sort()).toEqual(['lung_lower_lobe_left', 'lung_lower_lobe_right', 'lung_upper_lobe_left', 'lung_upper_lobe_right']);
  });
});
