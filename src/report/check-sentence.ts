import { structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { extractClaims, type Claims, type Quantity } from './claims.ts';

/**
 * Checks an LLM rephrasing of one template sentence. The rephrasing may only say what the template sentence
 * says, in other words:
 * - every organ/vessel, side, sub-segment and T category it names must be named by the template sentence or by
 *   the findings the sentence cites (their structure, organ, side, segments, stage);
 * - every descriptor (enlarged, fatty, hypoattenuating, encasement, cyst, malignancy, partial, normal, ...) and
 *   contrast phase must appear in the template sentence, and the template's descriptors and T categories must be
 *   kept ('normal' may be dropped);
 * - every number must equal a number of the template sentence in the same dimension within the rounding the
 *   template shows (half its last digit: "2.1 cm" accepts 20.5-21.5 mm, so "21 mm" passes and "2 cm" fails),
 *   and every number of the template must be kept (a count of one may become "a");
 * - negation must agree: negated somewhere in the rephrasing exactly when the template sentence is negated.
 * Returns the reasons it fails; an empty list means it passes.
 */

function union(claims: readonly Claims[]): Claims {
  const set = (pick: (c: Claims) => ReadonlySet<string>) => new Set(claims.flatMap((c) => [...pick(c)]));
  return {
    concepts: set((c) => c.concepts),
    sides: set((c) => c.sides),
    segments: set((c) => c.segments),
    stages: set((c) => c.stages),
    descriptors: set((c) => c.descriptors),
    phases: set((c) => c.phases),
    negated: claims.some((c) => c.negated),
    quantities: claims.flatMap((c) => c.quantities),
  };
}

function displayOf(name: string | null | undefined): string | null {
  return name == null ? null : (structureOrNull(name)?.displayName ?? null);
}

/** The vocabulary the cited findings themselves license (read through the same extractor). */
function findingClaims(findings: readonly Finding[]): Claims {
  const pieces: string[] = [];
  for (const f of findings) {
    for (const n of [f.subject.structure, f.subject.organ]) {
      const d = displayOf(n);
      if (d !== null) pieces.push(d);
    }
    if (f.subject.side === 'left' || f.subject.side === 'right') pieces.push(f.subject.side);
    const segs = f.attributes.segments;
    if (Array.isArray(segs)) for (const s of segs) pieces.push(displayOf(s) ?? s);
    if (f.type === 'stage') pieces.push(f.statement);
  }
  return union(pieces.map(extractClaims));
}

function matches(q: Quantity, t: Quantity): boolean {
  return q.dimension === t.dimension && Math.abs(q.base - t.base) <= t.halfStep + 1e-9;
}

function notIn(kind: string, got: ReadonlySet<string>, allowed: ReadonlySet<string>): string[] {
  return [...got].filter((x) => !allowed.has(x)).map((x) => `${kind} '${x}' is not in the template sentence or its findings`);
}

/** Splits text into sentences at . ! ? followed by space and an upper-case letter, digit or bracket (not "2.1"). */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9(['"])/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function checkRephrase(llmText: string, templateText: string, cited: readonly Finding[]): string[] {
  const llmSentences = splitSentences(llmText);
  if (llmSentences.length === 0) return ['empty rephrasing'];
  const t = extractClaims(templateText);
  const f = findingClaims(cited);
  const allowed = {
    concepts: new Set([...t.concepts, ...f.concepts]),
    sides: new Set([...t.sides, ...f.sides]),
    segments: new Set([...t.segments, ...f.segments]),
    stages: new Set([...t.stages, ...f.stages]),
  };
  const reasons: string[] = [];
  const each = llmSentences.map(extractClaims);
  for (const c of each) {
    reasons.push(
      ...notIn('organ or vessel', c.concepts, allowed.concepts),
      ...notIn('side', c.sides, allowed.sides),
      ...notIn('segment', c.segments, allowed.segments),
      ...notIn('T category', c.stages, allowed.stages),
      ...notIn('descriptor', c.descriptors, t.descriptors),
      ...notIn('contrast phase', c.phases, t.phases),
    );
    for (const q of c.quantities)
      if (!t.quantities.some((x) => matches(q, x))) reasons.push(`number '${q.text}' does not match any number of the template sentence within its rounding`);
  }
  const all = union(each);
  if (all.negated !== t.negated) reasons.push(t.negated ? 'the negation of the template sentence was lost' : 'a negation was added');
  for (const s of t.stages) if (!all.stages.has(s)) reasons.push(`T category '${s}' was dropped`);
  for (const d of t.descriptors) if (d !== 'normal' && !all.descriptors.has(d)) reasons.push(`descriptor '${d}' was dropped`);
  for (const q of t.quantities) {
    if (q.dimension === 'count' && q.base === 1) continue;
    if (!all.quantities.some((x) => matches(x, q))) reasons.push(`number '${q.text}' of the template sentence was dropped`);
  }
  return [...new Set(reasons)];
}
