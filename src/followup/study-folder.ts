import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants as zlibConstants, createGzip, gzip } from 'node:zlib';
import type * as z from 'zod';
import type { VolumeConfig } from '../config.ts';
import { gctError, isGroundctError } from '../errors.ts';
import { FindingsSchema, type Findings } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import { encodeNifti, encodeNiftiHeader, HOST_IS_LITTLE_ENDIAN, readVolume, sameGrid, type Grid, type LabelArray, type LabelMap } from '../volume/index.ts';
import { BONE_SURFACE_FILE, boneSurfaceRas, decodeBoneSurface, encodeBoneSurface, type BoneSurface } from './bone-surface.ts';
import { LabelTableSchema, REPORT_FOLDER_SCHEMA_VERSION, StudyIdentitySchema, type StudyIdentity } from './types.ts';

/**
 * The report folder as the follow-up stage needs it (folder schema version 2). Besides report.json, report.md,
 * findings.json and measurements.json (version 1), a folder holds:
 *   study.json            the study's identity (study-identity.ts) and the folder schema version
 *   masks-<layer>.nii.gz  each label layer the report used, on the CT grid (NIfTI-1, gzip level 1)
 *   masks.labels.json     their label table {layers, labels: [{id, name, layer}]}
 *   bone-surface.u16      bone-surface points of the CT (bone-surface.ts), when the CT had any bone
 * A folder without study.json (version 1) is refused with GCT_FOLLOWUP_FOLDER_OUTDATED.
 */

export const STUDY_FILE = 'study.json';
/** Finding types the follow-up stage makes; never part of a study's own findings. */
export const FOLLOWUP_FINDING_TYPES: ReadonlySet<string> = new Set(['comparison', 'lesion_change', 'organ_change', 'response']);
export const LABEL_TABLE_FILE = 'masks.labels.json';
export const labelLayerFile = (layer: number) => `masks-${layer}.nii.gz`;

/**
 * gzip settings of the label volumes, measured on a 512 x 512 x 400 uint8 label layer (eval/results/report-folder.md):
 * zlib's default (level 6) took 360 ms for 0.68 MB, level 1 80 ms for 1.34 MB, level 1 with the run-length
 * strategy about as fast for 0.80 MB (label layers are long runs of one byte). Uint16 layers keep the default
 * strategy: their runs are of two-byte values, which run-length matching (distance 1) cannot see.
 */
function labelGzipOptions(data: LabelArray): { level: number; strategy: number } {
  return { level: 1, strategy: data.BYTES_PER_ELEMENT === 1 ? zlibConstants.Z_RLE : zlibConstants.Z_DEFAULT_STRATEGY };
}

/** Gzipped NIfTI-1 bytes of a label layer, streamed through zlib (on libuv's thread pool) without copying the voxels. */
export function gzipLabelLayer(grid: Grid, data: LabelArray): Promise<Buffer> {
  const image = { grid, data };
  if (!HOST_IS_LITTLE_ENDIAN) return gzipAsync(encodeNifti(image, { description: LABEL_DESCRIPTION }), labelGzipOptions(data));
  return new Promise((resolve, reject) => {
    const z = createGzip({ ...labelGzipOptions(data), chunkSize: 1 << 20 });
    const chunks: Buffer[] = [];
    z.on('data', (c: Buffer) => chunks.push(c));
    z.on('end', () => resolve(Buffer.concat(chunks)));
    z.on('error', reject);
    z.write(encodeNiftiHeader(image, { description: LABEL_DESCRIPTION }));
    z.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

/**
 * The label layers a study folder stores (those holding a label) gzipped on libuv's thread pool, started now: a
 * caller that has the final masks early (the report command, once measuring is done) overlaps the compression with
 * its other work and hands the results to writeStudyFiles. A failure surfaces where the promise is awaited.
 */
export function compressLabelLayers(labels: LabelMap): ReadonlyMap<number, Promise<Buffer>> {
  const out = new Map<number, Promise<Buffer>>();
  for (const layer of new Set(labels.labels.map((l) => l.layer))) {
    const bytes = gzipLabelLayer(labels.grid, labels.layers[layer]);
    bytes.catch(() => undefined); // awaited by writeStudyFiles; unread if the caller fails first
    out.set(layer, bytes);
  }
  return out;
}

const LABEL_DESCRIPTION = 'groundct label layer';
const gzipAsync = promisify(gzip);

/** What a study contributes to a comparison, wherever it comes from (a folder, or the study just measured). */
export interface StudyArtifacts {
  /** Folder path or service study id, for messages and followup.json. */
  readonly source: string;
  readonly identity: StudyIdentity;
  readonly measurements: Measurements;
  readonly findings: Findings;
  /** The grid every label layer lies on (the CT grid). */
  readonly grid: Grid;
  /** One label layer on the CT grid; read from disk on first use for a folder. */
  labelLayer(layer: number): Promise<LabelArray>;
  /** Bone-surface points in RAS mm ([x0, y0, z0, ...]), or null when the study has none. */
  readonly boneSurfaceRas: Float64Array | null;
}

/** A study held in memory (the one `groundct report` just measured). */
export function studyInMemory(source: string, identity: StudyIdentity, measurements: Measurements, findings: Findings, labels: LabelMap, boneSurface: BoneSurface | null): StudyArtifacts {
  return {
    source,
    identity,
    measurements,
    findings,
    grid: labels.grid,
    labelLayer: async (layer) => labels.layers[layer],
    boneSurfaceRas: boneSurface === null || boneSurface.info.points === 0 ? null : boneSurfaceRas(boneSurface.ijk, labels.grid),
  };
}

/**
 * Writes the version-2 additions into `dir` (a folder being written atomically by the caller): the label layers
 * that hold a label, their table, the bone surface and study.json. The layers are compressed in parallel on
 * libuv's thread pool. `write` replaces fs.writeFile (the service writes each file atomically); `withIdentity: false`
 * leaves study.json to the caller. Returns the file names written.
 */
export async function writeStudyFiles(
  dir: string,
  identity: StudyIdentity,
  labels: LabelMap,
  boneSurface: BoneSurface | null,
  options: {
    readonly write?: (path: string, bytes: string | Uint8Array) => Promise<void>;
    readonly withIdentity?: boolean;
    /** Layers compressed already (compressLabelLayers on the same labels); the others are compressed here. */
    readonly compressedLayers?: ReadonlyMap<number, Promise<Uint8Array>>;
  } = {},
): Promise<string[]> {
  const write = options.write ?? ((path: string, bytes: string | Uint8Array) => writeFile(path, bytes));
  const files: string[] = [];
  const put = async (name: string, bytes: string | Uint8Array | Promise<Uint8Array>) => {
    await write(join(dir, name), await bytes);
    files.push(name);
  };
  const table = { layers: labels.layers.length, labels: labels.labels.map((l) => ({ id: l.id, name: l.name, layer: l.layer })) };
  await Promise.all([
    ...identity.labels.layers.map((layer) => put(labelLayerFile(layer), options.compressedLayers?.get(layer) ?? gzipLabelLayer(labels.grid, labels.layers[layer]))),
    put(LABEL_TABLE_FILE, JSON.stringify(table) + '\n'),
    ...(boneSurface !== null && identity.boneSurface !== null ? [put(BONE_SURFACE_FILE, encodeBoneSurface(boneSurface.ijk))] : []),
    ...(options.withIdentity === false ? [] : [put(STUDY_FILE, JSON.stringify(identity, null, 2) + '\n')]),
  ]);
  return files;
}

function invalid(dir: string, problem: string, cause?: unknown) {
  return gctError('GCT_FOLLOWUP_FOLDER_INVALID', `Report folder ${dir}: ${problem}.`, { dir }, cause);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function readJsonFile(dir: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (cause) {
    throw invalid(dir, `${name} cannot be read (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalid(dir, `${name} is not valid JSON (${(cause as Error).message})`, cause);
  }
}

function parsed<T>(dir: string, name: string, schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw invalid(dir, `${name} does not match its schema: ${r.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The top of a Measurements artifact, checked before it is trusted (measure owns the full type). */
function checkMeasurements(dir: string, data: unknown, grid: Grid): Measurements {
  const m = data as Partial<Measurements> | null;
  if (m?.kind !== 'measurements' || m.schemaVersion !== 1 || !Array.isArray(m.structures) || !Array.isArray(m.lesions) || !m.study)
    throw invalid(dir, 'measurements.json is not a groundct Measurements artifact (kind "measurements", schemaVersion 1)');
  const study: Grid = { dims: m.study.dims, ijkToRas: m.study.ijkToRas };
  if (!sameGrid(study, grid, 0.01)) throw invalid(dir, `measurements.json was measured on a ${m.study.dims.join('x')} grid that is not study.json's ${grid.dims.join('x')} grid`);
  return m as Measurements;
}

/**
 * Reads a report folder for comparison. Refuses a folder of an older schema (no study.json, or another
 * folderSchemaVersion) with GCT_FOLLOWUP_FOLDER_OUTDATED, and a damaged one with GCT_FOLLOWUP_FOLDER_INVALID.
 * Label layers are read when first asked for.
 */
export async function loadStudyFolder(dir: string, volumeConfig: VolumeConfig, options: { readonly source?: string } = {}): Promise<StudyArtifacts> {
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false)))
    throw gctError('GCT_FOLLOWUP_FOLDER_INVALID', `${dir} is not a folder; pass the folder 'groundct report --out' wrote.`, { dir });
  if (!(await isFile(join(dir, STUDY_FILE)))) {
    const old = (await isFile(join(dir, 'report.json'))) || (await isFile(join(dir, 'findings.json')));
    throw gctError(
      'GCT_FOLLOWUP_FOLDER_OUTDATED',
      old
        ? `Report folder ${dir} has no ${STUDY_FILE}: it was written before report folders held their label volumes and study identity (folder schema version 1; comparison needs version ${REPORT_FOLDER_SCHEMA_VERSION}).`
        : `${dir} holds no ${STUDY_FILE} and no report; it is not a report folder of version ${REPORT_FOLDER_SCHEMA_VERSION}.`,
      { dir, folderSchemaVersion: old ? 1 : null },
    );
  }
  const rawIdentity = await readJsonFile(dir, STUDY_FILE);
  const version = (rawIdentity as { folderSchemaVersion?: unknown } | null)?.folderSchemaVersion;
  if (version !== REPORT_FOLDER_SCHEMA_VERSION)
    throw gctError('GCT_FOLLOWUP_FOLDER_OUTDATED', `Report folder ${dir} has folder schema version ${JSON.stringify(version ?? null)}; this groundct compares version ${REPORT_FOLDER_SCHEMA_VERSION}.`, { dir, folderSchemaVersion: version ?? null });
  const identity = parsed(dir, STUDY_FILE, StudyIdentitySchema, rawIdentity);
  const grid: Grid = { dims: identity.grid.dims, ijkToRas: identity.grid.ijkToRas };
  const [measurementsJson, findingsJson, tableJson] = await Promise.all([
    readJsonFile(dir, 'measurements.json'),
    readJsonFile(dir, 'findings.json'),
    readJsonFile(dir, LABEL_TABLE_FILE),
  ]);
  const measurements = checkMeasurements(dir, measurementsJson, grid);
  const all = parsed(dir, 'findings.json', FindingsSchema, findingsJson);
  // The study's own findings only: a folder that was itself a follow-up report also holds change findings
  // (and the findings of its priors), which describe another comparison.
  const { priorFindings: _earlier, ...rest } = all;
  void _earlier;
  const findings: Findings = { ...rest, findings: all.findings.filter((f) => !FOLLOWUP_FINDING_TYPES.has(f.type)) };
  const table = parsed(dir, LABEL_TABLE_FILE, LabelTableSchema, tableJson);
  for (const l of table.labels)
    if (!identity.labels.layers.includes(l.layer)) throw invalid(dir, `label ${l.id} '${l.name}' is on layer ${l.layer}, which study.json lists no file for`);

  let boneSurface: Float64Array | null = null;
  if (identity.boneSurface !== null && identity.boneSurface.points > 0) {
    const file = join(dir, identity.boneSurface.file);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (cause) {
      throw invalid(dir, `${identity.boneSurface.file} cannot be read`, cause);
    }
    try {
      boneSurface = boneSurfaceRas(decodeBoneSurface(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), identity.boneSurface.points, grid), grid);
    } catch (cause) {
      throw invalid(dir, `${identity.boneSurface.file} ${(cause as Error).message}`, cause);
    }
  }

  const layers = new Map<number, Promise<LabelArray>>();
  const readLayer = async (layer: number): Promise<LabelArray> => {
    if (!identity.labels.layers.includes(layer)) return new Uint8Array(grid.dims[0] * grid.dims[1] * grid.dims[2]);
    const file = join(dir, labelLayerFile(layer));
    let data;
    try {
      const volume = await readVolume(file, volumeConfig);
      if (!sameGrid(volume.grid, grid, 0.01)) throw invalid(dir, `${labelLayerFile(layer)} is not on study.json's grid`);
      data = volume.data;
    } catch (cause) {
      if (isGroundctError(cause) && cause.code === 'GCT_FOLLOWUP_FOLDER_INVALID') throw cause;
      throw invalid(dir, `${labelLayerFile(layer)} cannot be read (${(cause as Error).message})`, cause);
    }
    if (!(data instanceof Uint8Array) && !(data instanceof Uint16Array)) throw invalid(dir, `${labelLayerFile(layer)} holds ${data.constructor.name} voxels; label layers are uint8 or uint16`);
    return data;
  };
  return {
    source: options.source ?? dir,
    identity,
    measurements,
    findings,
    grid,
    labelLayer: (layer) => {
      let p = layers.get(layer);
      if (p === undefined) layers.set(layer, (p = readLayer(layer)));
      return p;
    },
    boneSurfaceRas: boneSurface,
  };
}
