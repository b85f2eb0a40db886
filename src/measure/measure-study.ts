import { createHash } from 'node:crypto';
import {
  compositeMembers, contactVesselsFor, descendants, getStructure, isLesionClass, normaliseName, structureOrNull,
} from '../anatomy/index.ts';
import type { MeasureConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { orientationCode, sameGrid, spacingOf, voxelVolumeMm3 } from '../volume/geometry.ts';
import type { LabelEntry, LabelMap, Volume } from '../volume/types.ts';
import { GROUNDCT_VERSION } from '../version.ts';
import { attenuationAgainst, parenchymaStats } from './attenuation.ts';
import { detectionOf } from './detection.ts';
import { distanceToPleuraMm } from './distance.ts';
import type { LesionMeasurement } from './lesion-types.ts';
import type { VoxelIndices } from './location-types.ts';
import { maskVoxels } from './location-types.ts';
import { measureLesions } from './measure-lesions.ts';
import type { LesionRecord, Measurements, Phase, Side, StudyInfo } from './measurements.ts';
import { pancreasRegionFractions, splitPancreas } from './pancreas-regions.ts';
import { findParentOrgan } from './parent-organ.ts';
import { checkMeasureInputs, measureStructures } from './structure-stats.ts';
import { subSegmentLocation } from './sub-segments.ts';
import type { StructureStats } from './types.ts';
import { collectLabelVoxels } from './label-voxels.ts';
import { vertebraZRangesOfStructures, vertebralLevel } from './vertebral-level.ts';
import { prepareVessel, vesselContacts } from './vessel-contact.ts';
import { measureRoutine } from './routine.ts';
import { RUNNING_FROM_SOURCES, startRoutineThread } from './routine-thread.ts';

export interface MeasureStudyOptions {
  readonly measure: MeasureConfig;
  /** Contrast phase when the caller knows it; otherwise taken from DICOM ContrastBolusAgent, else 'unknown'. */
  readonly phase?: Phase;
  /** Compute IBSI shape features per lesion (a mesh per lesion). */
  readonly withShape?: boolean;
  readonly provenance: { readonly ct: string; readonly masks: string | null };
}

/** A lesion centroid within this distance of the midline (RAS x of the reference) is called midline, mm. */
export const MIDLINE_BAND_MM = 10;

function studyInfo(ct: Volume, phase: Phase | undefined): StudyInfo {
  const m = ct.meta;
  const contrast = m.contrastAgent?.trim();
  const [resolvedPhase, phaseSource]: [Phase, StudyInfo['phaseSource']] = phase
    ? [phase, 'given']
    : contrast && !/^(none|no|nil|-)$/i.test(contrast)
      ? ['contrast-enhanced', 'dicom']
      : ['unknown', 'none'];
  const s = spacingOf(ct.grid);
  return {
    dims: ct.grid.dims,
    spacingMm: [s[0], s[1], s[2]],
    voxelVolumeMm3: voxelVolumeMm3(ct.grid),
    ijkToRas: [...ct.grid.ijkToRas],
    orientation: orientationCode(ct.grid.ijkToRas),
    ...(m.modality ? { modality: m.modality } : {}),
    phase: resolvedPhase,
    phaseSource,
    ...(m.patientAge ? { patientAge: m.patientAge } : {}),
    ...(m.patientSex ? { patientSex: m.patientSex } : {}),
    ...(m.studyDate ? { studyDate: m.studyDate } : {}),
  };
}

/** Canonical name per label id (null when the catalogue does not know the name). */
function canonicalNames(labels: LabelMap): Map<number, string | null> {
  return new Map(labels.labels.map((l) => [l.id, normaliseName(l.name).canonical]));
}

/**
 * Measures one study: every structure in one pass, every lesion (26-connected components of the lesion
 * labels), and for each lesion its organ, side, sub-segments, vertebral level, attenuation against the organ's
 * parenchyma and contact with the vessels the anatomy catalogue lists for its organ.
 */
export function measureStudy(ct: Volume, labels: LabelMap, options: MeasureStudyOptions): Measurements {
  checkStudyGrid(ct, labels);
  const structures = studyStructures(ct, labels);
  const routine = options.measure.routine === false ? undefined : measureRoutine(ct, labels, structures);
  const rest = measureLesionsInStudy(ct, labels, options, structures, lesionComponentsOf(ct, labels, options));
  return { ...rest, ...(routine === undefined ? {} : { routine }) };
}

/**
 * measureStudy with the structure statistics and the routine measurements on a worker thread (routine-thread.ts)
 * while this thread finds and measures the lesions' components, which need neither; the rest of the lesion work
 * (organ, location, contacts) waits for the worker's structure statistics. Same result.
 */
export async function measureStudyConcurrently(ct: Volume, labels: LabelMap, options: MeasureStudyOptions): Promise<Measurements> {
  if (options.measure.routine === false) return measureStudy(ct, labels, options);
  checkStudyGrid(ct, labels);
  const thread = startRoutineThread(ct, labels);
  const components = lesionComponentsOf(ct, labels, options);
  const rest = measureLesionsInStudy(ct, labels, options, await thread.structures, components);
  return { ...rest, routine: await thread.routine };
}

/** Whether a study this size has its routine measurements on a worker thread (config measure.routineThread). */
export function routineOnThread(ct: Volume, mode: MeasureConfig['routineThread']): boolean {
  if (mode !== 'auto') return mode === 'always';
  // From the TypeScript sources (tests) a worker first compiles its modules with tsx, which costs more than it saves.
  return !RUNNING_FROM_SOURCES && ct.data.length >= ROUTINE_THREAD_MIN_VOXELS;
}

/**
 * Studies from this many voxels on measure the routine findings on a worker thread under routineThread 'auto'.
 * Starting the thread and loading its modules takes about a tenth of a second, about what the routine measurements of
 * TotalSegmentator's small example take, so that size stays inline (on it, 'always' made the whole report 0.1-0.15 s
 * slower than inline in back-to-back runs); on the 512 x 512 x 400 benchmark (100 Mi voxels)
 * the measure stage took 0.3-1.2 s less with the thread in back-to-back runs (of about 3.5 s). The boundary is a choice,
 * not a measured break-even.
 */
export const ROUTINE_THREAD_MIN_VOXELS = 16 * 1024 * 1024;

/** The checks of the structure pass, made before any work so that both paths fail the same way on bad input. */
function checkStudyGrid(ct: Volume, labels: LabelMap): void {
  if (!sameGrid(ct.grid, labels.grid, 0.01)) {
    throw gctError('GCT_MEASURE_INPUT_INVALID', `The masks (${labels.grid.dims.join('x')}) are not on the CT grid (${ct.grid.dims.join('x')}); resample them first (readMasks with a reference grid does).`);
  }
  checkMeasureInputs(ct, labels);
}

/** The statistics of every structure of a study, under its canonical name (what routine-worker.ts computes too). */
export function studyStructures(ct: Volume, labels: LabelMap): StructureStats[] {
  return measureStructures(ct, labels, { names: (source) => normaliseName(source).canonical });
}

/** The components of a study's lesion and lymph-node labels, measured (no structure statistics needed). */
type LesionComponents = ReturnType<typeof measureLesions>;

function lesionComponentsOf(ct: Volume, labels: LabelMap, options: MeasureStudyOptions): LesionComponents {
  const names = canonicalNames(labels);
  // Lesions and lymph nodes are both measured per connected component (RECIST 1.1 measures nodes by short axis).
  const lesionIds = labels.labels.filter((l) => {
    const c = names.get(l.id);
    return c !== null && c !== undefined && (isLesionClass(c) || isLymphNode(c));
  }).map((l) => l.id);
  return measureLesions(ct, labels, lesionIds, { minLesionVolumeMm3: options.measure.minLesionVolumeMm3, withShape: options.withShape });
}

const isLymphNode = (canonical: string) => structureOrNull(canonical)?.kind === 'lymph_node';

/** Everything but the routine measurements, from the structure statistics and the lesions' components. */
function measureLesionsInStudy(ct: Volume, labels: LabelMap, options: MeasureStudyOptions, structures: StructureStats[], measured: LesionComponents): Omit<Measurements, 'routine'> {
  const names = canonicalNames(labels);
  const byId = new Map(labels.labels.map((l) => [l.id, l]));
  const statsById = new Map(structures.map((s) => [s.labelId, s]));

  const present = (entry: LabelEntry) => (statsById.get(entry.id)?.voxelCount ?? 0) > 0;
  const entriesNamed = (wanted: ReadonlySet<string>) => labels.labels.filter((l) => present(l) && wanted.has(names.get(l.id) ?? ''));
  const entryNamed = (name: string) => entriesNamed(new Set([name]))[0];
  const lungNames = new Set(['lung', ...descendants('lung')]);

  const midline = midlineReference(structures);
  // Vertebra heights come from the structure pass above (their RAS bounds): no pass of their own.
  const vertebraRanges = vertebraZRangesOfStructures(ct.grid, structures);
  const allLesionVoxels = [...measured.voxelIndices.values()];

  // Everything below that depends on the study but not on one lesion is done once per study: each lesion's organ
  // is resolved first, then the masks those lesions read (organs, contact vessels, lungs, pancreas + SMA) are
  // gathered in one pass per layer, and organ parenchyma, prepared vessels and pancreas splits are made once.
  const resolved = measured.lesions.map((lesion) => {
    const lesionClass = names.get(lesion.labelId)!;
    const voxels = measured.voxelIndices.get(lesion.id)!;
    const organ = isLymphNode(lesionClass) ? { name: null, labelId: null, by: 'none' as const } : resolveOrgan(lesionClass, voxels);
    return { lesion, lesionClass, voxels, organ };
  });
  const readMasks = new Set<LabelEntry>();
  for (const { organ } of resolved) {
    if (organ.labelId !== null) readMasks.add(byId.get(organ.labelId)!);
    if (organ.name === null) continue;
    for (const e of entriesNamed(new Set(contactVesselsFor(organ.name)))) readMasks.add(e);
    if (lungNames.has(organ.name)) for (const e of entriesNamed(lungNames)) readMasks.add(e);
    if (organ.name === 'pancreas') for (const e of entriesNamed(new Set(['pancreas', 'superior_mesenteric_artery']))) readMasks.add(e);
  }
  const gathered: Map<number, VoxelIndices> = collectLabelVoxels(labels, [...readMasks], (id) => statsById.get(id)?.voxelCount ?? 0);
  const voxelsOf = (entry: LabelEntry): VoxelIndices => {
    let v = gathered.get(entry.id);
    if (!v) gathered.set(entry.id, (v = maskVoxels({ labels: labels.layers[entry.layer], labelId: entry.id }, ct.data.length, entry.name)));
    return v;
  };
  const parenchymaOf = memo((organ: LabelEntry) => parenchymaStats(ct.data, voxelsOf(organ), allLesionVoxels));
  const vesselOf = memo((e: LabelEntry) => prepareVessel(names.get(e.id)!, voxelsOf(e), ct.grid));
  const lungVoxels = memo((_: 'lungs') => unionVoxels(entriesNamed(lungNames).map(voxelsOf)));
  const pancreasSplitOf = memo((pancreas: LabelEntry) => {
    const sma = entryNamed('superior_mesenteric_artery');
    return splitPancreas(voxelsOf(pancreas), ct.grid, sma ? voxelsOf(sma) : null);
  });

  const lesions: LesionRecord[] = resolved.map(({ lesion, lesionClass, voxels, organ }) => {
    const organStructure = organ.name ? structureOrNull(organ.name) : null;
    const side = sideOf(lesion, organStructure?.laterality, midline);
    const location = locate(organ.name, voxels);
    const organEntry = organ.labelId !== null ? byId.get(organ.labelId)! : undefined;
    const attenuation = organEntry ? attenuationAgainst(ct.data, voxels, parenchymaOf(organEntry)) : null;
    const vessels = organ.name ? entriesNamed(new Set(contactVesselsFor(organ.name))).map(vesselOf) : [];
    const inLung = organ.name !== null && lungNames.has(organ.name) && entriesNamed(lungNames).length > 0;
    return {
      ...lesion,
      lesionClass,
      lesionType: isLymphNode(lesionClass) ? 'lymph_node' : (normaliseName(lesion.labelName).lesionType ?? getStructure(lesionClass).lesionType ?? 'lesion'),
      organ: organ.name,
      organLabelId: organ.labelId,
      organBy: organ.by,
      side: side.side,
      sideReference: side.reference,
      ...location,
      ...(vertebraRanges.length > 0 ? { vertebralLevel: vertebralLevel(voxels, ct.grid, vertebraRanges) } : {}),
      parenchyma: attenuation && 'parenchyma' in attenuation ? attenuation.parenchyma : null,
      attenuation: attenuation && 'parenchyma' in attenuation ? { class: attenuation.class, deltaHu: attenuation.deltaHu, isoBandHu: attenuation.isoBandHu } : null,
      contacts: vessels.length > 0 ? vesselContacts(voxels, vessels, ct.grid) : [],
      ...(inLung ? { pleuraDistanceMm: distanceToPleuraMm(voxels, lungVoxels('lungs'), ct.grid) ?? undefined } : {}),
      ...detectionField(byId.get(lesion.labelId)!, voxels),
    };
  });

  function resolveOrgan(lesionClass: string, voxels: VoxelIndices): { name: string | null; labelId: number | null; by: LesionRecord['organBy'] } {
    const lesionOf = getStructure(lesionClass).lesionOf ?? null;
    // Candidates: the named organ and its parts/members, or (generic 'lesion') every labelled organ.
    // Generic lesions ('lesion', 'GTV', 'mass'): every labelled organ, organ part (a lung lobe) and composite with a
    // mask of its own (an expert 'Lung-Left' contour) is a candidate; vessels, bones, muscles and the body are not.
    const candidateNames = lesionOf
      ? new Set([lesionOf, ...descendants(lesionOf), ...compositeMembers(lesionOf)])
      : new Set(labels.labels.map((l) => names.get(l.id)).filter((n): n is string => !!n && ['organ', 'organ_part', 'composite'].includes(structureOrNull(n)?.kind ?? '')));
    const candidates = entriesNamed(candidateNames).filter((e) => !isLesionClass(names.get(e.id)!));
    const gap = options.measure.lesionOrganMaxGapMm;
    const parent = findParentOrgan(voxels, ct.grid.dims, labels.layers, candidates.map((c) => c.id), gap > 0 ? { spacingMm: spacingOf(ct.grid), maxGapMm: gap } : undefined);
    if (parent.labelId === null) return { name: lesionOf, labelId: null, by: lesionOf ? 'class' : 'none' };
    let name = names.get(parent.labelId)!;
    let labelId: number | null = parent.labelId;
    // A sub-segment (Couinaud segment, lobe, pancreatic region) stands for its organ when the organ is labelled.
    const organOfPart = structureOrNull(name)?.kind === 'organ_part' ? structureOrNull(name)?.parent : null;
    if (organOfPart && organOfPart !== lesionOf && (lesionOf === null || descendants(lesionOf).includes(organOfPart))) {
      name = organOfPart;
      labelId = entryNamed(organOfPart)?.id ?? null;
    } else if (organOfPart === lesionOf && lesionOf) {
      name = lesionOf;
      labelId = entryNamed(lesionOf)?.id ?? null;
    }
    return { name, labelId, by: lesionOf ? 'class' : parent.how };
  }

  function locate(organ: string | null, voxels: VoxelIndices): Pick<LesionRecord, 'segments' | 'segmentShares' | 'pancreasRegions'> {
    if (!organ) return { segments: [] };
    const root = organ.startsWith('lung') ? 'lung' : organ;
    const partNames = root === 'lung' ? compositeMembers('lung') : (structureOrNull(root)?.subSegments ?? []);
    const parts = entriesNamed(new Set(partNames));
    if (parts.length > 0) {
      const where = subSegmentLocation(voxels, ct.grid, labels.layers, parts.map((p) => ({ name: names.get(p.id)!, labelId: p.id })));
      return { segments: where.locatedIn, segmentShares: where.shares };
    }
    const pancreas = root === 'pancreas' ? entryNamed('pancreas') : undefined;
    if (pancreas) {
      const regions = pancreasRegionFractions(voxels, ct.grid, pancreasSplitOf(pancreas));
      return { segments: regions.locatedIn.map((r) => `pancreas_${r}`), pancreasRegions: regions };
    }
    return { segments: [] };
  }

  const unknownLabels = labels.labels.filter((l) => names.get(l.id) === null).map((l) => ({ labelId: l.id, sourceName: l.name }));
  return {
    kind: 'measurements',
    schemaVersion: 1,
    provenance: {
      ...options.provenance,
      groundctVersion: GROUNDCT_VERSION,
      configHash: measureConfigHash(options.measure),
    },
    study: studyInfo(ct, options.phase),
    structures,
    lesions,
    droppedLesions: measured.dropped,
    minLesionVolumeMm3: options.measure.minLesionVolumeMm3,
    unknownLabels,
  };
}

/**
 * SHA-256 of the measure settings that change what is measured: routineThread only says where the routine
 * measurements run, so it is left out (the same study measured either way has the same hash).
 */
function measureConfigHash(measure: MeasureConfig): string {
  const { routineThread: _where, ...what } = measure;
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** The lesion's detection record when its label has a provenance (the built-in nodule detector's labels do). */
function detectionField(entry: LabelEntry, voxels: VoxelIndices): Pick<LesionRecord, 'detection'> {
  const detection = detectionOf(entry, voxels);
  return detection ? { detection } : {};
}

/** `f` computed once per distinct argument. */
function memo<K, V>(f: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, f(key));
    return cache.get(key)!;
  };
}

function unionVoxels(lists: readonly VoxelIndices[]): Uint32Array {
  const all = new Uint32Array(lists.reduce((n, l) => n + l.length, 0));
  let w = 0;
  for (const l of lists) for (let n = 0; n < l.length; n++) all[w++] = l[n];
  return all;
}

interface MidlineReference { readonly xMm: number; readonly reference: LesionRecord['sideReference'] }

/**
 * The body midline in RAS x: mean centroid x of the vertebrae (the spine is midline by definition), else the
 * body outline's centroid, else x = 0 of the scanner frame (the table centre on most scanners).
 */
function midlineReference(structures: readonly StructureStats[]): MidlineReference {
  const vertebrae = structures.filter((s) => s.voxelCount > 0 && s.name?.startsWith('vertebrae_'));
  if (vertebrae.length > 0) return { xMm: vertebrae.reduce((a, s) => a + s.rasCentroid![0], 0) / vertebrae.length, reference: 'spine' };
  const body = structures.find((s) => s.voxelCount > 0 && (s.name === 'body' || s.name === 'body_trunc'));
  if (body) return { xMm: body.rasCentroid![0], reference: 'body' };
  return { xMm: 0, reference: 'scanner-origin' };
}

/**
 * Side of a lesion: a sided organ's own side (a left kidney lesion is left); otherwise the RAS x of the lesion
 * centroid against the midline (+x is the patient's right) — from the affine, never from array order.
 */
function sideOf(lesion: LesionMeasurement, organLaterality: string | undefined, midline: MidlineReference): { side: Side; reference: LesionRecord['sideReference'] } {
  if (organLaterality === 'left' || organLaterality === 'right') return { side: organLaterality, reference: midline.reference };
  const dx = lesion.rasCentroid[0] - midline.xMm;
  return { side: Math.abs(dx) <= MIDLINE_BAND_MM ? 'midline' : dx > 0 ? 'right' : 'left', reference: midline.reference };
}
