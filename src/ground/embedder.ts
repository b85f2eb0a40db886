/**
 * An embedder turns texts into fixed-length vectors whose inner product measures how close two texts are in
 * meaning (or, for the default lexical embedder, in wording). The vector index and the retriever depend only on
 * this interface, so a local transformer model can replace the default without touching them.
 */
export interface Embedder {
  /**
   * Stable identifier of the embedding function: name, implementation version and every parameter that changes
   * the vectors (and, for fitted or loaded models, a hash of the fitted table or of the weights). It is part of
   * the index file name, so changing it rebuilds the index. Only `[A-Za-z0-9._-]` (it is used in file names).
   */
  readonly id: string;
  /** Length of every vector `embed` returns. */
  readonly dimensions: number;
  /** One L2-normalised vector (Euclidean norm 1, or all zeros for a text with no features) per input text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Characters allowed in an embedder id (it becomes part of a file name). */
export const EMBEDDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Scales `v` in place to Euclidean norm 1; a zero vector stays zero. Returns `v`. */
export function l2NormaliseInPlace(v: Float32Array): Float32Array {
  let sumSq = 0;
  for (let i = 0; i < v.length; i++) sumSq += v[i] * v[i];
  if (sumSq > 0) {
    const inv = 1 / Math.sqrt(sumSq);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** Inner product of two equal-length vectors (cosine similarity when both are L2-normalised). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
