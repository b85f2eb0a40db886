/**
 * A segmenter backed by an ONNX model folder (model.onnx + model.json). Loading checks the manifest and the
 * weights' SHA-256 and opens the session once; `segment` runs preprocess -> sliding window -> postprocess.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gctError } from '../errors.ts';
import { describeGrid, type LabelMap, type Volume } from '../volume/index.ts';
import { readModelManifest, type ModelManifest } from './manifest.ts';
import { modelGridMap } from './model-grid.ts';
import { labelMapOf, labelsToCtGrid } from './postprocess.ts';
import { preprocessCt } from './preprocess.ts';
import { openOnnxSession } from './runtime.ts';
import { slidingWindowArgmax } from './sliding-window.ts';
import type { RunOptions, Segmenter } from './types.ts';

export interface OnnxSegmenterOptions {
  /** ORT intra-op threads (>= 1). */
  readonly threads: number;
  /** Patches per ORT call; capped by the manifest's maxBatch. */
  readonly batch?: number;
}

export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'model.json';

export interface OnnxSegmenter extends Segmenter {
  readonly manifest: ModelManifest;
}

export async function loadOnnxSegmenter(modelDir: string, options: OnnxSegmenterOptions): Promise<OnnxSegmenter> {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw gctError('GCT_SEGMENT_OPTION_INVALID', `threads must be an integer >= 1; got ${options.threads}.`, { threads: options.threads });
  }
  const manifest = await readModelManifest(join(modelDir, MANIFEST_FILE));
  const modelPath = join(modelDir, MODEL_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (cause) {
    throw gctError('GCT_SEGMENT_MODEL_NOT_FOUND', `Model weights ${modelPath} could not be read: ${(cause as Error).message}`, { model: modelPath }, cause);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) {
    throw gctError('GCT_SEGMENT_MODEL_LOAD_FAILED', `${modelPath} has SHA-256 ${sha256}; its manifest says ${manifest.sha256}.`, { model: modelPath, sha256, expected: manifest.sha256 });
  }
  const session = await openOnnxSession(modelPath, { threads: options.threads });
  const batch = Math.min(manifest.maxBatch, options.batch ?? manifest.maxBatch);
  return {
    id: manifest.id,
    manifest,
    structures: manifest.classes.slice(1),
    async segment(ct: Volume, run: RunOptions = {}): Promise<LabelMap> {
      const map = modelGridMap(ct.grid, manifest.orientation, manifest.spacingMm);
      run.onProgress?.({ step: 'preprocess', done: 0, total: 1 });
      const image = preprocessCt(ct, map, manifest.intensity);
      run.onProgress?.({ step: 'preprocess', done: 1, total: 1 });
      const modelLabels = await slidingWindowArgmax(session, image, map.modelDims, {
        patch: manifest.patchSize,
        classes: manifest.classes.length,
        stepFraction: manifest.stepFraction,
        accumulate: manifest.accumulate,
        mirrorAxes: manifest.mirrorAxes,
        batch,
        onProgress: run.onProgress,
      });
      run.onProgress?.({ step: 'postprocess', done: 0, total: 1 });
      const layer = labelsToCtGrid(modelLabels, map, ct.grid, manifest.classes.length);
      run.onProgress?.({ step: 'postprocess', done: 1, total: 1 });
      const note = `segmented by ONNX model ${manifest.id} on a ${map.modelDims.join('x')} grid at ${map.modelSpacingMm.map((s) => s.toFixed(3)).join('x')} mm (${manifest.orientation}); CT ${describeGrid(ct.grid)}`;
      return labelMapOf(ct.grid, layer, manifest.classes, ct.meta, note);
    },
    async close() {
      await session.release();
    },
  };
}
