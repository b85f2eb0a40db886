import hnswlib from 'hnswlib-node';

// hnswlib-node is CommonJS; its named exports are reached through the default import under ESM.
const { HierarchicalNSW } = hnswlib;
type HierarchicalNSW = InstanceType<typeof HierarchicalNSW>;
import { gctError } from '../errors.ts';

/**
 * Approximate nearest-neighbour index over L2-normalised vectors: an HNSW graph (Malkov & Yashunin, IEEE TPAMI
 * 2020, doi:10.1109/TPAMI.2018.2889473) from hnswlib-node, in inner-product space, so `score = 1 - distance` is the
 * cosine similarity in [-1, 1]. This is the only file that imports hnswlib-node.
 *
 * Labels are the integers 0..n-1 in insertion order; the caller maps them to passage ids.
 */

/** HNSW construction parameters (hnswlib defaults: M 16, efConstruction 200); a fixed seed keeps builds identical. */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 200;
export const HNSW_RANDOM_SEED = 100;
/** Search breadth; with a few hundred passages this makes the search effectively exact. */
export const HNSW_EF_SEARCH = 256;

export interface VectorHit {
  /** Insertion index of the vector. */
  readonly label: number;
  /** Cosine similarity in [-1, 1] (inner product of normalised vectors). */
  readonly score: number;
}

export class VectorIndex {
  private readonly hnsw: HierarchicalNSW;
  readonly dimensions: number;

  private constructor(hnsw: HierarchicalNSW, dimensions: number) {
    this.hnsw = hnsw;
    this.dimensions = dimensions;
    hnsw.setEf(HNSW_EF_SEARCH);
  }

  /** Builds an index holding `vectors` with labels 0..n-1. */
  static build(vectors: readonly Float32Array[], dimensions: number): VectorIndex {
    const hnsw = new HierarchicalNSW('ip', dimensions);
    hnsw.initIndex({ maxElements: Math.max(1, vectors.length), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: HNSW_RANDOM_SEED });
    vectors.forEach((v, label) => {
      if (v.length !== dimensions) {
        throw gctError('GCT_GROUND_INDEX_FAILED', `Vector ${label} has ${v.length} dimensions, the index expects ${dimensions}.`, { label, dimensions, got: v.length });
      }
      hnsw.addPoint(Array.from(v), label);
    });
    return new VectorIndex(hnsw, dimensions);
  }

  /** Reads an index written by `save`; wraps hnswlib failures in GCT_GROUND_INDEX_FAILED. */
  static load(file: string, dimensions: number): VectorIndex {
    const hnsw = new HierarchicalNSW('ip', dimensions);
    try {
      hnsw.readIndexSync(file);
    } catch (cause) {
      throw gctError('GCT_GROUND_INDEX_FAILED', `Vector index ${file} cannot be read: ${(cause as Error).message}`, { file }, cause);
    }
    return new VectorIndex(hnsw, dimensions);
  }

  /** Writes the index to `file` (the caller makes the write atomic). */
  save(file: string): void {
    try {
      this.hnsw.writeIndexSync(file);
    } catch (cause) {
      throw gctError('GCT_GROUND_INDEX_FAILED', `Vector index cannot be written to ${file}: ${(cause as Error).message}`, { file }, cause);
    }
  }

  get size(): number {
    return this.hnsw.getCurrentCount();
  }

  /** Every stored vector, by label (0..size-1), as hnswlib holds it (for exact scoring of small collections). */
  vectors(): Float32Array[] {
    return Array.from({ length: this.size }, (_, label) => Float32Array.from(this.hnsw.getPoint(label)));
  }

  /** The `k` nearest vectors to `query` (L2-normalised), best first. */
  search(query: Float32Array, k: number): VectorHit[] {
    if (query.length !== this.dimensions) {
      throw gctError('GCT_GROUND_INDEX_FAILED', `Query has ${query.length} dimensions, the index holds ${this.dimensions}.`, { dimensions: this.dimensions, got: query.length });
    }
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const { distances, neighbors } = this.hnsw.searchKnn(Array.from(query), n);
    const hits = neighbors.map((label, i) => ({ label, score: 1 - distances[i] }));
    // hnswlib returns nearest first; ties are broken by label so results are reproducible.
    return hits.sort((a, b) => b.score - a.score || a.label - b.label);
  }
}
