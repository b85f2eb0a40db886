/**
 * Text mutations of real report sentences for the parser-sensitivity study (eval/language/mutate.ts, issue 13):
 * the corpus has no scans, so instead of checking claims against findings, an error is planted in a sentence
 * and the claims of the original and the mutant are compared: the planted field must change (and for a neutral
 * rewording, nothing may change).
 *
 * Operators and what must change:
 * - side_swap: the first "left" <-> "right" (whole word, case kept) -> some claim's side (or sided organ) differs;
 * - number_scale: the first number with a length, volume or HU unit times 1.5 (same decimals) -> some claim
 *   number's value differs;
 * - negation_flip: a negation removed ("No X was detected" -> "X was detected", "was not observed" -> "was
 *   observed"), or one added ("X was observed" -> "X was not observed"; else "No " before the statement) -> some
 *   claim's negation differs;
 * - organ_swap: one organ word replaced by another organ's (liver <-> spleen, kidney -> adrenal gland, lung ->
 *   liver, ...) -> some claim's organ family differs;
 * - neutral (rewordings that change nothing): verb synonyms ("observed" -> "seen", "detected" -> "identified"),
 *   "approximately" before a number, "There is a" <-> "A" -> the claims are identical.
 * Only sentences whose original claims hold the field are mutated (a side swap of a sentence with no sided claim
 * tests nothing the parser claims to read).
 */
import type { Claim } from '../../src/claims/index.ts';
import { organFamily } from './score-claims.ts';

export type MutationOperator = 'side_swap' | 'number_scale' | 'negation_flip' | 'organ_swap' | 'neutral';

export interface Mutant {
  readonly operator: MutationOperator;
  readonly original: string;
  readonly mutated: string;
}

const keepCase = (from: string, to: string) => (from[0] === from[0]!.toUpperCase() ? to[0]!.toUpperCase() + to.slice(1) : to);

/** The first side word swapped (swapping all of a sentence naming both sides only permutes it). */
export function sideSwap(text: string): string | null {
  if (!/\b(left|right)\b/i.test(text)) return null;
  return text.replace(/\b(left|right)\b/i, (w) => keepCase(w, w.toLowerCase() === 'left' ? 'right' : 'left'));
}

export function numberScale(text: string): string | null {
  const m = /(\d+(?:[.,]\d+)?)(\s*(?:x|×)\s*\d+(?:[.,]\d+)?)?(\s*(?:mm|cm|ml|mL|cc|HU)\b)/.exec(text);
  if (m === null) return null;
  const decimals = /[.,](\d+)$/.exec(m[1]!)?.[1]?.length ?? 0;
  const scaled = (Number(m[1]!.replace(',', '.')) * 1.5).toFixed(decimals);
  if (scaled === m[1]) return null;
  return text.slice(0, m.index) + scaled + text.slice(m.index + m[1]!.length);
}

export function negationFlip(text: string): string | null {
  if (/^\s*no\s+/i.test(text)) return text.replace(/^\s*no\s+(\w)/i, (_, c: string) => c.toUpperCase());
  if (/\b(?:was|were|is|are)\s+not\s+(?:observed|detected|seen|identified|noted)\b/i.test(text)) return text.replace(/\b(was|were|is|are)\s+not\s+/i, '$1 ');
  if (/\bno\s+/i.test(text)) return text.replace(/\bno\s+/i, '');
  if (/\b(?:was|were|is|are)\s+(?:observed|detected|seen|identified|noted)\b/i.test(text)) return text.replace(/\b(was|were|is|are)\s+(observed|detected|seen|identified|noted)\b/i, '$1 not $2');
  // A copula states the claim ("the aorta is wider than normal"): negate it there; else deny the whole statement.
  if (/\b(?:is|are|was|were)\s+(?!not\b)/i.test(text) && !/^(?:as far as|however|in addition)/i.test(text)) return text.replace(/\b(is|are|was|were)\s+(?!not\b)/i, '$1 not ');
  return `No ${text[0]!.toLowerCase()}${text.slice(1)}`;
}

/**
 * Organ swaps by organ family: every word of the family the first organ claim names is replaced by the other
 * family's word (so "fatty liver ... liver density" becomes "fatty spleen ... spleen density"); lung lobes become
 * kidney poles ("nodule in the lower lobe of the right lung" -> "... lower pole of the right kidney").
 */
const FAMILY_SWAPS: Readonly<Record<string, readonly (readonly [RegExp, string])[]>> = {
  liver: [[/\bhepatosteatosis\b/gi, 'splenic steatosis'], [/\bhepat(?:ic|o)\b/gi, 'splenic'], [/\blivers?\b/gi, 'spleen']],
  spleen: [[/\bsplenic\b/gi, 'hepatic'], [/\bspleens?\b/gi, 'liver']],
  kidneys: [[/\brenal\b/gi, 'adrenal'], [/\bkidneys\b/gi, 'adrenal glands'], [/\bkidney\b/gi, 'adrenal gland']],
  adrenal_glands: [[/\badrenal glands?\b/gi, 'kidney'], [/\badrenals?\b/gi, 'renal']],
  lung: [[/\b(upper|middle|lower) lobes?\b/gi, '$1 pole'], [/\blingul(?:a|ar)\b/gi, 'upper pole'], [/\bapicoposterior\b/gi, 'upper'], [/\bsubpleural\b/gi, 'cortical'], [/\bintrapulmonary\b/gi, 'intrarenal'], [/\bpulmonary\b/gi, 'renal'], [/\blungs\b/gi, 'kidneys'], [/\blung\b/gi, 'kidney']],
  pancreas: [[/\bpancreatic\b/gi, 'splenic'], [/\bpancreas\b/gi, 'spleen']],
  thyroid_gland: [[/\bthyroid\b/gi, 'prostate']],
  gallbladder: [[/\bgall ?bladder\b/gi, 'urinary bladder']],
  esophagus: [[/\besophageal\b/gi, 'gastric'], [/\besophagus\b/gi, 'stomach']],
  heart: [[/\bcardiomegaly\b/gi, 'hepatomegaly'], [/\bcardiac\b/gi, 'hepatic'], [/\bheart\b/gi, 'liver'], [/\bctr\b/gi, 'liver size'], [/\bcardio-?thoracic (?:ratio|index)\b/gi, 'liver size']],
  aorta: [[/\baortic\b/gi, 'esophageal'], [/\baorta\b/gi, 'esophagus']],
  trachea: [[/\btracheal\b/gi, 'esophageal'], [/\btrachea\b/gi, 'esophagus']],
  skeleton: [[/\b(?:bone|bony|osseous) structures?\b/gi, 'liver'], [/\blytic\b/gi, 'focal'], [/\bbones?\b/gi, 'liver'], [/\bvertebra(?:e|l)?\b/gi, 'liver'], [/\bvertebral corpus\b/gi, 'liver']],
  brain: [[/\b(?:intra)?cerebral\b/gi, 'hepatic'], [/\bbrain\b/gi, 'liver']],
  colon: [[/\bcolon(?:ic)?\b/gi, 'stomach']],
  urinary_bladder: [[/\b(?:urinary )?bladder\b/gi, 'gallbladder']],
};

export function organSwap(text: string, claims: readonly Claim[]): string | null {
  const organ = claims.find((c) => c.organ !== null)?.organ ?? null;
  const swaps = FAMILY_SWAPS[organFamily(organ) ?? ''];
  if (swaps === undefined) return null;
  let out = text;
  for (const [re, to] of swaps) out = out.replace(re, (...m) => keepCase(m[0] as string, (to as string).replace('$1', String(m[1] ?? ''))));
  return out === text ? null : out;
}

const NEUTRAL: readonly (readonly [RegExp, string])[] = [
  [/\bobserved\b/, 'seen'], [/\bdetected\b/, 'identified'], [/\bnoted\b/, 'observed'], [/\bwas seen\b/, 'was observed'],
  [/\bThere (?:is|was) an? /, 'A '], [/(\s)(\d+(?:[.,]\d+)?\s*(?:mm|cm)\b)/, '$1approximately $2'],
];

export function neutralRewording(text: string): string | null {
  for (const [re, to] of NEUTRAL) if (re.test(text)) return text.replace(re, to);
  return null;
}

/** The fields compared per operator. */
export function changed(op: MutationOperator, before: readonly Claim[], after: readonly Claim[]): boolean {
  const key = (c: Claim) => {
    switch (op) {
      case 'side_swap':
        return `${c.kind}|${organFamily(c.organ)}|${c.side ?? ''}|${c.organ ?? ''}`;
      case 'number_scale':
        return `${c.kind}|${c.numbers.map((n) => `${n.kind}:${Math.round(n.value * 1000)}`).join(',')}`;
      case 'negation_flip':
        return `${c.kind}|${c.negated}`;
      case 'organ_swap':
        return `${c.kind}|${organFamily(c.organ)}`;
      case 'neutral':
        return JSON.stringify({ ...c, text: undefined, numbers: c.numbers.map((n) => [n.kind, n.value]) });
    }
  };
  const a = before.map(key).sort().join('\n');
  const b = after.map(key).sort().join('\n');
  return a !== b;
}

/**
 * Routine claim kinds whose organ the kind itself names, not a word of the text (emphysema is the lungs', a fracture
 * the spine's, coronary calcium the heart's): an organ swap in the text has no field of theirs to change.
 */
const KIND_IMPLIES_ORGAN: ReadonlySet<string> = new Set(['emphysema', 'vertebral_fracture', 'bone_density', 'contrast_phase', 'calcification', 'dissection']);

/** Whether the original's claims hold the field the operator plants an error in. */
export function eligible(op: MutationOperator, claims: readonly Claim[]): boolean {
  if (claims.length === 0) return false;
  switch (op) {
    case 'side_swap':
      return claims.some((c) => c.side === 'left' || c.side === 'right');
    case 'number_scale':
      return claims.some((c) => c.numbers.length > 0);
    case 'negation_flip':
      // A contrast-phase claim states a phase, never its denial, and a vessel's bare diameter ("calibration is 35
      // mm") no calibre class that could be denied (routine-claims.ts): no negation to flip.
      return claims.some((c) => c.kind !== 'normal' && c.kind !== 'coverage' && c.kind !== 'contrast_phase' && !(c.kind === 'vessel_calibre' && c.routine?.calibre === undefined));
    case 'organ_swap':
      return claims.some((c) => c.organ !== null && !KIND_IMPLIES_ORGAN.has(c.kind));
    case 'neutral':
      return true;
  }
}

export const OPERATORS: readonly [MutationOperator, (t: string, claims: readonly Claim[]) => string | null][] = [
  ['side_swap', sideSwap],
  ['number_scale', numberScale],
  ['negation_flip', negationFlip],
  ['organ_swap', organSwap],
  ['neutral', neutralRewording],
];
