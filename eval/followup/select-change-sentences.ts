/**
 * Draws the gold sample for the change-claim reader (src/claims/change-claims.ts, issue 19): real report
 * sentences of text/reports.dev.jsonl that hold a word of change or comparison (new, stable, unchanged,
 * increase, decrease, regress, progress, resolved, previous, prior, compared, interval, response). Most such
 * words in one-study reports describe, not compare ("density increases", "decreased attenuation"): the sample
 * measures both what the reader finds and what it must leave alone.
 *
 * Each line is a reference only (corpus file, report id, offsets, sha1; the licences forbid copying the text),
 * plus the hand label `expected`: the change / response claims a reader of the sentence finds, as
 * "<change>" or "no <change>" (negated) or "response:<category>", an empty list when the sentence states no change.
 * Labels were written before the reader was run on the sample.
 *
 * Usage: npx tsx eval/followup/select-change-sentences.ts [--count 60]   (writes eval/followup/change-sentences.jsonl
 * without labels; the labelled file is committed, do not overwrite it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src/phantom/index.ts';
import { sentenceSpans, sha1 } from '../language/select-gold-sentences.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
export const CORPUS = 'text/reports.dev.jsonl';
export const CHANGE_WORDS = /\b(new|newly|stable|unchanged|no longer|resolved|regress\w*|progress\w*|increas\w*|decreas\w*|reduc\w*|compared|comparison|previous|prior|interval|response|enlarg\w*|grow\w*|shrink\w*|disappear\w*)\b/i;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--count');
  const count = i >= 0 ? Number(process.argv[i + 1]) : 60;
  const pool: { id: string; reportId: string; source: string; start: number; end: number; sha1: string }[] = [];
  for (const line of readFileSync(resolve(DATA, CORPUS), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { source: string; report_id: string; text: string };
    for (const s of sentenceSpans(r.text)) {
      const text = r.text.slice(s.start, s.end);
      if (CHANGE_WORDS.test(text)) pool.push({ id: `${r.report_id}@${s.start}-${s.end}`, reportId: r.report_id, source: r.source, start: s.start, end: s.end, sha1: sha1(text) });
    }
  }
  const rand = mulberry32(19).next;
  for (let n = pool.length - 1; n > 0; n--) {
    const k = Math.floor(rand() * (n + 1));
    [pool[n], pool[k]] = [pool[k]!, pool[n]!];
  }
  const out = pool.slice(0, count).sort((a, b) => a.id.localeCompare(b.id)).map((p) => JSON.stringify({ ...p, corpus: CORPUS, expected: null }));
  writeFileSync(resolve(ROOT, 'eval/followup/change-sentences.jsonl'), out.join('\n') + '\n');
  console.log(`${pool.length} candidate sentences; wrote ${out.length}`);
}
