/**
 * The marching-cubes case table (Lorensen & Cline, SIGGRAPH 1987, doi:10.1145/37402.37422), derived here from
 * the cube's geometry instead of typed in, so that it is consistent by construction:
 *
 * - On each cube face the iso-contour joins the crossing points of the face's edges. A face whose inside
 *   corners are diagonal (the ambiguous face) is always resolved the same way, "inside corners separated",
 *   and the choice depends on the face's four corners only, so the two cubes sharing a face draw the same
 *   segments and the surface is closed (the holes of the original 1987 table cannot occur).
 * - Each segment is oriented with the inside corners on its right as seen from outside the cube, so each
 *   contour loop runs counter-clockwise around the outward normal (pointing from inside to outside) and the
 *   two cubes sharing a face use each mesh edge once in each direction.
 * Corner c of a cube sits at (c & 1, (c >> 1) & 1, (c >> 2) & 1); bit c of the case index is set when corner c
 * is inside (mask value above the iso level).
 */

export interface CubeEdge {
  /** Corner the edge starts from (its lower end) and the axis (0 = i, 1 = j, 2 = k) it runs along. */
  readonly corner: number;
  readonly axis: 0 | 1 | 2;
}

export interface ContourLoop {
  /**
   * Cube edge ids in loop order (counter-clockwise about the outward normal), rotated so that the loop is
   * triangulated as a fan from its first edge's vertex: triangles (e0, e1, e2), (e0, e2, e3), ...
   */
  readonly edges: readonly number[];
  /**
   * Other rotations whose fan encloses the same (largest) volume. Which of them has the smaller area depends on
   * the voxel spacing, so the mesher picks among them with the real vertex positions.
   */
  readonly tiedRotations: readonly (readonly number[])[];
}

export const CUBE_EDGES: readonly CubeEdge[] = (() => {
  const edges: CubeEdge[] = [];
  for (const axis of [0, 1, 2] as const)
    for (let c = 0; c < 8; c++) if (!(c & (1 << axis))) edges.push({ corner: c, axis });
  return edges;
})();

function cornerPoint(c: number): [number, number, number] {
  return [c & 1, (c >> 1) & 1, (c >> 2) & 1];
}

function edgeBetween(a: number, b: number): number {
  const lo = Math.min(a, b);
  const axis = Math.log2(a ^ b);
  return CUBE_EDGES.findIndex((e) => e.corner === lo && e.axis === axis);
}

/** The six faces, each as its four corners in counter-clockwise order seen from outside the cube. */
const FACES: readonly (readonly number[])[] = (() => {
  const faces: number[][] = [];
  for (const axis of [0, 1, 2])
    for (const side of [0, 1]) {
      const [u, v] = [0, 1, 2].filter((a) => a !== axis);
      const at = (du: number, dv: number): number => (side << axis) | (du << u) | (dv << v);
      const ring = [at(0, 0), at(1, 0), at(1, 1), at(0, 1)];
      const [p0, p1, p2] = ring.map(cornerPoint);
      const e1 = [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]];
      const e2 = [p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]];
      const cross = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
      const outward = side === 1 ? 1 : -1;
      faces.push(cross[axis] * outward > 0 ? ring : ring.reverse());
    }
  return faces;
})();

function midpoint(edge: number): [number, number, number] {
  const e = CUBE_EDGES[edge];
  const p = cornerPoint(e.corner);
  p[e.axis] += 0.5;
  return p;
}

/**
 * Rotation of a loop whose fan triangulation encloses the most volume (signed volume of the fan's triangles
 * against the loop's first vertex, outward orientation). Planar loops give one volume for every start and keep
 * their order. For non-planar loops (5 to 7 crossings) this picks the outward-bulging triangulation, which is
 * the one scikit-image's marching cubes (Lewiner et al., J Graphics Tools 2003;8:1-15) produces on the IBSI
 * digital phantom: 556.33 mm3 and 388.07 mm2 there, against the IBSI consensus 556 +/- 4 and 388 +/- 3.
 * A volume maximum is a property of the geometry, not of the corner numbering, so the mesh of a lesion does not
 * change with the storage orientation of its grid. Fans tied on volume (mirror images of each other in the unit
 * cube) are all returned; the mesher keeps the one of least area on the real, possibly anisotropic, grid.
 */
function bestFanRotations(edges: readonly number[]): number[][] {
  const n = edges.length;
  const pts = edges.map(midpoint);
  const o = pts[0];
  const volumes: number[] = [];
  for (let s = 0; s < n; s++) {
    let volume = 0;
    for (let t = 1; t < n - 1; t++) {
      const a = pts[s].map((x, c) => x - o[c]);
      const b = pts[(s + t) % n].map((x, c) => x - o[c]);
      const c = pts[(s + t + 1) % n].map((x, q) => x - o[q]);
      volume += a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
    }
    volumes.push(volume);
  }
  const best = Math.max(...volumes);
  // Planar loops: every fan is the same surface, keep the loop as it is.
  if (volumes.every((v) => Math.abs(v - best) < 1e-12)) return [edges.slice()];
  const rotations: number[][] = [];
  volumes.forEach((v, s) => {
    if (Math.abs(v - best) < 1e-12) rotations.push(edges.slice(s).concat(edges.slice(0, s)));
  });
  return rotations;
}

function loopsOf(caseIndex: number): ContourLoop[] {
  const inside = (c: number): boolean => ((caseIndex >> c) & 1) === 1;
  const next = new Map<number, number>();
  for (const ring of FACES) {
    // Crossings in walk order; entries (outside -> inside) and exits alternate.
    const crossings: { edge: number; entry: boolean }[] = [];
    for (let t = 0; t < 4; t++) {
      const a = ring[t];
      const b = ring[(t + 1) % 4];
      if (inside(a) !== inside(b)) crossings.push({ edge: edgeBetween(a, b), entry: inside(b) });
    }
    // Separate inside corners: each entry joins the first exit after it in walk order.
    for (let t = 0; t < crossings.length; t++) {
      if (!crossings[t].entry) continue;
      const exit = crossings[(t + 1) % crossings.length];
      next.set(crossings[t].edge, exit.edge);
    }
  }
  const loops: ContourLoop[] = [];
  const seen = new Set<number>();
  for (const start of [...next.keys()].sort((a, b) => a - b)) {
    if (seen.has(start)) continue;
    const edges: number[] = [];
    for (let e = start; !seen.has(e); e = next.get(e)!) {
      seen.add(e);
      edges.push(e);
    }
    const [first, ...tied] = bestFanRotations(edges);
    loops.push({ edges: first, tiedRotations: tied });
  }
  return loops;
}

let caseLoopsTable: readonly (readonly ContourLoop[])[] | undefined;

/**
 * Contour loops of each of the 256 cases, derived on first use: deriving them takes ~10 ms, which every command
 * paid at start-up when this was a module constant, though only the IBSI shape features mesh a mask.
 */
export function caseLoops(): readonly (readonly ContourLoop[])[] {
  caseLoopsTable ??= Array.from({ length: 256 }, (_, c) => loopsOf(c));
  return caseLoopsTable;
}
