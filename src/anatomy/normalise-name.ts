import { ALIASES, SIDED_BASE_ALIASES, nameKey } from './aliases.ts';
import { allStructures, structureOrNull } from './catalogue.ts';
import { lesionClassFor } from './lesions.ts';
import {
  FILLER_WORDS,
  GLUED_SIDE_AFFIXES,
  couinaudSegment,
  lesionPhrase,
  marginVolumeNote,
  ribOf,
  sideOfToken,
  tokenise,
  vertebraLevel,
  type Side,
} from './name-patterns.ts';
import type { LesionType, MatchedBy, NormalisedName } from './types.ts';

/**
 * Raw structure name -> canonical catalogue name.
 *
 * Order: (1) exact: the name's key (case, spaces, hyphens, underscores, dots and brackets ignored) is a canonical
 * name's key; (2) radiotherapy margin volumes (CTV/ITV/PTV/PRV, "Lungs-GTV") are kept unknown on purpose, with a
 * note; (3) alias: the key is in ALIASES; (4) pattern: sides, vertebrae, ribs, Couinaud segments, then lesion
 * phrases; (5) none. Unknown names are returned with canonical null, never dropped: callers keep and report them.
 *
 * Decisions worth knowing:
 * - GTV is the gross (visible) tumour, so it is a lesion ('GTV-1' -> 'lesion', type tumour; 'GTVn' ->
 *   'lymph_node'). CTV/ITV/PTV/PRV include margins and are NOT lesions.
 * - Bare 'S1' is both Couinaud segment 1 and the S1 vertebra: canonical null with both as candidates. 'S2'-'S8'
 *   are Couinaud segments (TotalSegmentator has no S2-S5 vertebra classes).
 * - 'portal vein' and 'splenic vein' map to TotalSegmentator's one class portal_vein_and_splenic_vein.
 * - A lesion word without an organ ('tumor', 'cyst', KiTS/MSD labels) maps to the generic 'lesion', which the
 *   measure stage attaches to the organ it overlaps. With an organ that has no lesion class ('colon cancer') it is
 *   also 'lesion', with organHint.
 * - A sided structure named without its side ('femur') is ambiguous: candidates left and right.
 */

interface Hit {
  readonly canonical: string | null;
  readonly matchedBy: MatchedBy;
  readonly candidates?: readonly string[];
}

function keyIndex(entries: Iterable<readonly [string, string]>, what: string): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  for (const [name, target] of entries) {
    const key = nameKey(name);
    const previous = index.get(key);
    // Two spellings with one key must agree; a conflict is a bug in the tables.
    if (previous !== undefined && previous !== target) throw new Error(`anatomy ${what}: '${name}' maps to both '${previous}' and '${target}'`);
    index.set(key, target);
  }
  return index;
}

const CANONICAL_BY_KEY = keyIndex(allStructures().map((s) => [s.name, s.name] as const), 'canonical names');
const ALIAS_BY_KEY = keyIndex(Object.entries(ALIASES), 'aliases');

interface SidedBase {
  left?: string;
  right?: string;
  /** The structure for both sides: one named `base` itself (kidney_cyst, lung), or the composite of the pair. */
  both?: string;
}

/** base key -> its sided members, from the catalogue's `<base>_left` / `<base>_right` names plus SIDED_BASE_ALIASES. */
const SIDED_BASES: ReadonlyMap<string, SidedBase> = (() => {
  const byBase = new Map<string, SidedBase>();
  for (const s of allStructures()) {
    const m = /^(.+)_(left|right)$/.exec(s.name);
    if (!m) continue;
    const entry = byBase.get(m[1]!) ?? {};
    entry[m[2] as 'left' | 'right'] = s.name;
    byBase.set(m[1]!, entry);
  }
  for (const [base, entry] of byBase) {
    const composite = allStructures().find(
      (s) => s.kind === 'composite' && s.members?.length === 2 && s.members.includes(entry.left ?? '') && s.members.includes(entry.right ?? ''),
    );
    entry.both = structureOrNull(base)?.name ?? composite?.name;
  }
  const index = new Map<string, SidedBase>();
  for (const [base, entry] of byBase) index.set(nameKey(base), entry);
  for (const [alias, base] of Object.entries(SIDED_BASE_ALIASES)) {
    const entry = byBase.get(base);
    if (entry === undefined) throw new Error(`anatomy SIDED_BASE_ALIASES: '${alias}' names unknown base '${base}'`);
    index.set(nameKey(alias), entry);
  }
  return index;
})();

function fromKey(key: string): Hit | null {
  const exact = CANONICAL_BY_KEY.get(key);
  if (exact !== undefined) return { canonical: exact, matchedBy: 'exact' };
  const alias = ALIAS_BY_KEY.get(key);
  if (alias !== undefined) return { canonical: alias, matchedBy: 'alias' };
  return null;
}

function pattern(canonical: string | null | undefined): Hit | null {
  return canonical != null && structureOrNull(canonical) !== null ? { canonical, matchedBy: 'pattern' } : null;
}

function sidedHit(entry: SidedBase | undefined, side: Side | undefined): Hit | null {
  if (entry === undefined) return null;
  if (side === 'left' || side === 'right') return pattern(entry[side]);
  if (entry.both !== undefined) return pattern(entry.both);
  const candidates = [entry.left, entry.right].filter((n): n is string => n !== undefined);
  return { canonical: null, matchedBy: 'none', candidates };
}

/** Level rules on one key: vertebrae and Couinaud segments. */
function levelRules(key: string): Hit | null {
  const segment = couinaudSegment(key);
  const vertebra = vertebraLevel(key);
  if (segment?.bare && segment.segment === 1 && vertebra !== null) {
    return { canonical: null, matchedBy: 'none', candidates: ['liver_segment_1', 'vertebrae_S1'] };
  }
  if (segment !== null) return pattern(`liver_segment_${segment.segment}`);
  if (vertebra !== null && (vertebra.explicit || !vertebra.level.startsWith('S'))) return pattern(`vertebrae_${vertebra.level}`);
  return null;
}

/** Side words anywhere in the tokens, or glued to the key's ends. */
function sidedRule(tokens: readonly string[]): Hit | null {
  const sides = tokens.map(sideOfToken).filter((s): s is Side => s !== undefined);
  const rest = tokens.filter((t) => sideOfToken(t) === undefined);
  if (sides.length === 1 && rest.length > 0) return sidedHit(SIDED_BASES.get(rest.join('')), sides[0]);
  if (sides.length > 0) return null;
  const key = tokens.join('');
  for (const [affix, side] of GLUED_SIDE_AFFIXES) {
    const bases = [key.startsWith(affix) ? key.slice(affix.length) : '', key.endsWith(affix) ? key.slice(0, -affix.length) : ''];
    for (const base of bases) {
      const hit = base.length > 2 ? sidedHit(SIDED_BASES.get(base), side) : null;
      if (hit?.canonical) return hit;
    }
  }
  return sidedHit(SIDED_BASES.get(key), undefined);
}

/** Structure (non-lesion) resolution of a token list; retried once without filler words. */
function resolveStructure(tokens: readonly string[], allowFillerRetry = true): Hit | null {
  if (tokens.length === 0) return null;
  const key = tokens.join('');
  const rib = ribOf(tokens);
  const hit = fromKey(key) ?? levelRules(key) ?? (rib === null ? null : pattern(`rib_${rib.side}_${rib.number}`)) ?? sidedRule(tokens);
  if (hit !== null || !allowFillerRetry) return hit;
  const stripped = tokens.filter((t) => !FILLER_WORDS.has(t));
  if (stripped.length === tokens.length) return null;
  const retry = resolveStructure(stripped, false);
  return retry === null ? null : { ...retry, matchedBy: retry.canonical === null ? 'none' : 'pattern' };
}

/** Lesion phrases: 'liver tumor', 'left renal cyst', 'GTV_Mass', 'HCC', 'lymph node metastasis'. */
function resolveLesion(raw: string, tokens: readonly string[]): NormalisedName | null {
  const phrase = lesionPhrase(tokens);
  if (phrase === null) return null;
  const { lesionType } = phrase;
  if (phrase.nodal) return { canonical: 'lymph_node', raw, matchedBy: 'pattern', lesionType: 'metastasis' };
  const organTokens = phrase.organTokens.length > 0 ? phrase.organTokens : phrase.acronymOrgan !== undefined ? [phrase.acronymOrgan] : [];
  if (organTokens.length === 0) return { canonical: 'lesion', raw, matchedBy: 'pattern', lesionType };
  const organ = resolveStructure(organTokens);
  const organs = organ === null ? [] : organ.canonical !== null ? [organ.canonical] : (organ.candidates ?? []);
  if (organs.length === 0) return null;
  if (organs.every((o) => structureOrNull(o)?.kind === 'lymph_node')) {
    return { canonical: 'lymph_node', raw, matchedBy: 'pattern', lesionType };
  }
  const classes = new Set(organs.map((o) => lesionClassFor(o, lesionType)));
  const [only] = classes;
  if (classes.size === 1 && only != null) return { canonical: only, raw, matchedBy: 'pattern', lesionType };
  if (organs.length === 1) return { canonical: 'lesion', raw, matchedBy: 'pattern', lesionType, organHint: organs[0] };
  return { canonical: 'lesion', raw, matchedBy: 'pattern', lesionType };
}

function withLesionType(raw: string, hit: Hit, tokens: readonly string[]): NormalisedName {
  const stated: LesionType | undefined = lesionPhrase(tokens)?.lesionType;
  const ownType = hit.canonical === null ? undefined : structureOrNull(hit.canonical)?.lesionType;
  const lesionType = stated ?? ownType;
  return {
    canonical: hit.canonical,
    raw,
    matchedBy: hit.canonical === null ? 'none' : hit.matchedBy,
    ...(lesionType !== undefined ? { lesionType } : {}),
    ...(hit.candidates !== undefined ? { candidates: hit.candidates } : {}),
  };
}

/**
 * Maps a raw structure name (from a label map, a mask file name, an RTSTRUCT ROI or a dataset's label list) to
 * its canonical catalogue name. Never throws; an unknown name comes back with canonical null and matchedBy
 * 'none' so callers keep it and report it.
 *
 * @example normaliseName('Kidney (L)')  // { canonical: 'kidney_left', matchedBy: 'pattern', raw: 'Kidney (L)' }
 * @example normaliseName('GTV_Mass')    // { canonical: 'lesion', matchedBy: 'pattern', lesionType: 'mass', ... }
 */
export function normaliseName(raw: string): NormalisedName {
  const tokens = tokenise(raw);
  const key = tokens.join('');
  const exact = CANONICAL_BY_KEY.get(key);
  if (exact !== undefined) return withLesionType(raw, { canonical: exact, matchedBy: 'exact' }, tokens);

  const note = marginVolumeNote(raw, tokens);
  if (note !== undefined) return { canonical: null, raw, matchedBy: 'none', note };

  const structure = resolveStructure(tokens);
  if (structure?.canonical) return withLesionType(raw, structure, tokens);

  const lesion = resolveLesion(raw, tokens);
  if (lesion !== null) return lesion;

  if (structure !== null) return withLesionType(raw, structure, tokens);
  return { canonical: null, raw, matchedBy: 'none' };
}
