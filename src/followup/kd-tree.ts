/**
 * A static 3D k-d tree for nearest-neighbour queries over a point cloud (Bentley, Commun ACM 1975;18:509-517):
 * built once by median splits on the widest axis, queried with branch-and-bound. Points are a flat
 * Float64Array [x0, y0, z0, x1, ...] in mm.
 */
export interface KdTree {
  /** Index of the nearest point and its squared distance (mm2). */
  nearest(x: number, y: number, z: number): { index: number; distanceSq: number };
  readonly size: number;
}

const LEAF_SIZE = 8;

export function buildKdTree(points: Float64Array): KdTree {
  const n = points.length / 3;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Nodes: [start, end, axis, split, left, right]; leaves have left = -1.
  const nodes: number[] = [];

  const build = (start: number, end: number): number => {
    const id = nodes.length / 6;
    nodes.push(start, end, -1, 0, -1, -1);
    if (end - start <= LEAF_SIZE) return id;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let p = start; p < end; p++) {
      const o = order[p] * 3;
      for (let a = 0; a < 3; a++) {
        const v = points[o + a];
        if (v < lo[a]) lo[a] = v;
        if (v > hi[a]) hi[a] = v;
      }
    }
    const axis = hi[0] - lo[0] >= hi[1] - lo[1] && hi[0] - lo[0] >= hi[2] - lo[2] ? 0 : hi[1] - lo[1] >= hi[2] - lo[2] ? 1 : 2;
    if (hi[axis] === lo[axis]) return id; // all points equal: one leaf
    const slice = Array.from(order.subarray(start, end)).sort((a, b) => points[a * 3 + axis] - points[b * 3 + axis]);
    order.set(slice, start);
    const mid = (start + end) >> 1;
    const split = points[order[mid] * 3 + axis];
    nodes[id * 6 + 2] = axis;
    nodes[id * 6 + 3] = split;
    const left = build(start, mid);
    const right = build(mid, end);
    nodes[id * 6 + 4] = left;
    nodes[id * 6 + 5] = right;
    return id;
  };
  if (n > 0) build(0, n);
  const flat = Float64Array.from(nodes);
  const stack = new Int32Array(256);
  /** Squared distance from the query to the split plane that separates each stacked node (0 for the near side). */
  const bound = new Float64Array(256);

  return {
    size: n,
    nearest(x, y, z) {
      let best = -1;
      let bestSq = Infinity;
      if (n === 0) return { index: best, distanceSq: bestSq };
      const q = [x, y, z];
      let top = 0;
      bound[top] = 0;
      stack[top++] = 0;
      while (top > 0) {
        top--;
        if (bound[top] >= bestSq) continue;
        const id = stack[top];
        const b = id * 6;
        const axis = flat[b + 2];
        if (axis < 0) {
          for (let p = flat[b]; p < flat[b + 1]; p++) {
            const o = order[p] * 3;
            const dx = points[o] - x;
            const dy = points[o + 1] - y;
            const dz = points[o + 2] - z;
            const d = dx * dx + dy * dy + dz * dz;
            if (d < bestSq) {
              bestSq = d;
              best = order[p];
            }
          }
          continue;
        }
        const diff = q[axis] - flat[b + 3];
        const near = diff < 0 ? flat[b + 4] : flat[b + 5];
        const far = diff < 0 ? flat[b + 5] : flat[b + 4];
        // Push the far side first so the near side is searched first; the far side is skipped when popped if the
        // split plane is farther away than the best point found by then.
        bound[top] = diff * diff;
        stack[top++] = far;
        bound[top] = 0;
        stack[top++] = near;
      }
      return { index: best, distanceSq: bestSq };
    },
  };
}
