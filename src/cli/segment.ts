import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { flattenLabelMap, segmentCt, segmentOptionsFor, type SegmentStep } from '../segment/index.ts';
import { readVolume, writeNifti } from '../volume/index.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs } from './output.ts';
import { createProgress, type ProgressMode } from './progress.ts';
import { segmentChoiceOf } from './segmenter-flag.ts';

export const SEGMENT_USAGE = `groundct segment <ct> --out <seg.nii.gz> [--segmenter builtin|onnx:<model>|totalsegmentator[:<task>,...]]
    [--model <name-or-path>] [--threads <n>]
  Segments a CT: by default the built-in segmenter (body, lungs, trachea, main bronchi, bone, lung nodules and
  masses, pleural effusion); onnx:<model> (or --model) an ONNX model folder (model.onnx + model.json);
  totalsegmentator a TotalSegmentator installed on PATH (task total unless named). Writes the multilabel NIfTI
  and <out>.json (label id -> name).`;

const SEGMENT_STEP_START: Readonly<Record<SegmentStep, number>> = { preprocess: 0.1, infer: 0.15, postprocess: 0.9 };
const SEGMENT_STEP_SHARE: Readonly<Record<SegmentStep, number>> = { preprocess: 0.05, infer: 0.75, postprocess: 0.1 };

/** `<out>` without .nii/.nii.gz, plus `.json`: seg.nii.gz -> seg.json. */
export function labelMapJsonPath(out: string): string {
  return out.replace(/\.nii(\.gz)?$/i, '') + '.json';
}

export async function runSegment(argv: string[], config: Config, out: (s: string) => void, progressMode: ProgressMode = 'off'): Promise<number> {
  const { values, positionals } = parseCommandArgs('segment', argv, {
    out: { type: 'string' },
    model: { type: 'string' },
    segmenter: { type: 'string' },
    threads: { type: 'string', default: '1' },
  });
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct segment takes one CT path; got ${positionals.length}.\n${SEGMENT_USAGE}`);
  if (!values.out || !/\.nii(\.gz)?$/i.test(values.out)) throw gctError('GCT_CLI_USAGE', `groundct segment needs --out <file.nii.gz>.\n${SEGMENT_USAGE}`);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw gctError('GCT_CLI_USAGE', `--threads must be an integer >= 1; got '${values.threads}'.`);
  const outPath = values.out;
  const jsonPath = labelMapJsonPath(outPath);
  const progress = createProgress('groundct segment', progressMode);
  // Both files are staged first and renamed into place together at the end (output.ts): a failure leaves neither.
  const labels = await withOutputs(
    [
      { kind: 'file', path: outPath, flag: '--out' },
      { kind: 'file', path: jsonPath, flag: '--out (label map)' },
    ],
    async (staging) => {
      progress.update('read', 0);
      const ct = await readVolume(positionals[0], config.volume);
      // Shares of a run: reading about a tenth, the segmenter's steps the rest (inference by patch most of it).
      const labels = await segmentCt(ct, {
        ...segmentOptionsFor(segmentChoiceOf(values).segmenter, config.segment, config.volume, process.env.PATH ?? ''),
        threads,
        onProgress: (p) => progress.update(p.step, SEGMENT_STEP_START[p.step] + SEGMENT_STEP_SHARE[p.step] * (p.total > 0 ? p.done / p.total : 0)),
      });
      const names = Object.fromEntries(labels.labels.map((l) => [String(l.id), l.name]));
      await writeNifti(staging(outPath), { grid: labels.grid, data: flattenLabelMap(labels) });
      await writeFile(staging(jsonPath), JSON.stringify(names, null, 2) + '\n');
      return labels;
    },
  ).finally(() => progress.done());
  out(`${values.out}\n${jsonPath}\n${labels.labels.map((l) => `  ${String(l.id).padStart(3)} ${l.name}`).join('\n')}\n`);
  return 0;
}
