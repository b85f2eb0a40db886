import { fluidCues } from '../cues.ts';
import { baseClaim, certaintyAt, negatedAt, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import { claimNumber } from '../numbers.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim, ClaimSide } from '../types.ts';
import { bad, compareAll, ok, round, unknown } from './match-helpers.ts';

/**
 * Fluid claims: ascites, pleural and pericardial effusion ("Bilateral pleural effusion.", "no free fluid",
 * "minimal pericardial effusion, 6 mm in its thickest part"). Side from the clause's side words ("left pleural
 * effusion"; "in both hemithoraces" and "2.4 cm on the right and 1.6 cm on the left" are bilateral). Numbers: a
 * volume, and a thickness (kept as a length; the masks give volumes, so a thickness is not compared).
 */
export const fluidExtractor: ClaimExtractor = {
  kinds: ['fluid'],
  extract(ctx, state) {
    const fluids = [...fluidCues(ctx.text)];
    for (const m of ctx.mentions.filter((x) => x.role === 'fluid')) if (!fluids.some((f) => f.start <= m.start && f.end >= m.end)) fluids.push({ value: m.canonical, start: m.start, end: m.end });
    const seen = new Set<string>();
    const words = new Set(ctx.sides.map((s) => s.side));
    const mentionSide = ctx.mentions.find((m) => m.role === 'fluid' && m.side !== undefined)?.side;
    const side: ClaimSide | undefined = words.has('bilateral') || (words.has('left') && words.has('right')) ? 'bilateral' : mentionSide ?? ctx.sides[0]?.side;
    const numbers = ctx.numbers.flatMap((n) => (n.what === 'volume' ? [claimNumber(n, 'volumeMl')] : n.what === 'size' && n.values.length === 1 ? [claimNumber(n, 'lengthMm')] : []));
    for (const f of fluids.sort((a, b) => a.start - b.start)) {
      if (seen.has(f.value)) continue;
      seen.add(f.value);
      const certainty = certaintyAt(ctx, f.start);
      const negated = negatedAt(ctx, f.start);
      state.claims.push(baseClaim(ctx, state, 'fluid', negated, null, { fluid: f.value, numbers: negated ? [] : numbers, ...(side ? { side } : {}), ...(certainty ? { certainty } : {}) }));
    }
  },
};

export function matchFluid(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const fluid = claim.fluid ?? 'ascites';
  const f = ref.get(`${fluid}.fluid`);
  if (f === undefined) return unknown(`no ${fluid} label in the reference masks`);
  const present = f.statement === 'present';
  // The masks give a fluid's volume; a thickness in mm is not measured, so only volumes are compared.
  const numeric = compareAll(claim.numbers.filter((n) => n.kind === 'volumeMl'), f);
  if (!claim.negated && !present) return bad('present_absent', [f.id], `${fluid} stated but the reference has none`);
  if (claim.negated && present) return bad('negated_present', [f.id], `${fluid} denied but the reference has ${round(f.values.volumeMl ?? 0)} mL`);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${fluid} ${round(off.stated)} mL vs measured ${round(off.measured)} mL`, numeric);
  return ok([f.id], `${fluid} ${f.statement}, as in the reference`, numeric);
}
