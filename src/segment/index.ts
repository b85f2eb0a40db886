/** Public entry of the segment stage: CT -> LabelMap with canonical anatomy names. */
export type { Segmenter, SegmentProgress, SegmentStep, ProgressCallback, RunOptions } from './types.ts';
export { ModelManifestSchema, parseModelManifest, readModelManifest, type ModelManifest } from './manifest.ts';
export { loadOnnxSegmenter, MODEL_FILE, MANIFEST_FILE, type OnnxSegmenter, type OnnxSegmenterOptions } from './onnx-segmenter.ts';
export { segmentBuiltin, builtinSegmenter, BUILTIN_SEGMENTER_ID, BUILTIN_STRUCTURES } from './builtin/builtin-segmenter.ts';
export { segmentCt, openSegmenter, resolveModelDir, MODELS_DIR, type SegmentCtOptions } from './segment-ct.ts';
export { flattenLabelMap } from './flatten.ts';
