/**
 * Lesion measurement: each lesion label is split into connected components (26-connectivity by default, as
 * RadGPT counts tumours: Bassi et al. 2025, arXiv:2501.04678), components under a minimum volume are dropped
 * and counted, and each kept component is measured: volume, HU statistics, centroid, bounds, RECIST 1.1
 * diameters (diameters.ts) and, on request, IBSI morphological features (shape-ibsi.ts).
 *
 * Work per lesion is on its own voxel list and bounding box; the grid is scanned once per label layer.
 */
import { gctError } from '../errors.ts';
import { mm3ToMl } from './units.ts';
import type { Dims, Grid, Mat4 } from '../volume/geometry.ts';
import { ijkPoint, rasPoint, sameGrid, voxelVolumeMm3 } from '../volume/geometry.ts';
import type { LabelEntry, LabelMap, Volume } from '../volume/types.ts';
import { extractComponents, type VoxelComponent } from './components.ts';
import { axialAxisOf, lesionDiameters } from './diameters.ts';
import type { BorderContact, Connectivity, DroppedLesions, LesionMeasurement, LesionMeasurements } from './lesion-types.ts';
import { ibsiShapeFeatures } from './shape-ibsi.ts';
import type { BorderFace } from './types.ts';

/**
 * Default smallest lesion kept, mm3. Components below it are treated as segmentation noise (RadGPT drops
 * tumour components under its minimum size; 50 mm3 is a sphere of about 4.6 mm diameter, below the 10 mm
 * RECIST 1.1 measurability threshold).
 */
export const DEFAULT_MIN_LESION_VOLUME_MM3 = 50;

export interface MeasureLesionsOptions {
  /** Components with a smaller volume (voxel count x voxel volume) are dropped and counted, mm3. */
  readonly minLesionVolumeMm3: number;
  /** Also compute IBSI morphological features (a marching-cubes mesh per lesion). Default false. */
  readonly withShape?: boolean;
  /** Default 26. */
  readonly connectivity?: Connectivity;
}

/**
 * Measures every lesion (connected component) of the given lesion labels. Lesions come out label by label in
 * the order of `lesionLabelIds`, each label's by voxel count descending.
 */
export function measureLesions(ct: Volume, labels: LabelMap, lesionLabelIds: readonly number[], options: MeasureLesionsOptions): LesionMeasurements {
  const grid = ct.grid;
  const [ni, nj, nk] = grid.dims;
  if (!sameGrid(grid, labels.grid))
    throw gctError('GCT_MEASURE_INPUT_INVALID', `The label map grid (${labels.grid.dims.join('x')}) is not the CT grid (${grid.dims.join('x')}) or is placed differently in patient space.`, {
      ctDims: grid.dims,
      labelDims: labels.grid.dims,
    });
  if (ct.data.length !== ni * nj * nk)
    throw gctError('GCT_MEASURE_INPUT_INVALID', `The CT holds ${ct.data.length} voxels but its grid ${grid.dims.join('x')} needs ${ni * nj * nk}.`);
  const min = options.minLesionVolumeMm3;
  if (!Number.isFinite(min) || min < 0)
    throw gctError('GCT_MEASURE_OPTION_INVALID', `minLesionVolumeMm3 must be a finite number >= 0, got ${String(min)}.`, { minLesionVolumeMm3: min });
  const connectivity = options.connectivity ?? 26;
  if (![6, 18, 26].includes(connectivity))
    throw gctError('GCT_MEASURE_OPTION_INVALID', `connectivity must be 6, 18 or 26, got ${String(connectivity)}.`, { connectivity });

  const entries: LabelEntry[] = lesionLabelIds.map((id) => {
    const entry = labels.labels.find((l) => l.id === id);
    if (!entry)
      throw gctError('GCT_MEASURE_LABEL_UNKNOWN', `Lesion label id ${id} is not in the label map (ids: ${labels.labels.map((l) => l.id).join(', ')}).`, { labelId: id });
    return entry;
  });

  const voxelMm3 = voxelVolumeMm3(grid);
  // Keep when voxelCount x voxelMm3 >= min; the epsilon keeps a component of exactly the minimum volume.
  const minVoxels = Math.max(0, Math.ceil(min / voxelMm3 - 1e-9));
  const byLayer = new Map<number, LabelEntry[]>();
  for (const e of entries) byLayer.set(e.layer, [...(byLayer.get(e.layer) ?? []), e]);
  const componentsOf = new Map<number, { components: readonly VoxelComponent[]; droppedCount: number; droppedVoxelCount: number }>();
  for (const [layer, layerEntries] of byLayer) {
    const array = labels.layers[layer];
    if (!array || array.length !== ni * nj * nk)
      throw gctError('GCT_MEASURE_INPUT_INVALID', `Label layer ${layer} is missing or does not hold ${ni * nj * nk} voxels.`, { layer });
    const found = extractComponents(array, grid.dims, layerEntries.map((e) => e.id), minVoxels, connectivity);
    for (const f of found) componentsOf.set(f.labelId, f);
  }

  const lesions: LesionMeasurement[] = [];
  const dropped: DroppedLesions[] = [];
  const voxelIndices = new Map<string, Uint32Array>();
  for (const entry of entries) {
    const found = componentsOf.get(entry.id)!;
    dropped.push({ labelId: entry.id, labelName: entry.name, count: found.droppedCount, volumeMm3: found.droppedVoxelCount * voxelMm3 });
    found.components.forEach((component, rank) => {
      const id = `${entry.name}-${rank + 1}`;
      lesions.push(measureOne(ct, component, entry, rank, id, voxelMm3, options.withShape ?? false));
      voxelIndices.set(id, component.indices);
    });
  }
  const result = { lesions, dropped, minLesionVolumeMm3: min } as Omit<LesionMeasurements, 'voxelIndices'>;
  Object.defineProperty(result, 'voxelIndices', { value: voxelIndices, enumerable: false });
  return result as LesionMeasurements;
}

function measureOne(ct: Volume, c: VoxelComponent, entry: LabelEntry, rank: number, id: string, voxelMm3: number, withShape: boolean): LesionMeasurement {
  const grid = ct.grid;
  const [ni, nj] = grid.dims;
  const m = grid.ijkToRas;
  const n = c.voxelCount;
  const hu = new Float64Array(n);
  let si = 0;
  let sj = 0;
  let sk = 0;
  const rasLo = [Infinity, Infinity, Infinity];
  const rasHi = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < n; p++) {
    const idx = c.indices[p];
    hu[p] = ct.data[idx];
    const i = idx % ni;
    const j = ((idx - i) / ni) % nj;
    const k = (idx - i - j * ni) / (ni * nj);
    si += i;
    sj += j;
    sk += k;
    for (let r = 0; r < 3; r++) {
      const x = m[r * 4] * i + m[r * 4 + 1] * j + m[r * 4 + 2] * k + m[r * 4 + 3];
      if (x < rasLo[r]) rasLo[r] = x;
      if (x > rasHi[r]) rasHi[r] = x;
    }
  }
  let sum = 0;
  for (let p = 0; p < n; p++) sum += hu[p];
  const mean = sum / n;
  let ss = 0;
  for (let p = 0; p < n; p++) ss += (hu[p] - mean) * (hu[p] - mean);
  hu.sort();
  const median = n % 2 === 1 ? hu[(n - 1) / 2] : (hu[n / 2 - 1] + hu[n / 2]) / 2;
  const ijkCentroid = ijkPoint(si / n, sj / n, sk / n);
  const rasCentroid = rasPoint(
    m[0] * ijkCentroid[0] + m[1] * ijkCentroid[1] + m[2] * ijkCentroid[2] + m[3],
    m[4] * ijkCentroid[0] + m[5] * ijkCentroid[1] + m[6] * ijkCentroid[2] + m[7],
    m[8] * ijkCentroid[0] + m[9] * ijkCentroid[1] + m[10] * ijkCentroid[2] + m[11],
  );
  const axial = axialAxisOf(m);
  const diameters = lesionDiameters(c.indices, grid, c);
  const volumeMm3 = n * voxelMm3;
  const measurement: LesionMeasurement = {
    id,
    labelId: entry.id,
    labelName: entry.name,
    componentIndex: rank,
    voxelCount: n,
    volumeMm3,
    volumeMl: mm3ToMl(volumeMm3),
    huMean: mean,
    huSd: Math.sqrt(ss / n),
    huMedian: median,
    huMin: hu[0],
    huMax: hu[n - 1],
    ijkCentroid,
    rasCentroid,
    ijkBounds: { min: ijkPoint(c.ijkMin[0], c.ijkMin[1], c.ijkMin[2]), max: ijkPoint(c.ijkMax[0], c.ijkMax[1], c.ijkMax[2]) },
    rasBounds: { min: rasPoint(rasLo[0], rasLo[1], rasLo[2]), max: rasPoint(rasHi[0], rasHi[1], rasHi[2]) },
    sliceRange: [c.ijkMin[axial], c.ijkMax[axial]],
    ...diameters,
    touchesBorder: borderContact(c, grid.dims),
  };
  return withShape ? { ...measurement, shape: shapeOf(ct, c) } : measurement;
}

const FACE_NAMES: readonly (readonly [BorderFace, BorderFace])[] = [['i-', 'i+'], ['j-', 'j+'], ['k-', 'k+']];

function borderContact(c: VoxelComponent, dims: Dims): BorderContact {
  const faces: BorderFace[] = [];
  for (let a = 0; a < 3; a++) {
    if (c.ijkMin[a] === 0) faces.push(FACE_NAMES[a][0]);
    if (c.ijkMax[a] === dims[a] - 1) faces.push(FACE_NAMES[a][1]);
  }
  return { touches: faces.length > 0, faces };
}

/** IBSI features on the lesion's bounding box: a local mask and HU array, with ijkToRas moved to the box. */
function shapeOf(ct: Volume, c: VoxelComponent) {
  const grid: Grid = ct.grid;
  const [ni, nj] = grid.dims;
  const lo = c.ijkMin;
  const dims: Dims = [c.ijkMax[0] - lo[0] + 1, c.ijkMax[1] - lo[1] + 1, c.ijkMax[2] - lo[2] + 1];
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const hu = new Float64Array(mask.length);
  for (let p = 0; p < c.indices.length; p++) {
    const idx = c.indices[p];
    const i = idx % ni;
    const j = ((idx - i) / ni) % nj;
    const k = (idx - i - j * ni) / (ni * nj);
    const local = i - lo[0] + dims[0] * (j - lo[1] + dims[1] * (k - lo[2]));
    mask[local] = 1;
    hu[local] = ct.data[idx];
  }
  const m = grid.ijkToRas;
  const localToRas: Mat4 = [
    m[0], m[1], m[2], m[0] * lo[0] + m[1] * lo[1] + m[2] * lo[2] + m[3],
    m[4], m[5], m[6], m[4] * lo[0] + m[5] * lo[1] + m[6] * lo[2] + m[7],
    m[8], m[9], m[10], m[8] * lo[0] + m[9] * lo[1] + m[10] * lo[2] + m[11],
    0, 0, 0, 1,
  ];
  return ibsiShapeFeatures(mask, dims, localToRas, hu);
}
