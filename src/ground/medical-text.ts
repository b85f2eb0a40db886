import { porterStem } from './porter-stemmer.ts';

/**
 * Text analysis shared by the lexical embedder and the BM25 scorer: lower-casing, accent and British-spelling
 * folding, a light plural stemmer, a small table of radiology synonyms and abbreviations and (from version 3) the
 * Porter stemmer, so that a report's "hypodense hepatic lesions" and a passage's "hypoattenuating liver lesion"
 * share tokens, and so do "compared" and "comparing", "enhanced" and "enhancement".
 *
 * The synonym table is deliberately small and general (words radiologists use interchangeably, abbreviations
 * spelled out); it is versioned with MEDICAL_TEXT_VERSION, which is part of every embedder id that uses it, so a
 * change rebuilds the index.
 */
export const MEDICAL_TEXT_VERSION = 3;

/**
 * token -> replacement tokens (already in canonical form). Applied once per token, after stemming the input
 * token and before stemming the replacements (replacements are written in their final form).
 */
export const MEDICAL_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  // organ adjectives -> organ nouns
  hepatic: ['liver'],
  renal: ['kidney'],
  splenic: ['spleen'],
  pulmonary: ['lung'],
  pancreatic: ['pancreas'],
  // v3: more organ adjectives (a Porter stem does not reach the noun: abdominal -> abdomin, abdomen -> abdomen)
  abdominal: ['abdomen'],
  aortic: ['aorta'],
  pleural: ['pleura'],
  mediastinal: ['mediastinum'],
  pericardial: ['pericardium'],
  peritoneal: ['peritoneum'],
  pelvic: ['pelvis'],
  vertebral: ['vertebra'],
  cardiac: ['heart'],
  esophageal: ['esophagus'],
  gastric: ['stomach'],
  tracheal: ['trachea'],
  bronchial: ['bronchus'],
  axillary: ['axilla'],
  diaphragmatic: ['diaphragm'],
  hepatomegaly: ['liver', 'enlarged'],
  splenomegaly: ['spleen', 'enlarged'],
  nephromegaly: ['kidney', 'enlarged'],
  // attenuation vocabulary (CT "density" is informal for attenuation)
  hypodense: ['hypoattenuating'],
  hypodensity: ['hypoattenuating'],
  hyperdense: ['hyperattenuating'],
  hyperdensity: ['hyperattenuating'],
  isodense: ['isoattenuating'],
  density: ['attenuation'],
  densities: ['attenuation'],
  hypoenhancing: ['hypoattenuating', 'enhancing'],
  // units
  cm3: ['ml'],
  cc: ['ml'],
  millilitre: ['ml'],
  milliliter: ['ml'],
  millimetre: ['mm'],
  millimeter: ['mm'],
  centimetre: ['cm'],
  centimeter: ['cm'],
  // abbreviations
  sma: ['superior', 'mesenteric', 'artery'],
  smv: ['superior', 'mesenteric', 'vein'],
  ivc: ['inferior', 'vena', 'cava'],
  hcc: ['hepatocellular', 'carcinoma'],
  rcc: ['kidney', 'cell', 'carcinoma'],
  pdac: ['pancreas', 'ductal', 'adenocarcinoma'],
  cbd: ['common', 'bile', 'duct'],
  ggn: ['ground', 'glass', 'nodule'],
  ggo: ['ground', 'glass', 'opacity'],
  ap: ['anteroposterior'],
  lymphadenopathy: ['lymph', 'node', 'enlarged'],
  nodal: ['lymph', 'node'],
  cirrhotic: ['cirrhosis'],
  tumor: ['tumour'],
  // v2: adjective and derived forms onto the noun the passages use (general radiology vocabulary)
  emphysematous: ['emphysema'],
  atelectatic: ['atelectasis'],
  pneumonic: ['pneumonia'],
  bronchiectatic: ['bronchiectasis'],
  fibrotic: ['fibrosis'],
  calcific: ['calcification'],
  calcified: ['calcification'],
  atheroma: ['atherosclerosis'],
  atheromatous: ['atherosclerosis'],
  atherosclerotic: ['atherosclerosis'],
  arteriosclerosis: ['atherosclerosis'],
  arteriosclerotic: ['atherosclerosis'],
  infiltration: ['infiltrate'],
  infiltrative: ['infiltrate'],
  nodular: ['nodule'],
  cystic: ['cyst'],
  metastatic: ['metastasis'],
  metastase: ['metastasis'],
  degenerative: ['degeneration'],
  hepatosteatosis: ['liver', 'steatosis'],
  steatotic: ['steatosis'],
  nephrolithiasis: ['kidney', 'stone'],
  urolithiasis: ['urinary', 'stone'],
  calculus: ['stone'],
  calculi: ['stone'],
  cholelithiasis: ['gallbladder', 'stone'],
  cholecystolithiasis: ['gallbladder', 'stone'],
  gallstone: ['gallbladder', 'stone'],
  cardiomegaly: ['heart', 'enlarged'],
  adenopathy: ['lymph', 'node', 'enlarged'],
  // calibre of vessels (translated reports write "calibration"); "natural" for normal
  calibre: ['diameter'],
  caliber: ['diameter'],
  calibration: ['diameter'],
  width: ['diameter'],
  natural: ['normal'],
  unremarkable: ['normal'],
  // v3: derived forms a Porter stem leaves apart (compare -> compar, comparison -> comparison)
  comparison: ['compare'],
};

/** Roman numerals as radiologists write Couinaud segments ("segment IVb", "segments VI and VII"). */
const ROMAN_SEGMENTS: Readonly<Record<string, string>> = {
  i: '1', ii: '2', iii: '3', iv: '4', iva: '4a', ivb: '4b', v: '5', vi: '6', vii: '7', viii: '8',
};

/**
 * Function words, plus (from MEDICAL_TEXT_VERSION 2) the verbs and hedges with which report sentences introduce a
 * finding ("was observed", "is seen", "considering", "consistent with", "shadow" as translated reports use it):
 * they carry no information about which definition supports the sentence. (The plural "shadows" is kept: dropping
 * it too lowered dev recall@3 by two sentences.) From version 3 "significant" too: reports hedge with it ("no
 * significant change"), while in a passage it names Lung-RADS's S modifier, which such a sentence does not cite.
 */
const STOPWORDS = new Set(
  (
    'a an and are as at be by for from has have in into is it its of on or that the their then there these this to was were which with ' +
    'been being observed detected seen noted considering considered consider suggesting suggestive suggest consistent compatible ' +
    'appearance visible shown show shows shadow significant'
  ).split(' '),
);

/**
 * Plural stripping after Harman's "S" stemmer (Harman D. How effective is suffixing? JASIS 1991;42(1):7-15):
 * -ies -> -y (not -eies, -aies), -es -> -e (not -aes, -ees, -oes), -s -> '' (not -us, -ss, -is); words of 3
 * letters or fewer are kept.
 */
export function stemPlural(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/(a|e|o)es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !/(u|s|i)s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Lower-case, strip accents, fold British "ae/oe" spellings of medical stems and superscript digits. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\b(h)ae(m)/g, '$1e$2') // haemangioma, haemorrhage, haemothorax -> hem...
    .replace(/\boe(dema|sophag)/g, 'e$1')
    .replace(/\bcm\s*3\b|\bcm\^3/g, 'cm3')
    .replace(/\bmm\s*3\b|\bmm\^3/g, 'mm3')
    .replace(/\bcubic (millimet(?:re|er)s?|mm)\b/g, 'mm3')
    .replace(/\bcubic (centimet(?:re|er)s?|cm)\b/g, 'ml')
    // v2: density phrases as attenuation words, a space-occupying lesion as a mass
    .replace(/\blow[- ]densit(?:y|ies)\b/g, 'hypodense')
    .replace(/\bhigh[- ]densit(?:y|ies)\b/g, 'hyperdense')
    .replace(/\bspace[- ]occupying\b/g, 'mass')
    // v3: a cross-section is a section (an organ "within the cross-sectional area" lies in the scanned sections)
    .replace(/\bcross[- ]?(section)/g, '$1');
}

/** Options of `analyseText`. */
export interface AnalyseOptions {
  /** Apply MEDICAL_SYNONYMS and roman segment numbers (default true). */
  readonly synonyms?: boolean;
  /** Drop common English function words (default true). */
  readonly dropStopwords?: boolean;
  /**
   * Reduce every token to its Porter stem (porter-stemmer.ts) after the synonym table (default true; from
   * MEDICAL_TEXT_VERSION 3). Off, the tokens are the plural-stripped words and synonyms of version 2.
   */
  readonly porter?: boolean;
}

/** The token sequence of a text: folded, split on non-alphanumerics, plurals stripped, synonyms expanded, Porter-stemmed. */
export function analyseText(text: string, options: AnalyseOptions = {}): string[] {
  const synonyms = options.synonyms ?? true;
  const dropStopwords = options.dropStopwords ?? true;
  const finish = options.porter ?? true ? porterStem : (t: string) => t;
  const raw = foldText(text).match(/[a-z0-9]+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const word = raw[i];
    if (synonyms && /^segments?$/.test(raw[i - 1] ?? '') && ROMAN_SEGMENTS[word] !== undefined) {
      out.push(ROMAN_SEGMENTS[word]);
      continue;
    }
    if (dropStopwords && STOPWORDS.has(word)) continue;
    const stem = stemPlural(word);
    const replacement = synonyms ? MEDICAL_SYNONYMS[stem] ?? MEDICAL_SYNONYMS[word] : undefined;
    if (replacement !== undefined) for (const r of replacement) out.push(finish(r));
    else out.push(finish(stem));
  }
  return out;
}

/**
 * Words that only say where something is (side, lobe, segment, direction). A report sentence usually names its
 * finding and then its place ("bronchiectasis in the left lower lobe"); the passage that supports it is about the
 * finding, while the place words match anatomy passages. The retriever therefore also scores the sentence with
 * these words removed (retriever.ts, locationWeight). Organ names and finding-bearing location words
 * (subpleural, hilar, perifissural, subsegmental) are not in the list. "Parenchyma" is (from version 3): reports
 * place findings "in the lung parenchyma" or "in the liver parenchyma", which otherwise pulls the passages that
 * define groundct's organ parenchyma; the adjective "parenchymal" ("parenchymal band") stays. So are "section(s)"
 * and "sectional" (version 3): translated reports place findings "in the sections" or "in the cross-sectional
 * area" (the scanned slices), which otherwise pulls the Couinaud passages' left lateral and right posterior
 * sections.
 */
export const LOCATION_WORDS: ReadonlySet<string> = new Set(
  (
    'left right bilateral both upper middle lower lobe lobes lobar segment segments anterior posterior superior inferior lateral medial ' +
    'apical apex apices basal base bases apicoposterior anteromedial laterobasal posterobasal mediobasal anterobasal lingula lingular ' +
    'parenchyma section sections sectional dorsal ventral proximal distal peripheral central cranial caudal pole poles side sides level levels part parts region regions area areas ' +
    'i ii iii iv iva ivb v vi vii viii 1 2 3 4 4a 4b 5 6 7 8 s1 s2 s3 s4 s5 s6 s7 s8'
  ).split(' '),
);

/** The text without its location words (LOCATION_WORDS), spacing and punctuation kept simple; '' when nothing else is left. */
export function withoutLocationWords(text: string): string {
  const words = foldText(text).match(/[a-z0-9]+/g) ?? [];
  const kept = words.filter((w) => !LOCATION_WORDS.has(w) && !STOPWORDS.has(w));
  return kept.length === words.filter((w) => !STOPWORDS.has(w)).length ? text : kept.join(' ');
}
