import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { aortaPhantom } from '../../src/phantom/vessel-phantom.ts';

/**
 * Aortic dissection on the aorta phantom with true/false lumen masks: the false-lumen volume equals its voxel count
 * x voxel volume exactly; its extent by section and the Stanford / DeBakey types follow from where it was painted.
 */

describe('aortic dissection (true and false lumen masks)', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  function run(fromArcMm: number, toArcMm: number) {
    const p = aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], dissection: { fromArcMm, toArcMm } });
    const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'p', masks: 'p' } });
    const id = p.labelIds.get('aorta_false_lumen')!;
    const layer = p.labels.layers[p.labels.labels.find((l) => l.id === id)!.layer];
    let n = 0;
    for (let v = 0; v < layer.length; v++) if (layer[v] === id) n++;
    return { m, f: deriveFindings(m, kb).findings.find((x) => x.id === 'aorta.dissection')!, falseLumenMl: (n * 1.5 ** 3) / 1000 };
  }

  it('a false lumen from the proximal descending aorta to above the renal arteries: Stanford B, DeBakey IIIb, volume exact', () => {
    const { m, f, falseLumenMl } = run(140, 265);
    expect(m.routine!.dissection!.falseLumenVolumeMl).toBeCloseTo(falseLumenMl, 9);
    expect(f.values.falseLumenVolumeMl).toBeCloseTo(falseLumenMl, 9);
    expect(f.attributes.sections).toEqual(['descending_thoracic_aorta', 'suprarenal_abdominal_aorta']);
    expect([f.statement, f.attributes.stanford, f.attributes.debakey]).toEqual(['Stanford type B dissection', 'B', 'IIIb']);
    expect(f.significance).toBe(3);
    expect(f.evidence.map((e) => e.structure)).toEqual(['aorta_false_lumen', 'aorta_true_lumen']);
    // Section volumes add up to the whole false lumen (every voxel belongs to a section).
    const total = m.routine!.dissection!.sections.reduce((a, s) => a + s.falseLumenVolumeMl, 0);
    expect(Math.abs(total - falseLumenMl) / falseLumenMl).toBeLessThan(0.02);
  });

  it('a false lumen in the ascending aorta and arch: Stanford A, DeBakey I', () => {
    // The painted false lumen ends with a round cap one radius (about 14 mm) beyond toArcMm, short of the arch's end.
    const { f } = run(10, 95);
    expect(f.attributes.sections).toEqual(['ascending_aorta', 'aortic_arch']);
    expect([f.attributes.stanford, f.attributes.debakey]).toEqual(['A', 'I']);
  });
});
