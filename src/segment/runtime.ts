/**
 * The one file that imports onnxruntime-node, and only when a session is opened (loading the native runtime
 * costs start-up time every other command would pay). Everything else sees `OnnxSession`: float32 in, float32
 * out. Native failures are wrapped in coded errors with the ORT error as `cause`.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { gctError } from '../errors.ts';

export interface OnnxSession {
  readonly inputName: string;
  readonly outputName: string;
  /** Runs the graph on one float32 tensor; returns the first output. */
  run(data: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Threads ORT uses inside one operator (intra-op); 1 = single-threaded. */
  readonly threads: number;
}

export async function openOnnxSession(modelPath: string, options: SessionOptions): Promise<OnnxSession> {
  const { default: ort } = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw gctError('GCT_SEGMENT_MODEL_LOAD_FAILED', `onnxruntime could not load ${modelPath}: ${(cause as Error).message}`, { model: modelPath }, cause);
  }
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  return {
    inputName,
    outputName,
    async run(data, dims) {
      let result;
      try {
        result = await session.run({ [inputName]: new ort.Tensor('float32', data, dims as number[]) });
      } catch (cause) {
        throw gctError('GCT_SEGMENT_INFERENCE_FAILED', `onnxruntime failed on ${modelPath} with input [${dims.join(', ')}]: ${(cause as Error).message}`, { model: modelPath, inputDims: [...dims] }, cause);
      }
      const out = result[outputName];
      if (out.type !== 'float32') {
        throw gctError('GCT_SEGMENT_INFERENCE_FAILED', `${modelPath} returned ${out.type}; float32 logits are expected.`, { model: modelPath });
      }
      return { data: out.data as Float32Array, dims: out.dims };
    },
    async release() {
      await session.release();
    },
  };
}
