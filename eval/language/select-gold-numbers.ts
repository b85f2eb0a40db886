/**
 * Draws a second, number-rich gold sample of real report sentences: `eval/language/gold-numbers.jsonl`. The main
 * sample (gold-sentences.jsonl, a plain random draw) holds too few numbers to measure "numbers read with the right
 * value and unit" to a few per cent, so this one draws only sentences in which a digit is followed by a unit word
 * (mm, cm, mL, cc, HU, ...). Sentence units and reference fields are those of select-gold-sentences.ts (corpus
 * file, report id, offsets into the report's `text`, sha1 of the sentence); sentences already in the main sample
 * are left out. The `numbers` field is labelled by hand: every number with a unit, its value and unit as written,
 * what it measures, or that it is not a measurement of a finding (a contrast dose, a reference range, a prior value).
 *
 * Usage: npx tsx eval/language/select-gold-numbers.ts [--n 120]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, sentenceSpans, sha1 } from './select-gold-sentences.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
const CORPUS = 'text/reports.dev.jsonl';
const OUT = resolve(ROOT, 'eval/language/gold-numbers.jsonl');
const MAIN = resolve(ROOT, 'eval/language/gold-sentences.jsonl');

/** A digit followed by a length, volume, attenuation or angle unit. */
const NUMBER_WITH_UNIT = /\d\s*(?:mm|cm|ml|cc|hu|cm3|cm³|mm3|degrees?|millimet|centimet)(?![a-z])/i;


function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf('--n');
  const n = i >= 0 ? Number(args[i + 1]) : 120;
  const taken = new Set(readFileSync(MAIN, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));
  const reports = readFileSync(resolve(DATA, CORPUS), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: string; report_id: string; text: string });
  const pool: { source: string; reportId: string; start: number; end: number; text: string }[] = [];
  for (const r of reports) {
    for (const s of sentenceSpans(r.text)) {
      const text = r.text.slice(s.start, s.end);
      const id = `${r.report_id}@${s.start}-${s.end}`;
      if (taken.has(id) || !NUMBER_WITH_UNIT.test(text)) continue;
      pool.push({ source: r.source, reportId: r.report_id, start: s.start, end: s.end, text });
    }
  }
  const rand = mulberry32(20261207);
  for (let k = pool.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
  }
  const picked = pool.slice(0, n).sort((a, b) => (a.reportId === b.reportId ? a.start - b.start : a.reportId < b.reportId ? -1 : 1));
  const out = picked.map((p) =>
    JSON.stringify({ id: `${p.reportId}@${p.start}-${p.end}`, corpus: CORPUS, source: p.source, reportId: p.reportId, start: p.start, end: p.end, sha1: sha1(p.text), numbers: null }),
  );
  // Re-running keeps the labels already written (by id): the draw is seeded, so the same lines come back.
  const labelled = new Map(existsSync(OUT) ? readFileSync(OUT, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; numbers: unknown }).map((g) => [g.id, g.numbers]) : []);
  const merged = out.map((l) => {
    const g = JSON.parse(l) as { id: string };
    return JSON.stringify({ ...g, numbers: labelled.get(g.id) ?? null });
  });
  writeFileSync(OUT, merged.join('\n') + '\n');
  console.log(`wrote ${out.length} sentence references (pool ${pool.length}) to ${OUT}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
