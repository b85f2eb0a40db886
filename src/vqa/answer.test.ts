import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFindings } from '../findings/index.ts';
import { emptyStructure, lesion, measurements, normalAbdomen, structure } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/index.ts';
import { ask } from './answer.ts';
import { makeVqaContext, type VqaContext } from './context.ts';
import { studyFromArtifacts } from './study.ts';

/**
 * Answers over hand-written measurements (1 mm voxels, so V mL = 1000 V voxels). Sizes are set against the
 * knowledge base's RadGPT limits: spleen enlarged above 314.5 mL, kidney above 207.6 mL, pancreas above 83 mL.
 */
let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});

function context(m: Measurements): VqaContext {
  return makeVqaContext(studyFromArtifacts(m, deriveFindings(m, kb)), kb);
}

const pancreasTumour = lesion({
  labelId: 211, labelName: 'pancreas_lesion', lesionClass: 'pancreas_lesion', organ: 'pancreas', segments: ['pancreas_head'], side: 'right',
  longAxisMm: 32, shortAxisMm: 25, volumeMl: 9.5, huMean: 20, parenchymaHuMean: 45, attenuation: 'hypo',
  contacts: [{ vessel: 'superior_mesenteric_artery', contactAngleDeg: 90 }, { vessel: 'celiac_trunk', contactAngleDeg: 0 }, { vessel: 'common_hepatic_artery', contactAngleDeg: 0 }],
});
const liverLesions = [
  lesion({ labelId: 210, labelName: 'liver_lesion', n: 1, lesionClass: 'liver_lesion', organ: 'liver', segments: ['liver_segment_7'], longAxisMm: 30, shortAxisMm: 22, volumeMl: 8, huMean: 20, attenuation: 'hypo' }),
  lesion({ labelId: 210, labelName: 'liver_lesion', n: 2, lesionClass: 'liver_lesion', organ: 'liver', segments: ['liver_segment_2', 'liver_segment_3'], longAxisMm: 12, shortAxisMm: 10, volumeMl: 0.6, huMean: 95, attenuation: 'hyper' }),
];

describe('ask over findings', () => {
  const m = measurements({
    structures: [
      ...normalAbdomen({ spleen: { volumeMl: 400 }, kidney_left: { touches: ['superior'] } }),
      structure('liver_lesion', { labelId: 210, volumeMl: 8.6, huMean: 24 }),
      structure('pancreas_lesion', { labelId: 211, volumeMl: 9.5, huMean: 20 }),
      structure('gallbladder', { labelId: 4, volumeMl: 30, huMean: 8 }),
      emptyStructure('urinary_bladder', 21),
      structure('liver_segment_7', { labelId: 307, volumeMl: 200, huMean: 58 }),
    ],
    lesions: [...liverLesions, pancreasTumour],
  });
  let ctx: VqaContext;
  beforeAll(() => {
    ctx = context(m);
  });

  it('enlarged spleen: "yes", its volume, the size finding and the RadGPT size norm as citation', async () => {
    const a = await ask(ctx, 'Is the spleen enlarged?');
    expect(a).toMatchObject({ answerable: true, answer: 'yes', value: 400, unit: 'mL', findingIds: ['spleen.size'] });
    expect(a.citations.map((c) => c.id)).toEqual(['radgpt-spleen-volume']);
    expect(a.citations[0].title.length).toBeGreaterThan(0);
    expect(a.evidence[0]).toMatchObject({ labelId: 1, labelName: 'spleen', voxelCount: 400000 });
  });

  it('volume of a complete organ; a partially imaged one is withheld with the partial-organ passages', async () => {
    expect(await ask(ctx, 'What is the volume of the pancreas?')).toMatchObject({ answerable: true, value: 70, unit: 'mL', answer: '70.0 mL' });
    const partial = await ask(ctx, 'What is the left kidney volume?');
    expect(partial).toMatchObject({ answerable: false, reason: 'partially_imaged' });
    // Literature first (RadGPT's rule), then groundct's method note, shown as such.
    expect(partial.citations.map((c) => [c.id, c.kind])).toEqual([['radgpt-partial-organ', 'literature'], ['groundct-partial-organ', 'method']]);
    expect(await ask(ctx, 'Which kidney is larger?')).toMatchObject({ answerable: false, reason: 'partially_imaged' });
  });

  it('not imaged and not labelled are different reasons', async () => {
    expect(await ask(ctx, 'Is there a lesion in the urinary bladder?')).toMatchObject({ answerable: false, reason: 'not_imaged' });
    expect(await ask(ctx, 'What is the volume of the prostate?')).toMatchObject({ answerable: false, reason: 'structure_absent' });
  });

  it('a lesion absent from a complete organ is "no", with the organ mask as evidence', async () => {
    const a = await ask(ctx, 'Is there a lesion in the spleen?');
    expect(a).toMatchObject({ answerable: true, answer: 'no' });
    expect(a.evidence.map((e) => e.labelName)).toEqual(['spleen']);
    // The method criterion, then the literature it names (its related list), since no criterion is literature.
    expect(a.citations.map((c) => [c.id, c.via])).toEqual([['groundct-negative-findings', 'criteria'], ['esr2018-structured-reporting', 'related']]);
    expect(await ask(ctx, 'Is there a lesion in the left kidney?')).toMatchObject({ answerable: false, reason: 'partially_imaged' });
    expect(await ask(ctx, 'How many lesions are in the gallbladder?')).toMatchObject({ answerable: true, value: 0, unit: 'count' });
  });

  it('lesions by segment: "no" in segment 8 rests on the liver count finding', async () => {
    expect(await ask(ctx, 'Is there a lesion in segment VII?')).toMatchObject({ answerable: true, answer: 'yes', findingIds: ['liver_lesion-1'] });
    const s8 = await ask(ctx, 'Is there a lesion in segment 8?');
    expect(s8).toMatchObject({ answerable: true, answer: 'no' });
    expect(s8.findingIds).toContain('liver.lesions');
  });

  it('location, ranks and sizes of liver lesions', async () => {
    expect(await ask(ctx, 'Where is the largest liver lesion?')).toMatchObject({ answer: 'Couinaud segment 7', findingIds: ['liver_lesion-1'] });
    expect(await ask(ctx, 'Where is the smallest liver lesion?')).toMatchObject({ answer: 'Couinaud segment 2 and Couinaud segment 3' });
    expect(await ask(ctx, 'How many liver lesions are there?')).toMatchObject({ value: 2, unit: 'count' });
    expect(await ask(ctx, 'How large is the largest liver lesion?')).toMatchObject({ answer: '30.0 x 22.0 mm', value: 30, unit: 'mm' });
    const unranked = await ask(ctx, 'What is the volume of the liver lesion?');
    expect(unranked).toMatchObject({ value: 8, unit: 'mL' });
    expect(unranked.caveats[0]).toContain('2 lesions match');
    expect(await ask(ctx, 'Is the smallest liver lesion hyperattenuating?')).toMatchObject({ answer: 'yes', value: 95, unit: 'HU' });
  });

  it('T category by size when no artery is encased (32 mm pancreatic tumour: T2, 20 < 32 <= 40 mm)', async () => {
    const a = await ask(ctx, 'What is the T stage of the pancreatic tumour?');
    expect(a).toMatchObject({ answerable: true, answer: 'T2', findingIds: ['pancreas_lesion-1.stage', 'pancreas_lesion-1'] });
    expect(a.citations.map((c) => c.id)).toContain('ajcc8-pancreas-t');
    expect(a.caveats.some((c) => c.includes('not a pathological stage'))).toBe(true);
    expect(await ask(ctx, 'What is the T stage of the liver lesion?')).toMatchObject({ answerable: false, reason: 'out_of_scope' });
    expect(await ask(ctx, 'What is the T stage of the right kidney mass?')).toMatchObject({ answerable: false, reason: 'structure_absent' });
  });

  it('"show me" returns the mask reference of the component', async () => {
    const a = await ask(ctx, 'Show me the pancreatic lesion');
    expect(a.masks).toEqual([{ labelId: 211, labelName: 'pancreas_lesion', componentId: 'pancreas_lesion-1' }]);
    expect(a.evidence[0]).toMatchObject({ componentId: 'pancreas_lesion-1', sliceRange: [48, 56] });
  });

  it('overall normality: gallbladder normal (completeness only); pancreas not (it holds a tumour)', async () => {
    const gb = await ask(ctx, 'Is the gallbladder normal?');
    expect(gb).toMatchObject({ answer: 'yes', findingIds: ['gallbladder.normal'] });
    const p = await ask(ctx, 'Is the pancreas normal?');
    expect(p.answer).toBe('no');
    expect(p.findingIds).toContain('pancreas_lesion-1');
  });

  it('never answers out-of-scope or unreadable questions', async () => {
    for (const q of ['Is the pancreatic tumour malignant?', 'What is the M stage?', 'Is the tumour resectable?'])
      expect(await ask(ctx, q), q).toMatchObject({ answerable: false, reason: 'out_of_scope', evidence: [], findingIds: [] });
    expect(await ask(ctx, 'Tell me a story')).toMatchObject({ answerable: false, reason: 'unparsed', intent: null, parsedBy: null });
  });

  it('steatosis needs a non-contrast phase', async () => {
    expect(await ask(ctx, 'Is the liver fatty?')).toMatchObject({ answerable: true, answer: 'no', findingIds: ['liver.steatosis'] });
    const venous = context(measurements({ phase: 'portal-venous', structures: normalAbdomen() }));
    expect(await ask(venous, 'Is the liver fatty?')).toMatchObject({ answerable: false, reason: 'out_of_scope' });
  });
});

describe('study-wide lesion questions', () => {
  it('without any lesion label the absence of lesions in the study is not claimed', async () => {
    const ctx = context(measurements({ structures: normalAbdomen() }));
    expect(await ask(ctx, 'How many lesions are there in total?')).toMatchObject({ answerable: false, reason: 'structure_absent' });
    // ... but an organ that is labelled and complete holds no lesion mask: "no", with a caveat saying what that means.
    const a = await ask(ctx, 'Is there a lesion in the liver?');
    expect(a).toMatchObject({ answerable: true, answer: 'no' });
    expect(a.caveats[0]).toContain('no lesion label for the liver');
  });
});
