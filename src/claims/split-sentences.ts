import { findMentions } from './mentions.ts';

/**
 * Splits report text (plain text or Markdown) into sentences.
 *
 * - Headings start a section and are not sentences: Markdown headings (`## Findings`), lines that are only an
 *   upper-case or bold word ending in a colon (`FINDINGS:`, `**Impression**`), and such a word leading a line
 *   (`IMPRESSION: Enlarged spleen.`: the rest of the line is a sentence of the section).
 * - Each bullet (`-`, `*`, `+`, `•`) or numbered item (`1.`, `2)`) is its own paragraph; other consecutive
 *   lines are joined (text wrapped at a fixed width).
 * - Inside a paragraph a sentence ends at `.`, `!` or `?` followed by space and a capital letter, a digit or an
 *   opening bracket, except after abbreviations (approx., e.g., i.e., vs., cf., ca., incl., no., Dr., ...).
 *   Decimals ("2.1 cm") never split: the full stop there is not followed by a space.
 * - Markdown emphasis, inline code marks and block quotes are removed; table rows and code fences are skipped.
 */
export interface TextSentence {
  /** 's1', 's2', ... in reading order. */
  readonly id: string;
  readonly text: string;
  /** Lower-case section name from the last heading above it ('findings', 'impression'), or null. */
  readonly section: string | null;
  /**
   * The structure a heading above it names ("Liver:", "**Kidneys**", "LUNGS:" on their own line, or leading its
   * paragraph: "Kidneys: cortical cyst on the left. No stones."), canonical; absent under no such heading. The
   * claim parser takes it as the subject of sentences that name no organ.
   */
  readonly heading?: string;
}

/** Abbreviations whose full stop does not end a sentence (lower case, without the stop). */
const ABBREVIATIONS = new Set([
  'approx', 'e.g', 'eg', 'i.e', 'ie', 'vs', 'cf', 'ca', 'incl', 'no', 'nos', 'dr', 'fig', 'figs', 'resp', 'max', 'min',
  'mr', 'mrs', 'ms', 'st', 'etc', 'al', 'ref', 'approx.', 'sq', 'seg', 'segs', 'lat', 'ant', 'post', 'sup', 'inf',
]);

const HEADING_WORD = /^(?:#{1,6}\s*)?(?:\*\*|__)?\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*$/;
const LEADING_SECTION = /^(?:\*\*|__)?\s*(FINDINGS|IMPRESSION|CONCLUSION|TECHNIQUE|COMPARISON|HISTORY|INDICATION|CLINICAL INFORMATION|RECOMMENDATIONS?|Findings|Impression|Conclusion)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$/;
const BULLET = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$/;

function stripInline(s: string): string {
  return s
    .replace(/\*\*|__/g, '')
    .replace(/(^|\s)[*_](\S)/g, '$1$2')
    .replace(/(\S)[*_](?=\s|$|[.,;:])/g, '$1')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isHeadingLine(line: string): string | null {
  const t = line.trim();
  if (/^#{1,6}\s+/.test(t)) return stripInline(t.replace(/^#{1,6}\s+/, '')).replace(/:$/, '').toLowerCase();
  const m = HEADING_WORD.exec(t);
  if (m === null) return null;
  const word = m[1]!.trim();
  // A heading is upper case ("FINDINGS:"), bold ("**Findings**") or ends with a colon ("Findings:").
  const bold = /^(\*\*|__)/.test(t);
  const colon = /:\s*(\*\*|__)?\s*$/.test(t);
  if (word === word.toUpperCase() || bold || colon) return word.toLowerCase();
  return null;
}

/** A sentence without the stray quotes that separate joined findings ('" Bilateral pleural effusion."'). */
function clean(piece: string): string {
  return piece.replace(/^[\s"“”]+/, '').replace(/(?<=[.!?])\s*["”]+$/, '').trim();
}

/** The structure a heading word names ('Liver', 'KIDNEYS', 'Lungs and pleura' -> lung), canonical, or undefined. */
function headingStructure(word: string): string | undefined {
  const { mentions } = findMentions(word);
  const organ = mentions.find((m) => m.organ !== null && (m.role === 'organ' || m.role === 'bone' || m.role === 'location'));
  return organ?.organ ?? undefined;
}

/** Splits one paragraph at sentence ends. */
export function splitParagraph(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  // A quote may stand between sentences ('... structures. " Stable nodes ...': joined findings of CT-RATE).
  const re = /[.!?]+["'”]?(?=\s+["'“”(\[]?\s*[A-Z0-9(\[])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(paragraph)) !== null) {
    const end = m.index + m[0].length;
    const before = paragraph.slice(start, m.index);
    const lastWord = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase() ?? '';
    if (m[0] === '.' && (ABBREVIATIONS.has(lastWord) || ABBREVIATIONS.has(lastWord.replace(/^.*\./, '')) || /^[a-z]$/i.test(lastWord))) continue;
    const piece = clean(paragraph.slice(start, end));
    if (piece.length > 0) out.push(piece);
    start = end;
  }
  const rest = clean(paragraph.slice(start));
  if (rest.length > 0) out.push(rest);
  return out;
}

/** Report text -> sentences with their section. Never throws; empty text gives no sentence. */
export function splitSentences(text: string): TextSentence[] {
  const paragraphs: { text: string; section: string | null; heading?: string }[] = [];
  let section: string | null = null;
  let heading: string | undefined;
  let current: string[] = [];
  let inFence = false;
  const flush = () => {
    const joined = stripInline(current.join(' '));
    if (joined.length > 0) {
      // "Kidneys: ..." leading its paragraph names the subject of the whole paragraph.
      const lead = /^([A-Za-z][A-Za-z /&-]{1,40}):\s+\S/.exec(joined);
      const own = lead === null ? undefined : headingStructure(lead[1]!);
      const subject = own ?? heading;
      paragraphs.push({ text: joined, section, ...(subject !== undefined ? { heading: subject } : {}) });
    }
    current = [];
  };
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.replace(/^\s*>\s?/, '');
    if (/^\s*```/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence || /^\s*\|/.test(line) || /^\s*([-=*_])\1{2,}\s*$/.test(line)) {
      flush();
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const headingLine = isHeadingLine(line);
    if (headingLine !== null) {
      flush();
      // A structure heading ("Liver:", "**Kidneys**") also names the subject of the sentences below it.
      section = headingLine;
      heading = headingStructure(headingLine);
      continue;
    }
    const lead = LEADING_SECTION.exec(line.trim());
    if (lead) {
      flush();
      section = lead[1]!.toLowerCase();
      heading = undefined;
      if (lead[2]!.trim() !== '') current.push(lead[2]!);
      continue;
    }
    // "Liver: ..." at the start of a line begins a paragraph about that structure (not joined to the line above).
    const subjectLead = /^([A-Za-z][A-Za-z /&-]{1,40}):\s+\S/.exec(line.trim());
    if (subjectLead && headingStructure(subjectLead[1]!) !== undefined) {
      flush();
      current.push(line.trim());
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      flush();
      current.push(bullet[1]!);
      continue;
    }
    current.push(line.trim());
  }
  flush();
  const out: TextSentence[] = [];
  for (const p of paragraphs) {
    for (const s of splitParagraph(p.text)) out.push({ id: `s${out.length + 1}`, text: s, section: p.section, ...(p.heading !== undefined ? { heading: p.heading } : {}) });
  }
  return out;
}
