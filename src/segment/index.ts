/** Public entry of the segment stage: CT -> LabelMap with canonical anatomy names. */
export type { Segmenter, SegmentProgress, SegmentStep, ProgressCallback, RunOptions } from './types.ts';
export { ModelManifestSchema, parseModelManifest, readModelManifest, type ModelManifest } from './manifest.ts';
export { loadOnnxSegmenter, MODEL_FILE, MANIFEST_FILE, type OnnxSegmenter, type OnnxSegmenterOptions } from './onnx-segmenter.ts';
