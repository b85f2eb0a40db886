/**
 * Voxel and label arrays from this size on are allocated on a SharedArrayBuffer, bytes: a worker thread (the
 * routine measurements run beside the lesion measurements, measure/routine-thread.ts) then reads them without a
 * copy. Smaller arrays stay ordinary ones.
 */
export const SHARED_ARRAY_MIN_BYTES = 1 << 20;

export interface SharableArrayCtor<T> {
  new (length: number): T;
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zeroed typed array of `length` elements, on shared memory when it is SHARED_ARRAY_MIN_BYTES or larger. */
export function newVoxelArray<T>(Ctor: SharableArrayCtor<T>, length: number): T {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  return bytes >= SHARED_ARRAY_MIN_BYTES ? new Ctor(new SharedArrayBuffer(bytes)) : new Ctor(length);
}
