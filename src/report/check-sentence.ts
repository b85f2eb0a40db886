import { structureOrNull } from '../anatomy/index.ts';
import { contrastPhaseCues, findMentions, findNumbers, parseClaims, splitParagraph, type Claim, type ClaimLocation, type RawNumber } from '../claims/index.ts';
import type { Finding } from '../findings/index.ts';

/**
 * Checks an LLM rephrasing of one template sentence with the one claim parser (src/claims): the rephrasing may
 * only say what the template sentence says, in other words.
 * - every organ/vessel, side, sub-segment and T category it names must be named by the template sentence or by
 *   the findings the sentence cites (their structure, organ, side, segments, stage);
 * - every descriptor its claims carry (enlarged, massive, fatty, hypo/iso/hyperattenuating, encasement, abutment,
 *   cyst, mass, nodule, malignancy, partial, normal) and every contrast phase must be in the template sentence, and
 *   the template's descriptors and T categories must be kept ('normal' may be dropped);
 * - every number with a unit must equal a number of the template sentence in the same dimension within the
 *   rounding the template shows (half its last digit: "2.1 cm" accepts 20.5-21.5 mm, so "21 mm" passes and "2 cm"
 *   fails), every number of the template must be kept, and a lesion count must not change;
 * - negation must agree: a claim denied in the rephrasing exactly when one is denied in the template sentence.
 * Returns the reasons it fails; an empty list means it passes.
 */

interface Content {
  readonly organs: Set<string>;
  readonly sides: Set<string>;
  readonly locations: ClaimLocation[];
  readonly stages: Set<string>;
  readonly descriptors: Set<string>;
  readonly phases: Set<string>;
  readonly negated: boolean;
  readonly numbers: RawNumber[];
  readonly counts: Set<number>;
}

/** The name an organ or vessel is compared by: its display name without its side, a pair without its plural. */
function organKey(name: string): string {
  const s = structureOrNull(name);
  if (s === null) return name.replace(/_/g, ' ');
  const plain = s.displayName.replace(/^(left|right|both)\s+/i, '');
  return s.kind === 'composite' ? plain.replace(/s$/, '') : plain;
}

const LESION_DESCRIPTOR: Readonly<Record<string, string>> = { cyst: 'cyst', mass: 'mass', nodule: 'nodule', tumour: 'malignancy', metastasis: 'malignancy' };

function descriptorsOf(c: Claim): string[] {
  const out: string[] = [];
  if (c.sizeClass === 'enlarged') out.push('enlarged');
  if (c.sizeClass === 'massively enlarged') out.push('enlarged', 'massive');
  if (c.sizeClass === 'normal size' || c.kind === 'normal') out.push('normal');
  if (c.kind === 'steatosis') out.push('fatty');
  if (c.kind === 'coverage') out.push('partial');
  if (c.attenuation !== undefined) out.push(c.attenuation);
  if (c.contact === 'encasement' || c.contact === 'abutment') out.push(c.contact);
  if (c.lesionType !== undefined && LESION_DESCRIPTOR[c.lesionType] !== undefined) out.push(LESION_DESCRIPTOR[c.lesionType]!);
  return out;
}

function contentOf(text: string): Content {
  const claims = parseClaims(text);
  const { mentions, sides } = findMentions(text);
  const organs = new Set<string>();
  const sideSet = new Set<string>(sides.filter((s) => s.side !== 'bilateral').map((s) => s.side));
  const locations: ClaimLocation[] = [];
  for (const m of mentions) {
    if (m.side === 'left' || m.side === 'right') sideSet.add(m.side);
    if (m.role === 'location' && m.location) locations.push(m.location);
    const name = m.role === 'vessel' || m.role === 'node' || m.role === 'fluid' ? m.canonical : m.organ;
    if (name !== null && m.role !== 'location') organs.add(organKey(name));
  }
  for (const c of claims) {
    if (c.kind === 'lymph_node') organs.add('lymph node');
    if (c.kind === 'fluid' && c.fluid) organs.add(organKey(c.fluid));
    if (c.vessel) organs.add(organKey(c.vessel));
    if (c.side === 'left' || c.side === 'right') sideSet.add(c.side);
  }
  return {
    organs,
    sides: sideSet,
    locations,
    stages: new Set(claims.flatMap((c) => (c.stage ? [c.stage] : []))),
    descriptors: new Set(claims.flatMap(descriptorsOf)),
    phases: new Set(contrastPhaseCues(text).map((p) => p.value)),
    negated: claims.some((c) => c.negated),
    numbers: findNumbers(text),
    counts: new Set(claims.flatMap((c) => (typeof c.count === 'number' && c.count > 1 ? [c.count] : []))),
  };
}

/** What the cited findings license: their structures and organs, sides, segments and T categories. */
function findingContent(findings: readonly Finding[]): { organs: Set<string>; sides: Set<string>; segments: Set<string>; stages: Set<string> } {
  const organs = new Set<string>();
  const sides = new Set<string>();
  const segments = new Set<string>();
  const stages = new Set<string>();
  for (const f of findings) {
    for (const n of [f.subject.structure, f.subject.organ]) if (n !== null) organs.add(organKey(n));
    if (f.subject.side === 'left' || f.subject.side === 'right') sides.add(f.subject.side);
    const segs = f.attributes.segments;
    if (Array.isArray(segs)) for (const s of segs) segments.add(s);
    if (f.type === 'stage') stages.add(f.statement);
  }
  return { organs, sides, segments, stages };
}

/** A number's dimension: lengths of any kind are one dimension ("21 mm" may restate "2.1 cm"). */
function dimension(n: RawNumber): string {
  return n.what;
}

interface Value {
  readonly value: number;
  readonly halfStep: number;
  readonly dimension: string;
  readonly text: string;
}

function values(numbers: readonly RawNumber[]): Value[] {
  return numbers.flatMap((n) => n.values.map((v, i) => ({ value: v, halfStep: n.roundingHalfStep, dimension: dimension(n), text: n.written[i] ?? n.raw })));
}

function within(q: Value, t: Value): boolean {
  return q.dimension === t.dimension && Math.abs(q.value - t.value) <= t.halfStep + 1e-9;
}

function notIn(kind: string, got: Iterable<string>, allowed: ReadonlySet<string>): string[] {
  return [...got].filter((x) => !allowed.has(x)).map((x) => `${kind} '${x}' is not in the template sentence or its findings`);
}

/** Splits text into sentences at . ! ? followed by space and an upper-case letter, digit or bracket (not "2.1"). */
export function splitSentences(text: string): string[] {
  return splitParagraph(text.replace(/\s+/g, ' ').trim());
}

export function checkRephrase(llmText: string, templateText: string, cited: readonly Finding[]): string[] {
  const llmSentences = splitSentences(llmText);
  if (llmSentences.length === 0) return ['empty rephrasing'];
  const t = contentOf(templateText);
  const f = findingContent(cited);
  const allowed = {
    organs: new Set([...t.organs, ...f.organs]),
    sides: new Set([...t.sides, ...f.sides]),
    segments: new Set([...t.locations.flatMap((l) => [l.label, ...l.anyOf]), ...f.segments]),
    stages: new Set([...t.stages, ...f.stages]),
  };
  const templateValues = values(t.numbers);
  const reasons: string[] = [];
  const each = llmSentences.map(contentOf);
  for (const c of each) {
    reasons.push(
      ...notIn('organ or vessel', c.organs, allowed.organs),
      ...notIn('side', c.sides, allowed.sides),
      ...c.locations.filter((l) => !l.anyOf.some((a) => allowed.segments.has(a)) && !allowed.segments.has(l.label)).map((l) => `segment '${l.label}' is not in the template sentence or its findings`),
      ...notIn('T category', c.stages, allowed.stages),
      ...notIn('descriptor', c.descriptors, t.descriptors),
      ...notIn('contrast phase', c.phases, t.phases),
    );
    for (const q of values(c.numbers)) if (!templateValues.some((x) => within(q, x))) reasons.push(`number '${q.text}' does not match any number of the template sentence within its rounding`);
    for (const n of c.counts) if (!t.counts.has(n)) reasons.push(`count ${n} is not the template sentence's`);
  }
  const negated = each.some((c) => c.negated);
  if (negated !== t.negated) reasons.push(t.negated ? 'the negation of the template sentence was lost' : 'a negation was added');
  const stages = new Set(each.flatMap((c) => [...c.stages]));
  for (const s of t.stages) if (!stages.has(s)) reasons.push(`T category '${s}' was dropped`);
  const descriptors = new Set(each.flatMap((c) => [...c.descriptors]));
  for (const d of t.descriptors) if (d !== 'normal' && !descriptors.has(d)) reasons.push(`descriptor '${d}' was dropped`);
  const llmValues = each.flatMap((c) => values(c.numbers));
  for (const q of templateValues) if (!llmValues.some((x) => within(x, q))) reasons.push(`number '${q.text}' of the template sentence was dropped`);
  return [...new Set(reasons)];
}
