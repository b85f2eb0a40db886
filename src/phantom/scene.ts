/**
 * A small scene builder for phantoms with known truth beyond the abdominal study of generate-study.ts: named
 * solids (analytic shapes or tubes along polylines) painted into a CT (HU) and a label map on a grid of any
 * spacing, then optionally rewritten in any of the 48 axis orientations (reorient.ts), so a measurement can be
 * checked in several orientations and spacings against the same truth in patient space.
 */
import { invertMat4, makeIjkToRas, rasPoint, type Grid, type Vec3 } from '../volume/geometry.ts';
import type { LabelMap, Volume } from '../volume/types.ts';
import { forEachVoxelInBox, type Canvas } from './canvas.ts';
import { mulberry32 } from './prng.ts';
import { reorientArray, reorientGrid } from './reorient.ts';
import type { Shape } from './shapes.ts';
import type { Orientation } from './types.ts';

export interface TubeGeometry {
  /** Polyline in RAS mm. */
  readonly points: readonly Vec3[];
  /** Radius at each point, mm (linear along each segment). */
  readonly radiiMm: readonly number[];
}

export interface SceneSolid {
  /** Label name; null paints HU only (no label). */
  readonly name: string | null;
  readonly shape?: Shape;
  readonly tube?: TubeGeometry;
  /** HU painted inside (omit to leave the HU as painted before). */
  readonly hu?: number;
  /** Label layer (solids that overlap others, e.g. a calcified plaque inside a vessel, go on layer 1). */
  readonly layer?: 0 | 1;
}

export interface SceneSpec {
  readonly spacingMm: Vec3;
  /** RAS box of the field of view, mm. */
  readonly fovMinRas: Vec3;
  readonly fovMaxRas: Vec3;
  readonly backgroundHu: number;
  readonly solids: readonly SceneSolid[];
  /** Gaussian noise SD added to the HU, default 0. */
  readonly noiseSdHu?: number;
  readonly seed?: number;
  readonly orientation?: Orientation;
}

export interface Scene {
  readonly ct: Volume;
  readonly labels: LabelMap;
  /** Label id of each named solid. */
  readonly labelIds: ReadonlyMap<string, number>;
}

/** What the voxel walk needs of a canvas: the grid and its inverse (forEachVoxelInBox reads nothing else). */
type Frame = Pick<Canvas, 'grid' | 'rasToIjk'>;

/** Calls visit(index) for every voxel whose centre lies in the tube (union of its tapered segments). */
function paintTubeVoxels(canvas: Frame, tube: TubeGeometry, visit: (index: number) => void): void {
  const seen = new Set<number>();
  for (let s = 0; s + 1 < tube.points.length; s++) {
    const p = tube.points[s];
    const q = tube.points[s + 1];
    const r0 = tube.radiiMm[s];
    const r1 = tube.radiiMm[s + 1];
    const r = Math.max(r0, r1);
    const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
    const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    const box = [Math.min(p[0], q[0]) - r, Math.min(p[1], q[1]) - r, Math.min(p[2], q[2]) - r, Math.max(p[0], q[0]) + r, Math.max(p[1], q[1]) + r, Math.max(p[2], q[2]) + r] as const;
    forEachVoxelInBox(canvas as Canvas, box, (index, x, y, z) => {
      if (seen.has(index)) return;
      let t = len2 === 0 ? 0 : ((x - p[0]) * d[0] + (y - p[1]) * d[1] + (z - p[2]) * d[2]) / len2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = x - (p[0] + t * d[0]);
      const ey = y - (p[1] + t * d[1]);
      const ez = z - (p[2] + t * d[2]);
      const rt = r0 + t * (r1 - r0);
      if (ex * ex + ey * ey + ez * ez <= rt * rt) {
        seen.add(index);
        visit(index);
      }
    });
  }
}

export function buildScene(spec: SceneSpec): Scene {
  const s = spec.spacingMm;
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.round((spec.fovMaxRas[a] - spec.fovMinRas[a]) / s[a]))) as unknown as Grid['dims'];
  const grid: Grid = {
    dims,
    ijkToRas: makeIjkToRas({ spacingMm: s, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(spec.fovMinRas[0] + s[0] / 2, spec.fovMinRas[1] + s[1] / 2, spec.fovMinRas[2] + s[2] / 2) }),
  };
  // Compact arrays (int16 HU, uint8 labels up to 255 ids) so a full-size 512 x 512 x 400 scene fits in memory.
  const n = dims[0] * dims[1] * dims[2];
  const frame: Frame = { grid, rasToIjk: invertMat4(grid.ijkToRas) };
  const hu = new Int16Array(n).fill(spec.backgroundHu);
  const names = new Set(spec.solids.map((x) => x.name).filter((x) => x !== null));
  const makeLayer = () => (names.size > 255 ? new Uint16Array(n) : new Uint8Array(n));
  const layer0 = makeLayer();
  const layer1 = spec.solids.some((x) => x.layer === 1) ? makeLayer() : null;
  const labelIds = new Map<string, number>();
  for (const solid of spec.solids) {
    let id = 0;
    if (solid.name !== null) {
      id = labelIds.get(solid.name) ?? labelIds.size + 1;
      labelIds.set(solid.name, id);
    }
    const layer = solid.layer === 1 ? layer1! : layer0;
    const paint = (index: number) => {
      if (solid.hu !== undefined) hu[index] = solid.hu;
      if (id > 0) layer[index] = id;
    };
    if (solid.tube !== undefined) paintTubeVoxels(frame, solid.tube, paint);
    if (solid.shape !== undefined) {
      const shape = solid.shape;
      forEachVoxelInBox(frame as Canvas, shape.rasBox, (index, x, y, z) => {
        if (shape.contains(x, y, z)) paint(index);
      });
    }
  }
  const noise = spec.noiseSdHu ?? 0;
  const ctData = hu;
  if (noise > 0) {
    const rand = mulberry32(spec.seed ?? 1);
    for (let v = 0; v < n; v++) ctData[v] = Math.round(ctData[v] + noise * rand.normal());
  }
  const layers = [layer0, ...(layer1 === null ? [] : [layer1])];
  const labelLayer = (name: string) => (spec.solids.find((x) => x.name === name)?.layer === 1 ? 1 : 0);
  const o = spec.orientation;
  const outGrid = o === undefined ? grid : reorientGrid(grid, o);
  const meta = { source: { format: 'phantom' as const, path: '(scene)' }, modality: 'CT' };
  return {
    ct: { kind: 'volume', grid: outGrid, data: o === undefined ? ctData : reorientArray(ctData, grid, o), meta },
    labels: {
      kind: 'labelmap',
      grid: outGrid,
      layers: layers.map((l) => (o === undefined ? l : reorientArray(l, grid, o))),
      labels: [...labelIds.entries()].map(([name, id]) => ({ id, name, layer: labelLayer(name) })),
      meta,
    },
    labelIds,
  };
}
