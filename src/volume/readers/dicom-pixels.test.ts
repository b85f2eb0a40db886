import { describe, expect, it } from 'vitest';
import { isSupportedTransferSyntax, j2kSamplesToStored, type PixelFormat } from './dicom-pixels.ts';

const fmt = (over: Partial<PixelFormat>): PixelFormat => ({ rows: 1, columns: 5, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, numberOfFrames: 1, ...over });
const bytesOf = (a: Uint16Array | Int16Array): Uint8Array => new Uint8Array(a.buffer);

describe('j2kSamplesToStored follows the DICOM header when the J2K stream disagrees on signedness', () => {
  it('unsigned 13-bit stream, PixelRepresentation 1: low 13 bits read as two\'s complement', () => {
    // 6192 = 8192 - 2000 -> -2000 (the J2K_pixelrep_mismatch.dcm air value); 4096 -> -4096; 8191 -> -1.
    const out = j2kSamplesToStored(bytesOf(Uint16Array.from([6192, 4095, 4096, 0, 8191])), 13, false, fmt({ bitsStored: 13, pixelRepresentation: 1 }));
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual([-2000, 4095, -4096, 0, -1]);
  });

  it('signed stream, PixelRepresentation 0: low 12 bits read as unsigned', () => {
    const out = j2kSamplesToStored(bytesOf(Int16Array.from([-1, 5, -2048, 2047, 0])), 12, true, fmt({ bitsStored: 12 }));
    expect(out).toBeInstanceOf(Uint16Array);
    expect(Array.from(out)).toEqual([4095, 5, 2048, 2047, 0]);
  });

  it('matching signedness passes values through (16-bit signed, 8-bit unsigned)', () => {
    expect(Array.from(j2kSamplesToStored(bytesOf(Int16Array.from([-1024, 3071, -32768, 32767, 0])), 16, true, fmt({ pixelRepresentation: 1 })))).toEqual([-1024, 3071, -32768, 32767, 0]);
    const eight = j2kSamplesToStored(Uint8Array.from([0, 1, 128, 255, 7]), 8, false, fmt({ bitsAllocated: 8, bitsStored: 8 }));
    expect(eight).toBeInstanceOf(Uint8Array);
    expect(Array.from(eight)).toEqual([0, 1, 128, 255, 7]);
  });

  it('rejects a decoded buffer shorter than the frame', () => {
    expect(() => j2kSamplesToStored(new Uint8Array(6), 16, false, fmt({}))).toThrow(/expected 10/);
  });
});

describe('isSupportedTransferSyntax', () => {
  it('accepts the uncompressed and JPEG 2000 syntaxes only', () => {
    for (const uid of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91'])
      expect(isSupportedTransferSyntax(uid)).toBe(true);
    for (const uid of ['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.201'])
      expect(isSupportedTransferSyntax(uid)).toBe(false);
  });
});
