/**
 * Draws the gold sample of real questions that the question parser (issue 13) is measured on:
 * `eval/language/gold-questions.jsonl`, one line per question.
 *
 * Sources (../shared/data/text/questions.dev.jsonl, see its README): VQA-RAD (CT/abdominal images), SLAKE 1.0 test
 * (CT), RadGenome-ChestCT question templates and disorder questions. A RadGenome template holds placeholders
 * (`{region}`, `{abnormality}`); it is filled with a seeded row of the same kind from `radgenome_vqa_rows.dev.jsonl`
 * (the anatomy path's last part for the region, the row's finding for the abnormality), as RadGenome's own
 * generator fills them. The licences forbid copying the texts into this repository for some sources, so each line
 * holds a reference only: the file and 1-based line number of the question (and of the row that filled it), the
 * source's own question id where it has one, and the sha1 of the question text as asked (filled). The label
 * (`label`) is added by hand to the same line; the reference fields are never edited by hand.
 *
 * Usage: npx tsx eval/language/select-gold-questions.ts [--vqarad 140] [--slake 80] [--radgenome 100]
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTemplate, readJsonl, sha1 } from './gold.ts';
import { mulberry32 } from './select-gold-sentences.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = resolve(ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
const QUESTIONS = 'text/questions.dev.jsonl';
const ROWS = 'text/radgenome_vqa_rows.dev.jsonl';
const OUT = resolve(ROOT, 'eval/language/gold-questions.jsonl');

export const SOURCES = {
  vqarad: 'Harsh-Toshniwal/MUMC',
  slake: 'xiaoman-zhang/PMC-VQA',
  radgenome: 'xiaoman-zhang/RadGenome-ChestCT',
} as const;

export interface QuestionLine {
  source: string;
  q: string;
  type?: string;
  qid?: number;
  template?: boolean;
}

export interface RowLine {
  kind: string;
  Anatomy?: string;
  Finding?: string;
  Abnormality?: string;
}


export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The reference of a drawn question (corpus line, source id, sha1 of the text as asked) and its text; a template
 * is filled with a seeded row of its kind (one draw from `rand`), as RadGenome's generator fills them.
 */
export function questionReference(key: keyof typeof SOURCES, q: QuestionLine, line: number, rows: readonly RowLine[], rand: () => number): { ref: Record<string, unknown>; text: string } {
  let text = q.q;
  let rowLine: number | undefined;
  if (q.template === true) {
    const kindRows = rows.map((r, i) => ({ r, line: i + 1 })).filter((x) => x.r.kind === q.type);
    const pick = kindRows[Math.floor(rand() * kindRows.length)]!;
    text = fillTemplate(q.q, pick.r);
    rowLine = pick.line;
  }
  const ref = {
    id: `${key}-${line}${rowLine !== undefined ? `+${rowLine}` : ''}`,
    corpus: QUESTIONS,
    source: q.source,
    line,
    ...(q.qid !== undefined ? { qid: q.qid } : {}),
    ...(rowLine !== undefined ? { rows: ROWS, rowLine } : {}),
    sha1: sha1(text),
  };
  return { ref, text };
}

function main() {
  const args = process.argv.slice(2);
  const arg = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  if (!existsSync(resolve(DATA, QUESTIONS))) throw new Error(`${resolve(DATA, QUESTIONS)} not found (set GROUNDCT_TEST_DATA)`);
  const questions = readJsonl<QuestionLine>(resolve(DATA, QUESTIONS));
  const rows = readJsonl<RowLine>(resolve(DATA, ROWS));
  const rand = mulberry32(20261206);
  const out: string[] = [];
  const want: [keyof typeof SOURCES, number][] = [['vqarad', arg('--vqarad', 140)], ['slake', arg('--slake', 80)], ['radgenome', arg('--radgenome', 100)]];
  for (const [key, n] of want) {
    const pool = questions.map((q, i) => ({ q, line: i + 1 })).filter((x) => x.q.source === SOURCES[key]);
    const picked = shuffled(pool, rand).slice(0, n).sort((a, b) => a.line - b.line);
    for (const { q, line } of picked) out.push(JSON.stringify({ ...questionReference(key, q, line, rows, rand).ref, label: null }));
  }
  // Re-running keeps the labels already written (by id): the draw is seeded, so the same lines come back.
  const labelled = new Map(existsSync(OUT) ? readJsonl<{ id: string; label: unknown }>(OUT).map((g) => [g.id, g.label]) : []);
  const merged = out.map((l) => {
    const g = JSON.parse(l) as { id: string; label: unknown };
    return JSON.stringify({ ...g, label: labelled.get(g.id) ?? null });
  });
  writeFileSync(OUT, merged.join('\n') + '\n');
  console.log(`wrote ${out.length} question references to ${OUT}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
