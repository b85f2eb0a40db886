import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { caught } from '../../../test/helpers/errors.ts';
import { gunzipBounded, isGzip } from './gzip.ts';

const LIMITS = { maxDecompressedBytes: 1024 * 1024 };

describe('isGzip', () => {
  it('recognises the 1f 8b magic only', () => {
    expect(isGzip(gzipSync(Buffer.from('x')))).toBe(true);
    expect(isGzip(Uint8Array.from([0x1f]))).toBe(false);
    expect(isGzip(Uint8Array.from([0x8b, 0x1f, 0, 0]))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
  });
});

describe('gunzipBounded', () => {
  it('inflates a stream back to its bytes', () => {
    const original = Uint8Array.from({ length: 5000 }, (_, n) => (n * 7) % 251);
    expect(gunzipBounded(gzipSync(original), LIMITS, 'a.gz')).toEqual(original);
  });

  it('concatenates the members of a multi-member file, as gunzip does', () => {
    const joined = Buffer.concat([gzipSync(Buffer.from('first,')), gzipSync(Buffer.from('second'))]);
    expect(Buffer.from(gunzipBounded(joined, LIMITS, 'two.gz')).toString()).toBe('first,second');
  });

  it('accepts output of exactly the limit', () => {
    const bytes = gzipSync(Buffer.alloc(1000));
    expect(gunzipBounded(bytes, { maxDecompressedBytes: 1000 }, 'exact.gz').length).toBe(1000);
  });

  it('stops a gzip bomb at the limit with GCT_VOLUME_TOO_LARGE naming the limit and the path', () => {
    // 64 MiB of zeros compress to about 64 kB: a small file that inflates far past a 1 MiB limit.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const e = caught(() => gunzipBounded(bomb, LIMITS, '/data/bomb.nii.gz'));
    expect(e.code).toBe('GCT_VOLUME_TOO_LARGE');
    expect(e.message).toContain('1048576');
    expect(e.message).toContain('/data/bomb.nii.gz');
    expect(e.statusCode).toBe(413);
  });

  it('reports a truncated stream as GCT_VOLUME_GZIP_INVALID with the zlib error as cause', () => {
    const bytes = gzipSync(Uint8Array.from({ length: 4000 }, (_, n) => n % 13));
    const e = caught(() => gunzipBounded(bytes.subarray(0, bytes.length - 12), LIMITS, 'cut.nii.gz'));
    expect(e.code).toBe('GCT_VOLUME_GZIP_INVALID');
    expect(e.message).toContain('cut.nii.gz');
    expect((e.cause as { code?: string }).code).toBe('Z_BUF_ERROR');
  });

  it('reports corrupt deflate data as GCT_VOLUME_GZIP_INVALID', () => {
    const bytes = Buffer.from(gzipSync(Buffer.alloc(100_000)));
    bytes[20] ^= 0xff;
    expect(caught(() => gunzipBounded(bytes, LIMITS, 'bad.gz')).code).toBe('GCT_VOLUME_GZIP_INVALID');
  });
});
