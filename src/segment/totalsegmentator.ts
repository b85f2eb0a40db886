/**
 * TotalSegmentator as an external engine (Wasserthal et al., Radiol Artif Intell 2023, doi:10.1148/ryai.230024):
 * a TotalSegmentator the user installed runs on the CT and its output folders are read like any mask set given
 * with --masks. groundct never installs it and never downloads its weights; it only looks for the command.
 *
 * Per task: `<command> -i <ct.nii.gz> -o <dir>/<task> --task <task>`, the CT written as NIfTI from the loaded
 * volume (so DICOM, NRRD and NIfTI inputs all reach it on the grid groundct measures on); its per-class folder
 * (file name = class name) is read back on the CT grid and the tasks' label maps are merged. The temporary
 * folder is removed whatever happens.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { VolumeConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { mergeLabelMaps, readMasks, writeNifti, type LabelMap, type Volume } from '../volume/index.ts';
import type { RunOptions, Segmenter } from './types.ts';

/** TotalSegmentator's task names are lower-case words joined by underscores (total, lung_vessels, ...). */
const TASK_NAME = /^[a-z][a-z0-9_]*$/;
/** Bytes of the engine's stderr kept for an error message. */
const STDERR_TAIL_BYTES = 4000;

export interface TotalSegmentatorOptions {
  /** Tasks to run, in order (default ['total']). */
  readonly tasks: readonly string[];
  /** The command: a name looked up on PATH, or a path. */
  readonly command: string;
  /** Per task, ms; the engine is stopped past it. */
  readonly timeoutMs: number;
  /** Read limits for its output masks. */
  readonly volume: VolumeConfig;
  /** The PATH to search for a bare command name (the caller passes its environment's PATH). */
  readonly searchPath: string;
}

/** The executable a command names: a path as given, else the first executable file of that name on PATH. */
export function findExecutable(command: string, searchPath: string): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (isAbsolute(command) || command.includes('/')) return executable(resolve(command)) ? resolve(command) : null;
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    if (existsSync(file) && executable(file)) return file;
  }
  return null;
}

export function totalSegmentatorSegmenter(options: TotalSegmentatorOptions): Segmenter {
  const tasks = options.tasks.length > 0 ? options.tasks : ['total'];
  for (const task of tasks)
    if (!TASK_NAME.test(task))
      throw gctError('GCT_SEGMENT_OPTION_INVALID', `TotalSegmentator task '${task}' is not a task name (lower-case letters, digits and underscores, e.g. total or lung_vessels).`, { task });
  const executable = findExecutable(options.command, options.searchPath);
  if (!executable) {
    throw gctError(
      'GCT_SEGMENT_ENGINE_NOT_FOUND',
      `TotalSegmentator was asked for (--segmenter totalsegmentator) but '${options.command}' is not an executable ${isAbsolute(options.command) || options.command.includes('/') ? 'file' : 'on PATH'}.`,
      { command: options.command, engine: 'totalsegmentator' },
    );
  }
  return {
    id: `totalsegmentator:${tasks.join(',')}`,
    structures: [],
    async segment(ct: Volume, run: RunOptions = {}): Promise<LabelMap> {
      const work = await mkdtemp(join(tmpdir(), 'groundct-totalseg-'));
      try {
        const input = join(work, 'ct.nii.gz');
        await writeNifti(input, { grid: ct.grid, data: ct.data }, { description: 'groundct input for TotalSegmentator' });
        const maps: LabelMap[] = [];
        for (const [n, task] of tasks.entries()) {
          run.onProgress?.({ step: 'infer', done: n, total: tasks.length });
          const out = join(work, task);
          await runEngine(executable, ['-i', input, '-o', out, '--task', task], options.timeoutMs, task);
          const files = await readdir(out).catch(() => [] as string[]);
          if (!files.some((f) => /\.nii(\.gz)?$/.test(f)))
            throw gctError('GCT_SEGMENT_ENGINE_FAILED', `TotalSegmentator task '${task}' finished but wrote no NIfTI masks into its output folder.`, { engine: 'totalsegmentator', task });
          const labels = await readMasks(out, options.volume, { reference: ct.grid });
          maps.push({ ...labels, meta: { ...labels.meta, source: { format: 'totalseg-folder', path: `TotalSegmentator --task ${task}` } } });
        }
        run.onProgress?.({ step: 'infer', done: tasks.length, total: tasks.length });
        const merged = mergeLabelMaps(maps);
        const note = `segmented by TotalSegmentator (${executable}), task${tasks.length > 1 ? 's' : ''} ${tasks.join(', ')}`;
        return { ...merged, meta: { ...ct.meta, notes: [...(ct.meta.notes ?? []), note] } };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    async close() {},
  };
}

/** Runs the engine without a shell; rejects with GCT_SEGMENT_ENGINE_FAILED on a non-zero exit, a signal or the timeout. */
function runEngine(executable: string, args: readonly string[], timeoutMs: number, task: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(gctError('GCT_SEGMENT_ENGINE_FAILED', `TotalSegmentator could not be started (${executable}): ${cause.message}`, { engine: 'totalsegmentator', task }, cause));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise();
      const why = timedOut ? `was stopped after ${timeoutMs} ms (segment.engineTimeoutMs)` : signal ? `was ended by ${signal}` : `exited with code ${code}`;
      reject(gctError('GCT_SEGMENT_ENGINE_FAILED', `TotalSegmentator task '${task}' ${why}.${stderr.trim() ? ` Its last messages: ${stderr.trim().slice(-800)}` : ''}`, { engine: 'totalsegmentator', task, exitCode: code, signal, timedOut }));
    });
  });
}
