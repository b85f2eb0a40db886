import type { ClaimNumber, MeasureKind, WrittenUnit } from './types.ts';

/**
 * Numbers with units in report text, converted to our units: lengths to mm, volumes to mL (1 cm3 = 1 cc =
 * 1 mL; 1 L = 1000 mL; 1 mm3 = 0.001 mL), attenuation in HU, angles in degrees. "2.1 x 1.4 cm" is long x short
 * axis (RECIST 1.1 writes the longest diameter first); a third number ("x 1.9 cm", craniocaudal) is not used.
 * Numbers without a unit are not read.
 */

/** Millimetres per centimetre. */
export function cmToMm(cm: number): number {
  return cm * 10;
}
/** Cubic centimetres (cc, cm3) are millilitres. */
export function cm3ToMl(cm3: number): number {
  return cm3;
}
/** Cubic millimetres to millilitres. */
export function mm3ToMl(mm3: number): number {
  return mm3 / 1000;
}
/** Litres to millilitres. */
export function litresToMl(l: number): number {
  return l * 1000;
}

/** A number found in the text, before a kind (long axis, organ length, ...) is decided from its context. */
export interface RawNumber {
  /** 'size' = one or more lengths; 'volume'; 'hu'; 'angle'. */
  readonly what: 'size' | 'volume' | 'hu' | 'angle';
  /** Values in mm / mL / HU / degrees, in written order. */
  readonly values: readonly number[];
  readonly unit: WrittenUnit;
  /** Half of the last digit shown, in the converted unit (largest over the values). */
  readonly roundingHalfStep: number;
  readonly raw: string;
  /** Each value as written with its unit ('2.1 cm', '1.4 cm'). */
  readonly written: readonly string[];
  readonly start: number;
  readonly end: number;
}

const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
/** Attenuation may be negative (fat, air): "-95 HU". */
const SIGNED_NUM = String.raw`([-−]?\d+(?:[.,]\d+)?)`;
const TIMES = String.raw`\s*(?:x|×|\*|by)\s*`;
const LENGTH_UNIT = String.raw`(mm|cm|millimet(?:er|re)s?|centimet(?:er|re)s?)`;
const SIZE_RE = new RegExp(String.raw`(?<![\w.\-–])${NUM}(?:\s*${LENGTH_UNIT})?(?:${TIMES}${NUM}(?:\s*${LENGTH_UNIT})?)?(?:${TIMES}${NUM})?\s*${LENGTH_UNIT}(?![\w³])`, 'gi');
const VOLUME_RE = new RegExp(String.raw`(?<![\w.])${NUM}\s*(ml|millilit(?:er|re)s?|cc|cm3|cm³|cubic centimet(?:er|re)s?|mm3|mm³|L|lit(?:er|re)s?)(?![\w])`, 'gi');
const HU_RE = new RegExp(String.raw`(?<![\w.])${SIGNED_NUM}\s*(HU|Hounsfield units?)(?![\w])`, 'gi');
/** A number of a list whose unit follows the last one: "33 and 27 mm" (the lookahead keeps the last for SIZE_RE). */
const SHARED_UNIT_RE = new RegExp(String.raw`(?<![\w.\-–])${NUM}(?=(?:\s*,\s*\d+(?:[.,]\d+)?)*\s*,?\s*(?:and|&)\s*\d+(?:[.,]\d+)?\s*(mm|cm)\b)`, 'gi');
/** Words before a number that make it a label, not a size ("segment 7, 2.0 cm", "image 18 and 20 mm"). */
const LABEL_BEFORE = /\b(?:segments?|seg\.?|s|level|levels|image|images|ima|series|section|sections|slice|slices|rib|ribs|vertebrae?|lobe|grade|stage|day|days|week|weeks|month|months|year|years|no\.?)\s*$/i;
/** A range ("2-3 mm", "5 to 7 mm"): not one measurement. */
const RANGE_RE = new RegExp(String.raw`(?<![\w.])\d+(?:[.,]\d+)?\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?\s*(?:mm|cm|ml|cc|hu)\b`, 'gi');
const ANGLE_RE = new RegExp(String.raw`(?<![\w.])${NUM}\s*(°|degrees?|deg)(?![\w])`, 'gi');

function parseNum(s: string): number {
  return Number(s.replace(',', '.').replace('−', '-'));
}

/** Half of the last shown digit of a written number: "2.1" -> 0.05, "21" -> 0.5, "346" -> 0.5. */
function halfStepOf(written: string): number {
  const decimals = /[.,](\d+)$/.exec(written)?.[1]?.length ?? 0;
  return 0.5 * 10 ** -decimals;
}

function lengthUnit(u: string): 'mm' | 'cm' {
  return u.toLowerCase().startsWith('c') ? 'cm' : 'mm';
}

function volumeUnit(u: string): WrittenUnit {
  const l = u.toLowerCase();
  if (l === 'cc') return 'cc';
  if (l.startsWith('cm') || l.startsWith('cubic')) return 'cm3';
  if (l.startsWith('mm')) return 'mm3';
  if (l === 'l' || l.startsWith('lit')) return 'l';
  return 'ml';
}

function toMl(v: number, unit: WrittenUnit): number {
  if (unit === 'mm3') return mm3ToMl(v);
  if (unit === 'l') return litresToMl(v);
  return cm3ToMl(v);
}

/** Every number with a unit in `text`, in reading order; spans never overlap. */
export function findNumbers(text: string): RawNumber[] {
  const found: RawNumber[] = [];
  const taken: [number, number][] = [...text.matchAll(RANGE_RE)].map((m) => [m.index!, m.index! + m[0].length] as [number, number]);
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  const add = (n: RawNumber) => {
    if (!free(n.start, n.end)) return;
    taken.push([n.start, n.end]);
    found.push(n);
  };
  for (const m of text.matchAll(VOLUME_RE)) {
    // A bare letter L is a litre only in capitals ("1.5 L"); a lower-case "l" is too ambiguous to read.
    if (m[2] === 'l') continue;
    const unit = volumeUnit(m[2]!);
    const v = parseNum(m[1]!);
    add({ what: 'volume', values: [toMl(v, unit)], unit, roundingHalfStep: toMl(halfStepOf(m[1]!), unit), raw: m[0], written: [`${m[1]} ${m[2]}`], start: m.index!, end: m.index! + m[0].length });
  }
  for (const m of text.matchAll(SIZE_RE)) {
    const finalUnit = lengthUnit(m[6]!);
    const parts = [
      { v: m[1]!, u: m[2] ? lengthUnit(m[2]) : finalUnit },
      ...(m[3] !== undefined ? [{ v: m[3], u: m[4] ? lengthUnit(m[4]) : finalUnit }] : []),
      ...(m[5] !== undefined ? [{ v: m[5], u: finalUnit }] : []),
    ];
    const values = parts.map((p) => (p.u === 'cm' ? cmToMm(parseNum(p.v)) : parseNum(p.v)));
    const halfSteps = parts.map((p) => (p.u === 'cm' ? cmToMm(halfStepOf(p.v)) : halfStepOf(p.v)));
    add({ what: 'size', values, unit: finalUnit, roundingHalfStep: Math.max(...halfSteps), raw: m[0], written: parts.map((p) => `${p.v} ${p.u}`), start: m.index!, end: m.index! + m[0].length });
  }
  // "33 and 27 mm", "12, 15 and 20 mm": the unit written once stands for each number of the list.
  for (const m of text.matchAll(SHARED_UNIT_RE)) {
    if (LABEL_BEFORE.test(text.slice(Math.max(0, m.index! - 12), m.index!))) continue;
    const unit = lengthUnit(m[2]!);
    const v = parseNum(m[1]!);
    const value = unit === 'cm' ? cmToMm(v) : v;
    const half = unit === 'cm' ? cmToMm(halfStepOf(m[1]!)) : halfStepOf(m[1]!);
    add({ what: 'size', values: [value], unit, roundingHalfStep: half, raw: m[0], written: [`${m[1]} ${unit}`], start: m.index!, end: m.index! + m[1]!.length });
  }
  for (const m of text.matchAll(HU_RE)) {
    add({ what: 'hu', values: [parseNum(m[1]!)], unit: 'hu', roundingHalfStep: halfStepOf(m[1]!), raw: m[0], written: [`${m[1]} HU`], start: m.index!, end: m.index! + m[0].length });
  }
  for (const m of text.matchAll(ANGLE_RE)) {
    add({ what: 'angle', values: [parseNum(m[1]!)], unit: 'deg', roundingHalfStep: halfStepOf(m[1]!), raw: m[0], written: [`${m[1]} ${m[2]}`], start: m.index!, end: m.index! + m[0].length });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** One ClaimNumber of a given kind from a raw number's i-th value. */
export function claimNumber(n: RawNumber, kind: MeasureKind, index = 0): ClaimNumber {
  return { kind, value: n.values[index]!, unit: n.unit, roundingHalfStep: n.roundingHalfStep, raw: n.raw, written: n.written[index] ?? n.raw };
}

/** Words before a number that make it a criterion or limit, not a measurement ("above 314.5 mL", "less than 1 cm"). */
const LIMIT_BEFORE = /(?:\b(?:above|below|over|under|less\s+than|more\s+than|greater\s+than|smaller\s+than|larger\s+than|exceeding|not\s+exceeding|at\s+or\s+(?:below|above)|threshold(?:\s+of)?|cut-?off(?:\s+of)?|limit(?:\s+of)?|by\s+the|versus|vs\.?|compared\s+(?:with|to)|than)|[<>≤≥]=?)\s*$/i;
/** "up to" is a limit after a norm word ("normal up to 13 cm"), a measurement otherwise ("measuring up to 4.7 cm"). */
const NORM_UP_TO = /\b(?:normal|norm|range|limit|reference|upper\s+limit)\b[^,;()]{0,15}\bup\s+to\s*$/i;
/** Words after a number that make it a criterion ("40 HU or less", "the 40 HU criterion"). */
const LIMIT_AFTER = /^\s*(?:or\s+(?:less|more|below|above|lower|higher|smaller|larger)|criterion|criteria|threshold|cut-?off|limit)\b/i;
/**
 * A value of an earlier study, not of this one: "(16 x 12 mm in the previous examination)", "11 mm in the prior
 * CT and 17 mm now" (read up to the next comma, bracket or number).
 */
const PRIOR_AFTER = /^([^,;()\d]{0,90}?)\b(?:in|on|at|from)\s+(?:the\s+)?(?:previous|prior|preceding|earlier|last|former|old|baseline)\s+(?:\w+\s+){0,2}?(?:examination|exam|study|scan|ct|imaging|one)\b|^([^,;()\d]{0,20})\bpreviously\b/i;
/** A verb between the number and "in the previous examination" makes it a statement about now ("5 mm nodule ... was not seen in the previous examination"). */
const CLAUSE_VERB = /\b(?:is|are|was|were|observed|detected|seen|noted|identified|present|has|have|had|shows?|showed|appears?|appeared)\b/i;

function priorValue(after: string): boolean {
  const m = PRIOR_AFTER.exec(after);
  return m !== null && !CLAUSE_VERB.test(m[1] ?? m[2] ?? '');
}
/** An administered dose, not a measurement: "125 mL of contrast", "oral contrast 1000 mL". */
const DOSE = /^\s*(?:of\s+)?(?:iv\s+|intravenous\s+|oral\s+|non-?ionic\s+|iodinated\s+)?(?:contrast|saline|water|omnipaque|iohexol|iopamidol|visipaque|ultravist|gastrografin)\b/i;
/** "from 11 mm to 17 mm", "previously 11 mm": the earlier value. */
const PRIOR_BEFORE = /\b(?:previously|formerly|increased\s+from|decreased\s+from|grown\s+from|from)\s*$/i;
const DOSE_BEFORE = /\b(?:contrast(?:\s+(?:medium|media|agent|material|volume|dose))?|saline|injected|administered|bolus\s+of)\s*:?\s*$/i;

/**
 * True when a number states a criterion, limit, comparison value, an earlier study's value or a dose rather than
 * a measurement of the subject: "above 314.5 mL", "(normal up to 13.0 cm)", "by the 40 HU criterion", "mean 14 HU
 * versus 55 HU in the liver", "(16 x 12 mm in the previous examination)", "125 mL of contrast".
 */
export function isReferenceValue(text: string, n: RawNumber): boolean {
  // "less than approximately 5 mm" is the same limit as "less than 5 mm".
  const before = text.slice(Math.max(0, n.start - 55), n.start).replace(/\b(?:approximately|approx\.?|about|around|roughly|nearly|almost|ca\.?)\s*$/i, '');
  const after = text.slice(n.end, n.end + 120);
  return LIMIT_BEFORE.test(before.slice(-30)) || NORM_UP_TO.test(before) || LIMIT_AFTER.test(after) || priorValue(after) || PRIOR_BEFORE.test(before) || DOSE.test(after) || DOSE_BEFORE.test(before);
}

/** The numbers of `text` that state measurements (criteria, limits and comparison values left out). */
export function measuredNumbers(text: string): RawNumber[] {
  return findNumbers(text).filter((n) => !isReferenceValue(text, n));
}
