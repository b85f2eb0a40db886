/**
 * Connected components of binary and multilabel masks.
 *
 * Works on runs (maximal stretches of foreground along i within one (j, k) row) and joins runs of neighbouring
 * rows with a union-find, the run-based two-pass labelling of Rosenfeld & Pfaltz (J ACM 1966;13:471-494) in 3D.
 * Memory is proportional to the number of runs, not the grid, so the lesions of a label spread over a
 * 512x512x400 scan are found with one pass over the label array and nothing of the grid's size allocated.
 *
 * Neighbourhoods (digital topology): 6 = shared face, 18 = shared face or edge, 26 = shared face, edge or corner.
 * In run terms, a run in row (j, k) touches a run in row (j + dj, k + dk), |dj|,|dk| <= 1, when their i
 * ranges overlap after widening by `reach` voxels, where reach is 1 when the 3D offset (di = ±1, dj, dk) is still
 * in the neighbourhood and 0 otherwise:
 *   6:  rows with |dj| + |dk| = 1, reach 0
 *   18: rows with |dj| + |dk| = 1, reach 1; rows with |dj| = |dk| = 1, reach 0
 *   26: all eight neighbour rows, reach 1
 */
import { Buffer } from 'node:buffer';
import type { Dims } from '../volume/geometry.ts';
import type { Connectivity } from './lesion-types.ts';

/** Runs of foreground voxels, in increasing linear-index order. `row` = j + nj * k; `end` inclusive. */
interface Runs {
  row: Int32Array;
  start: Int32Array;
  end: Int32Array;
  n: number;
}

function newRuns(capacity = 1024): Runs {
  return { row: new Int32Array(capacity), start: new Int32Array(capacity), end: new Int32Array(capacity), n: 0 };
}

function pushRun(r: Runs, row: number, start: number, end: number): void {
  if (r.n === r.row.length) {
    const cap = r.n * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    r.row = grow(r.row);
    r.start = grow(r.start);
    r.end = grow(r.end);
  }
  r.row[r.n] = row;
  r.start[r.n] = start;
  r.end[r.n] = end;
  r.n++;
}

/** Backward neighbour rows (dj, dk) with their reach, per connectivity (only rows already visited). */
function backwardRows(connectivity: Connectivity): readonly (readonly [number, number, number])[] {
  switch (connectivity) {
    case 6:
      return [[-1, 0, 0], [0, -1, 0]];
    case 18:
      return [[-1, 0, 1], [0, -1, 1], [-1, -1, 0], [1, -1, 0]];
    case 26:
      return [[-1, 0, 1], [-1, -1, 1], [0, -1, 1], [1, -1, 1]];
    default:
      throw new RangeError(`connectivity must be 6, 18 or 26, got ${String(connectivity)}`);
  }
}

function find(parent: Int32Array, x: number): number {
  let root = x;
  while (parent[root] !== root) root = parent[root];
  while (parent[x] !== root) {
    const next = parent[x];
    parent[x] = root;
    x = next;
  }
  return root;
}

/**
 * Labels the runs: returns, for each run, its component id 1..count, numbered in order of each component's first
 * voxel (lowest linear index), plus the voxel count of each component (index 0 unused).
 */
function labelRuns(runs: Runs, dims: Dims, connectivity: Connectivity): { runLabel: Int32Array; voxelCounts: Int32Array; count: number } {
  const nj = dims[1];
  const n = runs.n;
  const parent = new Int32Array(n);
  for (let r = 0; r < n; r++) parent[r] = r;
  // First and one-past-last run of each row that has runs.
  const rowFirst = new Map<number, number>();
  const rowEnd = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const row = runs.row[r];
    if (!rowFirst.has(row)) rowFirst.set(row, r);
    rowEnd.set(row, r + 1);
  }
  const offsets = backwardRows(connectivity);
  for (let r = 0; r < n; r++) {
    const row = runs.row[r];
    const j = row % nj;
    const k = (row - j) / nj;
    const s = runs.start[r];
    const e = runs.end[r];
    for (const [dj, dk, reach] of offsets) {
      const jj = j + dj;
      const kk = k + dk;
      if (jj < 0 || jj >= nj || kk < 0) continue;
      const other = jj + nj * kk;
      const first = rowFirst.get(other);
      if (first === undefined) continue;
      const last = rowEnd.get(other)!;
      for (let q = first; q < last; q++) {
        if (runs.start[q] > e + reach) break;
        if (runs.end[q] + reach < s) continue;
        const a = find(parent, r);
        const b = find(parent, q);
        if (a !== b) {
          if (a < b) parent[b] = a;
          else parent[a] = b;
        }
      }
    }
  }
  const runLabel = new Int32Array(n);
  const rootLabel = new Int32Array(n);
  let count = 0;
  for (let r = 0; r < n; r++) {
    const root = find(parent, r);
    // Roots are the lowest run index of their set, so a root is met before any other run of its set.
    if (rootLabel[root] === 0) rootLabel[root] = ++count;
    runLabel[r] = rootLabel[root];
  }
  const voxelCounts = new Int32Array(count + 1);
  for (let r = 0; r < n; r++) voxelCounts[runLabel[r]] += runs.end[r] - runs.start[r] + 1;
  return { runLabel, voxelCounts, count };
}

export interface ComponentLabels {
  /** Component id of each voxel: 0 = background, 1..count numbered by first voxel (lowest linear index). */
  readonly labels: Int32Array;
  /** `voxelCounts[id]` = voxels in component `id`; index 0 is unused (0). */
  readonly voxelCounts: Int32Array;
  readonly count: number;
}

function checkDims(dims: Dims, length: number | null): void {
  if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw new RangeError(`dims must be positive integers, got ${dims.join('x')}`);
  if (length !== null && length !== dims[0] * dims[1] * dims[2])
    throw new RangeError(`mask has ${length} voxels but dims ${dims.join('x')} hold ${dims[0] * dims[1] * dims[2]}`);
}

/**
 * Connected components of a binary mask (non-zero = foreground, or a predicate on the linear index).
 * Allocates one Int32Array of the grid's size for the output; for lesions of a big scan use extractComponents.
 */
export function labelComponents(
  mask: Uint8Array | ((index: number) => boolean),
  dims: Dims,
  connectivity: Connectivity = 26,
): ComponentLabels {
  checkDims(dims, typeof mask === 'function' ? null : mask.length);
  const [ni, nj, nk] = dims;
  const runs = newRuns();
  const isOn = typeof mask === 'function' ? mask : (idx: number) => mask[idx] !== 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++) {
      const row = j + nj * k;
      const base = row * ni;
      let start = -1;
      for (let i = 0; i < ni; i++) {
        if (isOn(base + i)) {
          if (start < 0) start = i;
        } else if (start >= 0) {
          pushRun(runs, row, start, i - 1);
          start = -1;
        }
      }
      if (start >= 0) pushRun(runs, row, start, ni - 1);
    }
  const { runLabel, voxelCounts, count } = labelRuns(runs, dims, connectivity);
  const labels = new Int32Array(ni * nj * nk);
  for (let r = 0; r < runs.n; r++) {
    const base = runs.row[r] * ni;
    labels.fill(runLabel[r], base + runs.start[r], base + runs.end[r] + 1);
  }
  return { labels, voxelCounts, count };
}

/**
 * Byte view (shared memory) of a typed label array, so that empty slices and rows (most of a scan) are
 * recognised by one native memory comparison against zeros instead of voxel by voxel.
 */
function byteView(a: ArrayLike<number>): Buffer | null {
  if (!ArrayBuffer.isView(a)) return null;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** True when bytes[start, start + length) are all zero (Buffer#compare with ranges: no copies, no views). */
function isZero(bytes: Buffer, start: number, length: number, zeros: Buffer): boolean {
  return zeros.compare(bytes, start, start + length, 0, length) === 0;
}

/** One connected component of one label. */
export interface VoxelComponent {
  readonly labelId: number;
  readonly voxelCount: number;
  /** Linear voxel indices (i fastest), ascending. */
  readonly indices: Uint32Array;
  /** Inclusive voxel bounds [i, j, k]. */
  readonly ijkMin: readonly [number, number, number];
  readonly ijkMax: readonly [number, number, number];
}

export interface LabelComponents {
  readonly labelId: number;
  /** Components with at least `minVoxels` voxels, by voxel count descending, ties by first voxel index. */
  readonly components: readonly VoxelComponent[];
  /** Components smaller than `minVoxels`, left out of `components`. */
  readonly droppedCount: number;
  readonly droppedVoxelCount: number;
}

/**
 * The connected components of each of `labelIds` in a multilabel array, with their voxel lists: one pass over
 * the array, then work proportional to the labels' runs. Components with fewer than `minVoxels` voxels are
 * dropped and counted. Label ids must be integers in 1..65535.
 */
export function extractComponents(
  labelArray: ArrayLike<number>,
  dims: Dims,
  labelIds: readonly number[],
  minVoxels: number,
  connectivity: Connectivity = 26,
): LabelComponents[] {
  checkDims(dims, labelArray.length);
  const [ni, nj, nk] = dims;
  const slotOf = new Int32Array(65536).fill(-1);
  labelIds.forEach((id, slot) => {
    if (!Number.isInteger(id) || id < 1 || id > 65535) throw new RangeError(`label ids must be integers in 1..65535, got ${id}`);
    slotOf[id] = slot;
  });
  const perLabel = labelIds.map(() => newRuns(256));
  const bytes = byteView(labelArray);
  const voxelBytes = bytes ? bytes.length / labelArray.length : 0;
  const rowBytes = ni * voxelBytes;
  const sliceBytes = rowBytes * nj;
  const zeros = Buffer.alloc(bytes ? sliceBytes : 0);
  for (let k = 0; k < nk; k++) {
    if (bytes && isZero(bytes, k * sliceBytes, sliceBytes, zeros)) continue;
    for (let j = 0; j < nj; j++) {
      const row = j + nj * k;
      if (bytes && isZero(bytes, row * rowBytes, rowBytes, zeros)) continue;
      const base = row * ni;
      let current = 0;
      let start = 0;
      for (let i = 0; i < ni; i++) {
        const v = labelArray[base + i];
        if (v === current) continue;
        if (current !== 0 && slotOf[current] >= 0) pushRun(perLabel[slotOf[current]], row, start, i - 1);
        current = v >= 0 && v < 65536 ? v : 0;
        start = i;
      }
      if (current !== 0 && slotOf[current] >= 0) pushRun(perLabel[slotOf[current]], row, start, ni - 1);
    }
  }

  return labelIds.map((labelId, slot) => {
    const runs = perLabel[slot];
    const { runLabel, voxelCounts, count } = labelRuns(runs, dims, connectivity);
    const keep = new Int32Array(count + 1).fill(-1);
    const kept: { id: number; voxelCount: number }[] = [];
    let droppedCount = 0;
    let droppedVoxelCount = 0;
    for (let c = 1; c <= count; c++) {
      if (voxelCounts[c] >= minVoxels) kept.push({ id: c, voxelCount: voxelCounts[c] });
      else {
        droppedCount++;
        droppedVoxelCount += voxelCounts[c];
      }
    }
    // Ids follow first-voxel order, so a stable sort by size keeps that order among equal sizes.
    kept.sort((a, b) => b.voxelCount - a.voxelCount);
    kept.forEach((c, rank) => (keep[c.id] = rank));
    const indices = kept.map((c) => new Uint32Array(c.voxelCount));
    const fill = new Int32Array(kept.length);
    const mins = kept.map(() => [Infinity, Infinity, Infinity]);
    const maxs = kept.map(() => [-Infinity, -Infinity, -Infinity]);
    for (let r = 0; r < runs.n; r++) {
      const rank = keep[runLabel[r]];
      if (rank < 0) continue;
      const row = runs.row[r];
      const j = row % nj;
      const k = (row - j) / nj;
      const base = row * ni;
      const out = indices[rank];
      let f = fill[rank];
      for (let i = runs.start[r]; i <= runs.end[r]; i++) out[f++] = base + i;
      fill[rank] = f;
      const lo = mins[rank];
      const hi = maxs[rank];
      if (runs.start[r] < lo[0]) lo[0] = runs.start[r];
      if (runs.end[r] > hi[0]) hi[0] = runs.end[r];
      if (j < lo[1]) lo[1] = j;
      if (j > hi[1]) hi[1] = j;
      if (k < lo[2]) lo[2] = k;
      if (k > hi[2]) hi[2] = k;
    }
    const components: VoxelComponent[] = kept.map((c, rank) => ({
      labelId,
      voxelCount: c.voxelCount,
      indices: indices[rank],
      ijkMin: [mins[rank][0], mins[rank][1], mins[rank][2]],
      ijkMax: [maxs[rank][0], maxs[rank][1], maxs[rank][2]],
    }));
    return { labelId, components, droppedCount, droppedVoxelCount };
  });
}
