/**
 * NIfTI headers built byte by byte from the field offsets of nifti1.h / nifti2.h, independently of the writer,
 * so readers are checked against the definition rather than against our own encoder. Every field can be set
 * to anything, valid or not (the reader tests and the malformed-input corpus use this).
 */
export interface HeaderFields {
  dim: number[];
  datatype: number;
  bitpix: number;
  pixdim?: number[];
  voxOffset?: number;
  slope?: number;
  inter?: number;
  xyztUnits?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: number[];
  magic?: string;
}

export const SIX_BY_FOUR: HeaderFields = { dim: [3, 3, 2, 2, 1, 1, 1, 1], datatype: 4, bitpix: 16 };

export function nifti1(h: HeaderFields, payload: Uint8Array, littleEndian = true): Uint8Array {
  const voxOffset = h.voxOffset ?? 352;
  const out = new Uint8Array(Math.max(voxOffset, 352) + payload.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, littleEndian);
  h.dim.forEach((d, n) => v.setInt16(40 + 2 * n, d, littleEndian));
  v.setInt16(70, h.datatype, littleEndian);
  v.setInt16(72, h.bitpix, littleEndian);
  (h.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1]).forEach((p, n) => v.setFloat32(76 + 4 * n, p, littleEndian));
  v.setFloat32(108, voxOffset, littleEndian);
  v.setFloat32(112, h.slope ?? NaN, littleEndian);
  v.setFloat32(116, h.inter ?? NaN, littleEndian);
  out[123] = h.xyztUnits ?? 2;
  v.setInt16(252, h.qformCode ?? 0, littleEndian);
  v.setInt16(254, h.sformCode ?? 0, littleEndian);
  [...(h.quatern ?? [0, 0, 0]), ...(h.qoffset ?? [0, 0, 0])].forEach((q, n) => v.setFloat32(256 + 4 * n, q, littleEndian));
  (h.srow ?? new Array(12).fill(0)).forEach((s, n) => v.setFloat32(280 + 4 * n, s, littleEndian));
  out.set(Buffer.from(h.magic ?? 'n+1\0', 'latin1'), 344);
  out.set(payload, Math.max(voxOffset, 352));
  return out;
}

export function nifti2(h: HeaderFields, payload: Uint8Array, littleEndian = true): Uint8Array {
  const voxOffset = h.voxOffset ?? 544;
  const out = new Uint8Array(voxOffset + payload.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, 540, littleEndian);
  out.set(Buffer.from(h.magic ?? 'n+2\0\r\n\x1a\n', 'latin1'), 4);
  v.setInt16(12, h.datatype, littleEndian);
  v.setInt16(14, h.bitpix, littleEndian);
  h.dim.forEach((d, n) => v.setBigInt64(16 + 8 * n, BigInt(d), littleEndian));
  (h.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1]).forEach((p, n) => v.setFloat64(104 + 8 * n, p, littleEndian));
  v.setBigInt64(168, BigInt(voxOffset), littleEndian);
  v.setFloat64(176, h.slope ?? NaN, littleEndian);
  v.setFloat64(184, h.inter ?? NaN, littleEndian);
  v.setInt32(344, h.qformCode ?? 0, littleEndian);
  v.setInt32(348, h.sformCode ?? 0, littleEndian);
  [...(h.quatern ?? [0, 0, 0]), ...(h.qoffset ?? [0, 0, 0])].forEach((q, n) => v.setFloat64(352 + 8 * n, q, littleEndian));
  (h.srow ?? new Array(12).fill(0)).forEach((s, n) => v.setFloat64(400 + 8 * n, s, littleEndian));
  v.setInt32(500, h.xyztUnits ?? 2, littleEndian);
  out.set(payload, voxOffset);
  return out;
}

