import type { LesionType } from '../anatomy/index.ts';
import type { Attenuation, ContactClass } from './types.ts';

/**
 * Word cues of report prose: what kind of statement a clause makes, and NegEx-style negation triggers
 * (Chapman et al., "A simple algorithm for identifying negated findings and diseases in discharge summaries",
 * J Biomed Inform 2001;34(5):301-310, DOI 10.1006/jbin.2001.1029): pre-negation triggers negate the cues after
 * them up to a scope terminator; post-negation triggers ("... not seen") negate the cues before them.
 */

export interface Cue<T = string> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

function all<T>(text: string, re: RegExp, value: (m: RegExpMatchArray) => T | null): Cue<T>[] {
  const out: Cue<T>[] = [];
  for (const m of text.matchAll(re)) {
    const v = value(m);
    if (v !== null) out.push({ value: v, start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const LESION_WORDS: Readonly<Record<string, LesionType>> = {
  lesion: 'lesion', mass: 'mass', nodule: 'nodule', cyst: 'cyst', tumour: 'tumour', tumor: 'tumour', metastasis: 'metastasis',
  metastases: 'metastasis', mets: 'metastasis', neoplasm: 'tumour', carcinoma: 'tumour', malignancy: 'tumour', malignancies: 'tumour',
  sarcoma: 'tumour', sarcomas: 'tumour',
  hypodensity: 'lesion', hypodensities: 'lesion', focus: 'lesion', foci: 'lesion', hcc: 'tumour', pdac: 'tumour', rcc: 'tumour',
};

export function lesionCues(text: string): Cue<LesionType>[] {
  return all(text, /\b(lesions?|mass(?:es)?|nodules?|cysts?|tumou?rs?|metastas[ie]s|mets|neoplasms?|carcinomas?|malignanc(?:y|ies)|sarcomas?|hypodensit(?:y|ies)|foci|focus|hcc|pdac|rcc)\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    return LESION_WORDS[w] ?? LESION_WORDS[w.replace(/(es|s)$/, '')] ?? LESION_WORDS[w.replace(/s$/, '')] ?? 'lesion';
  });
}

export type SizeCue = 'enlarged' | 'massively enlarged' | 'normal size';

/**
 * "-megaly" words name the organs they enlarge (Greek megas, large): hepatomegaly = enlarged liver,
 * splenomegaly = enlarged spleen, hepatosplenomegaly = both enlarged, nephromegaly = enlarged kidneys,
 * cardiomegaly = enlarged heart, thyromegaly = enlarged thyroid. Canonical names of the anatomy catalogue.
 */
const MEGALY_ORGANS: Readonly<Record<string, readonly string[]>> = {
  hepatospleno: ['liver', 'spleen'],
  hepato: ['liver'],
  spleno: ['spleen'],
  nephro: ['kidneys'],
  cardio: ['heart'],
  thyro: ['thyroid_gland'],
};

/** A "-megaly" word of MEGALY_ORGANS (longest stem first, so hepatosplenomegaly is not read as splenomegaly). */
export const MEGALY_RE = /\b(hepatospleno|hepato|spleno|nephro|cardio|thyro)megaly\b/i;

/** Size cues; `organs` is set for words that name their organs (splenomegaly, hepatosplenomegaly). */
export function sizeCues(text: string): Cue<{ cls: SizeCue; organs?: readonly string[] }>[] {
  return all(text, /\b(massively\s+enlarged|(?:massive(?:ly)?\s+)?(hepatospleno|hepato|spleno|nephro|cardio|thyro)megaly|enlarged|enlargement|increased\s+in\s+size|normal[- ]sized|normally\s+sized|(?:of\s+)?normal\s+(?:in\s+)?size|non-?enlarged|size\s+within\s+normal\s+limits)\b/gi, (m) => {
    const w = m[0].toLowerCase();
    const organs = m[2] === undefined ? undefined : MEGALY_ORGANS[m[2].toLowerCase()];
    const cls: SizeCue = /massive/.test(w) ? 'massively enlarged' : /normal|non-?enlarged/.test(w) ? 'normal size' : 'enlarged';
    return organs === undefined ? { cls } : { cls, organs };
  });
}

export function steatosisCues(text: string): Cue<string | undefined>[] {
  return all(text, /\b(steatosis|fatty(?:\s+infiltration|\s+change|\s+liver|\s+pancreas)?|hepatic\s+steatosis|fat(?:ty)?\s+deposition|lipomatosis)\b/gi, (m) => {
    const w = m[0].toLowerCase();
    return w.includes('pancreas') || w.includes('lipomatosis') ? 'pancreas' : w.includes('liver') || w.includes('hepatic') ? 'liver' : undefined;
  });
}

export function fluidCues(text: string): Cue<string>[] {
  return all(text, /\b(ascites|free\s+(?:intraperitoneal\s+|intra-abdominal\s+|abdominal\s+|pelvic\s+)?fluid|intraperitoneal\s+fluid|(pleural|pericardial)\s+effusions?|effusions?)\b/gi, (m) => {
    const kind = m[2]?.toLowerCase();
    return kind === 'pleural' ? 'pleural_effusion' : kind === 'pericardial' ? 'pericardial_effusion' : /effusion/i.test(m[0]) ? 'pleural_effusion' : 'ascites';
  });
}

export function nodeCues(text: string): Cue<true>[] {
  return all(text, /\b(lymph\s*nodes?|lymphadenopathy|adenopathy|nodes?)\b/gi, () => true);
}

export function contactCues(text: string): Cue<ContactClass>[] {
  return all(text, /\b(encas(?:e|es|ed|ing|ement)|encircl\w*|surround\w*|wrap(?:s|ping|ped)?|abut\w*|contact\w*|involv\w*|invad\w*|invasion)\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    if (/^(encas|encircl|surround|wrap)/.test(w)) return 'encasement';
    if (/^abut/.test(w)) return 'abutment';
    return 'contact';
  });
}

export function normalCues(text: string): Cue<true>[] {
  // "normal up to 13 cm" states a limit, not that the organ is normal.
  return all(text, /\b(normal(?!\s+(?:up\s+to|below|above|range|limits?\s+(?:of|is|are)|values?))|unremarkable|within\s+normal\s+limits|no\s+abnormalit(?:y|ies))\b/gi, () => true);
}

/** "abnormal", "abnormality": the organ is not normal (a 'normal' claim, negated), unless itself denied ("no abnormality"). */
export function abnormalCues(text: string): Cue<true>[] {
  return all(text, /\b(abnormal(?:ity|ities)?)\b/gi, () => true);
}

export function attenuationCues(text: string): Cue<Attenuation>[] {
  return all(text, /\b(hypo-?attenuating|hypo-?attenuation|hypo-?dense|low[- ](?:attenuation|attenuating|density)|hypo-?enhancing|iso-?attenuating|iso-?dense|iso-?attenuation|hyper-?attenuating|hyper-?dense|hyper-?attenuation|high[- ](?:attenuation|attenuating|density))\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    if (/^(hypo|low)/.test(w)) return 'hypoattenuating';
    if (/^iso/.test(w)) return 'isoattenuating';
    return 'hyperattenuating';
  });
}

const COUNT_WORDS: Readonly<Record<string, number | 'multiple'>> = {
  a: 1, an: 1, one: 1, single: 1, solitary: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  several: 'multiple', multiple: 'multiple', numerous: 'multiple', innumerable: 'multiple', few: 'multiple', various: 'multiple',
};

/** A count word within three words before `at` ("two small hypoattenuating lesions"). */
export function countBefore(text: string, at: number): number | 'multiple' | undefined {
  const before = text.slice(0, at).toLowerCase();
  const m = /\b(a|an|one|single|solitary|two|three|four|five|six|seven|eight|nine|ten|several|multiple|numerous|innumerable|few|various|\d{1,2})\b((?:\s+[a-z0-9.,-]+){0,4})\s*$/.exec(before);
  if (m === null) return undefined;
  // A measured size between the count and the noun ("a 2.1 cm lesion") is fine; a digit count must not be a size.
  if (/^\d+$/.test(m[1]!)) return /\b(cm|mm)\b/.test(m[2] ?? '') ? undefined : Number(m[1]);
  return COUNT_WORDS[m[1]!];
}

/** T category (AJCC 8): 'T1a', 'T2', 'Tis'. Read as a stage only with staging context (see parse-claims). */
export function stageCues(text: string, staged: boolean): Cue<string>[] {
  return all(text, /\b[cpy]?T([0-4](?:[abc])?|is|x)\b/g, (m) => {
    const cat = m[1]!;
    const explicit = /^[cpy]/.test(m[0]) || /[abc]$/.test(cat) || cat === 'is' || cat === 'x';
    // Bare T1-T4 is a T category unless the words around it name a vertebral level ("at the level of T4").
    const vertebral = /\b(level|vertebra\w*|body|at|from|to)\s*(of\s*)?$/i.test(text.slice(0, m.index!)) || /^\s*(vertebra\w*|level|-\s*T\d)/i.test(text.slice(m.index! + m[0].length));
    return explicit || staged || !vertebral ? `T${cat}` : null;
  });
}

export const STAGING_CONTEXT = /\b(stage|staging|staged|t[- ]?category|t[- ]?stage|ajcc|tnm|classif)/i;

/** Pre-negation triggers. */
const PRE_NEGATION = /\b(no|not|without|negative\s+for|absence\s+of|absent|free\s+of|no\s+evidence\s+of|no\s+signs?\s+of|neither|nor|rule[sd]?\s+out|exclud(?:e|es|ed|ing)|never)\b/gi;
/** Post-negation triggers: negate cues before them. */
const POST_NEGATION = /\b(not\s+(?:seen|identified|present|visuali[sz]ed|demonstrated|detected|appreciated|evident)|(?:is|are|was|were)\s+absent|has\s+resolved|have\s+resolved)\b/gi;
/** Words that end a negation's scope. */
const TERMINATORS = /\b(but|however|although|though|except|apart\s+from|aside\s+from|which|whereas|while|yet|with\s+the\s+exception)\b|[;:]/gi;

export interface NegationScope {
  readonly start: number;
  readonly end: number;
}

export function negationScopes(text: string): NegationScope[] {
  const terms = [...text.matchAll(TERMINATORS)].map((m) => m.index!);
  const scopes: NegationScope[] = [];
  for (const m of text.matchAll(PRE_NEGATION)) {
    const start = m.index!;
    // "no" as in "No. 3" or "not only" is not a negation.
    if (/^no$/i.test(m[1]!) && text[start + 2] === '.') continue;
    const after = start + m[0].length;
    const end = terms.find((t) => t >= after) ?? text.length;
    scopes.push({ start, end });
  }
  for (const m of text.matchAll(POST_NEGATION)) {
    const end = m.index!;
    const start = [...terms].reverse().find((t) => t < end) ?? 0;
    scopes.push({ start, end: m.index! + m[0].length });
  }
  return scopes;
}

export function inScope(scopes: readonly NegationScope[], at: number): boolean {
  return scopes.some((s) => at >= s.start && at < s.end);
}
