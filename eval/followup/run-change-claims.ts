/**
 * Measures the change-claim reader (src/claims/change-claims.ts) on the hand-labelled real sentences of
 * eval/followup/change-sentences.jsonl (references into text/reports.dev.jsonl; see select-change-sentences.ts).
 * Each sentence's claims become labels ('grown', 'no new', 'stable', 'compared', 'response:PR', ...) and are
 * compared with the hand labels: sentence exact match, and label precision / recall over the sample.
 * Usage: npx tsx eval/followup/run-change-claims.ts [--out eval/results/followup-change-claims.md] [--verbose]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClaims, splitSentences } from '../../src/claims/index.ts';
import { sha1 } from '../language/select-gold-sentences.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');

interface Item {
  id: string;
  reportId: string;
  start: number;
  end: number;
  sha1: string;
  corpus: string;
  expected: string[];
}

/** The labels a sentence's claims give: change claims by direction (negated with 'no '), response claims by category. */
export function changeLabels(text: string): string[] {
  const out = new Set<string>();
  for (const s of splitSentences(text))
    for (const c of parseClaims(s.text)) {
      if (c.kind === 'change') out.add(`${c.negated ? 'no ' : ''}${c.change}`);
      if (c.kind === 'response' && c.response) out.add(`response:${c.response}`);
      if (c.kind === 'comparison') out.add('compared');
    }
  return [...out].sort();
}

export function loadChangeSentences(): { item: Item; text: string }[] {
  const reports = new Map<string, string>();
  for (const line of readFileSync(resolve(DATA, 'text/reports.dev.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { report_id: string; text: string };
    reports.set(r.report_id, r.text);
  }
  return readFileSync(resolve(ROOT, 'eval/followup/change-sentences.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Item)
    .map((item) => {
      const text = reports.get(item.reportId)?.slice(item.start, item.end) ?? '';
      if (sha1(text) !== item.sha1) throw new Error(`${item.id}: the corpus text does not match its sha1; the corpus changed`);
      return { item, text };
    });
}

export function scoreChangeClaims(rows: { item: Item; text: string }[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let exact = 0;
  const misses: { id: string; expected: string[]; got: string[] }[] = [];
  for (const { item, text } of rows) {
    const got = changeLabels(text);
    const want = [...item.expected].sort();
    tp += got.filter((g) => want.includes(g)).length;
    fp += got.filter((g) => !want.includes(g)).length;
    fn += want.filter((w) => !got.includes(w)).length;
    if (JSON.stringify(got) === JSON.stringify(want)) exact++;
    else misses.push({ id: item.id, expected: want, got });
  }
  return { sentences: rows.length, exact, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), tp, fp, fn, misses };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = loadChangeSentences();
  const r = scoreChangeClaims(rows);
  const i = process.argv.indexOf('--out');
  const summary = { date: new Date().toISOString(), cpu: cpus()[0]?.model, ...r, misses: r.misses.length };
  console.log(JSON.stringify(summary));
  if (process.argv.includes('--verbose')) for (const m of r.misses) console.log(m.id, 'expected', m.expected, 'got', m.got, '|', rows.find((x) => x.item.id === m.id)!.text.slice(0, 160));
  if (i >= 0) writeFileSync(resolve(ROOT, process.argv[i + 1]!), JSON.stringify(r, null, 2) + '\n');
}
