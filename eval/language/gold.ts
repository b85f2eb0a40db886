/**
 * The gold samples of real text (eval/language/*.jsonl) and how their references are resolved. The corpus
 * licences forbid copying the texts into the repository, so every line holds a reference (file, report id or line,
 * offsets, sha1) that is resolved here against ../shared/data/text and checked: a line whose text no longer hashes
 * to its sha1 is reported, never silently scored.
 *
 * Held-out split: a line belongs to the held-out split when the first hex digit of sha1(key) is 0-3 (a quarter),
 * with key = the report id for sentences (a report's sentences stay together) and the line's id for questions.
 * Rules are developed on the dev split only; the held-out figures are measured at the end (eval/language/run.ts
 * --heldout) to see whether the rules carry over to text they were not tuned on.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../../test/helpers/data.ts';

export const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

export type Split = 'dev' | 'heldout' | 'fresh';

export function splitOf(key: string): Split {
  return '0123'.includes(sha1(key)[0]!) ? 'heldout' : 'dev';
}

/** A number of a gold claim: value and unit as written ("5.3 mm" -> 5.3, 'mm'), and what it measures. */
export interface GoldNumber {
  readonly kind: 'diameterMm' | 'longAxisMm' | 'shortAxisMm' | 'lengthMm' | 'volumeMl' | 'huMean';
  readonly value: number;
  readonly unit: 'mm' | 'cm' | 'mL' | 'HU';
}

/** One claim a reader finds in a sentence (format: eval/language/README.md). */
export interface GoldClaim {
  readonly kind: string;
  readonly organ: string | null;
  readonly side?: 'left' | 'right' | 'bilateral';
  readonly negated: boolean;
  readonly certainty: 'definite' | 'uncertain';
  readonly lesionType?: string;
  readonly count?: number | 'multiple';
  readonly attenuation?: string;
  readonly sizeClass?: string;
  readonly fluid?: string;
  readonly locations?: readonly string[];
  readonly numbers?: readonly GoldNumber[];
}

interface SentenceRef {
  readonly id: string;
  readonly corpus: string;
  readonly source: string;
  readonly reportId: string;
  readonly start: number;
  readonly end: number;
  readonly sha1: string;
}

export interface GoldSentence extends SentenceRef {
  readonly claims: readonly GoldClaim[] | null;
}

/** A number of the number-rich sample: values as written (two for "20x10 mm"), unit, what it measures. */
export interface GoldMeasure {
  readonly values?: readonly number[];
  readonly unit?: 'mm' | 'cm' | 'mL' | 'HU';
  /** A claim kind (lesion, lymph_node, organ_size, fluid), 'other' (a measurement of something outside the claim vocabulary), 'not_measurement' (a limit, a prior value), 'range' (not scored). */
  readonly measures: string;
  readonly written?: string;
}

export interface GoldNumberSentence extends SentenceRef {
  readonly numbers: readonly GoldMeasure[] | null;
}

/** A labelled question: in scope with its type and target, or out of scope with the reason's category. */
export type QuestionLabel =
  | { readonly inScope: true; readonly type: string; readonly target: string | null; readonly structures?: readonly string[] }
  | { readonly inScope: false; readonly reason: string };

export interface GoldQuestion {
  readonly id: string;
  readonly corpus: string;
  readonly source: string;
  readonly line: number;
  readonly qid?: number;
  readonly rows?: string;
  readonly rowLine?: number;
  readonly sha1: string;
  readonly label: QuestionLabel | null;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
export const GOLD_SENTENCES = here('gold-sentences.jsonl');
export const GOLD_NUMBERS = here('gold-numbers.jsonl');
export const GOLD_QUESTIONS = here('gold-questions.jsonl');
/** The fresh sample (select-fresh.ts): reports and questions no other gold line uses, scored as the split 'fresh'. */
export const FRESH_SENTENCES = here('fresh-sentences.jsonl');
export const FRESH_NUMBERS = here('fresh-numbers.jsonl');
export const FRESH_QUESTIONS = here('fresh-questions.jsonl');

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

/** True when the corpus the gold files reference is on this machine. */
export function corpusAvailable(): boolean {
  return existsSync(dataPath('text', 'reports.dev.jsonl')) && existsSync(dataPath('text', 'questions.dev.jsonl'));
}

const reportCache = new Map<string, Map<string, string[]>>();
/** Report texts by id; some corpus ids occur more than once (RadGPT notes without a case id), so each id keeps a list. */
function reportTexts(corpus: string): Map<string, string[]> {
  let m = reportCache.get(corpus);
  if (m === undefined) {
    m = new Map();
    for (const r of readJsonl<{ report_id: string; text: string }>(dataPath(corpus))) m.set(r.report_id, [...(m.get(r.report_id) ?? []), r.text]);
    reportCache.set(corpus, m);
  }
  return m;
}

/** The text a sentence reference points at (the report of that id whose span hashes to the sha1); throws when none does. */
export function sentenceText(ref: SentenceRef): string {
  const reports = reportTexts(ref.corpus).get(ref.reportId);
  if (reports === undefined) throw new Error(`${ref.id}: report ${ref.reportId} not in ${ref.corpus}`);
  const text = reports.map((r) => r.slice(ref.start, ref.end)).find((t) => sha1(t) === ref.sha1);
  if (text === undefined) throw new Error(`${ref.id}: the text at ${ref.start}-${ref.end} does not match its sha1 (corpus changed?)`);
  return text;
}

/** RadGenome's template filling, as its generator fills them: region = last part of the anatomy path, abnormality = the row's finding. */
export function fillTemplate(template: string, row: { Anatomy?: string; Finding?: string; Abnormality?: string }): string {
  const region = (row.Anatomy ?? '').split('/').filter(Boolean).pop() ?? '';
  return template.replace(/\{region\}/g, region).replace(/\{abnormality\}/g, row.Finding ?? row.Abnormality ?? '');
}

const lineCache = new Map<string, string[]>();
function lines(file: string): string[] {
  let l = lineCache.get(file);
  if (l === undefined) lineCache.set(file, (l = readFileSync(dataPath(file), 'utf8').split('\n')));
  return l;
}

/** The question a reference points at (filled from its row for a template); throws when its sha1 differs. */
export function questionText(ref: GoldQuestion): string {
  const q = JSON.parse(lines(ref.corpus)[ref.line - 1]!) as { q: string };
  const text = ref.rows !== undefined && ref.rowLine !== undefined ? fillTemplate(q.q, JSON.parse(lines(ref.rows)[ref.rowLine - 1]!)) : q.q;
  if (sha1(text) !== ref.sha1) throw new Error(`${ref.id}: the question at line ${ref.line} does not match its sha1 (corpus changed?)`);
  return text;
}
