import type { LesionRecord, Measurements, Phase, Side } from '../measure/measurements.ts';
import type { AttenuationClass, VesselContact, VesselContactClass } from '../measure/location-types.ts';
import type { EmptyStructureStats, MeasuredStructureStats, RasFace, StructureStats } from '../measure/types.ts';
import { ijkPoint, rasPoint } from '../volume/geometry.ts';

/**
 * Hand-written Measurements for unit tests of the findings and report stages (test support, not used at run
 * time). The grid is 1 mm isotropic, so a structure of V mL has V x 1000 voxels; geometry fields are consistent
 * placeholders (a box around a stated centroid), the numbers a rule reads are the ones the test states.
 */

export const FIXTURE_VOXEL_MM3 = 1;

let nextLabelId = 1000;

export interface StructureOptions {
  readonly labelId?: number;
  readonly sourceName?: string;
  readonly volumeMl: number;
  readonly huMean: number;
  readonly huSd?: number;
  /** Faces of the scan the structure touches (patient directions); non-empty means partially imaged. */
  readonly touches?: readonly RasFace[];
  /** Craniocaudal extent, mm (the spleen length rule reads it). Default 100. */
  readonly craniocaudalMm?: number;
  readonly rasCentroid?: readonly [number, number, number];
}

/** A measured structure. `name` null makes an unknown label (then give `sourceName`). */
export function structure(name: string | null, o: StructureOptions): MeasuredStructureStats {
  const labelId = o.labelId ?? nextLabelId++;
  const voxelCount = Math.round((o.volumeMl * 1000) / FIXTURE_VOXEL_MM3);
  const c = o.rasCentroid ?? [0, 0, 0];
  const cc = o.craniocaudalMm ?? 100;
  const half = Math.floor(cc / 2);
  const touches = o.touches ?? [];
  const faceOf: Record<RasFace, 'i-' | 'i+' | 'j-' | 'j+' | 'k-' | 'k+'> = {
    left: 'i+', right: 'i-', posterior: 'j+', anterior: 'j-', superior: 'k+', inferior: 'k-',
  };
  return {
    present: true,
    labelId,
    layer: 0,
    sourceName: o.sourceName ?? name ?? 'unnamed',
    name,
    voxelCount,
    volumeMm3: voxelCount * FIXTURE_VOXEL_MM3,
    volumeMl: (voxelCount * FIXTURE_VOXEL_MM3) / 1000,
    huMean: o.huMean,
    huSd: o.huSd ?? 15,
    huMedian: o.huMean,
    huMin: o.huMean - 60,
    huMax: o.huMean + 60,
    huP5: o.huMean - 25,
    huP95: o.huMean + 25,
    ijkCentroid: ijkPoint(50, 50, 100),
    rasCentroid: rasPoint(c[0], c[1], c[2]),
    ijkBounds: { min: ijkPoint(40, 40, 100 - half), max: ijkPoint(60, 60, 100 - half + cc - 1) },
    rasBounds: { min: rasPoint(c[0] - 10, c[1] - 10, c[2] - half), max: rasPoint(c[0] + 10, c[1] + 10, c[2] - half + cc - 1) },
    sliceRange: [100 - half, 100 - half + cc - 1],
    extentMm: { leftRight: 100, anteriorPosterior: 80, craniocaudal: cc },
    touchesBorder: touches.map((f) => faceOf[f]),
    touchesBorderRas: [...touches],
    partiallyImaged: touches.length > 0,
  };
}

/** A label listed in the label map with no voxel. */
export function emptyStructure(name: string | null, labelId?: number, sourceName?: string): EmptyStructureStats {
  return {
    present: false, labelId: labelId ?? nextLabelId++, layer: 0, sourceName: sourceName ?? name ?? 'unnamed', name,
    voxelCount: 0, volumeMm3: 0, volumeMl: 0,
    huMean: null, huSd: null, huMedian: null, huMin: null, huMax: null, huP5: null, huP95: null,
    ijkCentroid: null, rasCentroid: null, ijkBounds: null, rasBounds: null, sliceRange: null, extentMm: null,
    touchesBorder: [], touchesBorderRas: [], partiallyImaged: false,
  };
}

export interface ContactOptions {
  readonly vessel: string;
  readonly contactAngleDeg: number;
  readonly contactClass?: VesselContactClass;
}

export interface LesionOptions {
  readonly labelId: number;
  readonly labelName: string;
  /** 1-based rank of the component within its label; the id is `${labelName}-${n}`. */
  readonly n?: number;
  readonly lesionClass: string;
  readonly lesionType?: string;
  readonly organ: string | null;
  readonly side?: Side;
  readonly segments?: readonly string[];
  readonly longAxisMm: number;
  readonly shortAxisMm: number;
  readonly max3dDiameterMm?: number;
  readonly volumeMl: number;
  readonly huMean: number;
  readonly parenchymaHuMean?: number;
  readonly attenuation?: AttenuationClass;
  readonly contacts?: readonly ContactOptions[];
  readonly touchesBorder?: boolean;
}

/** One lesion component with the stated sizes, attenuation and vessel contacts. */
export function lesion(o: LesionOptions): LesionRecord {
  const n = o.n ?? 1;
  const voxelCount = Math.round((o.volumeMl * 1000) / FIXTURE_VOXEL_MM3);
  const parenchymaHu = o.parenchymaHuMean ?? 60;
  const contacts: VesselContact[] = (o.contacts ?? []).map((c) => ({
    vessel: c.vessel,
    contactAngleDeg: c.contactAngleDeg,
    contactClass: c.contactClass ?? (c.contactAngleDeg === 0 ? 'none' : c.contactAngleDeg >= 180 ? 'encasement' : 'abutment'),
    maxContactSlice: c.contactAngleDeg > 0 ? 52 : null,
    axialAxis: 2,
    ringMm: 2,
    slicesEvaluated: 10,
    slicesWithContact: c.contactAngleDeg > 0 ? 4 : 0,
    minDistanceMm: c.contactAngleDeg > 0 ? 0 : 6,
  }));
  return {
    id: `${o.labelName}-${n}`,
    labelId: o.labelId,
    labelName: o.labelName,
    componentIndex: n - 1,
    voxelCount,
    volumeMm3: voxelCount * FIXTURE_VOXEL_MM3,
    volumeMl: (voxelCount * FIXTURE_VOXEL_MM3) / 1000,
    huMean: o.huMean,
    huSd: 12,
    huMedian: o.huMean,
    huMin: o.huMean - 40,
    huMax: o.huMean + 40,
    ijkCentroid: ijkPoint(30, 30, 52),
    rasCentroid: rasPoint(o.side === 'left' ? 60 : o.side === 'right' ? -60 : 0, 10, 20),
    ijkBounds: { min: ijkPoint(20, 20, 48), max: ijkPoint(40, 40, 56) },
    rasBounds: { min: rasPoint(-10, 0, 16), max: rasPoint(10, 20, 24) },
    sliceRange: [48, 56],
    touchesBorder: { touches: o.touchesBorder ?? false, faces: o.touchesBorder ? ['k+'] : [] },
    longAxisMm: o.longAxisMm,
    shortAxisMm: o.shortAxisMm,
    axialSliceIndex: 52,
    axialAxis: 'k',
    max3dDiameterMm: o.max3dDiameterMm ?? o.longAxisMm,
    longAxisRas: [rasPoint(-o.longAxisMm / 2, 10, 20), rasPoint(o.longAxisMm / 2, 10, 20)],
    lesionClass: o.lesionClass,
    lesionType: o.lesionType ?? 'lesion',
    organ: o.organ,
    organLabelId: null,
    organBy: 'class',
    side: o.side ?? 'right',
    sideReference: 'spine',
    segments: o.segments ?? [],
    parenchyma: o.organ === null ? null : { huMean: parenchymaHu, huSd: 10, voxelCount: 100000 },
    attenuation: o.attenuation === undefined ? null : {
      class: o.attenuation,
      deltaHu: o.huMean - parenchymaHu,
      isoBandHu: 1,
    },
    contacts,
  };
}

export interface MeasurementsOptions {
  readonly phase?: Phase;
  /** Where the stated phase came from; 'none' (with phase 'unknown') lets the findings estimate it. Default 'given'. */
  readonly phaseSource?: Measurements['study']['phaseSource'];
  readonly structures?: readonly StructureStats[];
  readonly lesions?: readonly LesionRecord[];
  readonly droppedLesions?: Measurements['droppedLesions'];
  readonly unknownLabels?: Measurements['unknownLabels'];
  readonly minLesionVolumeMm3?: number;
  readonly patientAge?: string;
  readonly patientSex?: 'M' | 'F' | 'O';
}

/** A Measurements artifact on a 1 mm isotropic 200 x 200 x 200 grid. */
export function measurements(o: MeasurementsOptions = {}): Measurements {
  return {
    kind: 'measurements',
    schemaVersion: 1,
    provenance: { ct: 'fixture-ct', masks: 'fixture-masks', groundctVersion: '0.1.0', configHash: 'fixture-config' },
    study: {
      dims: [200, 200, 200],
      spacingMm: [1, 1, 1],
      voxelVolumeMm3: FIXTURE_VOXEL_MM3,
      ijkToRas: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      orientation: 'RAS',
      modality: 'CT',
      phase: o.phase ?? 'non-contrast',
      phaseSource: o.phaseSource ?? 'given',
      ...(o.patientAge === undefined ? {} : { patientAge: o.patientAge }),
      ...(o.patientSex === undefined ? {} : { patientSex: o.patientSex }),
    },
    structures: o.structures ?? [],
    lesions: o.lesions ?? [],
    droppedLesions: o.droppedLesions ?? [],
    minLesionVolumeMm3: o.minLesionVolumeMm3 ?? 50,
    unknownLabels: o.unknownLabels ?? [],
  };
}

/** The five RadGPT-sized abdominal organs, complete and normal unless overridden. */
export function normalAbdomen(overrides: Partial<Record<'liver' | 'spleen' | 'pancreas' | 'kidney_left' | 'kidney_right', Partial<StructureOptions>>> = {}): MeasuredStructureStats[] {
  const base: Record<string, StructureOptions> = {
    liver: { labelId: 5, volumeMl: 1500, huMean: 58, craniocaudalMm: 160 },
    spleen: { labelId: 1, volumeMl: 200, huMean: 50, craniocaudalMm: 100 },
    pancreas: { labelId: 7, volumeMl: 70, huMean: 42, craniocaudalMm: 50 },
    kidney_left: { labelId: 3, volumeMl: 160, huMean: 32, craniocaudalMm: 110, rasCentroid: [60, 0, 0] },
    kidney_right: { labelId: 2, volumeMl: 150, huMean: 31, craniocaudalMm: 105, rasCentroid: [-60, 0, 0] },
  };
  return Object.entries(base).map(([name, o]) => structure(name, { ...o, ...(overrides[name as keyof typeof overrides] ?? {}) }));
}
