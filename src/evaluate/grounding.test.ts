import { describe, expect, it } from 'vitest';
import type { Evidence, Finding } from '../findings/index.ts';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import type { LabelMap } from '../volume/index.ts';
import { spatialGrounding } from './grounding.ts';

/** 10 x 10 x 10 grid: label 1 'liver' fills x < 6; label 2 'liver_lesion' two components: a 2x2x2 cube at (1..2) and one at (7..8). */
function labelMap(): LabelMap {
  const n = 10;
  const layer = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if (i < 6) layer[(k * n + j) * n + i] = 1;
  const lesion = new Uint8Array(n * n * n);
  for (const c of [1, 7]) for (let k = c; k <= c + 1; k++) for (let j = c; j <= c + 1; j++) for (let i = c; i <= c + 1; i++) lesion[(k * n + j) * n + i] = 2;
  const grid = { dims: [n, n, n] as [number, number, number], ijkToRas: makeIjkToRas({ spacingMm: [1, 1, 1], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) };
  return { kind: 'labelmap', grid, layers: [layer, lesion], labels: [{ id: 1, name: 'liver', layer: 0 }, { id: 2, name: 'liver_lesion', layer: 1 }], meta: { source: { format: 'phantom', path: 'test' } } };
}

const ev = (labelId: number, labelName: string, box?: [number[], number[]]): Evidence => ({
  labelId, labelName, structure: labelName, ...(box ? { componentId: `${labelName}-x` } : {}), voxelCount: 1,
  ijkBounds: box ? { min: box[0] as [number, number, number], max: box[1] as [number, number, number] } : null,
  rasBounds: null, sliceRange: null, ijkCentroid: null, rasCentroid: null,
});
const finding = (id: string, evidence: Evidence[]): Finding => ({ id, type: 'lesion', subject: { structure: null, displayName: '', organ: null }, status: 'abnormal', significance: 2, statement: 'lesion', values: {}, attributes: {}, caveats: [], evidence, criteria: ['x'] });

describe('spatialGrounding (> 50 % of evidence voxels inside the reference finding mask)', () => {
  const labels = labelMap();
  const lesionA = finding('liver_lesion-1', [ev(2, 'liver_lesion', [[1, 1, 1], [2, 2, 2]])]);
  const lesionB = finding('liver_lesion-2', [ev(2, 'liver_lesion', [[7, 7, 7], [8, 8, 8]])]);

  it('a component evidence counts only the voxels of its box: 8 of 8 inside its own lesion, 0 of 8 inside the other', () => {
    expect(spatialGrounding(labels, lesionA.evidence, [lesionA])).toEqual({ evidenceVoxels: 8, insideVoxels: 8, fraction: 1, correct: true });
    expect(spatialGrounding(labels, lesionA.evidence, [lesionB])).toEqual({ evidenceVoxels: 8, insideVoxels: 0, fraction: 0, correct: false });
  });

  it('organ evidence (600 voxels) is not grounded by a lesion finding (8 inside): 8/600 <= 0.5', () => {
    const g = spatialGrounding(labels, [ev(1, 'liver')], [lesionA]);
    expect(g.evidenceVoxels).toBe(600);
    expect(g.insideVoxels).toBe(8); // lesion A (layer 1) lies inside the liver label (layer 0)
    expect(g.fraction).toBeCloseTo(8 / 600, 12);
    expect(g.correct).toBe(false);
  });

  it('a label is found by name when the ids differ; exactly 50 % is not enough', () => {
    const renamed: Evidence = { ...ev(9, 'Liver Lesion', [[1, 1, 1], [2, 2, 2]]) };
    expect(spatialGrounding(labels, [renamed], [lesionA]).fraction).toBe(1);
    const both = [ev(2, 'liver_lesion', [[1, 1, 1], [2, 2, 2]]), ev(2, 'liver_lesion', [[7, 7, 7], [8, 8, 8]])];
    expect(spatialGrounding(labels, both, [lesionA])).toMatchObject({ evidenceVoxels: 16, insideVoxels: 8, fraction: 0.5, correct: false });
  });
});
