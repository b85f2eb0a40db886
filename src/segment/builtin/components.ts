/**
 * Connected components of binary masks on a voxel grid (i fastest), face-connected (6-neighbourhood in 3D,
 * 4 in 2D = a grid with one slice). Run-based: the mask is cut into runs along i, runs that overlap in i in the
 * neighbouring row (j - 1) or slice (k - 1) are joined with union-find (Rosenfeld & Pfaltz, "Sequential
 * operations in digital picture processing", J ACM 13(4), 1966, doi:10.1145/321356.321357, on runs). Large
 * compact masks (the body) have a few runs per row, so the cost is one scan of the voxels plus the runs; callers
 * that only keep or drop whole components work on the runs (labelRuns, paintRuns) and never build a per-voxel
 * label volume.
 */

export interface Components {
  /** Component number per voxel, 1-based; 0 outside the mask. */
  readonly labels: Int32Array;
  /** sizes[c] = voxel count of component c (sizes[0] = 0). */
  readonly sizes: number[];
}

/**
 * Runs of a mask along i, row by row (row r = j + ny * k): run n covers i in [starts[n], ends[n]) of its row;
 * the runs of row r are rowFirst[r] .. rowFirst[r + 1] - 1, sorted by start.
 */
export class Runs {
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  readonly rowFirst: Int32Array;
  count = 0;
  private row = 0;

  constructor(readonly nx: number, readonly rows: number) {
    this.rowFirst = new Int32Array(rows + 1);
  }

  /** Starts row r (rows are begun in increasing order; skipped rows are empty). */
  beginRow(r: number): void {
    while (this.row <= r) this.rowFirst[this.row++] = this.count;
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const s2 = new Int32Array(this.starts.length * 2); s2.set(this.starts); this.starts = s2;
      const e2 = new Int32Array(this.ends.length * 2); e2.set(this.ends); this.ends = e2;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  /** Closes the list: the remaining rows are empty. */
  finish(): this {
    while (this.row <= this.rows) this.rowFirst[this.row++] = this.count;
    return this;
  }
}

/**
 * Runs of the voxels of a 0/1 `mask` that are 1. Both ends of each stretch of ones are found with indexOf (a
 * native scan); a stretch is then cut at row ends, so that every voxel is read once.
 */
export function maskRuns(mask: Uint8Array, nx: number, rows: number): Runs {
  const runs = new Runs(nx, rows);
  const n = nx * rows;
  let p = 0;
  while (p < n) {
    const s = mask.indexOf(1, p);
    if (s < 0) break;
    let e = mask.indexOf(0, s);
    if (e < 0 || e > n) e = n;
    for (let a = s; a < e;) {
      const r = (a / nx) | 0;
      const b = Math.min(e, (r + 1) * nx);
      runs.beginRow(r);
      runs.push(a - r * nx, b - r * nx);
      a = b;
    }
    p = e;
  }
  return runs.finish();
}

/**
 * Calls visit(start, end) for each stretch [start, end) of ones of a 0/1 array, in order (stretches run on across
 * rows); both ends are found by native scans, so a sparse mask costs a scan, not a loop per voxel.
 */
export function eachStretch(mask: Uint8Array, visit: (start: number, end: number) => void): void {
  const n = mask.length;
  for (let s = mask.indexOf(1); s >= 0;) {
    let e = mask.indexOf(0, s);
    if (e < 0) e = n;
    visit(s, e);
    s = e < n ? mask.indexOf(1, e) : -1;
  }
}

export interface RunComponents {
  /** Component number per run, 1-based, numbered in order of first appearance (row by row). */
  readonly runLabel: Int32Array;
  /** sizes[c] = voxel count of component c (sizes[0] = 0). */
  readonly sizes: number[];
}

/** Face-connected components of runs on an nx x ny x nz grid (runs.rows = ny * nz). */
export function labelRuns(runs: Runs, ny: number, nz: number): RunComponents {
  const { starts, ends, rowFirst, count } = runs;
  const parent = new Int32Array(count);
  for (let n = 0; n < count; n++) parent[n] = n;
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
  const runLabel = new Int32Array(count);
  const idOfRoot = new Int32Array(count);
  const sizes = [0];
  for (let n = 0; n < count; n++) {
    const root = find(n);
    if (idOfRoot[root] === 0) { idOfRoot[root] = sizes.length; sizes.push(0); }
    const id = idOfRoot[root];
    runLabel[n] = id;
    sizes[id] += ends[n] - starts[n];
  }
  return { runLabel, sizes };
}

/** Sets `value` in `out` (volume, i fastest) on the runs whose component has keep[c] set. */
export function paintRuns(out: Uint8Array, runs: Runs, runLabel: Int32Array, keep: ArrayLike<number | boolean>, value = 1): void {
  const { starts, ends, rowFirst, nx, rows } = runs;
  for (let r = 0; r < rows; r++) {
    const base = r * nx;
    for (let n = rowFirst[r]; n < rowFirst[r + 1]; n++) if (keep[runLabel[n]]) out.fill(value, base + starts[n], base + ends[n]);
  }
}

export function labelComponents3d(mask: Uint8Array, dims: readonly [number, number, number]): Components {
  const [nx, ny, nz] = dims;
  const runs = maskRuns(mask, nx, ny * nz);
  const { runLabel, sizes } = labelRuns(runs, ny, nz);
  const labels = new Int32Array(mask.length);
  const { starts, ends, rowFirst } = runs;
  for (let r = 0; r < ny * nz; r++)
    for (let n = rowFirst[r]; n < rowFirst[r + 1]; n++) labels.fill(runLabel[n], r * nx + starts[n], r * nx + ends[n]);
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
  const runs = new Runs(w, h);
  for (let y = 0; y < h; y++) {
    runs.beginRow(y);
    pushGaps(runs, mask, y * w, w);
  }
  fillHoleRuns(mask, runs.finish(), h, maxHoleArea);
}

/** Pushes the zero runs of mask[base, base + w) (row-relative) onto `runs`. */
function pushGaps(runs: Runs, mask: Uint8Array, base: number, w: number): void {
  // A view of the row bounds the native scans to it (a full row would otherwise scan on into the next rows).
  const row = mask.subarray(base, base + w);
  let x = 0;
  while (x < w) {
    const s = row.indexOf(0, x);
    if (s < 0) break;
    let e = row.indexOf(1, s);
    if (e < 0) e = w;
    runs.push(s, e);
    x = e;
  }
}

/**
 * Background runs of a 2D slice (runs.nx wide, h rows) not connected to its border, of at most maxHoleArea
 * pixels, are set to 1 in `out` (the slice, x fastest).
 */
export function fillHoleRuns(out: Uint8Array, gaps: Runs, h: number, maxHoleArea = Infinity): void {
  const holes = holeComponents(gaps, h, maxHoleArea);
  if (holes !== null) paintRuns(out, gaps, holes.runLabel, holes.fill);
}

/**
 * The holes among a slice's background runs (runs.nx wide, h rows): their 4-connected components (`runLabel` per
 * run) and which of them are holes to fill (`fill[component]` = 1: not touching the slice border, at most
 * maxHoleArea pixels); null when there is none.
 */
export function holeComponents(gaps: Runs, h: number, maxHoleArea = Infinity): { runLabel: Int32Array; fill: Uint8Array } | null {
  const { runLabel, sizes } = labelRuns(gaps, h, 1);
  const w = gaps.nx;
  const { starts, ends, rowFirst } = gaps;
  const touchesBorder = new Uint8Array(sizes.length);
  for (let y = 0; y < h; y++)
    for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++)
      if (y === 0 || y === h - 1 || starts[n] === 0 || ends[n] === w) touchesBorder[runLabel[n]] = 1;
  const fill = new Uint8Array(sizes.length);
  let any = false;
  for (let c = 1; c < sizes.length; c++) if (!touchesBorder[c] && sizes[c] <= maxHoleArea) { fill[c] = 1; any = true; }
  return any ? { runLabel, fill } : null;
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
