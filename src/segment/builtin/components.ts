/**
 * Connected components of binary masks on a voxel grid (i fastest), face-connected (6-neighbourhood in 3D,
 * 4 in 2D = a grid with one slice). Run-based: the mask is cut into runs along i, runs that overlap in i in the
 * neighbouring row (j - 1) or slice (k - 1) are joined with union-find (Rosenfeld & Pfaltz, "Sequential
 * operations in digital picture processing", J ACM 13(4), 1966, doi:10.1145/321356.321357, on runs). Large
 * compact masks (the body) have a few runs per row, so the cost is one scan of the voxels plus the runs.
 */

export interface Components {
  /** Component number per voxel, 1-based; 0 outside the mask. */
  readonly labels: Int32Array;
  /** sizes[c] = voxel count of component c (sizes[0] = 0). */
  readonly sizes: number[];
}

export function labelComponents3d(mask: Uint8Array, dims: readonly [number, number, number]): Components {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  // Runs: start offset and end (exclusive) offset in the volume; rowFirst[r] = first run index of row r.
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  const rowFirst = new Int32Array(rows + 1);
  let runCount = 0;
  for (let r = 0; r < rows; r++) {
    rowFirst[r] = runCount;
    const base = r * nx;
    let x = 0;
    while (x < nx) {
      while (x < nx && mask[base + x] === 0) x++;
      if (x === nx) break;
      const s = x;
      while (x < nx && mask[base + x] !== 0) x++;
      if (runCount === starts.length) {
        const s2 = new Int32Array(starts.length * 2); s2.set(starts); starts = s2;
        const e2 = new Int32Array(ends.length * 2); e2.set(ends); ends = e2;
      }
      starts[runCount] = s;
      ends[runCount] = x;
      runCount++;
    }
  }
  rowFirst[rows] = runCount;
  const parent = new Int32Array(runCount);
  for (let n = 0; n < runCount; n++) parent[n] = n;
  const find = (a: number): number => {
    while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; }
    return a;
  };
  const joinRows = (r: number, q: number) => {
    // Runs of rows r and q, both sorted by start: join those whose i ranges overlap.
    let a = rowFirst[r], b = rowFirst[q];
    const aEnd = rowFirst[r + 1], bEnd = rowFirst[q + 1];
    while (a < aEnd && b < bEnd) {
      if (starts[a] < ends[b] && starts[b] < ends[a]) {
        const ra = find(a), rb = find(b);
        if (ra !== rb) parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
      }
      if (ends[a] < ends[b]) a++;
      else b++;
    }
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const r = j + ny * k;
      if (rowFirst[r] === rowFirst[r + 1]) continue;
      if (j > 0) joinRows(r, r - 1);
      if (k > 0) joinRows(r, r - ny);
    }
  const labels = new Int32Array(mask.length);
  const idOfRoot = new Int32Array(runCount).fill(0);
  const sizes = [0];
  for (let r = 0; r < rows; r++)
    for (let n = rowFirst[r]; n < rowFirst[r + 1]; n++) {
      const root = find(n);
      if (idOfRoot[root] === 0) { idOfRoot[root] = sizes.length; sizes.push(0); }
      const id = idOfRoot[root];
      sizes[id] += ends[n] - starts[n];
      labels.fill(id, r * nx + starts[n], r * nx + ends[n]);
    }
  return { labels, sizes };
}

/** 4-connected components of a 2D mask (w x h, x fastest). */
export function labelComponents2d(mask: Uint8Array, w: number, h: number): Components {
  return labelComponents3d(mask, [w, h, 1]);
}

/**
 * Fills the holes of a 2D mask in place: background pixels not 4-connected to the border. With `maxHoleArea`,
 * only holes of at most that many pixels are filled.
 */
export function fillHoles2d(mask: Uint8Array, w: number, h: number, maxHoleArea = Infinity): void {
  const inverse = new Uint8Array(mask.length);
  for (let n = 0; n < mask.length; n++) inverse[n] = mask[n] ? 0 : 1;
  const { labels, sizes } = labelComponents2d(inverse, w, h);
  const touchesBorder = new Uint8Array(sizes.length);
  for (let x = 0; x < w; x++) { touchesBorder[labels[x]] = 1; touchesBorder[labels[(h - 1) * w + x]] = 1; }
  for (let y = 0; y < h; y++) { touchesBorder[labels[y * w]] = 1; touchesBorder[labels[y * w + w - 1]] = 1; }
  const fill = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) fill[c] = !touchesBorder[c] && sizes[c] <= maxHoleArea ? 1 : 0;
  for (let n = 0; n < mask.length; n++) if (fill[labels[n]]) mask[n] = 1;
}

/** fillHoles2d on every axial slice; in place, without copies when slices are contiguous (axial = k). */
export function fillHolesAxial(mask: Uint8Array, layout: { axis: number; u: number; width: number; height: number; count: number }, read: (s: number, out: Uint8Array) => void, write: (s: number, slice: Uint8Array) => void, maxHoleArea = Infinity): void {
  const size = layout.width * layout.height;
  const contiguous = layout.axis === 2 && layout.u === 0;
  const slice = new Uint8Array(size);
  for (let s = 0; s < layout.count; s++) {
    if (contiguous) {
      fillHoles2d(mask.subarray(s * size, (s + 1) * size), layout.width, layout.height, maxHoleArea);
    } else {
      read(s, slice);
      fillHoles2d(slice, layout.width, layout.height, maxHoleArea);
      write(s, slice);
    }
  }
}
