import { structureOrNull } from '../anatomy/index.ts';
import type { FollowupConfig } from '../config.ts';
import type { LesionRecord } from '../measure/index.ts';
import { invertMat4, multiplyMat4, type Grid, type Mat4 } from '../volume/index.ts';
import { assignMinCost } from './assignment.ts';
import { distanceMm, transformPoint, type Point3 } from './rigid.ts';
import type { StudyArtifacts } from './study-folder.ts';
import type { LesionMatch } from './types.ts';

/**
 * Lesion correspondence between two aligned studies (groundct method, passage groundct-lesion-matching):
 * 1. lesions are compared only within one organ group (the lesion's organ; all lymph nodes form one group, as
 *    RECIST 1.1 counts nodes as one organ; lesions without an organ form one group);
 * 2. a lesion whose aligned centroid falls outside the other study's field of view gets no partner and no
 *    verdict ('outside-*-field': it cannot be called new or gone);
 * 3. each pair has a distance (aligned centroids, mm) and an overlap (the earlier lesion's voxels mapped into
 *    the later grid: shared volume over the smaller lesion's volume); it may pair when the distance is at most
 *    `maxMatchDistanceMm` or the overlap at least MIN_OVERLAP; its cost is min(1, distance / max) + (1 - overlap);
 * 4. the one-to-one assignment of least total cost is found by the Hungarian method (assignment.ts);
 * 5. a lesion left unpaired that overlaps a paired lesion of the other study by at least MIN_OVERLAP is a split
 *    (one earlier lesion, several later) or a merge (several earlier, one later), never a new or gone lesion.
 */

/** Least overlap (shared volume over the smaller lesion's volume) that pairs two lesions regardless of distance. */
export const MIN_OVERLAP = 0.1;
/** Cost of leaving a lesion unpaired: above half the largest pair cost (2), so every admissible pair is made. */
const UNPAIRED_COST = 1.5;
const INADMISSIBLE = 10;
/** Voxels of an earlier lesion mapped into the later grid to measure overlap (evenly thinned above this). */
const OVERLAP_SAMPLES = 20_000;

/** The group a lesion is matched within. */
export function lesionGroup(l: LesionRecord): string {
  if (structureOrNull(l.lesionClass)?.kind === 'lymph_node') return 'lymph_node';
  return l.organ ?? 'none';
}

export function isNodeGroup(group: string): boolean {
  return group === 'lymph_node';
}

function insideGrid(grid: Grid, rasToIjk: Mat4, p: Point3): boolean {
  const v = transformPoint(rasToIjk, p);
  return [0, 1, 2].every((a) => v[a] >= -0.5 && v[a] <= grid.dims[a] - 0.5);
}

function contains(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid];
    if (x === value) return true;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Overlap of one earlier lesion with each later candidate: the earlier voxels (thinned evenly to at most
 * OVERLAP_SAMPLES) are mapped through earlier ijk -> RAS -> transform -> later ijk (nearest voxel) and looked up in
 * each candidate's sorted voxel list. Shared volume = hit share x the earlier lesion's volume.
 */
function overlaps(earlierVoxels: Uint32Array, earlierGrid: Grid, laterGrid: Grid, earlierToLater: Mat4, candidates: readonly { voxels: Uint32Array }[]): number[] {
  const hits = candidates.map(() => 0);
  if (candidates.length === 0) return hits;
  const [ni, nj] = earlierGrid.dims;
  const [li, lj, lk] = laterGrid.dims;
  // earlier ijk -> later ijk in one matrix.
  const m = [invertMat4(laterGrid.ijkToRas), earlierToLater, earlierGrid.ijkToRas].reduce((a, b) => multiplyMat4(a, b));
  const every = Math.max(1, earlierVoxels.length / OVERLAP_SAMPLES);
  let sampled = 0;
  for (let s = 0; s < earlierVoxels.length; s += every) {
    const idx = earlierVoxels[Math.floor(s)];
    const i = idx % ni;
    const j = ((idx - i) / ni) % nj;
    const k = (idx - i - j * ni) / (ni * nj);
    sampled++;
    const a = Math.round(m[0] * i + m[1] * j + m[2] * k + m[3]);
    const b = Math.round(m[4] * i + m[5] * j + m[6] * k + m[7]);
    const c = Math.round(m[8] * i + m[9] * j + m[10] * k + m[11]);
    if (a < 0 || b < 0 || c < 0 || a >= li || b >= lj || c >= lk) continue;
    const target = a + li * (b + lj * c);
    candidates.forEach((cand, n) => {
      if (contains(cand.voxels, target)) hits[n]++;
    });
  }
  return hits.map((h) => (sampled > 0 ? h / sampled : 0));
}

interface Side {
  readonly study: StudyArtifacts;
  readonly lesions: readonly LesionRecord[];
  readonly voxels: ReadonlyMap<string, Uint32Array>;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function matchLesions(earlier: Side, later: Side, earlierToLater: Mat4, config: Pick<FollowupConfig, 'maxMatchDistanceMm'>): LesionMatch[] {
  const laterToEarlier = invertMat4(earlierToLater);
  const earlierRasToIjk = invertMat4(earlier.study.grid.ijkToRas);
  const laterRasToIjk = invertMat4(later.study.grid.ijkToRas);
  const groups = [...new Set([...earlier.lesions, ...later.lesions].map(lesionGroup))];
  const rows: LesionMatch[] = [];
  for (const group of groups) {
    const eAll = earlier.lesions.filter((l) => lesionGroup(l) === group);
    const lAll = later.lesions.filter((l) => lesionGroup(l) === group);
    const mapped = new Map(eAll.map((e) => [e.id, transformPoint(earlierToLater, e.rasCentroid as unknown as Point3)]));
    const E = eAll.filter((e) => insideGrid(later.study.grid, laterRasToIjk, mapped.get(e.id)!));
    const L = lAll.filter((l) => insideGrid(earlier.study.grid, earlierRasToIjk, transformPoint(laterToEarlier, l.rasCentroid as unknown as Point3)));
    for (const e of eAll) if (!E.includes(e)) rows.push({ kind: 'outside-later-field', earlierLesionIds: [e.id], laterLesionIds: [], organ: group });
    for (const l of lAll) if (!L.includes(l)) rows.push({ kind: 'outside-earlier-field', earlierLesionIds: [], laterLesionIds: [l.id], organ: group });

    const dist = E.map((e) => L.map((l) => distanceMm(mapped.get(e.id)!, l.rasCentroid as unknown as Point3)));
    const overlap = E.map((e, r) => {
      // Only lesions whose extents could touch are intersected.
      const near = L.map((l, c) => dist[r][c] <= config.maxMatchDistanceMm + (e.max3dDiameterMm + l.max3dDiameterMm) / 2);
      const shares = overlaps(earlier.voxels.get(e.id)!, earlier.study.grid, later.study.grid, earlierToLater, L.filter((_, c) => near[c]).map((l) => ({ voxels: later.voxels.get(l.id)! })));
      let n = 0;
      return L.map((l, c) => {
        if (!near[c]) return 0;
        const sharedMl = shares[n++] * e.volumeMl;
        return Math.min(1, sharedMl / Math.min(e.volumeMl, l.volumeMl));
      });
    });
    const cost = E.map((_, r) =>
      L.map((_, c) => (dist[r][c] <= config.maxMatchDistanceMm || overlap[r][c] >= MIN_OVERLAP ? Math.min(1, dist[r][c] / config.maxMatchDistanceMm) + (1 - overlap[r][c]) : INADMISSIBLE)),
    );
    const assigned = assignMinCost(cost, UNPAIRED_COST).map((c, r) => (c >= 0 && cost[r][c] < INADMISSIBLE ? c : -1));
    const laterPartner = L.map((_, c) => assigned.indexOf(c));

    // Splits: an unpaired later lesion overlapping a paired earlier one; merges: the converse.
    const splitInto = new Map<number, number[]>();
    const mergedFrom = new Map<number, number[]>();
    L.forEach((_, c) => {
      if (laterPartner[c] >= 0) return;
      let best = -1;
      E.forEach((__, r) => {
        if (assigned[r] >= 0 && overlap[r][c] >= MIN_OVERLAP && (best < 0 || overlap[r][c] > overlap[best][c])) best = r;
      });
      if (best >= 0) splitInto.set(best, [...(splitInto.get(best) ?? []), c]);
    });
    E.forEach((_, r) => {
      if (assigned[r] >= 0) return;
      let best = -1;
      L.forEach((__, c) => {
        if (laterPartner[c] >= 0 && !splitInto.has(laterPartner[c]) && overlap[r][c] >= MIN_OVERLAP && (best < 0 || overlap[r][c] > overlap[r][best])) best = c;
      });
      if (best >= 0) mergedFrom.set(best, [...(mergedFrom.get(best) ?? []), r]);
    });
    const inSplit = new Set([...splitInto.values()].flat());
    const inMerge = new Set([...mergedFrom.values()].flat());

    E.forEach((e, r) => {
      const c = assigned[r];
      if (c < 0) {
        if (!inMerge.has(r)) rows.push({ kind: 'disappeared', earlierLesionIds: [e.id], laterLesionIds: [], organ: group });
        return;
      }
      const pair = { distanceMm: round3(dist[r][c]), overlapFraction: round3(overlap[r][c]) };
      if (splitInto.has(r)) {
        rows.push({ kind: 'split', earlierLesionIds: [e.id], laterLesionIds: [L[c].id, ...splitInto.get(r)!.map((x) => L[x].id)], organ: group, ...pair });
      } else if (mergedFrom.has(c)) {
        rows.push({ kind: 'merged', earlierLesionIds: [e.id, ...mergedFrom.get(c)!.map((x) => E[x].id)], laterLesionIds: [L[c].id], organ: group, ...pair });
      } else rows.push({ kind: 'matched', earlierLesionIds: [e.id], laterLesionIds: [L[c].id], organ: group, ...pair });
    });
    L.forEach((l, c) => {
      if (laterPartner[c] < 0 && !inSplit.has(c)) rows.push({ kind: 'new', earlierLesionIds: [], laterLesionIds: [l.id], organ: group });
    });
  }
  return rows;
}
