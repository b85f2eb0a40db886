import { describe, expect, it } from 'vitest';
import type { LesionRecord } from '../measure/index.ts';
import type { Grid } from '../volume/index.ts';
import { matchLesions } from './match-lesions.ts';
import { IDENTITY, rigidMatrix } from './rigid.ts';
import type { StudyArtifacts } from './study-folder.ts';

/**
 * Matching on small synthetic grids (1 mm voxels) with spherical lesions whose centres and radii are chosen so
 * that the right answer is known by construction.
 */

const grid = (dims: [number, number, number], origin: [number, number, number] = [0, 0, 0]): Grid => ({ dims, ijkToRas: [1, 0, 0, origin[0], 0, 1, 0, origin[1], 0, 0, 1, origin[2], 0, 0, 0, 1] });

interface Ball {
  id: string;
  centre: [number, number, number]; // voxel indices (= RAS mm minus the origin)
  radius: number;
  organ?: string;
}

function side(g: Grid, balls: Ball[]) {
  const [ni, nj, nk] = g.dims;
  const voxels = new Map<string, Uint32Array>();
  const lesions = balls.map((b) => {
    const list: number[] = [];
    for (let k = 0; k < nk; k++)
      for (let j = 0; j < nj; j++)
        for (let i = 0; i < ni; i++) if ((i - b.centre[0]) ** 2 + (j - b.centre[1]) ** 2 + (k - b.centre[2]) ** 2 <= b.radius ** 2) list.push(i + ni * (j + nj * k));
    voxels.set(b.id, Uint32Array.from(list));
    const organ = b.organ ?? 'liver';
    return {
      id: b.id,
      lesionClass: `${organ}_lesion`,
      organ,
      rasCentroid: [b.centre[0] + g.ijkToRas[3], b.centre[1] + g.ijkToRas[7], b.centre[2] + g.ijkToRas[11]],
      volumeMl: list.length / 1000,
      max3dDiameterMm: 2 * b.radius,
    } as unknown as LesionRecord;
  });
  return { study: { grid: g } as unknown as StudyArtifacts, lesions, voxels };
}

const kinds = (rows: ReturnType<typeof matchLesions>) =>
  rows.map((r) => `${r.kind}:${r.earlierLesionIds.join('+')}>${r.laterLesionIds.join('+')}`).sort();

describe('matchLesions', () => {
  it('finds the optimal one-to-one pairing where the nearest-first choice would be wrong', () => {
    // Both lesions moved +7 mm in x. Nearest first pairs e2 with l1 (5 mm) and leaves e1 with l2 (19 mm).
    const g = grid([60, 20, 20]);
    const e = side(g, [{ id: 'e1', centre: [10, 10, 10], radius: 2 }, { id: 'e2', centre: [22, 10, 10], radius: 2 }]);
    const l = side(g, [{ id: 'l1', centre: [17, 10, 10], radius: 2 }, { id: 'l2', centre: [29, 10, 10], radius: 2 }]);
    const rows = matchLesions(e, l, IDENTITY, { maxMatchDistanceMm: 20 });
    expect(kinds(rows)).toEqual(['matched:e1>l1', 'matched:e2>l2']);
    expect(rows.every((r) => r.distanceMm === 7)).toBe(true);
  });

  it('uses the alignment: the same lesion in a shifted frame matches with full overlap', () => {
    const e = side(grid([40, 40, 40]), [{ id: 'e', centre: [20, 20, 20], radius: 5 }]);
    // The later scan's frame is shifted by 30 mm; the transform maps earlier RAS onto it.
    const l = side(grid([40, 40, 40], [30, 0, 0]), [{ id: 'l', centre: [20, 20, 20], radius: 5 }]);
    const rows = matchLesions(e, l, rigidMatrix([1, 0, 0, 0, 1, 0, 0, 0, 1], [30, 0, 0]), { maxMatchDistanceMm: 20 });
    expect(rows).toEqual([{ kind: 'matched', earlierLesionIds: ['e'], laterLesionIds: ['l'], organ: 'liver', distanceMm: 0, overlapFraction: 1 }]);
  });

  it('never pairs across organs, nor beyond the distance limit without overlap', () => {
    const g = grid([80, 20, 20]);
    const e = side(g, [{ id: 'liver', centre: [10, 10, 10], radius: 2 }, { id: 'far', centre: [40, 10, 10], radius: 2, organ: 'spleen' }]);
    const l = side(g, [{ id: 'spleen', centre: [10, 10, 10], radius: 2, organ: 'spleen' }, { id: 'far2', centre: [65, 10, 10], radius: 2, organ: 'spleen' }]);
    expect(kinds(matchLesions(e, l, IDENTITY, { maxMatchDistanceMm: 20 }))).toEqual(['disappeared:far>', 'disappeared:liver>', 'new:>far2', 'new:>spleen']);
  });

  it('reports a split (one earlier lesion, two later fragments inside it) and a merge (the reverse)', () => {
    const g = grid([50, 30, 30]);
    const big = side(g, [{ id: 'big', centre: [25, 15, 15], radius: 9 }]);
    const parts = side(g, [{ id: 'p1', centre: [20, 15, 15], radius: 3 }, { id: 'p2', centre: [31, 15, 15], radius: 3 }]);
    expect(kinds(matchLesions(big, parts, IDENTITY, { maxMatchDistanceMm: 20 }))).toEqual(['split:big>p1+p2']);
    expect(kinds(matchLesions(parts, big, IDENTITY, { maxMatchDistanceMm: 20 }))).toEqual(['merged:p1+p2>big']);
  });

  it('a lesion outside the other scan\'s field of view is neither new nor gone', () => {
    const e = side(grid([60, 20, 20]), [{ id: 'in', centre: [10, 10, 10], radius: 2 }, { id: 'out', centre: [50, 10, 10], radius: 2 }]);
    const l = side(grid([30, 20, 20]), [{ id: 'in2', centre: [10, 10, 10], radius: 2 }]);
    expect(kinds(matchLesions(e, l, IDENTITY, { maxMatchDistanceMm: 20 }))).toEqual(['matched:in>in2', 'outside-later-field:out>']);
    expect(kinds(matchLesions(l, e, IDENTITY, { maxMatchDistanceMm: 20 }))).toEqual(['matched:in2>in', 'outside-earlier-field:>out']);
  });
});
