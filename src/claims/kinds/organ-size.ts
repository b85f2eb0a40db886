import { structureOrNull } from '../../anatomy/index.ts';
import { isDilatationWord, normalCues, SIZE_WORD } from '../cues.ts';
import { baseClaim, certaintyAt, negatedAt, numbersOf, type ClaimExtractor, type ClauseContext } from '../context.ts';
import type { ClaimMatch, ErrorType, NumericComparison } from '../match-types.ts';
import { claimNumber, type RawNumber } from '../numbers.ts';
import { claimTargets, type ReferenceIndex } from '../reference.ts';
import type { Claim, ClaimNumber } from '../types.ts';
import type { Mention } from '../mentions.ts';
import { bad, compareAll, ok, round, unknown } from './match-helpers.ts';
import { matchMeasured } from './measured.ts';

/**
 * Organ size claims: size words ("enlarged", "splenomegaly", "the size of the spleen has increased", "normal in
 * size", "CTR increased"), and a vessel's calibre ("the aortic arch calibration is slightly above normal (32 mm)",
 * "thoracic aorta diameter is normal", "fusiform dilatation of the ascending aorta"): a vessel's diameter is its size
 * (the aorta's in SVS 2018; TotalSegmentator's aorta report measures it). Dilatation words count for vessels only
 * ("dilated renal pelvis" is not an enlarged kidney). Numbers: volumes and lengths of the organ; a vessel's
 * single length is its diameter.
 */

export function isVessel(name: string | null): boolean {
  return name !== null && structureOrNull(name)?.kind === 'vessel';
}

/** An organ's numbers as claim numbers: volume, length (a vessel's diameter), mean HU. */
export function organNumbers(nums: readonly RawNumber[], vessel = false): ClaimNumber[] {
  const out: ClaimNumber[] = [];
  for (const n of nums) {
    if (n.what === 'volume') out.push(claimNumber(n, 'volumeMl'));
    // Several dimensions of an organ ("prostate 52 x 40 mm") are diameters, not its craniocaudal length.
    else if (n.what === 'size' && n.values.length > 1) out.push(...n.values.map((_, i) => claimNumber(n, 'diameterMm', i)));
    else if (n.what === 'size') out.push(claimNumber(n, vessel ? 'diameterMm' : 'lengthMm'));
    else if (n.what === 'hu') out.push(claimNumber(n, 'huMean'));
  }
  return out;
}

/** Structures a size statement may be about: organs, bones and vessels named in the clause. */
export function sizeSubjects(ctx: ClauseContext): Mention[] {
  return ctx.mentions.filter((m) => (m.role === 'organ' || m.role === 'bone' || m.role === 'vessel') && (m.organ !== null || m.role === 'vessel'));
}

const subjectOf = (m: Mention) => (m.role === 'vessel' ? m.canonical : m.organ!);
const gap = (a: { start: number; end: number }, b: { start: number; end: number }) => (a.start >= b.end ? a.start - b.end : b.start >= a.end ? b.start - a.end : 0);

export const organSizeExtractor: ClaimExtractor = {
  kinds: ['organ_size'],
  extract(ctx, state) {
    if (state.claimed.has('lymph_node')) return;
    const hasLesion = state.claims.some((c) => (c.kind === 'lesion' || c.kind === 'lymph_node') && !c.negated);
    const subjects = sizeSubjects(ctx);
    const sizeStated = SIZE_WORD.test(ctx.text) || /\b(?:wider|larger)\s+than\s+normal\b/i.test(ctx.text);
    // "increased" and "above normal" say size only in a size statement ("the size ... has increased"), not "increased density".
    const cues = ctx.sizes.filter((s) => s.value.organs !== undefined || !/increas|above|wider|larger/i.test(ctx.text.slice(s.start, s.end)) || sizeStated);
    const plain = cues.filter((x) => x.value.organs === undefined);
    const ownCue = (m: Mention) => plain.reduce((best, x) => (gap(m, x) < gap(m, best) ? x : best), plain[0]!);
    const emit = (organ: string, cue: (typeof cues)[number] | undefined, sizeClass: Claim['sizeClass'], negated: boolean, mention?: Mention) => {
      const certainty = cue === undefined ? undefined : certaintyAt(ctx, cue.start);
      state.claims.push(
        baseClaim(ctx, state, 'organ_size', negated, organ, {
          ...(sizeClass ? { sizeClass } : {}),
          numbers: hasLesion ? [] : organNumbers(numbersOf(ctx, organ), isVessel(organ)).filter((n) => n.kind !== 'huMean'),
          ...(certainty ? { certainty } : {}),
        }, mention),
      );
    };
    for (const s of cues) {
      const negated = negatedAt(ctx, s.start);
      const dilatation = isDilatationWord(s, ctx.text);
      const targets: { organ: string; mention: Mention | undefined }[] = s.value.organs !== undefined
        ? s.value.organs.map((o) => ({ organ: o, mention: undefined }))
        : subjects.filter((m) => ownCue(m) === s && (!dilatation || m.role === 'vessel')).map((m) => ({ organ: subjectOf(m), mention: m }));
      if (targets.length === 0 && !dilatation && ctx.carried?.organ) targets.push({ organ: ctx.carried.organ, mention: undefined });
      const done = new Set<string>();
      for (const t of targets) {
        if (done.has(t.organ)) continue;
        done.add(t.organ);
        emit(t.organ, s, s.value.cls, negated, t.mention);
      }
    }
    // A vessel whose calibre is called normal ("thoracic aorta diameter is normal"): its size, not its normality.
    if (cues.length === 0 && SIZE_WORD.test(ctx.text)) {
      const normal = normalCues(ctx.text)[0];
      if (normal !== undefined) {
        for (const m of subjects.filter((x) => x.role === 'vessel')) {
          if (state.claimed.has(m.canonical)) continue;
          emit(m.canonical, undefined, 'normal size', negatedAt(ctx, normal.start), m);
        }
      }
    }
  },
};

function sizeFindings(ref: ReferenceIndex, organ: string) {
  return [ref.get(`${organ}.size`), ref.get(`${organ}.length`), ref.get(`${organ}.diameter`)].filter((f) => f !== undefined);
}

export function matchOrganSize(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('size claim names no organ');
  const ids: string[] = [];
  const numeric: NumericComparison[] = [];
  const problems: { e: ErrorType; why: string; ids: string[] }[] = [];
  let checked = 0;
  // No size rule for the organ (a gallbladder, an adrenal): its stated volume or length against its measurement.
  if (claimTargets(claim.organ).every((t) => sizeFindings(ref, t).length === 0)) {
    const m = matchMeasured(claim, ref, claim.organ, ['volumeMl', 'lengthMm']);
    if (m !== null) return m;
  }
  for (const t of claimTargets(claim.organ)) {
    const fs = sizeFindings(ref, t);
    if (fs.length === 0) return unknown(`no size finding for ${t} (${ref.get(`${t}.partial`) ? 'partially imaged' : 'not assessed'})`);
    ids.push(...fs.map((f) => f.id));
    const enlarged = fs.filter((f) => f.status === 'abnormal');
    const massive = fs.some((f) => f.statement === 'massively enlarged');
    if (claim.sizeClass !== undefined) {
      checked++;
      const saysEnlarged = claim.sizeClass === 'normal size' ? claim.negated : !claim.negated;
      if (saysEnlarged && enlarged.length === 0) problems.push({ e: 'present_absent', why: `${t} called enlarged but is ${fs[0]!.statement}`, ids: fs.map((f) => f.id) });
      else if (!saysEnlarged && enlarged.length > 0) problems.push({ e: 'negated_present', why: `${t} called not enlarged but is ${enlarged[0]!.statement}`, ids: enlarged.map((f) => f.id) });
      else if (saysEnlarged && claim.sizeClass === 'massively enlarged' && !massive) problems.push({ e: 'wrong_severity', why: `${t} called massively enlarged but is ${enlarged[0]!.statement}`, ids: enlarged.map((f) => f.id) });
    }
    for (const f of fs) {
      for (const c of compareAll(claim.numbers, f)) {
        checked++;
        numeric.push(c);
        if (!c.withinTolerance) problems.push({ e: 'number_off', why: `${t} ${c.kind} ${round(c.stated)} vs measured ${round(c.measured)}`, ids: [f.id] });
      }
    }
  }
  if (checked === 0) return unknown(`nothing checkable about the size of ${claim.organ}`, ids);
  if (problems.length === 0) return ok(ids, `size of ${claim.organ} as in the reference`, numeric);
  const order: ErrorType[] = ['present_absent', 'negated_present', 'wrong_severity', 'number_off'];
  const p = problems.sort((a, b) => order.indexOf(a.e) - order.indexOf(b.e))[0]!;
  return bad(p.e, p.ids, problems.map((x) => x.why).join('; '), numeric);
}
