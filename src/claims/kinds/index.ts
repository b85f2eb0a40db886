import { matchChangeClaim } from '../change-claims.ts';
import { matchRoutineClaim } from '../routine-claims.ts';
import type { ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim, ClaimKind } from '../types.ts';
import { matchAttenuation, organNumbersExtractor } from './attenuation.ts';
import { coverageExtractor, matchCoverage } from './coverage.ts';
import { fluidExtractor, matchFluid } from './fluid.ts';
import { lesionExtractor, matchLesion } from './lesion.ts';
import { lymphNodeExtractor, matchNode } from './lymph-node.ts';
import { matchNormal, normalExtractor } from './normal.ts';
import { matchOrganSize, organSizeExtractor } from './organ-size.ts';
import { matchStage, stageExtractor } from './stage.ts';
import { matchSteatosis, steatosisExtractor } from './steatosis.ts';
import { matchContact, vesselContactExtractor } from './vessel-contact.ts';

/**
 * The claim kinds: the one place that lists them. Adding a kind (README "Adding a claim kind"): add its name to
 * CLAIM_KINDS (types.ts), write kinds/<kind>.ts with its extractor (a ClaimExtractor over the shared clause context)
 * and its matcher (claim + reference findings -> verdict), and register both here.
 *
 * Extractors run in this order on every clause; an organ claimed by an earlier one (a lesion, a size) is not
 * claimed again as 'normal', and numbers go to lesions, nodes and fluid before organs.
 */
export const CLAIM_EXTRACTORS: readonly ClaimExtractor[] = [
  stageExtractor,
  vesselContactExtractor,
  lymphNodeExtractor,
  lesionExtractor,
  fluidExtractor,
  organSizeExtractor,
  steatosisExtractor,
  coverageExtractor,
  normalExtractor,
  organNumbersExtractor,
];

export type ClaimMatcher = (claim: Claim, ref: ReferenceIndex) => ClaimMatch;

/** Change, response and comparison claims (follow-up, change-claims.ts: read per clause before the one-study kinds). */
const matchChange: ClaimMatcher = (claim, ref) => {
  const m = matchChangeClaim(claim, ref);
  return { verdict: m.verdict, ...(m.errorType ? { errorType: m.errorType } : {}), findingIds: m.findingIds, details: m.details, numeric: m.numeric };
};

export const CLAIM_MATCHERS: Readonly<Record<ClaimKind, ClaimMatcher>> = {
  lesion: matchLesion,
  organ_size: matchOrganSize,
  steatosis: matchSteatosis,
  attenuation: matchAttenuation,
  normal: matchNormal,
  fluid: matchFluid,
  lymph_node: matchNode,
  stage: matchStage,
  vessel_contact: matchContact,
  coverage: matchCoverage,
  change: matchChange,
  response: matchChange,
  comparison: matchChange,
  // Routine measurements (routine-claims.ts: read per clause before the one-study kinds, owning their numbers).
  vessel_calibre: matchRoutineClaim,
  emphysema: matchRoutineClaim,
  vertebral_fracture: matchRoutineClaim,
  bone_density: matchRoutineClaim,
  contrast_phase: matchRoutineClaim,
  calcification: matchRoutineClaim,
  kidney_stone: matchRoutineClaim,
  dissection: matchRoutineClaim,
};
