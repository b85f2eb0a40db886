import type { LabelMap, Volume } from '../volume/index.ts';

/** Which step of a segmentation run a progress report is about. */
export type SegmentStep = 'preprocess' | 'infer' | 'postprocess';

/** Progress of a run: `done` of `total` units of `step` (for `infer`, sliding-window patches). */
export interface SegmentProgress {
  readonly step: SegmentStep;
  readonly done: number;
  readonly total: number;
}

export type ProgressCallback = (progress: SegmentProgress) => void;

export interface RunOptions {
  readonly onProgress?: ProgressCallback;
}

/**
 * A segmenter turns a CT into a LabelMap on the CT's own grid whose label names are canonical anatomy names.
 * Loading (an ONNX session, a manifest) happens before; `segment` is the cheap, repeatable call.
 */
export interface Segmenter {
  /** Stable id written into the LabelMap's notes ('builtin-v1', or the model manifest's id). */
  readonly id: string;
  /** Canonical names of the structures this segmenter can produce. */
  readonly structures: readonly string[];
  segment(ct: Volume, options?: RunOptions): Promise<LabelMap>;
  /** Frees native resources (ONNX session); the segmenter is unusable afterwards. */
  close(): Promise<void>;
}
