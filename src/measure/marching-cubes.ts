/**
 * Marching cubes on a binary mask (Lorensen & Cline 1987, doi:10.1145/37402.37422), as IBSI-1 builds its
 * morphological mesh (IBSI reference manual, section 3.1: the mask is padded with empty voxels and meshed at
 * iso-level 0.5, so every vertex is the midpoint of a grid edge joining an inside and an outside voxel centre).
 *
 * The mesh is built in world space (RAS mm, through ijkToRas), closed (every edge in exactly two triangles, see
 * marching-cubes-table.ts) and oriented with outward normals, so the signed volume is positive. Non-planar
 * contour loops are fanned from an added centroid vertex instead of from one of their corners: the result
 * does not depend on which corner a table happens to start from, so the mesh of a lesion has the same volume
 * and area in every storage orientation of the grid.
 */
import type { Dims, Mat4 } from '../volume/geometry.ts';
import { det3, linearPart } from '../volume/geometry.ts';
import { caseLoops, CUBE_EDGES, type ContourLoop } from './marching-cubes-table.ts';

export interface TriangleMesh {
  /** Vertex positions in RAS mm, [x0, y0, z0, x1, ...]. */
  readonly positionsRas: Float64Array;
  /** Vertex indices, three per triangle, counter-clockwise seen from outside. */
  readonly triangles: Uint32Array;
}

/**
 * Mesh of the voxels of `mask` (non-zero = inside) on a grid of `dims` placed by `ijkToRas`. Voxels outside
 * the array count as empty, so the mesh is closed even where the mask touches the array's border.
 */
export function marchingCubesMask(mask: ArrayLike<number>, dims: Dims, ijkToRas: Mat4): TriangleMesh {
  const [nx, ny, nz] = dims;
  if (mask.length !== nx * ny * nz) throw new RangeError(`mask has ${mask.length} voxels, dims ${dims.join('x')} hold ${nx * ny * nz}`);
  // Padded copy: one empty voxel on every side.
  const px = nx + 2;
  const py = ny + 2;
  const pz = nz + 2;
  const padded = new Uint8Array(px * py * pz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const src = nx * (y + ny * z);
      const dst = 1 + px * (y + 1 + py * (z + 1));
      for (let x = 0; x < nx; x++) if (mask[src + x] !== 0) padded[dst + x] = 1;
    }
  const m = ijkToRas;
  const flip = det3(linearPart(m)) < 0;
  const edgeVertex = new Int32Array(3 * px * py * pz).fill(-1);
  const positions: number[] = [];
  const triangles: number[] = [];
  const cornerOffset = Array.from({ length: 8 }, (_, c) => (c & 1) + ((c >> 1) & 1) * px + ((c >> 2) & 1) * px * py);

  const addVertex = (i: number, j: number, k: number): number => {
    positions.push(
      m[0] * i + m[1] * j + m[2] * k + m[3],
      m[4] * i + m[5] * j + m[6] * k + m[7],
      m[8] * i + m[9] * j + m[10] * k + m[11],
    );
    return positions.length / 3 - 1;
  };
  const addTriangle = (a: number, b: number, c: number): void => {
    if (flip) triangles.push(a, c, b);
    else triangles.push(a, b, c);
  };

  /** Among fans of equal volume, the one of least area in mm2 (computed from the edge midpoints in RAS). */
  const leastAreaRotation = (loop: ContourLoop, x: number, y: number, z: number): readonly number[] => {
    let best = loop.edges;
    let bestArea = Infinity;
    for (const edges of [loop.edges, ...loop.tiedRotations]) {
      const pts = edges.map((e) => {
        const { corner: c, axis } = CUBE_EDGES[e];
        const v = [x + (c & 1) - 1, y + ((c >> 1) & 1) - 1, z + ((c >> 2) & 1) - 1];
        v[axis] += 0.5;
        return [0, 1, 2].map((r) => m[r * 4] * v[0] + m[r * 4 + 1] * v[1] + m[r * 4 + 2] * v[2]);
      });
      let area = 0;
      for (let t = 1; t < pts.length - 1; t++) area += triangleArea(pts[0], pts[t], pts[t + 1]);
      // Strictly smaller (with a margin), so exact ties keep the table's first rotation.
      if (area < bestArea - 1e-9) {
        bestArea = area;
        best = edges;
      }
    }
    return best;
  };

  const loopVertices: number[] = [];
  const loopsOfCase = caseLoops();
  for (let z = 0; z < pz - 1; z++)
    for (let y = 0; y < py - 1; y++)
      for (let x = 0; x < px - 1; x++) {
        const origin = x + px * (y + py * z);
        let caseIndex = 0;
        for (let c = 0; c < 8; c++) if (padded[origin + cornerOffset[c]]) caseIndex |= 1 << c;
        if (caseIndex === 0 || caseIndex === 255) continue;
        for (const loop of loopsOfCase[caseIndex]) {
          const edges = loop.tiedRotations.length === 0 ? loop.edges : leastAreaRotation(loop, x, y, z);
          loopVertices.length = 0;
          for (const e of edges) {
            const edge = CUBE_EDGES[e];
            const c = edge.corner;
            const gx = x + (c & 1);
            const gy = y + ((c >> 1) & 1);
            const gz = z + ((c >> 2) & 1);
            const key = 3 * (gx + px * (gy + py * gz)) + edge.axis;
            let id = edgeVertex[key];
            if (id < 0) {
              // Padded index -> voxel index: minus one; the vertex is half way along the edge.
              id = addVertex(gx - 1 + (edge.axis === 0 ? 0.5 : 0), gy - 1 + (edge.axis === 1 ? 0.5 : 0), gz - 1 + (edge.axis === 2 ? 0.5 : 0));
              edgeVertex[key] = id;
            }
            loopVertices.push(id);
          }
          for (let t = 1; t < loopVertices.length - 1; t++) addTriangle(loopVertices[0], loopVertices[t], loopVertices[t + 1]);
        }
      }
  return { positionsRas: Float64Array.from(positions), triangles: Uint32Array.from(triangles) };
}

function triangleArea(a: readonly number[], b: readonly number[], c: readonly number[]): number {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  return Math.hypot(u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]) / 2;
}

/** Enclosed volume of a closed, outward-oriented mesh in mm3: sum of signed tetrahedra with the origin / 6. */
export function meshVolumeMm3(mesh: TriangleMesh): number {
  const p = mesh.positionsRas;
  const t = mesh.triangles;
  if (t.length === 0) return 0;
  // Tetrahedra from a vertex of the mesh rather than the world origin: same sum for a closed mesh, less
  // cancellation when the scan sits far from the origin.
  const [ox, oy, oz] = [p[0], p[1], p[2]];
  let sum = 0;
  for (let f = 0; f < t.length; f += 3) {
    const a = 3 * t[f];
    const b = 3 * t[f + 1];
    const c = 3 * t[f + 2];
    const ax = p[a] - ox, ay = p[a + 1] - oy, az = p[a + 2] - oz;
    const bx = p[b] - ox, by = p[b + 1] - oy, bz = p[b + 2] - oz;
    const cx = p[c] - ox, cy = p[c + 1] - oy, cz = p[c + 2] - oz;
    sum += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return sum / 6;
}

/** Total triangle area in mm2. */
export function meshAreaMm2(mesh: TriangleMesh): number {
  const p = mesh.positionsRas;
  const t = mesh.triangles;
  let sum = 0;
  for (let f = 0; f < t.length; f += 3) {
    const a = 3 * t[f];
    const b = 3 * t[f + 1];
    const c = 3 * t[f + 2];
    const ux = p[b] - p[a];
    const uy = p[b + 1] - p[a + 1];
    const uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a];
    const vy = p[c + 1] - p[a + 1];
    const vz = p[c + 2] - p[a + 2];
    sum += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
  }
  return sum;
}
