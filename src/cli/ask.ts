import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { ask, loadReportDir, makeVqaContext } from '../vqa/index.ts';
import { readRegularText } from '../volume/index.ts';
import { parseCommandArgs } from './args.ts';
import { writeFileAtomic } from './output.ts';
import { createProgress, type ProgressMode } from './progress.ts';

export const ASK_USAGE = `groundct ask <report-dir> "<question>"
groundct ask <report-dir> --batch questions.jsonl [--out answers.jsonl]
  Answers questions about a reported study (a folder written by 'groundct report --out', holding report.json or
  findings.json + measurements.json). Each answer is JSON: answer, value + unit, findingIds, mask evidence,
  citations, or answerable false with a reason (structure_absent, not_imaged, partially_imaged, out_of_scope,
  unparsed). --batch reads one {"id", "question"} object per line and writes one answer per line.`;

interface BatchItem {
  readonly id: string;
  readonly question: string;
}

/** Parses a JSONL question file; every bad line is reported at once, with its line number. */
export function parseBatch(text: string, file: string): BatchItem[] {
  const items: BatchItem[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      problems.push(`line ${n + 1}: not JSON`);
      return;
    }
    const o = obj as { id?: unknown; question?: unknown };
    const id = typeof o?.id === 'string' || typeof o?.id === 'number' ? String(o.id) : null;
    if (id === null) problems.push(`line ${n + 1}: 'id' must be a string or number`);
    else if (seen.has(id)) problems.push(`line ${n + 1}: id '${id}' repeats`);
    if (typeof o?.question !== 'string' || o.question.trim() === '') problems.push(`line ${n + 1}: 'question' must be a non-empty string`);
    if (id !== null && !seen.has(id) && typeof o.question === 'string' && o.question.trim() !== '') {
      seen.add(id);
      items.push({ id, question: o.question });
    }
  });
  if (problems.length > 0)
    throw gctError('GCT_VQA_BATCH_INVALID', `${file}: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`, { file, problems });
  return items;
}

export async function runAsk(argv: string[], _config: Config, out: (s: string) => void, progressMode: ProgressMode = 'off'): Promise<number> {
  const { values, positionals } = parseCommandArgs('ask', argv, { batch: { type: 'string' }, out: { type: 'string' } });
  const batch = values.batch;
  if (batch === undefined && positionals.length !== 2)
    throw gctError('GCT_CLI_USAGE', `groundct ask takes a report folder and one question (quote it); got ${positionals.length} argument(s).\n${ASK_USAGE}`);
  if (batch !== undefined && positionals.length !== 1)
    throw gctError('GCT_CLI_USAGE', `groundct ask --batch takes the report folder only; got ${positionals.length} argument(s).\n${ASK_USAGE}`);
  if (batch === undefined && values.out !== undefined) throw gctError('GCT_CLI_USAGE', '--out goes with --batch; a single answer is printed.');

  let items: BatchItem[] = [];
  if (batch !== undefined) {
    let text: string;
    try {
      // A regular file only (a named pipe would block the read forever), at most 64 MiB.
      text = await readRegularText(batch, { maxBytes: 64 * 1024 * 1024, limitName: 'the 64 MiB question-file limit', what: 'question file' });
    } catch (cause) {
      throw gctError('GCT_VQA_BATCH_INVALID', `Cannot read the question file ${batch}: ${(cause as Error).message}`, { file: batch }, cause);
    }
    items = parseBatch(text, batch);
  }
  const ctx = makeVqaContext(await loadReportDir(positionals[0]), await loadKnowledgeBase());
  if (batch === undefined) {
    out(JSON.stringify(await ask(ctx, positionals[1]), null, 2) + '\n');
    return 0;
  }
  const lines: string[] = [];
  const progress = createProgress('groundct ask', progressMode);
  try {
    for (const [n, item] of items.entries()) {
      progress.update(`question ${n + 1} of ${items.length}`, n / items.length);
      lines.push(JSON.stringify({ id: item.id, ...(await ask(ctx, item.question)) }));
    }
  } finally {
    progress.done();
  }
  const text = lines.map((l) => l + '\n').join('');
  if (values.out !== undefined) await writeFileAtomic(values.out, text);
  else out(text);
  return 0;
}
