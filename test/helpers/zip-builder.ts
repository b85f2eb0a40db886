/**
 * A zip writer for tests that can lie: every size, CRC, offset, flag and attribute of an entry can be set by
 * hand, so hostile archives (zip slip, bombs, links, zip64 markers, headers that disagree) are built byte by byte
 * from PKWARE APPNOTE.TXT 6.3.10 (4.3.7 local file header, 4.3.12 central directory header, 4.3.16 end of central
 * directory), independently of the reader under test.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawZipEntry {
  /** Name in the central directory (and in the local header unless `localName` is set). */
  readonly name: string;
  /** The bytes stored for the entry (already compressed when method is 8). */
  readonly stored: Uint8Array;
  readonly method?: number;
  readonly crc?: number;
  readonly compressedBytes?: number;
  readonly uncompressedBytes?: number;
  readonly flags?: number;
  /** "Version made by" upper byte: 3 = UNIX (the upper 16 bits of externalAttributes are then st_mode). */
  readonly madeBy?: number;
  readonly externalAttributes?: number;
  readonly localName?: string;
  /** Points the central directory at another entry's local header (overlapping entries). */
  readonly localHeaderOffsetOverride?: number;
  readonly centralExtra?: Uint8Array;
}

export interface RawZipOptions {
  /** Entry count written in the end record (default: the real count). */
  readonly eocdEntries?: number;
  readonly cdOffsetOverride?: number;
  readonly cdBytesOverride?: number;
  readonly diskNumber?: number;
}

/** An honest entry: CRC and sizes of `content`, deflated (method 8) unless `stored` is asked. */
export function honestEntry(name: string, content: Uint8Array, options: { stored?: boolean; unixMode?: number } = {}): RawZipEntry {
  const stored = options.stored ? content : new Uint8Array(deflateRawSync(content));
  return {
    name,
    stored,
    method: options.stored ? 0 : 8,
    crc: crc32(content) >>> 0,
    compressedBytes: stored.length,
    uncompressedBytes: content.length,
    ...(options.unixMode !== undefined ? { madeBy: 3, externalAttributes: (options.unixMode << 16) >>> 0 } : {}),
  };
}

export function buildZip(entries: readonly RawZipEntry[], options: RawZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    const name = Buffer.from(e.localName ?? e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE((e.flags ?? 0) | 0x800, 6);
    local.writeUInt16LE(e.method ?? 0, 8);
    local.writeUInt32LE((e.crc ?? 0) >>> 0, 14);
    local.writeUInt32LE(e.compressedBytes ?? e.stored.length, 18);
    local.writeUInt32LE(e.uncompressedBytes ?? e.stored.length, 22);
    local.writeUInt16LE(name.length, 26);
    offsets.push(at);
    parts.push(local, name, e.stored);
    at += local.length + name.length + e.stored.length;
  }
  const cdStart = at;
  for (const [n, e] of entries.entries()) {
    const name = Buffer.from(e.name, 'utf8');
    const extra = e.centralExtra ?? new Uint8Array(0);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(((e.madeBy ?? 0) << 8) | 20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE((e.flags ?? 0) | 0x800, 8);
    cd.writeUInt16LE(e.method ?? 0, 10);
    cd.writeUInt32LE((e.crc ?? 0) >>> 0, 16);
    cd.writeUInt32LE(e.compressedBytes ?? e.stored.length, 20);
    cd.writeUInt32LE(e.uncompressedBytes ?? e.stored.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE((e.externalAttributes ?? 0) >>> 0, 38);
    cd.writeUInt32LE(e.localHeaderOffsetOverride ?? offsets[n], 42);
    parts.push(cd, name, extra);
    at += cd.length + name.length + extra.length;
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.diskNumber ?? 0, 4);
  eocd.writeUInt16LE(options.eocdEntries ?? entries.length, 8);
  eocd.writeUInt16LE(options.eocdEntries ?? entries.length, 10);
  eocd.writeUInt32LE(options.cdBytesOverride ?? at - cdStart, 12);
  eocd.writeUInt32LE(options.cdOffsetOverride ?? cdStart, 16);
  parts.push(eocd);
  return new Uint8Array(Buffer.concat(parts));
}
