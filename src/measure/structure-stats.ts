/**
 * Per-structure statistics of a CT inside the labels of a label map: voxel count and volume, HU mean / SD /
 * median / min / max / 5th and 95th percentiles, centroid, bounds in ijk and RAS, extent along each patient
 * axis, and which faces of the scan the structure touches.
 *
 * One pass over the voxels per label layer measures every label of that layer at once. Each image row is
 * read as runs of equal label: geometry (count, index sums, bounds) is updated once per run, and only the HU
 * accumulation touches every voxel. HU order statistics are exact:
 * - integer-valued CT (integer arrays, or float arrays whose values are all integers): one histogram per label
 *   over the voxel type's range (8/16-bit, when labels x 65536 bins fit the budget) or else over the range
 *   found by one scan of the CT; order statistics then come from cumulative counts (hu-distribution.ts);
 * - other float CT (or integers with a range too wide for histograms): a second pass gathers each label's values
 *   into one shared array at offsets from the first pass's counts, and each label's slice is sorted.
 * NaN voxels (float CT only) count toward volume and make that structure's HU statistics NaN.
 */
import { gctError } from '../errors.ts';
import { mm3ToMl } from './units.ts';
import { applyMat4, ijkPoint, rasPoint, sameGrid, voxelVolumeMm3 } from '../volume/geometry.ts';
import type { Mat4 } from '../volume/geometry.ts';
import type { LabelArray, LabelEntry, LabelMap, Volume, VoxelArray } from '../volume/types.ts';
import { HistogramRange, huStatsOfHistogram, huStatsOfSorted } from './hu-distribution.ts';
import type { BorderFace, HuStats, MeasuredStructureStats, RasFace, StructureStats } from './types.ts';

export interface MeasureStructuresOptions {
  /** Maps a label's source name to its canonical anatomy name (null when unknown). Without it, `name` is null. */
  readonly names?: (sourceName: string) => string | null;
  /** Largest distance in mm between matching voxel centres of the CT and label grids. Default 0.01 mm. */
  readonly gridToleranceMm?: number;
  /**
   * Largest histogram, in bins (labels on a layer x HU values in the scan's range), before HU statistics fall
   * back to gathering and sorting values. Default 2^24 bins (64 MiB of counts).
   */
  readonly maxHistogramBins?: number;
}

const DEFAULT_GRID_TOLERANCE_MM = 0.01;
const DEFAULT_MAX_HISTOGRAM_BINS = 2 ** 24;

/** Per-label accumulators of one layer, indexed by slot (the label's position among the layer's labels). */
interface LayerAccumulators {
  readonly count: Float64Array;
  readonly sumIjk: Float64Array; // 3 per slot
  readonly minIjk: Int32Array; // 3 per slot
  readonly maxIjk: Int32Array; // 3 per slot
  /** Min / max over voxel centres of the linear part of ijkToRas applied to ijk (translation added later). */
  readonly minRas: Float64Array; // 3 per slot
  readonly maxRas: Float64Array; // 3 per slot
}

function newAccumulators(slotCount: number): LayerAccumulators {
  return {
    count: new Float64Array(slotCount),
    sumIjk: new Float64Array(3 * slotCount),
    minIjk: new Int32Array(3 * slotCount).fill(0x7fffffff),
    maxIjk: new Int32Array(3 * slotCount).fill(-1),
    minRas: new Float64Array(3 * slotCount).fill(Infinity),
    maxRas: new Float64Array(3 * slotCount).fill(-Infinity),
  };
}

/**
 * The one pass over a layer. For every run [i0, i1] of voxels with the same listed label in a row (j, k):
 * count, index sums, ijk bounds and the RAS extremes of the run's two end voxels (RAS is affine in i, so a
 * run's extremes lie at its ends). With `hist`, also histograms the CT values of the run.
 */
function scanLayer(
  ct: VoxelArray,
  layer: LabelArray,
  dims: readonly [number, number, number],
  m: Mat4,
  slotOfLabel: Int32Array,
  acc: LayerAccumulators,
  hist: Uint32Array | null,
  huRange: number,
  huMin: number,
): void {
  const ni = dims[0];
  const nj = dims[1];
  const nk = dims[2];
  const { count, sumIjk, minIjk, maxIjk, minRas, maxRas } = acc;
  const m00 = m[0], m01 = m[1], m02 = m[2];
  const m10 = m[4], m11 = m[5], m12 = m[6];
  const m20 = m[8], m21 = m[9], m22 = m[10];
  // Background is most of a scan: where the layer's bytes are 4-aligned, skip it a 32-bit word at a time.
  const perWord = 4 / layer.BYTES_PER_ELEMENT;
  const words = layer.byteOffset % 4 === 0 ? new Uint32Array(layer.buffer, layer.byteOffset, (layer.length / perWord) | 0) : null;
  const wordShift = perWord === 4 ? 2 : 1;
  const wordMask = perWord - 1;
  let rowStart = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++, rowStart += ni) {
      const base0 = m01 * j + m02 * k;
      const base1 = m11 * j + m12 * k;
      const base2 = m21 * j + m22 * k;
      let i = 0;
      while (i < ni) {
        const label = layer[rowStart + i];
        if (label === 0) {
          i++;
          if (words !== null && ((rowStart + i) & wordMask) === 0) {
            while (i + perWord <= ni && words[(rowStart + i) >> wordShift] === 0) i += perWord;
          }
          continue;
        }
        let end = i + 1;
        while (end < ni && layer[rowStart + end] === label) end++;
        const s = slotOfLabel[label];
        if (s >= 0) {
          const n = end - i;
          const iLast = end - 1;
          if (hist !== null) {
            const histBase = s * huRange - huMin;
            for (let x = rowStart + i; x < rowStart + end; x++) hist[histBase + ct[x]]++;
          }
          count[s] += n;
          const s3 = 3 * s;
          sumIjk[s3] += (n * (i + iLast)) / 2;
          sumIjk[s3 + 1] += n * j;
          sumIjk[s3 + 2] += n * k;
          if (i < minIjk[s3]) minIjk[s3] = i;
          if (iLast > maxIjk[s3]) maxIjk[s3] = iLast;
          if (j < minIjk[s3 + 1]) minIjk[s3 + 1] = j;
          if (j > maxIjk[s3 + 1]) maxIjk[s3 + 1] = j;
          if (k < minIjk[s3 + 2]) minIjk[s3 + 2] = k;
          if (k > maxIjk[s3 + 2]) maxIjk[s3 + 2] = k;
          let a = base0 + m00 * i, b = base0 + m00 * iLast;
          if (a > b) { const t = a; a = b; b = t; }
          if (a < minRas[s3]) minRas[s3] = a;
          if (b > maxRas[s3]) maxRas[s3] = b;
          a = base1 + m10 * i; b = base1 + m10 * iLast;
          if (a > b) { const t = a; a = b; b = t; }
          if (a < minRas[s3 + 1]) minRas[s3 + 1] = a;
          if (b > maxRas[s3 + 1]) maxRas[s3 + 1] = b;
          a = base2 + m20 * i; b = base2 + m20 * iLast;
          if (a > b) { const t = a; a = b; b = t; }
          if (a < minRas[s3 + 2]) minRas[s3 + 2] = a;
          if (b > maxRas[s3 + 2]) maxRas[s3 + 2] = b;
        }
        i = end;
      }
    }
  }
}

/** Second pass of the sort path: copies each listed label's CT values into its slice of `values`. */
function gatherValues(ct: VoxelArray, layer: LabelArray, slotOfLabel: Int32Array, nextIndex: Float64Array, values: Float32Array | Float64Array): void {
  const n = layer.length;
  for (let x = 0; x < n; x++) {
    const label = layer[x];
    if (label === 0) continue;
    const s = slotOfLabel[label];
    if (s < 0) continue;
    values[nextIndex[s]++] = ct[x];
  }
}

/** HU statistics of every slot of one layer, by histogram or by sorting. */
function huStatsOfLayer(ct: VoxelArray, range: { min: number; max: number } | null, layer: LabelArray, dims: readonly [number, number, number], m: Mat4, slotOfLabel: Int32Array, slotCount: number, maxHistogramBins: number): { acc: LayerAccumulators; hu: (HuStats | null)[] } {
  const acc = newAccumulators(slotCount);
  const hu: (HuStats | null)[] = new Array(slotCount).fill(null);
  const huRange = range === null ? 0 : range.max - range.min + 1;
  if (range !== null && huRange * slotCount <= maxHistogramBins) {
    const hist = new Uint32Array(huRange * slotCount);
    scanLayer(ct, layer, dims, m, slotOfLabel, acc, hist, huRange, range.min);
    for (let s = 0; s < slotCount; s++) {
      if (acc.count[s] === 0) continue;
      hu[s] = huStatsOfHistogram({ counts: hist, offset: s * huRange, binCount: huRange, valueOfFirstBin: range.min }, acc.count[s]);
    }
    return { acc, hu };
  }
  scanLayer(ct, layer, dims, m, slotOfLabel, acc, null, 0, 0);
  const start = new Float64Array(slotCount + 1);
  for (let s = 0; s < slotCount; s++) start[s + 1] = start[s] + acc.count[s];
  const values = ct instanceof Float32Array ? new Float32Array(start[slotCount]) : new Float64Array(start[slotCount]);
  gatherValues(ct, layer, slotOfLabel, start.slice(0, slotCount), values);
  for (let s = 0; s < slotCount; s++) {
    if (acc.count[s] === 0) continue;
    const own = values.subarray(start[s], start[s + 1]);
    own.sort();
    hu[s] = huStatsOfSorted(own);
  }
  return { acc, hu };
}

const BORDER_FACES: readonly (readonly [BorderFace, BorderFace])[] = [['i-', 'i+'], ['j-', 'j+'], ['k-', 'k+']];
/** Patient direction of +x, +y, +z and of -x, -y, -z in RAS+. */
const RAS_POSITIVE: readonly RasFace[] = ['right', 'anterior', 'superior'];
const RAS_NEGATIVE: readonly RasFace[] = ['left', 'posterior', 'inferior'];

/**
 * The patient direction each grid face looks toward: for ijk axis c, the RAS component of largest magnitude
 * of its direction (column c of ijkToRas); the c+ face looks along the column, the c- face against it.
 */
export function rasFacesOfGrid(m: Mat4): Record<BorderFace, RasFace> {
  const out = {} as Record<BorderFace, RasFace>;
  for (let c = 0; c < 3; c++) {
    let r = 0;
    for (let q = 1; q < 3; q++) if (Math.abs(m[q * 4 + c]) > Math.abs(m[r * 4 + c])) r = q;
    const positive = m[r * 4 + c] > 0;
    out[BORDER_FACES[c][1]] = positive ? RAS_POSITIVE[r] : RAS_NEGATIVE[r];
    out[BORDER_FACES[c][0]] = positive ? RAS_NEGATIVE[r] : RAS_POSITIVE[r];
  }
  return out;
}

/** Throws GCT_MEASURE_INPUT_INVALID when CT and labels are not on one grid, GCT_LABELMAP_INVALID for an unusable entry. */
export function checkMeasureInputs(ct: Volume, labels: LabelMap, toleranceMm = DEFAULT_GRID_TOLERANCE_MM): void {
  const [ni, nj, nk] = ct.grid.dims;
  const voxels = ni * nj * nk;
  if (!sameGrid(ct.grid, labels.grid, toleranceMm)) {
    throw gctError(
      'GCT_MEASURE_INPUT_INVALID',
      `CT grid ${ct.grid.dims.join('x')} and label grid ${labels.grid.dims.join('x')} differ (dims, or voxel centres more than ${toleranceMm} mm apart)`,
      { ctDims: ct.grid.dims, labelDims: labels.grid.dims, toleranceMm },
    );
  }
  if (ct.data.length !== voxels) {
    throw gctError('GCT_MEASURE_INPUT_INVALID', `CT holds ${ct.data.length} voxels, its grid ${ct.grid.dims.join('x')} needs ${voxels}`, { voxels: ct.data.length, expected: voxels });
  }
  labels.layers.forEach((layer, index) => {
    if (layer.length !== voxels) {
      throw gctError('GCT_MEASURE_INPUT_INVALID', `label layer ${index} holds ${layer.length} voxels, the grid ${ct.grid.dims.join('x')} needs ${voxels}`, { layer: index, voxels: layer.length, expected: voxels });
    }
  });
  const seen = new Set<number>();
  for (const entry of labels.labels) {
    const layer = labels.layers[entry.layer];
    const maxId = layer instanceof Uint8Array ? 0xff : 0xffff;
    if (layer === undefined || !Number.isInteger(entry.id) || entry.id < 1 || entry.id > maxId || seen.has(entry.id)) {
      throw gctError(
        'GCT_LABELMAP_INVALID',
        `label '${entry.name}' (id ${entry.id}, layer ${entry.layer}) is not usable: ids must be unique integers 1..${maxId} on an existing layer (${labels.layers.length} layers)`,
        { labelId: entry.id, layer: entry.layer, layers: labels.layers.length },
      );
    }
    seen.add(entry.id);
  }
}

function measuredStats(entry: LabelEntry, name: string | null, slot: number, acc: LayerAccumulators, hu: HuStats, m: Mat4, dims: readonly [number, number, number], voxelMm3: number, rasFaces: Record<BorderFace, RasFace>): MeasuredStructureStats {
  const n = acc.count[slot];
  const s3 = 3 * slot;
  const ijkCentroid = ijkPoint(acc.sumIjk[s3] / n, acc.sumIjk[s3 + 1] / n, acc.sumIjk[s3 + 2] / n);
  const c = applyMat4(m, ijkCentroid);
  const minIjk = [acc.minIjk[s3], acc.minIjk[s3 + 1], acc.minIjk[s3 + 2]];
  const maxIjk = [acc.maxIjk[s3], acc.maxIjk[s3 + 1], acc.maxIjk[s3 + 2]];
  const translation = [m[3], m[7], m[11]];
  const rasMin = [0, 1, 2].map((r) => acc.minRas[s3 + r] + translation[r]);
  const rasMax = [0, 1, 2].map((r) => acc.maxRas[s3 + r] + translation[r]);
  // A voxel is the parallelepiped spanned by the columns of ijkToRas; its extent along RAS axis r is the sum of
  // the columns' |r components|.
  const voxelExtentMm = [0, 1, 2].map((r) => Math.abs(m[r * 4]) + Math.abs(m[r * 4 + 1]) + Math.abs(m[r * 4 + 2]));
  const extent = [0, 1, 2].map((r) => rasMax[r] - rasMin[r] + voxelExtentMm[r]);
  const touchesBorder: BorderFace[] = [];
  for (let a = 0; a < 3; a++) {
    if (minIjk[a] === 0) touchesBorder.push(BORDER_FACES[a][0]);
    if (maxIjk[a] === dims[a] - 1) touchesBorder.push(BORDER_FACES[a][1]);
  }
  const touchesBorderRas = [...new Set(touchesBorder.map((f) => rasFaces[f]))];
  const volumeMm3 = n * voxelMm3;
  return {
    labelId: entry.id,
    layer: entry.layer,
    sourceName: entry.name,
    name,
    present: true,
    voxelCount: n,
    volumeMm3,
    volumeMl: mm3ToMl(volumeMm3),
    ...hu,
    ijkCentroid,
    rasCentroid: rasPoint(c[0], c[1], c[2]),
    ijkBounds: { min: ijkPoint(minIjk[0], minIjk[1], minIjk[2]), max: ijkPoint(maxIjk[0], maxIjk[1], maxIjk[2]) },
    rasBounds: { min: rasPoint(rasMin[0], rasMin[1], rasMin[2]), max: rasPoint(rasMax[0], rasMax[1], rasMax[2]) },
    sliceRange: [minIjk[2], maxIjk[2]],
    extentMm: { leftRight: extent[0], anteriorPosterior: extent[1], craniocaudal: extent[2] },
    touchesBorder,
    touchesBorderRas,
    partiallyImaged: touchesBorder.length > 0,
  };
}

function emptyStats(entry: LabelEntry, name: string | null): StructureStats {
  return {
    labelId: entry.id, layer: entry.layer, sourceName: entry.name, name, present: false,
    voxelCount: 0, volumeMm3: 0, volumeMl: 0,
    huMean: null, huSd: null, huMedian: null, huMin: null, huMax: null, huP5: null, huP95: null,
    ijkCentroid: null, rasCentroid: null, ijkBounds: null, rasBounds: null, sliceRange: null, extentMm: null,
    touchesBorder: [], touchesBorderRas: [], partiallyImaged: false,
  };
}

/**
 * Measures every label of `labels` on `ct`, in the order of `labels.labels`. Labels with no voxel are
 * returned with `present: false`. Voxels whose value is not a listed id are ignored.
 * Throws GCT_MEASURE_INPUT_INVALID when the grids or array sizes disagree, GCT_LABELMAP_INVALID for an
 * unusable label entry.
 */
export function measureStructures(ct: Volume, labels: LabelMap, options: MeasureStructuresOptions = {}): StructureStats[] {
  checkMeasureInputs(ct, labels, options.gridToleranceMm ?? DEFAULT_GRID_TOLERANCE_MM);
  const m = ct.grid.ijkToRas;
  const dims = ct.grid.dims;
  const voxelMm3 = voxelVolumeMm3(ct.grid);
  const rasFaces = rasFacesOfGrid(m);
  const maxBins = options.maxHistogramBins ?? DEFAULT_MAX_HISTOGRAM_BINS;
  const out = new Map<LabelEntry, StructureStats>();
  const ranges = new HistogramRange(ct.data, maxBins);
  labels.layers.forEach((layer, layerIndex) => {
    const entries = labels.labels.filter((e) => e.layer === layerIndex);
    if (entries.length === 0) return;
    const slotOfLabel = new Int32Array(layer instanceof Uint8Array ? 0x100 : 0x10000).fill(-1);
    entries.forEach((e, slot) => (slotOfLabel[e.id] = slot));
    const { acc, hu } = huStatsOfLayer(ct.data, ranges.forLayer(entries.length), layer, dims, m, slotOfLabel, entries.length, maxBins);
    entries.forEach((entry, slot) => {
      const name = options.names ? options.names(entry.name) : null;
      const huOfSlot = hu[slot];
      out.set(entry, huOfSlot === null ? emptyStats(entry, name) : measuredStats(entry, name, slot, acc, huOfSlot, m, dims, voxelMm3, rasFaces));
    });
  });
  return labels.labels.map((e) => out.get(e) as StructureStats);
}
