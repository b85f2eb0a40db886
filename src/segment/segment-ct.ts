/**
 * The stage's one-call entry: CT -> LabelMap. Without a model, the built-in segmenter; with one, an ONNX
 * model folder given as a path, or as the name of a folder under the repository's models/.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gctError } from '../errors.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { builtinSegmenter } from './builtin/builtin-segmenter.ts';
import { MANIFEST_FILE, loadOnnxSegmenter } from './onnx-segmenter.ts';
import type { ProgressCallback, Segmenter } from './types.ts';

/** The repository's models/ folder (model names resolve here). */
export const MODELS_DIR = resolve(fileURLToPath(new URL('../../models', import.meta.url)));

export interface SegmentCtOptions {
  /** ONNX model folder path or name under models/; undefined = built-in segmenter. */
  readonly model?: string | undefined;
  /** ORT intra-op threads for a model (default 1). */
  readonly threads?: number;
  /** Patches per ORT call (capped by the manifest's maxBatch). */
  readonly batch?: number;
  readonly onProgress?: ProgressCallback;
}

/** Resolves a model name or path to a folder holding model.json. */
export function resolveModelDir(model: string): string {
  const candidates = isAbsolute(model) || model.includes('/') || model.startsWith('.') ? [resolve(model)] : [resolve(model), resolve(MODELS_DIR, model)];
  for (const dir of candidates) if (existsSync(dir) && statSync(dir).isDirectory() && existsSync(resolve(dir, MANIFEST_FILE))) return dir;
  throw gctError('GCT_SEGMENT_MODEL_NOT_FOUND', `No model folder with ${MANIFEST_FILE} at ${candidates.join(' or ')}.`, { model, tried: candidates });
}

export async function openSegmenter(options: Pick<SegmentCtOptions, 'model' | 'threads' | 'batch'> = {}): Promise<Segmenter> {
  if (options.model === undefined) return builtinSegmenter();
  return loadOnnxSegmenter(resolveModelDir(options.model), { threads: options.threads ?? 1, batch: options.batch });
}

export async function segmentCt(ct: Volume, options: SegmentCtOptions = {}): Promise<LabelMap> {
  const segmenter = await openSegmenter(options);
  try {
    return await segmenter.segment(ct, { onProgress: options.onProgress });
  } finally {
    await segmenter.close();
  }
}
