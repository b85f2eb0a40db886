/**
 * The command table of `groundct`: one row per command, each with a one-line summary for `groundct --help` and
 * a `load` that imports the command's module only when that command runs. `groundct --help` therefore reads
 * this file alone, and `groundct info` never loads onnxruntime, transformers.js, LangChain, fastify or SQLite
 * (test/integration/cli-startup.test.ts checks which packages each command loads).
 *
 * Adding a command (README, "Adding a command"): write `src/cli/<name>.ts` exporting `<NAME>_USAGE` and
 * `run<Name>(argv, config, out)`, import heavy stages inside it (or lazily, in the function that needs them), and
 * add one row here. The build (scripts/build.mjs) compiles every file under src/, so nothing else is listed.
 */
import type { Config } from '../config.ts';
import type { ProgressMode } from './progress.ts';

/** What main() hands every command besides its arguments. */
export interface CommandContext {
  /** --progress / --quiet, else auto (progress lines only when stderr is a terminal). */
  readonly progress: ProgressMode;
}

export type CommandRun = (argv: string[], config: Config, out: (s: string) => void, context: CommandContext) => Promise<number>;

export interface LoadedCommand {
  /** The full usage text, printed by `groundct <command> --help`. */
  readonly usage: string;
  readonly run: CommandRun;
}

export interface CommandEntry {
  /** One line for `groundct --help`. */
  readonly summary: string;
  readonly load: () => Promise<LoadedCommand>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  demo: { summary: 'synthetic CT with known truth -> NIfTI + DICOM -> grounded report, compared with the truth', load: async () => { const m = await import('./demo.ts'); return { usage: m.DEMO_USAGE, run: m.runDemo }; } },
  info: { summary: 'dims, spacing, orientation and HU range of a CT; labels and voxel counts of masks', load: async () => { const m = await import('./info.ts'); return { usage: m.INFO_USAGE, run: m.runInfo }; } },
  measure: { summary: 'volume, HU statistics, lesion diameters, location, contact (or TotalSegmentator statistics.json)', load: async () => { const m = await import('./measure.ts'); return { usage: m.MEASURE_USAGE, run: m.runMeasure }; } },
  report: { summary: 'grounded draft report (report.json, report.md) from a CT and its masks', load: async () => { const m = await import('./report.ts'); return { usage: m.REPORT_USAGE, run: (a, c, o, x) => m.runReport(a, c, o, x.progress) }; } },
  compare: { summary: 'follow-up: a study against its prior (lesion matching, RECIST 1.1 response, change sentences)', load: async () => { const m = await import('./compare.ts'); return { usage: m.COMPARE_USAGE, run: m.runCompare }; } },
  segment: { summary: 'segment a CT (built-in segmenter or an ONNX model) into a multilabel NIfTI', load: async () => { const m = await import('./segment.ts'); return { usage: m.SEGMENT_USAGE, run: (a, c, o, x) => m.runSegment(a, c, o, x.progress) }; } },
  ask: { summary: 'grounded answer to a question (or a batch) about a reported study', load: async () => { const m = await import('./ask.ts'); return { usage: m.ASK_USAGE, run: (a, c, o, x) => m.runAsk(a, c, o, x.progress) }; } },
  ground: { summary: 'ground report text groundct did not write on a reported study', load: async () => { const m = await import('./ground.ts'); return { usage: m.GROUND_USAGE, run: m.runGround }; } },
  eval: { summary: 'factuality and grounding scores of reports against references', load: async () => { const m = await import('./eval.ts'); return { usage: m.EVAL_USAGE, run: (a, c, o, x) => m.runEval(a, c, o, x.progress) }; } },
  pacs: { summary: 'DICOMweb round trip: fetch a study, report it, store SEG + SR back', load: async () => { const m = await import('./pacs.ts'); return { usage: m.PACS_USAGE, run: (a, c, o, x) => m.runPacs(a, c, o, process.env, x.progress) }; } },
  serve: { summary: 'start the HTTP service (REST API, jobs, viewer)', load: async () => { const m = await import('./serve.ts'); return { usage: m.SERVE_USAGE, run: (a, c, o) => m.runServe(a, c, o) }; } },
  token: { summary: "create, list or revoke the service's API tokens", load: async () => { const m = await import('./token.ts'); return { usage: m.TOKEN_USAGE, run: m.runToken }; } },
};
