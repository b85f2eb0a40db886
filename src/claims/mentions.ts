import { ancestors, normaliseName, structureOrNull, type LesionType } from '../anatomy/index.ts';
import type { ClaimLocation, ClaimSide } from './types.ts';

/**
 * Anatomy mentions in one sentence: structures (through the catalogue's `normaliseName`, so every alias and
 * systematic form the label maps use is understood in text too: 'L kidney', 'segment VII', 'S7', 'RLL', 'SMA'),
 * organ adjectives ('hepatic', 'renal'), locations inside organs (Couinaud segments, hepatic lobes, pancreatic
 * parts, lung lobes, vertebral levels) and free-standing side words.
 */

export type MentionRole = 'organ' | 'vessel' | 'node' | 'fluid' | 'lesion' | 'location' | 'bone';

export interface Mention {
  readonly role: MentionRole;
  /** Canonical name (for 'lesion': the lesion class, e.g. 'kidney_cyst_left'). */
  readonly canonical: string;
  /** The organ it names or belongs to (liver_segment_7 -> liver; kidney_cyst_left -> kidney_left). */
  readonly organ: string | null;
  readonly side?: ClaimSide;
  readonly location?: ClaimLocation;
  readonly lesionType?: LesionType;
  readonly start: number;
  readonly end: number;
}

export interface SideWord {
  readonly side: ClaimSide;
  readonly start: number;
  readonly end: number;
}

/** Organ adjectives of report prose -> canonical organ (composite for paired organs; a side word makes it one side). */
const ORGAN_ADJECTIVES: Readonly<Record<string, string>> = {
  hepatic: 'liver', liver: 'liver', renal: 'kidneys', splenic: 'spleen', pancreatic: 'pancreas', pulmonary: 'lung',
  adrenal: 'adrenal_glands', gastric: 'stomach', colonic: 'colon', vesical: 'urinary_bladder', osseous: 'skeleton',
  // Bowel and other hollow-organ adjectives: the jejunum and ileum are the small bowel after the duodenum; the
  // caecum is the first part of the colon (catalogue: small_bowel, colon, duodenum, esophagus, heart).
  jejunal: 'small_bowel', ileal: 'small_bowel', duodenal: 'duodenum', caecal: 'colon', cecal: 'colon',
  oesophageal: 'esophagus', esophageal: 'esophagus', cardiac: 'heart',
  // Chest and other prose of real reports (CT-RATE, RadGPT notes): an airway, the brain, lung-only positions
  // (subpleural, intrapulmonary: a nodule there is a lung nodule), bone-only lesion words (lytic: Lodwick's
  // classification of bone destruction), vessels.
  tracheal: 'trachea', intracerebral: 'brain', cerebral: 'brain', periventricular: 'brain',
  subpleural: 'lung', intrapulmonary: 'lung', peribronchovascular: 'lung', perifissural: 'lung',
  lytic: 'skeleton', osteolytic: 'skeleton', osteoblastic: 'skeleton', bony: 'skeleton', vertebral: 'vertebral_column',
  aortic: 'aorta', thyroidal: 'thyroid_gland', prostatic: 'prostate', vesicular: 'gallbladder',
};

/** Sided members of the paired organs the adjectives name. */
const SIDED: Readonly<Record<string, { left: string; right: string }>> = {
  kidneys: { left: 'kidney_left', right: 'kidney_right' },
  lung: { left: 'lung_left', right: 'lung_right' },
  adrenal_glands: { left: 'adrenal_gland_left', right: 'adrenal_gland_right' },
};

/**
 * Words the catalogue lacks but reports use for its structures (matched as whole phrases, lower case, hyphens
 * as spaces). Bowel: "loops" of bowel are small-bowel loops in report usage (the colon is named as colon or large
 * bowel); the jejunum and ileum are small bowel; the caecum, sigmoid and the hepatic and splenic flexures are
 * parts of the colon (the catalogue has no separate labels for them; TotalSegmentator's colon mask includes them).
 * "Bowel" alone is left unread: it may mean small bowel, colon or both.
 */
const EXTRA_NAMES: Readonly<Record<string, string>> = {
  celiac: 'celiac_trunk', coeliac: 'celiac_trunk', 'hepatic artery': 'common_hepatic_artery',
  'superior mesenteric': 'superior_mesenteric_artery',
  'bowel loop': 'small_bowel', 'bowel loops': 'small_bowel', 'small bowel loop': 'small_bowel', 'small bowel loops': 'small_bowel',
  'loops of bowel': 'small_bowel', 'loops of small bowel': 'small_bowel', 'loops of the small bowel': 'small_bowel',
  jejunum: 'small_bowel', ileum: 'small_bowel', 'terminal ileum': 'small_bowel',
  'large bowel loop': 'colon', 'large bowel loops': 'colon', 'loops of large bowel': 'colon', 'colonic loops': 'colon',
  caecum: 'colon', cecum: 'colon', sigmoid: 'colon', 'hepatic flexure': 'colon', 'splenic flexure': 'colon',
  'sigmoid colon': 'colon', 'ascending colon': 'colon', 'descending colon': 'colon', 'transverse colon': 'colon', 'large bowel': 'colon',
  // The skeleton and spine as reports name them ("bone structures in the study area", "vertebral corpus heights").
  'bone structures': 'skeleton', 'bone structure': 'skeleton', 'bony structures': 'skeleton', 'osseous structures': 'skeleton', bone: 'skeleton',
  'vertebral corpus': 'vertebral_column', 'vertebral corpora': 'vertebral_column', 'vertebral body': 'vertebral_column', 'vertebral bodies': 'vertebral_column',
  'thoracic vertebrae': 'vertebral_column', 'lumbar vertebrae': 'vertebral_column', 'cervical vertebrae': 'vertebral_column', 'thoracic spine': 'vertebral_column', 'lumbar spine': 'vertebral_column', 'cervical spine': 'vertebral_column',
  // Segments of the aorta and the pulmonary artery are the one vessel each (TotalSegmentator labels them whole).
  'thoracic aorta': 'aorta', 'abdominal aorta': 'aorta', 'ascending aorta': 'aorta', 'descending aorta': 'aorta', 'aortic arch': 'aorta', 'arch of the aorta': 'aorta', 'aortic root': 'aorta',
  'pulmonary arteries': 'pulmonary_artery', 'main pulmonary artery': 'pulmonary_artery', 'pulmonary conus': 'pulmonary_artery', 'pulmonary trunk': 'pulmonary_artery', 'pulmonary artery': 'pulmonary_artery',
  'prostate gland': 'prostate', 'thyroid isthmus': 'thyroid_gland', 'thyroid lobe': 'thyroid_gland', 'thyroid lobes': 'thyroid_gland', 'thyroid glands': 'thyroid_gland',
  'lung parenchyma': 'lung', 'lung parenchymas': 'lung', 'pulmonary parenchyma': 'lung', 'liver parenchyma': 'liver', 'hepatic parenchyma': 'liver',
  'tracheal air column': 'trachea', 'main bronchi': 'bronchi', 'main bronchus': 'bronchi', 'bronchus': 'bronchi',
  'spleen hilum': 'spleen', 'splenic hilum': 'spleen', 'gallbladder fossa': 'gallbladder', 'gall bladder fossa': 'gallbladder', 'bladder wall': 'urinary_bladder',
  'basal ganglia': 'brain', 'brain parenchyma': 'brain',
  // An accessory spleen (splenule) is not the spleen: read, and named by nothing.
  'accessory spleen': '', 'accessory spleens': '', splenule: '', splenules: '', 'accessory splenic tissue': '',
};

/**
 * Single words the catalogue reads as a structure but prose uses otherwise: "fluid" (catalogue: an alias of ascites;
 * in prose "fluid-filled", "fluid density"), "trunk", "body", "node" alone. "Free fluid" is read as a fluid cue.
 */
const PROSE_SKIP = new Set(['fluid', 'trunk', 'body', 'node', 'cord', 'arch']);

const LESION_TAIL = /^(lesions?|mass(es)?|nodules?|cysts?|tumou?rs?|metastas[ie]s|mets|neoplasms?|carcinomas?|hcc|pdac|rcc|ccrcc|nsclc|sclc)$/i;

const SIDE_WORDS: Readonly<Record<string, ClaimSide>> = {
  left: 'left', right: 'right', bilateral: 'bilateral', both: 'bilateral', l: 'left', r: 'right', lt: 'left', rt: 'right',
};

const ROMAN: Readonly<Record<string, number>> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8 };

/** Couinaud's hepatic lobes by segment (right lobe 5-8, left lobe 2-4, caudate lobe 1; Couinaud 1957, Bismuth 1982). */
const LIVER_SEGMENTS = (ns: number[]) => ns.map((n) => `liver_segment_${n}`);
const RIGHT_LOBE = LIVER_SEGMENTS([5, 6, 7, 8]);
const LEFT_LOBE = LIVER_SEGMENTS([2, 3, 4]);

function segNumber(s: string): number | null {
  const t = s.toLowerCase().replace(/[ab]$/, '');
  if (/^[1-8]$/.test(t)) return Number(t);
  return ROMAN[t] ?? null;
}

interface Span {
  start: number;
  end: number;
}

/** Locations written as phrases the catalogue's names do not cover (lists of segments, lobes, parts of the pancreas). */
function phraseLocations(text: string, taken: Span[]): Mention[] {
  const out: Mention[] = [];
  const push: Push = (m, location, organ, side) => {
    const start = m.index!;
    const end = start + m[0].length;
    if (taken.some((t) => start < t.end && end > t.start)) return;
    taken.push({ start, end });
    out.push({ role: 'location', canonical: location.label, organ, location, start, end, ...(side ? { side } : {}) });
  };
  // "segments 7 and 8", "segments VI/VII", "hepatic segments 6-7", "S7/S8", "Couinaud segments 2, 3"
  const list = /\b(?:(?:liver|hepatic)\s+)?(?:couinaud\s+)?(?:segments|segs?\.?|s)\s*((?:[1-8]|viii|vii|vi|iv|v|iii|ii|i)[ab]?(?:\s*(?:,|and|\/|-|to|&)\s*(?:s)?(?:[1-8]|viii|vii|vi|iv|v|iii|ii|i)[ab]?)+)\b/gi;
  for (const m of text.matchAll(list)) {
    const nums = m[1]!.split(/\s*(?:,|and|\/|-|to|&)\s*/i).map((x) => segNumber(x.replace(/^s/i, ''))).filter((n): n is number => n !== null);
    if (nums.length < 2) continue;
    const range = /-|to/i.test(m[1]!) && nums.length === 2 ? Array.from({ length: nums[1]! - nums[0]! + 1 }, (_, i) => nums[0]! + i) : nums;
    push(m, { label: `liver segments ${range.join(', ')}`, anyOf: LIVER_SEGMENTS(range) }, 'liver');
  }
  // Sectors of the left and right lobes (Couinaud / Bismuth): medial segment of the left lobe = IV, lateral = II-III;
  // anterior segment of the right lobe = V, VIII; posterior = VI, VII.
  const SECTORS: Record<string, number[]> = { 'left medial': [4], 'left lateral': [2, 3], 'right anterior': [5, 8], 'right posterior': [6, 7] };
  for (const m of text.matchAll(/\b(medial|lateral|anterior|posterior)\s+segment\s+of\s+the\s+(right|left)\s+(?:hepatic\s+lobe|lobe\s+of\s+(?:the\s+)?liver|liver\s+lobe|lobe)\b/gi)) {
    const ns = SECTORS[`${m[2]!.toLowerCase()} ${m[1]!.toLowerCase()}`];
    if (ns !== undefined) push(m, { label: `liver segments ${ns.join(', ')}`, anyOf: LIVER_SEGMENTS(ns) }, 'liver');
  }
  for (const m of text.matchAll(/\b(right|left)\s+(?:hepatic\s+lobe|lobe\s+of\s+(?:the\s+)?liver|liver\s+lobe)\b/gi)) {
    const right = m[1]!.toLowerCase() === 'right';
    push(m, { label: `${right ? 'right' : 'left'} hepatic lobe`, anyOf: right ? RIGHT_LOBE : LEFT_LOBE }, 'liver');
  }
  lungLobes(text, push);
  for (const m of text.matchAll(/\bcaudate(?:\s+lobe)?\b/gi)) push(m, { label: 'liver_segment_1', anyOf: ['liver_segment_1'] }, 'liver');
  const parts: Record<string, string> = { head: 'pancreas_head', neck: 'pancreas_body', body: 'pancreas_body', tail: 'pancreas_tail', uncinate: 'pancreas_head' };
  for (const m of text.matchAll(/\b(?:pancreatic|pancreas)\s+(head|neck|body|tail|uncinate(?:\s+process)?)\b|\b(head|neck|body|tail|uncinate\s+process)\s+of\s+(?:the\s+)?pancreas\b/gi)) {
    const part = parts[(m[1] ?? m[2])!.toLowerCase().split(/\s+/)[0]!]!;
    push(m, { label: part, anyOf: [part] }, 'pancreas');
  }
  return out;
}

type Push = (m: RegExpMatchArray, location: ClaimLocation, organ: string, side?: ClaimSide) => void;

const LOBES: Readonly<Record<string, readonly ('left' | 'right')[]>> = { upper: ['left', 'right'], middle: ['right'], lower: ['left', 'right'] };
const lobe = (level: string, side: 'left' | 'right') => `lung_${level}_lobe_${side}`;

/**
 * Lung lobes as reports write them: "the lower lobe of the right lung", "right lung lower lobe", "right upper lobe",
 * "lower lobes of both lungs", an unsided "upper lobe" (either lung), "middle lobe" (the right lung has the only
 * one), the lingula and the apicoposterior segment (both of the left upper lobe), the azygos lobe (a variant of the
 * right upper lobe). The organ is the sided lung, or the lung when no side is stated.
 */
function lungLobes(text: string, push: Push): void {
  let explicit = false;
  const sided = (m: RegExpMatchArray, level: string, side: string) => {
    const s = side.toLowerCase() as 'left' | 'right';
    const l = level.toLowerCase();
    explicit = true;
    // The side the text states wins over the lobe's anatomy: "the middle lobe of the left lung" names no lobe
    // (only the right lung has one), but it does say left.
    if (!LOBES[l]?.includes(s)) push(m, { label: `${s} ${l} lobe (no such lobe)`, anyOf: [] }, `lung_${s}`, s);
    else push(m, { label: lobe(l, s), anyOf: [lobe(l, s)] }, `lung_${s}`, s);
  };
  for (const m of text.matchAll(/\b(upper|middle|lower)\s+lobes?\s+(?:of|in)\s+(?:the\s+)?(right|left)\s+lung\b/gi)) sided(m, m[1]!, m[2]!);
  for (const m of text.matchAll(/\b(right|left)\s+lung(?:'s)?\s+(upper|middle|lower)\s+lobe\b/gi)) sided(m, m[2]!, m[1]!);
  for (const m of text.matchAll(/\b(right|left)\s+(upper|middle|lower)\s+lobe\b/gi)) sided(m, m[2]!, m[1]!);
  for (const m of text.matchAll(/\b(?:(upper|lower)\s+lobes\s+of\s+both\s+lungs|(?:both|bilateral)\s+(upper|lower)\s+lobes?)\b/gi)) {
    const l = (m[1] ?? m[2])!.toLowerCase();
    push(m, { label: `${l} lobes`, anyOf: [lobe(l, 'left'), lobe(l, 'right')] }, 'lung', 'bilateral');
  }
  // Lobes and segments that imply a side (the middle lobe and the azygos lobe are right, the lingula and the
  // apicoposterior segment left) give it only where no side is written ("the right lung" or "the left lung").
  if (explicit || /\b(?:right|left)\s+lung\b/i.test(text)) return;
  for (const m of text.matchAll(/\b(?:the\s+)?middle\s+lobe\b/gi)) push(m, { label: lobe('middle', 'right'), anyOf: [lobe('middle', 'right')] }, 'lung_right', 'right');
  for (const m of text.matchAll(/\blingul(?:a|ar)(?:\s+segments?)?\b|\bapicoposterior(?:\s+segment)?\b/gi)) push(m, { label: lobe('upper', 'left'), anyOf: [lobe('upper', 'left')] }, 'lung_left', 'left');
  for (const m of text.matchAll(/\bazygos\s+lobe\b/gi)) push(m, { label: lobe('upper', 'right'), anyOf: [lobe('upper', 'right')] }, 'lung_right', 'right');
  for (const m of text.matchAll(/\b(upper|lower)\s+lobes?\b/gi)) {
    const l = m[1]!.toLowerCase();
    push(m, { label: `${l} lobe`, anyOf: [lobe(l, 'left'), lobe(l, 'right')] }, 'lung');
  }
}

interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

const NAME_CACHE = new Map<string, ReturnType<typeof normaliseName>>();
function cachedName(phrase: string) {
  let n = NAME_CACHE.get(phrase);
  if (n === undefined) NAME_CACHE.set(phrase, (n = normaliseName(phrase)));
  return n;
}

/** Words that never start or end a structure phrase (keeps "is the liver" from matching via filler stripping). */
const EDGE_STOP = new Set(['the', 'of', 'a', 'an', 'and', 'or', 'in', 'is', 'are', 'with', 'no', 'to', 'at', 'on', 'mask', 'total', 'whole', 'entire', 'seg']);

function organOf(canonical: string): string | null {
  const s = structureOrNull(canonical);
  if (s === null) return null;
  if (s.kind === 'lesion') return s.lesionOf ?? null;
  if (s.kind === 'organ_part') return s.parent;
  return canonical;
}

function sideOfStructure(canonical: string): ClaimSide | undefined {
  const lat = structureOrNull(canonical)?.laterality;
  if (lat === 'left' || lat === 'right') return lat;
  if (lat === 'bilateral' && (canonical === 'kidneys' || canonical === 'lung' || canonical === 'adrenal_glands')) return undefined;
  return undefined;
}

function mentionOf(canonical: string, lesionType: LesionType | undefined, start: number, end: number): Mention | null {
  const s = structureOrNull(canonical);
  if (s === null) return null;
  const side = sideOfStructure(canonical);
  const base = { canonical, start, end, ...(side ? { side } : {}) };
  switch (s.kind) {
    case 'organ':
    case 'composite':
      if (canonical === 'vertebral_column' || canonical === 'ribs') return { ...base, role: 'bone', organ: canonical };
      return { ...base, role: 'organ', organ: canonical };
    case 'organ_part': {
      const organ = organOf(canonical);
      return { ...base, role: 'location', organ, location: { label: canonical, anyOf: [canonical] } };
    }
    case 'vessel':
      return { ...base, role: 'vessel', organ: null };
    case 'lymph_node':
      return { ...base, role: 'node', organ: null };
    case 'fluid':
      return { ...base, role: 'fluid', organ: null };
    case 'lesion':
      return { ...base, role: 'lesion', organ: organOf(canonical), ...(lesionType ? { lesionType } : s.lesionType ? { lesionType: s.lesionType } : {}) };
    case 'bone':
      if (canonical.startsWith('vertebrae_')) return { ...base, role: 'location', organ: null, location: { label: canonical, anyOf: [canonical] } };
      return { ...base, role: 'bone', organ: canonical };
    default:
      return null;
  }
}

export interface SentenceMentions {
  readonly mentions: readonly Mention[];
  readonly sides: readonly SideWord[];
}

/**
 * Finds anatomy mentions in a sentence. `masked` spans (e.g. T categories already read as stages) are not
 * read as anatomy ("T2" is not the T2 vertebra there). Longest phrase wins; phrases never cross punctuation.
 */
export function findMentions(text: string, masked: readonly Span[] = []): SentenceMentions {
  const taken: Span[] = masked.map((s) => ({ ...s }));
  const mentions: Mention[] = phraseLocations(text, taken);
  const tokens: Token[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9]+/g)) tokens.push({ word: m[0], start: m.index!, end: m.index! + m[0].length });
  const free = (t: Token) => !taken.some((s) => t.start < s.end && t.end > s.start);
  // Phrase boundaries: anything but spaces and hyphens between two tokens.
  const joined = (a: Token, b: Token) => /^[\s-]*$/.test(text.slice(a.end, b.start));
  const used = new Array<boolean>(tokens.length).fill(false);
  for (let i = 0; i < tokens.length; i++) {
    if (used[i] || !free(tokens[i]!) || EDGE_STOP.has(tokens[i]!.word.toLowerCase()) || /^\d+$/.test(tokens[i]!.word)) continue;
    let maxLen = 1;
    while (maxLen < 6 && i + maxLen < tokens.length && joined(tokens[i + maxLen - 1]!, tokens[i + maxLen]!) && free(tokens[i + maxLen]!)) maxLen++;
    for (let len = maxLen; len >= 1; len--) {
      const last = tokens[i + len - 1]!;
      if (EDGE_STOP.has(last.word.toLowerCase())) continue;
      const words = tokens.slice(i, i + len).map((t) => t.word);
      const phrase = words.join(' ');
      const lower = phrase.toLowerCase();
      let canonical: string | null = EXTRA_NAMES[lower] ?? null;
      let lesionType: LesionType | undefined;
      if (canonical === '') {
        // A phrase that names no catalogue structure although it contains one's name ("accessory spleen").
        for (let k = i; k < i + len; k++) used[k] = true;
        taken.push({ start: tokens[i]!.start, end: last.end });
        break;
      }
      if (canonical === null) {
        // One-letter side words alone are not names; "L kidney" is. Prose words the catalogue over-reads are skipped.
        if (len === 1 && (SIDE_WORDS[lower] !== undefined || PROSE_SKIP.has(lower))) continue;
        const n = cachedName(phrase);
        if (n.canonical === null || n.matchedBy === 'none') continue;
        canonical = n.canonical;
        lesionType = n.lesionType;
      }
      const kind = structureOrNull(canonical)?.kind;
      if (kind === 'body' || kind === 'muscle') continue;
      // Lesion words alone ("mass", "cyst") are lesion cues, not anatomy; only organ-bearing lesion phrases count.
      if (kind === 'lesion' && organOf(canonical) === null) continue;
      // An organ-bearing lesion phrase ends with its lesion word ('left renal cyst', 'hepatic lesion', 'HCC'), so
      // 'lesion in hepatic segment VII' is a lesion word plus a location, not one name.
      if (kind === 'lesion' && !(LESION_TAIL.test(last.word) && (len > 1 || /^(hcc|pdac|rcc|ccrcc|nsclc|sclc)$/i.test(last.word)))) continue;
      if (kind === 'lesion' && LESION_TAIL.test(tokens[i]!.word)) continue;
      // 'S7 lesion', 'segment 7 mass': the words before the lesion word are a location; read them as one.
      if (kind === 'lesion' && len > 1) {
        const prefix = cachedName(words.slice(0, -1).join(' ')).canonical;
        const prefixKind = prefix === null ? undefined : structureOrNull(prefix)?.kind;
        if (prefixKind === 'organ_part' || prefixKind === 'bone') continue;
      }
      const m = mentionOf(canonical, lesionType, tokens[i]!.start, last.end);
      if (m === null) continue;
      mentions.push(m);
      for (let k = i; k < i + len; k++) used[k] = true;
      taken.push({ start: m.start, end: m.end });
      break;
    }
  }
  // Organ adjectives not inside a longer name, then free-standing side words.
  const sides: SideWord[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (used[i] || !free(t)) continue;
    const lower = t.word.toLowerCase();
    const organ = ORGAN_ADJECTIVES[lower];
    if (organ !== undefined) {
      mentions.push({ role: 'organ', canonical: organ, organ, start: t.start, end: t.end });
      continue;
    }
    const side = SIDE_WORDS[lower];
    // Single letters count as sides only in capitals ("L kidney" was read above; "R" alone before a noun).
    if (side !== undefined && (lower.length > 1 || t.word === t.word.toUpperCase())) sides.push({ side, start: t.start, end: t.end });
  }
  // A side word right before a structure names its side: "left renal" is the left kidney, "right lung" the right
  // lung; "both kidneys", "bilateral adrenal glands", "both main bronchi", "right-left pulmonary arteries" name both.
  // One adjective may stand between ("both main bronchi", "right thyroid lobe" was read as one name).
  const consumed = new Set<number>();
  const adjacent = (s: SideWord, m: Mention) => s.end <= m.start && /^[\s-]*$/.test(text.slice(s.end, m.start));
  const oneWordBefore = (s: SideWord, m: Mention) => s.end <= m.start && m.start - s.end <= 14 && /^[\s-]+[a-z]+\s+$/i.test(text.slice(s.end, m.start));
  const resolved = mentions.map((m) => {
    if (m.side !== undefined && m.role !== 'organ') return m;
    const near = sides.filter((s) => adjacent(s, m) || oneWordBefore(s, m));
    let side: SideWord | undefined;
    if (/^(both|bilateral)\b/i.test(text.slice(m.start, m.end)) || (near.some((s) => s.side === 'left') && near.some((s) => s.side === 'right'))) {
      side = { side: 'bilateral', start: Math.min(m.start, ...near.map((s) => s.start)), end: m.start };
    } else {
      side = near.find((s) => adjacent(s, m)) ?? near.find((s) => s.side === 'bilateral');
    }
    if (side === undefined) return m;
    for (const s of near) consumed.add(s.start);
    if (side.side !== 'bilateral' && SIDED[m.canonical] !== undefined && m.role === 'organ') {
      const canonical = SIDED[m.canonical]![side.side as 'left' | 'right'];
      return { ...m, canonical, organ: canonical, side: side.side, start: side.start };
    }
    const own = structureOrNull(m.canonical)?.laterality;
    if ((own === 'left' || own === 'right') && side.side !== own) return m;
    return { ...m, side: side.side, start: Math.min(m.start, side.start) };
  });
  const usedSides = sides.filter((s) => !consumed.has(s.start));
  return { mentions: resolved.sort((a, b) => a.start - b.start), sides: usedSides };
}

/** True when `organ` is `other`, or one is part of the other (kidney_left and kidneys; lung_upper_lobe_left and lung). */
export function organsRelated(organ: string, other: string): boolean {
  if (organ === other) return true;
  const a = structureOrNull(organ) === null ? [] : ancestors(organ);
  const b = structureOrNull(other) === null ? [] : ancestors(other);
  return (a.includes(other) && other !== 'body') || (b.includes(organ) && organ !== 'body');
}
