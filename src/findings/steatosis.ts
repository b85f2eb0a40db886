import type { MeasuredStructureStats } from '../measure/types.ts';
import { makeFinding, measured, round4, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { subjectOf } from './organ-rules.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Steatosis rules (RadGPT): fatty liver at a mean liver attenuation <= 40 HU (passage radgpt-fatty-liver) and
 * fatty pancreas at a pancreas/spleen mean HU ratio <= 0.7 (radgpt-fatty-pancreas). Both thresholds are defined
 * on unenhanced CT, so they are applied only when the phase is 'non-contrast' (contrast-phase-caveat): stated, or
 * estimated with at least the confidence groundct-contrast-phase-estimation requires. With an unknown phase, or
 * an estimate below that confidence, a 'phase_unknown' finding says that steatosis was not assessed; on a
 * contrast-enhanced phase nothing is claimed (the numbers stay in the structure table).
 *
 * The liver's mean is taken over its parenchyma (organ minus lesions, groundct-organ-parenchyma) when the
 * measure stage computed one for a liver lesion, else over the liver mask. The steatosis rules do not need the
 * whole organ, so they also run on a partially imaged liver or pancreas.
 */

function parenchymaHu(ctx: RuleContext, organ: string): { huMean: number; source: 'parenchyma' | 'organ mask' } | null {
  const withParenchyma = ctx.lesions.find((l) => l.organ === organ && l.parenchyma !== null);
  return withParenchyma?.parenchyma ? { huMean: withParenchyma.parenchyma.huMean, source: 'parenchyma' } : null;
}

function fattyLiver(ctx: RuleContext, liver: MeasuredStructureStats): Finding {
  const hu = parenchymaHu(ctx, 'liver') ?? { huMean: liver.huMean, source: 'organ mask' as const };
  const fatty = hu.huMean <= ctx.rules.fattyLiverMaxHu;
  return makeFinding({
    id: 'liver.steatosis',
    type: 'steatosis',
    subject: subjectOf('liver'),
    status: fatty ? 'abnormal' : 'normal',
    significance: fatty ? 2 : 0,
    statement: fatty ? 'fatty' : 'not fatty',
    values: { huMean: hu.huMean, fattyAtOrBelowHu: ctx.rules.fattyLiverMaxHu },
    attributes: { phase: ctx.phase.phase, phaseSource: ctx.phase.source, huSource: hu.source, partiallyImaged: liver.partiallyImaged },
    evidence: [structureEvidence(liver)],
    criteria: [PASSAGES.fattyLiver, PASSAGES.phaseCaveat, ...(hu.source === 'parenchyma' ? [PASSAGES.parenchyma] : [])],
  });
}

function fattyPancreas(ctx: RuleContext, pancreas: MeasuredStructureStats): Finding {
  const spleen = measured(ctx, 'spleen');
  const base = { id: 'pancreas.steatosis', type: 'steatosis' as const, subject: subjectOf('pancreas') };
  const pancreasHu = parenchymaHu(ctx, 'pancreas') ?? { huMean: pancreas.huMean, source: 'organ mask' as const };
  if (spleen === null || !(spleen.huMean > 0)) {
    // The ratio needs a positive spleen attenuation as its denominator; without it nothing is claimed.
    return makeFinding({
      ...base,
      status: 'indeterminate',
      significance: 1,
      statement: 'not assessed',
      values: { huMean: pancreasHu.huMean, ...(spleen === null ? {} : { spleenHuMean: spleen.huMean }) },
      attributes: { phase: ctx.phase.phase, phaseSource: ctx.phase.source, reason: spleen === null ? 'spleen not segmented' : 'spleen mean HU is not positive' },
      evidence: [structureEvidence(pancreas), ...(spleen === null ? [] : [structureEvidence(spleen)])],
      criteria: [PASSAGES.fattyPancreas],
    });
  }
  const ratio = pancreasHu.huMean / spleen.huMean;
  const fatty = ratio <= ctx.rules.fattyPancreasMaxRatio;
  return makeFinding({
    ...base,
    status: fatty ? 'abnormal' : 'normal',
    significance: fatty ? 2 : 0,
    statement: fatty ? 'fatty' : 'not fatty',
    values: {
      huMean: pancreasHu.huMean,
      spleenHuMean: spleen.huMean,
      pancreasSpleenHuRatio: round4(ratio),
      fattyAtOrBelowRatio: ctx.rules.fattyPancreasMaxRatio,
    },
    attributes: { phase: ctx.phase.phase, phaseSource: ctx.phase.source, huSource: pancreasHu.source },
    evidence: [structureEvidence(pancreas), structureEvidence(spleen)],
    criteria: [PASSAGES.fattyPancreas, PASSAGES.phaseCaveat, ...(pancreasHu.source === 'parenchyma' ? [PASSAGES.parenchyma] : [])],
  });
}

/** Criteria of a steatosis finding: the phase passages too when the non-contrast phase was estimated. */
function phaseCriteria(ctx: RuleContext): string[] {
  return ctx.phase.source === 'estimated' ? [PASSAGES.phaseEstimation] : [];
}

export function steatosisFindings(ctx: RuleContext): Finding[] {
  const liver = measured(ctx, 'liver');
  const pancreas = measured(ctx, 'pancreas');
  if (liver === null && pancreas === null) return [];
  const { phase, source, reliable, estimate } = ctx.phase;
  if (phase === 'non-contrast' && reliable) {
    const withPhase = (f: Finding): Finding => (f.status === 'indeterminate' ? f : { ...f, criteria: [...new Set([...f.criteria, ...phaseCriteria(ctx)])] });
    return [...(liver === null ? [] : [withPhase(fattyLiver(ctx, liver))]), ...(pancreas === null ? [] : [withPhase(fattyPancreas(ctx, pancreas))])];
  }
  // A contrast phase (stated or confidently estimated): the non-contrast thresholds do not apply and nothing is claimed.
  if (phase !== 'unknown' && reliable) return [];
  const notAssessed = [...(liver === null ? [] : ['fatty liver']), ...(pancreas === null ? [] : ['fatty pancreas'])];
  const uncertain = source === 'estimated' && estimate !== null;
  return [
    makeFinding({
      id: 'study.phase_unknown',
      type: 'phase_unknown',
      subject: { structure: 'body', displayName: 'study', organ: null },
      status: 'indeterminate',
      significance: 1,
      statement: 'steatosis not assessed',
      values: uncertain ? { confidence: estimate.contrastConfidence, minConfidenceForRules: ctx.rules.phase.minConfidenceForRules } : {},
      attributes: { phase, phaseSource: source, notAssessed, ...(uncertain ? { estimatedPhase: estimate.phase } : {}) },
      evidence: [...(liver === null ? [] : [structureEvidence(liver)]), ...(pancreas === null ? [] : [structureEvidence(pancreas)])],
      criteria: [PASSAGES.phaseCaveat, ...(uncertain ? [PASSAGES.phaseEstimation] : []), ...(liver === null ? [] : [PASSAGES.fattyLiver]), ...(pancreas === null ? [] : [PASSAGES.fattyPancreas])],
    }),
  ];
}
