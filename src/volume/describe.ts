import { orientationCode, spacingOf, voxelVolumeMm3 } from './geometry.ts';
import { labelVoxelCounts } from './label-map.ts';
import type { LabelMap, Volume } from './types.ts';

/** What `groundct info` prints about an image. */
export interface VolumeDescription {
  readonly kind: 'volume';
  readonly format: string;
  readonly dims: readonly number[];
  readonly spacingMm: readonly number[];
  readonly voxelVolumeMm3: number;
  readonly orientation: string;
  readonly ijkToRas: readonly number[];
  readonly dataType: string;
  readonly valueRange: { readonly min: number; readonly max: number };
  /** Present when the image is a CT (values in HU). */
  readonly huRange?: { readonly min: number; readonly max: number };
  readonly modality?: string;
  readonly patientAge?: string;
  readonly patientSex?: string;
  readonly studyDate?: string;
  readonly notes?: readonly string[];
}

export interface MaskDescription extends Omit<VolumeDescription, 'kind' | 'huRange' | 'valueRange' | 'dataType'> {
  readonly kind: 'masks';
  readonly layers: number;
  readonly labels: readonly { readonly id: number; readonly name: string; readonly voxelCount: number; readonly volumeMl: number }[];
}

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

function geometryOf(v: Volume | LabelMap) {
  return {
    format: v.meta.source.format,
    dims: [...v.grid.dims],
    spacingMm: spacingOf(v.grid).map((s) => round(s, 6)),
    voxelVolumeMm3: round(voxelVolumeMm3(v.grid), 6),
    orientation: orientationCode(v.grid.ijkToRas),
    ijkToRas: v.grid.ijkToRas.map((x) => round(x, 6)),
  };
}

export function valueRange(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let n = 0; n < data.length; n++) {
    const x = data[n];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

/**
 * An integer image with no negative value and few distinct values is a label volume rather than a CT:
 * a CT holds air at about -1000 HU after rescale.
 */
export function looksLikeLabels(v: Volume): boolean {
  const { data } = v;
  const integer = !(data instanceof Float32Array || data instanceof Float64Array);
  const seen = new Set<number>();
  for (let n = 0; n < data.length; n++) {
    const x = data[n];
    if (x < 0 || (!integer && !Number.isInteger(x))) return false;
    if (seen.size <= 1000) seen.add(x);
  }
  return seen.size <= 1000;
}

export function describeVolume(v: Volume): VolumeDescription {
  const range = valueRange(v.data);
  const isCt = v.meta.modality === 'CT' || (v.meta.modality === undefined && range.min < -200);
  return {
    kind: 'volume',
    ...geometryOf(v),
    dataType: v.data.constructor.name.replace('Array', '').toLowerCase(),
    valueRange: range,
    ...(isCt ? { huRange: range } : {}),
    ...(v.meta.modality ? { modality: v.meta.modality } : {}),
    ...(v.meta.patientAge ? { patientAge: v.meta.patientAge } : {}),
    ...(v.meta.patientSex ? { patientSex: v.meta.patientSex } : {}),
    ...(v.meta.studyDate ? { studyDate: v.meta.studyDate } : {}),
    ...(v.meta.notes?.length ? { notes: v.meta.notes } : {}),
  };
}

export function describeMasks(m: LabelMap): MaskDescription {
  const counts = labelVoxelCounts(m);
  const voxelMm3 = voxelVolumeMm3(m.grid);
  return {
    kind: 'masks',
    ...geometryOf(m),
    layers: m.layers.length,
    labels: m.labels
      .map((l) => ({ id: l.id, name: l.name, voxelCount: counts.get(l.id) ?? 0, volumeMl: round(((counts.get(l.id) ?? 0) * voxelMm3) / 1000, 3) }))
      .filter((l) => l.voxelCount > 0),
    ...(m.meta.notes?.length ? { notes: m.meta.notes } : {}),
  };
}
