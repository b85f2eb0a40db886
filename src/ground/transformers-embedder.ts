import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { gctError } from '../errors.ts';
import { EMBEDDER_ID_PATTERN, l2NormaliseInPlace, type Embedder } from './embedder.ts';

/**
 * A sentence-embedding model run with transformers.js (@huggingface/transformers v4, ONNX Runtime on CPU), loaded
 * ONLY from a local folder `<modelsDir>/<modelName>/` laid out as transformers.js expects (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx); remote loading is switched off. Vectors are pooled from
 * `last_hidden_state` (mean over the attention mask, as sentence-transformers' Pooling layer does: Reimers &
 * Gurevych, EMNLP 2019, doi:10.18653/v1/D19-1410; or the [CLS] vector when the folder's 1_Pooling/config.json
 * says so), or taken from a `sentence_embedding` output when the graph has one, then L2-normalised.
 *
 * Note: transformers.js keeps its settings in a process-wide `env`; loading sets `allowRemoteModels = false` and
 * `localModelPath = modelsDir` for the whole process.
 */
export const TRANSFORMERS_EMBEDDER_VERSION = 1;
/** Texts per forward pass; bounds memory for long inputs. */
export const TRANSFORMERS_MAX_BATCH = 32;

export type Pooling = 'mean' | 'cls';

/** Files a model folder must hold, relative to it. */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', path.join('onnx', 'model.onnx')] as const;

export interface TransformersEmbedderOptions {
  /** Folder name under `modelsDir`, e.g. "all-MiniLM-L6-v2". */
  readonly modelName: string;
  /** The folder holding model folders (the repository's models/). */
  readonly modelsDir: string;
  /** Overrides the pooling read from 1_Pooling/config.json (default mean). */
  readonly pooling?: Pooling;
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly pooling: Pooling;

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    info: { modelName: string; dimensions: number; pooling: Pooling; weightsSha256: string },
  ) {
    this.dimensions = info.dimensions;
    this.pooling = info.pooling;
    this.id = `transformers-v${TRANSFORMERS_EMBEDDER_VERSION}-${info.modelName}-${info.pooling}-w${info.weightsSha256.slice(0, 12)}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += TRANSFORMERS_MAX_BATCH) {
      out.push(...(await this.embedBatch(texts.slice(start, start + TRANSFORMERS_MAX_BATCH))));
    }
    return out;
  }

  private async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    let outputs: Record<string, { dims: number[]; data: ArrayLike<number> }>;
    let mask: { dims: number[]; data: ArrayLike<bigint | number> };
    try {
      const encoded = this.tokenizer([...texts], { padding: true, truncation: true });
      mask = encoded.attention_mask;
      outputs = await this.model(encoded);
    } catch (cause) {
      throw gctError('GCT_GROUND_MODEL_LOAD_FAILED', `The embedding model failed to run: ${(cause as Error).message}`, { embedderId: this.id }, cause);
    }
    const pooled = outputs.sentence_embedding;
    if (pooled !== undefined) return splitRows(pooled.data, texts.length, this.dimensions).map(l2NormaliseInPlace);
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
    if (hidden === undefined || hidden.dims.length !== 3 || hidden.dims[2] !== this.dimensions) {
      throw gctError(
        'GCT_GROUND_MODEL_LOAD_FAILED',
        `The embedding model has no [batch, tokens, ${this.dimensions}] last_hidden_state output (outputs: ${Object.keys(outputs).join(', ')}).`,
        { embedderId: this.id, outputs: Object.keys(outputs) },
      );
    }
    return poolHiddenStates(hidden.data, mask.data, hidden.dims as [number, number, number], this.pooling).map(l2NormaliseInPlace);
  }

  /** Frees the ONNX Runtime session. */
  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/**
 * Pools hidden states [batch, tokens, hidden] (row-major) to one vector per batch row: the mean over the tokens
 * whose attention mask is 1, or the first ([CLS]) token. Not normalised.
 */
export function poolHiddenStates(
  hidden: ArrayLike<number>,
  attentionMask: ArrayLike<bigint | number>,
  dims: readonly [number, number, number],
  pooling: Pooling,
): Float32Array[] {
  const [batch, tokens, width] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(width);
    if (pooling === 'cls') {
      for (let h = 0; h < width; h++) v[h] = hidden[b * tokens * width + h];
    } else {
      let count = 0;
      for (let t = 0; t < tokens; t++) {
        if (Number(attentionMask[b * tokens + t]) === 0) continue;
        count++;
        const base = (b * tokens + t) * width;
        for (let h = 0; h < width; h++) v[h] += hidden[base + h];
      }
      if (count > 0) for (let h = 0; h < width; h++) v[h] /= count;
    }
    out.push(v);
  }
  return out;
}

function splitRows(data: ArrayLike<number>, rows: number, width: number): Float32Array[] {
  return Array.from({ length: rows }, (_, r) => Float32Array.from({ length: width }, (_, h) => data[r * width + h]));
}

/** Pooling from sentence-transformers' 1_Pooling/config.json when present, else mean. */
function poolingOf(dir: string): Pooling {
  const file = path.join(dir, '1_Pooling', 'config.json');
  if (!existsSync(file)) return 'mean';
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return cfg.pooling_mode_cls_token === true && cfg.pooling_mode_mean_tokens !== true ? 'cls' : 'mean';
}

/** Loads a local model folder; throws GCT_GROUND_MODEL_NOT_FOUND naming the expected path when it is absent. */
export async function loadTransformersEmbedder(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
  const { modelName } = options;
  if (!EMBEDDER_ID_PATTERN.test(modelName) || modelName.includes('..')) {
    throw gctError('GCT_GROUND_EMBEDDER_INVALID', `Model name '${modelName}' must be a plain folder name (letters, digits, '.', '_', '-').`, { modelName });
  }
  const modelsDir = path.resolve(options.modelsDir);
  const dir = path.join(modelsDir, modelName);
  const missing = REQUIRED_MODEL_FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw gctError(
      'GCT_GROUND_MODEL_NOT_FOUND',
      `No usable embedding model at ${dir}: missing ${missing.join(', ')}. Put the transformers.js export of a sentence-embedding model there (e.g. the files of Xenova/all-MiniLM-L6-v2: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx).`,
      { dir, missing },
    );
  }
  // Imported here, when a model is loaded: transformers.js (and the ONNX runtime under it) costs start-up time.
  const { AutoModel, AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir + path.sep;
  let config: { hidden_size?: unknown };
  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { hidden_size?: unknown };
    tokenizer = await AutoTokenizer.from_pretrained(modelName, { local_files_only: true });
    model = await AutoModel.from_pretrained(modelName, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
  } catch (cause) {
    throw gctError('GCT_GROUND_MODEL_LOAD_FAILED', `The embedding model in ${dir} could not be loaded: ${(cause as Error).message}`, { dir }, cause);
  }
  if (typeof config.hidden_size !== 'number' || !Number.isInteger(config.hidden_size) || config.hidden_size <= 0) {
    throw gctError('GCT_GROUND_MODEL_LOAD_FAILED', `${path.join(dir, 'config.json')} has no positive integer hidden_size.`, { dir });
  }
  const weightsSha256 = createHash('sha256').update(readFileSync(path.join(dir, 'onnx', 'model.onnx'))).digest('hex');
  return new TransformersEmbedder(tokenizer, model, {
    modelName,
    dimensions: config.hidden_size,
    pooling: options.pooling ?? poolingOf(dir),
    weightsSha256,
  });
}
