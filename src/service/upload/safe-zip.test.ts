import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNifti } from '../../volume/index.ts';
import { wantsMarkdown } from '../routes/studies.ts';
import { checkEntryPath, extractZip, readZipDirectory } from './safe-zip.ts';
import { niftiHeader, sniffKind } from './sniff.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gct-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LIMITS = { maxEntries: 100, maxBytes: 10_000_000 };

describe('checkEntryPath', () => {
  it('keeps relative paths and rejects parent, absolute and drive-letter paths', () => {
    expect(checkEntryPath('series/IM0001.dcm', 'ct')).toBe('series/IM0001.dcm');
    expect(checkEntryPath('series\\IM0001.dcm', 'ct')).toBe('series/IM0001.dcm');
    expect(checkEntryPath('a..b/c', 'ct')).toBe('a..b/c');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a\\..\\..\\x', 'a\u0000b']) {
      expect(() => checkEntryPath(bad, 'ct'), bad).toThrow(expect.objectContaining({ code: 'GCT_SERVICE_ARCHIVE_UNSAFE' }));
    }
  });
});

describe('readZipDirectory + extractZip', () => {
  it('lists entries with their sizes and extracts them flat, byte for byte, skipping folders and __MACOSX', async () => {
    const a = new Uint8Array(5000).map((_, n) => n % 251);
    const b = new TextEncoder().encode('hello');
    const path = join(dir, 'ok.zip');
    await writeFile(path, zipSync({ 'series/sub/a.dcm': a, 'series/b.dcm': [b, { level: 0 }], '__MACOSX/._a.dcm': b, 'series/.DS_Store': b }));
    const entries = await readZipDirectory(path, LIMITS, 'ct');
    expect(entries.map((e) => [e.name, e.uncompressedBytes, e.method]).sort()).toEqual(
      [
        ['series/sub/a.dcm', 5000, 8],
        ['series/b.dcm', 5, 0],
        ['__MACOSX/._a.dcm', 5, 8],
        ['series/.DS_Store', 5, 8],
      ].sort(),
    );
    const names = await extractZip(path, entries, join(dir, 'out'), 'ct');
    expect(names.sort()).toEqual(['a.dcm', 'b.dcm']);
    expect(new Uint8Array(await readFile(join(dir, 'out', 'a.dcm')))).toEqual(a);
    expect(await readFile(join(dir, 'out', 'b.dcm'), 'utf8')).toBe('hello');
  });

  it('an entry that inflates beyond its declared size stops the extraction and leaves nothing', async () => {
    const zip = Buffer.from(zipSync({ 'a.dcm': new Uint8Array(4000) }));
    // Lie in both headers: declare 100 uncompressed bytes (local header offset 22, central directory offset 24).
    zip.writeUInt32LE(100, 22);
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, cd + 24);
    const path = join(dir, 'liar.zip');
    await writeFile(path, zip);
    const entries = await readZipDirectory(path, LIMITS, 'ct');
    await expect(extractZip(path, entries, join(dir, 'liar'), 'ct')).rejects.toMatchObject({ code: 'GCT_SERVICE_ARCHIVE_UNSAFE' });
    expect((await readdir(dir)).filter((n) => n.includes('liar') && !n.endsWith('.zip'))).toEqual([]);
  });

  it('refuses archives over the entry count or the declared byte budget before extracting', async () => {
    const path = join(dir, 'many.zip');
    await writeFile(path, zipSync({ a: new Uint8Array(600), b: new Uint8Array(600), c: new Uint8Array(1) }));
    await expect(readZipDirectory(path, { maxEntries: 2, maxBytes: 10_000 }, 'ct')).rejects.toMatchObject({ code: 'GCT_SERVICE_ARCHIVE_UNSAFE' });
    await expect(readZipDirectory(path, { maxEntries: 10, maxBytes: 1000 }, 'ct')).rejects.toMatchObject({ code: 'GCT_SERVICE_DECOMPRESSED_TOO_LARGE' });
  });
});

describe('sniff', () => {
  it('reads dims, voxel count and declared bytes from a NIfTI-1 header', () => {
    const grid = { dims: [4, 5, 6] as [number, number, number], ijkToRas: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1] };
    const bytes = encodeNifti({ grid: grid as never, data: new Int16Array(120) });
    expect(sniffKind(bytes)).toBe('nifti');
    expect(niftiHeader(bytes)).toEqual({ version: 1, dims: [4, 5, 6], voxelCount: 120, bitsPerVoxel: 16, declaredBytes: 352 + 240 });
  });

  it('tells gzip, zip, DICOM and JSON apart by their first bytes', () => {
    expect(sniffKind(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(sniffKind(zipSync({ a: new Uint8Array(1) }))).toBe('zip');
    const dcm = new Uint8Array(132);
    dcm.set([0x44, 0x49, 0x43, 0x4d], 128);
    expect(sniffKind(dcm)).toBe('dicom');
    expect(sniffKind(new TextEncoder().encode(' {"1": "liver"}'))).toBe('json');
    expect(sniffKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe('unknown');
  });
});

describe('wantsMarkdown', () => {
  it('is true only when text/markdown comes before application/json', () => {
    expect(wantsMarkdown('text/markdown')).toBe(true);
    expect(wantsMarkdown('text/markdown;q=0.9, application/json')).toBe(true);
    expect(wantsMarkdown('application/json, text/markdown')).toBe(false);
    expect(wantsMarkdown('*/*')).toBe(false);
    expect(wantsMarkdown(undefined)).toBe(false);
  });
});
