/**
 * generateStudy: a small synthetic abdominal CT with its label map and exact truth.
 *
 * The grid is axis-aligned and stored as most CT series are (i toward the patient's left, j toward posterior,
 * k toward superior: orientation code 'LPS' in RAS+ notation), centred on the body. Other storage orders are
 * made with reorientStudy. Deterministic: the only randomness is the noise, drawn from mulberry32(seed) in
 * memory order.
 */
import { createHash } from 'node:crypto';
import { gctError } from '../errors.ts';
import { makeIjkToRas, rasPoint, type Grid } from '../volume/geometry.ts';
import type { LabelEntry, LabelMap, Volume, VolumeMeta } from '../volume/types.ts';
import { abdomenLayout, type AbdomenLayout } from './abdomen.ts';
import { forEachVoxelInBox, makeCanvas, voxelRas, type Canvas } from './canvas.ts';
import { HU_BY_PHASE } from './hu-table.ts';
import { labelId, PHANTOM_LABELS } from './label-table.ts';
import { placeLesions } from './lesions.ts';
import { mulberry32 } from './prng.ts';
import { liverSegmentAt, pancreasAxis, pancreasRegionAt } from './subsegments.ts';
import { computeTruth } from './truth.ts';
import { StudySpecSchema, type ResolvedStudySpec, type Study, type StudySpec } from './types.ts';

/** Largest phantom accepted, in voxels (the generator is for small test and demo studies). */
export const MAX_PHANTOM_VOXELS = 16 * 1024 * 1024;
/** Stored CT value range: 12-bit CT as most scanners write it. */
export const CT_MIN_HU = -1024;
export const CT_MAX_HU = 3071;

export function parseStudySpec(input: StudySpec): ResolvedStudySpec {
  const parsed = StudySpecSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
    throw gctError('GCT_PHANTOM_SPEC_INVALID', `Invalid study spec: ${fields.map((f) => `${f.field || '(spec)'}: ${f.problem}`).join('; ')}`, { fields });
  }
  return parsed.data;
}

/** The phantom's grid: LPS storage order, voxel centres symmetric about RAS (0, 0, 0). */
export function phantomGrid(spec: ResolvedStudySpec): Grid {
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.round(spec.fovMm[a] / spec.spacingMm[a]))) as unknown as [number, number, number];
  const n = dims[0] * dims[1] * dims[2];
  if (n > MAX_PHANTOM_VOXELS)
    throw gctError('GCT_PHANTOM_SPEC_INVALID', `fovMm / spacingMm give ${dims.join(' x ')} = ${n} voxels; at most ${MAX_PHANTOM_VOXELS} are allowed`, { dims });
  const half = dims.map((d, a) => ((d - 1) / 2) * spec.spacingMm[a]);
  return {
    dims,
    ijkToRas: makeIjkToRas({
      spacingMm: spec.spacingMm,
      direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1],
      originRas: rasPoint(half[0], half[1], -half[2]),
    }),
  };
}

function paintStructures(canvas: Canvas, layout: AbdomenLayout): void {
  for (const s of layout.structures) {
    const id = s.labelId ?? 0;
    forEachVoxelInBox(canvas, s.shape.rasBox, (index, x, y, z) => {
      if (!s.shape.contains(x, y, z)) return;
      if (s.clipToCavity && !layout.cavity.contains(x, y, z)) return;
      canvas.layer0[index] = id;
      canvas.hu[index] = s.nominalHu;
    });
  }
}

/** Layer 1: Couinaud segment of every liver (+ liver lesion) voxel, pancreas region of every pancreas (+ lesion) voxel. */
function paintSubsegments(canvas: Canvas, layout: AbdomenLayout): void {
  const liver = labelId('liver');
  const liverLesion = labelId('liver_lesion');
  const pancreas = labelId('pancreas');
  const pancreasLesion = labelId('pancreas_lesion');
  const axis = pancreasAxis(layout.pancreasHeadRas, layout.pancreasTailRas, layout.verticalVessels.superior_mesenteric_artery.centerXYRas);
  const segmentIds = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => (n === 0 ? 0 : labelId(`liver_segment_${n}`)));
  const regionIds = { head: labelId('pancreas_head'), body: labelId('pancreas_body'), tail: labelId('pancreas_tail') };
  const pancreasVoxels: number[] = [];
  for (let i = 0; i < canvas.layer0.length; i++) {
    const id = canvas.layer0[i];
    if (id === liver || id === liverLesion) {
      const [x, y, z] = voxelRas(canvas.grid, i);
      canvas.layer1[i] = segmentIds[liverSegmentAt(x, y, z)];
    } else if (id === pancreas || id === pancreasLesion) pancreasVoxels.push(i);
  }
  const points = pancreasVoxels.map((i) => voxelRas(canvas.grid, i));
  const tailEndMm = Math.max(...points.map((p) => axis.project(p[0], p[1])));
  pancreasVoxels.forEach((i, n) => {
    canvas.layer1[i] = regionIds[pancreasRegionAt(axis, tailEndMm, points[n][0], points[n][1])];
  });
}

function addNoise(hu: Float32Array, spec: ResolvedStudySpec): Int16Array {
  const prng = mulberry32(spec.seed);
  const out = new Int16Array(hu.length);
  for (let i = 0; i < hu.length; i++) {
    const v = Math.round(hu[i] + (spec.noiseSdHu > 0 ? spec.noiseSdHu * prng.normal() : 0));
    out[i] = v < CT_MIN_HU ? CT_MIN_HU : v > CT_MAX_HU ? CT_MAX_HU : v;
  }
  return out;
}

/** A DICOM UID under the 2.25 root (ITU-T X.667: UUID-derived), from a hash of the spec and a salt. */
function uidFor(spec: ResolvedStudySpec, salt: string): string {
  const hex = createHash('sha256').update(`${salt}\n${JSON.stringify(spec)}`).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

function phantomMeta(spec: ResolvedStudySpec): VolumeMeta {
  const contrast = spec.phase === 'arterial' || spec.phase === 'portal-venous';
  return {
    source: { format: 'phantom', path: `phantom:${spec.name}` },
    modality: 'CT',
    seriesDescription: `groundct phantom ${spec.name} (${spec.phase === 'unknown' ? 'phase not stated' : spec.phase})`,
    studyInstanceUid: uidFor(spec, 'study'),
    seriesInstanceUid: uidFor(spec, 'series'),
    frameOfReferenceUid: uidFor(spec, 'frame'),
    ...(contrast ? { contrastAgent: 'iodinated contrast (synthetic phantom)' } : {}),
    notes: ['synthetic phantom: not a patient'],
  };
}

export function generateStudy(input: StudySpec): Study {
  const spec = parseStudySpec(input);
  const grid = phantomGrid(spec);
  const layout = abdomenLayout(spec);
  const canvas = makeCanvas(grid, HU_BY_PHASE[spec.phase].air);
  paintStructures(canvas, layout);
  const lesions = placeLesions(canvas, layout, spec);
  paintSubsegments(canvas, layout);
  const ct = addNoise(canvas.hu, spec);

  const nominalHuByName = new Map<string, number>();
  for (const s of layout.structures) if (s.labelId !== null && !nominalHuByName.has(s.name)) nominalHuByName.set(s.name, s.nominalHu);
  const truth = computeTruth({
    spec,
    grid,
    ct,
    layer0: canvas.layer0,
    layer1: canvas.layer1,
    nominalHuByName,
    lesions,
    bodyMidlineRasXMm: layout.bodyMidlineRasXMm,
  });

  const present = new Set(truth.structures.map((s) => s.labelId));
  const labelEntries: LabelEntry[] = PHANTOM_LABELS.filter((l) => present.has(l.id)).map((l) => ({ id: l.id, name: l.name, layer: l.layer }));
  const meta = phantomMeta(spec);
  const ctVolume: Volume = { kind: 'volume', grid, data: ct, meta };
  const labels: LabelMap = { kind: 'labelmap', grid, layers: [canvas.layer0, canvas.layer1], labels: labelEntries, meta };
  return { ct: ctVolume, labels, truth };
}
