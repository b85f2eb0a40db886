import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.ts';

describe('PNG output', () => {
  it('writes signature, IHDR 2x1 RGB 8-bit, the pixels behind their filter bytes, a tEXt chunk and IEND', () => {
    const png = encodePng({ widthPx: 2, heightPx: 1, rgb: new Uint8Array([255, 0, 0, 0, 0, 255]) }, { Comment: 'x' });
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(Buffer.from(png.subarray(12, 16)).toString()).toBe('IHDR');
    expect([...png.subarray(16, 29)]).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    const idatAt = Buffer.from(png).indexOf('IDAT');
    const length = new DataView(png.buffer, png.byteOffset).getUint32(idatAt - 4);
    expect([...inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length))]).toEqual([0, 255, 0, 0, 0, 0, 255]);
    expect(Buffer.from(png.subarray(png.length - 8, png.length - 4)).toString()).toBe('IEND');
    expect(Buffer.from(png).includes(Buffer.from('Comment\0x'))).toBe(true);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng({ widthPx: 2, heightPx: 2, rgb: new Uint8Array(3) })).toThrow(RangeError);
  });
});
