import { baseClaim, negatedAt, organNear, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import { organsRelated } from '../mentions.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import { bad, ok, unknown } from './match-helpers.ts';

/** T category claims (AJCC 8): "T1b", "imaging T category T4"; a bare T1-T4 only where it is no vertebral level. */
export const stageExtractor: ClaimExtractor = {
  kinds: ['stage'],
  extract(ctx, state) {
    for (const s of ctx.stages) state.claims.push(baseClaim(ctx, state, 'stage', negatedAt(ctx, s.start), organNear(ctx, s.start)?.organ ?? ctx.carried?.organ ?? null, { stage: s.value }));
  },
};

/** 'T1' is consistent with 'T1c' (a category without its subcategory). */
function sameStage(claimed: string, reference: string): boolean {
  const a = claimed.toUpperCase();
  const b = reference.toUpperCase();
  return a === b || (b.startsWith(a) && /^T\d$/.test(a));
}

export function matchStage(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const stages = ref.findings.filter((f) => f.type === 'stage' && (claim.organ === null || (f.subject.organ !== null && organsRelated(f.subject.organ, claim.organ))));
  if (stages.length === 0) return unknown(`no T category in the reference${claim.organ ? ` for ${claim.organ}` : ''}`);
  const same = stages.find((f) => sameStage(claim.stage!, f.statement));
  if (claim.negated) return same ? bad('wrong_stage', [same.id], `denies ${claim.stage} but the reference says ${same.statement}`) : ok(stages.map((f) => f.id), `not ${claim.stage}`);
  if (same) return ok([same.id], `${same.statement}, as in the reference`);
  return bad('wrong_stage', stages.map((f) => f.id), `${claim.stage} but the reference says ${stages.map((f) => f.statement).join(', ')}`);
}
