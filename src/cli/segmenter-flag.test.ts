import { describe, expect, it } from 'vitest';
import { caught } from '../../test/helpers/errors.ts';
import { segmentChoiceOf } from './segmenter-flag.ts';

describe('segmentChoiceOf (CLI flags)', () => {
  it('takes --model as shorthand for onnx:<model> and refuses both flags together', () => {
    expect(segmentChoiceOf({ model: 'tiny' })).toEqual({ segmenter: { kind: 'onnx', model: 'tiny' } });
    expect(segmentChoiceOf({})).toEqual({});
    expect(caught(() => segmentChoiceOf({ model: 'tiny', segmenter: 'builtin' })).code).toBe('GCT_CLI_USAGE');
  });
});
