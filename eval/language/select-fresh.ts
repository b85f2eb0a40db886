/**
 * Draws a third, "fresh" gold sample, disjoint from the gold samples the rules were developed on (dev split) and
 * from the held-out split that has been measured (and looked at) more than once: report sentences only from reports
 * no gold line references, number-rich sentences from those reports too, and questions whose corpus line no gold
 * question uses (a RadGenome template already filled in the gold sample is not drawn again).
 *
 * Files (formats as their gold counterparts, see README.md): fresh-sentences.jsonl (`claims`), fresh-numbers.jsonl
 * (`numbers`), fresh-questions.jsonl (`label`), labelled by hand by reading the text before any parser ran on it,
 * and scored by `run.ts --fresh` as their own split, so a rule change tuned on the other samples is checked on text
 * it has not seen.
 *
 * Usage: npx tsx eval/language/select-fresh.ts [--ctrate 50] [--radgpt 30] [--numbers 30] [--vqarad 30] [--slake 15] [--radgenome 15] [--print]
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonl, sha1 } from './gold.ts';
import { questionReference, shuffled, SOURCES, type QuestionLine, type RowLine } from './select-gold-questions.ts';
import { mulberry32, sentenceSpans } from './select-gold-sentences.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
const REPORTS = 'text/reports.dev.jsonl';
const QUESTIONS = 'text/questions.dev.jsonl';
const ROWS = 'text/radgenome_vqa_rows.dev.jsonl';
const here = (f: string) => resolve(ROOT, 'eval/language', f);

/** A digit followed by a length, volume or attenuation unit (as select-gold-numbers.ts draws). */
const NUMBER_WITH_UNIT = /\d\s*(?:mm|cm|ml|cc|hu|cm3|cm³|mm3|degrees?|millimet|centimet)(?![a-z])/i;

/** Writes `lines` to `file`, keeping the labels already written there (by id) under `field`. */
function writeKeeping(file: string, field: string, lines: Record<string, unknown>[]): void {
  const labelled = new Map(existsSync(file) ? readJsonl<Record<string, unknown>>(file).map((g) => [g.id as string, g[field]]) : []);
  writeFileSync(file, lines.map((l) => JSON.stringify({ ...l, [field]: labelled.get(l.id as string) ?? null })).join('\n') + '\n');
}

function main() {
  const args = process.argv.slice(2);
  const arg = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  if (!existsSync(resolve(DATA, REPORTS))) throw new Error(`${resolve(DATA, REPORTS)} not found (set GROUNDCT_TEST_DATA)`);
  const usedReports = new Set(
    [...readJsonl<{ reportId: string }>(here('gold-sentences.jsonl')), ...readJsonl<{ reportId: string }>(here('gold-numbers.jsonl'))].map((g) => g.reportId),
  );
  const reports = readJsonl<{ source: string; report_id: string; text: string }>(resolve(DATA, REPORTS)).filter((r) => !usedReports.has(r.report_id));
  const rand = mulberry32(20261205 ^ 0x5eed);
  const texts = new Map<string, string>();
  const ref = (r: { source: string; report_id: string; text: string }, s: { start: number; end: number }) => (texts.set(`${r.report_id}@${s.start}-${s.end}`, r.text.slice(s.start, s.end)), {
    id: `${r.report_id}@${s.start}-${s.end}`,
    corpus: REPORTS,
    source: r.source,
    reportId: r.report_id,
    start: s.start,
    end: s.end,
    sha1: sha1(r.text.slice(s.start, s.end)),
  });
  const byReport = (a: { reportId: string; start: number }, b: { reportId: string; start: number }) => (a.reportId === b.reportId ? a.start - b.start : a.reportId < b.reportId ? -1 : 1);

  // Half the fresh reports give the plain sentence sample, the other half the number-rich one (no report in both).
  const order = shuffled(reports, rand);
  const plainReports = order.filter((_, i) => i % 2 === 0);
  const numberReports = order.filter((_, i) => i % 2 === 1);
  const sentences: ReturnType<typeof ref>[] = [];
  for (const [source, n] of [[SOURCE_CTRATE, arg('--ctrate', 50)], [SOURCE_RADGPT, arg('--radgpt', 30)]] as const) {
    const pool = plainReports
      .filter((r) => r.source === source)
      .flatMap((r) => sentenceSpans(r.text).filter((s) => !/^radiologist'?s notes:?$/i.test(r.text.slice(s.start, s.end))).map((s) => ref(r, s)));
    sentences.push(...shuffled(pool, rand).slice(0, n));
  }
  sentences.sort(byReport);
  const numberPool = numberReports.flatMap((r) => sentenceSpans(r.text).filter((s) => NUMBER_WITH_UNIT.test(r.text.slice(s.start, s.end))).map((s) => ref(r, s)));
  const numbers = shuffled(numberPool, rand).slice(0, arg('--numbers', 30)).sort(byReport);

  const goldQuestions = readJsonl<{ line: number }>(here('gold-questions.jsonl'));
  const usedLines = new Set(goldQuestions.map((q) => q.line));
  const questionLines = readJsonl<QuestionLine>(resolve(DATA, QUESTIONS));
  const rows = readJsonl<RowLine>(resolve(DATA, ROWS));
  const questions: Record<string, unknown>[] = [];
  for (const [key, n] of [['vqarad', arg('--vqarad', 30)], ['slake', arg('--slake', 15)], ['radgenome', arg('--radgenome', 15)]] as const) {
    const pool = questionLines.map((q, i) => ({ q, line: i + 1 })).filter((x) => x.q.source === SOURCES[key] && !usedLines.has(x.line));
    for (const { q, line } of shuffled(pool, rand).slice(0, n).sort((a, b) => a.line - b.line)) {
      const { ref, text } = questionReference(key, q, line, rows, rand);
      questions.push(ref);
      if (args.includes('--print')) console.log(`Q ${ref.id as string}\t${text}`);
    }
  }
  if (args.includes('--print')) {
    for (const s of sentences) console.log(`S ${s.id}\t${texts.get(s.id)}`);
    for (const s of numbers) console.log(`N ${s.id}\t${texts.get(s.id)}`);
  }
  writeKeeping(here('fresh-sentences.jsonl'), 'claims', sentences);
  writeKeeping(here('fresh-numbers.jsonl'), 'numbers', numbers);
  writeKeeping(here('fresh-questions.jsonl'), 'label', questions);
  console.log(`wrote ${sentences.length} sentences, ${numbers.length} number-rich sentences, ${questions.length} questions (fresh-*.jsonl)`);
}

const SOURCE_CTRATE = 'ibrahimethemhamamci/CT-CLIP';
const SOURCE_RADGPT = 'MrGiovanni/RadGPT';

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
