import type { Finding } from '../findings/index.ts';
import { VERTEBRA_LEVELS } from '../measure/vertebral-level.ts';
import { inScope, interpretation, lesionCues, negationScopes, type NegationScope } from './cues.ts';
import type { ClaimMatch, ErrorType, NumericComparison, UnverifiableReason } from './match-types.ts';
import { claimNumber, measuredNumbers, type RawNumber } from './numbers.ts';
import type { ReferenceIndex } from './reference.ts';
import { withinTolerance } from './tolerances.ts';
import type { CalibreClass, Claim, ClaimNumber, ClaimSide, MeasureKind, RoutineClaimDetail, SeverityWord } from './types.ts';

/**
 * Claims about the routine measurements (issue 16), read from a clause and checked against their findings:
 *   "The infrarenal abdominal aorta is aneurysmal, 3.4 cm."   -> vessel_calibre, section infrarenal, 34 mm
 *   "Normal calibre of the ascending aorta (3.2 cm), aortic arch (3.1 cm)" -> one claim per section
 *   "Moderate centrilobular emphysema." / "No emphysema"     -> emphysema (severity, LAA-950 %)
 *   "L1 compression fracture." / "Vertebral body heights are preserved." -> vertebral_fracture (levels, grade)
 *   "Osteopenia." / "L1 trabecular attenuation 95 HU"        -> bone_density
 *   "Arterial phase." / "on non-contrast CT"                  -> contrast_phase
 *   "Moderate coronary artery calcification (Agatston 245)"  -> calcification (coronary or aortic)
 *   "Left renal stone, 8 mm." / "No renal calculi"           -> kidney_stone
 *   "Stanford type B aortic dissection"                       -> dissection
 * The numbers such a claim states are its own: parse-claims.ts blanks them before the one-study kinds read the
 * clause (a stone's 8 mm is not the kidney's length, "-950 HU" not the lungs' attenuation).
 * Written as one extractor in its own file, registered in types.ts (kinds), parse-claims.ts (one call) and
 * match-claim.ts (one case), so that the claim parser's restructuring (one extractor per kind, issue 13) can take
 * it as it is.
 */

type Span = readonly [number, number];

export interface RoutineRead {
  readonly claims: Claim[];
  /** Spans of the numbers the claims use (or that are thresholds of their criteria): blanked for the other kinds. */
  readonly spans: Span[];
}

interface Hit<T> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

function hits<T>(text: string, re: RegExp, value: (m: RegExpExecArray) => T | null): Hit<T>[] {
  const out: Hit<T>[] = [];
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (let m = g.exec(text); m !== null; m = g.exec(text)) {
    const v = value(m);
    if (v !== null) out.push({ value: v, start: m.index, end: m.index + m[0].length });
    if (m[0].length === 0) g.lastIndex++;
  }
  return out;
}

const gap = (a: { start: number; end: number }, b: { start: number; end: number }) => (a.start >= b.end ? a.start - b.end : b.start >= a.end ? b.start - a.end : 0);
function nearestTo<T extends { start: number; end: number }>(items: readonly T[], at: { start: number; end: number }): T | undefined {
  return items.reduce<T | undefined>((best, x) => (best === undefined || gap(x, at) < gap(best, at) ? x : best), undefined);
}

const SEVERITY: readonly (readonly [RegExp, SeverityWord])[] = [
  [/\b(?:mild|minimal|minor|slight|trace|small|discrete|few)\b/i, 'mild'],
  [/\bmoderate\b/i, 'moderate'],
  [/\b(?:severe|marked|extensive|advanced|pronounced|heavy|dense|prominent)\b/i, 'severe'],
];
function severityHits(text: string): Hit<SeverityWord>[] {
  return SEVERITY.flatMap(([re, v]) => hits(text, re, () => v));
}

function number(n: RawNumber, kind: MeasureKind, index = 0): ClaimNumber {
  return claimNumber(n, kind, index);
}

/** "12 %" -> a percent number (the numbers module reads units of length, volume, HU and angle only). */
function percents(text: string): { n: ClaimNumber; start: number; end: number }[] {
  return hits(text, /(?<![\w.])(\d+(?:[.,]\d+)?)\s*(?:%|per ?cent\b)/i, (m) => m).map((h) => {
    const written = h.value[1]!;
    const decimals = /[.,](\d+)$/.exec(written)?.[1]?.length ?? 0;
    return { n: { kind: 'percent' as const, value: Number(written.replace(',', '.')), unit: '%' as const, roundingHalfStep: 0.5 * 10 ** -decimals, raw: h.value[0] }, start: h.start, end: h.end };
  });
}

/** Words before a number that make it a limit ("at or above the 3.0 cm limit", "from 5 %"), not a measurement. */
const LIMIT_BEFORE = /(?:\b(?:above|below|over|under|up\s+to|less\s+than|more\s+than|at\s+or\s+(?:above|below)|from|limit(?:\s+of)?|threshold(?:\s+of)?|cut-?off(?:\s+of)?|the|perpendicular|of\s+or\s+more)|[<>≤≥]=?)\s*$/i;
const LIMIT_AFTER = /^\s*(?:limit|threshold|criterion|cut-?off|or more)\b/i;
function isLimit(text: string, start: number, end: number): boolean {
  return LIMIT_BEFORE.test(text.slice(Math.max(0, start - 30), start)) || LIMIT_AFTER.test(text.slice(end, end + 20));
}

/** "osteoporosis is unlikely", "dissection is excluded": a denial after the cue that the negation cues do not cover. */
function deniedAfter(text: string, end: number): boolean {
  return /^[^.;:]{0,20}?\b(?:unlikely|excluded|ruled\s+out)\b/i.test(text.slice(end));
}

/**
 * Whether a cue is denied: a negation scope covers it or begins inside it ("diameter is not normal"), a denial
 * follows it ("... is unlikely"), or it names the interpretation of an observation that is denied ("No dense shadow
 * in the renal pelvis, considered calculus": the interpretive tail stands or falls with the observation).
 */
function negatedAt(text: string, scopes: readonly NegationScope[], cue: { start: number; end: number }): boolean {
  if (inScope(scopes, cue.start) || scopes.some((s) => s.start >= cue.start && s.start < cue.end) || deniedAfter(text, cue.end)) return true;
  const tail = interpretation(text).at;
  return tail !== null && cue.start >= tail && scopes.some((s) => s.start < tail);
}

function base(kind: Claim['kind'], negated: boolean, organ: string | null, text: string, extra: Partial<Claim> = {}): Claim {
  return { kind, negated, organ, locations: [], numbers: [], text, ...extra };
}

// ---------------------------------------------------------------- vessel calibre

const VESSELS: readonly (readonly [RegExp, string, string])[] = [
  // [pattern, organ, section]
  [/\bascending\s+(?:thoracic\s+)?aort(?:a|ic)\b/i, 'aorta', 'ascending_aorta'],
  [/\baortic\s+arch\b|\barch\s+of\s+the\s+aorta\b/i, 'aorta', 'aortic_arch'],
  [/\bdescending\s+(?:thoracic\s+)?aort(?:a|ic)\b/i, 'aorta', 'descending_thoracic_aorta'],
  [/\bsuprarenal\s+(?:abdominal\s+)?aort(?:a|ic)\b/i, 'aorta', 'suprarenal_abdominal_aorta'],
  [/\binfrarenal\s+(?:abdominal\s+)?aort(?:a|ic)\b/i, 'aorta', 'infrarenal_abdominal_aorta'],
  [/\bthoracic\s+aort(?:a|ic)\b/i, 'aorta', 'thoracic'],
  [/\babdominal\s+aort(?:a|ic)\b|\bAAA\b/i, 'aorta', 'abdominal'],
  [/\baort(?:a|ic)\b/i, 'aorta', 'aorta'],
  // Both branches at once ("right-left pulmonary arteries"): no finding measures the branches, so such a claim is read
  // (and its numbers kept off the trunk) but not checked.
  [/\b(?:right\s*(?:-|\/|and)?\s*left|left\s*(?:-|\/|and)?\s*right|both|bilateral)\s+(?:main\s+)?pulmonary\s+arter(?:y|ies)\b/i, 'pulmonary_artery', 'pulmonary_branches'],
  [/\b(?:main\s+)?pulmonary\s+(?:artery|trunk)\b/i, 'pulmonary_artery', 'pulmonary_artery'],
  [/\bleft\s+(?:common\s+)?iliac\s+artery\b/i, 'iliac_artery_left', 'iliac_artery_left'],
  [/\bright\s+(?:common\s+)?iliac\s+artery\b/i, 'iliac_artery_right', 'iliac_artery_right'],
  // Both iliac arteries: the left member with side bilateral, as the claim vocabulary writes a pair without a composite.
  [/\b(?:(?:both|bilateral)\s+)?(?:common\s+)?iliac\s+arter(?:y|ies)\b/i, 'iliac_artery_left', 'iliac'],
];

/** Sections each named part covers, as the vessel finding ids' middle part. */
export const VESSEL_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  ascending_aorta: ['aorta.ascending_aorta'],
  aortic_arch: ['aorta.aortic_arch'],
  descending_thoracic_aorta: ['aorta.descending_thoracic_aorta'],
  suprarenal_abdominal_aorta: ['aorta.suprarenal_abdominal_aorta'],
  infrarenal_abdominal_aorta: ['aorta.infrarenal_abdominal_aorta'],
  thoracic: ['aorta.ascending_aorta', 'aorta.aortic_arch', 'aorta.descending_thoracic_aorta'],
  abdominal: ['aorta.suprarenal_abdominal_aorta', 'aorta.infrarenal_abdominal_aorta'],
  aorta: ['aorta.ascending_aorta', 'aorta.aortic_arch', 'aorta.descending_thoracic_aorta', 'aorta.suprarenal_abdominal_aorta', 'aorta.infrarenal_abdominal_aorta'],
  pulmonary_artery: ['pulmonary_artery'],
  iliac_artery_left: ['iliac_artery_left.iliac_artery_left'],
  iliac_artery_right: ['iliac_artery_right.iliac_artery_right'],
  iliac: ['iliac_artery_left.iliac_artery_left', 'iliac_artery_right.iliac_artery_right'],
};

const CALIBRE_CUES: readonly (readonly [RegExp, CalibreClass])[] = [
  [/\baneurysm(?:al|atic|s)?\b|\bAAA\b/i, 'aneurysmal'],
  [/\b(?:dilat(?:ed|ation|ion)|ectatic|ectasia|enlarged|enlargement|widened|widening)\b|\b(?:wider|larger|greater)\s+than\s+(?:the\s+)?normal\b|\babove\s+(?:the\s+)?(?:upper\s+limit\s+of\s+)?normal\b/i, 'dilated'],
  [/\bnormal\s+(?:in\s+)?(?:calib(?:re|er|ration)|diameters?|widths?|size)\b|\b(?:calib(?:re|er|ration)|diameters?|widths?)\b[^.;]*?(?<!\b(?:than|above|of)\s+(?:the\s+)?)\b(?:normal|natural|within normal limits)\b|\b(?:is|are)\s+(?:of\s+)?normal\b/i, 'normal'],
];

/** Dissection, calcification and plaque words: a clause about them is not a calibre statement by "normal". */
const NOT_CALIBRE = /\b(?:dissection|calcif\w*|plaques?|atherom\w*|atheroscl\w*|stent\w*|flap|lumen)\b/i;

function vesselMentions(text: string): Hit<{ organ: string; section: string }>[] {
  const taken: Span[] = [];
  const out: Hit<{ organ: string; section: string }>[] = [];
  for (const [re, organ, section] of VESSELS) {
    for (const h of hits(text, re, () => ({ organ, section }))) {
      if (taken.some(([a, b]) => h.start < b && h.end > a)) continue;
      // "right/left pulmonary artery" is a branch, not the trunk.
      if (section === 'pulmonary_artery' && /\b(?:right|left)\s+$/i.test(text.slice(Math.max(0, h.start - 7), h.start))) continue;
      taken.push([h.start, h.end]);
      out.push(h);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The first vessel part a text names ('ascending_aorta', 'abdominal', 'pulmonary_artery', ...), for questions too. */
export function namedVessel(text: string): { readonly organ: string; readonly section: string } | null {
  return vesselMentions(text)[0]?.value ?? null;
}

/** A vessel's numbers are not blanked: the one-study reader gives them to the same vessel (an organ_size claim of the aorta). */
function readVessels(text: string, scopes: readonly NegationScope[], numbers: readonly RawNumber[]): Claim[] {
  const vessels = vesselMentions(text);
  if (vessels.length === 0) return [];
  const cues = CALIBRE_CUES.flatMap(([re, cls]) => hits(text, re, () => cls)).filter((c) => !(c.value === 'normal' && NOT_CALIBRE.test(text)));
  const sizes = numbers.filter((n) => n.what === 'size' && n.values.length === 1 && !isLimit(text, n.start, n.end));
  if (cues.length === 0 && sizes.length === 0) return [];
  // A number belongs to the nearest vessel before it ("ascending aorta (3.2 cm), aortic arch (3.1 cm)"), else the first;
  // with "respectively" and as many numbers as vessels, they pair in order ("the trunk and the branches ... 33 and 27 mm, respectively").
  const numbersOf = new Map<number, RawNumber[]>();
  const paired = /\brespectively\b/i.test(text) && vessels.length > 1 && sizes.length === vessels.length;
  if (paired) sizes.forEach((n, i) => numbersOf.set(i, [n]));
  for (const n of paired ? [] : sizes) {
    const before = vessels.filter((v) => v.end <= n.start);
    const owner = before.length > 0 ? before[before.length - 1]! : vessels[0]!;
    const i = vessels.indexOf(owner);
    numbersOf.set(i, [...(numbersOf.get(i) ?? []), n]);
  }
  return vessels.flatMap((v, i) => {
    const cue = nearestTo(cues, v);
    const nums = numbersOf.get(i) ?? [];
    if (cue === undefined && nums.length === 0) return [];
    const negated = cue !== undefined && negatedAt(text, scopes, cue);
    // "not dilated", "no aneurysm": the vessel is stated not to reach that class.
    const side: ClaimSide | undefined = v.value.section === 'iliac' || v.value.section === 'pulmonary_branches' ? 'bilateral' : v.value.organ === 'iliac_artery_left' ? 'left' : v.value.organ === 'iliac_artery_right' ? 'right' : undefined;
    const detail: RoutineClaimDetail = { section: v.value.section, ...(cue ? { calibre: cue.value } : {}) };
    return [base('vessel_calibre', negated, v.value.organ, text, { ...(side ? { side } : {}), numbers: nums.map((n) => number(n, 'diameterMm')), routine: detail })];
  });
}

// ---------------------------------------------------------------- emphysema

const EMPHYSEMA = /\bemphysema(?:tous)?\b/i;
const NOT_LUNG_EMPHYSEMA = /\b(?:subcutaneous|soft[- ]tissue|mediastinal|surgical|orbital|interstitial)\s+emphysema\b/i;

function readEmphysema(text: string, scopes: readonly NegationScope[], numbers: readonly RawNumber[], spans: Span[]): Claim[] {
  const cue = hits(text, EMPHYSEMA, () => true)[0];
  if (cue === undefined || NOT_LUNG_EMPHYSEMA.test(text)) return [];
  const severity = nearestTo(severityHits(text).filter((s) => gap(s, cue) < 40), cue)?.value;
  const pct = percents(text).filter((p) => !isLimit(text, p.start, p.end) && !/\b(?:right|left)\s*$/i.test(text.slice(Math.max(0, p.start - 8), p.start)));
  const volume = numbers.filter((n) => n.what === 'volume' && /\blungs?\b|\blung volume\b/i.test(text.slice(Math.max(0, n.start - 30), n.start)));
  // Only the emphysema's own numbers are blanked (its %, the -950 HU threshold, the lung volume); a nodule's size in
  // the same clause stays with the nodule.
  for (const n of [...numbers.filter((x) => x.what === 'hu'), ...volume]) spans.push([n.start, n.end]);
  for (const p of percents(text)) spans.push([p.start, p.end]);
  return [
    base('emphysema', negatedAt(text, scopes, cue), 'lung', text, {
      numbers: [...(pct[0] ? [pct[0].n] : []), ...volume.slice(0, 1).map((n) => number(n, 'volumeMl'))],
      routine: severity ? { severity } : {},
    }),
  ];
}

// ---------------------------------------------------------------- vertebrae

const LEVEL_ORDER: readonly string[] = VERTEBRA_LEVELS;
const LEVEL = /\b([CTL])(\d{1,2})\b|\bS1\b/g;
const RANGE = /\b([CTL]\d{1,2}|S1)\s*(?:to|-|–|through)\s*([CTL]\d{1,2}|S1)\b/gi;

function levelsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(RANGE)) {
    const a = LEVEL_ORDER.indexOf(m[1]!.toUpperCase());
    const b = LEVEL_ORDER.indexOf(m[2]!.toUpperCase());
    if (a >= 0 && b >= a) for (let i = a; i <= b; i++) out.add(LEVEL_ORDER[i]!);
  }
  for (const m of text.matchAll(LEVEL)) if (LEVEL_ORDER.includes(m[0].toUpperCase())) out.add(m[0].toUpperCase());
  return [...out];
}

const VERTEBRA_CONTEXT = /\bvertebr\w*|\bspine\b|\bspinal\b|\b(?:[CTL]\d{1,2}|S1)\b/i;
const FRACTURE = /\b(?:compression|wedge|burst|insufficiency|osteoporotic|vertebral(?:\s+body)?)\s+fractures?\b|\bfractures?\b|\bwedge[- ]shaped\b|\bwedging\b|\bheight\s+loss\b|\bloss\s+of\s+(?:(?:vertebral|body|anterior|middle|posterior)\s+)*height\b|\bcollapsed?\b|\bgenant\s+grade\b/i;
const HEIGHTS_NORMAL = /\b(?:vertebral\s+)?(?:body\s+|corpus\s+|corpora\s+)?heights?\b[^.;]*?\b(?:preserved|maintained|normal|natural|intact)\b/i;
const NOT_VERTEBRAL_FRACTURE = /\b(?:rib|ribs|sternum|sternal|clavicle|scapula|pelvic|pelvis|femur|femoral|humerus|sacral)\b/i;

function readFracture(text: string, scopes: readonly NegationScope[], spans: Span[]): Claim[] {
  if (!VERTEBRA_CONTEXT.test(text)) return [];
  const levels = levelsIn(text);
  const heights = HEIGHTS_NORMAL.exec(text);
  const fracture = hits(text, FRACTURE, () => true)[0];
  if (fracture !== undefined && !NOT_VERTEBRAL_FRACTURE.test(text) && (levels.length > 0 || /\bvertebr/i.test(text))) {
    const grade = /\bgenant\s+grade\s+([0-3])\b/i.exec(text);
    const severity = grade !== null ? (['mild', 'mild', 'moderate', 'severe'] as const)[Number(grade[1])] : nearestTo(severityHits(text), fracture)?.value;
    const loss = percents(text).filter((p) => !isLimit(text, p.start, p.end));
    for (const p of percents(text)) spans.push([p.start, p.end]);
    return [base('vertebral_fracture', negatedAt(text, scopes, fracture), 'vertebral_column', text, { numbers: loss.slice(0, 1).map((p) => p.n), routine: { levels, ...(severity ? { severity } : {}) } })];
  }
  if (heights !== null) {
    for (const p of percents(text)) spans.push([p.start, p.end]);
    return [base('vertebral_fracture', true, 'vertebral_column', text, { routine: { levels } })];
  }
  return [];
}

const DENSITY_LOW: readonly (readonly [RegExp, 'osteoporosis' | 'low'])[] = [
  [/\bosteoporo(?:sis|tic)\b/i, 'osteoporosis'],
  [/\bosteopeni(?:a|c)\b|\bdemineral\w*|\b(?:low|reduced|decreased|diminished)\s+bone\s+(?:mineral\s+)?density\b|\bbone\s+(?:mineral\s+)?density\s+(?:is\s+|was\s+)?(?:low|reduced|decreased|diminished)\b/i, 'low'],
];
const DENSITY_NORMAL = /\b(?:bone\s+(?:mineral\s+)?)?densit(?:y|ies)\b[^.;]*?\b(?:normal|natural|preserved)\b|\bnormal\s+bone\s+(?:mineral\s+)?density\b/i;
const NOT_DENSITY = /\bmetasta\w*|\blytic\b|\bdestruct\w*|\bsclero\w*|\bblastic\b|\bfracture/i;

function readDensity(text: string, scopes: readonly NegationScope[], numbers: readonly RawNumber[], spans: Span[]): Claim[] {
  // A number is the bone's attenuation only right after L1 / trabecular / the vertebral body, in a clause naming no
  // lesion (a lesion's HU in a vertebra stays the lesion's).
  const boneHu = numbers.filter((n) => n.what === 'hu' && /\b(?:L1|trabecular|vertebral\s+body|vertebra)\b[^.;]{0,60}$/i.test(text.slice(0, n.start)) && lesionCues(text).length === 0);
  const hu = boneHu.filter((n) => !isLimit(text, n.start, n.end));
  const low = DENSITY_LOW.flatMap(([re, v]) => hits(text, re, () => v))[0];
  const lowUsable = low !== undefined && !(low.value === 'osteoporosis' && /\bosteoporotic\s+(?:compression\s+)?fracture/i.test(text));
  const normal = !lowUsable && VERTEBRA_CONTEXT.test(text) && DENSITY_NORMAL.test(text) && !NOT_DENSITY.test(text);
  if (!lowUsable && !normal && hu.length === 0) return [];
  if (lowUsable && /\bmetasta\w*|\blytic\b|\bdestruct\w*/i.test(text)) return [];
  for (const n of boneHu) spans.push([n.start, n.end]);
  const density = lowUsable ? low!.value : normal ? 'normal' : undefined;
  const negated = lowUsable ? negatedAt(text, scopes, low!) : false;
  return [base('bone_density', negated, 'vertebral_column', text, { numbers: hu.slice(0, 1).map((n) => number(n, 'huMean')), routine: { ...(density ? { density } : {}), levels: levelsIn(text) } })];
}

// ---------------------------------------------------------------- contrast phase

const PHASE_CUES: readonly (readonly [RegExp, string])[] = [
  [/\bnon[- ]?contrast\b|\bunenhanced\b|\bnon[- ]?enhanced\b|\bnative\s+(?:ct|scan|phase|images?|series|acquisition)\b|\bwithout\s+(?:iv\s+|intravenous\s+)?contrast\b|\bno\s+(?:iv\s+|intravenous\s+)?contrast\s+(?:material|medium|agent)?\s*(?:was|is|has been)?\s*(?:given|administered|used)\b|\bnot\s+(?:been\s+)?given\s+(?:iv\s+|intravenous\s+)?contrast\b/i, 'non-contrast'],
  [/\bearly\s+arterial\s+phase\b/i, 'arterial-early'],
  [/\blate\s+arterial\s+phase\b/i, 'arterial-late'],
  [/\barterial\s+phase\b(?!\s+(?:hyper|hypo|iso)?enhanc)/i, 'arterial'],
  [/\b(?:portal[- ]?venous|venous)\s+phase\b/i, 'portal-venous'],
  [/\b(?:delayed|excretory|nephrographic|equilibrium)\s+phase\b/i, 'delayed'],
  [/\bcontrast[- ]enhanced\b|\bwith\s+(?:iv\s+|intravenous\s+)?contrast\b|\bpost[- ]?contrast\b/i, 'contrast-enhanced'],
];

/**
 * A clause states the phase when it names one ("portal venous phase", "the contrast phase is native") or says
 * whether contrast was given; "on non-contrast CT" qualifying another statement is not read as a phase claim.
 */
const STATES_PHASE = /\bphase\b|\bcontrast\s+(?:material|medium|agent)?\s*(?:was|is|has been|were)\s+(?:not\s+)?(?:given|administered|used|injected)\b|\bnot\s+(?:been\s+)?given\s+(?:iv\s+|intravenous\s+)?contrast\b/i;

function readPhase(text: string): Claim[] {
  if (!STATES_PHASE.test(text)) return [];
  for (const [re, phase] of PHASE_CUES) if (re.test(text)) return [base('contrast_phase', false, null, text, { routine: { phase } })];
  return [];
}

// ---------------------------------------------------------------- calcification

const CALCIUM = /\bcalcif\w*|\bcalcium\b|\bcalcified\s+plaques?\b|\batherosclero\w*|\barterioscler\w*|\batherom\w*\s+plaques?/i;
const SCORE = /\b(?:agatston(?:-style)?(?:\s+(?:calcium\s+)?score)?|(?:coronary\s+)?(?:artery\s+)?calcium\s+score|CAC(?:\s+score)?)\s*(?:of|is|was|=|:)?\s*(\d+(?:[.,]\d+)?)(?![\w%]|[.,]\d)/i;

function readCalcification(text: string, scopes: readonly NegationScope[], spans: Span[]): Claim[] {
  const cue = hits(text, CALCIUM, () => true)[0];
  if (cue === undefined) return [];
  const out: Claim[] = [];
  const negated = negatedAt(text, scopes, cue);
  const coronary = /\bcoronar\w*/i.exec(text);
  if (coronary !== null) {
    const score = SCORE.exec(text);
    if (score !== null) {
      const at = score.index + score[0].lastIndexOf(score[1]!);
      spans.push([at, at + score[1]!.length]);
    }
    const severity = nearestTo(severityHits(text), { start: cue.start, end: cue.end })?.value;
    const numbers: ClaimNumber[] = score === null ? [] : [{ kind: 'agatstonScore', value: Number(score[1]!.replace(',', '.')), unit: 'score', roundingHalfStep: 0.5, raw: score[0] }];
    out.push(base('calcification', negated, 'heart', text, { numbers, routine: { region: 'coronary', ...(severity ? { severity } : {}) } }));
  }
  if (/\baort(?:a|ic)\b/i.test(text) && !/\baortic\s+valve\b/i.test(text)) out.push(base('calcification', negated, 'aorta', text, { routine: { region: 'aorta' } }));
  return out;
}

// ---------------------------------------------------------------- kidney stones

const STONE = /\b(?:stones?|calcul(?:us|i)|(?:nephro|uro)?lithiasis|concrements?)\b/i;
const KIDNEY = /\bkidneys?\b|\brenal\b|\bnephro\w*|\bcaly(?:x|ces|ceal)\b|\bpelvicalyceal\b/i;
const NOT_KIDNEY = /\bgall\w*|\bbiliary\b|\bcholedoch\w*|\bbile\b|\bureter\w*|\bbladder\b|\bsalivary\b|\bappendic\w*/i;

function readStones(text: string, scopes: readonly NegationScope[], numbers: readonly RawNumber[], spans: Span[]): Claim[] {
  const cue = hits(text, STONE, () => true)[0];
  if (cue === undefined || !KIDNEY.test(text) || NOT_KIDNEY.test(text)) return [];
  // The stone's size is the size nearest its word; its peak HU is its own too. A kidney's length stays the kidney's.
  const size = nearestTo(numbers.filter((n) => n.what === 'size' && !isLimit(text, n.start, n.end)), cue);
  const sizes = size === undefined ? [] : [size];
  for (const n of [...sizes, ...numbers.filter((x) => x.what === 'hu')]) spans.push([n.start, n.end]);
  const left = /\bleft\b|\bL\s+kidney\b/i.test(text);
  const right = /\bright\b|\bR\s+kidney\b/i.test(text);
  const both = /\bbilateral\w*|\bboth\b/i.test(text) || (left && right);
  const organ = both || (!left && !right) ? 'kidneys' : left ? 'kidney_left' : 'kidney_right';
  const side: ClaimSide | undefined = both ? 'bilateral' : left ? 'left' : right ? 'right' : undefined;
  const count = /\b(?:multiple|several|numerous|two|three|few)\b/i.test(text) || /\b(?:stones|calculi)\b/i.test(text) ? ('multiple' as const) : undefined;
  return [
    base('kidney_stone', negatedAt(text, scopes, cue), organ, text, {
      ...(side ? { side } : {}),
      ...(count ? { count } : {}),
      numbers: sizes.map((n) => number(n, 'diameterMm')),
    }),
  ];
}

// ---------------------------------------------------------------- dissection

const DISSECTION = /\bdissect(?:ion|ed|ing)\b|\bintimal\s+flap\b|\bfalse\s+lumen\b|\bdouble[- ]lumen\w*/i;

function readDissection(text: string, scopes: readonly NegationScope[]): Claim[] {
  const cue = hits(text, DISSECTION, () => true)[0];
  if (cue === undefined) return [];
  if (!/\baort\w*|\bstanford\b|\bdebakey\b|\bfalse\s+lumen\b|\bintimal\s+flap\b/i.test(text)) return [];
  const stanford = /\bstanford\s+(?:type\s+)?([AB])\b|\btype\s+([AB])\s+(?:aortic\s+)?dissection\b/i.exec(text);
  const type = stanford === null ? undefined : ((stanford[1] ?? stanford[2])!.toUpperCase() as 'A' | 'B');
  return [base('dissection', negatedAt(text, scopes, cue), 'aorta', text, { routine: type ? { stanford: type } : {} })];
}

const vesselFamily = (organ: string | null) => (organ === null ? null : organ.startsWith('iliac_arter') ? 'iliac' : organ);

/**
 * A one-study claim a routine claim of the same clause states better: the size of a vessel whose calibre is read
 * ("the abdominal aorta measures 3.4 cm" is its diameter, not its length). Dropped from the clause's claims.
 */
export function supersededByRoutine(routine: RoutineRead, claim: Claim): boolean {
  return claim.kind === 'organ_size' && routine.claims.some((r) => r.kind === 'vessel_calibre' && vesselFamily(r.organ) === vesselFamily(claim.organ));
}

/**
 * The routine measurement claims of one clause (none for most clauses), and the number spans they own.
 *
 * @example readRoutine('The infrarenal abdominal aorta is aneurysmal, 3.4 cm.').claims
 *   // [{ kind: 'vessel_calibre', organ: 'aorta', routine: { section: 'infrarenal_abdominal_aorta', calibre: 'aneurysmal' },
 *   //    numbers: [{ kind: 'diameterMm', value: 34, ... }], negated: false, ... }]
 */
export function readRoutine(text: string, negation: (clause: string) => NegationScope[] = negationScopes): RoutineRead {
  const scopes = negation(text);
  const numbers = measuredNumbers(text);
  const spans: Span[] = [];
  const claims = [
    ...readDissection(text, scopes),
    ...readVessels(text, scopes, numbers),
    ...readEmphysema(text, scopes, numbers, spans),
    ...readFracture(text, scopes, spans),
    ...readDensity(text, scopes, numbers, spans),
    ...readPhase(text),
    ...readCalcification(text, scopes, spans),
    ...readStones(text, scopes, numbers, spans),
  ];
  return { claims, spans: claims.length === 0 ? [] : spans };
}

// ================================================================ matching

const ok = (findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'supported', findingIds, details, numeric });
const bad = (errorType: ErrorType, findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'contradicted', errorType, findingIds, details, numeric });
const unknown = (details: string, findingIds: string[] = [], unverifiable: UnverifiableReason = 'not_assessable'): ClaimMatch => ({ verdict: 'unverifiable', unverifiable, findingIds, details, numeric: [] });
const round = (x: number) => Math.round(x * 10) / 10;

function compare(n: ClaimNumber, measured: number, findingId: string): NumericComparison {
  const absError = Math.abs(n.value - measured);
  return { kind: n.kind, stated: n.value, measured, findingId, absError, relError: measured === 0 ? null : absError / Math.abs(measured), withinTolerance: withinTolerance(n.kind, n.value, measured, n.roundingHalfStep) };
}

/** Numbers against one finding's value per kind; the first out of tolerance contradicts. */
function withNumbers(claim: Claim, f: Finding, valueOf: Partial<Record<MeasureKind, number | undefined>>, supported: ClaimMatch): ClaimMatch {
  const numeric = claim.numbers.flatMap((n) => (valueOf[n.kind] === undefined ? [] : [compare(n, valueOf[n.kind]!, f.id)]));
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${off.kind} ${round(off.stated)} vs measured ${round(off.measured)}`, numeric);
  return { ...supported, numeric };
}

function calibreOf(f: Finding): CalibreClass | null {
  if (f.statement === 'aneurysmal') return 'aneurysmal';
  if (f.statement === 'dilated' || f.statement === 'ectatic' || f.statement === 'enlarged') return 'dilated';
  if (f.statement === 'normal calibre') return 'normal';
  return null;
}
const diameterOf = (f: Finding) => f.values.maxDiameterMm ?? f.values.diameterMm;

function matchVessel(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const section = claim.routine?.section ?? 'aorta';
  const fs = (VESSEL_SECTIONS[section] ?? []).map((id) => ref.get(`${id}.calibre`)).filter((f): f is Finding => f !== undefined);
  if (fs.length === 0) return unknown(`no calibre finding for ${section.replace(/_/g, ' ')}`);
  const ids = fs.map((f) => f.id);
  const stated = claim.routine?.calibre;
  const widest = fs.reduce((a, b) => ((diameterOf(b) ?? 0) > (diameterOf(a) ?? 0) ? b : a));
  const numbersAgainst = (f: Finding, m: ClaimMatch) => withNumbers(claim, f, { diameterMm: diameterOf(f) }, m);
  if (stated === undefined) return claim.numbers.length === 0 ? unknown('nothing checkable in the calibre claim', ids) : numbersAgainst(widest, ok([widest.id], `diameter of ${widest.subject.displayName}`));
  const classes = fs.map((f) => ({ f, c: calibreOf(f) }));
  const known = classes.every((x) => x.c !== null);
  const saysNormal = stated === 'normal' ? !claim.negated : claim.negated;
  if (saysNormal) {
    // "no aneurysm" allows a dilated (ectatic) segment; "normal calibre" / "not dilated" does not.
    const limit = stated === 'aneurysmal' ? ['aneurysmal'] : ['aneurysmal', 'dilated'];
    const wide = classes.filter((x) => x.c !== null && limit.includes(x.c));
    if (wide.length > 0) return bad('negated_present', wide.map((x) => x.f.id), `${section.replace(/_/g, ' ')} stated ${stated === 'aneurysmal' ? 'without aneurysm' : 'of normal calibre'} but ${wide.map((x) => `${x.f.subject.displayName} is ${x.f.statement}`).join(', ')}`);
    if (!known) return unknown(`the calibre of part of ${section.replace(/_/g, ' ')} is not classed`, ids);
    return numbersAgainst(fs.length === 1 ? fs[0]! : widest, ok(ids, `${section.replace(/_/g, ' ')} of normal calibre, as in the reference`));
  }
  const same = classes.filter((x) => x.c === stated || (stated === 'dilated' && x.c === 'aneurysmal'));
  if (same.length > 0) {
    const f = same.reduce((a, b) => ((diameterOf(b.f) ?? 0) > (diameterOf(a.f) ?? 0) ? b : a)).f;
    return numbersAgainst(f, ok([f.id], `${f.subject.displayName} ${f.statement}, as in the reference`));
  }
  const dilated = classes.filter((x) => x.c === 'dilated');
  if (stated === 'aneurysmal' && dilated.length > 0) return bad('wrong_severity', dilated.map((x) => x.f.id), `called aneurysmal but ${dilated.map((x) => `${x.f.subject.displayName} is ${x.f.statement}`).join(', ')}`);
  if (!known) return unknown(`the calibre of part of ${section.replace(/_/g, ' ')} is not classed`, ids);
  return bad('present_absent', ids, `${section.replace(/_/g, ' ')} called ${stated} but the reference has normal calibre`);
}

const GRADE_OF: Readonly<Record<SeverityWord, number>> = { mild: 1, moderate: 2, severe: 3 };

function matchEmphysema(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const f = ref.get('lung.emphysema');
  if (f === undefined) return unknown('emphysema by density was not assessed in the reference');
  const values = { percent: f.values.lowAttenuationPercent, volumeMl: f.values.totalLungVolumeMl };
  const present = f.statement !== 'no emphysema';
  const severity = claim.routine?.severity;
  if (claim.negated) return present ? bad('negated_present', [f.id], `emphysema denied but the reference has ${f.statement} (LAA-950 ${round(f.values.lowAttenuationPercent ?? 0)} %)`) : withNumbers(claim, f, values, ok([f.id], 'no emphysema by density, as in the reference'));
  if (!present) {
    // Mild emphysema that a reader sees can lie below the density threshold; moderate or severe cannot.
    if (severity === 'moderate' || severity === 'severe') return bad('present_absent', [f.id], `${severity} emphysema stated but LAA-950 is ${round(f.values.lowAttenuationPercent ?? 0)} %`);
    return claim.numbers.length > 0 ? withNumbers(claim, f, values, unknown('emphysema below the density threshold is not excluded', [f.id])) : unknown('emphysema below the density threshold is not excluded', [f.id]);
  }
  if (severity !== undefined && !f.statement.startsWith(severity)) return bad('wrong_severity', [f.id], `${severity} emphysema stated but the reference has ${f.statement}`);
  return withNumbers(claim, f, values, ok([f.id], `${f.statement}, as in the reference`));
}

function matchFracture(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const fractures = ref.findings.filter((f) => f.type === 'vertebral_fracture' && f.id !== 'spine.vertebral_heights');
  const heights = ref.get('spine.vertebral_heights');
  const measured = new Set<string>([...((heights?.attributes.levels as string[] | undefined) ?? []), ...fractures.map((f) => String(f.attributes.level))]);
  if (measured.size === 0) return unknown('no vertebral heights in the reference');
  const levels = claim.routine?.levels ?? [];
  const at = levels.length === 0 ? fractures : fractures.filter((f) => levels.includes(String(f.attributes.level)));
  const allMeasured = levels.every((l) => measured.has(l));
  if (claim.negated) {
    if (at.length > 0) return bad('negated_present', at.map((f) => f.id), `heights called preserved but ${at.map((f) => `${f.attributes.level} has a ${f.statement}`).join(', ')}`);
    if (!allMeasured) return unknown(`heights of ${levels.filter((l) => !measured.has(l)).join(', ')} were not measured`, heights ? [heights.id] : [], 'not_in_imaged_part');
    return ok(heights ? [heights.id] : [], 'no vertebral fracture, as in the reference');
  }
  if (at.length === 0) {
    if (levels.length > 0 && fractures.length > 0) return bad('wrong_segment', fractures.map((f) => f.id), `fracture stated at ${levels.join(', ')} but the reference has it at ${fractures.map((f) => f.attributes.level).join(', ')}`);
    if (levels.length > 0 && !allMeasured) return unknown(`heights of ${levels.join(', ')} were not measured`, [], 'not_in_imaged_part');
    return bad('present_absent', heights ? [heights.id] : [], `a vertebral fracture stated but the reference heights are preserved${levels.length ? ` at ${levels.join(', ')}` : ''}`);
  }
  const f = at[0]!;
  const severity = claim.routine?.severity;
  if (severity !== undefined && GRADE_OF[severity] !== f.values.genantGrade) return bad('wrong_severity', [f.id], `${severity} stated but ${f.attributes.level} is Genant grade ${f.values.genantGrade}`);
  return withNumbers(claim, f, { percent: f.values.heightLossPercent }, ok([f.id], `${f.attributes.level} ${f.statement}, as in the reference`));
}

function matchDensity(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const f = ref.findings.find((x) => x.type === 'bone_density');
  if (f === undefined) return unknown('L1 trabecular attenuation was not measured in the reference');
  const values = { huMean: f.values.trabecularHuMean };
  const density = claim.routine?.density;
  if (density === undefined) return withNumbers(claim, f, values, ok([f.id], 'L1 trabecular attenuation as measured'));
  if (f.statement === 'not assessed') return withNumbers(claim, f, values, unknown(`bone density not graded in the reference (${String(f.attributes.reason ?? 'not assessed')})`, [f.id]));
  const saysLow = density === 'normal' ? claim.negated : !claim.negated;
  if (saysLow) {
    if (f.statement === 'osteoporosis unlikely') return bad('present_absent', [f.id], `low bone density stated but L1 is ${round(f.values.trabecularHuMean ?? 0)} HU (${f.statement})`);
    if (density === 'osteoporosis' && f.statement !== 'osteoporosis likely') return unknown(`osteoporosis stated; the reference says ${f.statement}`, [f.id]);
    return withNumbers(claim, f, values, ok([f.id], `${f.statement}, as in the reference`));
  }
  if (f.statement === 'osteoporosis likely') return bad('negated_present', [f.id], `normal bone density stated but L1 is ${round(f.values.trabecularHuMean ?? 0)} HU (${f.statement})`);
  if (f.statement !== 'osteoporosis unlikely') return unknown(`normal density stated; the reference says ${f.statement}`, [f.id]);
  return withNumbers(claim, f, values, ok([f.id], 'bone density normal, as in the reference'));
}

const ENHANCED = new Set(['contrast-enhanced', 'arterial', 'arterial-early', 'arterial-late', 'portal-venous', 'delayed']);
const family = (p: string) => (p.startsWith('arterial') ? 'arterial' : p);

function matchPhase(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const f = ref.get('study.contrast_phase');
  const stated = claim.routine?.phase;
  if (f === undefined || stated === undefined) return unknown('the contrast phase was not estimated in the reference');
  const used = String(f.attributes.phaseUsed ?? f.statement);
  if (used === 'unknown') return unknown('the reference phase is unknown', [f.id]);
  if (f.attributes.phaseSource === 'estimated' && f.attributes.usedByRules !== true) return unknown(`the reference phase is an estimate of low confidence (${f.values.contrastConfidence})`, [f.id]);
  const agree =
    stated === used ||
    (stated === 'contrast-enhanced' && ENHANCED.has(used)) ||
    (used === 'contrast-enhanced' && ENHANCED.has(stated)) ||
    (ENHANCED.has(stated) && ENHANCED.has(used) && family(stated) === family(used));
  return agree ? ok([f.id], `${stated} phase, as in the reference (${used})`) : bad('wrong_phase', [f.id], `${stated} phase stated but the reference phase is ${used}`);
}

function matchCalcification(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const coronary = claim.routine?.region === 'coronary';
  const f = ref.get(coronary ? 'heart.coronary_calcium' : 'aorta.calcium');
  if (f === undefined) return unknown(`${coronary ? 'coronary' : 'aortic'} calcium was not scored in the reference`);
  if (f.statement === 'not assessed') return unknown(`${coronary ? 'coronary' : 'aortic'} calcium not assessed in the reference (${String(f.attributes.reason ?? '')})`, [f.id]);
  const score = f.values.agatstonScore ?? 0;
  const present = score > 0;
  const values = { agatstonScore: f.values.agatstonScore };
  if (claim.negated) {
    if (!present) return withNumbers(claim, f, values, ok([f.id], 'no calcium, as in the reference'));
    // On a heart-region score, calcium may be valvular: a denial of coronary calcium is not contradicted by it.
    if (coronary && f.attributes.region === 'heart') return unknown('calcium in the heart region may lie in valves or the annulus', [f.id]);
    return bad('negated_present', [f.id], `calcium denied but the reference scores ${round(score)}`);
  }
  if (!present) return bad('present_absent', [f.id], `calcification stated but the reference scores 0${coronary ? ' (non-gated; small amounts can be missed)' : ''}`);
  const severity = claim.routine?.severity;
  const band = f.attributes.band;
  if (coronary && severity !== undefined && typeof band === 'string' && band !== severity) return bad('wrong_severity', [f.id], `${severity} stated but the reference band is ${band} (score ${round(score)})`);
  return withNumbers(claim, f, values, ok([f.id], `${f.statement}, as in the reference`));
}

function matchStones(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const targets = claim.organ === 'kidney_left' || claim.organ === 'kidney_right' ? [claim.organ] : ['kidney_left', 'kidney_right'];
  const fs = targets.map((k) => ref.get(`${k}.stones`)).filter((f): f is Finding => f !== undefined);
  if (fs.length === 0) return unknown('kidney stones were not looked for in the reference');
  if (fs.some((f) => f.statement === 'not assessed')) return unknown('kidney stones not assessed in the reference (not a non-contrast scan)', fs.map((f) => f.id));
  const withStones = fs.filter((f) => (f.values.count ?? 0) > 0);
  if (claim.negated) {
    if (withStones.length > 0) return bad('negated_present', withStones.map((f) => f.id), `stones denied but the reference has ${withStones.map((f) => `${f.values.count} in the ${f.subject.displayName}`).join(', ')}`);
    if (fs.length < targets.length) return unknown('one kidney was not assessed', fs.map((f) => f.id), 'not_in_imaged_part');
    return ok(fs.map((f) => f.id), 'no kidney stone, as in the reference');
  }
  if (withStones.length === 0) return fs.length < targets.length ? unknown('one kidney was not assessed', fs.map((f) => f.id), 'not_in_imaged_part') : bad('present_absent', fs.map((f) => f.id), `a stone stated but the reference has none in the ${targets.map((t) => t.replace('kidney_', '') + ' kidney').join(' or ')}`);
  if (claim.side === 'bilateral' && withStones.length < 2) return bad('wrong_side', withStones.map((f) => f.id), `bilateral stones stated but only the ${withStones[0]!.subject.displayName} has one`);
  // The stated size is the largest stone's, in the kidney where it fits best.
  let best: ClaimMatch | undefined;
  for (const f of withStones) {
    const m = withNumbers(claim, f, { diameterMm: f.values.largestSizeMm }, ok([f.id], `${f.values.count} stone(s) in the ${f.subject.displayName}, as in the reference`));
    if (best === undefined || (best.verdict !== 'supported' && m.verdict === 'supported')) best = m;
  }
  return best!;
}

function matchDissection(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const f = ref.get('aorta.dissection');
  if (f === undefined) return unknown('no dissection masks in the reference', [], 'not_in_imaged_part');
  const present = f.statement !== 'no dissection';
  if (claim.negated) return present ? bad('negated_present', [f.id], `dissection denied but the reference has ${f.statement}`) : ok([f.id], 'no dissection, as in the reference');
  if (!present) return bad('present_absent', [f.id], 'a dissection stated but the reference false-lumen mask is empty');
  const stated = claim.routine?.stanford;
  const type = f.attributes.stanford;
  if (stated !== undefined && typeof type === 'string' && type !== stated) return bad('wrong_type', [f.id], `Stanford type ${stated} stated but the reference is type ${type}`);
  return ok([f.id], `${f.statement}, as in the reference`);
}

/** Matches one routine measurement claim against the reference findings (see match-claim.ts for the verdicts; registered in kinds/index.ts). */
export function matchRoutineClaim(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  switch (claim.kind) {
    case 'vessel_calibre':
      return matchVessel(claim, ref);
    case 'emphysema':
      return matchEmphysema(claim, ref);
    case 'vertebral_fracture':
      return matchFracture(claim, ref);
    case 'bone_density':
      return matchDensity(claim, ref);
    case 'contrast_phase':
      return matchPhase(claim, ref);
    case 'calcification':
      return matchCalcification(claim, ref);
    case 'kidney_stone':
      return matchStones(claim, ref);
    case 'dissection':
      return matchDissection(claim, ref);
    default:
      return unknown(`${claim.kind} is not a routine measurement claim`);
  }
}

/** Whether a kind is read and matched here. */
export const ROUTINE_CLAIM_KINDS: ReadonlySet<Claim['kind']> = new Set(['vessel_calibre', 'emphysema', 'vertebral_fracture', 'bone_density', 'contrast_phase', 'calcification', 'kidney_stone', 'dissection']);
