import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase, type KnowledgeBase, type Passage } from '../knowledge/index.ts';
import { deriveFindings } from './derive-findings.ts';
import { FindingsSchema, type Finding, type Findings } from './schema.ts';
import { emptyStructure, lesion, measurements, normalAbdomen, structure } from './test-fixtures.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});

function byId(f: Findings, id: string): Finding {
  const found = f.findings.find((x) => x.id === id);
  if (found === undefined) throw new Error(`no finding ${id}; have ${f.findings.map((x) => x.id).join(', ')}`);
  return found;
}
const ids = (f: Findings) => f.findings.map((x) => x.id);

/** A copy of the knowledge base with one threshold changed, to prove rules read passages, not literals. */
function withThreshold(base: KnowledgeBase, passageId: string, name: string, value: number): KnowledgeBase {
  const p = base.byId.get(passageId)!;
  const changed: Passage = { ...p, thresholds: p.thresholds.map((t) => (t.name === name ? { ...t, value } : t)) };
  const passages = base.passages.map((x) => (x.id === passageId ? changed : x));
  return { passages, byId: new Map(passages.map((x) => [x.id, x])), contentHash: 'modified' };
}

describe('organ size (RadGPT volumes, Lugano length)', () => {
  it('spleen 320 mL is enlarged, citing the RadGPT spleen passage; 431 mL is massively enlarged; 314.5 mL is normal (strictly above)', () => {
    const f320 = deriveFindings(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 320 } }) }), kb);
    const s320 = byId(f320, 'spleen.size');
    expect(s320.statement).toBe('enlarged');
    expect(s320.status).toBe('abnormal');
    expect(s320.criteria).toEqual(['radgpt-spleen-volume']);
    expect(s320.values.volumeMl).toBe(320);
    expect(s320.values.enlargedAboveMl).toBe(314.5);

    const s431 = byId(deriveFindings(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 431 } }) }), kb), 'spleen.size');
    expect(s431.statement).toBe('massively enlarged');
    expect(s431.significance).toBe(3);

    const s3145 = byId(deriveFindings(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 314.5 } }) }), kb), 'spleen.size');
    expect(s3145.statement).toBe('normal size');
  });

  it('a 330 mL limit in the passage makes 320 mL normal: the threshold is read from the knowledge base', () => {
    const kb330 = withThreshold(kb, 'radgpt-spleen-volume', 'enlargedVolumeCm3', 330);
    const s = byId(deriveFindings(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 320 } }) }), kb330), 'spleen.size');
    expect(s.statement).toBe('normal size');
    expect(s.values.enlargedAboveMl).toBe(330);
  });

  it('kidney 208 mL and liver 3001 mL and pancreas 84 mL are enlarged; 207 / 3000 / 83 are not', () => {
    const big = deriveFindings(measurements({ structures: normalAbdomen({ kidney_left: { volumeMl: 208 }, liver: { volumeMl: 3001 }, pancreas: { volumeMl: 84 } }) }), kb);
    expect(byId(big, 'kidney_left.size').statement).toBe('enlarged');
    expect(byId(big, 'kidney_left.size').subject.side).toBe('left');
    expect(byId(big, 'kidney_right.size').statement).toBe('normal size');
    expect(byId(big, 'liver.size').statement).toBe('enlarged');
    expect(byId(big, 'pancreas.size').statement).toBe('enlarged');
    const edge = deriveFindings(measurements({ structures: normalAbdomen({ kidney_left: { volumeMl: 207 }, liver: { volumeMl: 3000 }, pancreas: { volumeMl: 83 } }) }), kb);
    for (const id of ['kidney_left.size', 'liver.size', 'pancreas.size']) expect(byId(edge, id).statement).toBe('normal size');
  });

  it('spleen length: 131 mm craniocaudal is enlarged by Lugano (> 13 cm) while 200 mL is a normal volume', () => {
    const f = deriveFindings(measurements({ structures: normalAbdomen({ spleen: { craniocaudalMm: 131 } }) }), kb);
    expect(byId(f, 'spleen.length').statement).toBe('enlarged');
    expect(byId(f, 'spleen.length').criteria).toEqual(['lugano-spleen-length']);
    expect(byId(f, 'spleen.size').statement).toBe('normal size');
    expect(ids(f)).not.toContain('spleen.normal');
  });

  it('a spleen touching the scan border is partially imaged and gets no size or length finding', () => {
    const f = deriveFindings(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 500, touches: ['superior'] } }) }), kb);
    const p = byId(f, 'spleen.partial');
    expect(p.type).toBe('partially_imaged');
    expect(p.attributes.borders).toEqual(['superior']);
    expect(p.criteria).toContain('groundct-partial-organ');
    // Volume withheld; the imaged part's attenuation is still assessed (a solid organ).
    expect(p.values).toEqual({ huMean: 50 });
    expect(p.attributes.assessable).toEqual(['attenuation']);
    expect(ids(f)).not.toContain('spleen.size');
    expect(ids(f)).not.toContain('spleen.length');
    expect(ids(f)).not.toContain('spleen.normal');
  });

  it('an organ in the label map with no voxel is not imaged, not normal', () => {
    const f = deriveFindings(measurements({ structures: [...normalAbdomen().filter((s) => s.name !== 'kidney_left'), emptyStructure('kidney_left', 3)] }), kb);
    const n = byId(f, 'kidney_left.not_imaged');
    expect(n.type).toBe('not_imaged');
    expect(n.evidence[0].voxelCount).toBe(0);
    expect(ids(f)).not.toContain('kidney_left.normal');
    expect(ids(f)).not.toContain('kidney_left.size');
  });
});

describe('steatosis (non-contrast only)', () => {
  it('non-contrast liver 35 HU is fatty; 40 HU is fatty (<= 40); 41 HU is not', () => {
    for (const [hu, statement] of [[35, 'fatty'], [40, 'fatty'], [41, 'not fatty']] as const) {
      const f = byId(deriveFindings(measurements({ phase: 'non-contrast', structures: normalAbdomen({ liver: { huMean: hu } }) }), kb), 'liver.steatosis');
      expect(f.statement).toBe(statement);
      expect(f.values.huMean).toBe(hu);
      expect(f.criteria).toContain('radgpt-fatty-liver');
    }
  });

  it('pancreas/spleen ratio 30/50 = 0.6 and 35/50 = 0.7 are fatty; 36/50 = 0.72 is not', () => {
    for (const [hu, ratio, statement] of [[30, 0.6, 'fatty'], [35, 0.7, 'fatty'], [36, 0.72, 'not fatty']] as const) {
      const f = byId(deriveFindings(measurements({ structures: normalAbdomen({ pancreas: { huMean: hu }, spleen: { huMean: 50 } }) }), kb), 'pancreas.steatosis');
      expect(f.values.pancreasSpleenHuRatio).toBe(ratio);
      expect(f.statement).toBe(statement);
      expect(f.criteria).toContain('radgpt-fatty-pancreas');
    }
  });

  it('unknown phase: no steatosis claim, one phase_unknown finding naming what was not assessed', () => {
    const f = deriveFindings(measurements({ phase: 'unknown', structures: normalAbdomen({ liver: { huMean: 20 } }) }), kb);
    expect(f.findings.filter((x) => x.type === 'steatosis')).toEqual([]);
    const p = byId(f, 'study.phase_unknown');
    expect(p.type).toBe('phase_unknown');
    expect(p.attributes.notAssessed).toEqual(['fatty liver', 'fatty pancreas']);
    expect(p.criteria).toContain('contrast-phase-caveat');
    // The liver is still normal by the criteria that were assessed (size), not by attenuation.
    expect(byId(f, 'liver.normal').attributes.assessed).toEqual(['completeness', 'size']);
  });

  it('portal-venous phase: no steatosis claim and no phase_unknown', () => {
    const f = deriveFindings(measurements({ phase: 'portal-venous', structures: normalAbdomen({ liver: { huMean: 20 } }) }), kb);
    expect(f.findings.filter((x) => x.type === 'steatosis' || x.type === 'phase_unknown')).toEqual([]);
  });
});

const PANCREAS = { labelId: 20, labelName: 'pancreas_lesion', lesionClass: 'pancreas_lesion', organ: 'pancreas' } as const;

describe('pancreatic T stage (AJCC 8 via RadGPT)', () => {
  it('2.8 cm with 200 deg SMA contact is T4 with an encasement contact finding', () => {
    const m = measurements({
      structures: normalAbdomen(),
      lesions: [lesion({ ...PANCREAS, segments: ['pancreas_head'], longAxisMm: 28, shortAxisMm: 20, volumeMl: 6, huMean: 30, attenuation: 'hypo',
        contacts: [{ vessel: 'superior_mesenteric_artery', contactAngleDeg: 200 }, { vessel: 'celiac_trunk', contactAngleDeg: 0 }, { vessel: 'common_hepatic_artery', contactAngleDeg: 0 }] })],
    });
    const f = deriveFindings(m, kb);
    const stage = byId(f, 'pancreas_lesion-1.stage');
    expect(stage.statement).toBe('T4');
    expect(stage.attributes.encasedArteries).toEqual(['superior_mesenteric_artery']);
    expect(stage.values.maxArterialContactAngleDeg).toBe(200);
    expect(stage.criteria).toEqual(expect.arrayContaining(['radgpt-pancreas-t-stage', 'ajcc8-pancreas-t', 'ajcc8-staging-limits']));
    const contact = byId(f, 'pancreas_lesion-1.contact.superior_mesenteric_artery');
    expect(contact.statement).toBe('encasement');
    expect(contact.values.contactAngleDeg).toBe(200);
    expect(ids(f)).not.toContain('pancreas_lesion-1.contact.celiac_trunk'); // 0 deg: no contact finding
    const l = byId(f, 'pancreas_lesion-1');
    expect(l.attributes.segments).toEqual(['pancreas_head']);
    expect(l.attributes.attenuation).toBe('hypoattenuating');
    expect(byId(f, 'pancreas.lesions').values.count).toBe(1);
    expect(ids(f)).not.toContain('pancreas.normal');
  });

  it('1.8 cm without contact is T1c; T4 is not excluded when the arteries were not measured', () => {
    const m = measurements({ structures: normalAbdomen(), lesions: [lesion({ ...PANCREAS, longAxisMm: 18, shortAxisMm: 12, volumeMl: 1.5, huMean: 30 })] });
    const stage = byId(deriveFindings(m, kb), 'pancreas_lesion-1.stage');
    expect(stage.statement).toBe('T1c');
    expect(stage.attributes.basis).toBe('size');
    expect(stage.caveats.join(' ')).toMatch(/T4 cannot be excluded.*superior mesenteric artery/);
  });

  it('boundaries are inclusive upper bounds on the unrounded long axis', () => {
    const cases: [number, string][] = [[5, 'T1a'], [5.01, 'T1b'], [10, 'T1b'], [10.01, 'T1c'], [20, 'T1c'], [20.04, 'T2'], [40, 'T2'], [40.1, 'T3']];
    for (const [mm, t] of cases) {
      const m = measurements({ structures: normalAbdomen(), lesions: [lesion({ ...PANCREAS, longAxisMm: mm, shortAxisMm: mm / 2, volumeMl: 1, huMean: 30 })] });
      expect([mm, byId(deriveFindings(m, kb), 'pancreas_lesion-1.stage').statement]).toEqual([mm, t]);
    }
  });

  it('contact of 179 deg is abutment and does not make T4', () => {
    const m = measurements({ structures: normalAbdomen(), lesions: [lesion({ ...PANCREAS, longAxisMm: 25, shortAxisMm: 15, volumeMl: 3, huMean: 30, contacts: [{ vessel: 'superior_mesenteric_artery', contactAngleDeg: 179 }] })] });
    const f = deriveFindings(m, kb);
    expect(byId(f, 'pancreas_lesion-1.contact.superior_mesenteric_artery').statement).toBe('abutment');
    expect(byId(f, 'pancreas_lesion-1.stage').statement).toBe('T2');
  });
});

describe('kidney and lung T by size, with caveats', () => {
  it('a 4.5 cm left renal lesion is T1b (size only); a renal cyst is not staged', () => {
    const m = measurements({
      structures: normalAbdomen(),
      lesions: [
        lesion({ labelId: 30, labelName: 'kidney_lesion_left', lesionClass: 'kidney_lesion_left', organ: 'kidney_left', side: 'left', longAxisMm: 45, shortAxisMm: 40, volumeMl: 40, huMean: 35 }),
        lesion({ labelId: 31, labelName: 'kidney_cyst_right', lesionClass: 'kidney_cyst_right', lesionType: 'cyst', organ: 'kidney_right', side: 'right', longAxisMm: 20, shortAxisMm: 18, volumeMl: 3, huMean: 5 }),
      ],
    });
    const f = deriveFindings(m, kb);
    const st = byId(f, 'kidney_lesion_left-1.stage');
    expect(st.statement).toBe('T1b');
    expect(st.caveats.join(' ')).toMatch(/size-only/);
    expect(st.criteria).toContain('ajcc8-kidney-t');
    expect(ids(f)).not.toContain('kidney_cyst_right-1.stage');
    expect(byId(f, 'kidney_cyst_right-1').statement).toBe('cyst');
    expect(byId(f, 'kidney_cyst_right-1').significance).toBe(1);
  });

  it('lung: 2.5 cm is a nodule, T1c; 3.5 cm is a mass, T2a', () => {
    const lung = (mm: number) =>
      deriveFindings(measurements({ lesions: [lesion({ labelId: 40, labelName: 'lung_nodule', lesionClass: 'lung_nodule', organ: 'lung_upper_lobe_right', side: 'right', longAxisMm: mm, shortAxisMm: mm * 0.8, volumeMl: 5, huMean: 20 })] }), kb);
    const a = lung(25);
    expect(byId(a, 'lung_nodule-1').statement).toBe('nodule');
    expect(byId(a, 'lung_nodule-1.stage').statement).toBe('T1c');
    expect(byId(a, 'lung_nodule-1').criteria).toContain('fleischner-nodule-vs-mass');
    const b = lung(35);
    expect(byId(b, 'lung_nodule-1').statement).toBe('mass');
    expect(byId(b, 'lung_nodule-1.stage').statement).toBe('T2a');
  });
});

describe('lymph nodes, fluid, unknown labels, dropped components, empty studies', () => {
  it('a node of short axis 10 mm is enlarged, 9.9 mm is not', () => {
    const m = measurements({
      lesions: [
        lesion({ labelId: 50, labelName: 'lymph_node', n: 1, lesionClass: 'lymph_node', organ: null, longAxisMm: 14, shortAxisMm: 10, volumeMl: 1, huMean: 40 }),
        lesion({ labelId: 50, labelName: 'lymph_node', n: 2, lesionClass: 'lymph_node', organ: null, longAxisMm: 12, shortAxisMm: 9.9, volumeMl: 0.8, huMean: 40 }),
      ],
    });
    const f = deriveFindings(m, kb);
    expect(byId(f, 'lymph_node-1').statement).toBe('enlarged');
    expect(byId(f, 'lymph_node-1').type).toBe('lymph_node');
    expect(byId(f, 'lymph_node-2').statement).toBe('normal size');
    expect(f.findings.filter((x) => x.type === 'lesion')).toEqual([]);
  });

  it('ascites present gives its volume; an empty ascites label is a negative', () => {
    const present = deriveFindings(measurements({ structures: [structure('ascites', { volumeMl: 250, huMean: 8 })] }), kb);
    expect(byId(present, 'ascites.fluid').values).toEqual({ volumeMl: 250, huMean: 8 });
    const absent = deriveFindings(measurements({ structures: [...normalAbdomen(), emptyStructure('ascites')] }), kb);
    expect(byId(absent, 'ascites.fluid').statement).toBe('absent');
    expect(byId(absent, 'ascites.fluid').status).toBe('normal');
  });

  it('unknown label names are reported, with their volume', () => {
    const m = measurements({
      structures: [...normalAbdomen(), structure(null, { labelId: 99, sourceName: 'weird_thing', volumeMl: 12, huMean: 100 })],
      unknownLabels: [{ labelId: 99, sourceName: 'weird_thing' }],
    });
    const u = byId(deriveFindings(m, kb), 'unknown.99');
    expect(u.type).toBe('unknown_structure');
    expect(u.subject.displayName).toBe('weird_thing');
    expect(u.values.volumeMl).toBe(12);
  });

  it('dropped sub-threshold components are counted in the lesion findings, not hidden', () => {
    const m = measurements({
      structures: [...normalAbdomen(), structure('liver_lesion', { labelId: 60, volumeMl: 2.1, huMean: 30 })],
      lesions: [lesion({ labelId: 60, labelName: 'liver_lesion', lesionClass: 'liver_lesion', organ: 'liver', segments: ['liver_segment_7'], longAxisMm: 21, shortAxisMm: 14, volumeMl: 2, huMean: 30 })],
      droppedLesions: [{ labelId: 60, labelName: 'liver_lesion', count: 3, volumeMm3: 90 }],
    });
    const f = deriveFindings(m, kb);
    expect(byId(f, 'liver.lesions').values).toMatchObject({ count: 1, droppedComponentCount: 3, droppedVolumeMm3: 90 });
    expect(byId(f, 'liver_lesion-1').values.labelDroppedComponentCount).toBe(3);
    expect(byId(f, 'liver_lesion-1').criteria).toEqual(expect.arrayContaining(['radgpt-lesion-location', 'couinaud-segments', 'groundct-min-component-size']));
  });

  it('an empty lesion label over a complete organ is a "no lesion" count, and the organ normal finding lists lesions as assessed', () => {
    const m = measurements({ structures: [...normalAbdomen(), emptyStructure('liver_lesion', 60)] });
    const f = deriveFindings(m, kb);
    expect(byId(f, 'liver.lesions').statement).toBe('no lesion');
    expect(byId(f, 'liver.normal').attributes.assessed).toEqual(['completeness', 'size', 'attenuation', 'lesions']);
    expect(byId(f, 'spleen.normal').attributes.assessed).toEqual(['completeness', 'size']);
  });

  it('an empty mask set gives one nothing_assessed finding (no crash)', () => {
    const none = deriveFindings(measurements(), kb);
    expect(ids(none)).toEqual(['study.nothing_assessed']);
    const allEmpty = deriveFindings(measurements({ structures: [emptyStructure('liver'), emptyStructure('spleen')] }), kb);
    expect(ids(allEmpty)).toEqual(['study.nothing_assessed', 'liver.not_imaged', 'spleen.not_imaged']);
  });

  it('normal abdomen: five normal findings; every finding parses and cites passages that exist', () => {
    const f = deriveFindings(measurements({ structures: normalAbdomen() }), kb);
    expect(f.findings.filter((x) => x.type === 'normal').map((x) => x.id).sort()).toEqual(
      ['kidney_left.normal', 'kidney_right.normal', 'liver.normal', 'pancreas.normal', 'spleen.normal'],
    );
    expect(FindingsSchema.parse(f)).toEqual(f);
    for (const x of f.findings) for (const c of x.criteria) expect(kb.byId.has(c)).toBe(true);
  });

  it('rejects input that is not measurements', () => {
    expect(() => deriveFindings({ kind: 'report' } as never, kb)).toThrow(expect.objectContaining({ code: 'GCT_FINDINGS_INPUT_INVALID' }));
  });
});

describe('lymph node labels not split into nodes', () => {
  it('are reported with their volume and an undecided size class', async () => {
    const f = deriveFindings(measurements({ structures: [structure('lymph_node', { labelId: 70, volumeMl: 4, huMean: 35 })] }), kb);
    const n = byId(f, 'lymph_node.nodes');
    expect(n).toMatchObject({ type: 'lymph_node', status: 'indeterminate', statement: 'short axis not measured', values: { volumeMl: 4, huMean: 35 } });
  });
});

describe('cyst-only lesion labels', () => {
  it('an empty kidney_cyst_left label over a complete kidney says "no cyst", not "no lesion"', () => {
    const f = deriveFindings(measurements({ structures: [...normalAbdomen(), emptyStructure('kidney_cyst_left', 80)] }), kb);
    expect(byId(f, 'kidney_left.lesions')).toMatchObject({ statement: 'no cyst', attributes: { lookedFor: 'cyst' } });
  });
});
