/**
 * Optimal one-to-one assignment (minimum total cost) by the Hungarian method (Kuhn, Naval Res Logist Q
 * 1955;2:83-97; Munkres, J SIAM 1957;5:32-38), in the O(n^3) shortest-augmenting-path form with row and
 * column potentials. `cost[r][c]` is finite for every pair; leaving a row or a column unassigned costs
 * `unassignedCost` each, so a pair is only made when it is cheaper than leaving both alone (the matrix is padded
 * with dummy rows and columns at that cost).
 *
 * Returns, for each row, the column it is assigned to, or -1.
 */
export function assignMinCost(cost: readonly (readonly number[])[], unassignedCost: number): number[] {
  const rows = cost.length;
  const cols = rows > 0 ? cost[0].length : 0;
  if (rows === 0) return [];
  if (cols === 0) return new Array<number>(rows).fill(-1);
  // Square matrix of size rows + cols: real block, row dummies (a row left alone), column dummies, and a
  // dummy-dummy block of 0.
  const n = rows + cols;
  const at = (r: number, c: number): number => {
    if (r < rows && c < cols) return cost[r][c];
    if (r < rows) return c - cols === r ? unassignedCost : Infinity; // row r left unassigned
    if (c < cols) return r - rows === c ? unassignedCost : Infinity; // column c left unassigned
    return 0;
  };
  const BIG = 1e18;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[col] = row assigned to col (1-based; 0 = none)
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const c = at(i0 - 1, j - 1);
        const cur = (c === Infinity ? BIG : c) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const r = p[j] - 1;
    if (r >= 0 && r < rows) out[r] = j - 1;
  }
  return out;
}
