/**
 * Connected components of binary masks on a voxel grid (i fastest), by breadth-first flooding.
 * 6-connectivity (faces) in 3D unless 26 is asked for; 4-connectivity in 2D.
 */

export interface Components {
  /** Component number per voxel, 1-based; 0 outside the mask. */
  readonly labels: Int32Array;
  /** sizes[c] = voxel count of component c (sizes[0] = 0). */
  readonly sizes: number[];
}

export function labelComponents3d(mask: Uint8Array, dims: readonly [number, number, number], connectivity: 6 | 26 = 6): Components {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  let queue = new Int32Array(1 << 16);
  const offsets: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const n = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (n === 0 || (connectivity === 6 && n > 1)) continue;
        offsets.push([dx, dy, dz]);
      }
  const neighbours = new Int32Array(26);
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || labels[seed] !== 0) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    labels[seed] = id;
    while (head < tail) {
      const v = queue[head++];
      const z = (v / sxy) | 0;
      const r = v - z * sxy;
      const y = (r / nx) | 0;
      const x = r - y * nx;
      let count = 0;
      if (connectivity === 6) {
        if (x > 0) neighbours[count++] = v - 1;
        if (x < nx - 1) neighbours[count++] = v + 1;
        if (y > 0) neighbours[count++] = v - nx;
        if (y < ny - 1) neighbours[count++] = v + nx;
        if (z > 0) neighbours[count++] = v - sxy;
        if (z < nz - 1) neighbours[count++] = v + sxy;
      } else {
        for (const [dx, dy, dz] of offsets) {
          const X = x + dx, Y = y + dy, Z = z + dz;
          if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
          neighbours[count++] = v + dx + dy * nx + dz * sxy;
        }
      }
      for (let t = 0; t < count; t++) {
        const w = neighbours[t];
        if (mask[w] === 0 || labels[w] !== 0) continue;
        labels[w] = id;
        if (tail === queue.length) {
          // Compact the consumed head, grow only when the live frontier fills the buffer.
          const live = tail - head;
          const next = live * 2 > queue.length ? new Int32Array(queue.length * 2) : queue;
          next.copyWithin(0, head, tail);
          if (next !== queue) next.set(queue.subarray(head, tail));
          queue = next;
          head = 0;
          tail = live;
        }
        queue[tail++] = w;
      }
    }
    sizes.push(0);
  }
  for (let n = 0; n < labels.length; n++) sizes[labels[n]]++;
  sizes[0] = 0;
  return { labels, sizes };
}

/** 4-connected components of a 2D mask (w x h, x fastest). */
export function labelComponents2d(mask: Uint8Array, w: number, h: number): Components {
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const queue = new Int32Array(mask.length);
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || labels[seed] !== 0) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    labels[seed] = id;
    while (head < tail) {
      const v = queue[head++];
      const y = (v / w) | 0;
      const x = v - y * w;
      if (x > 0 && mask[v - 1] && !labels[v - 1]) { labels[v - 1] = id; queue[tail++] = v - 1; }
      if (x < w - 1 && mask[v + 1] && !labels[v + 1]) { labels[v + 1] = id; queue[tail++] = v + 1; }
      if (y > 0 && mask[v - w] && !labels[v - w]) { labels[v - w] = id; queue[tail++] = v - w; }
      if (y < h - 1 && mask[v + w] && !labels[v + w]) { labels[v + w] = id; queue[tail++] = v + w; }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
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
  for (let n = 0; n < mask.length; n++) {
    const c = labels[n];
    if (c !== 0 && !touchesBorder[c] && sizes[c] <= maxHoleArea) mask[n] = 1;
  }
}
