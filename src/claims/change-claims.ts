import type { Finding } from '../findings/index.ts';
import { lesionCues } from './cues.ts';
import { findMentions, organsRelated } from './mentions.ts';
import { claimNumber, cmToMm, measuredNumbers, type RawNumber } from './numbers.ts';
import type { ReferenceIndex } from './reference.ts';
import { withinTolerance } from './tolerances.ts';
import type { Claim, ClaimChange, ClaimNumber, ClaimResponse } from './types.ts';

/**
 * Claims about change since a prior study, and about the RECIST 1.1 response, read from a clause and checked
 * against the follow-up stage's findings ('lesion_change', 'organ_change', 'response'):
 *   "The segment 7 lesion has grown from 2.0 to 2.6 cm."  -> change 'grown', prior 20 mm, now 26 mm
 *   "The pancreatic lesion decreased from 3.1 to 2.2 cm." -> change 'shrunk'
 *   "New 8 mm lesion in segment 4."  /  "No new lesions."  -> change 'new' (denied in the second)
 *   "The left renal cyst is stable." / "unchanged"         -> change 'stable'
 *   "The splenic lesion has resolved" / "is no longer seen" -> change 'disappeared'
 *   "Partial response by RECIST 1.1." / "progressive disease" -> response 'PR' / 'PD'
 * A clause that states a change is read only here: its numbers ("from 2.0 to 2.6 cm") are the two studies'
 * values, which the one-study claim kinds would misread (parse-claims.ts drops their claims for such a clause).
 * Written as a separate extractor so that the claim parser's restructuring (one extractor per kind) can take it
 * as it is.
 */

const RESPONSE_CUES: readonly (readonly [RegExp, ClaimResponse])[] = [
  [/\bnon[- ]?cr\s*\/\s*non[- ]?pd\b|\bnon-complete response \/ non-progressive disease\b/i, 'non-CR/non-PD'],
  [/\bcomplete (?:response|remission)\b/i, 'CR'],
  [/\bpartial (?:response|remission)\b/i, 'PR'],
  [/\bstable disease\b/i, 'SD'],
  [/\bprogressive disease\b|\bdisease progression\b/i, 'PD'],
];
/** A category written as its abbreviation after "RECIST" ("RECIST 1.1: PR"). */
const RECIST_LETTERS = /\brecist(?: ?1\.1)?\b[^.;]*?\b(CR|PR|SD|PD)\b/;
/** RECIST sums: "sum of (target) diameters 45.3 mm", "baseline 61.6 mm". */
const SUM = /\bsum of (?:the )?(?:target )?(?:lesion )?diameters\s*(?:of\s*)?(\d+(?:[.,]\d+)?)\s*(mm|cm)\b/i;
const BASELINE_SUM = /\bbaseline\s*(?:sum\s*)?(?:of\s*)?(\d+(?:[.,]\d+)?)\s*(mm|cm)\b/i;

/** The response claim of a clause: a category in words or letters, or RECIST sums alone. */
function responseClaim(text: string): Claim | null {
  let response: ClaimResponse | undefined;
  let at = -1;
  for (const [re, category] of RESPONSE_CUES) {
    const m = re.exec(text);
    if (m !== null) {
      response = category;
      at = m.index;
      break;
    }
  }
  const letters = response === undefined ? RECIST_LETTERS.exec(text) : null;
  if (letters !== null) {
    response = letters[1] as ClaimResponse;
    at = letters.index;
  }
  const sum = SUM.exec(text);
  const recist = /\brecist\b/i.exec(text);
  if (response === undefined && sum === null && recist === null) return null;
  const baseline = sum === null ? null : BASELINE_SUM.exec(text);
  return {
    kind: 'response',
    negated: at >= 0 && negatedBefore(text, at),
    organ: null,
    locations: [],
    numbers: sum === null ? [] : [number(sum[1]!, sum[2]!, 'diameterMm')],
    ...(baseline === null ? {} : { priorNumbers: [number(baseline[1]!, baseline[2]!, 'diameterMm')] }),
    ...(response === undefined ? {} : { response }),
    text,
  };
}

/** A study before this one, named: "the previous examination", "prior CT", "compared with", "comparative evaluation". */
const PRIOR_STUDY = String.raw`(?:previous|prior|earlier|former|last|old)\s+(?:\w+\s+)?(?:examinations?|exams?|stud(?:y|ies)|ct|scans?|imaging|reviews?|controls?)`;
const COMPARISON = new RegExp(String.raw`\bcompar(?:ed|ative|ison)\b|\b${PRIOR_STUDY}\b`, 'i');
/** A date the comparison names: "2026-03-02", "02.03.2026", "dated 27.05.2020". */
const DATE = /\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b/;

/**
 * Change words. Several may occur in one clause ("reduced effusion ..., a consolidation that has newly
 * appeared"); each kind is read once, the first occurrence wins, and spans of an earlier kind in this list are
 * not read again ('new' comes first: "not seen on the prior" holds "not seen"). Growth and shrinkage words count
 * for a size or number ("increase in size"), never for density, attenuation or aeration, which describe one study.
 */
const CHANGE_CUES: readonly (readonly [RegExp, ClaimChange])[] = [
  [new RegExp(String.raw`\bnew(?:ly)?\b|\b(?:not|cannot be|could not be|was not|were not)\s+(?:be\s+)?(?:seen|visible|present|identified|detected|demonstrated|observed|noted)\s+(?:on|in|at)\s+(?:the\s+|his\s+|her\s+|its\s+)?${PRIOR_STUDY}|\bnot previously (?:seen|visible|present|identified|detected)\b|\bde novo\b|\b(?:has|have|just)\s+appeared\b`, 'gi'), 'new'],
  [/\bno longer (?:seen|visible|identified|present|evident|demonstrated|detected)\b|\b(?:has|have) (?:resolved|disappeared)\b|\bresolved\b|\bdisappeared\b/gi, 'disappeared'],
  [/\bsplit\b|\bfragmented\b/gi, 'split'],
  [/\bmerged\b|\bcoalesced\b/gi, 'merged'],
  [/\b(?:has |have )?(?:grown|grew|increased|enlarged|progressed)\b|\bincrease(?:d)? in (?:the )?(?:size|number|dimensions?|extent)\b|\binterval (?:growth|increase|enlargement)\b|\bgrowing\b|\b(?:larger|bigger) than (?:before|previously|on the prior|on the previous)/gi, 'grown'],
  [/\b(?:has |have )?(?:decreased|reduced|diminished|shrunk|shrank|regressed)\b|\bregression\b|\b(?:decrease|reduction)(?:d)? in (?:the )?(?:size|number|dimensions?|extent)\b|\b(?:reduced|decreased|smaller) (?:size|dimensions?)\b|\binterval (?:decrease|reduction|regression)\b|\bshrinking\b|\bsmaller than (?:before|previously|on the prior|on the previous)/gi, 'shrunk'],
  [/\b(?:size-)?stable\b|\bunchanged\b|\bno (?:significant |interval |appreciable )?(?:size )?(?:change|difference)\b|\b(?:did|does) not (?:show (?:a |any )?)?(?:significant(?:ly)? )?(?:size )?(?:change|differ(?:ence)?)\b|\bnot (?:significantly )?(?:changed|different)\b/gi, 'stable'],
];

/** Words a direction word describes without a change in size: density, attenuation, aeration, wall thickness, ratios. */
const DESCRIPTIVE = /\b(?:densit(?:y|ies)|attenuation|transparency|aeration|lucency|enhancement|intensity|signal|ratio|index|thickness|kyphosis|scoliosis|lordosis|scanning)\b/i;

/** Words that make "enlarged"/"increased" a change rather than a one-study size class ("enlarged spleen"). */
const TEMPORAL = new RegExp(String.raw`\b(?:prior|previous(?:ly)?|since|interval|compared|comparison|baseline|earlier|before|from\s+\d|${PRIOR_STUDY})|\b(?:has|have)\s+(?:been\s+)?\w+ed\b`, 'i');

/** "from 2.0 to 2.6 cm", "7.0 mL to 17 mL": a value on the prior, then now. */
const RANGE = /(?:\bfrom\s+)?(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(mm|cm|ml|cc)?\s+to\s+(\d+(?:[.,]\d+)?)\s*(mm|cm|ml|cc)\b/gi;
const PREVIOUSLY = /\b(?:previously|prior|before|formerly|was)\s*(?:measuring\s+|measured\s+)?\(?(\d+(?:[.,]\d+)?)\s*(mm|cm|ml|cc)\b/i;
/** "2.0 cm on the prior", "(2.0 cm previously)". */
const PRIOR_AFTER = /(\d+(?:[.,]\d+)?)\s*(mm|cm|ml|cc)\s+(?:on the (?:prior|previous|earlier)|previously)\b/i;
const PERCENT = /([+-]?\d+(?:[.,]\d+)?)\s*%/;

/**
 * A change or response word is denied by a negation just before it ("no new lesion", "has not grown", "without
 * interval change"). NegEx's wider scopes (negationScopes in cues.ts) are not used here: "not seen on the prior"
 * and "no longer seen" are themselves the change words.
 */
function negatedBefore(text: string, at: number): boolean {
  return /\b(?:no|not|without|nor|neither|absence of|free of)\b[^,.;:()]{0,25}$/i.test(text.slice(Math.max(0, at - 40), at));
}

function halfStep(written: string, unit: string): number {
  const decimals = /[.,](\d+)$/.exec(written)?.[1]?.length ?? 0;
  const h = 0.5 * 10 ** -decimals;
  return unit === 'cm' ? cmToMm(h) : h;
}

function number(written: string, unit: string, kind: ClaimNumber['kind']): ClaimNumber {
  const v = Number(written.replace(',', '.'));
  const u = unit.toLowerCase();
  return { kind, value: u === 'cm' ? cmToMm(v) : v, unit: u === 'cm' ? 'cm' : u === 'mm' ? 'mm' : u === 'cc' ? 'cc' : 'ml', roundingHalfStep: halfStep(written, u), raw: `${written} ${unit}` };
}

function kindOfUnit(unit: string, shortAxis: boolean): ClaimNumber['kind'] {
  return /ml|cc/i.test(unit) ? 'volumeMl' : shortAxis ? 'shortAxisMm' : 'diameterMm';
}

/** What a clause says about change: its change / response claims and the spans of numbers that are not the current study's. */
export interface ChangeReading {
  readonly claims: Claim[];
  /** [start, end) of the prior study's numbers ("from 2.0" of "from 2.0 to 2.6 cm") and of RECIST sums. */
  readonly foreignSpans: readonly (readonly [number, number])[];
}

/** The change and response claims of one clause; empty when it states neither. */
export function changeClaims(text: string): Claim[] {
  return readChange(text).claims;
}

/**
 * Which one-study claims of the same clause a change reading replaces: a lesion said to be gone is not asserted
 * present, "no new lesion" does not deny lesions, and RECIST sums are not a lesion's size.
 */
export function supersededByChange(reading: ChangeReading, claim: Claim): boolean {
  const lesionLike = claim.kind === 'lesion' || claim.kind === 'lymph_node';
  return reading.claims.some(
    (c) =>
      (c.kind === 'change' && c.change === 'disappeared' && !c.negated && lesionLike) ||
      (c.kind === 'change' && c.change === 'new' && c.negated && lesionLike && claim.negated) ||
      // "New lesion, not seen on the prior": the lesion exists now; the negation is about the prior.
      (c.kind === 'change' && c.change !== 'disappeared' && !c.negated && lesionLike && claim.negated) ||
      (c.kind === 'response' && c.numbers.length > 0 && lesionLike),
  );
}

export function readChange(text: string): ChangeReading {
  const claims: Claim[] = [];
  const foreignSpans: [number, number][] = [];
  const response = responseClaim(text);
  if (response !== null) {
    claims.push(response);
    for (const re of [SUM, BASELINE_SUM]) {
      const m = re.exec(text);
      if (m !== null) foreignSpans.push([m.index, m.index + m[0].length]);
    }
  }
  const comparison = COMPARISON.exec(text);
  // "Comparison: none." / "No prior study available." is a technique line, not a claim about the study.
  if (comparison !== null && !/\bcomparison\s*:\s*(?:none|n\/a|not available)|\bno (?:prior|previous|earlier|comparison)\b/i.test(text)) {
    const date = DATE.exec(text);
    claims.push({ kind: 'comparison', negated: false, organ: null, locations: [], numbers: [], ...(date ? { priorDate: isoDate(date) } : {}), text });
  }
  const cues = changeCues(text, claims.some((c) => c.kind === 'response'));
  if (cues.length === 0) return { claims, foreignSpans };
  const cue = cues[0]!;
  const { mentions } = findMentions(text);
  const organs = mentions.filter((m) => m.organ !== null && (m.role === 'organ' || m.role === 'location' || m.role === 'lesion'));
  const lesionWord = lesionCues(text)[0] ?? mentions.find((m) => m.role === 'lesion');
  const node = mentions.some((m) => m.role === 'node') || /\b(?:lymph )?nodes?\b/i.test(text);
  const target: Claim['changeTarget'] = node ? 'node' : lesionWord !== undefined || cue.change === 'new' || cue.change === 'disappeared' ? 'lesion' : organs.length > 0 ? 'organ' : 'lesion';
  const organ = organs[0]?.organ ?? null;
  const locations = mentions.filter((m) => m.role === 'location' && m.location).map((m) => m.location!);
  const shortAxis = node || /short[- ]axis/i.test(text);
  const priorNumbers: ClaimNumber[] = [];
  const numbers: ClaimNumber[] = [];
  const ranges = [...text.matchAll(RANGE)];
  if (response !== null && SUM.test(text)) {
    // "sum of diameters 45.3 mm ...; one new lesion": the numbers are the response's, not a lesion's.
  } else if (ranges.length > 0) {
    // "from 2.0 to 2.6 cm", "volume 7.0 mL to 17 mL": the first number is the prior study's, the second this one's.
    for (const r of ranges) {
      const unit = r[4]!;
      priorNumbers.push(number(r[1]!, r[2] ?? unit, kindOfUnit(unit, shortAxis)));
      numbers.push(number(r[3]!, unit, kindOfUnit(unit, shortAxis)));
      foreignSpans.push([r.index!, r.index! + r[0].lastIndexOf(' to ')]);
    }
  } else {
    const previously = PREVIOUSLY.exec(text) ?? PRIOR_AFTER.exec(text);
    if (previously !== null) {
      priorNumbers.push(number(previously[1]!, previously[2]!, kindOfUnit(previously[2]!, shortAxis)));
      foreignSpans.push([previously.index, previously.index + previously[0].length]);
    }
    const taken = previously === null ? [] : [[previously.index, previously.index + previously[0].length]];
    const current = measuredNumbers(text).filter((n: RawNumber) => (n.what === 'size' || n.what === 'volume') && !taken.some(([a, b]) => n.start >= a! && n.start < b!));
    for (const n of current) {
      if (n.what === 'volume') numbers.push(claimNumber(n, 'volumeMl'));
      else if (n.values.length >= 2) numbers.push(claimNumber(n, 'longAxisMm', n.values[0]! >= n.values[1]! ? 0 : 1), claimNumber(n, 'shortAxisMm', n.values[0]! >= n.values[1]! ? 1 : 0));
      else numbers.push(claimNumber(n, shortAxis ? 'shortAxisMm' : 'diameterMm'));
    }
  }
  // A lesion that is gone was measured on the prior only: its sizes are the prior's.
  if (cue.change === 'disappeared') priorNumbers.push(...numbers.splice(0));
  const percent = [...text.matchAll(new RegExp(PERCENT, 'g'))].find((m) => !/\b(?:within|up to|below|above|under|over|limit|band|threshold|needs?)\s*\(?\s*$/i.test(text.slice(Math.max(0, m.index! - 20), m.index!))) ?? null;
  claims.push({
    kind: 'change',
    negated: negatedBefore(text, cue.at),
    organ,
    locations,
    numbers,
    change: cue.change,
    changeTarget: target,
    ...(priorNumbers.length > 0 ? { priorNumbers } : {}),
    ...(percent !== null ? { changePercent: Number(percent[1]!.replace(',', '.')) * (cue.change === 'shrunk' && !percent[1]!.startsWith('-') ? -1 : 1) } : {}),
    text,
  });
  // Further change words of the clause: their own claims, without the numbers (which the first one took).
  for (const other of cues.slice(1)) {
    const near = organs.reduce<(typeof organs)[number] | undefined>((best, m) => (best === undefined || Math.abs(m.start - other.at) < Math.abs(best.start - other.at) ? m : best), undefined);
    claims.push({ kind: 'change', negated: negatedBefore(text, other.at), organ: near?.organ ?? null, locations: [], numbers: [], change: other.change, changeTarget: target === 'organ' ? 'lesion' : target, text });
  }
  return { claims, foreignSpans };
}

/**
 * The change words of a clause, in reading order: each kind once, its first occurrence not inside another kind's
 * span. A growth or shrinkage word that describes density or a ratio, or a bare "enlarged"/"decreased" without
 * any word of time, is a one-study description and is skipped.
 */
function changeCues(text: string, hasResponse: boolean): { change: ClaimChange; at: number }[] {
  const taken: [number, number][] = [];
  const out: { change: ClaimChange; at: number }[] = [];
  for (const [re, change] of CHANGE_CUES) {
    for (const m of text.matchAll(re)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const around = text.slice(Math.max(0, start - 30), Math.min(text.length, end + 25));
      if ((change === 'grown' || change === 'shrunk') && DESCRIPTIVE.test(around) && !/\b(?:size|number|dimensions?)\b/i.test(m[0])) continue;
      if (/enlarged|increased|decreased|reduced|progressed/i.test(m[0]) && !/\b(?:has|have)\b/i.test(m[0]) && !TEMPORAL.test(text)) continue;
      // "progressive disease" is the response, not a lesion that progressed.
      if (hasResponse && change === 'grown' && /progress/i.test(m[0])) continue;
      taken.push([start, end]);
      if (!out.some((o) => o.change === change)) out.push({ change, at: start });
      break;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function isoDate(m: RegExpExecArray): string {
  if (m[1] !== undefined) return `${m[1]}-${m[2]}-${m[3]}`;
  return `${m[6]}-${m[5]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`;
}

// ---- matching ----------------------------------------------------------------------------------------------

export interface ChangeMatch {
  readonly verdict: 'supported' | 'contradicted' | 'unverifiable';
  readonly errorType?: 'wrong_change' | 'wrong_response' | 'number_off' | 'negated_present' | 'present_absent';
  readonly findingIds: readonly string[];
  readonly details: string;
  readonly numeric: readonly { kind: ClaimNumber['kind']; stated: number; measured: number; findingId: string; absError: number; relError: number | null; withinTolerance: boolean }[];
}

const STATEMENT: Readonly<Record<string, ClaimChange>> = { grown: 'grown', increased: 'grown', shrunk: 'shrunk', decreased: 'shrunk', stable: 'stable', new: 'new', disappeared: 'disappeared', split: 'split', merged: 'merged' };

function segmentsOf(f: Finding): string[] {
  const s = f.attributes.segments;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}

function compare(n: ClaimNumber, measured: number | undefined, findingId: string) {
  if (measured === undefined) return null;
  const absError = Math.abs(n.value - measured);
  return { kind: n.kind, stated: n.value, measured, findingId, absError, relError: measured === 0 ? null : absError / Math.abs(measured), withinTolerance: withinTolerance(n.kind, n.value, measured, n.roundingHalfStep) };
}

/** The measured value a stated number of a change finding stands for (prior or current). */
function measuredOf(f: Finding, n: ClaimNumber, prior: boolean): number | undefined {
  const v = f.values;
  const p = (k: string) => (prior ? v[`prior${k[0]!.toUpperCase()}${k.slice(1)}`] : v[k]);
  if (n.kind === 'volumeMl') return p('volumeMl');
  if (n.kind === 'shortAxisMm') return p('shortAxisMm');
  return p('longAxisMm') ?? p('shortAxisMm');
}

function numericOf(claim: Claim, f: Finding) {
  const out = [
    ...claim.numbers.map((n) => compare(n, measuredOf(f, n, false), f.id)),
    ...(claim.priorNumbers ?? []).map((n) => compare(n, measuredOf(f, n, true), f.id)),
  ].filter((x) => x !== null);
  const pct = f.values.longAxisChangePercent ?? f.values.shortAxisChangePercent ?? f.values.volumeChangePercent;
  if (claim.changePercent !== undefined && pct !== undefined) {
    // A stated percentage: within 2 percentage points plus the rounding of what was written.
    const absError = Math.abs(claim.changePercent - pct);
    out.push({ kind: 'diameterMm', stated: claim.changePercent, measured: pct, findingId: f.id, absError, relError: pct === 0 ? null : absError / Math.abs(pct), withinTolerance: absError <= 2.5 });
  }
  return out;
}

function candidates(claim: Claim, ref: ReferenceIndex): Finding[] {
  const type = claim.changeTarget === 'organ' ? 'organ_change' : 'lesion_change';
  return ref.findings.filter((f) => {
    if (f.type !== type) return false;
    if (claim.changeTarget === 'node' && f.attributes.matchGroup !== 'lymph_node') return false;
    if (claim.organ !== null && !(f.subject.organ !== null && organsRelated(f.subject.organ, claim.organ)) && f.subject.structure !== claim.organ) return false;
    if (claim.side === 'left' || claim.side === 'right') if (f.subject.side !== undefined && f.subject.side !== 'midline' && f.subject.side !== claim.side) return false;
    if (claim.locations.length > 0 && !claim.locations.some((l) => l.anyOf.some((a) => segmentsOf(f).includes(a)))) return false;
    return true;
  });
}

/** Checks a 'change' or 'response' claim against a study's follow-up findings. */
export function matchChangeClaim(claim: Claim, ref: ReferenceIndex): ChangeMatch {
  const comparison = ref.findings.find((f) => f.type === 'comparison');
  if (comparison === undefined) return { verdict: 'unverifiable', findingIds: [], details: 'the reference study was not compared with a prior study', numeric: [] };
  if (claim.kind === 'comparison') {
    const priorDate = comparison.attributes.priorDate;
    if (claim.priorDate !== undefined && typeof priorDate === 'string' && claim.priorDate !== priorDate)
      return { verdict: 'contradicted', errorType: 'wrong_change', findingIds: [comparison.id], details: `a prior of ${claim.priorDate} but the reference compares with ${priorDate}`, numeric: [] };
    return { verdict: 'supported', findingIds: [comparison.id], details: 'a comparison with a prior study, as in the reference', numeric: [] };
  }
  if (claim.kind === 'response') {
    const r = ref.findings.find((f) => f.type === 'response');
    if (r === undefined) return { verdict: 'unverifiable', findingIds: [], details: 'no RECIST response in the reference', numeric: [] };
    const numeric = [
      ...claim.numbers.map((n) => compare(n, r.values.currentSumMm, r.id)),
      ...(claim.priorNumbers ?? []).map((n) => compare(n, r.values.baselineSumMm, r.id)),
    ].filter((x) => x !== null);
    if (claim.response === undefined && numeric.length === 0) return { verdict: 'supported', findingIds: [r.id], details: 'RECIST 1.1 is assessed in the reference', numeric };
    if (claim.response !== undefined && claim.negated === (r.statement === claim.response))
      return { verdict: 'contradicted', errorType: 'wrong_response', findingIds: [r.id], details: `${claim.negated ? 'denies' : 'states'} ${claim.response} but the reference response is ${r.statement}`, numeric };
    const off = numeric.find((c) => !c.withinTolerance);
    if (off) return { verdict: 'contradicted', errorType: 'number_off', findingIds: [r.id], details: `sum of diameters ${Math.round(off.stated * 10) / 10} mm stated vs ${Math.round(off.measured * 10) / 10} mm`, numeric };
    return { verdict: 'supported', findingIds: [r.id], details: `RECIST 1.1 ${r.statement}${numeric.length > 0 ? ', sums' : ''}, as in the reference`, numeric };
  }
  const pool = candidates(claim, ref);
  const wanted = claim.change!;
  const withStatement = pool.filter((f) => STATEMENT[f.statement] === wanted);
  if (claim.negated) {
    if (withStatement.length > 0) return { verdict: 'contradicted', errorType: 'negated_present', findingIds: withStatement.map((f) => f.id), details: `denies a ${wanted} lesion but the reference has ${withStatement.map((f) => f.id).join(', ')}`, numeric: [] };
    return { verdict: 'supported', findingIds: [comparison.id, ...pool.map((f) => f.id)], details: `no ${wanted} ${claim.changeTarget ?? 'lesion'}${claim.organ ? ` in ${claim.organ}` : ''}, as in the reference`, numeric: [] };
  }
  if (pool.length === 0) {
    const idsOfLesions = ref.lesionsOf(claim.organ).map((f) => f.id);
    if (wanted === 'new' || idsOfLesions.length === 0) return { verdict: 'contradicted', errorType: 'present_absent', findingIds: [comparison.id], details: `a ${wanted} ${claim.changeTarget ?? 'lesion'}${claim.organ ? ` in ${claim.organ}` : ''} but the reference comparison has none`, numeric: [] };
    return { verdict: 'unverifiable', findingIds: idsOfLesions, details: `no change finding for ${claim.organ ?? 'the lesion'}`, numeric: [] };
  }
  // The best candidate: the claimed direction first, then the numbers that agree.
  let best: { f: Finding; numeric: ReturnType<typeof numericOf>; cost: number } | undefined;
  for (const f of pool) {
    const numeric = numericOf(claim, f);
    const cost = (STATEMENT[f.statement] === wanted ? 0 : 1000) + numeric.filter((c) => !c.withinTolerance).length * 10 + numeric.reduce((a, c) => a + (c.relError ?? 0), 0);
    if (best === undefined || cost < best.cost) best = { f, numeric, cost };
  }
  const b = best!;
  const ids = [b.f.id, ...(Array.isArray(b.f.attributes.currentFindingIds) ? b.f.attributes.currentFindingIds : [])].filter((x): x is string => typeof x === 'string');
  if (STATEMENT[b.f.statement] !== wanted)
    return { verdict: 'contradicted', errorType: 'wrong_change', findingIds: [b.f.id], details: `called ${wanted} but the reference says ${b.f.statement} (${b.f.id})`, numeric: b.numeric };
  const off = b.numeric.find((c) => !c.withinTolerance);
  if (off) return { verdict: 'contradicted', errorType: 'number_off', findingIds: [b.f.id], details: `${b.f.id}: ${Math.round(off.stated * 10) / 10} stated vs ${Math.round(off.measured * 10) / 10} measured`, numeric: b.numeric };
  return { verdict: 'supported', findingIds: ids, details: `${wanted}, as ${b.f.id} says`, numeric: b.numeric };
}
