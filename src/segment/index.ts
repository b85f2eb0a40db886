/** Public entry of the segment stage: CT -> LabelMap with canonical anatomy names. */
export type { Segmenter, SegmentProgress, SegmentStep, ProgressCallback, RunOptions } from './types.ts';
export { ModelManifestSchema, parseModelManifest, readModelManifest, type ModelManifest } from './manifest.ts';
export { loadOnnxSegmenter, MODEL_FILE, MANIFEST_FILE, type OnnxSegmenter, type OnnxSegmenterOptions } from './onnx-segmenter.ts';
export { segmentBuiltin, builtinSegmenter, BUILTIN_SEGMENTER_ID, BUILTIN_STRUCTURES } from './builtin/builtin-segmenter.ts';
export { segmentCt, openSegmenter, resolveModelDir, parseSegmenterSpec, segmentOptionsFor, SEGMENTER_FORMS, MODELS_DIR, type SegmentCtOptions, type SegmenterSpec } from './segment-ct.ts';
export { totalSegmentatorSegmenter, findExecutable, type TotalSegmentatorOptions } from './totalsegmentator.ts';
export { flattenLabelMap } from './flatten.ts';
