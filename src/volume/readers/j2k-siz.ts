/**
 * The image size a JPEG 2000 codestream declares, read from its SIZ marker segment before anything is decoded.
 *
 * ISO/IEC 15444-1 Annex A: a codestream starts with SOC (FF4F) immediately followed by SIZ (FF51): Lsiz (2),
 * Rsiz (2), Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz (4 each), Csiz (2), then per component Ssiz
 * (bit depth - 1, high bit = signed), XRsiz, YRsiz (1 each). The image is (Xsiz - XOsiz) x (Ysiz - YOsiz).
 * DICOM carries the bare codestream (PS3.5 A.4.4); a JP2 file (Annex I boxes) is accepted by finding its
 * contiguous codestream box 'jp2c'.
 */

export interface J2kSize {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** Bit depth of the first component (1..38) and whether it is signed. */
  readonly bitDepth: number;
  readonly signed: boolean;
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20];

/** Offset of the codestream inside a JP2 box sequence, or -1. */
function jp2CodestreamOffset(b: Uint8Array): number {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at + 8 <= b.length) {
    let length = view.getUint32(at);
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    let header = 8;
    if (length === 1) {
      if (at + 16 > b.length) return -1;
      length = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    if (type === 'jp2c') return at + header;
    if (length === 0 || length < header) return -1;
    at += length;
  }
  return -1;
}

/** The SIZ values of a codestream (or JP2 file), or null when there is no valid SOC + SIZ at its start. */
export function j2kSize(bytes: Uint8Array): J2kSize | null {
  let at = 0;
  if (JP2_SIGNATURE.every((v, n) => bytes[n] === v)) {
    at = jp2CodestreamOffset(bytes);
    if (at < 0) return null;
  }
  if (at + 41 > bytes.length || bytes[at] !== 0xff || bytes[at + 1] !== 0x4f || bytes[at + 2] !== 0xff || bytes[at + 3] !== 0x51) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, bytes.length - at);
  const xsiz = view.getUint32(8);
  const ysiz = view.getUint32(12);
  const xosiz = view.getUint32(16);
  const yosiz = view.getUint32(20);
  const components = view.getUint16(40);
  if (xsiz <= xosiz || ysiz <= yosiz || components < 1 || at + 42 + 3 * components > bytes.length) return null;
  const ssiz = bytes[at + 42];
  return { width: xsiz - xosiz, height: ysiz - yosiz, components, bitDepth: (ssiz & 0x7f) + 1, signed: (ssiz & 0x80) !== 0 };
}
