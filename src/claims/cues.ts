import type { LesionType } from '../anatomy/index.ts';
import type { Attenuation, ContactClass } from './types.ts';

/**
 * Word cues of report prose: what kind of statement a clause makes, negation and uncertainty.
 *
 * Negation follows NegEx (Chapman et al., "A simple algorithm for identifying negated findings and diseases in
 * discharge summaries", J Biomed Inform 2001;34(5):301-310, DOI 10.1006/jbin.2001.1029): pre-negation triggers
 * negate the cues after them up to a scope terminator; post-negation triggers ("... not seen") negate the cues
 * before them; pseudo-triggers ("no change in", "not only") negate nothing. Uncertainty follows ConText (Harkema
 * et al., "ConText: an algorithm for determining negation, experiencer, and temporal status from clinical
 * reports", J Biomed Inform 2009;42(5):839-851, DOI 10.1016/j.jbi.2009.05.002): "cannot be excluded", "suspicious
 * for", "considering", "?" make what follows them hypothetical, not negated; the claim keeps `certainty`.
 */

export interface Cue<T = string> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

export interface Span {
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

export const inSpan = (spans: readonly Span[], at: number) => spans.some((s) => at >= s.start && at < s.end);

// ---------------------------------------------------------------------------------------------------------------
// Lesions

/** Lesion nouns and the lesion-word adjectives real reports use ("nodular densities", "tumoral thickening"). */
const LESION_WORD = String.raw`lesions?|mass(?:es)?|nodules?|micronodules?|nodular(?:ity)?|cysts?|cystic|polycystic|tumou?rs?|tumou?ral|metastas[ie]s|metastatic|mets|neoplasms?|neoplastic|carcinomas?|malignanc(?:y|ies)|malignant|sarcomas?|lymphomas?|hypodensit(?:y|ies)|hyperdensit(?:y|ies)|foci|focus|hcc|pdac|rcc|abscess(?:es)?|adenomas?|lipomas?|hamartomas?|ha?emangiomas?|angiomyolipomas?|myelolipomas?|implants?|pseudocysts?|space[- ]occupying`;

/** "low-density shadow/focus/area", "hypodense appearance": a focal density difference written without a lesion noun. */
const DENSITY_LESION = String.raw`(?:(?:low|high|slightly\s+low|slightly\s+high|soft[- ]tissue|fluid|fat)[- ]density|hypo-?dense|hyper-?dense|hypo-?attenuating|hypo-?echoic)\s+(?:[a-z-]+\s+){0,2}?(?:shadows?|foci|focus|areas?|appearances?)`;

const LESION_RE = new RegExp(String.raw`\b(?:${DENSITY_LESION}|${LESION_WORD})\b`, 'gi');

const LESION_TYPES: readonly (readonly [RegExp, LesionType])[] = [
  [/^(?:poly)?cyst|pseudocyst/i, 'cyst'],
  [/^(?:mass|space)/i, 'mass'],
  [/^(?:micro)?nodul/i, 'nodule'],
  [/^metasta|^mets/i, 'metastasis'],
  [/^(?:tumou?r|neoplas|carcinom|malignan|sarcom|lymphom|hcc|pdac|rcc)/i, 'tumour'],
];

/** Diagnoses that make a lesion claim even when they are only an interpretation ("suspected tumour"). */
/** Peritoneal and omental implants are metastatic deposits (a breast or dental implant is excluded in notALesion). */
const MALIGNANT = /^(?:tumou?r|neoplas|carcinom|malignan|sarcom|lymphom|metasta|mets|cancer|hcc|pdac|rcc|implant)/i;

/**
 * Words that are not lesions although they look like one: a mass effect, the foci of a calcification, of fat or of
 * an inflammation, a cystic bronchiectasis, a "nodular goitre" (an organ change). Read on the text around the cue.
 */
function notALesion(text: string, c: Span): boolean {
  const word = text.slice(c.start, c.end).toLowerCase();
  const after = text.slice(c.end, c.end + 30).toLowerCase();
  const before = text.slice(Math.max(0, c.start - 40), c.start).toLowerCase();
  if (/^mass/.test(word) && /^\s*effect/.test(after)) return true;
  if (/^(foci|focus)$/.test(word) && /(calcif\w*|fat|fatty|inflammat\w*|infect\w*|infiltrat\w*|air|gas|contrast|h(a)?emorrhag\w*|sclero\w*|punctate calcif\w*)(\s+(density|signal))?\s+$/.test(before.split(/[,;(]/).pop() ?? '')) return true;
  if (/^cystic$|^nodular$/.test(word) && /^\s*(bronchiectasis|changes?|degeneration|fibrosis|goit(er|re)|hyperplasia|duct|pattern|configuration of the)\b/.test(after)) return true;
  if (/^(implants?)$/.test(word) && /(breast|dental|cochlear|metal\w*|prosthe\w*)\s+$/.test(before)) return true;
  return false;
}

/**
 * A back-reference to a lesion already stated ("the lesion", "the described nodules", "this mass"): a determiner,
 * optionally a referring adjective, then the lesion word itself, no anatomy word between. It states no new lesion.
 */
export function isBackReference(text: string, c: Span): boolean {
  const before = text.slice(Math.max(0, c.start - 60), c.start);
  return /\b(?:the|this|these|that|those|said|such|its)\s+(?:(?:above|aforementioned|above-mentioned|mentioned|described|previously\s+described|same|known|largest|smallest|dominant|index|target)\s+)*$/i.test(before);
}

/** Lesion cues of a text (lesion nouns, lesion adjectives, density words with a focal noun), non-lesions removed. */
export function lesionCues(text: string): Cue<LesionType>[] {
  return all(text, LESION_RE, (m) => {
    const w = m[0]!;
    const span = { start: m.index!, end: m.index! + w.length };
    if (notALesion(text, span)) return null;
    const type = LESION_TYPES.find(([re]) => re.test(w.replace(/^.*\s/, '')) || re.test(w))?.[1];
    return type ?? 'lesion';
  });
}

export function isMalignantWord(word: string): boolean {
  return MALIGNANT.test(word);
}

// ---------------------------------------------------------------------------------------------------------------
// Interpretation and uncertainty (ConText)

/**
 * Triggers after which a clause interprets what it described ("..., considering renal cysts", "suspected tumour",
 * "cannot be excluded"): what follows is hypothetical. "?" makes its own phrase (back to a bracket or comma) so.
 */
const HEDGE = /\b(?:consider(?:ing|ed)?|suggest(?:s|ed|ing|ive\s+of)?|consistent\s+with|compatible\s+with|in\s+favou?r\s+of|indicat(?:es|ed|ing|ive\s+of)|likely|may\s+be|might\s+be|could\s+be|suspected\s+(?:to\s+be|of|as|for)|suspicious\s+(?:for|of)|(?:cannot|can\s+not|could\s+not|not)\s+be\s+(?:excluded|ruled\s+out)|not\s+excluded|to\s+rule\s+out|rule\s+out|r\/o|tendency\s+towards|representing|thought\s+to\s+be|differential(?:\s+diagnosis)?|presumably)\b/gi;
/** Hedging adjectives: uncertain about the noun after them only ("suspected tumour", "possible nodule"). */
const HEDGE_ADJECTIVE = /\b(?:suspected|suspicious|possible|possibly|probable|probably|questionable|equivocal|presumed|presumptive|doubtful)\s+(?:[a-z-]+\s+){0,2}?(?=\S)/gi;

/** Non-lesion explanations: when the interpretation names one of these, the described density is not a lesion. */
const NON_LESION_EXPLANATION = /\b(?:stones?|calcul\w*|\w*lith(?:s|iasis|ic)?|gallstones?|calcif\w*|atherosclero\w*|arterioscl\w*|plaques?|hernia\w*|clips?|stents?|catheter\w*|contrast|air|gas|vessels?|vascular|postoperative|post-operative|surgery|surgical|sutures?|phleboliths?|granulomas?|atelecta\w*|scar\w*|fibro\w*|sequel\w*|inflammat\w*|infection|infectious|artefacts?|artifacts?|exudat\w*|effusion|h(?:a)?emorrhag\w*|h(?:a)?ematoma|edema|oedema|dissection|aneurysm\w*|thrombus|thrombosis|emphysema\w*|bullae?|pneumonia|consolidation|contusion)\b/i;

/**
 * Lesion nouns in an interpretation keep the lesion ("a nodule ..., an inflammatory lesion is likely": an
 * inflammatory lesion is still a lesion); a non-lesion word alone explains it away ("..., considering calculi").
 */
const INTERPRETED_LESION = /\b(?:lesions?|nodules?|mass(?:es)?|cysts?|tumou?rs?|neoplasms?|metastas[ie]s|carcinomas?|adenomas?|lipomas?|hamartomas?|ha?emangiomas?|angiomyolipomas?|abscess(?:es)?|pseudocysts?)\b/i;

/** Shapes that are not focal: a linear, strip-shaped or patchy density is no lesion ("strip-shaped high-density shadows"). */
const NOT_FOCAL = /\b(?:linear|line|strip\w*|stripe\w*|streak\w*|band\w*|patchy|patch|reticular|plaque-like|flake\w*|cord-like|tubular|ground[- ]glass|branch\w*)\b/i;

/** True for a density phrase ("low-density shadow"), which is a lesion only when focal and not explained away. */
export function isDensityPhrase(word: string): boolean {
  return /(?:shadows?|foci|focus|areas?|appearances?)$/i.test(word) && /density|dense|attenuat|echoic/i.test(word);
}

/** A density phrase that is no lesion: a non-focal shape near it, or a non-lesion named anywhere in the clause. */
export function densityNotALesion(text: string, c: Span, interp: Interpretation): boolean {
  // An interpretation that names a lesion makes it one ("patchy low-density areas, considered cysts").
  const tail = interp.at === null ? '' : text.slice(interp.at);
  if (tail !== '' && new RegExp(String.raw`\b(?:${LESION_WORD})\b`, 'i').test(tail) && !NON_LESION_EXPLANATION.test(tail)) return false;
  const around = text.slice(Math.max(0, c.start - 25), c.end);
  return NOT_FOCAL.test(around) || NON_LESION_EXPLANATION.test(text);
}

export interface Interpretation {
  /** Where the first hedge begins (the clause's interpretive tail); null when the clause has none. */
  readonly at: number | null;
  /** Spans that are hypothetical: from each hedge to the clause end, and each "...?" phrase. */
  readonly spans: readonly Span[];
  /** The tail explains the finding as something that is not a lesion (stones, calcification, a hernia). */
  readonly explainsAway: boolean;
}

export function interpretation(text: string): Interpretation {
  const spans: Span[] = [];
  let at: number | null = null;
  for (const m of text.matchAll(HEDGE)) {
    const before = text.slice(0, m.index!);
    const rest = text.slice(m.index! + m[0].length);
    // Post-positioned at the clause end ("..., gallbladder stones are considered"): the interpretation is the phrase
    // before it; followed by its object ("... is considered a simple cyst"), the interpretation is what follows.
    const post = /^[\s.)]*$/.test(rest) && (/\b(?:is|are|was|were|be)\s+$/i.test(before) || /^(?:cannot|can\s+not|could\s+not|not)\b/i.test(m[0]));
    const start = post ? Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf('(')) + 1 : m.index!;
    spans.push({ start, end: text.length });
    // A clause that begins with its hedge ("Consider bilateral renal cysts ...") states the hypothesis itself.
    if (!/^[\s"'(]*$/.test(text.slice(0, start))) at = at === null ? start : Math.min(at, start);
  }
  for (const m of text.matchAll(HEDGE_ADJECTIVE)) {
    const next = /^\S+/.exec(text.slice(m.index! + m[0].length))?.[0] ?? '';
    spans.push({ start: m.index!, end: m.index! + m[0].length + next.length });
  }
  for (const m of text.matchAll(/\?/g)) {
    const before = text.slice(0, m.index!);
    const open = Math.max(before.lastIndexOf('('), before.lastIndexOf(','), before.lastIndexOf(';'));
    spans.push({ start: open + 1, end: m.index! + 1 });
  }
  for (const m of text.matchAll(/\?/g)) {
    const before = text.slice(0, m.index!);
    const open = Math.max(before.lastIndexOf('('), before.lastIndexOf(','), before.lastIndexOf(';'));
    if (open >= 0) at = at === null ? open + 1 : Math.min(at, open + 1);
  }
  const tail = at === null ? '' : text.slice(at);
  return { at, spans, explainsAway: at !== null && NON_LESION_EXPLANATION.test(tail) && !INTERPRETED_LESION.test(tail) };
}

/** History, prior treatment: lesions named there are not findings of this scan ("history of malignancy", "after resection of"). */
const HISTORY = /\b(?:history\s+of|known|operated|post-?operative(?:ly)?|status\s+post|s\/p|after\s+(?:the\s+)?(?:interventional\s+)?(?:surgery|resection|embolization|embolisation|ablation|excision|removal|treatment|therapy|radiotherapy|chemotherapy|nephrectomy|operation)|(?:resected|treated|removed|embolized|embolised|ablated)\s+(?:for\s+)?|follow-?up\s+of)\b/gi;

export function historySpans(text: string): Span[] {
  return [...text.matchAll(HISTORY)].map((m) => {
    const stop = text.slice(m.index!).search(/[;.]/);
    return { start: m.index!, end: stop < 0 ? text.length : m.index! + stop };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Organ size, fat, fluid, nodes, contact, normality, attenuation, coverage

export type SizeCue = 'enlarged' | 'massively enlarged' | 'normal size';

/**
 * "-megaly" words name the organs they enlarge (Greek megas, large): hepatomegaly = enlarged liver,
 * splenomegaly = enlarged spleen, hepatosplenomegaly = both enlarged, nephromegaly = enlarged kidneys,
 * cardiomegaly = enlarged heart, thyromegaly = enlarged thyroid. The cardiothoracic ratio (CTR) is a size of the
 * heart (above 0.5 on a frontal chest image is cardiomegaly; Danzer 1919, the usual reading of "CTR increased").
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

/** A measure word: the clause states a size ("the size of the spleen has increased", "aortic diameter is normal"). */
export const SIZE_WORD = /\b(?:sizes?|dimensions?|diameters?|calib(?:re|er|ration)s?|widths?|volumes?|length|span)\b/i;

/** Size cues; `organs` is set for words that name their organs (splenomegaly, hepatosplenomegaly, CTR). */
export function sizeCues(text: string): Cue<{ cls: SizeCue; organs?: readonly string[] }>[] {
  const cues = all(
    text,
    /\b(massively\s+enlarged|(?:massive(?:ly)?\s+)?(hepatospleno|hepato|spleno|nephro|cardio|thyro)megaly|enlarged|enlargement|increased\s+in\s+size|increase\s+in\s+(?:the\s+)?(?:size|dimensions?|diameters?)|(?:is|are|was|were|has|have|had)\s+(?:been\s+)?increased|(?:size|sizes|dimensions?|diameters?|calib(?:re|er|ration))\s+(?:\w+\s+){0,3}?increased|wider\s+than\s+normal|larger\s+than\s+normal|above\s+(?:the\s+)?normal|ectatic|ectasia|aneurysm(?:al)?|dilat(?:ed|ation|ion)|normal[- ]sized|normally\s+sized|(?:of\s+)?normal\s+(?:in\s+)?size|non-?enlarged|size\s+within\s+normal\s+limits|(?:sizes?|dimensions?)\s+(?:is|are)\s+(?:normal|natural))\b/gi,
    (m) => {
      const w = m[0].toLowerCase();
      // "Heart contour and size are normal" states more than the size: a normal statement, not a size class.
      if (/^(?:sizes?|dimensions?)\s+(?:is|are)/.test(w) && /\b(?:contour|contours|shape|structure|localization|density|appearance)\s*(?:,|and)?\s*$/i.test(text.slice(0, m.index!))) return null;
      const organs = m[2] === undefined ? undefined : MEGALY_ORGANS[m[2].toLowerCase()];
      // dilatation is a vessel's or a duct's size; the parser keeps it for vessels only (organ-size extractor).
      const cls: SizeCue = /massive/.test(w) ? 'massively enlarged' : /(?<!above |than )normal|natural|non-?enlarged/.test(w) ? 'normal size' : 'enlarged';
      return organs === undefined ? { cls } : { cls, organs };
    },
  );
  // CTR / cardiothoracic ratio: the heart's size; increased -> enlarged, normal -> normal size.
  for (const m of text.matchAll(/\b(ctr|cardio-?thoracic\s+(?:ratio|index))\b([^.;]{0,40})/gi)) {
    const rest = m[2]!.toLowerCase();
    const cls: SizeCue | null = /increas|enlarg|above|high/.test(rest) ? 'enlarged' : /normal|natural|within/.test(rest) ? 'normal size' : null;
    if (cls !== null) cues.push({ value: { cls, organs: ['heart'] }, start: m.index!, end: m.index! + m[0].length });
  }
  return cues.sort((a, b) => a.start - b.start);
}

export function isDilatationWord(cue: Span, text: string): boolean {
  return /^(dilat|ectat|ectasia|aneurysm)/i.test(text.slice(cue.start, cue.end));
}

export function steatosisCues(text: string): Cue<string | undefined>[] {
  // A bare "fatty" is steatosis only said of the liver or pancreas ("the pancreas is not fatty"), not of tissue, a
  // hilum, planes or a lesion ("subcutaneous fatty tissue", "fatty hilus").
  const bare = /\b(?:liver|hepatic|pancrea\w*)\b/i.test(text)
    ? all(text, /\bfatty\b(?!\s+(?:tissue|hil\w*|planes?|density|component|content|foci|focus|lesion|mass|areas?|infiltration|change|changes|degeneration|liver|pancreas|marrow))/gi, () => undefined)
    : [];
  return [...bare, ...all(
    text,
    /\b(hepato-?steatosis|steatosis|fatty\s+(?:infiltration|change|changes|degeneration)(?:\s+of\s+the\s+(?:liver|pancreas))?|fatty\s+liver|fatty\s+pancreas|hepatic\s+steatosis|fat(?:ty)?\s+deposition|lipomatosis|(?:liver|hepatic)\s+(?:parenchyma\s+)?(?:density|attenuation)\s+(?:is\s+)?(?:reduced|decreased|diffusely\s+decreased))\b|\b(?:reduced|decreased|low)\s+(?:liver|hepatic)\s+(?:parenchymal\s+)?(?:density|attenuation)\b/gi,
    (m) => {
      const w = m[0].toLowerCase();
      return w.includes('pancreas') || w.includes('lipomatosis') ? 'pancreas' : /liver|hepat/.test(w) ? 'liver' : undefined;
    },
  )].sort((a, b) => a.start - b.start);
}

export function fluidCues(text: string): Cue<string>[] {
  return all(
    text,
    /\b(ascites|free\s+(?:intraperitoneal\s+|intra-abdominal\s+|abdominal\s+|pelvic\s+|peritoneal\s+)?fluid|intraperitoneal\s+fluid|(pleural|pericardial)\s+(?:space\s+)?effusions?|effusions?|hydrothorax|pericardial\s+fluid)\b/gi,
    (m) => {
      const kind = m[2]?.toLowerCase();
      if (kind === 'pleural' || /hydrothorax/i.test(m[0])) return 'pleural_effusion';
      if (kind === 'pericardial' || /pericardial\s+fluid/i.test(m[0])) return 'pericardial_effusion';
      if (/effusion/i.test(m[0])) {
        // A bare "effusion" takes the serous space named in its sentence: "in the pericardial space" is pericardial.
        return /\bpericard/i.test(text) && !/\bpleura/i.test(text) ? 'pericardial_effusion' : 'pleural_effusion';
      }
      return 'ascites';
    },
  ).concat(
    // The first of two serous spaces sharing one noun ("no pericardial or pleural effusion") is an effusion too.
    all(text, /\b(pleural|pericardial)(?=\s*(?:,|\bor\b|\band\b|\/)\s*(?:pleural|pericardial)\s+(?:space\s+)?effusions?\b)/gi, (m) =>
      m[1]!.toLowerCase() === 'pleural' ? 'pleural_effusion' : 'pericardial_effusion',
    ),
  );
}

export function nodeCues(text: string): Cue<true>[] {
  // "LAP" is the lymphadenopathy of translated reports (upper case only: "lap" is a word).
  return [...all(text, /\b(lymph\s*nodes?|lymph\s*node\s+stations?|lymphadenopath(?:y|ies)|adenopath(?:y|ies)|lymphadenomegal(?:y|ies)|nodes?)\b/gi, () => true as const), ...all(text, /\bLAPs?\b/g, () => true as const)].sort((a, b) => a.start - b.start);
}

export function contactCues(text: string): Cue<ContactClass>[] {
  return all(text, /\b(encas(?:e|es|ed|ing|ement)|encircl\w*|surround\w*|wrap(?:s|ping|ped)?|abut\w*|contact\w*|involv\w*|invad\w*|invasion)\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    if (/^(encas|encircl|surround|wrap)/.test(w)) return 'encasement';
    if (/^abut/.test(w)) return 'abutment';
    return 'contact';
  });
}

/**
 * Normal statements: "normal", "unremarkable", translated "natural", "preserved", an airway or vessel that "is
 * open" / "patent", "no pathology". Not normal: "normal up to 13 cm" (a limit), "above normal", "wider than
 * normal", and the attributive "the normal lung parenchyma" (a referring phrase, not a statement).
 */
export function normalCues(text: string): Cue<true>[] {
  return all(
    text,
    /\b(normal(?!\s+(?:up\s+to|below|above|range|limits?\s+(?:of|is|are)|values?|variant|lung\s+parenchyma\s+is|appearing))(?!\s*[:=]?\s*(?:<|≤|>|less\s+than)?\s*\d)|natural|unremarkable|within\s+normal\s+limits|no\s+abnormalit(?:y|ies)|preserved|intact|(?:is|are|were|was)\s+(?:open|patent)|patent|no\s+(?:significant\s+|obvious\s+|obstructive\s+|occlusive\s+|other\s+|additional\s+)?(?:patholog(?:y|ies|ical\s+findings?)|abnormal\s+findings?))\b/gi,
    (m) => {
      const before = text.slice(Math.max(0, m.index! - 12), m.index!).toLowerCase();
      if (/(above|than|beyond|exceeds?)\s+(the\s+)?$/.test(before)) return null;
      if (/^normal/i.test(m[0]) && /\bthe\s+$/.test(before)) return null;
      return true;
    },
  );
}

/** "abnormal", "abnormality": the organ is not normal (a 'normal' claim, negated), unless itself denied ("no abnormality"). */
export function abnormalCues(text: string): Cue<true>[] {
  return all(text, /\b(abnormal(?:ity|ities)?)\b/gi, () => true);
}

export function attenuationCues(text: string): Cue<Attenuation>[] {
  return all(text, /\b(hypo-?attenuating|hypo-?attenuation|hypo-?dense|low[- ](?:attenuation|attenuating|density)|slightly\s+low[- ]density|hypo-?enhancing|iso-?attenuating|iso-?dense|iso-?attenuation|hyper-?attenuating|hyper-?dense|hyper-?attenuation|high[- ](?:attenuation|attenuating|density)|dense)\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    if (/^(hypo|low|slightly)/.test(w)) return 'hypoattenuating';
    if (/^iso/.test(w)) return 'isoattenuating';
    return 'hyperattenuating';
  });
}

/**
 * Coverage: the organ is only partly in the scan ("partially included in the field of view", "extends beyond the
 * lower edge of the scan", "partially examined"); "completely / entirely included" says it is wholly imaged (the
 * coverage claim, negated).
 */
export function coverageCues(text: string): Cue<'partial' | 'complete'>[] {
  return all(
    text,
    /\b((?:is|are|was|were)\s+)?(partial(?:ly)?\s+(?:included|imaged|examined|visuali[sz]ed|seen|evaluated|covered|shown|displayed|in\s+the\s+field\s+of\s+view)|(?:not|incompletely)\s+(?:fully\s+|completely\s+|entirely\s+)?(?:included|imaged|covered)|extends?\s+(?:\w+\s+){0,2}beyond\s+the\s+(?:\w+\s+){0,2}(?:edge|border|margin|limit|end)s?\s+of\s+the\s+(?:scan|image|images|field\s+of\s+view|sections?|examination)|(?:cut\s+off|truncated)\s+(?:by|at)\s+the\s+(?:scan|image|field)|outside\s+the\s+field\s+of\s+view|(?:completely|entirely|fully|wholly)\s+(?:included|imaged|covered))\b/gi,
    (m) => (/^(?:completely|entirely|fully|wholly)/i.test(m[2]!) ? 'complete' : 'partial'),
  );
}

const COUNT_WORDS: Readonly<Record<string, number | 'multiple'>> = {
  a: 1, an: 1, one: 1, single: 1, solitary: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  several: 'multiple', multiple: 'multiple', numerous: 'multiple', innumerable: 'multiple', few: 'multiple', various: 'multiple', scattered: 'multiple',
};

/** A count word within a few words before `at` ("two small hypoattenuating lesions"). */
export function countBefore(text: string, at: number): number | 'multiple' | undefined {
  const before = text.slice(0, at).toLowerCase();
  const m = /\b(a|an|one|single|solitary|two|three|four|five|six|seven|eight|nine|ten|several|multiple|numerous|innumerable|few|various|scattered|\d{1,2})\b((?:\s+[a-z0-9.,-]+){0,4})\s*$/.exec(before);
  if (m === null) return undefined;
  // A measured size between the count and the noun ("a 2.1 cm lesion") is fine; a digit count must not be a size.
  if (/^\d+$/.test(m[1]!)) return /\b(cm|mm)\b/.test(m[2] ?? '') ? undefined : Number(m[1]);
  return COUNT_WORDS[m[1]!];
}

/** T category (AJCC 8): 'T1a', 'T2', 'Tis'. Read as a stage only with staging context (see the stage extractor). */
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

/**
 * Contrast phases a sentence names (read by the LLM narrator's check: a rephrasing must not add a phase its
 * template does not state).
 */
export function contrastPhaseCues(text: string): Cue<'non-contrast' | 'arterial' | 'portal-venous' | 'delayed'>[] {
  return all(text, /\b(non-?contrast|unenhanced|non-?enhanced|arterial|portal[- ]venous|venous\s+phase|delayed|excretory)\b/gi, (m) => {
    const w = m[1]!.toLowerCase();
    if (/^(non|unenh)/.test(w)) return 'non-contrast';
    if (w === 'arterial') return 'arterial';
    if (/venous/.test(w)) return 'portal-venous';
    return 'delayed';
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Negation (NegEx)

/** Pre-negation triggers. */
const PRE_NEGATION = /\b(no|not|without|negative\s+for|absence\s+of|absent|free\s+of|no\s+evidence\s+of|no\s+signs?\s+of|neither|nor|never|exclud(?:e|es|ed|ing)|ruled\s+out)\b/gi;
/** Pseudo-triggers: look like negation, negate nothing ("no change in the nodules", "not only"). */
const PSEUDO_NEGATION = /\b(?:(?:not|never)\s+(?:been\s+)?(?:seen|detected|observed|present|visible|identified|noted|described)\s+(?:in|on|at)\s+(?:the\s+)?(?:previous|prior|preceding|earlier|last|former)\b|no\s+(?:significant\s+|marked\s+|obvious\s+|definite\s+|interval\s+|further\s+)?(?:change|changes|difference|differences|increase|decrease|progression|regression|growth|interval\s+change)|not\s+only|not\s+(?:significantly\s+)?(?:changed|different|differ)|did\s+not\s+(?:significantly\s+)?(?:differ|change)|no\s+longer\s+than|not\s+be\s+(?:excluded|ruled\s+out)|cannot\s+be\s+(?:excluded|ruled\s+out)|can\s+not\s+be\s+(?:excluded|ruled\s+out)|could\s+not\s+be\s+(?:excluded|ruled\s+out)|not\s+excluded|no\s+enhancement|without\s+(?:contrast|enhancement)|non-?enhanc\w*|not\s+enhanc\w*|(?:could|can|cannot|can\s+not|could\s+not)\s+(?:not\s+)?be\s+(?:optimally\s+|fully\s+|adequately\s+)?(?:evaluated|assessed)|not\s+(?:be\s+)?(?:optimally\s+|fully\s+|adequately\s+)?(?:evaluated|assessed))\b/gi;
/** Post-negation triggers: negate cues before them. */
const POST_NEGATION = /\b(not\s+(?:been\s+)?(?:seen|identified|present|visuali[sz]ed|demonstrated|detected|appreciated|evident|observed|noted|found|shown|visible|determined|encountered|distinguished)|(?:is|are|was|were)\s+absent|has\s+resolved|have\s+resolved)\b/gi;
/** Words that end a negation's scope. */
const TERMINATORS = /\b(but|however|although|though|except|apart\s+from|aside\s+from|which|whereas|while|yet|with\s+the\s+exception|consider\w*|suggest\w*)\b|[;:]/gi;

export type NegationScope = Span;

export function negationScopes(text: string): NegationScope[] {
  const pseudo = [...text.matchAll(PSEUDO_NEGATION)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  const terms = [...text.matchAll(TERMINATORS)].map((m) => m.index!);
  const scopes: NegationScope[] = [];
  for (const m of text.matchAll(PRE_NEGATION)) {
    const start = m.index!;
    if (inSpan(pseudo, start)) continue;
    // "no" as in "No. 3" or "not only" is not a negation.
    if (/^no$/i.test(m[1]!) && text[start + 2] === '.') continue;
    const after = start + m[0].length;
    const end = terms.find((t) => t >= after) ?? text.length;
    scopes.push({ start, end });
  }
  for (const m of text.matchAll(POST_NEGATION)) {
    if (inSpan(pseudo, m.index!)) continue;
    const end = m.index!;
    const start = [...terms].reverse().find((t) => t < end) ?? 0;
    scopes.push({ start, end: m.index! + m[0].length });
  }
  return scopes;
}

export function inScope(scopes: readonly NegationScope[], at: number): boolean {
  return inSpan(scopes, at);
}
