import { contactCues } from '../cues.ts';
import { baseClaim, negatedAt, nearest, organNear, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import { organsRelated, type Mention } from '../mentions.ts';
import { claimNumber, type RawNumber } from '../numbers.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import { bad, compareAll, ok, round, unknown } from './match-helpers.ts';

/**
 * Vessel contact claims: "encasing the SMA (203 degrees)", "abutting the portal vein", "SMA encasement". The
 * contact word governing a vessel comes before it after the previous vessel, else after it before the next, else
 * the nearest; an angle belongs to the vessel it is closest to.
 */
export const vesselContactExtractor: ClaimExtractor = {
  kinds: ['vessel_contact'],
  extract(ctx, state) {
    const vessels = ctx.mentions.filter((m) => m.role === 'vessel');
    const contacts = contactCues(ctx.text);
    if (contacts.length === 0 || vessels.length === 0) return;
    vessels.forEach((v, i) => {
      const prevEnd = i > 0 ? vessels[i - 1]!.end : 0;
      const nextStart = i + 1 < vessels.length ? vessels[i + 1]!.start : ctx.text.length;
      const c =
        [...contacts].reverse().find((x) => x.end <= v.start && x.start >= prevEnd) ??
        contacts.find((x) => x.start >= v.end && x.start < nextStart) ??
        nearest(contacts, v.start)!;
      const gap = (n: RawNumber, m: Mention) => (n.start >= m.end ? n.start - m.end : m.start >= n.end ? m.start - n.end : 0);
      const angles = ctx.numbers.filter((n) => n.what === 'angle' && vessels.every((o) => gap(n, v) <= gap(n, o))).map((n) => claimNumber(n, 'angleDeg'));
      state.claims.push(baseClaim(ctx, state, 'vessel_contact', negatedAt(ctx, c.start) || negatedAt(ctx, v.start), organNear(ctx, c.start)?.organ ?? null, { vessel: v.canonical, contact: c.value, numbers: angles }));
    });
  },
};

export function matchContact(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const contacts = ref.findings.filter((f) => f.type === 'vessel_contact' && f.subject.structure === claim.vessel && (claim.organ === null || f.subject.organ === null || organsRelated(f.subject.organ, claim.organ)));
  const assessed = ref.findings.some((f) => f.type === 'stage' && Array.isArray(f.attributes.arteriesAssessed) && f.attributes.arteriesAssessed.includes(claim.vessel!));
  if (contacts.length === 0) {
    if (!assessed) return unknown(`contact with ${claim.vessel} is not in the reference`);
    return claim.negated ? ok([], `no contact with ${claim.vessel}, as in the reference`) : bad('present_absent', [], `contact with ${claim.vessel} stated but none measured`);
  }
  const f = contacts[0]!;
  if (claim.negated) return bad('negated_present', [f.id], `contact with ${claim.vessel} denied but the reference has ${f.statement}`);
  const numeric = compareAll(claim.numbers, f);
  if (claim.contact !== undefined && claim.contact !== 'contact' && claim.contact !== f.statement) return bad('wrong_contact', [f.id], `${claim.contact} but the reference says ${f.statement}`, numeric);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `angle ${round(off.stated)} vs measured ${round(off.measured)} degrees`, numeric);
  return ok([f.id], `${f.statement} of ${claim.vessel}, as in the reference`, numeric);
}
