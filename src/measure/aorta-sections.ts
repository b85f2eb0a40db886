import { sectionOf, type Profile, type ProfiledSample } from './calibre-profile.ts';
import type { CentrelineLandmark, Ras3, VesselSection } from './vessel-types.ts';
import type { ZRange } from './vertebra-ranges.ts';

/**
 * The aorta's sections along its centreline, bounded by landmarks as TotalSegmentator's aorta report bounds them
 * (passage groundct-aorta-sections):
 *
 * - ascending aorta: root to 5 mm before the brachiocephalic trunk origin;
 * - arch: to 5 mm after the left subclavian artery origin;
 * - descending thoracic aorta: to the aortic hiatus, taken 10 mm above the coeliac trunk origin, else at the
 *   height of T12's centroid;
 * - suprarenal abdominal aorta: to the lowest renal artery origin, else (no renal artery mask) the height of the
 *   L1/L2 disc, where the renal arteries usually arise;
 * - infrarenal abdominal aorta: to the bifurcation (the distal end when the iliac arteries meet it).
 *
 * A branch origin is the point of the centreline nearest to the branch mask, accepted when the branch comes within
 * the local radius + 5 mm of the centreline. A height (vertebra) is placed where the centreline last crosses it
 * going distally (the descending part, never the ascending aorta). Missing landmarks merge the sections they
 * separate ('abdominal aorta'); a section that starts or ends at the scan border is incomplete.
 */

/** Gap beyond the local radius within which a branch mask counts as arising from the aorta, mm. */
export const BRANCH_CONTACT_MM = 5;
/** Distances of TotalSegmentator's distal-ascending / proximal-descending landmarks from the arch branch origins, mm. */
export const ARCH_MARGIN_MM = 5;
/** The hiatus lies this far above the coeliac trunk origin (TotalSegmentator's landmark 9 rule), mm. */
export const HIATUS_ABOVE_CELIAC_MM = 10;

/** Voxel centres of a branch mask in RAS, flat [x, y, z, ...]. */
export type PointCloud = Float64Array;

/** Arc position where the branch given by its voxel centres leaves the centreline, or null when it does not touch. */
export function branchOrigin(samples: readonly ProfiledSample[], branch: PointCloud, mode: 'nearest' | 'most distal' = 'nearest'): { arcMm: number; ras: Ras3 } | null {
  let best: { arcMm: number; ras: Ras3; gap: number } | null = null;
  for (const s of samples) {
    let d2 = Infinity;
    for (let p = 0; p < branch.length; p += 3) {
      const dx = branch[p] - s.ras[0];
      const dy = branch[p + 1] - s.ras[1];
      const dz = branch[p + 2] - s.ras[2];
      const e = dx * dx + dy * dy + dz * dz;
      if (e < d2) d2 = e;
    }
    const gap = Math.sqrt(d2) - s.radiusMm;
    if (gap > BRANCH_CONTACT_MM) continue;
    if (best === null || (mode === 'nearest' ? gap < best.gap : s.arcMm > best.arcMm)) best = { arcMm: s.arcMm, ras: s.ras, gap };
  }
  return best === null ? null : { arcMm: best.arcMm, ras: best.ras };
}

/** Arc position where the centreline last crosses height z going distally (after `fromArcMm`), or null. */
export function lastCrossing(samples: readonly ProfiledSample[], z: number, fromArcMm = 0): { arcMm: number; ras: Ras3 } | null {
  let found: { arcMm: number; ras: Ras3 } | null = null;
  for (let n = 1; n < samples.length; n++) {
    const a = samples[n - 1];
    const b = samples[n];
    if (b.arcMm < fromArcMm) continue;
    if ((a.ras[2] - z) * (b.ras[2] - z) > 0) continue;
    const f = a.ras[2] === b.ras[2] ? 0 : (z - a.ras[2]) / (b.ras[2] - a.ras[2]);
    found = { arcMm: a.arcMm + f * (b.arcMm - a.arcMm), ras: [a.ras[0] + f * (b.ras[0] - a.ras[0]), a.ras[1] + f * (b.ras[1] - a.ras[1]), z] };
  }
  return found;
}

export interface AortaLandmarkInputs {
  readonly brachiocephalicTrunk?: PointCloud;
  readonly leftSubclavian?: PointCloud;
  readonly celiacTrunk?: PointCloud;
  readonly renalArteries?: PointCloud;
  readonly vertebrae: readonly ZRange[];
  /** The proximal end is the aortic root (next to the heart), not the cut end of a partial aorta. */
  readonly rootImaged: boolean;
  readonly proximalAtBorder: boolean;
  readonly distalAtBorder: boolean;
  /** The iliac arteries meet the distal end. */
  readonly bifurcationImaged: boolean;
  readonly lengthMm: number;
}

/** The five regions in order; a cut separates region r from r + 1. */
const REGIONS = ['ascending_aorta', 'aortic_arch', 'descending_thoracic_aorta', 'suprarenal_abdominal_aorta', 'infrarenal_abdominal_aorta'] as const;

/** Names of merged stretches (first region index, last region index). */
const MERGED: Readonly<Record<string, readonly [string, string]>> = {
  '0-1': ['ascending_aorta_and_arch', 'ascending aorta and arch'],
  '1-2': ['aortic_arch_and_descending_thoracic_aorta', 'aortic arch and descending thoracic aorta'],
  '0-2': ['thoracic_aorta', 'thoracic aorta'],
  '2-3': ['descending_aorta_to_renal_level', 'descending aorta to the renal arteries'],
  '3-4': ['abdominal_aorta', 'abdominal aorta'],
  '2-4': ['descending_aorta', 'descending aorta'],
  '1-4': ['aortic_arch_and_descending_aorta', 'aortic arch and descending aorta'],
  '0-3': ['aorta_above_renal_arteries', 'aorta above the renal arteries'],
  '1-3': ['aortic_arch_to_renal_level', 'aortic arch to the renal arteries'],
  '0-4': ['aorta', 'aorta'],
};

function regionName(first: number, last: number): [string, string] {
  if (first === last) return [REGIONS[first], REGIONS[first].replace(/_/g, ' ')];
  return [...(MERGED[`${first}-${last}`] ?? ['aorta', 'aorta'])] as [string, string];
}

interface Cut {
  readonly region: number;
  readonly arcMm: number;
  readonly boundary: string;
}

/** Landmarks and sections of an aorta from its profiled centreline samples. */
export function aortaSections(profile: Profile, i: AortaLandmarkInputs): { landmarks: CentrelineLandmark[]; sections: VesselSection[] } {
  const samples = profile.samples;
  const landmarks: CentrelineLandmark[] = [];
  const cuts: Cut[] = [];
  const origin = (name: string, cloud: PointCloud | undefined, mode: 'nearest' | 'most distal' = 'nearest') => {
    if (cloud === undefined) return null;
    const o = branchOrigin(samples, cloud, mode);
    if (o !== null) landmarks.push({ name, arcMm: o.arcMm, ras: o.ras, how: 'branch origin' });
    return o;
  };
  const bct = origin('brachiocephalic_trunk', i.brachiocephalicTrunk);
  const lsa = origin('subclavian_artery_left', i.leftSubclavian);
  if (bct !== null && i.rootImaged) cuts.push({ region: 0, arcMm: Math.max(0, bct.arcMm - ARCH_MARGIN_MM), boundary: 'brachiocephalic trunk origin' });
  if (lsa !== null) cuts.push({ region: 1, arcMm: Math.min(i.lengthMm, lsa.arcMm + ARCH_MARGIN_MM), boundary: 'left subclavian artery origin' });
  const afterArch = lsa?.arcMm ?? bct?.arcMm ?? 0;
  const celiac = origin('celiac_trunk', i.celiacTrunk);
  const t12 = i.vertebrae.find((v) => v.level === 'T12');
  const t12Cross = t12 === undefined ? null : lastCrossing(samples, t12.zCentroidMm, afterArch);
  if (t12Cross !== null) landmarks.push({ name: 'T12', arcMm: t12Cross.arcMm, ras: t12Cross.ras, how: 'vertebral level' });
  const hiatus = celiac !== null
    ? { arcMm: Math.max(0, celiac.arcMm - HIATUS_ABOVE_CELIAC_MM), boundary: 'aortic hiatus (10 mm above the coeliac trunk)' }
    : t12Cross !== null ? { arcMm: t12Cross.arcMm, boundary: 'aortic hiatus (T12)' } : null;
  if (hiatus !== null) cuts.push({ region: 2, ...hiatus });
  const renal = origin('renal_arteries', i.renalArteries, 'most distal');
  const l1 = i.vertebrae.find((v) => v.level === 'L1');
  const l1Bottom = l1 === undefined || renal !== null ? null : lastCrossing(samples, l1.zMinMm, hiatus?.arcMm ?? afterArch);
  if (l1Bottom !== null) landmarks.push({ name: 'L1/L2', arcMm: l1Bottom.arcMm, ras: l1Bottom.ras, how: 'vertebral level' });
  if (renal !== null) cuts.push({ region: 3, arcMm: renal.arcMm, boundary: 'lowest renal artery origin' });
  else if (l1Bottom !== null) cuts.push({ region: 3, arcMm: l1Bottom.arcMm, boundary: 'renal level (L1/L2 disc)' });
  if (i.bifurcationImaged && samples.length > 0) {
    const last = samples[samples.length - 1];
    landmarks.push({ name: 'bifurcation', arcMm: last.arcMm, ras: last.ras, how: 'vessel end' });
  }

  // Cuts must run distally in region order; a cut out of order (a mislabelled branch) is dropped.
  const ordered: Cut[] = [];
  for (const c of cuts.sort((a, b) => a.region - b.region)) {
    if (ordered.length === 0 || c.arcMm > ordered[ordered.length - 1].arcMm) ordered.push(c);
  }
  // Where the imaged aorta starts: with no arch cut and a cranial (non-root) start, the first stretch is no
  // higher than the descending thoracic aorta; with no hiatus and no renal cut either, nothing names it.
  // A scan that starts below T12 (lumbar vertebrae only) starts in the abdominal aorta.
  const topLumbar = i.vertebrae.find((v) => v.level.startsWith('L'));
  const belowHiatus = hiatus === null && !i.rootImaged && topLumbar !== undefined && !i.vertebrae.some((v) => v.level.startsWith('T')) && samples.length > 0 && samples[0].ras[2] <= topLumbar.zMaxMm + 10;
  const firstRegion = i.rootImaged ? 0 : belowHiatus ? 3 : ordered.some((c) => c.region <= 1) ? 0 : ordered.some((c) => c.region >= 2) ? 2 : 0;
  const start = { arcMm: 0, boundary: i.proximalAtBorder ? 'scan border' : i.rootImaged ? 'root' : 'end of the mask' };
  const end = { arcMm: i.lengthMm, boundary: i.distalAtBorder ? 'scan border' : i.bifurcationImaged ? 'bifurcation' : 'end of the mask' };
  const sections: VesselSection[] = [];
  let from = start;
  let region = firstRegion;
  for (const c of ordered) {
    const [name, display] = regionName(Math.min(region, c.region), c.region);
    sections.push(sectionOf(profile, name, display, from, { arcMm: c.arcMm, boundary: c.boundary }));
    from = { arcMm: c.arcMm, boundary: c.boundary };
    region = c.region + 1;
  }
  // After the last cut: up to the infrarenal aorta when the distal end is the bifurcation or beyond the scan.
  const lastRegion = ordered.length === 0 && !i.rootImaged && !i.bifurcationImaged && !belowHiatus ? 0 : 4;
  const [name, display] = ordered.length === 0 && lastRegion === 0 ? ['aorta', 'aorta'] : regionName(region, Math.max(region, lastRegion));
  sections.push(sectionOf(profile, name, display, from, end));
  return { landmarks: landmarks.sort((a, b) => a.arcMm - b.arcMm), sections };
}
