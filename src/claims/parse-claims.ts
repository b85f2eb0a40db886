import { fluidCues, lesionCues, MEGALY_RE, normalCues, sizeCues, steatosisCues, contactCues, type NegationScope } from './cues.ts';
import { readChange, supersededByChange } from './change-claims.ts';
import { readRoutine, supersededByRoutine } from './routine-claims.ts';
import { clauseContext, type Carried, type ExtractionState } from './context.ts';
import { CLAIM_EXTRACTORS } from './kinds/index.ts';
import { findMentions } from './mentions.ts';
import { findNumbers } from './numbers.ts';
import type { Claim, ClaimSide } from './types.ts';

/**
 * One sentence -> the claims it makes. Rule-based and deterministic (no model): anatomy through the catalogue
 * (mentions.ts), statement kinds, negation and uncertainty through word cues (cues.ts), numbers with units
 * (numbers.ts). Each claim kind has its own extractor over a shared clause context (context.ts, kinds/).
 *
 * A sentence is first cut into clauses at ";" and at "but"/"whereas"/"while", and at ", and"/" and" when both
 * sides state something about some structure ("The liver is normal and the spleen is enlarged"), so that a list
 * such as "The liver, spleen and kidneys are unremarkable" stays one clause with three subjects. A clause that
 * names no organ takes the subject of the clause before it ("Bilateral adrenal glands were normal and no
 * space-occupying lesion was detected"; "In the lung window; no nodule") or of the heading the sentence stands under
 * ("Kidneys: ...").
 */

export interface ParseOptions {
  /** The subject of the text around the sentence (a heading such as "Liver:"), canonical. */
  readonly subject?: string;
  /**
   * Where negation scopes come from; default NegEx with pseudo-triggers and post-negation (cues.ts). A plug-in point
   * for comparing negation readers (eval/language/nlp-compare.ts measured wink-nlp's against it).
   */
  readonly negation?: (clause: string) => NegationScope[];
}

interface Clause {
  readonly text: string;
}

function hasSubject(text: string): boolean {
  const m = findMentions(text);
  return m.mentions.length > 0 || lesionCues(text).length > 0 || fluidCues(text).length > 0 || MEGALY_RE.test(text);
}

function hasStatement(text: string): boolean {
  return (
    lesionCues(text).length + sizeCues(text).length + steatosisCues(text).length + fluidCues(text).length + normalCues(text).length + contactCues(text).length > 0 ||
    findNumbers(text).length > 0
  );
}

/** Clauses of a sentence (see the module comment). */
export function splitClauses(sentence: string): Clause[] {
  const hard = sentence.split(/;|\s+(?:but|whereas|while|however)\s+/i).map((s) => s.trim()).filter((s) => s.length > 0);
  const out: Clause[] = [];
  for (const part of hard) {
    const pieces = part.split(/,?\s+and\s+(?=(?:the|there|a|an|no)\b)/i);
    let acc = pieces[0]!;
    for (const next of pieces.slice(1)) {
      if (hasSubject(acc) && hasStatement(acc) && hasSubject(next) && hasStatement(next)) {
        out.push({ text: acc.trim() });
        acc = next;
      } else acc = `${acc} and ${next}`;
    }
    out.push({ text: acc.trim() });
  }
  return out;
}

/** The subject a clause hands on to the next: its last organ mention (with the side it carries). */
function carriedFrom(text: string, previous: Carried | null): Carried | null {
  const organs = findMentions(text).mentions.filter((m) => m.organ !== null && (m.role === 'organ' || m.role === 'location' || m.role === 'bone' || m.role === 'lesion'));
  const last = organs[organs.length - 1];
  if (last === undefined) return previous;
  const side: ClaimSide | undefined = last.side;
  return { organ: last.organ, ...(side ? { side } : {}) };
}

/**
 * The claims one sentence makes (none for a heading, a technique line or a sentence about nothing the
 * harness checks). Never throws.
 *
 * @example parseClaims('2.1 x 2.0 cm hypoattenuating lesion in hepatic segment VII.')
 *   // [{ kind: 'lesion', organ: 'liver', locations: [{ label: 'liver_segment_7', ... }],
 *   //    numbers: [{ kind: 'longAxisMm', value: 21, ... }, { kind: 'shortAxisMm', value: 20, ... }],
 *   //    attenuation: 'hypoattenuating', negated: false, ... }]
 */
export function parseClaims(sentence: string, options: ParseOptions = {}): Claim[] {
  let carried: Carried | null = options.subject !== undefined ? { organ: options.subject } : null;
  const out: Claim[] = [];
  for (const clause of splitClauses(sentence)) {
    // A clause about change (change-claims.ts: "has grown from 2.0 to 2.6 cm") also states the current study; the
    // prior study's numbers and RECIST sums are blanked (offsets kept) before it is read as one study, and the
    // one-study claims the change claims supersede are dropped.
    const change = readChange(clause.text);
    // Routine measurement claims (routine-claims.ts: "left renal stone, 8 mm", "LAA-950 12 %", "L1 95 HU") own their
    // numbers, which are blanked too: a stone's 8 mm is not the kidney's length, -950 HU not the lungs' attenuation.
    const routine = readRoutine(clause.text, options.negation);
    let text = clause.text;
    for (const [start, end] of [...change.foreignSpans, ...routine.spans]) text = text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
    const ctx = clauseContext(text, carried, options.negation);
    const state: ExtractionState = { claims: [], claimed: new Set() };
    for (const extractor of CLAIM_EXTRACTORS) extractor.extract(ctx, state);
    const own =
      change.claims.length === 0 && routine.claims.length === 0
        ? state.claims
        : state.claims.map((c) => ({ ...c, text: clause.text })).filter((c) => !supersededByChange(change, c) && !supersededByRoutine(routine, c));
    out.push(...own, ...change.claims, ...routine.claims);
    carried = carriedFrom(clause.text, carried);
  }
  return out;
}
