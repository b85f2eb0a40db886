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
  partiallyImagedGroup: v1('partially-imaged-group'),
  partialAssessable: v1('partial-assessable'),
  notImaged: v1('not-imaged'),
  steatosisLiver: v1('steatosis-liver'),
  steatosisPancreas: v2('steatosis-pancreas'),
  phaseUnknown: v2('phase-unknown'),
  contrastPhase: v1('contrast-phase'),
  lesionCount: v1('lesion-count'),
  lesion: v2('lesion'),
  lesionsFurther: v1('lesions-further'),
  stage: v1('stage'),
  lymphNode: v1('lymph-node'),
  fluid: v1('fluid'),
  unknownStructure: v1('unknown-structure'),
  vesselCalibre: v1('vessel-calibre'),
  vesselCalibreNormal: v1('vessel-calibre-normal'),
  pulmonaryArtery: v1('pulmonary-artery'),
  paAortaRatio: v1('pa-aorta-ratio'),
  vertebralHeights: v1('vertebral-heights'),
  vertebralFracture: v1('vertebral-fracture'),
  boneDensity: v1('bone-density'),
  emphysema: v1('emphysema'),
  bodyComposition: v1('body-composition'),
  calcification: v1('calcification'),
  kidneyStones: v1('kidney-stones'),
  dissection: v1('dissection'),
  normalOthers: v1('normal-others'),
  nothingAssessed: v1('nothing-assessed'),
  impressionOrganSize: v1('impression-organ-size'),
  impressionSteatosis: v1('impression-steatosis'),
  impressionLesion: v1('impression-lesion'),
  impressionLymphNode: v1('impression-lymph-node'),
  impressionFluid: v1('impression-fluid'),
  impressionVessel: v1('impression-vessel'),
  impressionSpine: v1('impression-spine'),
  impressionEmphysema: v1('impression-emphysema'),
  impressionCalcium: v1('impression-calcium'),
  impressionDissection: v1('impression-dissection'),
  impressionLimitations: v1('impression-limitations'),
  impressionPhaseUnknown: v2('impression-phase-unknown'),
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
  recommendationAaa: v1('recommendation-aaa'),
} as const satisfies Record<string, TemplateRef>;
