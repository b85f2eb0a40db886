import { allStructures } from '../anatomy/index.ts';

/**
 * The checkable content of one report sentence: which organs/vessels, sides, sub-segments, T categories,
 * descriptors (enlarged, fatty, hypoattenuating, encasement, cyst, ...), contrast phases and numbers (with unit
 * and the rounding shown) it states, and whether it is negated. The LLM narrator's checker compares the claims of
 * a rephrased sentence with those of the template sentence and its findings (check-sentence.ts).
 *
 * The vocabulary is closed and deliberately coarse: a word outside it is not understood, so the checker only
 * guards what it can read. Matching is longest phrase first, and a matched phrase is blanked out so that
 * "common hepatic artery" is a vessel and not the liver.
 */

export type Dimension = 'length' | 'volume' | 'hu' | 'angle' | 'percent' | 'count';

export interface Quantity {
  /** Value in the dimension's base unit: mm, mL, HU, deg, %, or a plain number. */
  readonly base: number;
  readonly dimension: Dimension;
  /** Half of the last shown digit's step, in the base unit ("2.1 cm" -> 0.5 mm; "320 mL" -> 0.5 mL). */
  readonly halfStep: number;
  /** The text it was read from, for messages. */
  readonly text: string;
}

export interface Claims {
  readonly concepts: ReadonlySet<string>;
  readonly sides: ReadonlySet<string>;
  readonly segments: ReadonlySet<string>;
  readonly stages: ReadonlySet<string>;
  readonly descriptors: ReadonlySet<string>;
  readonly phases: ReadonlySet<string>;
  readonly negated: boolean;
  readonly quantities: readonly Quantity[];
}

/** Vessel names from the catalogue (sides removed), plus the usual abbreviations and spellings. */
function vesselPatterns(): [RegExp, string][] {
  const names = new Set<string>();
  for (const s of allStructures()) if (s.kind === 'vessel') names.add(s.displayName.replace(/^(left|right) /, ''));
  const out: [RegExp, string][] = [...names].map((n) => [new RegExp(`\\b${n.replace(/ /g, '\\s+')}\\b`, 'gi'), `vessel:${n}`]);
  out.push(
    [/\bc(?:o)?eliac\s+(?:trunk|axis|artery)\b/gi, 'vessel:coeliac trunk'],
    [/\bSMA\b/g, 'vessel:superior mesenteric artery'],
    [/\bSMV\b/g, 'vessel:superior mesenteric vein'],
    [/\bCHA\b/g, 'vessel:common hepatic artery'],
    [/\bIVC\b/g, 'vessel:inferior vena cava'],
    [/\bportal\s+veins?\b/gi, 'vessel:portal and splenic veins'],
    [/\bsplenic\s+vein\b/gi, 'vessel:portal and splenic veins'],
    [/\bhepatic\s+arter(?:y|ies)\b/gi, 'vessel:common hepatic artery'],
    [/\bmesenteric\s+artery\b/gi, 'vessel:superior mesenteric artery'],
    [/\bmesenteric\s+vein\b/gi, 'vessel:superior mesenteric vein'],
    [/\baortic\b/gi, 'vessel:aorta'],
    [/\bvena\s+cava\b/gi, 'vessel:inferior vena cava'],
  );
  return out;
}

const ORGAN_PATTERNS: [RegExp, string][] = [
  [/\blymph\s*nodes?\b|\bnodal\b/gi, 'lymph node'],
  [/\bpleural\s+effusions?\b/gi, 'pleural effusion'],
  [/\bpericardial\s+effusions?\b/gi, 'pericardial effusion'],
  [/\bascites\b|\bascitic\b|\bfree\s+fluid\b|\bperitoneal\s+fluid\b/gi, 'ascites'],
  [/\bgall\s*bladder\b|\bcholecyst\w*/gi, 'gallbladder'],
  [/\burinary\s+bladder\b|\bbladder\b|\bvesical\b/gi, 'bladder'],
  [/\bspinal\s+cord\b/gi, 'spinal cord'],
  [/\bsmall\s+(?:bowel|intestine)\b|\bjejun\w*|\bile(?:um|al)\b/gi, 'small bowel'],
  [/\blivers?\b|\bhepatic\b|\bhepato\w*|\bhepat\w*megaly\b/gi, 'liver'],
  [/\bspleens?\b|\bsplenic\b|\bspleno\w*/gi, 'spleen'],
  [/\bpancrea\w*/gi, 'pancreas'],
  [/\bkidneys?\b|\brenal\b|\bnephr\w*/gi, 'kidney'],
  [/\blungs?\b|\bpulmonary\b|\bpneumo\w*/gi, 'lung'],
  [/\badrenals?\b|\badrenal\s+glands?\b|\bsuprarenal\b/gi, 'adrenal gland'],
  [/\bstomach\b|\bgastric\b/gi, 'stomach'],
  [/\b(?:o)?esophag\w*|\boesophag\w*/gi, 'oesophagus'],
  [/\bduoden\w*/gi, 'duodenum'],
  [/\bcolon\b|\bcolonic\b|\bbowel\b/gi, 'colon'],
  [/\bprostat\w*/gi, 'prostate'],
  [/\bthyroid\w*/gi, 'thyroid gland'],
  [/\btrache\w*/gi, 'trachea'],
  [/\bbronch\w*/gi, 'bronchi'],
  [/\bheart\b|\bcardiac\b/gi, 'heart'],
  [/\bbrain\b|\bcerebral\b/gi, 'brain'],
];

const DESCRIPTOR_PATTERNS: [RegExp, string][] = [
  [/\bmassive\w*|\bmarked(?:ly)?\b/gi, 'massive'],
  [/\benlarg\w*|\w+megaly\b|\bswollen\b/gi, 'enlarged'],
  [/\bfat(?:ty)?\b|\bsteato\w*|\bfat\s+infiltrat\w*/gi, 'fatty'],
  [/\bhypo-?attenuat\w*|\bhypo-?dens\w*|\blow(?:er)?[- ](?:attenuation|density)\b/gi, 'hypoattenuating'],
  [/\biso-?attenuat\w*|\biso-?dens\w*/gi, 'isoattenuating'],
  [/\bhyper-?attenuat\w*|\bhyper-?dens\w*|\bhigh(?:er)?[- ](?:attenuation|density)\b|\bhyper-?enhanc\w*/gi, 'hyperattenuating'],
  [/\bencas\w*|\bsurround\w*|\bencircl\w*/gi, 'encasement'],
  [/\babut\w*|\btouch(?:es|ing)?\s+the\s+(?!scan)\w+/gi, 'abutment'],
  [/\bcyst\w*/gi, 'cyst'],
  [/\bmass(?:es)?\b/gi, 'mass'],
  [/\bnodul\w*/gi, 'nodule'],
  [/\bmalignan\w*|\bmetasta\w*|\bcancer\w*|\bcarcinom\w*|\btumou?r\w*|\bneoplas\w*|\bsarcoma\w*/gi, 'malignancy'],
  [/\bpartial\w*|\bincomplete\w*|\bcut\s+off\b|\btruncat\w*|\bbeyond\s+the\s+scan\b/gi, 'partial'],
  [/\bnormal\b|\bunremarkable\b/gi, 'normal'],
];

const PHASE_PATTERNS: [RegExp, string][] = [
  [/\bnon-?contrast\b|\bunenhanced\b|\bnon-?enhanced\b|\bplain\b/gi, 'non-contrast'],
  [/\barterial\b/gi, 'arterial'],
  [/\bportal[- ]venous\b|\bvenous\s+phase\b/gi, 'portal-venous'],
  [/\bdelayed\b|\bexcretory\b/gi, 'delayed'],
];

const NEGATION = /\b(?:no|not|without|absent|none|neither|nor|negative|free\s+of)\b|n't\b/i;

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, single: 1 };
const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8 };

let VESSELS: [RegExp, string][] | null = null;

function take(text: string, patterns: readonly [RegExp, string][], into: Set<string>): string {
  let out = text;
  for (const [re, concept] of patterns) {
    re.lastIndex = 0;
    out = out.replace(re, (m) => {
      into.add(concept);
      return ' '.repeat(m.length);
    });
  }
  return out;
}

function segmentNumber(token: string): number | null {
  const t = token.toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  return ROMAN[t] ?? null;
}

function takeSegments(text: string, into: Set<string>): string {
  let out = text.replace(/\b(?:couinaud\s+)?segments?\s+((?:[1-9](?!\d|\.\d)|[ivx]+\b)(?:\s*(?:,|and|&|\/|or|-)\s*(?:[1-9](?!\d|\.\d)|[ivx]+\b))*)/gi, (m, list: string) => {
    for (const tok of list.split(/\s*(?:,|and|&|\/|or|-)\s*/i)) {
      const n = segmentNumber(tok.trim());
      if (n !== null) into.add(`liver_segment_${n}`);
    }
    return ' '.repeat(m.length);
  });
  out = out.replace(/\bS([1-8])\b/g, (m, n: string) => {
    into.add(`liver_segment_${n}`);
    return ' '.repeat(m.length);
  });
  out = out.replace(/\b(upper|middle|lower)\s+lobes?\b/gi, (m, level: string) => {
    into.add(`${level.toLowerCase()} lobe`);
    return ' '.repeat(m.length);
  });
  out = out.replace(/\b(head|body|tail|neck|uncinate(?:\s+process)?)\b/gi, (m, part: string) => {
    into.add(`pancreas_${part.toLowerCase().split(/\s+/)[0]}`);
    return ' '.repeat(m.length);
  });
  return out;
}

function takeStages(text: string, into: Set<string>): string {
  return text.replace(/\b[cpy]?T([0-4](?:mi|[a-c])?|is|x)\b/g, (m, cat: string) => {
    into.add(`T${cat}`);
    return ' '.repeat(m.length);
  });
}

const UNIT: Record<string, { dimension: Dimension; toBase: number }> = {
  mm: { dimension: 'length', toBase: 1 },
  cm: { dimension: 'length', toBase: 10 },
  ml: { dimension: 'volume', toBase: 1 },
  cc: { dimension: 'volume', toBase: 1 },
  cm3: { dimension: 'volume', toBase: 1 },
  'cm³': { dimension: 'volume', toBase: 1 },
  mm3: { dimension: 'volume', toBase: 0.001 },
  'mm³': { dimension: 'volume', toBase: 0.001 },
  l: { dimension: 'volume', toBase: 1000 },
  hu: { dimension: 'hu', toBase: 1 },
  degrees: { dimension: 'angle', toBase: 1 },
  degree: { dimension: 'angle', toBase: 1 },
  deg: { dimension: 'angle', toBase: 1 },
  '°': { dimension: 'angle', toBase: 1 },
  '%': { dimension: 'percent', toBase: 1 },
  percent: { dimension: 'percent', toBase: 1 },
};

const NUM = String.raw`[-−]?\d+(?:\.\d+)?`;
const QUANTITY = new RegExp(
  String.raw`(?<![\w.])(${NUM})(?:\s*(?:x|×|by)\s*(${NUM}))?(?:\s*(?:x|×|by)\s*(${NUM}))?\s*(cm3|cm³|mm3|mm³|cm|mm|ml|cc|hu|degrees|degree|deg|°|%|percent|l\b)?(?:st|nd|rd|th)?`,
  'gi',
);

function quantity(numText: string, unit: string | undefined): Quantity {
  const clean = numText.replace('−', '-');
  const decimals = clean.includes('.') ? clean.split('.')[1].length : 0;
  const u = unit === undefined ? undefined : UNIT[unit.toLowerCase()];
  const toBase = u?.toBase ?? 1;
  return {
    base: Number(clean) * toBase,
    dimension: u?.dimension ?? 'count',
    halfStep: 0.5 * 10 ** -decimals * toBase,
    text: unit === undefined ? clean : `${clean} ${unit}`,
  };
}

function takeQuantities(text: string, into: Quantity[]): void {
  QUANTITY.lastIndex = 0;
  for (const m of text.matchAll(QUANTITY)) {
    const unit = m[4];
    for (const n of [m[1], m[2], m[3]]) if (n !== undefined) into.push(quantity(n, unit));
  }
  for (const m of text.matchAll(/\b(one|two|three|four|five|six|seven|eight|nine|ten|single)\b/gi)) {
    into.push({ base: NUMBER_WORDS[m[1].toLowerCase()], dimension: 'count', halfStep: 0, text: m[1] });
  }
}

/** Reads the claims of one sentence. */
export function extractClaims(sentence: string): Claims {
  VESSELS ??= vesselPatterns();
  const concepts = new Set<string>();
  const sides = new Set<string>();
  const segments = new Set<string>();
  const stages = new Set<string>();
  const descriptors = new Set<string>();
  const phases = new Set<string>();
  const quantities: Quantity[] = [];
  const negated = NEGATION.test(sentence);

  let text = takeStages(sentence, stages);
  text = take(text, PHASE_PATTERNS, phases);
  text = take(text, VESSELS, concepts);
  text = takeSegments(text, segments);
  text = take(text, ORGAN_PATTERNS, concepts);
  text = take(text, DESCRIPTOR_PATTERNS, descriptors);
  text = text.replace(/\b(left|right)\b/gi, (m, side: string) => {
    sides.add(side.toLowerCase());
    return ' '.repeat(m.length);
  });
  text = text.replace(/\b(bilateral\w*|both)\b/gi, (m) => {
    sides.add('bilateral');
    return ' '.repeat(m.length);
  });
  // Quantities last, on text whose stage tokens and segment numbers were already removed.
  takeQuantities(text, quantities);
  return { concepts, sides, segments, stages, descriptors, phases, negated, quantities };
}
