import { describe, expect, it } from 'vitest';
import { decodeMultipartRelated, encodeMultipartRelated, headerParameter } from './multipart.ts';

describe('multipart/related', () => {
  it('round-trips binary parts, including bytes that look like CRLF and dashes', () => {
    const parts = [new Uint8Array([0, 13, 10, 45, 45, 255, 13, 10]), new Uint8Array(0), Uint8Array.from({ length: 3000 }, (_, n) => (n * 7) & 0xff)];
    const { body, contentType } = encodeMultipartRelated(parts, 'application/dicom');
    expect(headerParameter(contentType, 'type')).toBe('application/dicom');
    const back = decodeMultipartRelated(body, contentType);
    expect(back.map((p) => [...p.body])).toEqual(parts.map((p) => [...p]));
    expect(back[0].headers['content-type']).toBe('application/dicom');
  });

  it('reads a body written by another server (RFC 2046 5.1.1: preamble, quoted boundary, close delimiter)', () => {
    const text = 'preamble to ignore\r\n--b0\r\nContent-Type: application/dicom\r\n\r\nAB\r\n--b0\r\nContent-Type: application/dicom\r\n\r\nCDE\r\n--b0--\r\nepilogue';
    const parts = decodeMultipartRelated(new Uint8Array(Buffer.from(text, 'latin1')), 'multipart/related; type="application/dicom"; boundary="b0"');
    expect(parts.map((p) => Buffer.from(p.body).toString('latin1'))).toEqual(['AB', 'CDE']);
  });

  it('refuses a body without its boundary', () => {
    expect(() => decodeMultipartRelated(new Uint8Array([1, 2]), 'multipart/related; boundary=x')).toThrow(/no boundary/);
    expect(() => decodeMultipartRelated(new Uint8Array([1, 2]), 'multipart/related')).toThrow(/no boundary parameter/);
  });
});
