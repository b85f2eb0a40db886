import { ancestors, normaliseName, structureOrNull } from '../anatomy/index.ts';

/**
 * The words of a question, and the anatomy phrases in them, read against the anatomy catalogue's vocabulary
 * (canonical names, ALIASES and normaliseName's patterns: sides 'L'/'left', plurals, Couinaud numerals I-VIII,
 * 'right lower lobe', 'pancreatic head'). Deterministic: the same question always gives the same phrases.
 */

/** Rewrites of question phrasing the name normaliser does not read, applied in order to the lower-cased text. */
const REWRITES: readonly (readonly [RegExp, string])[] = [
  [/[’`]/g, "'"],
  // 'in this picture,spleen,kidney or liver': a list written without spaces after its commas.
  [/,(?=[a-z])/g, ', '],
  [/\b(upper|middle|lower) lobe of the (left|right) lung\b/g, '$2 $1 lobe'],
  [/\b(head|body|tail) of (?:the )?pancreas\b/g, 'pancreatic $1'],
  [/\bcaudate lobe\b/g, 'segment 1'],
  [/^(?:please|kindly|(?:can|could|would) you(?: please)?)\s+(?!see|detect|identify|observe|appreciate|find|recogni[sz]e|tell)/, ''],
  // 'the right kidney ... than the left one': the pronoun stands for the same organ.
  [/\b(left|right) ([a-z]+(?: gland)?)\b(.*)\bthe (left|right) one\b/g, '$1 $2$3the $4 $2'],
  // 'left or right kidney' names both members of the pair.
  [/\b(left|right) (or|and|vs\.?|versus) (left|right) ([a-z]+(?: gland)?)\b/g, '$1 $4 $2 $3 $4'],
  [/\bcouinaud\b/g, ''],
  [/\bsplenomegaly\b/g, 'spleen enlarged'],
  [/\bhepatomegaly\b/g, 'liver enlarged'],
  [/\b(?:hepatic steatosis|fatty liver|liver steatosis)\b/g, 'liver fatty'],
  [/\b(?:pancreatic steatosis|fatty pancreas)\b/g, 'pancreas fatty'],
  [/\bt[- ]?(?:stage|category|classification)\b/g, 'tstage'],
  [/\bhounsfield units?\b/g, 'hu'],
  [/\bcm(?:3|\^3)\b/g, 'ml'],
  // Spellings and synonyms of real questions (VQA-RAD, SLAKE, RadGenome-ChestCT): typos, abbreviations, fluids.
  [/\bsag+it+al\b/g, 'sagittal'],
  [/\bhomogenous\b/g, 'homogeneous'],
  [/\bgb\b/g, 'gallbladder'],
  [/\bpleural fluid\b/g, 'pleural effusion'],
  [/\b(?:minimal |small |some )?effusion in the (?:heart|pericardium)\b/g, 'pericardial effusion'],
  [/\b(?:lymphadenopathy|adenopathy)\b/g, 'lymph nodes'],
  [/\bbones?\b(?! marrow)/g, 'skeleton'],
  [/(?<!(?:left|right) )\b(?:upper|middle|lower) lobe of (?:the )?lungs?\b|(?<!(?:left|right) )\blungs? (?:upper|middle|lower) lobes?\b/g, 'lung'],
  [/\bheart ascending aorta\b/g, 'aorta'],
  [/\b(?:ascending|descending|thoracic|abdominal) aorta\b|\baortic arch\b/g, 'aorta'],
  [/\bare\/is\b|\bis\/are\b/g, 'are'],
  [/\borgans\/organ\b/g, 'organs'],
];

/** Lesion words and the kind of lesion they ask about ('solid': anything but a cyst). */
/**
 * Lesion words that state a diagnosis. A mask does not show that a lesion is a metastasis or a cancer, so "is
 * there a metastasis?" is out of scope; in other questions ("the T stage of the pancreatic cancer") they only
 * name the lesion.
 */
export const DIAGNOSIS_WORDS: ReadonlySet<string> = new Set(['metastasis', 'metastases', 'metastatic', 'cancer', 'cancers', 'carcinoma', 'carcinomas', 'malignancy', 'neoplasm', 'neoplasms']);

export const LESION_WORDS: Readonly<Record<string, 'any' | 'cyst' | 'solid'>> = {
  lesion: 'any', lesions: 'any', hypodensity: 'any', hypodensities: 'any', hyperdensity: 'any', hyperdensities: 'any', nodular: 'any',
  cyst: 'cyst', cysts: 'cyst', cystic: 'cyst',
  tumour: 'solid', tumours: 'solid', tumor: 'solid', tumors: 'solid', mass: 'solid', masses: 'solid',
  nodule: 'solid', nodules: 'solid', metastasis: 'solid', metastases: 'solid', cancer: 'solid', carcinoma: 'solid',
  neoplasm: 'solid', neoplasms: 'solid', cancers: 'solid', carcinomas: 'solid',
};

/** Organ adjectives the catalogue has no alias for; not applied before a vessel word ('renal artery'). */
const ADJECTIVES: Readonly<Record<string, string>> = {
  hepatic: 'liver', renal: 'kidney', splenic: 'spleen', pancreatic: 'pancreas', pulmonary: 'lung', adrenals: 'adrenal', aortic: 'aorta',
};
const VESSEL_WORDS = new Set(['artery', 'arteries', 'vein', 'veins', 'vessel', 'vessels', 'trunk', 'flexure', 'hilum']);

/** Words that never start or end an anatomy phrase (question words, articles, prepositions, verbs). */
const STOP_WORDS = new Set(stopWordList());
function stopWordList(): string[] {
  return [
  'is', 'are', 'was', 'were', 'be', 'there', 'a', 'an', 'any', 'the', 'in', 'of', 'on', 'at', 'to', 'from', 'within',
  'what', 'which', 'where', 'how', 'many', 'much', 'does', 'do', 'did', 'has', 'have', 'with', 'this', 'that', 'its',
  'it', 'me', 'show', 'display', 'highlight', 'please', 'and', 'or', 'than', 'larger', 'smaller', 'bigger', 'size',
  'volume', 'normal', 'enlarged', 'fatty', 'largest', 'biggest', 'smallest', 'second', 'mean', 'average', 'hu',
  'attenuation', 'density', 'located', 'lie', 'lies', 'seen', 'present', 'visible', 'number', 'count', 'tstage',
  'stage', 'long', 'short', 'axis', 'diameter', 'length', 'large', 'big', 'measure', 'measurement', 'one', 'side',
  'part', 'region', 'organ', 'i', 'we', 'you', 'see', 'can', 'contain', 'contains', 'appear', 'look', 'looks', 'by',
  ];
}

/** Single words that name a catalogue structure but in a question mean something else ('body of evidence'). */
const AMBIGUOUS_SINGLE = new Set(['body', 'trunk', 'node', 'cord', 'bone', 'fluid']);

/** Words that are not the name of what a question asks about (question words, image words, verbs). */
const NOT_A_NAME = new Set([
  ...stopWordList(),
  'picture', 'image', 'images', 'scan', 'study', 'ct', 'exist', 'exists', 'existing', 'appear', 'appears', 'shown', 'visualized', 'visualised',
  'visible', 'present', 'enlarged', 'enlargement', 'healthy', 'abnormal', 'seen', 'these', 'there', 'located', 'some', 'both', 'all',
  'are', 'is', 'a', 'an', 'any', 'evidence', 'sign', 'signs', 'of', 'it', 'they', 'patient', 'patients', 'here', 'now', 'how', 'many', 'much',
]);

/**
 * The name a question asks about when the catalogue does not know it ("Does the picture contain eyes?" -> 'eyes',
 * "How many femoral heads are shown?" -> 'femoral heads'): the content words left after question, image and verb
 * words, at most three; null when none is left.
 */
export function unknownName(tokens: readonly string[]): string | null {
  const words = tokens.filter((t) => !NOT_A_NAME.has(t) && !/^\d+$/.test(t));
  return words.length === 0 ? null : words.slice(0, 3).join(' ');
}

export interface QuestionWords {
  /** The question lower-cased with REWRITES applied. */
  readonly text: string;
  readonly tokens: readonly string[];
}

export function questionWords(question: string): QuestionWords {
  let text = question.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  for (const [pattern, replacement] of REWRITES) text = text.replace(pattern, replacement);
  text = text.replace(/\s+/g, ' ').trim();
  const raw = text.split(/[^a-z0-9']+/).map((t) => t.replace(/'s$|'/g, '')).filter((t) => t.length > 0);
  const tokens = raw.map((t, i) => {
    const organ = ADJECTIVES[t];
    return organ !== undefined && !VESSEL_WORDS.has(raw[i + 1] ?? '') ? organ : t;
  });
  return { text, tokens };
}

/** An anatomy phrase found in the question: canonical name and the token span it covers. */
export interface Phrase {
  readonly structure: string;
  readonly start: number;
  readonly end: number;
}

/** Largest n-gram tried against the normaliser ('lower lobe of left lung' is rewritten before). */
const MAX_PHRASE_TOKENS = 4;

/**
 * Anatomy phrases, longest first and non-overlapping, in question order. Lesion words are skipped (the lesion
 * itself is the question's target, the phrase is where it lies); a phrase that normalises to a lesion class is
 * kept as its organ ('renal cyst' -> kidneys). `ignore` drops token positions (e.g. a 'T4' that is a category).
 */
export function findPhrases(tokens: readonly string[], ignore: ReadonlySet<number> = new Set()): Phrase[] {
  const used = new Array<boolean>(tokens.length).fill(false);
  for (const i of ignore) used[i] = true;
  tokens.forEach((t, i) => {
    if (LESION_WORDS[t] !== undefined) used[i] = true;
  });
  const found: Phrase[] = [];
  for (let n = Math.min(MAX_PHRASE_TOKENS, tokens.length); n >= 1; n--) {
    for (let start = 0; start + n <= tokens.length; start++) {
      const span = tokens.slice(start, start + n);
      if (used.slice(start, start + n).some(Boolean)) continue;
      if (STOP_WORDS.has(span[0]) || STOP_WORDS.has(span[n - 1])) continue;
      if (n === 1 && AMBIGUOUS_SINGLE.has(span[0])) continue;
      const canonical = normaliseName(span.join(' ')).canonical;
      if (canonical === null) continue;
      const s = structureOrNull(canonical);
      if (s === null || s.name === 'body' || s.name === 'lesion') continue;
      const structure = s.kind === 'lesion' ? (s.lesionOf ?? null) : s.name;
      if (structure === null) continue;
      found.push({ structure, start, end: start + n });
      for (let i = start; i < start + n; i++) used[i] = true;
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Drops a phrase when another phrase names a part of it ('liver' next to 'segment 7' keeps the segment). */
export function mostSpecific(phrases: readonly Phrase[]): Phrase[] {
  const specific = phrases.filter((p) => !phrases.some((q) => q !== p && ancestors(q.structure).includes(p.structure)));
  // A body cavity ("the mediastinum", a TotalSegmentator trunk_cavities class) is where something is looked for:
  // the other structure the question names comes first ("lymph nodes in the mediastinum").
  const cavity = (p: Phrase) => structureOrNull(p.structure)?.kind === 'cavity';
  return [...specific.filter((p) => !cavity(p)), ...specific.filter(cavity)];
}

/** Side words left over after the phrases took theirs ('the lesion on the left'). */
export function looseSide(tokens: readonly string[], phrases: readonly Phrase[]): 'left' | 'right' | undefined {
  const covered = (i: number) => phrases.some((p) => i >= p.start && i < p.end);
  for (let i = 0; i < tokens.length; i++) {
    if (covered(i)) continue;
    if (tokens[i] === 'left') return 'left';
    if (tokens[i] === 'right') return 'right';
  }
  return undefined;
}

/** The lesion kind the question's lesion words ask about; null when it names no lesion. */
export function lesionKindOf(tokens: readonly string[]): 'any' | 'cyst' | 'solid' | null {
  const kinds = tokens.map((t) => LESION_WORDS[t]).filter((k) => k !== undefined);
  if (kinds.length === 0) return null;
  if (kinds.includes('cyst')) return 'cyst';
  return kinds.includes('solid') ? 'solid' : 'any';
}
