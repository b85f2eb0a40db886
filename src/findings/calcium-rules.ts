import { gctError } from '../errors.ts';
import { CALCIUM_MIN_AREA_MM2, CALCIUM_MIN_HU, STONE_MIN_HU, STONE_PEAK_HU, type CalciumScore, type KidneyStones } from '../measure/calcium.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Calcification and kidney stone findings (agatston1990-calcium-score, cacdrs2018-categories,
 * cacdrs2018-visual-noncardiac-ct, esc2014-aortic-atherosclerosis, eau2016-urolithiasis-ct, groundct-calcium-and-stones). Both need a non-contrast scan that the rules may rely on (stated, or estimated
 * with the confidence groundct-contrast-phase-estimation asks): contrast in blood and urine reaches the
 * thresholds. Otherwise a 'not assessed' finding says why. The measurement's thresholds must be the passages'.
 */

function nativeReliable(ctx: RuleContext): boolean {
  return ctx.phase.phase === 'non-contrast' && ctx.phase.reliable;
}

function checkThresholds(ctx: RuleContext): void {
  const c = ctx.rules.calcium;
  const s = ctx.rules.stone;
  if (c.minHu !== CALCIUM_MIN_HU || c.minAreaMm2 !== CALCIUM_MIN_AREA_MM2 || s.minHu !== STONE_MIN_HU || s.peakMinHu !== STONE_PEAK_HU)
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `Calcium and stones were measured at ${CALCIUM_MIN_HU} HU / ${CALCIUM_MIN_AREA_MM2} mm2 and ${STONE_MIN_HU} / ${STONE_PEAK_HU} HU; the passages state ${c.minHu} / ${c.minAreaMm2} and ${s.minHu} / ${s.peakMinHu}.`);
}

const phaseCriteria = (ctx: RuleContext) => (ctx.phase.source === 'estimated' ? [PASSAGES.phaseEstimation] : []);

function coronary(ctx: RuleContext, score: CalciumScore): Finding {
  const stats = ctx.byLabelId.get(score.labelId)!;
  const base = {
    id: 'heart.coronary_calcium',
    type: 'calcification' as const,
    subject: { structure: 'coronary_arteries', displayName: 'coronary arteries', organ: 'heart' },
    evidence: [structureEvidence(stats)],
  };
  if (!nativeReliable(ctx))
    return makeFinding({ ...base, status: 'indeterminate', significance: 0, statement: 'not assessed', attributes: { reason: 'not a non-contrast scan', phase: ctx.phase.phase, region: score.region }, criteria: [PASSAGES.coronaryNonGated, PASSAGES.phaseCaveat] });
  const c = ctx.rules.calcium;
  const a = score.agatstonScore;
  const band = a >= c.severeFrom ? 'severe' : a >= c.moderateFrom ? 'moderate' : a >= c.mildFrom ? 'mild' : 'none';
  return makeFinding({
    ...base,
    status: band === 'none' ? 'normal' : 'abnormal',
    significance: band === 'severe' || band === 'moderate' ? 2 : band === 'mild' ? 1 : 0,
    statement: band === 'none' ? 'no coronary calcium' : `${band} coronary calcification`,
    values: { agatstonScore: a, lesionCount: score.lesionCount, calcifiedAreaMm2: score.areaMm2, moderateFromScore: c.moderateFrom, severeFromScore: c.severeFrom },
    attributes: { region: score.region, band },
    caveats: [
      'scored on a scan that is not ECG-gated: motion blurs calcium and small amounts are underestimated',
      ...(score.region === 'heart' ? ['the coronary arteries are not segmented: the score covers the heart region, valve and annulus calcium included'] : []),
    ],
    criteria: [PASSAGES.coronaryNonGated, PASSAGES.coronaryBands, PASSAGES.agatston, PASSAGES.calciumAndStones, ...phaseCriteria(ctx)],
  });
}

function aortic(ctx: RuleContext, score: CalciumScore): Finding | null {
  if (!nativeReliable(ctx)) return null;
  const stats = ctx.byLabelId.get(score.labelId)!;
  return makeFinding({
    id: 'aorta.calcium',
    type: 'calcification',
    subject: { structure: 'aorta', displayName: 'aortic wall', organ: 'aorta' },
    status: score.agatstonScore > 0 ? 'abnormal' : 'normal',
    significance: score.agatstonScore > 0 ? 1 : 0,
    statement: score.agatstonScore > 0 ? 'aortic calcification' : 'no aortic calcification',
    values: { agatstonScore: score.agatstonScore, lesionCount: score.lesionCount, calcifiedAreaMm2: score.areaMm2 },
    attributes: { region: 'aorta', partiallyImaged: score.partiallyImaged },
    caveats: score.partiallyImaged ? ['the aorta runs beyond the scan: the score covers the imaged part'] : [],
    evidence: [structureEvidence(stats)],
    criteria: [PASSAGES.aorticAtherosclerosis, PASSAGES.agatston, PASSAGES.calciumAndStones, ...phaseCriteria(ctx)],
  });
}

function stones(ctx: RuleContext, k: KidneyStones): Finding | null {
  const stats = ctx.byLabelId.get(k.labelId);
  if (stats === undefined || !stats.present) return null;
  const side = k.kidney === 'kidney_left' ? 'left' : 'right';
  const base = { id: `${k.kidney}.stones`, type: 'kidney_stone' as const, subject: { structure: k.kidney, displayName: `${side} kidney`, organ: k.kidney, side: side as 'left' | 'right' }, evidence: [structureEvidence(stats)] };
  if (!nativeReliable(ctx))
    return makeFinding({ ...base, status: 'indeterminate', significance: 0, statement: 'not assessed', attributes: { reason: 'not a non-contrast scan', phase: ctx.phase.phase }, criteria: [PASSAGES.calciumAndStones, PASSAGES.phaseCaveat] });
  if (k.stones.length === 0)
    return makeFinding({
      ...base, status: 'normal', significance: 0, statement: 'no stone', values: { count: 0 },
      attributes: { partiallyImaged: k.partiallyImaged }, caveats: k.partiallyImaged ? ['the kidney runs beyond the scan: its imaged part only'] : [],
      criteria: [PASSAGES.calciumAndStones, PASSAGES.kidneyStones, ...phaseCriteria(ctx)],
    });
  const largest = k.stones[0];
  return makeFinding({
    ...base,
    status: 'abnormal',
    significance: 2,
    statement: k.stones.length === 1 ? 'stone' : 'stones',
    values: { count: k.stones.length, largestSizeMm: largest.sizeMm, largestPeakHu: largest.peakHu },
    attributes: { partiallyImaged: k.partiallyImaged, largestCentroidRas: largest.rasCentroid.map((x) => x.toFixed(1)) },
    caveats: ['a calcified renal artery at the hilum can look like a stone on one scan'],
    criteria: [PASSAGES.kidneyStones, PASSAGES.calciumAndStones, ...phaseCriteria(ctx)],
  });
}

export function calciumFindings(ctx: RuleContext): Finding[] {
  const c = ctx.m.routine?.calcium;
  if (c === undefined) return [];
  checkThresholds(ctx);
  const out: Finding[] = [];
  const heart = c.scores.find((s) => s.region === 'coronary_arteries' || s.region === 'heart');
  if (heart !== undefined) out.push(coronary(ctx, heart));
  const aorta = c.scores.find((s) => s.region === 'aorta');
  const a = aorta === undefined ? null : aortic(ctx, aorta);
  if (a !== null) out.push(a);
  for (const k of c.kidneys) {
    const f = stones(ctx, k);
    if (f !== null) out.push(f);
  }
  return out;
}
