/**
 * A binary min-heap of (key, value) pairs on typed arrays, for Dijkstra on voxel graphs. Decrease-key is done by
 * pushing again and skipping stale entries on pop (the caller compares the popped key with its best distance).
 */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  private size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      const values = new Int32Array(this.size * 2);
      values.set(this.values);
      this.keys = keys;
      this.values = values;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.values[i] = this.values[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.values[i] = value;
  }

  /** Key of the smallest entry (Infinity when empty). */
  peekKey(): number {
    return this.size === 0 ? Infinity : this.keys[0];
  }

  /** Removes the smallest entry and returns its value (-1 when empty). */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.values[0];
    const lastKey = this.keys[--this.size];
    const lastValue = this.values[this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1] < this.keys[child]) child++;
      if (this.keys[child] >= lastKey) break;
      this.keys[i] = this.keys[child];
      this.values[i] = this.values[child];
      i = child;
    }
    this.keys[i] = lastKey;
    this.values[i] = lastValue;
    return top;
  }
}
