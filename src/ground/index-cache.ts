import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { gctError } from '../errors.ts';
import { EMBEDDER_ID_PATTERN, type Embedder } from './embedder.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import { PASSAGE_TEXT_VERSION, passageText } from './passage-text.ts';
import { VectorIndex } from './vector-index.ts';

/**
 * The persisted passage index: `<dataDir>/index/<embedderId>-<kbHash16>.hnsw` plus a JSON sidecar (`.json`) that
 * maps index labels to passage ids and records what the index was built from. It is rebuilt only when the
 * knowledge-base content hash, the embedder id or the passage-text version changes, or when the files are missing
 * or unreadable. Writes go to temporary names and are renamed into place, the sidecar last, so a crash never
 * leaves a sidecar that describes a half-written index.
 */
export const INDEX_CACHE_FORMAT_VERSION = 1;

export const IndexSidecarSchema = z
  .object({
    formatVersion: z.literal(INDEX_CACHE_FORMAT_VERSION),
    embedderId: z.string(),
    kbContentHash: z.string(),
    passageTextVersion: z.number().int(),
    dimensions: z.number().int().positive(),
    /** passageIds[label] is the passage stored under that index label. */
    passageIds: z.array(z.string()),
    builtAt: z.string(),
  })
  .strict();
export type IndexSidecar = z.infer<typeof IndexSidecarSchema>;

export interface CachedIndex {
  readonly index: VectorIndex;
  readonly passageIds: readonly string[];
  /** Path of the .hnsw file. */
  readonly file: string;
  /** 'loaded' from disk, or why it was (re)built. */
  readonly origin: 'loaded' | 'built-missing' | 'built-stale' | 'built-unreadable';
  /**
   * Every passage vector by label, for exact scoring: from the `.f32` file beside the index (n x dimensions float32,
   * written with it), else read back from hnswlib point by point (about 80 ms for 217 x 4096, on every run).
   */
  readonly vectors: () => Float32Array[];
}

/** Passage vectors stored densely, label after label; null when the file is absent or not n x dimensions floats. */
function readVectorFile(file: string, n: number, dimensions: number): Float32Array[] | null {
  try {
    const bytes = readFileSync(file);
    if (bytes.length !== n * dimensions * 4) return null;
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return Array.from({ length: n }, (_, label) => all.subarray(label * dimensions, (label + 1) * dimensions));
  } catch {
    return null;
  }
}

/** File stem of the index for this embedder and knowledge base (first 16 hex digits of the content hash). */
export function indexFileStem(embedderId: string, kbContentHash: string): string {
  return `${embedderId}-${kbContentHash.slice(0, 16)}`;
}

/** Loads the cached index for (kb, embedder) from `<dataDir>/index/`, building and persisting it when needed. */
export async function openIndexCache(args: { kb: KnowledgeBase; embedder: Embedder; dataDir: string }): Promise<CachedIndex> {
  const { kb, embedder, dataDir } = args;
  if (!EMBEDDER_ID_PATTERN.test(embedder.id)) {
    throw gctError('GCT_GROUND_EMBEDDER_INVALID', `Embedder id '${embedder.id}' may only contain letters, digits, '.', '_' and '-'.`, { embedderId: embedder.id });
  }
  const dir = path.join(dataDir, 'index');
  const stem = indexFileStem(embedder.id, kb.contentHash);
  const file = path.join(dir, `${stem}.hnsw`);
  const sidecarFile = path.join(dir, `${stem}.json`);
  const vectorFile = path.join(dir, `${stem}.f32`);
  const passageIds = kb.passages.map((p) => p.id);

  let origin: CachedIndex['origin'] = 'built-missing';
  if (existsSync(file) && existsSync(sidecarFile)) {
    const sidecar = readSidecar(sidecarFile);
    if (
      sidecar !== undefined &&
      sidecar.embedderId === embedder.id &&
      sidecar.kbContentHash === kb.contentHash &&
      sidecar.passageTextVersion === PASSAGE_TEXT_VERSION &&
      sidecar.dimensions === embedder.dimensions &&
      sameIds(sidecar.passageIds, passageIds)
    ) {
      try {
        const index = VectorIndex.load(file, embedder.dimensions);
        if (index.size === passageIds.length) {
          return { index, passageIds: sidecar.passageIds, file, origin: 'loaded', vectors: () => readVectorFile(vectorFile, index.size, embedder.dimensions) ?? index.vectors() };
        }
      } catch {
        // fall through to a rebuild: a cache is never worth failing a request for
      }
      origin = 'built-unreadable';
    } else origin = sidecar === undefined ? 'built-unreadable' : 'built-stale';
  }

  const vectors = await embedder.embed(kb.passages.map(passageText));
  const index = VectorIndex.build(vectors, embedder.dimensions);
  const sidecar: IndexSidecar = {
    formatVersion: INDEX_CACHE_FORMAT_VERSION,
    embedderId: embedder.id,
    kbContentHash: kb.contentHash,
    passageTextVersion: PASSAGE_TEXT_VERSION,
    dimensions: embedder.dimensions,
    passageIds,
    builtAt: new Date().toISOString(),
  };
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `.tmp-${process.pid}-${Date.now()}`;
    index.save(file + tmp);
    const dense = new Float32Array(vectors.length * embedder.dimensions);
    vectors.forEach((v, label) => dense.set(v, label * embedder.dimensions));
    writeFileSync(vectorFile + tmp, dense);
    writeFileSync(sidecarFile + tmp, `${JSON.stringify(sidecar, null, 1)}\n`);
    renameSync(file + tmp, file);
    renameSync(vectorFile + tmp, vectorFile);
    renameSync(sidecarFile + tmp, sidecarFile);
    pruneStale(dir, embedder.id, stem);
  } catch (cause) {
    throw gctError('GCT_GROUND_INDEX_FAILED', `The passage index cannot be written under ${dir}: ${(cause as Error).message}`, { dir }, cause);
  }
  return { index, passageIds, file, origin, vectors: () => vectors.map((v) => Float32Array.from(v)) };
}

function readSidecar(file: string): IndexSidecar | undefined {
  try {
    const parsed = IndexSidecarSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Removes this embedder's indexes of older knowledge-base versions (other embedders' files are left alone). */
function pruneStale(dir: string, embedderId: string, keepStem: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json') || name === `${keepStem}.json`) continue;
    const sidecar = readSidecar(path.join(dir, name));
    if (sidecar?.embedderId !== embedderId) continue;
    const stem = name.slice(0, -'.json'.length);
    rmSync(path.join(dir, `${stem}.hnsw`), { force: true });
    rmSync(path.join(dir, `${stem}.f32`), { force: true });
    rmSync(path.join(dir, name), { force: true });
  }
}
