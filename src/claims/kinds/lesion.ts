import { ancestors, structureOrNull } from '../../anatomy/index.ts';
import type { Finding } from '../../findings/index.ts';
import { attenuationCues, countBefore, isMalignantWord } from '../cues.ts';
import { baseClaim, certaintyAt, locationsOf, negatedAt, organNear, type ClaimExtractor, type ClauseContext, type LesionWord } from '../context.ts';
import type { ClaimMatch, ErrorType, NumericComparison } from '../match-types.ts';
import { claimNumber, type RawNumber } from '../numbers.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim, ClaimNumber } from '../types.ts';
import { bad, compareAll, ok, organName, segmentsOf, unknown } from './match-helpers.ts';

/**
 * Lesion claims: "2.1 x 1.4 cm hypoattenuating lesion in segment VII", "nodular densities in the right lower lobe",
 * "round low-density shadows in both kidneys, considering cysts", "no focal lesion in the liver or spleen".
 *
 * - The lesion words of the clause's statement decide (lesion nouns, lesion adjectives such as "nodular",
 *   "tumoral", "cystic", and density words with a focal noun: "low-density focus"). Back-references ("the described
 *   nodules"), history ("history of malignancy", "after resection of") and non-lesions (mass effect, calcification
 *   foci) state no lesion (cues.ts).
 * - An interpretation after a hedge ("..., considering renal cysts") names the lesion type; when it explains the
 *   density as something else ("..., gallstones are considered"), there is no lesion. With no lesion word in the
 *   statement, only a malignant interpretation ("wall thickening, suspected tumour") makes a lesion claim, uncertain.
 * - Asserted: one claim for the organ nearest the lesion word (or the subject carried from an earlier clause or a
 *   heading). Denied: one claim per organ named ("no lesion in the liver or spleen").
 */

/** RECIST 1.1 reads the longest diameter first; a node's single size is its short axis. */
function sizeNumbers(n: RawNumber, text: string, node: boolean): ClaimNumber[] {
  const near = text.slice(Math.max(0, n.start - 25), Math.min(text.length, n.end + 25)).toLowerCase();
  if (n.values.length >= 2) {
    // Long axis first (RECIST); written in the other order, the larger is still the long axis.
    const longFirst = n.values[0]! >= n.values[1]!;
    return [claimNumber(n, 'longAxisMm', longFirst ? 0 : 1), claimNumber(n, 'shortAxisMm', longFirst ? 1 : 0)];
  }
  if (/short[- ]?(?:axis|diameter)|short\s+\w+\s+diameter/.test(near) || (node && !/long[- ]axis|longest/.test(near))) return [claimNumber(n, 'shortAxisMm')];
  if (/long[- ]axis|longest|long\s+diameter/.test(near)) return [claimNumber(n, 'longAxisMm')];
  return [claimNumber(n, 'diameterMm')];
}

/** The measured numbers of a lesion or node: sizes, volume, mean HU. */
export function lesionNumbers(nums: readonly RawNumber[], text: string, node = false): ClaimNumber[] {
  const out: ClaimNumber[] = [];
  for (const n of nums) {
    if (n.what === 'size') out.push(...sizeNumbers(n, text, node));
    else if (n.what === 'volume') out.push(claimNumber(n, 'volumeMl'));
    else if (n.what === 'hu') out.push(claimNumber(n, 'huMean'));
  }
  return out;
}

/** The lesion words the claim rests on, and whether only an interpretation names it. */
export function statedLesion(ctx: ClauseContext): { words: LesionWord[]; uncertain: boolean } | null {
  const head = ctx.lesionWords.filter((w) => !w.interpretive);
  if (head.length > 0) return ctx.interpretation.explainsAway ? null : { words: head, uncertain: false };
  const malignant = ctx.lesionWords.filter((w) => w.interpretive && isMalignantWord(w.word.replace(/^.*\s/, '')));
  return malignant.length > 0 ? { words: malignant, uncertain: true } : null;
}

export const lesionExtractor: ClaimExtractor = {
  kinds: ['lesion'],
  extract(ctx, state) {
    if (state.claimed.has('lymph_node')) return;
    const stated = statedLesion(ctx);
    if (stated === null) return;
    const first = stated.words[0]!;
    const negated = negatedAt(ctx, first.start);
    const certainty = stated.uncertain ? 'uncertain' : certaintyAt(ctx, first.start);
    // The interpretation's type is the reader's reading of the density ("nodule ..., considering a cyst" is a cyst).
    const interpreted = ctx.lesionWords.find((w) => w.interpretive && w.type !== 'lesion');
    const lesionType = interpreted?.type ?? stated.words.find((w) => w.type !== 'lesion')?.type ?? first.type;
    const before = ctx.interpretation.at ?? ctx.text.length;
    const attenuation = attenuationCues(ctx.text).find((c) => c.start < before || stated.uncertain)?.value;
    const count = countBefore(ctx.text, first.start);
    const statementOrgans = ctx.organs.filter((m) => m.organ !== null && (m.start < before || stated.uncertain));
    const shared = { ...(lesionType ? { lesionType } : {}), ...(attenuation ? { attenuation } : {}), ...(count !== undefined ? { count } : {}), ...(certainty ? { certainty } : {}) };
    if (negated) {
      // One claim per organ named; an organ named beside a more specific part of it ("subpleural ... right lung") once.
      const named = [...new Set(statementOrgans.map((m) => m.organ!))];
      const organs = named.filter((o) => !named.some((p) => p !== o && structureOrNull(p) !== null && ancestors(p).includes(o)));
      const targets = organs.length > 0 ? organs : [ctx.carried?.organ ?? null];
      for (const organ of targets) {
        const mention = statementOrgans.find((m) => m.organ === organ);
        state.claims.push(baseClaim(ctx, state, 'lesion', true, organ, { locations: locationsOf(ctx, organ), ...shared }, mention));
      }
      return;
    }
    const mention = organNear({ ...ctx, organs: statementOrgans }, first.start) ?? undefined;
    const organ = mention?.organ ?? ctx.carried?.organ ?? null;
    state.claims.push(baseClaim(ctx, state, 'lesion', false, organ, { locations: locationsOf(ctx, organ), numbers: lesionNumbers(ctx.numbers, ctx.text), ...shared }, mention));
  },
};

const SOLID = new Set(['mass', 'tumour', 'nodule', 'metastasis']);

/** Lesion attribute errors of one candidate, most important first. */
function lesionErrors(claim: Claim, f: Finding, ref: ReferenceIndex): { errors: ErrorType[]; numeric: NumericComparison[]; why: string[] } {
  const errors: ErrorType[] = [];
  const why: string[] = [];
  const segments = segmentsOf(f);
  for (const loc of claim.locations) {
    if (loc.anyOf.every((a) => a.startsWith('vertebrae_'))) {
      const level = f.attributes.vertebralLevel;
      if (typeof level === 'string' && !loc.anyOf.includes(`vertebrae_${level}`)) {
        errors.push('wrong_segment');
        why.push(`level ${loc.label} but the finding is at ${level}`);
      }
      continue;
    }
    if (segments.length > 0 && !loc.anyOf.some((a) => segments.includes(a))) {
      errors.push('wrong_segment');
      why.push(`location ${loc.label} but the finding lies in ${segments.join(', ')}`);
    }
  }
  const refType = typeof f.attributes.lesionType === 'string' ? f.attributes.lesionType : f.statement;
  if (claim.lesionType !== undefined && ((claim.lesionType === 'cyst' && SOLID.has(refType)) || (SOLID.has(claim.lesionType) && (refType === 'cyst' || f.statement === 'cyst')))) {
    errors.push('wrong_type');
    why.push(`called a ${claim.lesionType} but the finding is a ${f.statement}`);
  }
  const att = f.attributes.attenuation;
  if (claim.attenuation !== undefined && typeof att === 'string' && att !== claim.attenuation) {
    errors.push('wrong_attenuation');
    why.push(`${claim.attenuation} but the finding is ${att}`);
  }
  const numeric = compareAll(claim.numbers, f);
  for (const c of numeric.filter((x) => !x.withinTolerance)) {
    errors.push('number_off');
    why.push(`${c.kind} ${Math.round(c.stated * 10) / 10} vs measured ${Math.round(c.measured * 10) / 10}`);
  }
  if (claim.count !== undefined && (claim.count === 'multiple' || claim.count >= 2) && f.subject.organ !== null) {
    const n = ref.lesionsOf(f.subject.organ).length;
    if ((claim.count === 'multiple' && n < 2) || (typeof claim.count === 'number' && claim.count !== n)) {
      errors.push('wrong_count');
      why.push(`${claim.count} lesions stated, ${n} in the reference`);
    }
  }
  return { errors, numeric, why };
}

const PRIORITY: readonly ErrorType[] = ['wrong_segment', 'wrong_type', 'wrong_attenuation', 'number_off', 'wrong_count'];

function sideCompatible(claim: Claim, f: Finding): boolean {
  if (claim.side !== 'left' && claim.side !== 'right') return true;
  const s = f.subject.side;
  return s === undefined || s === 'midline' || s === claim.side;
}

export function matchLesion(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const inOrgan = ref.lesionsOf(claim.organ).filter((f) => sideCompatible(claim, f));
  if (claim.negated) {
    const located = inOrgan.filter((f) => claim.locations.length === 0 || claim.locations.some((l) => l.anyOf.some((a) => segmentsOf(f).includes(a))));
    if (located.length > 0) return bad('negated_present', located.map((f) => f.id), `denies a lesion in ${organName(claim.organ)} but the reference has ${located.map((f) => f.id).join(', ')}`);
    if (claim.organ === null) return unknown('a denial naming no organ is not checked');
    const st = ref.lesionStatus(claim.organ);
    if (st.status === 'absent') return ok(st.findingIds, `no lesion in ${claim.organ}, as in the reference`);
    // Lesions elsewhere in the organ, none at the named location: known only when every lesion is labelled.
    if (st.status === 'present' && ref.options.lesionsComplete === true) return ok(st.findingIds, `no lesion at ${claim.locations.map((l) => l.label).join(', ')}; the reference lesions lie elsewhere`);
    return unknown(`lesion status of ${claim.organ} is not known from the reference`);
  }
  if (inOrgan.length === 0) {
    if (claim.organ === null) {
      // A lesion outside the organs, on the side the reference does not have it: is it there on the other side?
      if (claim.side === 'left' || claim.side === 'right') {
        const other = matchLesion({ ...claim, side: claim.side === 'left' ? 'right' : 'left' }, ref);
        if (other.verdict === 'supported') return bad('wrong_side', other.findingIds as string[], `a lesion on the ${claim.side} but the reference has it on the other side`);
      }
      return unknown('no lesion in the reference to compare with');
    }
    const st = ref.lesionStatus(claim.organ);
    if (st.status === 'absent') return bad('present_absent', st.findingIds, `a lesion in ${claim.organ} but the reference has none there`);
    return unknown(`no lesion of ${claim.organ} in the reference, and its lesion status is not known`);
  }
  let best: { f: Finding; errors: ErrorType[]; numeric: NumericComparison[]; why: string[]; cost: number } | undefined;
  for (const f of inOrgan) {
    const e = lesionErrors(claim, f, ref);
    const cost = e.errors.length * 1000 + e.numeric.reduce((a, c) => a + (c.relError ?? 0), 0);
    if (best === undefined || cost < best.cost) best = { f, ...e, cost };
  }
  const b = best!;
  // The organ's lesion count backs the claim too ("a lesion in the liver" states presence in the organ).
  const count = b.f.subject.organ === null ? undefined : ref.get(`${b.f.subject.organ}.lesions`);
  if (b.errors.length === 0) return ok([b.f.id, ...(count ? [count.id] : [])], `matches ${b.f.id}`, b.numeric);
  const first = PRIORITY.find((p) => b.errors.includes(p)) ?? b.errors[0]!;
  return bad(first, [b.f.id], `${b.f.id}: ${b.why.join('; ')}`, b.numeric);
}
