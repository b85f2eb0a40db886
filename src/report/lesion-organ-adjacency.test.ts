import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.ts';
import { deriveFindings } from '../findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { measureStudy } from '../measure/index.ts';
import type { Dims, Mat4 } from '../volume/geometry.ts';
import type { LabelEntry, LabelMap, Volume } from '../volume/types.ts';
import { buildReport } from './build-report.ts';
import { loadTemplates, type LoadedTemplates } from './templates.ts';

/**
 * A chest as radiotherapy contours draw it: 'Lung-Left', 'Lung-Right' and 'GTV-1', the tumour cut out of the left
 * lung with a one-voxel rim between them (1.5 mm). The tumour lies in no organ mask and touches none; by adjacency
 * it belongs to the left lung, gets the left side, is a mass by size and gets the size-only lung T category.
 * Stored LPS-like: +i runs to the patient's LEFT (RAS x = 100 - 1.5 i), so the left lung is the high-i block.
 */
const dims: Dims = [40, 40, 20];
const M: Mat4 = [-1.5, 0, 0, 100, 0, -1.5, 0, 50, 0, 0, 3, -200, 0, 0, 0, 1];
const META = { source: { format: 'phantom' as const, path: 'memory' } };
const idx = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);

function chest(): { ct: Volume; labels: LabelMap } {
  const n = dims[0] * dims[1] * dims[2];
  const ct = new Int16Array(n).fill(-1000);
  const layer = new Uint8Array(n);
  const box = (lo: number[], hi: number[], f: (v: number) => void) => {
    for (let k = lo[2]!; k <= hi[2]!; k++) for (let j = lo[1]!; j <= hi[1]!; j++) for (let i = lo[0]!; i <= hi[0]!; i++) f(idx(i, j, k));
  };
  box([2, 5, 2], [17, 34, 17], (v) => { layer[v] = 2; ct[v] = -800; }); // Lung-Right (low i = patient's right)
  box([21, 5, 2], [38, 34, 17], (v) => { layer[v] = 1; ct[v] = -800; }); // Lung-Left
  box([23, 9, 5], [36, 30, 14], (v) => { layer[v] = 0; }); // cut out of the lung: tumour + 1-voxel rim
  box([24, 10, 6], [35, 29, 13], (v) => { layer[v] = 3; ct[v] = 35; }); // GTV-1: 18 x 30 mm in plane
  const labels: LabelEntry[] = [
    { id: 1, name: 'Lung-Left', layer: 0 },
    { id: 2, name: 'Lung-Right', layer: 0 },
    { id: 3, name: 'GTV-1', layer: 0 },
  ];
  return {
    ct: { kind: 'volume', grid: { dims, ijkToRas: M }, data: ct, meta: META },
    labels: { kind: 'labelmap', grid: { dims, ijkToRas: M }, layers: [layer], labels, meta: META },
  };
}

let kb: KnowledgeBase;
let templates: LoadedTemplates;
beforeAll(async () => {
  [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
});

describe('lesion to organ by adjacency', () => {
  it('a tumour cut out of the left lung belongs to the left lung: side, mass, size-only T category, named in the report', () => {
    const { ct, labels } = chest();
    const m = measureStudy(ct, labels, { measure: defaultConfig().measure, phase: 'non-contrast', provenance: { ct: 'memory', masks: null } });
    const gtv = m.lesions.find((l) => l.labelName === 'GTV-1')!;
    expect(gtv).toMatchObject({ organ: 'lung_left', organBy: 'adjacent', side: 'left' });
    const findings = deriveFindings(m, kb);
    const lesion = findings.findings.find((f) => f.type === 'lesion')!;
    expect(lesion.subject.organ).toBe('lung_left');
    expect(lesion.statement).toBe('mass');
    expect(lesion.criteria).toContain('groundct-lesion-organ-adjacency');
    expect(findings.findings.some((f) => f.type === 'stage' && /^T2/.test(f.statement))).toBe(true);
    const report = buildReport(m, findings, { templates });
    expect(report.sentences.map((s) => s.text).join(' ')).toMatch(/left lung/i);
    expect(report.sentences.map((s) => s.text).join(' ')).not.toMatch(/outside the segmented organs/);
  });

  it('with adjacency off (lesionOrganMaxGapMm 0) the same tumour has no organ', () => {
    const { ct, labels } = chest();
    const m = measureStudy(ct, labels, { measure: { ...defaultConfig().measure, lesionOrganMaxGapMm: 0 }, phase: 'non-contrast', provenance: { ct: 'memory', masks: null } });
    expect(m.lesions.find((l) => l.labelName === 'GTV-1')).toMatchObject({ organ: null, organBy: 'none' });
  });
});
