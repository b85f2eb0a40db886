import { structureOrNull } from '../anatomy/index.ts';
import {
  abnormalCues,
  attenuationCues,
  contactCues,
  countBefore,
  fluidCues,
  inScope,
  lesionCues,
  MEGALY_RE,
  negationScopes,
  nodeCues,
  normalCues,
  sizeCues,
  stageCues,
  steatosisCues,
  STAGING_CONTEXT,
  type Cue,
  type NegationScope,
} from './cues.ts';
import { attributeNumbers, type OrganAnchor } from './attribute-numbers.ts';
import { readChange, supersededByChange } from './change-claims.ts';
import { findMentions, organsRelated, type Mention, type SideWord } from './mentions.ts';
import { claimNumber, findNumbers, measuredNumbers, type RawNumber } from './numbers.ts';
import type { Claim, ClaimLocation, ClaimNumber, ClaimSide } from './types.ts';

/**
 * One sentence -> the claims it makes. Rule-based and deterministic (no model): anatomy through the catalogue
 * (mentions.ts), statement kinds and negation through word cues (cues.ts), numbers with units (numbers.ts).
 *
 * A sentence is first cut into clauses at ";" and at "but"/"whereas"/"while", and at ", and"/" and" when both
 * sides state something about some structure ("The liver is normal and the spleen is enlarged"), so that a
 * list such as "The liver, spleen and kidneys are unremarkable" stays one clause with three subjects.
 *
 * Which claims a clause makes, in this order (a structure claimed by an earlier rule is not claimed again as
 * 'normal'): T category -> 'stage'; a contact word with a vessel -> 'vessel_contact' per vessel; a lymph node
 * word -> 'lymph_node'; a lesion word -> 'lesion' (one claim for the organ nearest the lesion word when
 * asserted, one per organ when denied: "no lesion in the liver or spleen"); fluid words -> 'fluid'; size words
 * -> 'organ_size' per organ; fat words -> 'steatosis'; "normal"/"unremarkable" -> 'normal' per organ; an organ
 * with only a volume or length -> 'organ_size', with only a mean HU -> 'attenuation'. An organ's numbers are the
 * ones attributed to it (attribute-numbers.ts: nearest preceding organ mention, or "respectively" in order).
 */

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

function nearest<T extends { start: number }>(items: readonly T[], at: number): T | undefined {
  let best: T | undefined;
  for (const it of items) if (best === undefined || Math.abs(it.start - at) < Math.abs(best.start - at)) best = it;
  return best;
}

const COMPOSITE_SIDES: Readonly<Record<string, { left: string; right: string }>> = {
  kidneys: { left: 'kidney_left', right: 'kidney_right' },
  lung: { left: 'lung_left', right: 'lung_right' },
  adrenal_glands: { left: 'adrenal_gland_left', right: 'adrenal_gland_right' },
};

/** A side word anywhere in the clause applies to a paired organ named without one ("kidney, left"). */
function sided(organ: string | null, sides: readonly SideWord[]): { organ: string | null; side?: ClaimSide } {
  const own = organ === null ? undefined : structureOrNull(organ)?.laterality;
  if (own === 'left' || own === 'right') return { organ, side: own };
  const side = sides[0]?.side;
  if (side === undefined) return { organ };
  if (organ !== null && side !== 'bilateral' && COMPOSITE_SIDES[organ] !== undefined) return { organ: COMPOSITE_SIDES[organ]![side], side };
  return { organ, side };
}

function sizeNumbers(n: RawNumber, clause: string, node: boolean): ClaimNumber[] {
  const near = clause.slice(Math.max(0, n.start - 25), Math.min(clause.length, n.end + 25)).toLowerCase();
  if (n.values.length >= 2) {
    // Long axis first (RECIST); written in the other order, the larger is still the long axis.
    const [a, b] = [n.values[0]!, n.values[1]!];
    const longFirst = a >= b;
    return [claimNumber(n, 'longAxisMm', longFirst ? 0 : 1), claimNumber(n, 'shortAxisMm', longFirst ? 1 : 0)];
  }
  if (/short[- ]axis/.test(near) || (node && !/long[- ]axis/.test(near))) return [claimNumber(n, 'shortAxisMm')];
  if (/long[- ]axis|longest/.test(near)) return [claimNumber(n, 'longAxisMm')];
  return [claimNumber(n, 'diameterMm')];
}

function lesionNumbers(nums: readonly RawNumber[], clause: string, node = false): ClaimNumber[] {
  const out: ClaimNumber[] = [];
  for (const n of nums) {
    if (n.what === 'size') out.push(...sizeNumbers(n, clause, node));
    else if (n.what === 'volume') out.push(claimNumber(n, 'volumeMl'));
    else if (n.what === 'hu') out.push(claimNumber(n, 'huMean'));
  }
  return out;
}

function organNumbers(nums: readonly RawNumber[]): ClaimNumber[] {
  const out: ClaimNumber[] = [];
  for (const n of nums) {
    if (n.what === 'volume') out.push(claimNumber(n, 'volumeMl'));
    else if (n.what === 'size') out.push(claimNumber(n, 'lengthMm'));
    else if (n.what === 'hu') out.push(claimNumber(n, 'huMean'));
  }
  return out;
}

function cueNegated(scopes: readonly NegationScope[], c: Cue<unknown>): boolean {
  return inScope(scopes, c.start);
}

function clauseClaims(text: string): Claim[] {
  const staged = STAGING_CONTEXT.test(text);
  const stages = stageCues(text, staged);
  const allNumbers = findNumbers(text);
  const numbers = measuredNumbers(text);
  const { mentions, sides } = findMentions(text, [...stages, ...allNumbers]);
  const scopes = negationScopes(text);
  const claims: Claim[] = [];
  const claimed = new Set<string>();
  const base = (kind: Claim['kind'], negated: boolean, organ: string | null, extra: Partial<Claim> = {}): Claim => {
    const s = sided(organ, sides);
    if (s.organ !== null) claimed.add(s.organ);
    return { kind, negated, organ: s.organ, ...(s.side ? { side: s.side } : {}), locations: [], numbers: [], text, ...extra };
  };

  const organs = mentions.filter((m) => m.role === 'organ' || m.role === 'location' || m.role === 'lesion' || m.role === 'bone');
  const locationsOf = (organ: string | null): ClaimLocation[] =>
    mentions.filter((m) => m.role === 'location' && m.location && (m.organ === null || organ === null || m.organ === organ || organ.startsWith(m.organ) || m.organ.startsWith(organ))).map((m) => m.location!);
  const primaryOrgan = (at: number): string | null => {
    const withOrgan = organs.filter((m) => m.organ !== null);
    const lesion = withOrgan.find((m) => m.role === 'lesion');
    return (lesion ?? nearest(withOrgan, at))?.organ ?? null;
  };
  const lesionWords = lesionCues(text);
  const lesionMentions = mentions.filter((m) => m.role === 'lesion');
  const lesionAt = lesionWords[0]?.start ?? lesionMentions[0]?.start;

  // Organ numbers per organ (attribute-numbers.ts). Anchors: organ mentions, locations (their own key, so "liver
  // 1500 mL, caudate lobe 300 mL" gives the liver 1500 mL only), words naming their organs (hepatosplenomegaly,
  // hepatic steatosis).
  const sizes = sizeCues(text);
  const steatoses = steatosisCues(text).map((s) => ({ ...s, organ: s.value ?? organs.find((m) => m.organ === 'liver' || m.organ === 'pancreas')?.organ ?? 'liver' }));
  // The second organ of an "A-to-B" ratio ("pancreas-to-spleen attenuation ratio 0.89 (40 HU versus 45 HU)") is
  // the ratio's reference, not the subject of the numbers after it: its own value is a comparison value.
  const ratioReference = (m: Mention) => /-to-$/i.test(text.slice(Math.max(0, m.start - 4), m.start));
  const anchors: OrganAnchor[] = [
    ...organs.filter((m) => m.organ !== null && (m.role === 'organ' || m.role === 'location') && !ratioReference(m)).map((m) => ({ organ: m.role === 'location' ? `location:${m.canonical}` : m.organ!, start: m.start, end: m.end })),
    ...sizes.flatMap((s) => (s.value.organs ?? []).map((organ) => ({ organ, start: s.start, end: s.end }))),
    ...steatoses.map((s) => ({ organ: s.organ, start: s.start, end: s.end })),
  ];
  const byOrgan = attributeNumbers(text, numbers, anchors);
  const numbersOf = (organ: string): RawNumber[] => byOrgan.get(organ) ?? (byOrgan.size === 0 ? numbers : []);

  // T category
  for (const s of stages) claims.push(base('stage', cueNegated(scopes, s), primaryOrgan(s.start), { stage: s.value }));

  // vessel contact
  const vessels = mentions.filter((m) => m.role === 'vessel');
  const contacts = contactCues(text);
  if (contacts.length > 0 && vessels.length > 0) {
    vessels.forEach((v, i) => {
      // The contact word governing a vessel comes before it ("encasing the SMA", "encasement of the SMA") after
      // the previous vessel; else it follows it ("SMA encasement") before the next vessel; else the nearest.
      const prevEnd = i > 0 ? vessels[i - 1]!.end : 0;
      const nextStart = i + 1 < vessels.length ? vessels[i + 1]!.start : text.length;
      const c =
        [...contacts].reverse().find((x) => x.end <= v.start && x.start >= prevEnd) ??
        contacts.find((x) => x.start >= v.end && x.start < nextStart) ??
        nearest(contacts, v.start)!;
      // An angle belongs to the vessel it is closest to (gap between the spans).
      const gap = (n: RawNumber, m: Mention) => (n.start >= m.end ? n.start - m.end : m.start >= n.end ? m.start - n.end : 0);
      const angles = numbers
        .filter((n) => n.what === 'angle' && vessels.every((o) => gap(n, v) <= gap(n, o)))
        .map((n) => claimNumber(n, 'angleDeg'));
      claims.push(base('vessel_contact', cueNegated(scopes, c) || inScope(scopes, v.start), primaryOrgan(c.start), { vessel: v.canonical, contact: c.value, numbers: angles }));
    });
  }

  // lymph nodes
  const nodeMentions = [...mentions.filter((m) => m.role === 'node'), ...nodeCues(text)];
  if (nodeMentions.length > 0 && lesionWords.length === 0) {
    const n = nodeMentions[0]!;
    const size = nearest(sizes, n.start);
    const negated = inScope(scopes, n.start) || (size !== undefined && cueNegated(scopes, size) && size.value.cls !== 'normal size');
    const sizeClass = size === undefined ? undefined : negated && size.value.cls !== 'normal size' ? 'enlarged' : size.value.cls;
    claims.push({
      kind: 'lymph_node', negated, organ: null, locations: locationsOf(null), numbers: negated ? [] : lesionNumbers(numbers, text, true), text,
      ...(sizeClass ? { sizeClass } : {}),
    });
    claimed.add('lymph_node');
  }

  // lesions
  if ((lesionWords.length > 0 || lesionMentions.length > 0) && !claimed.has('lymph_node')) {
    const at = lesionAt!;
    const negated = inScope(scopes, at);
    const lesionType = lesionMentions[0]?.lesionType ?? lesionWords[0]?.value;
    const attenuation = attenuationCues(text)[0]?.value;
    const count = countBefore(text, at);
    const lesionOrgans = [...new Set(organs.map((m) => m.organ).filter((o): o is string => o !== null))];
    const targets = negated ? (lesionOrgans.length > 0 ? lesionOrgans : [null]) : [primaryOrgan(at)];
    for (const organ of targets) {
      claims.push(
        base('lesion', negated, organ, {
          locations: locationsOf(organ),
          numbers: negated ? [] : lesionNumbers(numbers, text),
          ...(lesionType ? { lesionType } : {}),
          ...(attenuation ? { attenuation } : {}),
          ...(count !== undefined ? { count } : {}),
        }),
      );
    }
  }

  // fluid
  const fluids = [...fluidCues(text)];
  for (const m of mentions.filter((x) => x.role === 'fluid')) if (!fluids.some((f) => f.start <= m.start && f.end >= m.end)) fluids.push({ value: m.canonical, start: m.start, end: m.end });
  const seenFluid = new Set<string>();
  for (const f of fluids) {
    if (seenFluid.has(f.value)) continue;
    seenFluid.add(f.value);
    claims.push({ kind: 'fluid', negated: cueNegated(scopes, f), organ: null, fluid: f.value, locations: [], numbers: organNumbers(numbers).filter((n) => n.kind === 'volumeMl'), text });
  }

  // organ size
  const hasLesion = claims.some((c) => (c.kind === 'lesion' || c.kind === 'lymph_node') && !c.negated);
  for (const s of claimed.has('lymph_node') ? [] : sizes) {
    const negated = cueNegated(scopes, s);
    // With several size words, an organ takes the nearest one ("Liver normal in size, spleen enlarged").
    const gap = (a: { start: number; end: number }, b: { start: number; end: number }) => (a.start >= b.end ? a.start - b.end : b.start >= a.end ? b.start - a.end : 0);
    const plain = sizes.filter((x) => x.value.organs === undefined);
    const ownCue = (m: Mention) => plain.reduce((best, x) => (gap(m, x) < gap(m, best) ? x : best), plain[0]!);
    const targets = s.value.organs ?? organs.filter((m) => m.role === 'organ' && ownCue(m) === s).map((m) => m.organ!);
    for (const organ of [...new Set(targets)]) {
      claims.push(base('organ_size', negated, organ, { sizeClass: s.value.cls, numbers: hasLesion ? [] : organNumbers(numbersOf(organ)).filter((n) => n.kind !== 'huMean') }));
    }
  }

  // steatosis
  for (const s of steatoses) {
    claims.push(base('steatosis', cueNegated(scopes, s), s.organ, { numbers: organNumbers(numbersOf(s.organ)).filter((n) => n.kind === 'huMean') }));
  }

  // normal ("normal", "unremarkable", "no abnormality"), or not normal ("abnormal", "abnormality" not denied)
  const normals = normalCues(text).filter((c) => !sizes.some((s) => c.start >= s.start && c.end <= s.end));
  const abnormals = abnormalCues(text).filter((c) => !normals.some((n) => c.start >= n.start && c.end <= n.end));
  if (normals.length > 0 || abnormals.length > 0) {
    // "No abnormality" is itself the normal cue: its own "no" does not negate it. A bare "abnormality" that no
    // negation covers says the organ is not normal.
    const negated =
      normals.length > 0
        ? normals.every((c) => scopes.some((s) => c.start > s.start && c.start < s.end))
        : abnormals.every((c) => !inScope(scopes, c.start));
    for (const m of organs) {
      if (m.organ === null || claimed.has(m.organ) || (m.role !== 'organ' && m.role !== 'location')) continue;
      if (claims.some((c) => c.organ !== null && (c.organ === m.organ || c.organ.startsWith(m.organ!))) || (m.role === 'location' && claimed.has(m.organ))) continue;
      claims.push(base('normal', negated, m.organ, { locations: m.role === 'location' && m.location ? [m.location] : [] }));
    }
  }

  // organ with only numbers (also beside size, fat and normal statements about other organs: "Splenomegaly and
  // liver volume 1500 mL"); not beside lesions, nodes, fluid, stages or contacts, whose numbers are theirs.
  const onlyOrganStatements = claims.every((c) => c.kind === 'organ_size' || c.kind === 'steatosis' || c.kind === 'normal');
  if (onlyOrganStatements && numbers.length > 0) {
    const stated = (organ: string) => claims.some((c) => c.organ !== null && (c.organ === organ || organsRelated(c.organ, organ)));
    for (const organ of new Set(organs.filter((m) => m.role === 'organ' && !stated(m.organ!)).map((m) => m.organ!))) {
      const nums = organNumbers(numbersOf(organ));
      const dims = nums.filter((n) => n.kind !== 'huMean');
      const hu = nums.filter((n) => n.kind === 'huMean');
      if (dims.length > 0) claims.push(base('organ_size', false, organ, { numbers: dims }));
      if (hu.length > 0) claims.push(base('attenuation', false, organ, { numbers: hu }));
    }
  }
  return claims;
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
export function parseClaims(sentence: string): Claim[] {
  return splitClauses(sentence).flatMap((c) => {
    const change = readChange(c.text);
    if (change.claims.length === 0) return clauseClaims(c.text);
    // A clause about change also states the current study ("has grown from 2.0 to 2.6 cm": a 2.6 cm lesion now);
    // the prior study's numbers and RECIST sums are blanked before it is read as one study (offsets kept).
    let masked = c.text;
    for (const [start, end] of change.foreignSpans) masked = masked.slice(0, start) + ' '.repeat(end - start) + masked.slice(end);
    const own = clauseClaims(masked).map((x) => ({ ...x, text: c.text })).filter((x) => !supersededByChange(change, x));
    return [...own, ...change.claims];
  });
}
