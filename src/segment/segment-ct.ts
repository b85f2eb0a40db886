/**
 * The stage's one-call entry: CT -> LabelMap, by the built-in segmenter (default), an ONNX model folder given as
 * a path or as the name of a folder under the repository's models/, or TotalSegmentator installed by the user.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SegmentConfig, VolumeConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { builtinSegmenter } from './builtin/builtin-segmenter.ts';
import { MANIFEST_FILE, loadOnnxSegmenter } from './onnx-segmenter.ts';
import { totalSegmentatorSegmenter, type TotalSegmentatorOptions } from './totalsegmentator.ts';
import type { ProgressCallback, Segmenter } from './types.ts';

/** The repository's models/ folder (model names resolve here). */
export const MODELS_DIR = resolve(fileURLToPath(new URL('../../models', import.meta.url)));

/** Which segmenter: the built-in one, an ONNX model folder, or TotalSegmentator with its tasks. */
export type SegmenterSpec =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'onnx'; readonly model: string }
  | { readonly kind: 'totalsegmentator'; readonly tasks: readonly string[] };

export const SEGMENTER_FORMS = 'builtin, onnx:<model folder or name>, totalsegmentator or totalsegmentator:<task>[,<task>...]';

/** Parses `builtin`, `onnx:<model>`, `totalsegmentator` or `totalsegmentator:<task>,<task>` (the --segmenter value). */
export function parseSegmenterSpec(text: string): SegmenterSpec {
  const t = text.trim();
  if (t === 'builtin') return { kind: 'builtin' };
  if (t.startsWith('onnx:') && t.length > 'onnx:'.length) return { kind: 'onnx', model: t.slice('onnx:'.length) };
  const ts = /^totalsegmentator(?::(.+))?$/i.exec(t);
  if (ts) {
    const tasks = ts[1] === undefined ? ['total'] : ts[1].split(',').map((x) => x.trim());
    if (tasks.every((x) => x.length > 0)) return { kind: 'totalsegmentator', tasks };
  }
  throw gctError('GCT_SEGMENT_OPTION_INVALID', `Unknown segmenter '${text}'; expected one of: ${SEGMENTER_FORMS}.`, { segmenter: text, expected: SEGMENTER_FORMS });
}

export interface SegmentCtOptions {
  /** Which segmenter (default: built-in; `model` is the older shorthand for { kind: 'onnx', model }). */
  readonly segmenter?: SegmenterSpec;
  /** ONNX model folder path or name under models/; shorthand for segmenter onnx:<model>. */
  readonly model?: string | undefined;
  /** ORT intra-op threads for a model (default 1). */
  readonly threads?: number;
  /** Patches per ORT call (capped by the manifest's maxBatch). */
  readonly batch?: number;
  /** TotalSegmentator: the command, its time limit per task (ms), the PATH it is looked up on, the read limits. */
  readonly engine?: Omit<TotalSegmentatorOptions, 'tasks'>;
  readonly onProgress?: ProgressCallback;
}

/**
 * segmentCt options for a segmenter choice (undefined: the built-in one) from the configuration's slices; `searchPath`
 * is the PATH a TotalSegmentator command is looked up on (the caller's environment).
 */
export function segmentOptionsFor(segmenter: SegmenterSpec | undefined, segment: SegmentConfig, volume: VolumeConfig, searchPath: string): SegmentCtOptions {
  return {
    ...(segmenter ? { segmenter } : {}),
    threads: segment.threads,
    engine: { command: segment.totalSegmentatorCommand, timeoutMs: segment.engineTimeoutMs, volume, searchPath },
  };
}

/** Resolves a model name or path to a folder holding model.json. */
export function resolveModelDir(model: string): string {
  const candidates = isAbsolute(model) || model.includes('/') || model.startsWith('.') ? [resolve(model)] : [resolve(model), resolve(MODELS_DIR, model)];
  for (const dir of candidates) if (existsSync(dir) && statSync(dir).isDirectory() && existsSync(resolve(dir, MANIFEST_FILE))) return dir;
  throw gctError('GCT_SEGMENT_MODEL_NOT_FOUND', `No model folder with ${MANIFEST_FILE} at ${candidates.join(' or ')}.`, { model, tried: candidates });
}

export async function openSegmenter(options: Pick<SegmentCtOptions, 'segmenter' | 'model' | 'threads' | 'batch' | 'engine'> = {}): Promise<Segmenter> {
  const spec: SegmenterSpec = options.segmenter ?? (options.model === undefined ? { kind: 'builtin' } : { kind: 'onnx', model: options.model });
  if (spec.kind === 'builtin') return builtinSegmenter();
  if (spec.kind === 'onnx') return loadOnnxSegmenter(resolveModelDir(spec.model), { threads: options.threads ?? 1, batch: options.batch });
  if (!options.engine)
    throw gctError('GCT_SEGMENT_OPTION_INVALID', 'TotalSegmentator was asked for without its engine settings (command, timeout, PATH, read limits).', { segmenter: 'totalsegmentator' });
  return totalSegmentatorSegmenter({ ...options.engine, tasks: spec.tasks });
}

export async function segmentCt(ct: Volume, options: SegmentCtOptions = {}): Promise<LabelMap> {
  const segmenter = await openSegmenter(options);
  try {
    return await segmenter.segment(ct, { onProgress: options.onProgress });
  } finally {
    await segmenter.close();
  }
}
