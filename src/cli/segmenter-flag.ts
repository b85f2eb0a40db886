import { gctError } from '../errors.ts';
import { parseSegmenterSpec, type SegmenterSpec } from '../segment/index.ts';

/**
 * The segmenter a command's flags ask for: --segmenter builtin | onnx:<model> | totalsegmentator[:<task>,...], or
 * the older --model <model> (shorthand for onnx:<model>); both together are refused. Nothing given: the default.
 */
export function segmentChoiceOf(values: { readonly segmenter?: string | undefined; readonly model?: string | undefined }): { readonly segmenter?: SegmenterSpec } {
  if (values.segmenter !== undefined && values.model !== undefined)
    throw gctError('GCT_CLI_USAGE', `Give either --segmenter or --model (shorthand for --segmenter onnx:<model>), not both; got --segmenter ${values.segmenter} and --model ${values.model}.`);
  if (values.segmenter !== undefined) return { segmenter: parseSegmenterSpec(values.segmenter) };
  if (values.model !== undefined) return { segmenter: { kind: 'onnx', model: values.model } };
  return {};
}
