import {
  allowedError,
  findMentions,
  matchClaim,
  measuredNumbers,
  mirrorOrgan,
  parseClaims,
  referenceIndex,
  type Claim,
  type ClaimMatch,
  type ErrorType,
  type ReferenceIndex,
} from '../claims/index.ts';
import type { Finding } from '../findings/index.ts';

/**
 * Mutation testing of the harness itself: plant one known error in a correct report and check that the
 * harness flags it with the right error type (and flags nothing in the unmodified sentences).
 *
 * Operators and the error each must produce:
 * - side_swap (left <-> right, L <-> R) -> wrong_side; organ_swap (in a sentence with a measured number, the
 *   organ word replaced by another organ the reference has without that abnormality) -> wrong_organ; segment_change (Couinaud segment or pancreatic part
 *   not holding the lesion) -> wrong_segment; number_up (x 1.5) and number_down (x 0.5) -> number_off;
 *   unit_change (cm -> mm, mm -> cm, mL -> L, number kept) -> wrong_unit; negation_flip -> negated_present (an
 *   asserted abnormality denied) or present_absent (a denial or normal statement turned into an assertion);
 *   invented_lesion (a new sentence about a lesion in an organ the reference knows lesion-free, with a size no
 *   reference lesion has) -> present_absent; dropped_lesion (every sentence stating a lesion removed) ->
 *   omission (the lesion is missing from recall).
 *
 * Only sentences whose claims are all supported are mutated (a mutant of an unverifiable sentence cannot be
 * caught by construction). Equivalent mutants, whose mutated text is still true of the reference, are not
 * made: a side swap needs the other side to lack the abnormality, an organ swap needs the target organ to lack
 * it, a changed number must fall outside the stated tolerance of the measured value. These checks read the
 * reference findings and the tolerance table only, not the matcher's verdicts.
 */

export const MUTATION_OPERATORS = ['side_swap', 'organ_swap', 'segment_change', 'number_up', 'number_down', 'unit_change', 'negation_flip', 'invented_lesion', 'dropped_lesion'] as const;
export type MutationOperator = (typeof MUTATION_OPERATORS)[number];
export type ExpectedError = ErrorType | 'omission';

export interface Mutant {
  readonly operator: MutationOperator;
  /** Any of these error types counts as the right one. */
  readonly expected: readonly ExpectedError[];
  /** Index of the mutated sentence in the report; for invented lesions the new sentence's index (appended). */
  readonly sentenceIndex: number | null;
  readonly original: string | null;
  readonly mutated: string | null;
  /** dropped_lesion: the lesion finding whose sentences were removed, and their indexes. */
  readonly droppedFindingId?: string;
  readonly droppedSentences?: readonly number[];
}

export interface MutantResult {
  readonly mutant: Mutant;
  readonly flagged: boolean;
  readonly rightType: boolean;
  readonly got: readonly string[];
}

interface Scored {
  readonly claim: Claim;
  readonly match: ClaimMatch;
}

function score(text: string, findings: readonly Finding[], lesionsComplete: boolean): Scored[] {
  return parseClaims(text).map((claim) => ({ claim, match: matchClaim(claim, findings, { lesionsComplete }) }));
}

const PRESENCE_KINDS = new Set(['lesion', 'fluid', 'lymph_node', 'vessel_contact', 'stage', 'steatosis']);

/** True when a claim asserts an abnormality (as opposed to denying one or stating normality). */
function assertsAbnormality(c: Claim): boolean {
  if (c.kind === 'normal') return c.negated;
  if (c.kind === 'organ_size') return c.sizeClass === 'normal size' ? c.negated : c.sizeClass !== undefined && !c.negated;
  if (PRESENCE_KINDS.has(c.kind)) return !c.negated;
  return false;
}

function findingAbnormal(ref: ReferenceIndex, m: ClaimMatch): boolean {
  return m.findingIds.some((id) => ref.get(id)?.status === 'abnormal');
}

function swapSides(text: string): string {
  const map: Record<string, string> = { left: 'right', right: 'left', Left: 'Right', Right: 'Left', L: 'R', R: 'L', LEFT: 'RIGHT', RIGHT: 'LEFT' };
  return text.replace(/\b(left|right|Left|Right|LEFT|RIGHT|L|R)\b/g, (w) => map[w] ?? w);
}

const ADJECTIVE: Readonly<Record<string, string>> = {
  liver: 'hepatic', spleen: 'splenic', pancreas: 'pancreatic', kidney_left: 'left renal', kidney_right: 'right renal', gallbladder: 'gallbladder',
};
const NOUN: Readonly<Record<string, string>> = {
  liver: 'liver', spleen: 'spleen', pancreas: 'pancreas', kidney_left: 'left kidney', kidney_right: 'right kidney', gallbladder: 'gallbladder',
};

/** Does the reference lack, in `organ`, the abnormality this claim states? (equivalent-mutant check for organ/side swaps) */
function lacks(ref: ReferenceIndex, c: Claim, organ: string): boolean {
  if (c.kind === 'lesion') return ref.lesionStatus(organ).status === 'absent';
  if (c.kind === 'organ_size') return ref.get(`${organ}.size`)?.status === 'normal' && ref.get(`${organ}.length`)?.status !== 'abnormal';
  if (c.kind === 'steatosis') return ref.get(`${organ}.steatosis`)?.status === 'normal';
  return false;
}

function formatLike(written: string, value: number): string {
  const decimals = /[.,](\d+)$/.exec(written)?.[1]?.length ?? 0;
  return value.toFixed(decimals);
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'];
const SEGMENT_ORDER = [4, 2, 6, 3, 5, 8, 7, 1];
const PANCREAS_ORDER = ['tail', 'head', 'body'];

function segmentChange(text: string, lesion: Finding): string | null {
  const segs = Array.isArray(lesion.attributes.segments) ? lesion.attributes.segments : [];
  const liver = segs.filter((s) => s.startsWith('liver_segment_')).map((s) => Number(s.slice('liver_segment_'.length)));
  if (liver.length > 0) {
    const to = SEGMENT_ORDER.find((n) => !liver.includes(n))!;
    const re = /\b(segments?|Segments?|Couinaud(?:\s+segment)?|S|seg\.?)(\s*)([1-8]|VIII|VII|VI|IV|V|III|II|I)\b/;
    const m = re.exec(text);
    if (m === null) return null;
    const roman = /^[IVX]+$/.test(m[3]!);
    return text.slice(0, m.index) + `${m[1]}${m[2]}${roman ? ROMAN[to] : String(to)}` + text.slice(m.index + m[0].length);
  }
  const parts = segs.filter((s) => s.startsWith('pancreas_')).map((s) => s.slice('pancreas_'.length));
  if (parts.length > 0) {
    const to = PANCREAS_ORDER.find((p) => !parts.includes(p))!;
    const re = /\b(head|body|tail|neck|uncinate process)\b/i;
    if (!re.test(text)) return null;
    return text.replace(re, to);
  }
  return null;
}

/**
 * Turns a statement into its denial or a denial into a statement, by the first rule that applies. A leading
 * "Organ:" label is kept ("Spleen: Enlarged" -> "Spleen: No enlarged").
 */
export function negationFlip(text: string): string {
  // A label is a short name of a structure ("Liver:", "L kidney:"), not a statement ("Diffuse hepatic steatosis:").
  const label = /^([A-Z][A-Za-z]*(?: [A-Za-z]+){0,2}):\s+(.*)$/.exec(text);
  if (label && parseClaims(label[1]!).length === 0) return `${label[1]}: ${negationFlip(label[2]!)}`;
  const t = text;
  if (/^(No|no)\s+/.test(t)) return t.replace(/^(No|no)\s+/, '').replace(/^./, (c) => c.toUpperCase());
  if (/\bwithout\b/.test(t)) return t.replace(/\bwithout\b/, 'with');
  if (/\b(is|are|was|were)\s+not\b/.test(t)) return t.replace(/\b(is|are|was|were)\s+not\b/, '$1');
  if (/\bThere\s+(is|are)\s+no\b/i.test(t)) return t.replace(/\b(There\s+(?:is|are))\s+no\b/i, '$1');
  if (/\bnot\s+/.test(t)) return t.replace(/\bnot\s+/, '');
  if (/\bno\s+/.test(t)) return t.replace(/\bno\s+/, '');
  if (/^(A|An|One|Two|Three|Several|Multiple)\s+/.test(t)) return t.replace(/^(A|An|One|Two|Three|Several|Multiple)\s+/, 'No ');
  if (/\bThere\s+(is|are)\s+(a|an|one|two|several|multiple)\b/i.test(t)) return t.replace(/\b(There\s+(?:is|are))\s+(a|an|one|two|several|multiple)\b/i, '$1 no');
  if (/\b(is|are)\b/.test(t)) return t.replace(/\b(is|are)\b/, '$1 not');
  return `No ${t.charAt(0).toLowerCase()}${t.slice(1)}`;
}

/** Claims that state a presence or absence (what a negation flip turns around); bare measurements and T categories do not. */
function hasPolarity(c: Claim): boolean {
  if (c.kind === 'organ_size') return c.sizeClass !== undefined;
  return ['lesion', 'steatosis', 'fluid', 'lymph_node', 'normal'].includes(c.kind);
}

const INVENTED_SIZES_CM = [0.8, 1.2, 3.6, 4.4, 5.2];
const INVENTED_TEMPLATES: readonly ((organ: string, cm: number) => string)[] = [
  (o, cm) => `A ${cm.toFixed(1)} cm hypoattenuating lesion is seen in the ${NOUN[o]}.`,
  (o, cm) => `There is a ${cm.toFixed(1)} x ${(cm * 0.8).toFixed(1)} cm ${ADJECTIVE[o]} mass.`,
  (o, cm) => `New ${ADJECTIVE[o]} lesion measuring ${Math.round(cm * 10)} mm.`,
  (o, cm) => `Small ${cm.toFixed(1)} cm nodule in the ${NOUN[o]}.`,
];

/** Mutants of one report (its sentences in order) against its reference findings. */
export function reportMutants(sentences: readonly string[], findings: readonly Finding[], lesionsComplete: boolean): Mutant[] {
  const ref = referenceIndex(findings, { lesionsComplete });
  const out: Mutant[] = [];
  const scoredAll = sentences.map((s) => score(s, findings, lesionsComplete));
  sentences.forEach((text, index) => {
    const scored = scoredAll[index]!;
    if (scored.length === 0 || !scored.every((c) => c.match.verdict === 'supported')) return;
    const add = (operator: MutationOperator, expected: ExpectedError[], mutated: string | null) => {
      if (mutated !== null && mutated !== text) out.push({ operator, expected, sentenceIndex: index, original: text, mutated });
    };
    // side swap
    const sided = scored.filter((c) => (c.claim.side === 'left' || c.claim.side === 'right') && assertsAbnormality(c.claim) && findingAbnormal(ref, c.match));
    if (sided.length > 0 && sided.every((c) => (c.claim.organ === null ? true : mirrorOrgan(c.claim.organ) !== null && lacks(ref, c.claim, mirrorOrgan(c.claim.organ)!)))) {
      const noneOtherSide = sided.every((c) => c.claim.organ !== null || ref.lesions.every((l) => l.subject.side !== (c.claim.side === 'left' ? 'right' : 'left')));
      if (noneOtherSide) add('side_swap', ['wrong_side'], swapSides(text));
    }
    // organ swap
    const swappable = scored.find((c) => c.claim.organ !== null && c.claim.locations.length === 0 && c.claim.numbers.length > 0 && ['lesion', 'organ_size', 'steatosis'].includes(c.claim.kind) && assertsAbnormality(c.claim) && findingAbnormal(ref, c.match));
    if (swappable !== undefined) {
      const organ = swappable.claim.organ!;
      const mention = findMentions(text).mentions.find((m) => (m.role === 'organ' || m.role === 'lesion') && m.organ === organ);
      // The target and its mirror must both lack the abnormality, else the mutant is as much a side swap.
      const targets = Object.keys(NOUN).filter((o) => o !== organ && mirrorOrgan(o) !== organ && lacks(ref, swappable.claim, o) && (mirrorOrgan(o) === null || lacks(ref, swappable.claim, mirrorOrgan(o)!)));
      if (mention !== undefined && targets.length > 0) {
        const target = targets[index % targets.length]!;
        const span = text.slice(mention.start, mention.end);
        const lesionWord = mention.role === 'lesion' ? / (\w+)$/.exec(span)?.[1] : undefined;
        const adjective = /^(hepatic|splenic|pancreatic|renal|left renal|right renal)$/i.test(span);
        const word = lesionWord ? `${ADJECTIVE[target]} ${lesionWord}` : adjective ? ADJECTIVE[target]! : NOUN[target]!;
        const cased = /^[A-Z]/.test(span) ? word.charAt(0).toUpperCase() + word.slice(1) : word;
        add('organ_swap', ['wrong_organ'], text.slice(0, mention.start) + cased + text.slice(mention.end));
      }
    }
    // segment change
    const located = scored.find((c) => c.claim.kind === 'lesion' && !c.claim.negated && c.claim.locations.length > 0);
    if (located !== undefined) {
      const lesion = ref.get(located.match.findingIds[0] ?? '');
      if (lesion !== undefined) add('segment_change', ['wrong_segment'], segmentChange(text, lesion));
    }
    // numbers
    const comparisons = scored.flatMap((c) => c.match.numeric);
    for (const n of measuredNumbers(text)) {
      const written = /-?\d+(?:[.,]\d+)?/.exec(n.raw)![0];
      const c = comparisons.find((x) => Math.abs(x.stated - n.values[0]!) < 1e-9);
      if (c === undefined) continue;
      for (const [operator, factor] of [['number_up', 1.5], ['number_down', 0.5]] as const) {
        const changed = formatLike(written, Number(written.replace(',', '.')) * factor);
        const newValue = n.values[0]! * (Number(changed) / Number(written.replace(',', '.')));
        if (!(Math.abs(newValue - c.measured) > allowedError(c.kind, c.measured, n.roundingHalfStep))) continue; // equivalent mutant
        const at = n.start + n.raw.indexOf(written);
        add(operator, ['number_off'], text.slice(0, at) + changed + text.slice(at + written.length));
      }
      const unitSwap: Record<string, string> = { cm: 'mm', mm: 'cm', ml: 'L' };
      const um = /(cm|mm|mL|ml)(?![\w])/.exec(n.raw.slice(n.raw.lastIndexOf(written) + written.length));
      if (um && unitSwap[um[1]!.toLowerCase()] !== undefined) {
        const unitAt = n.start + n.raw.lastIndexOf(um[1]!);
        add('unit_change', ['wrong_unit'], text.slice(0, unitAt) + unitSwap[um[1]!.toLowerCase()]! + text.slice(unitAt + um[1]!.length));
      }
    }
    // negation flip
    const polarity = new Set(scored.map((c) => assertsAbnormality(c.claim)));
    if (polarity.size === 1 && scored.every((c) => hasPolarity(c.claim))) add('negation_flip', [polarity.has(true) ? 'negated_present' : 'present_absent'], negationFlip(text));
  });
  // invented lesions
  const lesionSizesMm = ref.lesions.map((l) => l.values.longAxisMm ?? 0);
  const sizes = INVENTED_SIZES_CM.filter((cm) => lesionSizesMm.every((mm) => Math.abs(cm * 10 - mm) > 2 * allowedError('longAxisMm', mm, 0.5)));
  Object.keys(NOUN).filter((o) => ref.lesionStatus(o).status === 'absent').forEach((organ, i) => {
    const mutated = INVENTED_TEMPLATES[i % INVENTED_TEMPLATES.length]!(organ, sizes[i % sizes.length] ?? 5.2);
    out.push({ operator: 'invented_lesion', expected: ['present_absent'], sentenceIndex: sentences.length, original: null, mutated });
  });
  // dropped lesions
  for (const lesion of ref.lesions) {
    const stating = scoredAll.map((s, i) => (s.some((c) => c.match.verdict === 'supported' && c.match.findingIds.includes(lesion.id)) ? i : -1)).filter((i) => i >= 0);
    if (stating.length === 0) continue;
    out.push({ operator: 'dropped_lesion', expected: ['omission'], sentenceIndex: null, original: null, mutated: null, droppedFindingId: lesion.id, droppedSentences: stating });
  }
  return out;
}

/** Scores one mutant: is it flagged, and with the expected error type? */
export function scoreMutant(m: Mutant, sentences: readonly string[], findings: readonly Finding[], lesionsComplete: boolean): MutantResult {
  if (m.operator === 'dropped_lesion') {
    const kept = sentences.filter((_, i) => !m.droppedSentences!.includes(i));
    const stated = kept.some((s) => score(s, findings, lesionsComplete).some((c) => c.match.verdict === 'supported' && c.match.findingIds.includes(m.droppedFindingId!)));
    return { mutant: m, flagged: !stated, rightType: !stated, got: stated ? [] : ['omission'] };
  }
  const scored = score(m.mutated!, findings, lesionsComplete);
  const got = scored.filter((c) => c.match.verdict === 'contradicted').map((c) => c.match.errorType!);
  return { mutant: m, flagged: got.length > 0, rightType: got.some((g) => m.expected.includes(g)), got };
}

/** Unmodified sentences the harness flags (any contradicted claim): the false-alarm check. */
export function falseAlarms(sentences: readonly string[], findings: readonly Finding[], lesionsComplete: boolean): { sentences: number; withClaims: number; allSupported: number; flagged: { index: number; text: string; details: string[] }[] } {
  let withClaims = 0;
  let allSupported = 0;
  const flagged: { index: number; text: string; details: string[] }[] = [];
  sentences.forEach((s, index) => {
    const scored = score(s, findings, lesionsComplete);
    if (scored.length > 0) withClaims++;
    if (scored.length > 0 && scored.every((c) => c.match.verdict === 'supported')) allSupported++;
    const bad = scored.filter((c) => c.match.verdict === 'contradicted');
    if (bad.length > 0) flagged.push({ index, text: s, details: bad.map((c) => `${c.match.errorType}: ${c.match.details}`) });
  });
  return { sentences: sentences.length, withClaims, allSupported, flagged };
}
