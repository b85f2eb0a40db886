/**
 * Parser sensitivity on the real corpus (issue 13): every sentence of ../shared/data/text/reports.dev.jsonl that
 * the claim parser reads is mutated by each operator that applies (mutations.ts), and the claims of the original
 * and the mutant are compared. Goal: the planted difference shows (the right field changed) for >= 90 % of the
 * mutants; neutral rewordings leave the claims identical. Dev and held-out splits (by report, gold.ts) separately.
 *
 *   npx tsx eval/language/mutate.ts [--no-write]     -> eval/results/language-mutation.md and .json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dataPath, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { corpusAvailable, readJsonl, sha1, splitOf, type Split } from './gold.ts';
import { changed, eligible, OPERATORS, type MutationOperator } from './mutations.ts';
import type { Claim } from '../../src/claims/index.ts';
import { claimsOfText } from './run.ts';
import { sentenceSpans } from './select-gold-sentences.ts';

export const SENSITIVITY_GOAL_PCT = 90;

interface Tally {
  mutants: number;
  shown: number;
  /** Misses by reference only (the corpus licences keep its text out of the repository): resolve with gold.ts. */
  examples: { operator: MutationOperator; reportId: string; start: number; end: number; sha1: string }[];
}

/** Mutants per split and operator, and how many showed the planted difference, for a claim reader. */
export function sensitivity(readClaims: (text: string) => Claim[] = claimsOfText, splits: readonly Split[] = ['dev', 'heldout']): { tallies: Map<string, Tally>; sentences: number; read: number } {
  const reports = readJsonl<{ report_id: string; text: string }>(dataPath('text', 'reports.dev.jsonl'));
  const tallies = new Map<string, Tally>();
  const tally = (split: Split, op: MutationOperator) => {
    const k = `${split}|${op}`;
    let t = tallies.get(k);
    if (t === undefined) tallies.set(k, (t = { mutants: 0, shown: 0, examples: [] }));
    return t;
  };
  let sentences = 0;
  let read = 0;
  for (const r of reports) {
    const split = splitOf(r.report_id);
    if (!splits.includes(split)) continue;
    for (const span of sentenceSpans(r.text)) {
      const text = r.text.slice(span.start, span.end);
      sentences++;
      const before = readClaims(text);
      if (before.length === 0) continue;
      read++;
      for (const [op, mutate] of OPERATORS) {
        if (!eligible(op, before)) continue;
        const mutated = mutate(text, before);
        if (mutated === null || mutated === text) continue;
        const after = readClaims(mutated);
        const t = tally(split, op);
        t.mutants++;
        const ok = op === 'neutral' ? !changed(op, before, after) : changed(op, before, after);
        if (ok) t.shown++;
        // A few dev-split misses, as references (report id, offsets, sha1 of the sentence); rerunning the operator on the
        // resolved sentence gives the mutant.
        else if (split === 'dev' && t.examples.length < 3) t.examples.push({ operator: op, reportId: r.report_id, start: span.start, end: span.end, sha1: sha1(text) });
      }
    }
  }
  return { tallies, sentences, read };
}

/** Share of planted-error mutants (all operators but 'neutral') whose difference showed, per cent. */
export function errorRate(tallies: Map<string, Tally>, split: Split): number {
  let m = 0, s = 0;
  for (const [k, t] of tallies) if (k.startsWith(`${split}|`) && !k.endsWith('|neutral')) { m += t.mutants; s += t.shown; }
  return m === 0 ? 0 : Math.round((1000 * s) / m) / 10;
}

function main() {
  if (!corpusAvailable()) {
    console.log(`skipped: ${NO_DATA_REASON}`);
    return;
  }
  const { tallies, sentences, read } = sensitivity();
  const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((1000 * a) / b) / 10);
  const rows: string[] = [];
  const summary: Record<string, unknown> = {};
  for (const split of ['dev', 'heldout'] as const) {
    let m = 0, s = 0;
    for (const [op] of OPERATORS) {
      const t = tallies.get(`${split}|${op}`) ?? { mutants: 0, shown: 0, examples: [] };
      rows.push(`| ${split} | ${op} | ${t.mutants} | ${t.shown} | ${pct(t.shown, t.mutants)} % |`);
      if (op !== 'neutral') { m += t.mutants; s += t.shown; }
      summary[`${split}.${op}`] = { mutants: t.mutants, shown: t.shown, pct: pct(t.shown, t.mutants) };
    }
    summary[`${split}.errors`] = { mutants: m, shown: s, pct: pct(s, m) };
    rows.push(`| ${split} | **all planted errors** | ${m} | ${s} | **${pct(s, m)} %** |`);
  }
  const header = ['| split | operator | mutants | difference shown (neutral: claims unchanged) | rate |', '|---|---|---|---|---|'];
  console.log(`${sentences} sentences, ${read} with claims`);
  console.log([...header, ...rows].join('\n'));
  if (process.argv.includes('--no-write')) return;
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}, ${platform()} ${release()}, Node ${process.version}`;
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const misses = [...tallies.entries()].flatMap(([k, t]) => t.examples.map((e) => ({ split: k.split('|')[0], ...e })));
  writeFileSync(`${out}language-mutation.json`, JSON.stringify({ date, command: 'npx tsx eval/language/mutate.ts', machine, sentences, withClaims: read, goalPct: SENSITIVITY_GOAL_PCT, summary, misses }, null, 2) + '\n');
  writeFileSync(
    `${out}language-mutation.md`,
    [
      '# Claim parser sensitivity on the real corpus (planted errors)',
      '',
      `- date: ${date}`,
      '- command: npx tsx eval/language/mutate.ts',
      `- machine: ${machine}`,
      `- corpus: ../shared/data/text/reports.dev.jsonl, ${sentences} sentences, ${read} with claims (the others cannot show a difference and are not mutated)`,
      `- goal: the planted difference shows for >= ${SENSITIVITY_GOAL_PCT} % of mutants; neutral rewordings leave the claims identical`,
      '- operators and fields compared: eval/language/mutations.ts. A mutant is made only where the original claims hold the field (a side swap needs a sided claim).',
      '',
      ...header,
      ...rows,
      '',
      'Examples of mutants whose difference did not show are listed in language-mutation.json by reference only (report id, sentence offsets in reports.dev.jsonl, sha1 of the sentence; no corpus text): resolve them against ../shared/data/text and rerun the operator.',
      '',
    ].join('\n'),
  );
  console.log(`wrote ${out}language-mutation.md`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
