/**
 * Draws the gold sample of real report sentences that the language work (claims, issue 13) and the literature
 * grounding work (passages, issue 20) label: one file, `eval/language/gold-sentences.jsonl`, one line per sentence.
 *
 * The corpus licences (CC BY-NC-SA, CC BY-NC-ND) forbid copying its text into this repository, so each line holds
 * a reference only: the corpus file, the report id, the character offsets of the sentence in the report's `text`
 * and the sha1 of the sentence, which the scripts that read this file check when they resolve the reference. Labels are added to
 * the same lines (`claims`, `passages`); the reference fields are never edited by hand.
 *
 * Sentence units: RadGPT radiologist's notes hold one finding a line; CT-RATE reports are prose. Both are cut at
 * line breaks and at `.`/`!`/`?` followed by white space and a capital letter (a decimal point is never followed
 * by a space). The draw is seeded, so re-running it gives the same sample.
 *
 * Usage: npx tsx eval/language/select-gold-sentences.ts [--per-source-ctrate 200] [--per-source-radgpt 150]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
const CORPUS = 'text/reports.dev.jsonl';
const OUT = resolve(ROOT, 'eval/language/gold-sentences.jsonl');

interface ReportLine {
  source: string;
  report_id: string;
  text: string;
}

export interface SentenceSpan {
  start: number;
  end: number;
}

/** Sentence spans of a report text (offsets into `text`, end exclusive, trimmed). */
export function sentenceSpans(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const push = (a: number, b: number) => {
    while (a < b && /\s/.test(text[a]!)) a++;
    while (b > a && /\s/.test(text[b - 1]!)) b--;
    if (b - a >= 3) spans.push({ start: a, end: b });
  };
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const re = /[.!?]+(?=\s+[A-Z(])/g;
    let from = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      push(lineStart + from, lineStart + m.index + m[0].length);
      from = m.index + m[0].length;
    }
    push(lineStart + from, lineStart + line.length);
    lineStart += line.length + 1;
  }
  return spans;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

function main() {
  const args = process.argv.slice(2);
  const arg = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const want: Record<string, number> = {
    'ibrahimethemhamamci/CT-CLIP': arg('--per-source-ctrate', 200),
    'MrGiovanni/RadGPT': arg('--per-source-radgpt', 150),
  };
  const lines = readFileSync(resolve(DATA, CORPUS), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReportLine);
  const out: string[] = [];
  for (const [source, n] of Object.entries(want)) {
    const pool: { r: ReportLine; s: SentenceSpan }[] = [];
    for (const r of lines.filter((x) => x.source === source)) {
      for (const s of sentenceSpans(r.text)) {
        const t = r.text.slice(s.start, s.end);
        if (/^radiologist'?s notes:?$/i.test(t)) continue;
        pool.push({ r, s });
      }
    }
    const rand = mulberry32(20261205);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    const picked = pool.slice(0, n).sort((a, b) => (a.r.report_id === b.r.report_id ? a.s.start - b.s.start : a.r.report_id < b.r.report_id ? -1 : 1));
    for (const { r, s } of picked) {
      const text = r.text.slice(s.start, s.end);
      out.push(
        JSON.stringify({
          id: `${r.report_id}@${s.start}-${s.end}`,
          corpus: CORPUS,
          source,
          reportId: r.report_id,
          start: s.start,
          end: s.end,
          sha1: sha1(text),
          claims: null,
          passages: null,
        }),
      );
    }
  }
  writeFileSync(OUT, out.join('\n') + '\n');
  console.log(`wrote ${out.length} sentence references to ${OUT}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
