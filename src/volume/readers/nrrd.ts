/**
 * NRRD reader (.nrrd with attached header, .nhdr with one detached data file).
 *
 * Definition: Teem NRRD format, versions NRRD0001-NRRD0005 (http://teem.sourceforge.net/nrrd/format.html).
 * The header is text lines up to the first empty line; data follows (attached) or sits in `data file`.
 * `space directions` gives, per axis, the full vector between neighbouring samples (direction x spacing) in
 * the named `space`; `space origin` is the centre of the first sample. We convert to RAS+ here: LPS negates
 * x and y, LAS negates x. A header without `space` is read as LPS, as ITK and 3D Slicer read it.
 *
 * Supported: encodings raw and gzip; sample types (u)int8/16/32, float, double under all their NRRD names;
 * dimension 3, or 4+ where every axis without a space direction has size 1 (a one-segment "list" axis).
 * Multi-component images (RGB, several overlapping segments in one 4D file) are refused with NOT_3D.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { gctError } from '../../errors.ts';
import { affineProblem, type Dims, type Mat4 } from '../geometry.ts';
import type { RawImage, ReadLimits } from './contracts.ts';
import { declaredBudget, streamVolumeFile } from './gzip.ts';
import { bytesOf, checkVolumeFile, decodeVoxels, gunzipDeclared, newSamples, readVolumeFile, type SampleType } from './nifti.ts';
import { readRegularHead } from './open-file.ts';
import { PayloadReceiver, toHostByteOrder } from './payload.ts';

/** NRRD `type` names (format spec, "type") for the sample types we read. */
const NRRD_TYPES: Readonly<Record<string, SampleType>> = {
  'signed char': 'int8', int8: 'int8', int8_t: 'int8',
  uchar: 'uint8', 'unsigned char': 'uint8', uint8: 'uint8', uint8_t: 'uint8',
  short: 'int16', 'short int': 'int16', 'signed short': 'int16', 'signed short int': 'int16', int16: 'int16', int16_t: 'int16',
  ushort: 'uint16', 'unsigned short': 'uint16', 'unsigned short int': 'uint16', uint16: 'uint16', uint16_t: 'uint16',
  int: 'int32', 'signed int': 'int32', int32: 'int32', int32_t: 'int32',
  uint: 'uint32', 'unsigned int': 'uint32', uint32: 'uint32', uint32_t: 'uint32',
  float: 'float32', double: 'float64',
};
const SAMPLE_BYTES: Readonly<Record<SampleType, number>> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

/** Sign applied to each world axis to turn the NRRD `space` into RAS+. */
const SPACE_TO_RAS: Readonly<Record<string, readonly [number, number, number]>> = {
  'right-anterior-superior': [1, 1, 1], ras: [1, 1, 1],
  'left-anterior-superior': [-1, 1, 1], las: [-1, 1, 1],
  'left-posterior-superior': [-1, -1, 1], lps: [-1, -1, 1],
};

/** Most header bytes scanned for the blank line that ends it (Slicer segmentation headers run to a few kB). */
const MAX_HEADER_BYTES = 1024 * 1024;

export interface NrrdHeader {
  /** e.g. "NRRD0004" */
  readonly magic: string;
  /** Fields by lower-case name with spaces removed ("space directions" -> "spacedirections"). */
  readonly fields: ReadonlyMap<string, string>;
  /** `key:=value` pairs as written (3D Slicer puts Segment{N}_Name etc. here). */
  readonly keyValues: ReadonlyMap<string, string>;
  /** Byte offset of the data that follows an attached header (= file length when there is none). */
  readonly dataOffset: number;
}

/** Splits the header text of an NRRD file into fields and key/value pairs. */
export function parseNrrdHeader(bytes: Uint8Array, path: string): NrrdHeader {
  const head = String.fromCharCode(...bytes.subarray(0, 8));
  if (!/^NRRD000[1-5]$/.test(head))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: not an NRRD file: starts with ${JSON.stringify(head)}, expected "NRRD0001".."NRRD0005"`, { path, firstBytes: head });
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  let start = 0;
  let dataOffset = bytes.length;
  let first = true;
  while (start < limit) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0 || end > limit) end = limit;
    let line = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    if (first) { first = false; continue; }
    if (line === '') { dataOffset = Math.min(start, bytes.length); break; }
    if (line.startsWith('#')) continue;
    const kv = line.indexOf(':=');
    if (kv > 0) { keyValues.set(line.slice(0, kv), line.slice(kv + 2)); continue; }
    const colon = line.indexOf(': ');
    if (colon <= 0)
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: header line ${JSON.stringify(line.slice(0, 80))} is neither "field: value", "key:=value" nor a # comment`, { path });
    fields.set(line.slice(0, colon).toLowerCase().replace(/\s+/g, ''), line.slice(colon + 2).trim());
  }
  if (start >= MAX_HEADER_BYTES && dataOffset === bytes.length)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: no blank line ends the header within its first ${MAX_HEADER_BYTES} bytes`, { path });
  return { magic: head, fields, keyValues, dataOffset };
}

function required(h: NrrdHeader, name: string, path: string): string {
  const v = h.fields.get(name);
  if (v === undefined) throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NRRD header lacks the required field "${name}"`, { path, field: name });
  return v;
}

/** Parses "(x,y,z)" into numbers, or null for "none". */
function parseVector(text: string, path: string, what: string): number[] | null {
  if (text === 'none') return null;
  const m = /^\(([^)]*)\)$/.exec(text);
  const values = m ? m[1].split(',').map((s) => Number(s.trim())) : [];
  if (!m || values.length !== 3 || values.some((v) => !Number.isFinite(v)))
    throw gctError('GCT_VOLUME_AFFINE_INVALID', `${path}: ${what} ${JSON.stringify(text)} is not a vector of 3 finite numbers "(x,y,z)"`, { path, value: text });
  return values;
}

/** The space direction of every axis: "(x,y,z)" or "none", space-separated (vectors hold no spaces once trimmed). */
function splitVectors(text: string): string[] {
  return text.match(/\([^)]*\)|none/g) ?? [];
}

interface NrrdLayout {
  readonly sample: SampleType;
  readonly dims: Dims;
  readonly ijkToRas: Mat4;
  readonly littleEndian: boolean;
  readonly encoding: 'raw' | 'gzip';
  readonly byteSkip: number;
  readonly lineSkip: number;
  readonly dataFile?: string;
  readonly notes: string[];
}

function layoutOf(h: NrrdHeader, path: string): NrrdLayout {
  const notes: string[] = [];
  const typeName = required(h, 'type', path);
  const sample = NRRD_TYPES[typeName.toLowerCase()];
  if (!sample)
    throw gctError('GCT_VOLUME_DATATYPE_UNSUPPORTED', `${path}: NRRD type "${typeName}" is not supported; supported: ${[...new Set(Object.values(NRRD_TYPES))].join(', ')} (under any NRRD alias, e.g. short, ushort, float)`, { path, type: typeName });
  const dimension = Number(required(h, 'dimension', path));
  const sizes = required(h, 'sizes', path).split(/\s+/).map(Number);
  if (!Number.isInteger(dimension) || sizes.length !== dimension || sizes.some((s) => !Number.isInteger(s) || s < 1))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: dimension ${dimension} with sizes [${sizes.join(', ')}]; expected that many positive integer sizes`, { path, sizes });

  const directionsText = h.fields.get('spacedirections');
  const directions = directionsText ? splitVectors(directionsText).map((t) => parseVector(t, path, 'space direction')) : null;
  if (directions && directions.length !== dimension)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: ${directions.length} space directions for ${dimension} axes`, { path });
  const kinds = h.fields.get('kinds')?.split(/\s+/) ?? [];
  // An axis is spatial when it has a space direction (or, with no directions, a domain/space kind or no kind).
  const spatial = sizes.map((_, a) => (directions ? directions[a] !== null : !kinds[a] || ['domain', 'space', '???'].includes(kinds[a])));
  const spatialAxes = spatial.flatMap((s, a) => (s ? [a] : []));
  const extraAxes = spatial.flatMap((s, a) => (s ? [] : [a]));
  if (spatialAxes.length !== 3 || extraAxes.some((a) => sizes[a] !== 1))
    throw gctError('GCT_VOLUME_NOT_3D', `${path}: NRRD has ${dimension} axes, sizes [${sizes.join(', ')}], kinds [${kinds.join(', ')}]; expected 3 spatial axes (a 4th non-spatial axis only of size 1; several segments or components in one file are not supported)`, { path, sizes, kinds });
  if (extraAxes.length) notes.push(`non-spatial axis of size 1 (kinds ${kinds.join(' ')}) dropped`);
  const dims = spatialAxes.map((a) => sizes[a]) as unknown as Dims;

  const spaceName = h.fields.get('space')?.toLowerCase();
  let flip = SPACE_TO_RAS.lps;
  if (spaceName !== undefined) {
    const f = SPACE_TO_RAS[spaceName];
    if (!f)
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NRRD space "${spaceName}" is not a patient space; supported: ${Object.keys(SPACE_TO_RAS).join(', ')}`, { path, space: spaceName });
    flip = f;
  } else notes.push('no "space" field: directions read as LPS (ITK/3D Slicer convention)');

  let columns: number[][];
  if (directions) {
    columns = spatialAxes.map((a) => directions[a] as number[]);
  } else {
    const spacings = h.fields.get('spacings')?.split(/\s+/).map(Number);
    columns = spatialAxes.map((a, c) => {
      const s = spacings?.[a];
      return [0, 1, 2].map((r) => (r === c ? (s !== undefined && Number.isFinite(s) ? s : 1) : 0));
    });
    notes.push(spacings ? 'no "space directions": axis-aligned grid from "spacings"' : 'no "space directions" nor "spacings": 1 mm axis-aligned grid assumed');
  }
  const originText = h.fields.get('spaceorigin');
  const origin = originText ? (parseVector(originText, path, 'space origin') as number[]) : [0, 0, 0];
  if (!originText) notes.push('no "space origin": origin 0 assumed');
  const m: number[] = [];
  // `+ 0` turns the -0 that negating a zero gives into 0, so matrices compare equal to hand-written ones.
  for (let r = 0; r < 3; r++) m.push(...[columns[0][r], columns[1][r], columns[2][r], origin[r]].map((v) => flip[r] * v + 0));
  m.push(0, 0, 0, 1);
  const problem = affineProblem(m);
  if (problem)
    throw gctError('GCT_VOLUME_AFFINE_INVALID', `${path}: space directions/origin give a voxel-to-world matrix that ${problem}`, { path, ijkToRas: m.map((v) => (Number.isFinite(v) ? v : String(v))) });

  const encodingName = required(h, 'encoding', path).toLowerCase();
  const encoding = encodingName === 'raw' ? 'raw' : encodingName === 'gzip' || encodingName === 'gz' ? 'gzip' : null;
  if (!encoding)
    throw gctError('GCT_VOLUME_ENCODING_UNSUPPORTED', `${path}: NRRD encoding "${encodingName}" is not supported; supported: raw, gzip (gz)`, { path, encoding: encodingName });
  const endianText = h.fields.get('endian')?.toLowerCase();
  if (endianText === undefined && SAMPLE_BYTES[sample] > 1) notes.push('no "endian" field: little-endian assumed');
  if (endianText !== undefined && endianText !== 'little' && endianText !== 'big')
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: endian "${endianText}", expected little or big`, { path });
  const byteSkip = Number(h.fields.get('byteskip') ?? 0);
  const lineSkip = Number(h.fields.get('lineskip') ?? 0);
  if (!Number.isInteger(byteSkip) || byteSkip < -1 || (byteSkip !== 0 && encoding !== 'raw') || !Number.isInteger(lineSkip) || lineSkip < 0)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: byte skip ${byteSkip} / line skip ${lineSkip} not supported (byte skip >= -1 with raw encoding only, line skip >= 0)`, { path });
  const dataFile = h.fields.get('datafile');
  if (dataFile !== undefined && (dataFile.startsWith('LIST') || /%\d*d/.test(dataFile)))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: data split over several files ("data file: ${dataFile}") is not supported; save as a single .nrrd`, { path, dataFile });
  return { sample, dims, ijkToRas: m, littleEndian: endianText !== 'big', encoding, byteSkip, lineSkip, dataFile, notes };
}

/** GCT_VOLUME_TOO_LARGE when the declared voxels exceed the limits; else the voxel count and byte size. */
function payloadSize(layout: NrrdLayout, path: string, limits: ReadLimits): { voxels: number; payloadBytes: number } {
  const { dims, sample } = layout;
  const voxels = dims[0] * dims[1] * dims[2];
  const payloadBytes = voxels * SAMPLE_BYTES[sample];
  if (voxels > limits.maxVoxels || payloadBytes > limits.maxDecompressedBytes)
    throw gctError('GCT_VOLUME_TOO_LARGE', `${path}: ${dims.join('x')} = ${voxels} voxels (${payloadBytes} bytes) exceeds the limits of ${limits.maxVoxels} voxels (volume.maxVoxels) / ${limits.maxDecompressedBytes} bytes (volume.maxDecompressedBytes)`, { path, dims, voxels, payloadBytes });
  return { voxels, payloadBytes };
}

function truncatedError(layout: NrrdLayout, payloadBytes: number, foundBytes: number, path: string): Error {
  return gctError('GCT_VOLUME_TRUNCATED', `${path}: header declares ${layout.dims.join('x')} ${layout.sample} voxels = ${payloadBytes} bytes, but ${foundBytes} bytes of ${layout.encoding === 'gzip' ? 'decompressed ' : ''}data were found`, { path, expectedBytes: payloadBytes, foundBytes });
}

function nrrdImage(layout: NrrdLayout, data: RawImage['data'], path: string): RawImage {
  return {
    grid: { dims: layout.dims, ijkToRas: layout.ijkToRas },
    data,
    meta: { source: { format: 'nrrd', path }, ...(layout.notes.length ? { notes: layout.notes } : {}) },
  };
}

/** Decodes the data section of an NRRD held in memory (after an attached header, or a whole detached data file). */
function decodePayload(layout: NrrdLayout, payload: Uint8Array, path: string, limits: ReadLimits): RawImage {
  const { voxels, payloadBytes } = payloadSize(layout, path, limits);
  let data = payload;
  for (let skipped = 0; skipped < layout.lineSkip; skipped++) {
    const nl = data.indexOf(0x0a);
    if (nl < 0) throw gctError('GCT_VOLUME_TRUNCATED', `${path}: data ends before the ${layout.lineSkip} lines the header says to skip`, { path });
    data = data.subarray(nl + 1);
  }
  // The header declared the voxel count and type: the gzip payload may inflate to that, not to the configured limit.
  if (layout.encoding === 'gzip') data = gunzipDeclared(data, payloadBytes, limits, path);
  // byte skip -1: the data is the last payloadBytes bytes of the file (format spec, "byte skip").
  const offset = layout.byteSkip === -1 ? Math.max(0, data.length - payloadBytes) : layout.byteSkip;
  if (data.length < offset + payloadBytes) throw truncatedError(layout, payloadBytes, Math.max(0, data.length - offset), path);
  return nrrdImage(layout, decodeVoxels(data, offset, layout.sample, voxels, layout.littleEndian), path);
}

/**
 * Streams the data section of an NRRD file (bytes from `start` of `path`, `available` of them) into the voxel
 * array: raw data read straight into it, gzip data inflated chunk by chunk (see gzip.ts) with the declared size
 * plus a small tail as the budget.
 */
async function streamPayload(layout: NrrdLayout, path: string, start: number, available: number, limits: ReadLimits): Promise<RawImage> {
  const { voxels, payloadBytes } = payloadSize(layout, path, limits);
  const data = newSamples(layout.sample, voxels);
  const bytes = bytesOf(data);
  let received: number;
  if (layout.encoding === 'gzip') {
    const sink = new PayloadReceiver(bytes, 0, declaredBudget(payloadBytes, limits), path);
    received = await streamVolumeFile(path, sink, { gzip: true, start, length: available });
  } else {
    // byte skip -1: the data is the last payloadBytes bytes of the file (format spec, "byte skip").
    const skip = layout.byteSkip === -1 ? Math.max(0, available - payloadBytes) : layout.byteSkip;
    const length = Math.max(0, Math.min(payloadBytes, available - skip));
    received = await streamVolumeFile(path, new PayloadReceiver(bytes, 0, { bytes: payloadBytes, what: 'the declared voxel bytes' }, path), { gzip: false, start: start + skip, length });
  }
  if (received < payloadBytes) throw truncatedError(layout, payloadBytes, received, path);
  toHostByteOrder(bytes, SAMPLE_BYTES[layout.sample], layout.littleEndian);
  return nrrdImage(layout, data, path);
}

/** Parses an NRRD file with an attached header, held in memory. */
export function readNrrdBytes(bytes: Uint8Array, path: string, limits: ReadLimits): RawImage {
  const header = parseNrrdHeader(bytes, path);
  const layout = layoutOf(header, path);
  if (layout.dataFile !== undefined)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: detached header (data file "${layout.dataFile}"); read it from disk with readNrrd(path) so the data file can be found`, { path, dataFile: layout.dataFile });
  return decodePayload(layout, bytes.subarray(header.dataOffset), path, limits);
}

/** Header bytes read first; most headers are a few hundred bytes, 3D Slicer segmentations a few kB. */
const FIRST_HEADER_READ_BYTES = 64 * 1024;

/** The header of an NRRD file on disk, read without reading its data. */
async function readHeaderOf(path: string, sizeBytes: number): Promise<NrrdHeader> {
  let head = await readRegularHead(path, Math.min(sizeBytes, FIRST_HEADER_READ_BYTES));
  let header = parseNrrdHeader(head, path);
  // No blank line yet: the header is longer than the first read (or the file is a detached header alone).
  if (header.dataOffset === head.length && head.length < sizeBytes) {
    head = await readRegularHead(path, Math.min(sizeBytes, MAX_HEADER_BYTES + 1));
    header = parseNrrdHeader(head, path);
  }
  return header;
}

/**
 * Reads an .nrrd file, or an .nhdr header with its data file (a path relative to the header's folder). The data
 * is streamed into the voxel array (inflated on the thread pool for gzip); a file with `line skip` (rare: lines of
 * text before the data) is read whole instead.
 */
export async function readNrrd(path: string, limits: ReadLimits): Promise<RawImage> {
  const sizeBytes = await checkVolumeFile(path, limits);
  const header = await readHeaderOf(path, sizeBytes);
  const layout = layoutOf(header, path);
  const dataPath = layout.dataFile === undefined ? path : isAbsolute(layout.dataFile) ? layout.dataFile : resolve(dirname(path), layout.dataFile);
  const dataStart = layout.dataFile === undefined ? header.dataOffset : 0;
  const dataBytes = (layout.dataFile === undefined ? sizeBytes : await checkVolumeFile(dataPath, limits)) - dataStart;
  if (layout.lineSkip > 0) {
    const whole = await readVolumeFile(dataPath, limits);
    return decodePayload(layout, whole.subarray(dataStart), dataPath, limits);
  }
  return streamPayload(layout, dataPath, dataStart, dataBytes, limits);
}
