import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { evaluateManifest, loadManifest, renderEvalOutputs } from '../evaluate/index.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs } from './output.ts';
import { createProgress, type ProgressMode } from './progress.ts';

export const EVAL_USAGE = `groundct eval --manifest <file> [--out <dir>] [--data <dir>]
  Scores candidate reports (text, Markdown or report.json) against reference findings, masks or synthetic
  studies: claim precision, recall, error types, numeric error, lesion detection per organ, 3D grounding,
  BLEU-4/ROUGE-L. Writes summary.json, summary.md and sentences.csv to --out (default: eval-out).
  \${GROUNDCT_DATA} in manifest paths is --data, else the GROUNDCT_DATA environment variable, else the
  manifest's dataDir.`;

export async function runEval(argv: string[], config: Config, out: (s: string) => void, progressMode: ProgressMode = 'off'): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', argv, {
    manifest: { type: 'string' },
    out: { type: 'string', default: 'eval-out' },
    data: { type: 'string' },
  });
  if (positionals.length > 0) throw gctError('GCT_CLI_USAGE', `groundct eval takes no positional arguments; got ${positionals.join(' ')}.\n${EVAL_USAGE}`);
  if (!values.manifest) throw gctError('GCT_CLI_USAGE', `groundct eval needs --manifest <file>.\n${EVAL_USAGE}`);
  const loaded = await loadManifest(values.manifest, { dataDir: values.data ?? process.env.GROUNDCT_DATA });
  const progress = createProgress('groundct eval', progressMode);
  const result = await evaluateManifest(loaded, { config, onProgress: (message, fraction) => progress.update(message, fraction) }).finally(() => progress.done());
  const files = renderEvalOutputs(result);
  // The three files replace any earlier run's together, or not at all (output.ts).
  await withOutputs(Object.keys(files).map((name) => ({ kind: 'file' as const, path: join(values.out!, name), flag: '--out' })), async (staging) => {
    for (const [name, text] of Object.entries(files)) await writeFile(staging(join(values.out!, name)), text);
  });
  const s = result.summary;
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  out(
    `claims ${s.claims.total} (supported ${s.claims.supported}, contradicted ${s.claims.contradicted}, unverifiable ${s.claims.unverifiable})\n` +
      `precision ${f(s.precision)}  recall ${f(s.recall)}  grounding precision ${f(s.grounding.precision)} recall ${f(s.grounding.recall)}\n` +
      `${s.perCase.length} report(s) scored, ${s.skipped.length} case(s) skipped; wrote ${Object.keys(files).map((n) => join(values.out!, n)).join(', ')}\n`,
  );
  return 0;
}
