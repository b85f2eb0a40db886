import { ancestors, structureOrNull } from '../anatomy/index.ts';
import { attributeNumbers, type OrganAnchor } from './attribute-numbers.ts';
import {
  densityNotALesion,
  historySpans,
  isDensityPhrase,
  inScope,
  inSpan,
  interpretation,
  isBackReference,
  lesionCues,
  negationScopes,
  sizeCues,
  stageCues,
  steatosisCues,
  STAGING_CONTEXT,
  type Cue,
  type Interpretation,
  type NegationScope,
  type SizeCue,
  type Span,
} from './cues.ts';
import { findMentions, organsRelated, type Mention, type SideWord } from './mentions.ts';
import { findNumbers, measuredNumbers, type RawNumber } from './numbers.ts';
import type { LesionType } from '../anatomy/index.ts';
import type { Certainty, Claim, ClaimKind, ClaimLocation, ClaimSide } from './types.ts';

/**
 * The shared context of one clause: everything the claim-kind extractors (kinds/) read, computed once. Each
 * extractor is a small function from this context to the claims of its kind; none re-reads the text for anatomy,
 * numbers, negation or uncertainty.
 */

/** What an earlier clause or a heading says about the subject ("Kidneys: ...", "Bilateral adrenal glands ... and no lesion"). */
export interface Carried {
  readonly organ: string | null;
  readonly side?: ClaimSide;
}

export interface LesionWord {
  readonly type: LesionType;
  readonly start: number;
  readonly end: number;
  /** In the interpretive tail ("..., considering renal cysts"; "suspected tumour"). */
  readonly interpretive: boolean;
  readonly word: string;
}

export interface ClauseContext {
  readonly text: string;
  /** Anatomy mentions (T categories and numbers masked) and the side words no mention took. */
  readonly mentions: readonly Mention[];
  readonly sides: readonly SideWord[];
  /** Mentions naming an organ (organs, organ parts, lesion phrases with their organ, bones). */
  readonly organs: readonly Mention[];
  readonly numbers: readonly RawNumber[];
  readonly scopes: readonly NegationScope[];
  readonly interpretation: Interpretation;
  readonly history: readonly Span[];
  /** Lesion words that state a lesion (not back-references, not history). */
  readonly lesionWords: readonly LesionWord[];
  readonly stages: readonly Cue<string>[];
  readonly sizes: readonly Cue<{ cls: SizeCue; organs?: readonly string[] }>[];
  readonly steatoses: readonly (Cue<string | undefined> & { organ: string })[];
  readonly carried: Carried | null;
  readonly byOrgan: ReadonlyMap<string, RawNumber[]>;
}

/** Claims made so far in the clause, and the organs they claimed (a later 'normal' extractor skips those). */
export interface ExtractionState {
  readonly claims: Claim[];
  readonly claimed: Set<string>;
}

export interface ClaimExtractor {
  /** The kinds it emits (documentation and tests). */
  readonly kinds: readonly ClaimKind[];
  readonly extract: (ctx: ClauseContext, state: ExtractionState) => void;
}

export function negatedAt(ctx: ClauseContext, at: number): boolean {
  return inScope(ctx.scopes, at);
}

export function certaintyAt(ctx: ClauseContext, at: number): Certainty | undefined {
  return inSpan(ctx.interpretation.spans, at) ? 'uncertain' : undefined;
}

export function nearest<T extends { start: number }>(items: readonly T[], at: number): T | undefined {
  let best: T | undefined;
  for (const it of items) if (best === undefined || Math.abs(it.start - at) < Math.abs(best.start - at)) best = it;
  return best;
}

const COMPOSITE_SIDES: Readonly<Record<string, { left: string; right: string }>> = {
  kidneys: { left: 'kidney_left', right: 'kidney_right' },
  lung: { left: 'lung_left', right: 'lung_right' },
  adrenal_glands: { left: 'adrenal_gland_left', right: 'adrenal_gland_right' },
};

/**
 * The side of a claim about `organ`: the organ's own side (a left kidney), the side its mention carries ("both
 * kidneys", "the right thyroid lobe"), a side word elsewhere in the clause ("kidney, left"; "on the right" for an
 * organless lesion), or the carried subject's side. Left and right in one clause about one subject = bilateral. A
 * paired composite with one side becomes that side's organ ("lung" + "right" -> lung_right).
 */
export function sided(ctx: ClauseContext, organ: string | null, mention?: Mention): { organ: string | null; side?: ClaimSide } {
  const own = organ === null ? undefined : structureOrNull(organ)?.laterality;
  if (own === 'left' || own === 'right') return { organ, side: own };
  let side: ClaimSide | undefined = mention?.side ?? ctx.organs.find((m) => m.organ === organ && m.side !== undefined)?.side;
  if (side === undefined) {
    const words = new Set(ctx.sides.map((s) => s.side));
    side = words.has('bilateral') || (words.has('left') && words.has('right')) ? 'bilateral' : ctx.sides[0]?.side;
  }
  if (side === undefined && ctx.carried !== null && (organ === null || organ === ctx.carried.organ)) side = ctx.carried.side;
  if (side === undefined) return { organ };
  if (organ !== null && side !== 'bilateral' && COMPOSITE_SIDES[organ] !== undefined) return { organ: COMPOSITE_SIDES[organ]![side], side };
  return { organ, side };
}

/** Locations (segments, lobes, parts) the clause names inside `organ`. */
export function locationsOf(ctx: ClauseContext, organ: string | null): ClaimLocation[] {
  return ctx.mentions
    .filter((m) => m.role === 'location' && m.location && (m.organ === null || organ === null || m.organ === organ || organ.startsWith(m.organ) || m.organ.startsWith(organ)))
    .map((m) => m.location!);
}

/** The claim skeleton every extractor fills: side resolved, organ recorded as claimed. */
export function baseClaim(ctx: ClauseContext, state: ExtractionState, kind: ClaimKind, negated: boolean, organ: string | null, extra: Partial<Claim> = {}, mention?: Mention): Claim {
  const s = sided(ctx, organ, mention);
  if (s.organ !== null) state.claimed.add(s.organ);
  const { side: extraSide, ...rest } = extra;
  const side = extraSide ?? s.side;
  return { kind, negated, organ: s.organ, ...(side ? { side } : {}), locations: [], numbers: [], text: ctx.text, ...rest };
}

/** The organ a lesion word belongs to: an organ-bearing lesion phrase, else the organ mention nearest to it, else the carried subject. */
export function organNear(ctx: ClauseContext, at: number): Mention | null {
  const withOrgan = ctx.organs.filter((m) => m.organ !== null && !isLandmark(ctx.text, m));
  const lesion = withOrgan.find((m) => m.role === 'lesion');
  let picked = lesion ?? nearest(withOrgan, at);
  if (picked === undefined) return null;
  // The same organ named with its side elsewhere ("subpleural nodules ... in both lungs") gives the side.
  if (picked.side === undefined) picked = withOrgan.find((m) => m.organ === picked!.organ && m.side !== undefined) ?? picked;
  // A more specific mention of the same organ wins: "subpleural nodule ... right lung middle lobe" is the right lung.
  const specific = withOrgan.filter((m) => m !== picked && m.organ !== picked.organ && organsRelated(m.organ!, picked.organ!) && structureOrNull(m.organ!) !== null && ancestors(m.organ!).includes(picked.organ!));
  return specific.length === 1 && picked.side === undefined ? specific[0]! : picked;
}

/**
 * A structure named as a landmark beside the finding, not as its organ: "on the left side of the sixth cervical
 * vertebra", "adjacent to the major fissure", "at the level of the celiac trunk".
 */
export function isLandmark(text: string, m: Mention): boolean {
  return /\b(?:(?:side|sides|vicinity|neighbou?rhood|margin|edge|surface)\s+of|(?:adjacent|next|close|lateral|medial|anterior|posterior|superior|inferior|cranial|caudal)\s+to|beside|near)\s+(?:the\s+)?(?:\w+\s+){0,2}$/i.test(text.slice(Math.max(0, m.start - 50), m.start));
}

/** The clause's numbers per organ (attribute-numbers.ts); with no organ anchor, every number is the clause's. */
export function numbersOf(ctx: ClauseContext, organ: string): RawNumber[] {
  return ctx.byOrgan.get(organ) ?? (ctx.byOrgan.size === 0 ? [...ctx.numbers] : []);
}

function lesionWordsOf(text: string, interp: Interpretation, history: readonly Span[], mentions: readonly Mention[]): LesionWord[] {
  const words: LesionWord[] = lesionCues(text)
    .filter((c) => !isBackReference(text, c) && !inSpan(history, c.start))
    .filter((c) => !(isDensityPhrase(text.slice(c.start, c.end)) && densityNotALesion(text, c, interp)))
    .map((c) => ({ type: c.value, start: c.start, end: c.end, interpretive: interp.at !== null && c.start >= interp.at, word: text.slice(c.start, c.end) }));
  // An organ-bearing lesion phrase ("renal cyst") is a lesion word too, unless a cue already covers it.
  for (const m of mentions.filter((x) => x.role === 'lesion')) {
    if (words.some((w) => w.start < m.end && w.end > m.start)) continue;
    if (isBackReference(text, m) || inSpan(history, m.start)) continue;
    words.push({ type: m.lesionType ?? 'lesion', start: m.start, end: m.end, interpretive: interp.at !== null && m.start >= interp.at, word: text.slice(m.start, m.end) });
  }
  return words.sort((a, b) => a.start - b.start);
}

export function clauseContext(text: string, carried: Carried | null, negation: (clause: string) => NegationScope[] = negationScopes): ClauseContext {
  const stages = stageCues(text, STAGING_CONTEXT.test(text));
  const allNumbers = findNumbers(text);
  const { mentions, sides } = findMentions(text, [...stages, ...allNumbers]);
  const organs = mentions.filter((m) => m.role === 'organ' || m.role === 'location' || m.role === 'lesion' || m.role === 'bone');
  const numbers = measuredNumbers(text);
  const interp = interpretation(text);
  const history = historySpans(text);
  const sizes = sizeCues(text);
  // A bare "steatosis" belongs to the organ named nearest to it (the liver when none is named).
  const steatoses = steatosisCues(text).map((s) => ({ ...s, organ: s.value ?? nearest(organs.filter((m) => m.organ !== null && m.role !== 'location'), s.start)?.organ ?? 'liver' }));
  // The second organ of an "A-to-B" ratio ("pancreas-to-spleen attenuation ratio 0.89 (40 HU versus 45 HU)") is
  // the ratio's reference, not the subject of the numbers after it.
  const ratioReference = (m: Mention) => /-to-$/i.test(text.slice(Math.max(0, m.start - 4), m.start));
  const anchors: OrganAnchor[] = [
    ...organs.filter((m) => m.organ !== null && (m.role === 'organ' || m.role === 'location' || m.role === 'bone') && !ratioReference(m)).map((m) => ({ organ: m.role === 'location' ? `location:${m.canonical}` : m.organ!, start: m.start, end: m.end })),
    ...mentions.filter((m) => m.role === 'vessel').map((m) => ({ organ: m.canonical, start: m.start, end: m.end })),
    ...sizes.flatMap((s) => (s.value.organs ?? []).map((organ) => ({ organ, start: s.start, end: s.end }))),
    ...steatoses.map((s) => ({ organ: s.organ, start: s.start, end: s.end })),
  ];
  return {
    text,
    mentions,
    sides,
    organs,
    numbers,
    scopes: negation(text),
    interpretation: interp,
    history,
    lesionWords: lesionWordsOf(text, interp, history, mentions),
    stages,
    sizes,
    steatoses,
    carried,
    byOrgan: attributeNumbers(text, numbers, anchors),
  };
}
