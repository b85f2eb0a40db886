import { overBudgetError, type ByteBudget, type VolumeByteSink } from './gzip.ts';

/**
 * Receives a volume file's (decompressed) bytes in order and keeps those of its voxel data, bytes
 * [offset, offset + target.length), copying them straight into `target` (the bytes of the typed array the reader
 * returns): no whole-file buffer, one copy per chunk. Every byte, kept or not, counts against `budget`; the
 * chunk that goes past it throws GCT_VOLUME_TOO_LARGE.
 */
export class PayloadReceiver implements VolumeByteSink {
  private received = 0;

  constructor(
    private readonly target: Uint8Array,
    private readonly offset: number,
    private readonly budget: ByteBudget,
    private readonly path: string,
  ) {}

  write(chunk: Uint8Array): void {
    const start = this.received;
    this.received += chunk.length;
    if (this.received > this.budget.bytes) throw overBudgetError(this.path, this.received, this.budget);
    const from = Math.max(start, this.offset);
    const to = Math.min(this.received, this.offset + this.target.length);
    if (to > from) this.target.set(chunk.subarray(from - start, to - start), from - this.offset);
  }

  /** Bytes received so far (kept or not). */
  get receivedBytes(): number {
    return this.received;
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `size`-byte sample in place when the file's order differs from the host's. */
export function toHostByteOrder(bytes: Uint8Array, size: number, littleEndian: boolean): void {
  if (size <= 1 || littleEndian === HOST_LITTLE_ENDIAN) return;
  for (let p = 0; p + size <= bytes.length; p += size)
    for (let a = p, b = p + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
}
