import { getStructure } from '../anatomy/index.ts';
import type { LesionRecord } from '../measure/measurements.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { lesionEvidence } from './evidence.ts';
import { isKidneyPart, isLungPart, lesionNoun } from './lesion-rules.ts';
import { PANCREAS_T4_ARTERIES, PASSAGES, sizeCategory } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Imaging T categories (AJCC Cancer Staging Manual, 8th ed.) that masks can suggest:
 * - pancreas (RadGPT's operational rule, radgpt-pancreas-t-stage + ajcc8-pancreas-t): T4 when the SMA, celiac
 *   axis or common hepatic artery has contact >= 180 deg; otherwise by long axis, T1a <= 0.5 cm, T1b <= 1,
 *   T1c <= 2, T2 <= 4, T3 > 4. Boundaries are inclusive upper bounds on the unrounded long axis (`sizeCategory`).
 * - kidney (ajcc8-kidney-t) and lung (ajcc8-lung-t): by size only, which decides the category only while no
 *   non-size descriptor applies; each finding carries that caveat.
 * Never N, M, grade or a stage group (ajcc8-staging-limits). Cysts are not staged.
 */

const IMAGING_ONLY = 'imaging T category suggested from masks, not a pathological stage; N, M and grade are not assessed';

function stageSubject(l: LesionRecord): Finding['subject'] {
  return { structure: l.lesionClass, displayName: 'T category', organ: l.organ, lesionId: l.id, side: l.side };
}

function sizeCaveat(l: LesionRecord): string[] {
  return l.touchesBorder.touches ? ['the lesion touches the scan border; a size-based category may be too low'] : [];
}

function pancreasStage(ctx: RuleContext, l: LesionRecord): Finding {
  const arterial = l.contacts.filter((c) => (PANCREAS_T4_ARTERIES as readonly string[]).includes(c.vessel));
  const maxAngleDeg = arterial.reduce((a, c) => Math.max(a, c.contactAngleDeg), 0);
  const encased = arterial.filter((c) => c.contactAngleDeg >= ctx.rules.pancreasT4AngleDeg).map((c) => c.vessel);
  const assessed = new Set(arterial.map((c) => c.vessel));
  const notAssessed = PANCREAS_T4_ARTERIES.filter((v) => !assessed.has(v));
  const category = encased.length > 0 ? 'T4' : sizeCategory(ctx.rules.pancreasT, l.longAxisMm);
  const caveats = [IMAGING_ONLY, ...sizeCaveat(l)];
  if (category !== 'T4' && notAssessed.length > 0)
    caveats.push(`T4 cannot be excluded: contact with ${notAssessed.map((v) => getStructure(v).displayName).join(', ')} was not measured (not segmented)`);
  return makeFinding({
    id: `${l.id}.stage`,
    type: 'stage',
    subject: stageSubject(l),
    status: 'abnormal',
    significance: 3,
    statement: category,
    values: { longAxisMm: l.longAxisMm, ...(arterial.length > 0 ? { maxArterialContactAngleDeg: maxAngleDeg } : {}), t4AtOrAboveDeg: ctx.rules.pancreasT4AngleDeg },
    attributes: {
      system: 'AJCC 8',
      organ: 'pancreas',
      basis: category === 'T4' ? 'arterial encasement' : 'size',
      encasedArteries: encased,
      arteriesAssessed: [...assessed],
    },
    caveats,
    evidence: [lesionEvidence(l)],
    criteria: [PASSAGES.pancreasTRadgpt, PASSAGES.pancreasT, PASSAGES.stagingLimits, ...(arterial.length > 0 ? [PASSAGES.vesselContact] : [])],
  });
}

function sizeOnlyStage(ctx: RuleContext, l: LesionRecord, organ: 'kidney' | 'lung'): Finding {
  const rule = organ === 'kidney' ? ctx.rules.kidneyT : ctx.rules.lungT;
  const category = sizeCategory(rule, l.longAxisMm);
  const sizeOnly =
    organ === 'kidney'
      ? 'size-only T category: assumes the tumour is confined to the kidney; renal vein, sinus fat, IVC, Gerota fascia and adrenal extension (T3/T4) are not assessed from masks'
      : 'size-only T category for a solid tumour: airway, pleural, chest wall, mediastinal and separate-nodule descriptors are not assessed; applies only if the lesion is a primary lung cancer';
  return makeFinding({
    id: `${l.id}.stage`,
    type: 'stage',
    subject: stageSubject(l),
    status: 'abnormal',
    significance: 3,
    statement: category,
    values: { longAxisMm: l.longAxisMm },
    attributes: { system: 'AJCC 8', organ, basis: 'size' },
    caveats: [IMAGING_ONLY, sizeOnly, ...sizeCaveat(l)],
    evidence: [lesionEvidence(l)],
    criteria: [rule.passageId, PASSAGES.stagingLimits],
  });
}

export function stageFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const l of ctx.lesions) {
    if (l.organ === null || lesionNoun(ctx, l) === 'cyst') continue;
    if (l.organ === 'pancreas' || l.organ.startsWith('pancreas_')) out.push(pancreasStage(ctx, l));
    else if (isKidneyPart(l.organ)) out.push(sizeOnlyStage(ctx, l, 'kidney'));
    else if (isLungPart(l.organ)) out.push(sizeOnlyStage(ctx, l, 'lung'));
  }
  return out;
}

