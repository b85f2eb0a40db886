import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dataPath } from '../../test/helpers/data.ts';

/**
 * The passage labels of the gold sentences (eval/language/gold-sentences.jsonl, field `passages`; format in
 * eval/retrieval/README.md), resolved to their text from the corpus under ../shared/data. The corpus text is never
 * stored in the repository: each reference is sliced out of the report and checked against its sha1.
 */
export const GOLD_SENTENCES_PATH = fileURLToPath(new URL('../language/gold-sentences.jsonl', import.meta.url));

const PassageLabelSchema = z.object({ ids: z.array(z.string().min(1)), split: z.enum(['dev', 'test']) }).strict();

const GoldLineSchema = z
  .object({
    id: z.string(),
    corpus: z.string(),
    source: z.string(),
    reportId: z.string(),
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
    sha1: z.string().regex(/^[0-9a-f]{40}$/),
    passages: PassageLabelSchema.nullable(),
  })
  .loose();

/** One gold sentence with its passage label; `passageIds` empty = no passage supports it. */
export interface GoldPassageItem {
  readonly id: string;
  readonly split: 'dev' | 'test';
  readonly source: string;
  readonly text: string;
  readonly passageIds: readonly string[];
}

export type GoldLoad = { readonly items: GoldPassageItem[]; readonly unlabelled: number } | { readonly skipped: string };

/** The labelled gold sentences with their text, or why they cannot be read (corpus absent). Throws on a sha1 mismatch. */
export function loadGoldPassageItems(file: string = GOLD_SENTENCES_PATH): GoldLoad {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const rows = lines.map((l, i) => {
    const r = GoldLineSchema.safeParse(JSON.parse(l));
    if (!r.success) throw new Error(`${file} line ${i + 1}: ${r.error.message}`);
    return r.data;
  });
  // Report ids are not unique in the corpus (16 RadGPT notes share the id 'notes_'): keep every text per id and
  // resolve a reference to the one whose slice has the recorded sha1.
  const reports = new Map<string, Map<string, string[]>>();
  for (const corpus of new Set(rows.map((r) => r.corpus))) {
    const path = dataPath(corpus);
    if (!existsSync(path)) return { skipped: `gold sentences not resolved: ${path} is absent (set GROUNDCT_TEST_DATA to the shared data folder)` };
    const byId = new Map<string, string[]>();
    for (const l of readFileSync(path, 'utf8').split('\n')) {
      if (l.trim() === '') continue;
      const r = JSON.parse(l) as { report_id: string; text: string };
      byId.set(r.report_id, [...(byId.get(r.report_id) ?? []), r.text]);
    }
    reports.set(corpus, byId);
  }
  const items: GoldPassageItem[] = [];
  let unlabelled = 0;
  for (const r of rows) {
    if (r.passages === null) {
      unlabelled++;
      continue;
    }
    const candidates = reports.get(r.corpus)?.get(r.reportId) ?? [];
    const text = candidates.map((t) => t.slice(r.start, r.end)).find((t) => createHash('sha1').update(t, 'utf8').digest('hex') === r.sha1);
    if (text === undefined) throw new Error(`gold sentence ${r.id}: no report '${r.reportId}' in ${r.corpus} has the recorded sha1 ${r.sha1} at ${r.start}-${r.end} (corpus changed?)`);
    items.push({ id: r.id, split: r.passages.split, source: r.source, text, passageIds: r.passages.ids });
  }
  return { items, unlabelled };
}
