import { abnormalCues, normalCues } from '../cues.ts';
import { baseClaim, certaintyAt, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import type { Mention } from '../mentions.ts';
import { claimTargets, type ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import type { Finding } from '../../findings/index.ts';
import { bad, ok, segmentsOf, unknown } from './match-helpers.ts';

/**
 * Normal statements per organ: "normal", "unremarkable", "natural" (translated reports), "preserved", an airway or
 * vessel that "is open" / "patent", "no pathology in the bladder"; or not normal: a bare "abnormal(ity)". One claim
 * per organ named that no earlier extractor claimed ("The liver, spleen and kidneys are unremarkable" -> three).
 * With no organ named, the subject carried from a heading or an earlier clause ("Kidneys: normal.").
 */
export const normalExtractor: ClaimExtractor = {
  kinds: ['normal'],
  extract(ctx, state) {
    const normals = normalCues(ctx.text).filter((c) => !ctx.sizes.some((s) => c.start >= s.start && c.end <= s.end));
    const abnormals = abnormalCues(ctx.text).filter((c) => !normals.some((n) => c.start >= n.start && c.end <= n.end));
    if (normals.length === 0 && abnormals.length === 0) return;
    // "No abnormality" / "no pathology" is itself the normal cue: its own "no" does not negate it. A bare
    // "abnormality" that no negation covers says the organ is not normal.
    const negated =
      normals.length > 0
        ? normals.every((c) => ctx.scopes.some((s) => c.start > s.start && c.start < s.end))
        : abnormals.every((c) => !ctx.scopes.some((s) => c.start >= s.start && c.start < s.end));
    const certainty = certaintyAt(ctx, (normals[0] ?? abnormals[0])!.start);
    const subjects: Mention[] = ctx.mentions.filter((m) => ((m.role === 'organ' || m.role === 'location' || m.role === 'bone') && m.organ !== null) || m.role === 'vessel');
    const organOf = (m: Mention) => (m.role === 'vessel' ? m.canonical : m.organ!);
    const extra = certainty ? { certainty } : {};
    if (subjects.length === 0) {
      if (ctx.carried?.organ && !state.claimed.has(ctx.carried.organ) && state.claims.length === 0) state.claims.push(baseClaim(ctx, state, 'normal', negated, ctx.carried.organ, extra));
      return;
    }
    for (const m of subjects) {
      const organ = organOf(m);
      if (state.claimed.has(organ)) continue;
      if (state.claims.some((c) => c.organ !== null && (c.organ === organ || c.organ.startsWith(organ)))) continue;
      state.claims.push(baseClaim(ctx, state, 'normal', negated, organ, { locations: m.role === 'location' && m.location ? [m.location] : [], ...extra }, m));
    }
  },
};

export function matchNormal(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('normal claim names no organ');
  const ids: string[] = [];
  const abnormal: Finding[] = [];
  for (const t of claimTargets(claim.organ)) {
    if (ref.get(`${t}.partial`) || ref.get(`${t}.not_imaged`)) return unknown(`${t} is not wholly imaged`);
    let found = ref.about(t).filter((f) => f.status === 'abnormal' && f.type !== 'vessel_contact' && f.type !== 'stage');
    if (claim.locations.length > 0) found = found.filter((f) => f.type === 'lesion' && claim.locations.some((l) => l.anyOf.some((a) => segmentsOf(f).includes(a))));
    abnormal.push(...found);
    const normal = ref.get(`${t}.normal`);
    if (found.length === 0 && normal === undefined && claim.locations.length === 0) return unknown(`no normal finding for ${t}`);
    if (normal) ids.push(normal.id);
  }
  if (!claim.negated && abnormal.length > 0) return bad('negated_present', abnormal.map((f) => f.id), `${claim.organ} called normal but the reference has ${abnormal.map((f) => f.id).join(', ')}`);
  if (claim.negated && abnormal.length === 0) return bad('present_absent', ids, `${claim.organ} called abnormal but the reference finds it normal`);
  return ok(claim.negated ? abnormal.map((f) => f.id) : ids, claim.negated ? `${claim.organ} abnormal, as in the reference` : `${claim.organ} normal, as in the reference`);
}
