import type { TemplateRef } from './templates.ts';

/**
 * A sentence before it is worded: which template, the context it gets, and the findings it states. The planner
 * decides WHAT is said (from findings only); the templates in prompts/ decide HOW.
 */
export interface SentencePlan {
  readonly section: 'findings' | 'impression';
  readonly group: string;
  readonly template: TemplateRef;
  readonly context: Record<string, unknown>;
  readonly findingIds: readonly string[];
  /** 'suggestion' for a recommendation to the radiologist (plan-recommendations.ts); absent for statements. */
  readonly kind?: 'suggestion';
  /** Passages the sentence states beyond its findings' criteria (the guideline a suggestion follows). */
  readonly passageIds?: readonly string[];
  /** Conditions a suggestion assumes that groundct cannot know. */
  readonly assumptions?: readonly string[];
}

const v1 = (id: string): TemplateRef => ({ id, version: 1 });
const v2 = (id: string): TemplateRef => ({ id, version: 2 });

/** Every template the report uses, by role. Bump a version here and add the new file to change a wording. */
export const TEMPLATES = {
  organSize: v1('organ-size'),
  organLength: v1('organ-length'),
  partiallyImaged: v1('partially-imaged'),
  notImaged: v1('not-imaged'),
  steatosisLiver: v1('steatosis-liver'),
  steatosisPancreas: v1('steatosis-pancreas'),
  phaseUnknown: v1('phase-unknown'),
  lesionCount: v1('lesion-count'),
  lesion: v2('lesion'),
  lesionsFurther: v1('lesions-further'),
  stage: v1('stage'),
  lymphNode: v1('lymph-node'),
  fluid: v1('fluid'),
  unknownStructure: v1('unknown-structure'),
  normalOthers: v1('normal-others'),
  nothingAssessed: v1('nothing-assessed'),
  impressionOrganSize: v1('impression-organ-size'),
  impressionSteatosis: v1('impression-steatosis'),
  impressionLesion: v1('impression-lesion'),
  impressionLymphNode: v1('impression-lymph-node'),
  impressionFluid: v1('impression-fluid'),
  impressionLimitations: v1('impression-limitations'),
  impressionPhaseUnknown: v1('impression-phase-unknown'),
  impressionUnknown: v1('impression-unknown'),
  impressionNegative: v1('impression-negative'),
  impressionNothing: v1('impression-nothing'),
  // follow-up (plan-followup.ts)
  comparison: v1('comparison'),
  lesionChange: v1('lesion-change'),
  lesionNew: v1('lesion-new'),
  lesionGone: v1('lesion-gone'),
  lesionSplit: v1('lesion-split'),
  lesionMerged: v1('lesion-merged'),
  lesionNotComparable: v1('lesion-not-comparable'),
  organChange: v1('organ-change'),
  organsStable: v1('organs-stable'),
  recist: v1('recist'),
  impressionRecist: v1('impression-recist'),
  recommendationLungNodule: v1('recommendation-lung-nodule'),
  recommendationAdrenal: v1('recommendation-adrenal'),
} as const satisfies Record<string, TemplateRef>;
