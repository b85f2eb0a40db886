import { basename } from 'node:path';
import type { VolumeConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { readLabelMapJson, type LabelNames } from './label-map-json.ts';
import { labelMapFromMultilabel, nonZeroIndices, packBinaryMasks, packMaskVoxelLists } from './label-map.ts';
import { detectFormat } from './readers/detect.ts';
import { dicomMetaSopClass, readPart10File } from './readers/dicom-file.ts';
import { readDicomFiles, readDicomSeries } from './readers/dicom-series.ts';
import { readDicomSeg } from './readers/dicom-seg.ts';
import { readNifti } from './readers/nifti.ts';
import { readNrrd } from './readers/nrrd.ts';
import { DEFAULT_READ_LIMITS, type RawImage, type ReadLimits } from './readers/contracts.ts';
import { assertFiniteVoxels } from './finite.ts';
import { resampleLabelsToGrid } from './resample.ts';
import type { Grid } from './geometry.ts';
import { sameGrid } from './geometry.ts';
import type { LabelMap, Volume } from './types.ts';

const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** SOP class of a DICOM file from its File Meta group, else from the data set (parsed under its deflate budget). */
async function sopClassOf(path: string, limits: ReadLimits): Promise<string | undefined> {
  const fromMeta = await dicomMetaSopClass(path);
  if (fromMeta) return fromMeta;
  try {
    return (await readPart10File(path, limits, basename(path)))?.string('x00080016');
  } catch (e) {
    if ((e as { code?: string }).code === 'GCT_VOLUME_HEADER_INVALID') return undefined;
    throw e;
  }
}

/** Reads any supported single image (not a mask folder or SEG) as it is stored. */
async function readImage(path: string, limits: VolumeConfig): Promise<RawImage> {
  const format = await detectFormat(path);
  switch (format.kind) {
    case 'nifti':
      return readNifti(path, limits);
    case 'nrrd':
      return readNrrd(path, limits);
    case 'dicom-folder':
      return readDicomSeries(path, limits);
    case 'dicom-file': {
      if ((await sopClassOf(path, limits)) === SEG_STORAGE) {
        throw gctError('GCT_VOLUME_FORMAT_UNKNOWN', `${path} is a DICOM SEG (a mask), not a CT image; pass it as masks.`, { path });
      }
      return readDicomFiles([path], limits, path);
    }
    case 'mask-folder':
      throw gctError(
        'GCT_VOLUME_FORMAT_UNKNOWN',
        `${path} is a folder of NIfTI files (a per-class mask folder), not a CT image; pass it as masks.`,
        { path },
      );
  }
}

/** Reads a CT (or any scalar image) from a NIfTI, NRRD, DICOM file or DICOM series folder. */
export async function readVolume(path: string, limits: VolumeConfig): Promise<Volume> {
  const image = await readImage(path, limits);
  assertFiniteVoxels(image);
  return { kind: 'volume', grid: image.grid, data: image.data, meta: image.meta };
}

export interface ReadMasksOptions {
  /** Label map JSON file (id -> name) for a multilabel volume. */
  readonly labelMapPath?: string;
  readonly labelNames?: LabelNames;
  /** The CT grid: masks on another grid are resampled onto it (or refused when they do not fit). */
  readonly reference?: Grid;
}

/** Files of a per-class mask folder read at once. */
const FOLDER_READ_CONCURRENCY = 4;

/** `f` over `items` with at most `limit` calls pending at once; results in input order; the first failure rejects. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await f(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const maskNameOf = (file: string) => basename(file).replace(/\.nii(\.gz)?$/i, '').replace(/\.nrrd$/i, '');

/**
 * Reads masks: a multilabel NIfTI/NRRD (+ label map), a binary mask file (named after its file), a
 * TotalSegmentator per-class folder (one binary NIfTI per class, the file name is the class name) or a DICOM
 * SEG. Overlapping masks stay on separate layers. With `reference`, the result is on that grid.
 */
export async function readMasks(path: string, limits: VolumeConfig, options: ReadMasksOptions = {}): Promise<LabelMap> {
  const names = options.labelNames ?? (options.labelMapPath ? await readLabelMapJson(options.labelMapPath) : undefined);
  const namesSource = options.labelMapPath ?? (options.labelNames ? 'given label map' : undefined);
  const format = await detectFormat(path);
  let labels: LabelMap;
  if (format.kind === 'mask-folder') {
    // A few files at a time (TotalSegmentator writes about a hundred small ones): their reads and inflates overlap.
    // Each file is reduced to its voxel indices as it arrives, so the hundred dense masks are never all held at
    // once (example_seg_fast: 161 MB dense, under 1 MB as indices).
    let scratch = new Uint32Array(0);
    const masks = await mapConcurrently(format.files, FOLDER_READ_CONCURRENCY, async (file) => {
      const { grid, data } = await readNifti(file, limits);
      if (scratch.length < data.length) scratch = new Uint32Array(data.length);
      return { grid, name: maskNameOf(file), voxels: scratch.slice(0, nonZeroIndices(data, scratch)) };
    });
    const grid = masks[0].grid;
    for (const [index, file] of format.files.entries()) {
      if (!sameGrid(grid, masks[index].grid, limits.gridToleranceMm)) {
        throw gctError('GCT_VOLUME_GRID_MISMATCH', `Mask ${file} is on a different grid than ${format.files[0]}; a per-class folder must share one grid.`, { file });
      }
    }
    labels = packMaskVoxelLists(grid, masks, { source: { format: 'totalseg-folder', path } });
    if (names) {
      // A label map given with a folder fixes the ids (e.g. TotalSegmentator's), so outputs keep its numbering.
      const byName = new Map([...names.entries()].map(([id, name]) => [name, id]));
      const missing = labels.labels.filter((l) => !byName.has(l.name)).map((l) => l.name);
      if (missing.length > 0) {
        throw gctError('GCT_LABELMAP_MISMATCH', `Mask files ${missing.slice(0, 10).join(', ')} are not named in the label map ${namesSource}.`, { missing });
      }
      labels = renumber(labels, (name) => byName.get(name)!);
    }
  } else if (format.kind === 'dicom-file' && (await sopClassOf(path, limits)) === SEG_STORAGE) {
    const seg = await readDicomSeg(path, limits);
    labels = packBinaryMasks(seg.grid, seg.segments.map((s) => ({ name: s.label, data: s.data })), seg.meta);
    labels = renumber(labels, (_, index) => seg.segments[index].number);
  } else {
    const image = await readImage(path, limits);
    labels = labelMapFromMultilabel(image, { names, namesSource, singleName: maskNameOf(path) });
  }
  return options.reference ? resampleLabelsToGrid(labels, options.reference, limits.gridToleranceMm, path) : labels;
}

function renumber(labels: LabelMap, idFor: (name: string, index: number) => number): LabelMap {
  const newIds = labels.labels.map((l, index) => idFor(l.name, index));
  const maxId = Math.max(0, ...newIds);
  const mapping = new Map(labels.labels.map((l, index) => [l.id, newIds[index]]));
  const layers = labels.layers.map((layer) => {
    const out = maxId <= 255 ? new Uint8Array(layer.length) : new Uint16Array(layer.length);
    for (let n = 0; n < layer.length; n++) if (layer[n] !== 0) out[n] = mapping.get(layer[n])!;
    return out;
  });
  return {
    ...labels,
    layers,
    labels: labels.labels.map((l, index) => ({ ...l, id: newIds[index] })).sort((a, b) => a.id - b.id),
  };
}

/** Per-class mask folders and DICOM SEG files are masks; everything else is read as an image. */
export async function inputKind(path: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<'masks' | 'image'> {
  const format = await detectFormat(path);
  if (format.kind === 'mask-folder') return 'masks';
  if (format.kind === 'dicom-file' && (await sopClassOf(path, limits)) === SEG_STORAGE) return 'masks';
  return 'image';
}
