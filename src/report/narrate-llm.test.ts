import { FakeListChatModel } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFindings, type Finding } from '../findings/index.ts';
import { lesion, measurements, normalAbdomen } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { buildReport } from './build-report.ts';
import { checkRephrase, splitSentences } from './check-sentence.ts';
import { narrateWithLlm, parseTaggedOutput } from './narrate-llm.ts';
import { ReportSchema, type Report } from './schema.ts';
import { loadTemplates, type LoadedTemplates } from './templates.ts';

let templates: LoadedTemplates;
let report: Report;

beforeAll(async () => {
  const [kb, t] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
  templates = t;
  const m = measurements({
    structures: normalAbdomen({ spleen: { volumeMl: 320 } }),
    lesions: [
      lesion({ labelId: 60, labelName: 'liver_lesion', lesionClass: 'liver_lesion', organ: 'liver', segments: ['liver_segment_7'], longAxisMm: 21.3, shortAxisMm: 14.2, volumeMl: 2.3, huMean: 35, attenuation: 'hypo' }),
      lesion({ labelId: 30, labelName: 'kidney_lesion_left', lesionClass: 'kidney_lesion_left', organ: 'kidney_left', side: 'left', longAxisMm: 45, shortAxisMm: 40, volumeMl: 40, huMean: 35 }),
      lesion({ labelId: 20, labelName: 'pancreas_lesion', lesionClass: 'pancreas_lesion', organ: 'pancreas', segments: ['pancreas_head'], longAxisMm: 28, shortAxisMm: 20, volumeMl: 6, huMean: 30, attenuation: 'hypo',
        contacts: [{ vessel: 'superior_mesenteric_artery', contactAngleDeg: 200 }] }),
    ],
  });
  report = buildReport(m, deriveFindings(m, kb), { templates });
});

/** The id of the sentence that states `findingId` first in `section` (robust to renumbering). */
function sid(findingId: string, section: 'findings' | 'impression' = 'findings'): string {
  const s = report.sentences.find((x) => x.section === section && x.findingIds[0] === findingId);
  if (s === undefined) throw new Error(`no sentence for ${findingId}`);
  return s.id;
}
const textOf = (r: Report, id: string) => r.sentences.find((s) => s.id === id)!.text;

describe('narrateWithLlm with a fake chat model', () => {
  it('keeps faithful rephrasings and replaces every planted error by the template sentence', async () => {
    const faithful: Record<string, string> = {
      [sid('spleen.size')]: 'The spleen is enlarged, measuring 320 mL in volume (above 314.5 mL).',
      [sid('kidney_lesion_left-1.stage')]: 'Based on size alone this corresponds to T1b (AJCC 8th edition), assuming it is confined to the kidney.',
      [sid('kidney_lesion_left-1', 'impression')]: '4.5 x 4.0 cm lesion of the left kidney; size-based T category T1b (AJCC 8th edition).',
      [sid('kidney_left.lesions')]: 'A single lesion is segmented in the left kidney.',
      [sid('liver_lesion-1', 'impression')]: 'Hypoattenuating lesion of 21 x 14 mm in Couinaud segment VII.',
    };
    const planted: Record<string, [string, RegExp]> = {
      [sid('kidney_lesion_left-1')]: ['A 4.5 x 4.0 cm lesion in the right kidney (volume 40 mL, mean 35 HU).', /side 'right'/],
      [sid('spleen.size', 'impression')]: ['Enlarged liver (volume 320 mL).', /organ or vessel 'liver'/],
      [sid('pancreas.size')]: ['The pancreas is normal in size (volume 80 mL).', /number '80 mL'/],
      [sid('liver_lesion-1')]: ['A 2.1 x 1.4 cm hypoattenuating lesion in Couinaud segment 6 (volume 2.3 mL, mean 35 HU versus 60 HU in the liver on the non-contrast phase).', /segment 'liver_segment_6'/],
      [sid('liver.steatosis')]: ['The liver has a mean attenuation of 60 HU on non-contrast CT, with steatosis by the 40 HU criterion.', /negation .* lost/],
      [sid('kidney_right.size')]: ['The right kidney is not normal in size (volume 150 mL).', /negation was added/],
      [sid('pancreas_lesion-1.stage')]: ['It corresponds to imaging T category T3 (AJCC 8th edition) by encasement of the superior mesenteric artery.', /T category 'T3'/],
      [sid('spleen.length')]: ['The spleen measures 10.0 cm craniocaudally (normal up to 13.0 cm). There is also a 3 cm cyst in the left kidney.', /organ or vessel 'kidney'/],
      [sid('pancreas_lesion-1')]: ['A 2.8 x 2.0 cm lesion in the pancreatic head (volume 6.0 mL, mean 30 HU versus 60 HU in the pancreas on the non-contrast phase), encasing the superior mesenteric artery (200 degrees of contact).', /descriptor 'hypoattenuating' was dropped/],
      [sid('pancreas.lesions')]: ['One malignant tumour is segmented in the pancreas.', /descriptor 'malignancy'/],
      [sid('pancreas.steatosis')]: ['The pancreas-to-spleen attenuation ratio is 1.20 (60 HU versus 50 HU on arterial phase CT), without fatty pancreas by the 0.70 criterion.', /contrast phase 'arterial'/],
      [sid('pancreas_lesion-1', 'impression')]: ['A 2.8 x 2.0 cm hypoattenuating lesion in the pancreatic head, encasing the superior mesenteric vein (200 degrees of contact); imaging T category T4 (AJCC 8th edition).', /superior mesenteric vein/],
    };
    // Rounding: "2 x 1 cm" is not "2.1 x 1.4 cm" within the rounding shown.
    const roundingId = sid('liver.lesions');
    const missingId = sid('liver.size');
    const lines: string[] = [];
    for (const s of report.sentences) {
      if (s.id === missingId) continue; // the model skips a sentence
      if (s.id === roundingId) lines.push(`[${s.id}] One lesion of 2 x 1 cm is segmented in the liver.`);
      else if (faithful[s.id] !== undefined) lines.push(`[${s.id}] ${faithful[s.id]}`);
      else if (planted[s.id] !== undefined) lines.push(`[${s.id}] ${planted[s.id][0]}`);
      else lines.push(`[${s.id}] ${s.text}`);
    }
    lines.push('Incidental 1.2 cm hepatic cyst.', '[s99] The gallbladder contains stones.');

    const model = new FakeListChatModel({ responses: [lines.join('\n')] });
    const out = await narrateWithLlm(report, model, { templates });

    expect(ReportSchema.parse(out)).toEqual(out);
    expect(out.narrator.kind).toBe('llm');
    expect(out.narrator.prompt).toBe('narrator-user@1');
    for (const [id, text] of Object.entries(faithful)) expect(textOf(out, id)).toBe(text);

    const replaced = new Map(out.narrator.replaced.filter((r) => r.sentenceId !== null).map((r) => [r.sentenceId!, r]));
    for (const [id, [, why]] of Object.entries(planted)) {
      expect(textOf(out, id)).toBe(textOf(report, id));
      expect(replaced.get(id)?.action).toBe('kept-template');
      expect(replaced.get(id)?.reasons.join('; ')).toMatch(why);
    }
    expect(textOf(out, roundingId)).toBe(textOf(report, roundingId));
    expect(replaced.get(roundingId)?.reasons.join('; ')).toMatch(/number '2 cm'/);
    expect(replaced.get(missingId)?.reasons).toEqual(['missing from the LLM output']);
    const dropped = out.narrator.replaced.filter((r) => r.action === 'dropped');
    expect(dropped.map((d) => d.llmText)).toEqual(['The gallbladder contains stones.', 'Incidental 1.2 cm hepatic cyst.']);
    expect(out.sentences.map((s) => s.text).join(' ')).not.toMatch(/gallbladder|cyst|malignant|right kidney is not|segment 6|T3\b/);
    // Finding ids, sections and order are untouched.
    expect(out.sentences.map((s) => [s.id, s.section, s.findingIds])).toEqual(report.sentences.map((s) => [s.id, s.section, s.findingIds]));
    // Replacements: the planted errors, the rounding error and the missing sentence; nothing faithful.
    expect(replaced.size).toBe(Object.keys(planted).length + 2);
  });

  it('refuses a chat model configured with a non-zero temperature', async () => {
    const model = Object.assign(new FakeListChatModel({ responses: ['x'] }), { temperature: 0.7 });
    await expect(narrateWithLlm(report, model, { templates })).rejects.toThrow(expect.objectContaining({ code: 'GCT_REPORT_NARRATOR_INVALID' }));
  });

  it('a failing LLM call keeps the template report and says why', async () => {
    const model = new FakeListChatModel({ responses: ['x'] });
    model.invoke = async () => {
      throw new Error('connection refused');
    };
    const out = await narrateWithLlm(report, model, { templates });
    expect(out.sentences).toEqual(report.sentences);
    expect(out.narrator).toMatchObject({ kind: 'template', error: 'the LLM call failed: connection refused' });
  });
});

describe('checkRephrase', () => {
  const lesionFinding = (side: 'left' | 'right', segments: string[] = []): Finding => ({
    id: 'l-1', type: 'lesion', subject: { structure: 'kidney_lesion_left', displayName: 'left renal lesion', organ: 'kidney_left', lesionId: 'l-1', side },
    status: 'abnormal', significance: 2, statement: 'lesion', values: {}, attributes: { segments }, caveats: [], evidence: [], criteria: ['radgpt-lesion-size'],
  });
  const template = 'A 2.1 x 1.4 cm lesion in the left kidney (volume 2.3 mL, mean 35 HU).';

  it('accepts unit changes within the rounding shown and rejects numbers outside it', () => {
    const f = [lesionFinding('left')];
    expect(checkRephrase('A lesion of 21 x 14 mm in the left kidney (2.3 mL, 35 HU).', template, f)).toEqual([]);
    expect(checkRephrase('A lesion of 21.4 x 13.6 mm in the left kidney (2.3 mL, 35 HU).', template, f)).toEqual([]);
    expect(checkRephrase('A lesion of 2.2 x 1.4 cm in the left kidney (2.3 mL, 35 HU).', template, f).join()).toMatch(/2\.2 cm/);
    expect(checkRephrase('A lesion of 2.1 x 1.4 cm in the left kidney (2.3 mL, 36 HU).', template, f).join()).toMatch(/36 HU/);
    expect(checkRephrase('A lesion of 2.1 x 1.4 cm in the left kidney (2.3 mL).', template, f).join()).toMatch(/'35 HU' of the template sentence was dropped/);
  });

  it('rejects a side, organ, negation or stage the template does not state', () => {
    const f = [lesionFinding('left')];
    expect(checkRephrase('A 2.1 x 1.4 cm lesion in the right kidney (volume 2.3 mL, mean 35 HU).', template, f).join()).toMatch(/side 'right'/);
    expect(checkRephrase('A 2.1 x 1.4 cm lesion in the left adrenal gland (volume 2.3 mL, mean 35 HU).', template, f).join()).toMatch(/adrenal gland/);
    expect(checkRephrase('No 2.1 x 1.4 cm lesion in the left kidney (volume 2.3 mL, mean 35 HU).', template, f).join()).toMatch(/negation was added/);
    expect(checkRephrase('A 2.1 x 1.4 cm T2 lesion in the left kidney (volume 2.3 mL, mean 35 HU).', template, f).join()).toMatch(/T category 'T2'/);
  });

  it('allows what the findings state even when the template sentence does not name it', () => {
    const f = [{ ...lesionFinding('right', ['liver_segment_7']), subject: { structure: 'liver_lesion', displayName: 'hepatic lesion', organ: 'liver', lesionId: 'l-1', side: 'right' as const } }];
    expect(checkRephrase('A right-sided 2.1 x 1.4 cm hepatic lesion (segment 7, 2.3 mL, 35 HU).', 'A 2.1 x 1.4 cm lesion in Couinaud segment 7 (volume 2.3 mL, mean 35 HU).', f)).toEqual([]);
  });

  it('splits sentences at full stops but not inside decimals', () => {
    expect(splitSentences('A 2.1 cm lesion. No other. (x) 3 items.')).toEqual(['A 2.1 cm lesion.', 'No other.', '(x) 3 items.']);
    expect(parseTaggedOutput('[s1] a\n\n[s2] b\nfree text\n[s1] c')).toEqual({ byId: new Map([['s1', 'a c'], ['s2', 'b']]), untagged: ['free text'] });
  });
});
