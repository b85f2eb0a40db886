/**
 * The masks a report used, as numbered segments: what the SEG stores, the SR's measurement groups reference,
 * the FHIR observations describe and the key images outline. One segment per structure (organ, vessel, ...) and
 * one per lesion component (a lesion is one 26-connected component of a lesion label, as the measure stage
 * counts them), each with its coded segmented property (PS3.3 C.8.20.2.4 Segment Description macro):
 * organs as category "Anatomical Structure" with the anatomy catalogue's SNOMED CT code, lesions as category
 * "Morphologically Abnormal Structure" typed Lesion or Mass, with their organ as anatomic region.
 */
import { getStructure, isLesionClass, normaliseName, structureOrNull } from '../anatomy/index.ts';
import { gctError } from '../errors.ts';
import type { Finding } from '../findings/index.ts';
import { maskVoxels, measureLesions, type LesionRecord, type Measurements, type MeasuredStructureStats } from '../measure/index.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { CATEGORY, LESION_TYPE_CODE, PRIVATE_SCHEME, type CodedConcept } from './codes.ts';

/** Numbers measured on the segment's voxels, units in the keys. */
export interface SegmentValues {
  readonly volumeMl: number;
  readonly huMean: number;
  readonly longAxisMm?: number;
  readonly shortAxisMm?: number;
}

/** What a SEG needs of a segment. */
export interface SegSegment {
  /** SegmentNumber, 1..n in order. */
  readonly number: number;
  /** SegmentLabel: the lesion id ('liver_lesion-1') or the structure's canonical (else source) name. */
  readonly label: string;
  /** What a radiologist writes: 'hepatic lesion', 'spleen'. */
  readonly displayName: string;
  readonly lesionId?: string;
  readonly category: CodedConcept;
  readonly type: CodedConcept;
  /** SNOMED CT code of the body site: the structure's own code, or for a lesion its organ's. */
  readonly site?: CodedConcept;
  /** Sorted linear voxel indices (i + ni (j + nj k)) on the CT grid. */
  readonly voxels: Uint32Array;
}

export interface ReportSegment extends SegSegment {
  readonly kind: 'structure' | 'lesion';
  readonly labelId: number;
  /** Canonical structure name (the lesion class for a lesion), null when unknown to the catalogue. */
  readonly structure: string | null;
  /** The organ a lesion belongs to (canonical), else the structure itself. */
  readonly organ: string | null;
  /** Ids of the findings whose evidence is this mask. */
  readonly findingIds: readonly string[];
  readonly values: SegmentValues;
  /** Inclusive voxel box. */
  readonly ijkBounds: { readonly min: readonly number[]; readonly max: readonly number[] };
  readonly ijkCentroid: readonly number[];
}

function siteCode(name: string | null): CodedConcept | undefined {
  const s = name ? structureOrNull(name) : null;
  return s?.snomedCt ? { value: s.snomedCt.code, scheme: 'SCT', meaning: s.snomedCt.display } : undefined;
}

function structureType(s: MeasuredStructureStats): CodedConcept {
  const known = siteCode(s.name);
  if (known) return known;
  const display = s.name ? getStructure(s.name).displayName : s.sourceName;
  return { value: s.name ?? s.sourceName, scheme: PRIVATE_SCHEME, meaning: display };
}

function lesionTypeCode(lesion: LesionRecord): CodedConcept {
  return lesion.lesionType === 'mass' ? LESION_TYPE_CODE.mass : LESION_TYPE_CODE.lesion;
}

/**
 * Segments of the masks the findings cite (every finding's evidence: label ids, lesion component ids). Without
 * findings, every present structure and every lesion of the measurements. Lesion labels are represented by
 * their components, never as one whole-label segment.
 */
export function reportSegments(ct: Volume, labels: LabelMap, measurements: Measurements, findings?: readonly Finding[]): ReportSegment[] {
  const total = ct.data.length;
  const lesionLabelIds = [...new Set(measurements.lesions.map((l) => l.labelId))];
  const components = lesionLabelIds.length > 0 ? measureLesions(ct, labels, lesionLabelIds, { minLesionVolumeMm3: measurements.minLesionVolumeMm3 }).voxelIndices : new Map<string, Uint32Array>();
  const structureById = new Map(measurements.structures.map((s) => [s.labelId, s]));
  const isLesionLabel = (s: { name: string | null }) => s.name !== null && isLesionClass(s.name);

  const wantedStructures = new Map<number, string[]>();
  const wantedLesions = new Map<string, string[]>();
  if (findings) {
    for (const f of findings)
      for (const e of f.evidence) {
        // Evidence on a prior study's grid (a follow-up's change findings) is not a mask of this study.
        if (e.voxelCount === 0 || e.study !== undefined) continue;
        if (e.componentId) wantedLesions.set(e.componentId, [...(wantedLesions.get(e.componentId) ?? []), f.id]);
        else if (!isLesionLabel({ name: e.structure })) wantedStructures.set(e.labelId, [...(wantedStructures.get(e.labelId) ?? []), f.id]);
      }
  } else {
    for (const s of measurements.structures) if (s.present && !isLesionLabel(s)) wantedStructures.set(s.labelId, []);
    for (const l of measurements.lesions) wantedLesions.set(l.id, []);
  }

  const out: ReportSegment[] = [];
  for (const [labelId, findingIds] of [...wantedStructures.entries()].sort((a, b) => a[0] - b[0])) {
    const s = structureById.get(labelId);
    if (!s || !s.present) continue;
    const entry = labels.labels.find((l) => l.id === labelId);
    if (!entry) throw gctError('GCT_INTERNAL', `label ${labelId} is measured but not in the label map`);
    const voxels = Uint32Array.from(maskVoxels({ labels: labels.layers[entry.layer], labelId }, total, entry.name));
    out.push({
      number: out.length + 1,
      label: s.name ?? s.sourceName,
      displayName: s.name ? getStructure(s.name).displayName : s.sourceName,
      kind: 'structure',
      labelId,
      structure: s.name,
      organ: s.name,
      category: CATEGORY.anatomicalStructure,
      type: structureType(s),
      site: siteCode(s.name),
      voxels,
      findingIds: unique(findingIds),
      values: { volumeMl: s.volumeMl, huMean: s.huMean },
      ijkBounds: { min: [...s.ijkBounds.min], max: [...s.ijkBounds.max] },
      ijkCentroid: [...s.ijkCentroid],
    });
  }
  for (const lesion of measurements.lesions) {
    const findingIds = wantedLesions.get(lesion.id);
    if (!findingIds) continue;
    const voxels = components.get(lesion.id);
    if (!voxels || voxels.length !== lesion.voxelCount)
      throw gctError('GCT_INTERNAL', `lesion ${lesion.id}: its component (${voxels?.length ?? 0} voxels) does not match the measurements (${lesion.voxelCount}); were the measurements made on these masks?`);
    out.push({
      number: out.length + 1,
      label: lesion.id,
      displayName: getStructure(lesion.lesionClass).displayName,
      kind: 'lesion',
      labelId: lesion.labelId,
      lesionId: lesion.id,
      structure: lesion.lesionClass,
      organ: lesion.organ,
      category: CATEGORY.morphologicallyAbnormalStructure,
      type: lesionTypeCode(lesion),
      site: siteCode(lesion.organ),
      voxels: Uint32Array.from(voxels).sort(),
      findingIds: unique(findingIds),
      values: { volumeMl: lesion.volumeMl, huMean: lesion.huMean, longAxisMm: lesion.longAxisMm, shortAxisMm: lesion.shortAxisMm },
      ijkBounds: { min: [...lesion.ijkBounds.min], max: [...lesion.ijkBounds.max] },
      ijkCentroid: [...lesion.ijkCentroid],
    });
  }
  return out;
}

/**
 * One segment per label of a label map, named as the label map names it (so that reading the SEG back gives
 * the same names): how masks made elsewhere are stored as a SEG, e.g. to put a segmentation into a PACS.
 */
export function labelMapSegments(labels: LabelMap): SegSegment[] {
  const out: SegSegment[] = [];
  for (const entry of labels.labels) {
    const layer = labels.layers[entry.layer];
    const voxels = Uint32Array.from(maskVoxels({ labels: layer, labelId: entry.id }, layer.length, entry.name));
    if (voxels.length === 0) continue;
    const canonical = normaliseName(entry.name).canonical;
    const lesion = canonical !== null && isLesionClass(canonical);
    const site = siteCode(lesion ? getStructure(canonical).lesionOf ?? null : canonical);
    out.push({
      number: out.length + 1,
      label: entry.name,
      displayName: canonical ? getStructure(canonical).displayName : entry.name,
      category: lesion ? CATEGORY.morphologicallyAbnormalStructure : CATEGORY.anatomicalStructure,
      type: lesion ? LESION_TYPE_CODE.lesion : site ?? { value: canonical ?? entry.name, scheme: PRIVATE_SCHEME, meaning: canonical ? getStructure(canonical).displayName : entry.name },
      ...(site ? { site } : {}),
      voxels,
    });
  }
  return out;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
