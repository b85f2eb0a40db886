import type { Finding } from '../findings/index.ts';
import { matchChangeClaim } from './change-claims.ts';
import { organsRelated } from './mentions.ts';
import { claimTargets, mirrorOrgan, ReferenceIndex, type MatchOptions } from './reference.ts';
import { withinTolerance } from './tolerances.ts';
import type { Claim, ClaimNumber, MeasureKind } from './types.ts';

/**
 * Claim -> verdict against reference findings.
 *
 * - supported: a finding states it (every number within tolerance, tolerances.ts).
 * - contradicted: the findings state otherwise; `errorType` says how:
 *   wrong_side / wrong_organ (the claimed abnormality is absent where the text puts it but present, with the
 *   claimed size, on the other side / in another organ), wrong_segment, number_off, wrong_unit (the number
 *   is right in the other unit: cm for mm, mL for L), negated_present (denied but present), present_absent
 *   (asserted but absent), wrong_attenuation, wrong_stage, wrong_type (cyst vs solid), wrong_count,
 *   wrong_severity (enlarged vs massively enlarged), wrong_contact (abutment vs encasement).
 * - unverifiable: the findings do not say (organ not segmented or cut by the scan border, lesion status of the
 *   organ unknown, no label for the fluid or node, nothing checkable in the claim).
 *
 * Attribution of wrong_side / wrong_organ / wrong_unit: when the claim is contradicted, the harness looks for
 * the smallest edit that would make it supported: the same claim with the other side (for 'present_absent'),
 * in another organ (for 'present_absent' of a claim with a number, which identifies the finding), or with its lengths or volumes in the other unit (for 'number_off').
 * Denials are never moved to another side or organ: a wrong "no lesion" is 'negated_present' whatever else is
 * true elsewhere.
 */

export const ERROR_TYPES = [
  'wrong_side',
  'wrong_organ',
  'wrong_segment',
  'number_off',
  'wrong_unit',
  'negated_present',
  'present_absent',
  'wrong_attenuation',
  'wrong_stage',
  'wrong_type',
  'wrong_count',
  'wrong_severity',
  'wrong_contact',
  // follow-up (change-claims.ts)
  'wrong_change',
  'wrong_response',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];
export type Verdict = 'supported' | 'contradicted' | 'unverifiable';

/** One stated number set against the measured value of a finding. */
export interface NumericComparison {
  readonly kind: MeasureKind;
  readonly stated: number;
  readonly measured: number;
  readonly findingId: string;
  /** |stated - measured| in the kind's unit. */
  readonly absError: number;
  /** absError / |measured| (range >= 0, no unit); null when measured is 0. */
  readonly relError: number | null;
  readonly withinTolerance: boolean;
}

export interface ClaimMatch {
  readonly verdict: Verdict;
  readonly errorType?: ErrorType;
  /** Reference findings the verdict rests on. */
  readonly findingIds: readonly string[];
  /** One line a person can read: why this verdict. */
  readonly details: string;
  readonly numeric: readonly NumericComparison[];
}

const ok = (findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'supported', findingIds, details, numeric });
const bad = (errorType: ErrorType, findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'contradicted', errorType, findingIds, details, numeric });
const unknown = (details: string, findingIds: string[] = []): ClaimMatch => ({ verdict: 'unverifiable', findingIds, details, numeric: [] });

function compare(n: ClaimNumber, measured: number, findingId: string, kind: MeasureKind = n.kind): NumericComparison {
  const absError = Math.abs(n.value - measured);
  return { kind, stated: n.value, measured, findingId, absError, relError: measured === 0 ? null : absError / Math.abs(measured), withinTolerance: withinTolerance(n.kind, n.value, measured, n.roundingHalfStep) };
}

/** The value of a finding a number of this kind is compared with; a bare diameter takes the long axis. */
function measuredFor(f: Finding, kind: MeasureKind): number | undefined {
  const v = f.values;
  switch (kind) {
    case 'diameterMm':
    case 'longAxisMm':
      return v.longAxisMm;
    case 'shortAxisMm':
      return v.shortAxisMm;
    case 'lengthMm':
      return v.craniocaudalLengthMm;
    case 'volumeMl':
      return v.volumeMl;
    case 'huMean':
      return v.huMean;
    case 'angleDeg':
      return v.contactAngleDeg;
  }
}

function compareAll(numbers: readonly ClaimNumber[], f: Finding): NumericComparison[] {
  const out: NumericComparison[] = [];
  for (const n of numbers) {
    const measured = measuredFor(f, n.kind);
    if (measured === undefined) continue;
    let c = compare(n, measured, f.id);
    // A single diameter is also right when it is the largest 3D diameter.
    if (!c.withinTolerance && n.kind === 'diameterMm' && f.values.max3dDiameterMm !== undefined) {
      const alt = compare(n, f.values.max3dDiameterMm, f.id);
      if (alt.withinTolerance) c = alt;
    }
    out.push(c);
  }
  return out;
}

const SOLID = new Set(['mass', 'tumour', 'nodule', 'metastasis']);

function segmentsOf(f: Finding): string[] {
  const s = f.attributes.segments;
  return Array.isArray(s) ? s : [];
}

/** Lesion attribute errors of one candidate, most important first. */
function lesionErrors(claim: Claim, f: Finding, ref: ReferenceIndex): { errors: ErrorType[]; numeric: NumericComparison[]; why: string[] } {
  const errors: ErrorType[] = [];
  const why: string[] = [];
  const segments = segmentsOf(f);
  for (const loc of claim.locations) {
    if (loc.anyOf.every((a) => a.startsWith('vertebrae_'))) {
      const level = f.attributes.vertebralLevel;
      if (typeof level === 'string' && !loc.anyOf.includes(`vertebrae_${level}`)) {
        errors.push('wrong_segment');
        why.push(`level ${loc.label} but the finding is at ${level}`);
      }
      continue;
    }
    if (segments.length > 0 && !loc.anyOf.some((a) => segments.includes(a))) {
      errors.push('wrong_segment');
      why.push(`location ${loc.label} but the finding lies in ${segments.join(', ')}`);
    }
  }
  const refType = typeof f.attributes.lesionType === 'string' ? f.attributes.lesionType : f.statement;
  if (claim.lesionType !== undefined && ((claim.lesionType === 'cyst' && SOLID.has(refType)) || (SOLID.has(claim.lesionType) && (refType === 'cyst' || f.statement === 'cyst')))) {
    errors.push('wrong_type');
    why.push(`called a ${claim.lesionType} but the finding is a ${f.statement}`);
  }
  const att = f.attributes.attenuation;
  if (claim.attenuation !== undefined && typeof att === 'string' && att !== claim.attenuation) {
    errors.push('wrong_attenuation');
    why.push(`${claim.attenuation} but the finding is ${att}`);
  }
  const numeric = compareAll(claim.numbers, f);
  for (const c of numeric.filter((x) => !x.withinTolerance)) {
    errors.push('number_off');
    why.push(`${c.kind} ${round(c.stated)} vs measured ${round(c.measured)}`);
  }
  if (claim.count !== undefined && (claim.count === 'multiple' || claim.count >= 2) && f.subject.organ !== null) {
    const n = ref.lesionsOf(f.subject.organ).length;
    if ((claim.count === 'multiple' && n < 2) || (typeof claim.count === 'number' && claim.count !== n)) {
      errors.push('wrong_count');
      why.push(`${claim.count} lesions stated, ${n} in the reference`);
    }
  }
  return { errors, numeric, why };
}

const round = (x: number) => Math.round(x * 10) / 10;
const PRIORITY: readonly ErrorType[] = ['wrong_segment', 'wrong_type', 'wrong_attenuation', 'number_off', 'wrong_count'];
const organName = (o: string | null) => o ?? 'any organ';

function sideCompatible(claim: Claim, f: Finding): boolean {
  if (claim.side !== 'left' && claim.side !== 'right') return true;
  const s = f.subject.side;
  return s === undefined || s === 'midline' || s === claim.side;
}

function matchLesion(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const inOrgan = ref.lesionsOf(claim.organ).filter((f) => sideCompatible(claim, f));
  if (claim.negated) {
    const located = inOrgan.filter((f) => claim.locations.length === 0 || claim.locations.some((l) => l.anyOf.some((a) => segmentsOf(f).includes(a))));
    if (located.length > 0) return bad('negated_present', located.map((f) => f.id), `denies a lesion in ${organName(claim.organ)} but the reference has ${located.map((f) => f.id).join(', ')}`);
    if (claim.organ === null) return unknown('a denial naming no organ is not checked');
    const st = ref.lesionStatus(claim.organ);
    if (st.status === 'absent') return ok(st.findingIds, `no lesion in ${claim.organ}, as in the reference`);
    // Lesions elsewhere in the organ, none at the named location: known only when every lesion is labelled.
    if (st.status === 'present' && ref.options.lesionsComplete === true) return ok(st.findingIds, `no lesion at ${claim.locations.map((l) => l.label).join(', ')}; the reference lesions lie elsewhere`);
    return unknown(`lesion status of ${claim.organ} is not known from the reference`);
  }
  if (inOrgan.length === 0) {
    if (claim.organ === null) {
      // A lesion outside the organs, on the side the reference does not have it: is it there on the other side?
      if (claim.side === 'left' || claim.side === 'right') {
        const other = matchLesion({ ...claim, side: claim.side === 'left' ? 'right' : 'left' }, ref);
        if (other.verdict === 'supported') return bad('wrong_side', other.findingIds as string[], `a lesion on the ${claim.side} but the reference has it on the other side`);
      }
      return unknown('no lesion in the reference to compare with');
    }
    const st = ref.lesionStatus(claim.organ);
    if (st.status === 'absent') return bad('present_absent', st.findingIds, `a lesion in ${claim.organ} but the reference has none there`);
    return unknown(`no lesion of ${claim.organ} in the reference, and its lesion status is not known`);
  }
  let best: { f: Finding; errors: ErrorType[]; numeric: NumericComparison[]; why: string[]; cost: number } | undefined;
  for (const f of inOrgan) {
    const e = lesionErrors(claim, f, ref);
    const cost = e.errors.length * 1000 + e.numeric.reduce((a, c) => a + (c.relError ?? 0), 0);
    if (best === undefined || cost < best.cost) best = { f, ...e, cost };
  }
  const b = best!;
  // The organ's lesion count backs the claim too ("a lesion in the liver" states presence in the organ).
  const count = b.f.subject.organ === null ? undefined : ref.get(`${b.f.subject.organ}.lesions`);
  if (b.errors.length === 0) return ok([b.f.id, ...(count ? [count.id] : [])], `matches ${b.f.id}`, b.numeric);
  const first = PRIORITY.find((p) => b.errors.includes(p)) ?? b.errors[0]!;
  return bad(first, [b.f.id], `${b.f.id}: ${b.why.join('; ')}`, b.numeric);
}

function sizeFindings(ref: ReferenceIndex, organ: string): Finding[] {
  return [ref.get(`${organ}.size`), ref.get(`${organ}.length`)].filter((f): f is Finding => f !== undefined);
}

function matchOrganSize(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('size claim names no organ');
  const ids: string[] = [];
  const numeric: NumericComparison[] = [];
  const problems: { e: ErrorType; why: string; ids: string[] }[] = [];
  let checked = 0;
  for (const t of claimTargets(claim.organ)) {
    const fs = sizeFindings(ref, t);
    if (fs.length === 0) return unknown(`no size finding for ${t} (${ref.get(`${t}.partial`) ? 'partially imaged' : 'not assessed'})`);
    ids.push(...fs.map((f) => f.id));
    const enlarged = fs.filter((f) => f.status === 'abnormal');
    const massive = fs.some((f) => f.statement === 'massively enlarged');
    if (claim.sizeClass !== undefined) {
      checked++;
      const saysEnlarged = claim.sizeClass === 'normal size' ? claim.negated : !claim.negated;
      if (saysEnlarged && enlarged.length === 0) problems.push({ e: 'present_absent', why: `${t} called enlarged but is ${fs[0]!.statement}`, ids: fs.map((f) => f.id) });
      else if (!saysEnlarged && enlarged.length > 0) problems.push({ e: 'negated_present', why: `${t} called not enlarged but is ${enlarged[0]!.statement}`, ids: enlarged.map((f) => f.id) });
      else if (saysEnlarged && claim.sizeClass === 'massively enlarged' && !massive) problems.push({ e: 'wrong_severity', why: `${t} called massively enlarged but is ${enlarged[0]!.statement}`, ids: enlarged.map((f) => f.id) });
    }
    for (const f of fs) {
      for (const c of compareAll(claim.numbers, f)) {
        checked++;
        numeric.push(c);
        if (!c.withinTolerance) problems.push({ e: 'number_off', why: `${t} ${c.kind} ${round(c.stated)} vs measured ${round(c.measured)}`, ids: [f.id] });
      }
    }
  }
  if (checked === 0) return unknown(`nothing checkable about the size of ${claim.organ}`, ids);
  if (problems.length === 0) return ok(ids, `size of ${claim.organ} as in the reference`, numeric);
  const order: ErrorType[] = ['present_absent', 'negated_present', 'wrong_severity', 'number_off'];
  const p = problems.sort((a, b) => order.indexOf(a.e) - order.indexOf(b.e))[0]!;
  return bad(p.e, p.ids, problems.map((x) => x.why).join('; '), numeric);
}

function matchSteatosis(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const organ = claim.organ ?? 'liver';
  const f = ref.get(`${organ}.steatosis`);
  if (f === undefined || f.status === 'indeterminate') return unknown(`steatosis of ${organ} was not assessed in the reference (phase or organ)`);
  const numeric = compareAll(claim.numbers, f);
  const fatty = f.status === 'abnormal';
  if (!claim.negated && !fatty) return bad('present_absent', [f.id], `${organ} called fatty but the reference says ${f.statement}`, numeric);
  if (claim.negated && fatty) return bad('negated_present', [f.id], `${organ} called not fatty but the reference says fatty`, numeric);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${organ} mean ${round(off.stated)} HU vs measured ${round(off.measured)} HU`, numeric);
  return ok([f.id], `${organ} ${f.statement}, as in the reference`, numeric);
}

function matchAttenuation(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('attenuation claim names no organ');
  const f = [ref.get(`${claim.organ}.steatosis`), ref.get(`${claim.organ}.normal`)].find((x) => x?.values.huMean !== undefined);
  if (f === undefined) return unknown(`no mean attenuation of ${claim.organ} in the reference`);
  const numeric = compareAll(claim.numbers, f);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${claim.organ} mean ${round(off.stated)} HU vs measured ${round(off.measured)} HU`, numeric);
  return numeric.length > 0 ? ok([f.id], `${claim.organ} attenuation as measured`, numeric) : unknown('no number to check');
}

function matchFluid(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const fluid = claim.fluid ?? 'ascites';
  const f = ref.get(`${fluid}.fluid`);
  if (f === undefined) return unknown(`no ${fluid} label in the reference masks`);
  const present = f.statement === 'present';
  const numeric = compareAll(claim.numbers, f);
  if (!claim.negated && !present) return bad('present_absent', [f.id], `${fluid} stated but the reference has none`);
  if (claim.negated && present) return bad('negated_present', [f.id], `${fluid} denied but the reference has ${round(f.values.volumeMl ?? 0)} mL`);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${fluid} ${round(off.stated)} mL vs measured ${round(off.measured)} mL`, numeric);
  return ok([f.id], `${fluid} ${f.statement}, as in the reference`, numeric);
}

function matchNode(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const nodes = ref.findings.filter((f) => f.type === 'lymph_node');
  if (nodes.length === 0) return unknown('no lymph node label in the reference masks');
  const enlarged = nodes.filter((f) => f.status === 'abnormal');
  if (claim.negated) {
    if (enlarged.length > 0) return bad('negated_present', enlarged.map((f) => f.id), `nodes denied but ${enlarged.length} enlarged in the reference`);
    return ok(nodes.map((f) => f.id), 'no enlarged node, as in the reference');
  }
  const pool = claim.sizeClass === 'normal size' ? nodes.filter((f) => f.status !== 'abnormal') : claim.sizeClass === 'enlarged' ? enlarged : nodes;
  if (pool.length === 0) return bad(claim.sizeClass === 'normal size' ? 'negated_present' : 'present_absent', nodes.map((f) => f.id), `no ${claim.sizeClass ?? ''} node in the reference`);
  let best: { f: Finding; numeric: NumericComparison[]; bad: number } | undefined;
  for (const f of pool) {
    const numeric = compareAll(claim.numbers, f);
    const nb = numeric.filter((c) => !c.withinTolerance).length;
    if (best === undefined || nb < best.bad) best = { f, numeric, bad: nb };
  }
  if (best!.bad > 0) return bad('number_off', [best!.f.id], `node size differs from ${best!.f.id}`, best!.numeric);
  return ok([best!.f.id], `matches ${best!.f.id}`, best!.numeric);
}

/** 'T1' is consistent with 'T1c' (a category without its subcategory). */
function sameStage(claimed: string, reference: string): boolean {
  const a = claimed.toUpperCase();
  const b = reference.toUpperCase();
  return a === b || (b.startsWith(a) && /^T\d$/.test(a));
}

function matchStage(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const stages = ref.findings.filter((f) => f.type === 'stage' && (claim.organ === null || (f.subject.organ !== null && organsRelated(f.subject.organ, claim.organ))));
  if (stages.length === 0) return unknown(`no T category in the reference${claim.organ ? ` for ${claim.organ}` : ''}`);
  const same = stages.find((f) => sameStage(claim.stage!, f.statement));
  if (claim.negated) return same ? bad('wrong_stage', [same.id], `denies ${claim.stage} but the reference says ${same.statement}`) : ok(stages.map((f) => f.id), `not ${claim.stage}`);
  if (same) return ok([same.id], `${same.statement}, as in the reference`);
  return bad('wrong_stage', stages.map((f) => f.id), `${claim.stage} but the reference says ${stages.map((f) => f.statement).join(', ')}`);
}

function matchContact(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const contacts = ref.findings.filter((f) => f.type === 'vessel_contact' && f.subject.structure === claim.vessel && (claim.organ === null || f.subject.organ === null || organsRelated(f.subject.organ, claim.organ)));
  const assessed = ref.findings.some((f) => f.type === 'stage' && Array.isArray(f.attributes.arteriesAssessed) && f.attributes.arteriesAssessed.includes(claim.vessel!));
  if (contacts.length === 0) {
    if (!assessed) return unknown(`contact with ${claim.vessel} is not in the reference`);
    return claim.negated ? ok([], `no contact with ${claim.vessel}, as in the reference`) : bad('present_absent', [], `contact with ${claim.vessel} stated but none measured`);
  }
  const f = contacts[0]!;
  if (claim.negated) return bad('negated_present', [f.id], `contact with ${claim.vessel} denied but the reference has ${f.statement}`);
  const numeric = compareAll(claim.numbers, f);
  if (claim.contact !== undefined && claim.contact !== 'contact' && claim.contact !== f.statement) return bad('wrong_contact', [f.id], `${claim.contact} but the reference says ${f.statement}`, numeric);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `angle ${round(off.stated)} vs measured ${round(off.measured)} degrees`, numeric);
  return ok([f.id], `${f.statement} of ${claim.vessel}, as in the reference`, numeric);
}

function matchNormal(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('normal claim names no organ');
  const ids: string[] = [];
  const abnormal: Finding[] = [];
  for (const t of claimTargets(claim.organ)) {
    if (ref.get(`${t}.partial`) || ref.get(`${t}.not_imaged`)) return unknown(`${t} is not wholly imaged`);
    let bad = ref.about(t).filter((f) => f.status === 'abnormal' && f.type !== 'vessel_contact' && f.type !== 'stage');
    if (claim.locations.length > 0) bad = bad.filter((f) => f.type === 'lesion' && claim.locations.some((l) => l.anyOf.some((a) => segmentsOf(f).includes(a))));
    abnormal.push(...bad);
    const normal = ref.get(`${t}.normal`);
    if (bad.length === 0 && normal === undefined && claim.locations.length === 0) return unknown(`no normal finding for ${t}`);
    if (normal) ids.push(normal.id);
  }
  if (!claim.negated && abnormal.length > 0) return bad('negated_present', abnormal.map((f) => f.id), `${claim.organ} called normal but the reference has ${abnormal.map((f) => f.id).join(', ')}`);
  if (claim.negated && abnormal.length === 0) return bad('present_absent', ids, `${claim.organ} called abnormal but the reference finds it normal`);
  return ok(claim.negated ? abnormal.map((f) => f.id) : ids, claim.negated ? `${claim.organ} abnormal, as in the reference` : `${claim.organ} normal, as in the reference`);
}

function direct(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  switch (claim.kind) {
    case 'lesion':
      return matchLesion(claim, ref);
    case 'organ_size':
      return matchOrganSize(claim, ref);
    case 'steatosis':
      return matchSteatosis(claim, ref);
    case 'attenuation':
      return matchAttenuation(claim, ref);
    case 'fluid':
      return matchFluid(claim, ref);
    case 'lymph_node':
      return matchNode(claim, ref);
    case 'stage':
      return matchStage(claim, ref);
    case 'vessel_contact':
      return matchContact(claim, ref);
    case 'normal':
      return matchNormal(claim, ref);
    case 'change':
    case 'response':
    case 'comparison': {
      const m = matchChangeClaim(claim, ref);
      return { verdict: m.verdict, ...(m.errorType ? { errorType: m.errorType } : {}), findingIds: m.findingIds, details: m.details, numeric: m.numeric };
    }
  }
}

/**
 * The claim with one group of its numbers read in the other unit: lengths cm <-> mm, or volumes mL <-> L.
 * Null when the claim has no number of that group.
 */
function otherUnit(claim: Claim, group: 'length' | 'volume'): Claim | null {
  let changed = false;
  const numbers = claim.numbers.map((n) => {
    let f = 1;
    if (group === 'length' && n.unit === 'cm') f = 1 / 10;
    else if (group === 'length' && n.unit === 'mm') f = 10;
    else if (group === 'volume' && n.unit === 'l') f = 1 / 1000;
    else if (group === 'volume' && (n.unit === 'ml' || n.unit === 'cc' || n.unit === 'cm3')) f = 1000;
    if (f === 1) return n;
    changed = true;
    return { ...n, value: n.value * f, roundingHalfStep: n.roundingHalfStep * f };
  });
  return changed ? { ...claim, numbers } : null;
}

function repaired(claim: Claim, m: ClaimMatch, ref: ReferenceIndex): ClaimMatch {
  if (m.verdict !== 'contradicted') return m;
  const supported = (c: Claim) => direct(c, ref).verdict === 'supported';
  if (m.errorType === 'number_off') {
    for (const group of ['length', 'volume'] as const) {
      const u = otherUnit(claim, group);
      if (u !== null && supported(u)) return { ...m, errorType: 'wrong_unit', details: `${m.details} (right in the other unit)` };
    }
    return m;
  }
  if (m.errorType !== 'present_absent' || claim.negated) return m;
  if (claim.organ !== null) {
    const mirror = mirrorOrgan(claim.organ);
    if (mirror !== null) {
      const side = claim.side === 'left' ? 'right' : 'left';
      const flipped = direct({ ...claim, organ: mirror, side }, ref);
      if (flipped.verdict === 'supported') return bad('wrong_side', flipped.findingIds as string[], `${m.details}; the reference has it on the ${side}`);
    }
  } else if (claim.side === 'left' || claim.side === 'right') {
    const flipped = direct({ ...claim, side: claim.side === 'left' ? 'right' : 'left' }, ref);
    if (flipped.verdict === 'supported') return bad('wrong_side', flipped.findingIds as string[], `${m.details}; the reference has it on the other side`);
  }
  // Another organ only when a number identifies the finding: "the liver is enlarged" beside an enlarged spleen is
  // simply false, "the liver is enlarged (346 mL)" is the spleen's volume put on the liver.
  if (claim.numbers.length === 0) return m;
  for (const organ of ref.organs()) {
    if (claim.organ !== null && organsRelated(organ, claim.organ)) continue;
    const moved = direct({ ...claim, organ, locations: [], side: undefined }, ref);
    if (moved.verdict === 'supported') return bad('wrong_organ', moved.findingIds as string[], `${m.details}; the reference has it in ${organ}`);
  }
  return m;
}

const INDEXES = new WeakMap<readonly Finding[], Map<boolean, ReferenceIndex>>();

/** A cached index over a findings array (the same array object gives the same index). */
export function referenceIndex(findings: readonly Finding[], options: MatchOptions = {}): ReferenceIndex {
  let byOpt = INDEXES.get(findings);
  if (byOpt === undefined) INDEXES.set(findings, (byOpt = new Map()));
  const key = options.lesionsComplete === true;
  let idx = byOpt.get(key);
  if (idx === undefined) byOpt.set(key, (idx = new ReferenceIndex(findings, options)));
  return idx;
}

/**
 * Matches one claim against a study's reference findings. Pure; never throws.
 *
 * @example matchClaim(parseClaims('The spleen is enlarged (346 mL).')[0], findings)
 *   // { verdict: 'supported', findingIds: ['spleen.size', 'spleen.length'], numeric: [{ kind: 'volumeMl', ... }] }
 */
export function matchClaim(claim: Claim, findings: readonly Finding[], options: MatchOptions = {}): ClaimMatch {
  const ref = referenceIndex(findings, options);
  return repaired(claim, direct(claim, ref), ref);
}
