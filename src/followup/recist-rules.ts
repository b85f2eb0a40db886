import { requirePassage, thresholdValue, type KnowledgeBase } from '../knowledge/index.ts';

/**
 * RECIST 1.1 thresholds (Eisenhauer et al., Eur J Cancer 2009;45:228-247, doi:10.1016/j.ejca.2008.10.026), each
 * read from the knowledge-base passage that states it, so that the number lives in one place.
 */

export const RECIST_PASSAGES = {
  measurable: 'recist11-measurable-lesion',
  lymphNode: 'recist11-lymph-node',
  target: 'recist11-target-lesion',
  sum: 'recist11-sum-of-diameters',
  response: 'recist11-response-categories',
  overall: 'recist11-overall-response',
  nonMeasurable: 'recist11-non-measurable',
  fragments: 'recist11-fragmented-coalesced',
  alignment: 'groundct-followup-alignment',
  matching: 'groundct-lesion-matching',
} as const;

export interface RecistRules {
  /** Least long axis of a measurable non-nodal lesion on CT with thin slices, mm. */
  readonly measurableMinLongAxisMm: number;
  /** Slice thickness up to which the 10 mm minimum holds, mm; above it the minimum is a multiple of the thickness. */
  readonly thinSliceMaxMm: number;
  readonly thickSliceMultiple: number;
  /** Least short axis of a target-eligible node, mm. */
  readonly nodeTargetMinShortAxisMm: number;
  /** Short axis from which a node is pathological, mm (below: normal, and CR needs every node below it). */
  readonly nodePathologicalMinShortAxisMm: number;
  readonly maxTargets: number;
  readonly maxTargetsPerOrgan: number;
  readonly partialResponseDecreasePercent: number;
  readonly progressionIncreasePercent: number;
  readonly progressionMinIncreaseMm: number;
  readonly completeResponseNodeMaxShortAxisMm: number;
}

export function resolveRecistRules(kb: KnowledgeBase): RecistRules {
  for (const id of Object.values(RECIST_PASSAGES)) requirePassage(kb, id);
  const t = (id: string, name: string) => thresholdValue(kb, id, name);
  return {
    measurableMinLongAxisMm: t(RECIST_PASSAGES.measurable, 'minLongAxisMm'),
    thinSliceMaxMm: t(RECIST_PASSAGES.measurable, 'maxSliceThicknessMm'),
    thickSliceMultiple: t(RECIST_PASSAGES.measurable, 'sliceThicknessMultiple'),
    nodeTargetMinShortAxisMm: t(RECIST_PASSAGES.lymphNode, 'targetMinShortAxisMm'),
    nodePathologicalMinShortAxisMm: t(RECIST_PASSAGES.lymphNode, 'pathologicalMinShortAxisMm'),
    maxTargets: t(RECIST_PASSAGES.target, 'maxTargetLesions'),
    maxTargetsPerOrgan: t(RECIST_PASSAGES.target, 'maxTargetLesionsPerOrgan'),
    partialResponseDecreasePercent: t(RECIST_PASSAGES.response, 'partialResponseDecreasePercent'),
    progressionIncreasePercent: t(RECIST_PASSAGES.response, 'progressionIncreasePercent'),
    progressionMinIncreaseMm: t(RECIST_PASSAGES.response, 'progressionMinAbsoluteIncreaseMm'),
    completeResponseNodeMaxShortAxisMm: t(RECIST_PASSAGES.response, 'completeResponseNodeMaxShortAxisMm'),
  };
}
