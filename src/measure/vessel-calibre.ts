import type { Grid, Vec3 } from '../volume/geometry.ts';
import { rasToIjkMatrix, splitIjkToRas } from '../volume/geometry.ts';
import type { LabelMap } from '../volume/types.ts';
import { aortaSections, type PointCloud } from './aorta-sections.ts';
import { calibreProfile, excludeFromMaxima, publicSample, sectionOf, type Profile, type ProfiledSample } from './calibre-profile.ts';
import { traceBranches, traceCentreline, type Centreline, type CentrelineOptions } from './centreline.ts';
import { landmarkSection } from './landmark-section.ts';
import { cropMask, cropVoxelRas, type MaskCrop } from './mask-crop.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';
import { vertebraRangesFromStats, type ZRange } from './vertebra-ranges.ts';
import type { LandmarkSection, PulmonaryTrunk, VesselCalibre, VesselSection } from './vessel-types.ts';

/**
 * Vessel calibre of the aorta, the iliac arteries and the pulmonary artery (passages groundct-vessel-calibre,
 * groundct-aorta-sections): centreline (centreline.ts) on the mask subsampled to about CENTRELINE_VOXEL_MM, the
 * cross-section perpendicular to it every SAMPLE_STEP_MM on the full-resolution mask (cross-section.ts), the
 * largest cross-section per anatomical section (aorta-sections.ts), and the pulmonary artery at TotalSegmentator's
 * landmarks (landmark-section.ts) with the PA:aorta ratio. Only the masks' bounding boxes are read.
 */

/** Samples along the centreline every this many mm (the position of a maximum is known to within one step). */
export const SAMPLE_STEP_MM = 2;
/** Target voxel size of the grid the centreline is traced on, mm (a vessel of 5 mm radius keeps 2-3 voxels). */
export const CENTRELINE_VOXEL_MM = 2;
/** Pixel of the survey cross-sections (every sample), mm; candidates for a section maximum are re-measured finer. */
export const SURVEY_PIXEL_MM = 1;
/** Vessel masks smaller than this are not traced (a few stray voxels have no centreline), mL. */
export const MIN_VESSEL_VOLUME_ML = 1;

export interface VesselMeasurements {
  readonly vessels: readonly VesselCalibre[];
  readonly pulmonaryTrunk: PulmonaryTrunk | null;
}

interface Context {
  readonly grid: Grid;
  readonly labels: LabelMap;
  readonly spacing: Vec3;
  readonly pixelMm: number;
  readonly surveyPixelMm: number;
  readonly vertebrae: readonly ZRange[];
  readonly stats: (name: string) => MeasuredStructureStats | null;
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function crop(c: Context, s: MeasuredStructureStats, stride?: readonly [number, number, number]): MaskCrop {
  return cropMask(c.labels.layers[s.layer], c.grid, new Set([s.labelId]), { min: s.ijkBounds.min, max: s.ijkBounds.max }, { marginVoxels: 2, ...(stride ? { stride } : {}) });
}

/** Voxel centres of a mask in RAS, at most `max` of them (every n-th), flat [x, y, z, ...]. */
function pointCloud(m: MaskCrop, max = 3000): PointCloud {
  const [nx, ny, nz] = m.dims;
  const every = Math.max(1, Math.ceil(m.count / max));
  const out: number[] = [];
  let seen = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (m.mask[i + nx * (j + ny * k)] === 0) continue;
        if (seen++ % every === 0) out.push(...cropVoxelRas(m, i, j, k));
      }
  return Float64Array.from(out);
}

function centrelineOptions(coarse: MaskCrop): CentrelineOptions {
  const voxel = Math.max(...coarse.spacingMm);
  return { stepMm: SAMPLE_STEP_MM, smoothMm: Math.max(4, 2 * voxel), tangentMm: Math.max(5, 2 * voxel) };
}

function strideFor(spacing: Vec3): [number, number, number] {
  return [0, 1, 2].map((a) => Math.max(1, Math.round(CENTRELINE_VOXEL_MM / spacing[a]))) as [number, number, number];
}

/**
 * Whether a centreline end lies on a face of the scan the vessel touches: within three voxels (+ 2 mm) of that
 * face, measured along the face's axis.
 */
function atBorder(c: Context, s: MeasuredStructureStats, p: Vec3): boolean {
  const inv = rasToIjkMatrix(c.grid);
  const ijk = [0, 1, 2].map((a) => inv[a * 4] * p[0] + inv[a * 4 + 1] * p[1] + inv[a * 4 + 2] * p[2] + inv[a * 4 + 3]);
  return s.touchesBorder.some((face) => {
    const axis = face[0] === 'i' ? 0 : face[0] === 'j' ? 1 : 2;
    const toFace = face[1] === '-' ? ijk[axis] + 0.5 : c.grid.dims[axis] - 0.5 - ijk[axis];
    return toFace * c.spacing[axis] <= 3 * c.spacing[axis] + 2;
  });
}

interface Traced {
  readonly stats: MeasuredStructureStats;
  readonly full: MaskCrop;
  readonly coarse: MaskCrop;
  readonly centreline: Centreline;
  readonly profile: Profile;
  readonly proximalAtBorder: boolean;
  readonly distalAtBorder: boolean;
}

function profileOptions(c: Context) {
  return { pixelMm: c.pixelMm, surveyPixelMm: c.surveyPixelMm, vertebrae: c.vertebrae };
}

function trace(c: Context, s: MeasuredStructureStats, proximalHintRas?: Vec3): Traced | null {
  const full = crop(c, s);
  const coarse = crop(c, s, strideFor(c.spacing));
  const centreline = traceCentreline(coarse, { ...centrelineOptions(coarse), ...(proximalHintRas ? { proximalHintRas } : {}) });
  if (centreline === null || centreline.points.length < 2) return null;
  const proximalAtBorder = atBorder(c, s, centreline.points[0]);
  const distalAtBorder = atBorder(c, s, centreline.points[centreline.points.length - 1]);
  const profile = calibreProfile(full, centreline, { ...profileOptions(c), borderEnds: { proximal: proximalAtBorder, distal: distalAtBorder } });
  return { stats: s, full, coarse, centreline, profile, proximalAtBorder, distalAtBorder };
}

function record(c: Context, t: Traced, proximalBy: VesselCalibre['proximalBy'], extra: Pick<VesselCalibre, 'landmarks' | 'sections'> & Partial<Pick<VesselCalibre, 'landmarkSections'>>): VesselCalibre {
  return {
    vessel: t.stats.name!,
    labelId: t.stats.labelId,
    layer: t.stats.layer,
    lengthMm: t.centreline.lengthMm,
    proximalBy,
    proximalAtBorder: t.proximalAtBorder,
    distalAtBorder: t.distalAtBorder,
    landmarks: extra.landmarks,
    sections: extra.sections,
    samples: t.profile.samples.map(publicSample),
    landmarkSections: extra.landmarkSections ?? [],
    method: { stepMm: SAMPLE_STEP_MM, pixelMm: c.pixelMm, centrelineVoxelMm: [...t.coarse.spacingMm] },
  };
}

function measureAorta(c: Context): { calibre: VesselCalibre; traced: Traced } | null {
  const aorta = c.stats('aorta');
  if (aorta === null || aorta.volumeMl < MIN_VESSEL_VOLUME_ML) return null;
  const heart = c.stats('heart');
  const t = trace(c, aorta, heart?.rasCentroid);
  if (t === null) return null;
  const cloud = (name: string) => {
    const s = c.stats(name);
    return s === null ? undefined : pointCloud(crop(c, s));
  };
  const rootImaged = heart !== null && !t.proximalAtBorder;
  const distal = t.centreline.points[t.centreline.points.length - 1];
  const iliacs = ['iliac_artery_left', 'iliac_artery_right'].map((n) => c.stats(n)).filter((s): s is MeasuredStructureStats => s !== null);
  const bifurcationImaged = !t.distalAtBorder && iliacs.some((s) => nearestDistance(pointCloud(crop(c, s), 2000), distal) <= 10);
  const { landmarks, sections } = aortaSections(t.profile, {
    brachiocephalicTrunk: cloud('brachiocephalic_trunk'),
    leftSubclavian: cloud('subclavian_artery_left'),
    celiacTrunk: cloud('celiac_trunk'),
    renalArteries: cloud('renal_arteries'),
    vertebrae: c.vertebrae,
    rootImaged,
    proximalAtBorder: t.proximalAtBorder,
    distalAtBorder: t.distalAtBorder,
    bifurcationImaged,
    lengthMm: t.centreline.lengthMm,
  });
  return { calibre: record(c, t, heart !== null ? 'heart' : 'cranial', { landmarks, sections }), traced: t };
}

function nearestDistance(cloud: PointCloud, p: Vec3): number {
  let best = Infinity;
  for (let q = 0; q < cloud.length; q += 3) best = Math.min(best, Math.hypot(cloud[q] - p[0], cloud[q + 1] - p[1], cloud[q + 2] - p[2]));
  return best;
}

function measureIliac(c: Context, name: 'iliac_artery_left' | 'iliac_artery_right', aortaEnd: Vec3 | null): VesselCalibre | null {
  const s = c.stats(name);
  if (s === null || s.volumeMl < MIN_VESSEL_VOLUME_ML) return null;
  const t = trace(c, s, aortaEnd ?? undefined);
  if (t === null) return null;
  const fromAorta = aortaEnd !== null && dist(t.centreline.points[0], aortaEnd) <= 20;
  const display = name === 'iliac_artery_left' ? 'left iliac artery' : 'right iliac artery';
  const start = { arcMm: 0, boundary: t.proximalAtBorder ? 'scan border' : fromAorta ? 'bifurcation' : 'end of the mask' };
  const end = { arcMm: t.centreline.lengthMm, boundary: t.distalAtBorder ? 'scan border' : 'end of the mask' };
  return record(c, t, fromAorta ? 'aorta' : 'cranial', { landmarks: [], sections: [sectionOf(t.profile, name, display, start, end)] });
}

const PA_LANDMARKS: readonly (readonly [string, string])[] = [
  ['pul_annulus', 'proximal main pulmonary artery (pulmonary annulus)'],
  ['pul_sinotubular_junction', 'pulmonary sinotubular junction'],
  ['pul_bifurcation', 'pulmonary artery bifurcation'],
  ['pul_left_start', 'left pulmonary artery origin'],
  ['pul_right_start', 'right pulmonary artery origin'],
];

function measurePulmonaryArtery(c: Context, aorta: { calibre: VesselCalibre; traced: Traced } | null): { calibre: VesselCalibre | null; trunk: PulmonaryTrunk | null } {
  const pa = c.stats('pulmonary_artery');
  const paFull = pa === null ? null : crop(c, pa);
  const landmarkSections: LandmarkSection[] = [];
  for (const [name, display] of PA_LANDMARKS) {
    const s = c.stats(name);
    if (s === null) continue;
    const l = landmarkSection(name, display, crop(c, s), paFull, c.pixelMm);
    if (l !== null) landmarkSections.push(l);
  }
  if (pa === null || paFull === null || pa.volumeMl < MIN_VESSEL_VOLUME_ML) return { calibre: null, trunk: null };
  // Root: the pulmonary annulus landmark, else the heart, else the most anterior part of the mask.
  const annulus = landmarkSections.find((l) => l.landmark === 'pul_annulus');
  const heart = c.stats('heart');
  const rootHint: Vec3 = annulus?.centreRas ?? heart?.rasCentroid ?? [pa.rasCentroid[0], pa.rasBounds.max[1], pa.rasCentroid[2]];
  const coarse = crop(c, pa, strideFor(c.spacing));
  const traced = traceBranches(coarse, { ...centrelineOptions(coarse), rootHintRas: rootHint });
  if (traced === null) return { calibre: null, trunk: null };
  const [b1, b2] = traced.branches;
  const div = traced.divergenceMm;
  // Planes near the bifurcation cut the trunk and a branch at once: from one radius before the point where the
  // two paths part to 1.5 radii after it, samples are kept but not taken as maxima.
  const junctionRadius = b1.radiusMm[Math.min(b1.radiusMm.length - 1, Math.round(div / SAMPLE_STEP_MM))];
  const atJunction = (x: ProfiledSample) => x.arcMm >= div - junctionRadius && x.arcMm <= div + 1.5 * junctionRadius;
  const s1 = excludeFromMaxima(calibreProfile(paFull, b1, profileOptions(c)), atJunction);
  const s2 = excludeFromMaxima(calibreProfile(paFull, b2, profileOptions(c)), atJunction);
  // RAS x: + is the patient's right, so the branch ending further left (smaller x) is the left pulmonary artery.
  const end = (b: Centreline) => b.points[b.points.length - 1][0];
  const [left, right] = end(b1) <= end(b2) ? [{ b: b1, s: s1 }, { b: b2, s: s2 }] : [{ b: b2, s: s2 }, { b: b1, s: s1 }];
  const rootBoundary = annulus !== undefined ? 'pulmonary annulus' : 'end of the mask';
  const sections: VesselSection[] = [
    sectionOf(s1, 'main_pulmonary_artery', 'main pulmonary artery', { arcMm: 0, boundary: rootBoundary }, { arcMm: div, boundary: 'bifurcation' }),
    sectionOf(left.s, 'left_pulmonary_artery', 'left pulmonary artery', { arcMm: div, boundary: 'bifurcation' }, { arcMm: left.b.lengthMm, boundary: 'end of the mask' }),
    sectionOf(right.s, 'right_pulmonary_artery', 'right pulmonary artery', { arcMm: div, boundary: 'bifurcation' }, { arcMm: right.b.lengthMm, boundary: 'end of the mask' }),
  ];
  const bifurcation = s1.samples.find((x) => x.arcMm >= div) ?? s1.samples[s1.samples.length - 1];
  const calibre: VesselCalibre = {
    vessel: 'pulmonary_artery',
    labelId: pa.labelId,
    layer: pa.layer,
    lengthMm: b1.lengthMm,
    proximalBy: annulus !== undefined ? 'landmark' : heart !== null ? 'heart' : 'cranial',
    proximalAtBorder: atBorder(c, pa, b1.points[0]),
    distalAtBorder: atBorder(c, pa, b1.points[b1.points.length - 1]),
    landmarks: [{ name: 'bifurcation', arcMm: div, ras: bifurcation.ras, how: 'vessel end' }],
    sections,
    samples: s1.samples.map(publicSample),
    landmarkSections,
    method: { stepMm: SAMPLE_STEP_MM, pixelMm: c.pixelMm, centrelineVoxelMm: [...coarse.spacingMm] },
  };
  return { calibre, trunk: pulmonaryTrunk(s1, div, landmarkSections, aorta) };
}

/**
 * The main pulmonary artery diameter where radiologists measure it, at the level of the bifurcation (Truong et al.
 * 2012; passage framingham-pulmonary-artery-diameter): the pul_bifurcation landmark's section when given, else the
 * largest section of the trunk over the 15 mm before the bifurcation. The ascending aorta is read on the same axial
 * level: the aortic sample between the root and the arch apex nearest in height (within 10 mm).
 */
function pulmonaryTrunk(trunk: Profile, divergenceMm: number, landmarks: readonly LandmarkSection[], aorta: { calibre: VesselCalibre; traced: Traced } | null): PulmonaryTrunk | null {
  const landmark = landmarks.find((l) => l.landmark === 'pul_bifurcation');
  let diameterMm: number;
  let ras: readonly [number, number, number];
  let how: string;
  if (landmark !== undefined) {
    diameterMm = landmark.footprint.maxDiameterMm;
    ras = landmark.centreRas;
    how = 'pul_bifurcation landmark';
  } else {
    const near = (x: ProfiledSample) => !x.endCap && x.section !== null && x.arcMm >= divergenceMm - 15 && x.arcMm <= divergenceMm;
    trunk.samples.forEach((x, n) => near(x) && trunk.refine(n));
    const candidates = trunk.samples.filter(near);
    if (candidates.length === 0) return null;
    const best = candidates.reduce((a, b) => (b.maxDiameterMm > a.maxDiameterMm ? b : a));
    diameterMm = best.maxDiameterMm;
    ras = best.ras;
    how = 'centreline before the bifurcation';
  }
  let ascendingAortaDiameterMm: number | null = null;
  if (aorta !== null && aorta.calibre.proximalBy === 'heart' && !aorta.calibre.proximalAtBorder) {
    const profile = aorta.traced.profile;
    const s = profile.samples;
    const apex = s.reduce((best, x, n) => (x.ras[2] > s[best].ras[2] ? n : best), 0);
    let level = -1;
    for (let n = 0; n <= apex; n++) if (!s[n].endCap && s[n].section !== null && (level < 0 || Math.abs(s[n].ras[2] - ras[2]) < Math.abs(s[level].ras[2] - ras[2]))) level = n;
    if (level >= 0 && Math.abs(s[level].ras[2] - ras[2]) <= 10) {
      profile.refine(level);
      ascendingAortaDiameterMm = s[level].maxDiameterMm;
    }
  }
  return {
    diameterMm,
    ras,
    how,
    ascendingAortaDiameterMm,
    paAortaRatio: ascendingAortaDiameterMm === null ? null : diameterMm / ascendingAortaDiameterMm,
  };
}

/** Calibre of every vessel the masks allow: aorta, iliac arteries, pulmonary artery. */
export function measureVessels(grid: Grid, labels: LabelMap, structures: readonly StructureStats[]): VesselMeasurements {
  const byName = new Map<string, MeasuredStructureStats>();
  for (const s of structures) if (s.present && s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
  const spacing = splitIjkToRas(grid.ijkToRas).spacingMm;
  const c: Context = {
    grid,
    labels,
    spacing,
    // Half the finest voxel spacing, within [0.3, 0.6] mm (the outline is sub-pixel; the pixel sets the area's grain);
    // samples that cannot be a section's maximum are surveyed at 1 mm.
    pixelMm: Math.min(0.6, Math.max(0.3, Math.min(...spacing) / 2)),
    surveyPixelMm: SURVEY_PIXEL_MM,
    vertebrae: vertebraRangesFromStats(structures, grid),
    stats: (name) => byName.get(name) ?? null,
  };
  const aorta = measureAorta(c);
  const aortaEnd = aorta === null ? null : aorta.traced.centreline.points[aorta.traced.centreline.points.length - 1];
  const iliacs = (['iliac_artery_left', 'iliac_artery_right'] as const).map((n) => measureIliac(c, n, aortaEnd)).filter((v): v is VesselCalibre => v !== null);
  const pa = measurePulmonaryArtery(c, aorta);
  return {
    vessels: [...(aorta === null ? [] : [aorta.calibre]), ...iliacs, ...(pa.calibre === null ? [] : [pa.calibre])],
    pulmonaryTrunk: pa.trunk,
  };
}
