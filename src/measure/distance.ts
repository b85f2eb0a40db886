import { gctError } from '../errors.ts';
import type { Dims, Grid, Vec3 } from '../volume/geometry.ts';
import { linearPart, splitIjkToRas } from '../volume/geometry.ts';
import { boxOfVoxels, maskVoxels, paintBox } from './location-types.ts';
import type { VoxelBox, VoxelIndices } from './location-types.ts';

/**
 * Distances between masks, in mm, exact (no sampling, no k-d tree).
 *
 * Two definitions, both between voxels of the two masks, in patient space (through the grid's ijkToRas):
 * - centre distance: the smallest Euclidean distance between a voxel centre of A and a voxel centre of B.
 *   Two face-adjacent voxels are one voxel spacing apart.
 * - gap (`minDistanceMm`): the smallest distance between the voxels seen as solid cells (the region each voxel
 *   covers). It is 0 when the masks overlap or touch (face, edge or corner); a tumour whose outer voxel faces are
 *   5 mm from the vessel's outer voxel faces is 5 mm away. Per pair of voxels, along each voxel axis the cell gap
 *   is max(0, |delta index| - 1) voxels, the same as the centre distance to the nearest voxel of B dilated by its
 *   3x3x3 neighbourhood. Exact for orthogonal grids (any obliquity, any spacing); for sheared grids it uses
 *   the gap vector through the shear, an approximation we accept.
 *
 * Method: the closest pair of two disjoint voxel sets always lies on their 26-surfaces (a voxel whose every
 * 26-neighbour is in its own set has a neighbour strictly closer to the other set), so only surface voxels are
 * compared; both sets are cut into chunks with bounding boxes, and a pair of chunks is skipped when the lower
 * bound of their box distance already reaches the best pair found.
 */

interface VoxelMetric {
  /** Metric tensor G = L^T L of the linear part L of ijkToRas: |delta_ras|^2 = delta_ijk^T G delta_ijk. */
  readonly g: readonly number[];
  /** Per-axis weights for a lower bound of |delta|^2 from per-axis index gaps (exact when the axes are orthogonal). */
  readonly lowerBoundWeight: Vec3;
}

function metricOf(grid: Grid): VoxelMetric {
  const l = linearPart(grid.ijkToRas);
  const g = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) g[r * 3 + c] = l[r] * l[c] + l[3 + r] * l[3 + c] + l[6 + r] * l[6 + c];
  const offDiag = Math.max(Math.abs(g[1]), Math.abs(g[2]), Math.abs(g[5]));
  const diagMax = Math.max(g[0], g[4], g[8]);
  if (offDiag <= 1e-9 * diagMax) return { g, lowerBoundWeight: [g[0], g[4], g[8]] };
  // Sheared grid: Gershgorin lower bound of the smallest eigenvalue, |delta|^2 >= lambdaMin |delta_ijk|^2.
  const lambdaMin = Math.max(0, Math.min(g[0] - Math.abs(g[1]) - Math.abs(g[2]), g[4] - Math.abs(g[3]) - Math.abs(g[5]), g[8] - Math.abs(g[6]) - Math.abs(g[7])));
  return { g, lowerBoundWeight: [lambdaMin, lambdaMin, lambdaMin] };
}

/** Smallest distance between voxel centres of A and B, mm; 0 when they share a voxel. Null when either is empty. */
export function minCentreDistanceMm(a: VoxelIndices | PreparedMask, b: VoxelIndices | PreparedMask, grid: Grid): number | null {
  return maskDistance(a, b, grid, false);
}

/**
 * Gap between masks A and B in mm: 0 when they overlap or touch (26-adjacency), otherwise the distance between
 * the nearest voxel cells (see the file comment). Null when either mask is empty.
 */
export function minDistanceMm(a: VoxelIndices | PreparedMask, b: VoxelIndices | PreparedMask, grid: Grid): number | null {
  return maskDistance(a, b, grid, true);
}

/**
 * A mask made ready for distance queries: its voxels checked against the grid, its box (grown by one voxel), its
 * membership map in that box and (on first use) its 26-surface. Prepared once, a mask (a vessel, an organ) is
 * measured against many others (every lesion of the study) without redoing that work.
 */
export class PreparedMask {
  private surfaceCache?: Int32Array;
  private chunksCache?: SurfaceChunks;

  private constructor(
    readonly voxels: VoxelIndices,
    readonly box: VoxelBox,
    readonly inside: Uint8Array,
    private readonly dims: Dims,
  ) {}

  /** Null for an empty mask. */
  static of(voxels: VoxelIndices, grid: Grid, what = 'mask'): PreparedMask | null {
    const dims = grid.dims;
    maskVoxels(voxels, dims[0] * dims[1] * dims[2], what);
    const box = boxOfVoxels(voxels, dims, [1, 1, 1]);
    if (box === null) return null;
    const inside = new Uint8Array(box.nx * box.ny * box.nz);
    paintBox(inside, box, voxels, dims);
    return new PreparedMask(voxels, box, inside, dims);
  }

  /** Whether grid voxel `v` belongs to the mask. */
  has(v: number): boolean {
    const { box, dims } = this;
    const i = (v % dims[0]) - box.i0;
    const rest = Math.floor(v / dims[0]);
    const j = (rest % dims[1]) - box.j0;
    const k = Math.floor(rest / dims[1]) - box.k0;
    return i >= 0 && j >= 0 && k >= 0 && i < box.nx && j < box.ny && k < box.nz && this.inside[i + box.nx * (j + box.ny * k)] === 1;
  }

  /** The 26-surface voxels as flat (i, j, k) triples. */
  get surface(): Int32Array {
    return (this.surfaceCache ??= surfaceIjk(this.inside, this.box));
  }

  /** The surface cut into chunks with their boxes, for closest-pair searches (made once per mask). */
  get surfaceChunks(): SurfaceChunks {
    return (this.chunksCache ??= chunkBoxes(this.surface));
  }
}

/** Whether two masks' boxes (each grown by one voxel) share a voxel: masks whose boxes do not cannot overlap. */
function boxesIntersect(a: VoxelBox, b: VoxelBox): boolean {
  return a.i0 < b.i0 + b.nx && b.i0 < a.i0 + a.nx && a.j0 < b.j0 + b.ny && b.j0 < a.j0 + a.ny && a.k0 < b.k0 + b.nz && b.k0 < a.k0 + a.nz;
}

function maskDistance(a: VoxelIndices | PreparedMask, b: VoxelIndices | PreparedMask, grid: Grid, gap: boolean): number | null {
  const pa = a instanceof PreparedMask ? a : PreparedMask.of(a, grid, 'mask A');
  const pb = b instanceof PreparedMask ? b : PreparedMask.of(b, grid, 'mask B');
  if (pa === null || pb === null) return null;
  // Overlap: any voxel of the smaller mask inside the larger (only possible when their boxes meet).
  if (boxesIntersect(pa.box, pb.box)) {
    const [small, large] = pa.voxels.length <= pb.voxels.length ? [pa, pb] : [pb, pa];
    for (let n = 0; n < small.voxels.length; n++) if (large.has(small.voxels[n])) return 0;
  }
  return closestPairOfChunks(pa.surfaceChunks, pb.surfaceChunks, metricOf(grid), gap);
}

/**
 * Members of a box mask having at least one 26-neighbour outside it, as flat (i, j, k) triples in grid index
 * coordinates (box origin added back).
 */
export function surfaceIjk(mask: Uint8Array, box: VoxelBox): Int32Array {
  const { nx, ny, nz } = box;
  // A growable typed buffer rather than a number[]: large surfaces stay off the garbage-collected heap.
  let out = new Int32Array(3 * 1024);
  let n = 0;
  const push = (i: number, j: number, k: number) => {
    if (n + 3 > out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = i;
    out[n++] = j;
    out[n++] = k;
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!mask[i + nx * (j + ny * k)]) continue;
        let surface = false;
        for (let dk = -1; dk <= 1 && !surface; dk++)
          for (let dj = -1; dj <= 1 && !surface; dj++)
            for (let di = -1; di <= 1; di++) {
              const ii = i + di, jj = j + dj, kk = k + dk;
              if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz || !mask[ii + nx * (jj + ny * kk)]) { surface = true; break; }
            }
        if (surface) push(i + box.i0, j + box.j0, k + box.k0);
      }
  return out.slice(0, n);
}

const CHUNK_VOXELS = 32;

/** A list of (i, j, k) triples with the bounding box of each run of CHUNK_VOXELS consecutive triples. */
interface SurfaceChunks {
  readonly ijk: Int32Array;
  /** lo/hi as flat (i, j, k) per chunk. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly count: number;
}

/** Bounding boxes of consecutive runs of CHUNK_VOXELS triples: lo/hi as flat (i, j, k) per chunk. */
function chunkBoxes(scanOrder: Int32Array): SurfaceChunks {
  const ijk = inCells(scanOrder);
  const n = ijk.length / 3;
  const count = Math.ceil(n / CHUNK_VOXELS);
  const lo = new Int32Array(count * 3).fill(2 ** 30);
  const hi = new Int32Array(count * 3).fill(-(2 ** 30));
  for (let p = 0; p < n; p++) {
    const c = Math.floor(p / CHUNK_VOXELS);
    for (let ax = 0; ax < 3; ax++) {
      const x = ijk[3 * p + ax];
      if (x < lo[3 * c + ax]) lo[3 * c + ax] = x;
      if (x > hi[3 * c + ax]) hi[3 * c + ax] = x;
    }
  }
  return { ijk, lo, hi, count };
}

/** Side of the cubic cells the triples are grouped by before chunking, voxels. */
const CELL_VOXELS = 4;

/**
 * The triples regrouped cell by cell (cubes of CELL_VOXELS, cells in raster order, the triples' order kept within a
 * cell; a counting sort). In scan order a run of CHUNK_VOXELS surface voxels of a round mask spans many rows, from
 * one side of the mask to the other, and its box bounds nothing; grouped by cells, each chunk's box is a few voxels
 * wide and the pruning of closestPairOfChunks becomes tight.
 */
function inCells(ijk: Int32Array): Int32Array {
  const n = ijk.length / 3;
  if (n <= CHUNK_VOXELS) return ijk;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < n; p++)
    for (let ax = 0; ax < 3; ax++) {
      const x = ijk[3 * p + ax];
      if (x < lo[ax]) lo[ax] = x;
      if (x > hi[ax]) hi[ax] = x;
    }
  const cells = [0, 1, 2].map((ax) => Math.floor((hi[ax] - lo[ax]) / CELL_VOXELS) + 1);
  const cellOf = (p: number) =>
    Math.floor((ijk[3 * p] - lo[0]) / CELL_VOXELS) +
    cells[0] * (Math.floor((ijk[3 * p + 1] - lo[1]) / CELL_VOXELS) + cells[1] * Math.floor((ijk[3 * p + 2] - lo[2]) / CELL_VOXELS));
  const start = new Int32Array(cells[0] * cells[1] * cells[2] + 1);
  for (let p = 0; p < n; p++) start[cellOf(p) + 1]++;
  for (let c = 1; c < start.length; c++) start[c] += start[c - 1];
  const out = new Int32Array(ijk.length);
  for (let p = 0; p < n; p++) {
    const at = 3 * start[cellOf(p)]++;
    out[at] = ijk[3 * p];
    out[at + 1] = ijk[3 * p + 1];
    out[at + 2] = ijk[3 * p + 2];
  }
  return out;
}

/** The box around all chunk boxes, as a one-chunk list. */
function wholeBox(chunks: SurfaceChunks): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(3).fill(2 ** 30);
  const hi = new Int32Array(3).fill(-(2 ** 30));
  for (let c = 0; c < chunks.count; c++)
    for (let ax = 0; ax < 3; ax++) {
      lo[ax] = Math.min(lo[ax], chunks.lo[3 * c + ax]);
      hi[ax] = Math.max(hi[ax], chunks.hi[3 * c + ax]);
    }
  return { lo, hi };
}

/**
 * Closest pair between two lists of (i, j, k) triples, in mm (cell gap when `gap`). Infinity when either is
 * empty. Both lists are cut into chunks of consecutive voxels (spatially compact, since surfaces are listed in
 * scan order); B's chunks are visited nearest to A's box first, and a chunk pair is skipped once its box lower
 * bound reaches the best distance found.
 */
export function closestPairMm(aIjk: Int32Array, bIjk: Int32Array, metric: VoxelMetric, gap: boolean): number {
  return closestPairOfChunks(chunkBoxes(aIjk), chunkBoxes(bIjk), metric, gap);
}

/**
 * `closestPairMm` of lists already cut into chunks (a prepared mask's surface is chunked once). The distance is
 * symmetric, so the longer list is taken as A, the outer loop: each of its chunks is first tested against B's whole
 * box (one bound), which for a large vessel and a small lesion discards most of the vessel at once.
 */
function closestPairOfChunks(first: SurfaceChunks, second: SurfaceChunks, metric: VoxelMetric, gap: boolean): number {
  const [ca, cb] = first.count >= second.count ? [first, second] : [second, first];
  const aIjk = ca.ijk;
  const bIjk = cb.ijk;
  const nA = aIjk.length / 3;
  const nB = bIjk.length / 3;
  if (nA === 0 || nB === 0) return Infinity;
  const g = metric.g;
  const w = metric.lowerBoundWeight;
  const shrink = gap ? 1 : 0;
  const boxLowerBound = (loA: Int32Array, hiA: Int32Array, a: number, loB: Int32Array, hiB: Int32Array, b: number): number => {
    let lb = 0;
    for (let ax = 0; ax < 3; ax++) {
      const d = Math.max(0, loB[3 * b + ax] - hiA[3 * a + ax], loA[3 * a + ax] - hiB[3 * b + ax]) - shrink;
      if (d > 0) lb += w[ax] * d * d;
    }
    return lb;
  };
  const pairSq = (oc: number, c: number, bestSq: number): number => {
    const aEnd = Math.min(nA, (oc + 1) * CHUNK_VOXELS);
    const bEnd = Math.min(nB, (c + 1) * CHUNK_VOXELS);
    for (let p = oc * CHUNK_VOXELS; p < aEnd; p++) {
      const ai = aIjk[3 * p], aj = aIjk[3 * p + 1], ak = aIjk[3 * p + 2];
      for (let q = c * CHUNK_VOXELS; q < bEnd; q++) {
        let di = bIjk[3 * q] - ai, dj = bIjk[3 * q + 1] - aj, dk = bIjk[3 * q + 2] - ak;
        if (gap) {
          di = Math.sign(di) * Math.max(0, Math.abs(di) - 1);
          dj = Math.sign(dj) * Math.max(0, Math.abs(dj) - 1);
          dk = Math.sign(dk) * Math.max(0, Math.abs(dk) - 1);
        }
        const d2 = g[0] * di * di + g[4] * dj * dj + g[8] * dk * dk + 2 * (g[1] * di * dj + g[2] * di * dk + g[5] * dj * dk);
        if (d2 < bestSq) bestSq = d2;
      }
    }
    return bestSq;
  };
  // A first estimate, so that pruning is tight from the start (the chunks are visited in an order that can put a
  // far pair first): the chunk of A nearest to B's whole box, against the chunk of B nearest to that chunk.
  const wholeA = wholeBox(ca);
  const wholeB = wholeBox(cb);
  // Each chunk of A's bound to B's whole box: picks the seed, and skips the chunk in the search below.
  const aBounds = new Float64Array(ca.count);
  let seedA = 0;
  for (let oc = 0; oc < ca.count; oc++) {
    aBounds[oc] = boxLowerBound(ca.lo, ca.hi, oc, wholeB.lo, wholeB.hi, 0);
    if (aBounds[oc] < aBounds[seedA]) seedA = oc;
  }
  let seedB = 0;
  let seedBound = Infinity;
  for (let c = 0; c < cb.count; c++) {
    const lb = boxLowerBound(ca.lo, ca.hi, seedA, cb.lo, cb.hi, c);
    if (lb < seedBound) { seedBound = lb; seedB = c; }
  }
  let bestSq = pairSq(seedA, seedB, Infinity);
  if (bestSq === 0) return 0;
  // B's chunks in order of their lower bound to A's whole box (a bound for every chunk of A): sorted once, and a
  // chunk of A stops at the first B chunk whose whole-box bound reaches the best distance found.
  const order = new Int32Array(cb.count);
  const wholeBounds = new Float64Array(cb.count);
  for (let c = 0; c < cb.count; c++) {
    order[c] = c;
    wholeBounds[c] = boxLowerBound(wholeA.lo, wholeA.hi, 0, cb.lo, cb.hi, c);
  }
  order.sort((x, y) => wholeBounds[x] - wholeBounds[y]);
  for (let oc = 0; oc < ca.count; oc++) {
    if (aBounds[oc] >= bestSq) continue;
    for (let r = 0; r < cb.count; r++) {
      const c = order[r];
      if (wholeBounds[c] >= bestSq) break;
      if (boxLowerBound(ca.lo, ca.hi, oc, cb.lo, cb.hi, c) >= bestSq) continue;
      bestSq = pairSq(oc, c, bestSq);
      if (bestSq === 0) return 0;
    }
  }
  return Math.sqrt(Math.max(0, bestSq));
}

/**
 * Distance from a lung lesion to the pleura, mm: the gap (see the file comment) between the lesion and the
 * first layer of voxels OUTSIDE the lung on its outer side. 0 means the lesion reaches the pleural surface
 * (juxtapleural / pleural contact); one lung voxel between lesion and chest wall gives one voxel spacing.
 *
 * "Outer side": the outside of lung-or-lesion that is connected (6-connectivity) to the border of a box one
 * voxel larger than both masks; enclosed cavities of the lung mask (unsegmented vessels, holes) are not pleura.
 * Pass the whole lung (all of its lobes) to measure to the costal/mediastinal pleura; a single lobe mask also
 * counts its fissures (visceral pleura), which is also pleura. Limitations: airway or vessel channels that open
 * to the hilum count as outside, and a lung cut by the scan border has a false "pleura" on the cut.
 * Reference: the distance-to-pleura feature of lung nodule reports (Lung-RADS v2022 juxtapleural nodules;
 * MISSION.md seed ideas). Null when the lung mask or the lesion is empty.
 */
export function distanceToPleuraMm(lesionVoxels: VoxelIndices, lungVoxels: VoxelIndices, grid: Grid): number | null {
  const dims = grid.dims;
  const total = dims[0] * dims[1] * dims[2];
  maskVoxels(lesionVoxels, total, 'lesion');
  maskVoxels(lungVoxels, total, 'lung mask');
  const boxLung = boxOfVoxels(lungVoxels, dims);
  const boxLesion = boxOfVoxels(lesionVoxels, dims);
  if (boxLung === null || boxLesion === null) return null;
  const box = unionBox(boxLung, boxLesion, 1);
  const { nx, ny, nz } = box;
  const state = new Uint8Array(nx * ny * nz); // 1 = lung or lesion, 2 = exterior (reached from the box border)
  paintBox(state, box, lungVoxels, dims);
  paintBox(state, box, lesionVoxels, dims);
  floodExterior(state, nx, ny, nz);
  const layer: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (state[i + nx * (j + ny * k)] !== 2) continue;
        const touches =
          (i > 0 && state[i - 1 + nx * (j + ny * k)] === 1) || (i < nx - 1 && state[i + 1 + nx * (j + ny * k)] === 1) ||
          (j > 0 && state[i + nx * (j - 1 + ny * k)] === 1) || (j < ny - 1 && state[i + nx * (j + 1 + ny * k)] === 1) ||
          (k > 0 && state[i + nx * (j + ny * (k - 1))] === 1) || (k < nz - 1 && state[i + nx * (j + ny * (k + 1))] === 1);
        if (touches) layer.push(i + box.i0, j + box.j0, k + box.k0);
      }
  const lesionBox = boxOfVoxels(lesionVoxels, dims, [1, 1, 1])!;
  const inLesion = new Uint8Array(lesionBox.nx * lesionBox.ny * lesionBox.nz);
  paintBox(inLesion, lesionBox, lesionVoxels, dims);
  const d = closestPairMm(surfaceIjk(inLesion, lesionBox), Int32Array.from(layer), metricOf(grid), true);
  if (!Number.isFinite(d))
    throw gctError('GCT_INTERNAL', 'no pleural surface found around a non-empty lung mask', { lungVoxels: lungVoxels.length });
  return d;
}

function unionBox(a: VoxelBox, b: VoxelBox, pad: number): VoxelBox {
  const i0 = Math.min(a.i0, b.i0) - pad, j0 = Math.min(a.j0, b.j0) - pad, k0 = Math.min(a.k0, b.k0) - pad;
  const i1 = Math.max(a.i0 + a.nx, b.i0 + b.nx) + pad, j1 = Math.max(a.j0 + a.ny, b.j0 + b.ny) + pad, k1 = Math.max(a.k0 + a.nz, b.k0 + b.nz) + pad;
  return { i0, j0, k0, nx: i1 - i0, ny: j1 - j0, nz: k1 - k0 };
}

/** Marks (value 2) every 0-voxel 6-connected to the box border. */
function floodExterior(state: Uint8Array, nx: number, ny: number, nz: number): void {
  const queue = new Int32Array(state.length);
  let head = 0, tail = 0;
  const push = (v: number) => { if (state[v] === 0) { state[v] = 2; queue[tail++] = v; } };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) push(i + nx * (j + ny * k));
  const nxy = nx * ny;
  while (head < tail) {
    const v = queue[head++];
    const i = v % nx, j = Math.floor(v / nx) % ny, k = Math.floor(v / nxy);
    if (i > 0) push(v - 1);
    if (i < nx - 1) push(v + 1);
    if (j > 0) push(v - nx);
    if (j < ny - 1) push(v + nx);
    if (k > 0) push(v - nxy);
    if (k < nz - 1) push(v + nxy);
  }
}

/**
 * Exact Euclidean distance transform with nearest-source indices, on a box of voxels (Felzenszwalb &
 * Huttenlocher, "Distance Transforms of Sampled Functions", Theory of Computing 8:415-428, 2012,
 * doi:10.4086/toc.2012.v008a019): three separable 1-D lower-envelope passes, with the voxel spacing of each axis
 * as the parabola weight, carrying along the index of the source each minimum came from.
 * `source[v] !== 0` marks sources. Returns squared distances in mm2 (Infinity with no source) and, per voxel,
 * the box index of a nearest source (-1 with none). Exact for grids with orthogonal axes.
 */
export function distanceTransformMm(source: Uint8Array, boxDims: Dims, spacingMm: Vec3): { distSqMm2: Float64Array; nearest: Int32Array } {
  const [nx, ny, nz] = boxDims;
  const n = nx * ny * nz;
  let dist = new Float64Array(n);
  let nearest = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    dist[v] = source[v] ? 0 : Infinity;
    nearest[v] = source[v] ? v : -1;
  }
  const maxLen = Math.max(nx, ny, nz);
  const f = new Float64Array(maxLen);
  const d = new Float64Array(maxLen);
  const arg = new Int32Array(maxLen);
  const env = new Int32Array(maxLen);
  const z = new Float64Array(maxLen + 1);
  const passes: [number, number, number, number][] = [
    // [line length, stride along the line, count of lines, axis]
    [nx, 1, ny * nz, 0],
    [ny, nx, nx * nz, 1],
    [nz, nx * ny, nx * ny, 2],
  ];
  for (const [len, stride, , axis] of passes) {
    const w = spacingMm[axis] * spacingMm[axis];
    const nextDist = new Float64Array(n);
    const nextNearest = new Int32Array(n);
    // Line starts: every voxel whose coordinate along `axis` is 0, enumerated directly.
    const starts: number[] = [];
    if (axis === 0) for (let r = 0; r < ny * nz; r++) starts.push(r * nx);
    else if (axis === 1) for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) starts.push(i + nx * ny * k);
    else for (let v = 0; v < nx * ny; v++) starts.push(v);
    for (const start of starts) {
      for (let q = 0; q < len; q++) f[q] = dist[start + q * stride];
      lowerEnvelope1d(f, len, w, d, arg, env, z);
      for (let q = 0; q < len; q++) {
        const v = start + q * stride;
        nextDist[v] = d[q];
        nextNearest[v] = arg[q] < 0 ? -1 : nearest[start + arg[q] * stride];
      }
    }
    dist = nextDist;
    nearest = nextNearest;
  }
  return { distSqMm2: dist, nearest };
}

/** 1-D squared distance transform of f with weight w (spacing^2): d[q] = min_p f[p] + w (q - p)^2; arg = p. */
function lowerEnvelope1d(f: Float64Array, len: number, w: number, d: Float64Array, arg: Int32Array, env: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < len; q++) {
    if (f[q] === Infinity) continue;
    for (;;) {
      if (k < 0) { k = 0; env[0] = q; z[0] = -Infinity; z[1] = Infinity; break; }
      const p = env[k];
      const s = (f[q] + w * q * q - (f[p] + w * p * p)) / (2 * w * (q - p));
      if (s <= z[k]) { k--; continue; }
      k++;
      env[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
      break;
    }
  }
  if (k < 0) {
    for (let q = 0; q < len; q++) { d[q] = Infinity; arg[q] = -1; }
    return;
  }
  k = 0;
  for (let q = 0; q < len; q++) {
    while (z[k + 1] < q) k++;
    const p = env[k];
    d[q] = w * (q - p) * (q - p) + f[p];
    arg[q] = p;
  }
}

/** Spacing of a grid's voxel axes in mm (the column norms of ijkToRas). */
export function gridSpacingMm(grid: Grid): Vec3 {
  return splitIjkToRas(grid.ijkToRas).spacingMm;
}
