import type { LesionType } from './types.ts';

/**
 * The systematic parts of structure names that `normaliseName` recognises by rule rather than by alias: tokens,
 * side words, vertebral levels, rib numbers, Couinaud segments, lesion words and radiotherapy volumes.
 * Pure functions of strings; catalogue look-ups happen in normalise-name.ts.
 */

/** Words of a raw name: camelCase split ('SpinalCord' -> spinal, cord), diacritics dropped, lower case. */
export function tokenise(raw: string): string[] {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

export type Side = 'left' | 'right' | 'both';

/** Side words as written in label names (English, Latin, German and the one/two-letter forms). */
const SIDE_WORDS: Readonly<Record<string, Side>> = {
  left: 'left', l: 'left', lt: 'left', lft: 'left', sin: 'left', sinister: 'left', sinistra: 'left', links: 'left',
  right: 'right', r: 'right', rt: 'right', rgt: 'right', dx: 'right', dexter: 'right', dextra: 'right', rechts: 'right',
  both: 'both', bilateral: 'both', bilat: 'both',
};

export function sideOfToken(token: string): Side | undefined {
  return SIDE_WORDS[token];
}

/** Side words that may be glued to the front or back of a name key ('kidneyl', 'leftkidney'), longest first. */
export const GLUED_SIDE_AFFIXES: readonly (readonly [string, Side])[] = [
  ['right', 'right'], ['left', 'left'], ['rt', 'right'], ['lt', 'left'], ['r', 'right'], ['l', 'left'],
];

/** Words that add nothing to a structure name: 'Liver_mask', 'Lung_Total', 'spine_seg', 'liver.nii.gz'. */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'mask', 'masks', 'roi', 'label', 'labels', 'contour', 'seg', 'segmentation', 'total', 'whole', 'entire', 'structure',
  'the', 'of', 'gt', 'nii', 'gz', 'nrrd',
]);

/**
 * Vertebral level from a name key: 'l3', 'vertebrael3', 'l3vertebra', 'th12', 'lumbar3', 'c7'. Returns the
 * TotalSegmentator level ('L3', 'T12') and whether a vertebra word was present; a bare 's1' is also Couinaud
 * segment 1, so the caller treats it as ambiguous.
 */
export function vertebraLevel(key: string): { level: string; explicit: boolean } | null {
  const short = /^(vertebrae|vertebra|vert)?(c|th|t|l|s)(\d{1,2})(vertebrae|vertebra|vert|vertebralbody)?$/.exec(key);
  if (short) {
    const letter = short[2] === 'th' ? 'T' : short[2]!.toUpperCase();
    return { level: `${letter}${Number(short[3])}`, explicit: short[1] !== undefined || short[4] !== undefined };
  }
  const long = /^(cervical|thoracic|lumbar|sacral)(vertebrae|vertebra)?(\d{1,2})(vertebrae|vertebra)?$/.exec(key);
  if (long) {
    const letter = { cervical: 'C', thoracic: 'T', lumbar: 'L', sacral: 'S' }[long[1] as 'cervical' | 'thoracic' | 'lumbar' | 'sacral'];
    return { level: `${letter}${Number(long[3])}`, explicit: true };
  }
  return null;
}

const ROMAN: Readonly<Record<string, number>> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8 };

/**
 * Couinaud segment number (1-8) from a name key: 's7', 'segment7', 'segmentvii', 'couinaud7', 'liverseg4a'.
 * 4a/4b map to 4 (TotalSegmentator does not split segment 4). Roman numerals need the word segment/seg/couinaud,
 * since a bare 'sv' is more often something else. `bare` is true for the 's<n>' form alone.
 */
export function couinaudSegment(key: string): { segment: number; bare: boolean } | null {
  const arabic = /^(liver|hepatic)?(couinaudsegment|couinaudseg|couinauds|couinaud|segment|seg|s)([1-8])([ab])?$/.exec(key);
  if (arabic) return { segment: Number(arabic[3]), bare: arabic[1] === undefined && arabic[2] === 's' && arabic[4] === undefined };
  const roman = /^(liver|hepatic)?(couinaudsegment|couinaudseg|couinaud|segment|seg)(viii|vii|vi|iv|v|iii|ii|i)([ab])?$/.exec(key);
  if (roman) return { segment: ROMAN[roman[3]!]!, bare: false };
  return null;
}

/**
 * Rib side and number from tokens: 'rib L5', 'left 5th rib', 'rib_5_right', 'Rib_R12'. Null unless a rib word,
 * one side and one number 1-12 are all present.
 */
export function ribOf(tokens: readonly string[]): { side: 'left' | 'right'; number: number } | null {
  if (!tokens.some((t) => t === 'rib' || t === 'ribs' || t === 'costa')) return null;
  let side: 'left' | 'right' | undefined;
  let num: number | undefined;
  for (const t of tokens) {
    const s = sideOfToken(t);
    if (s === 'left' || s === 'right') side = s;
    const glued = /^([lr])(\d{1,2})$/.exec(t) ?? /^(\d{1,2})([lr])$/.exec(t);
    if (glued) {
      const [letter, digits] = /\d/.test(glued[1]!) ? [glued[2]!, glued[1]!] : [glued[1]!, glued[2]!];
      side = letter === 'l' ? 'left' : 'right';
      num = Number(digits);
    }
    const n = /^(\d{1,2})(st|nd|rd|th)?$/.exec(t);
    if (n) num = Number(n[1]);
  }
  if (side === undefined || num === undefined || num < 1 || num > 12) return null;
  return { side, number: num };
}

/** Lesion words and the type each states. */
const LESION_WORDS: Readonly<Record<string, LesionType>> = {
  lesion: 'lesion', lesions: 'lesion',
  tumor: 'tumour', tumors: 'tumour', tumour: 'tumour', tumours: 'tumour', cancer: 'tumour', carcinoma: 'tumour',
  neoplasm: 'tumour', malignancy: 'tumour',
  mass: 'mass', masses: 'mass',
  nodule: 'nodule', nodules: 'nodule',
  cyst: 'cyst', cysts: 'cyst',
  metastasis: 'metastasis', metastases: 'metastasis', mets: 'metastasis', met: 'metastasis', metastatic: 'metastasis',
};

/** When a name states several types ('GTV_Mass'), the most specific wins. */
const TYPE_SPECIFICITY: readonly LesionType[] = ['metastasis', 'cyst', 'nodule', 'mass', 'tumour', 'lesion'];

/** Tumour acronyms that name their organ: HCC, PDAC, RCC, NSCLC. The organ is a phrase normaliseName resolves. */
const TUMOUR_ACRONYMS: Readonly<Record<string, string>> = {
  hcc: 'liver', pdac: 'pancreas', rcc: 'kidney', ccrcc: 'kidney', nsclc: 'lung', sclc: 'lung',
};

/**
 * Gross tumour volume (ICRU Report 50, 1993; ICRU Report 62, 1999): the visible tumour, so it is a lesion.
 * 'gtv', 'gtv1', 'gtvp', 'gtvp1'; 'gtvn'/'gtvnode' is a nodal GTV (an involved lymph node).
 */
const GTV_TOKEN = /^gtv(p|t|primary|n|node|nodal|ln)?\d*$/;

/**
 * Clinical, internal and planning target volumes and planning organ-at-risk volumes (ICRU Reports 50, 62 and 83)
 * add margins for microscopic spread, motion and set-up error to the GTV or an organ. They are not the lesion or
 * the organ and must not be measured as one, so they stay unknown structures (with this note).
 */
const MARGIN_VOLUME_TOKEN = /^(ctv|ptv|itv|irv|prv)[a-z0-9]*$/;
export const MARGIN_VOLUME_NOTE =
  'radiotherapy target or planning volume (CTV/ITV/PTV/PRV, ICRU Reports 50/62/83): it includes margins, so it is not measured as a lesion or organ';
/** TG-263 writes "structure minus volume" with a hyphen: 'Lungs-GTV', 'Liver-PTV'. */
const MINUS_VOLUME = /[a-z0-9)\]]\s*-\s*(gtv|ctv|itv|ptv)/i;
export const MINUS_VOLUME_NOTE = 'a structure minus a radiotherapy volume (TG-263 "A-B" form), not the structure itself';

/** Why a raw name must stay unknown although it looks recognisable, or undefined. */
export function marginVolumeNote(raw: string, tokens: readonly string[]): string | undefined {
  if (MINUS_VOLUME.test(raw)) return MINUS_VOLUME_NOTE;
  if (tokens.some((t) => MARGIN_VOLUME_TOKEN.test(t))) return MARGIN_VOLUME_NOTE;
  return undefined;
}

/** Organ adjectives of lesion phrases ('hepatic lesion', 'renal cyst') -> an organ phrase normaliseName resolves. */
const ORGAN_ADJECTIVES: Readonly<Record<string, string>> = {
  hepatic: 'liver', hepatocellular: 'liver', pancreatic: 'pancreas', renal: 'kidney', pulmonary: 'lung',
  splenic: 'spleen', adrenal: 'adrenal', thyroid: 'thyroid', osseous: 'bone', bony: 'bone', skeletal: 'bone',
  gastric: 'stomach', colonic: 'colon', cerebral: 'brain', nodal: 'node',
};

/** Words of lesion phrases that name neither organ nor type: 'primary', 'GTV p', 'enhancing tumor'. */
const LESION_FILLERS: ReadonlySet<string> = new Set([
  'primary', 'primaries', 'gross', 'main', 'target', 'enhancing', 'solid', 'focal', 'index', 'dominant', 'suspected',
  'suspicious', 'known', 'new', 'p', 't', 'in', 'of', 'the', 'and', 'a',
]);

export interface LesionPhrase {
  /** The most specific type the words state. */
  readonly lesionType: LesionType;
  /** Tokens left once lesion words, fillers and numbers are removed, organ adjectives rewritten. */
  readonly organTokens: readonly string[];
  /** The organ a tumour acronym names (HCC -> 'liver'). */
  readonly acronymOrgan?: string;
  /** A nodal GTV (GTVn): the lesion is a lymph node. */
  readonly nodal: boolean;
}

/** Reads a name as a lesion phrase, or null when it holds no lesion word, GTV or tumour acronym. */
export function lesionPhrase(tokens: readonly string[]): LesionPhrase | null {
  const stated: LesionType[] = [];
  const organTokens: string[] = [];
  let acronymOrgan: string | undefined;
  let nodal = false;
  let sawGtv = false;
  for (const t of tokens) {
    const word = LESION_WORDS[t];
    const gtv = GTV_TOKEN.exec(t);
    if (word !== undefined) stated.push(word);
    else if (gtv) {
      sawGtv = true;
      stated.push('tumour');
      if (gtv[1] !== undefined && ['n', 'node', 'nodal', 'ln'].includes(gtv[1])) nodal = true;
    } else if (TUMOUR_ACRONYMS[t] !== undefined) {
      stated.push('tumour');
      acronymOrgan = TUMOUR_ACRONYMS[t];
    } else if (sawGtv && (t === 'n' || t === 'node' || t === 'ln')) nodal = true;
    else if (/^\d+$/.test(t) || LESION_FILLERS.has(t) || FILLER_WORDS.has(t)) continue;
    else organTokens.push(ORGAN_ADJECTIVES[t] ?? t);
  }
  if (stated.length === 0) return null;
  const lesionType = TYPE_SPECIFICITY.find((type) => stated.includes(type)) ?? 'lesion';
  return { lesionType, organTokens, acronymOrgan, nodal };
}

/** The lesion type a raw name states, if any ('renal cyst' -> 'cyst', 'HCC' -> 'tumour'). */
export function statedLesionType(tokens: readonly string[]): LesionType | undefined {
  return lesionPhrase(tokens)?.lesionType;
}
