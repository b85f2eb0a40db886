import { structureOrNull } from '../anatomy/index.ts';
import type { FollowupConfig } from '../config.ts';
import type { LesionRecord, Measurements } from '../measure/index.ts';
import { isNodeGroup } from './match-lesions.ts';
import type { LesionChange, LesionMatch, OrganChange } from './types.ts';

/**
 * Change between two studies, per matched lesion (or split / merged group) and per organ. A lesion is measured
 * by its RECIST 1.1 diameter (long axis; short axis for a lymph node; passage recist11-sum-of-diameters); the
 * diameters of the fragments of a split lesion, or of the lesions that merged, are added (RECIST 1.1 appendix:
 * fragments are summed, a coalesced lesion is measured as one). A change is 'stable' while it stays within
 * max(`stableChangePercent` of the earlier value, one in-plane voxel diagonal of the coarser study): a difference
 * that small is within what two voxelisations of one lesion can differ by (groundct method, passage
 * groundct-lesion-matching).
 */

const round2 = (x: number) => Math.round(x * 100) / 100;
const percent = (from: number, to: number) => (from > 0 ? round2(((to - from) / from) * 100) : 0);

/** In-plane voxel diagonal of a lesion's axial plane, mm (the two voxel axes other than its axial axis). */
function inPlaneDiagonalMm(m: Measurements, lesion: LesionRecord): number {
  const s = m.study.spacingMm;
  const axial = { i: 0, j: 1, k: 2 }[lesion.axialAxis];
  const [a, b] = [0, 1, 2].filter((x) => x !== axial);
  return Math.hypot(s[a], s[b]);
}

export function recistDiameterMm(lesion: LesionRecord, isNode: boolean): number {
  return isNode ? lesion.shortAxisMm : lesion.longAxisMm;
}

function status(changeValue: number, band: number): LesionChange['status'] {
  return changeValue > band ? 'grown' : changeValue < -band ? 'shrunk' : 'stable';
}

export function lesionChanges(
  earlier: Measurements,
  later: Measurements,
  matches: readonly LesionMatch[],
  config: Pick<FollowupConfig, 'stableChangePercent'>,
): LesionChange[] {
  const e = new Map(earlier.lesions.map((l) => [l.id, l]));
  const l = new Map(later.lesions.map((x) => [x.id, x]));
  const out: LesionChange[] = [];
  for (const m of matches) {
    if (m.kind !== 'matched' && m.kind !== 'split' && m.kind !== 'merged') continue;
    const node = isNodeGroup(m.organ);
    const before = m.earlierLesionIds.map((id) => e.get(id)!);
    const after = m.laterLesionIds.map((id) => l.get(id)!);
    const earlierMm = before.reduce((a, x) => a + recistDiameterMm(x, node), 0);
    const laterMm = after.reduce((a, x) => a + recistDiameterMm(x, node), 0);
    const earlierVolumeMl = before.reduce((a, x) => a + x.volumeMl, 0);
    const laterVolumeMl = after.reduce((a, x) => a + x.volumeMl, 0);
    const voxelBand = Math.max(...before.map((x) => inPlaneDiagonalMm(earlier, x)), ...after.map((x) => inPlaneDiagonalMm(later, x)));
    const band = Math.max((config.stableChangePercent / 100) * earlierMm, voxelBand);
    out.push({
      earlierLesionIds: [...m.earlierLesionIds],
      laterLesionIds: [...m.laterLesionIds],
      kind: m.kind,
      organ: m.organ,
      diameter: node ? 'shortAxis' : 'longAxis',
      earlierMm: round2(earlierMm),
      laterMm: round2(laterMm),
      changeMm: round2(laterMm - earlierMm),
      changePercent: percent(earlierMm, laterMm),
      earlierVolumeMl: round2(earlierVolumeMl),
      laterVolumeMl: round2(laterVolumeMl),
      volumeChangeMl: round2(laterVolumeMl - earlierVolumeMl),
      volumeChangePercent: percent(earlierVolumeMl, laterVolumeMl),
      status: status(laterMm - earlierMm, band),
      stableBandMm: round2(band),
    });
  }
  return out;
}

/**
 * Volume change of every organ wholly imaged in both studies (an organ cut by the scan border has no volume to
 * compare: radgpt-partial-organ). Stable within `stableChangePercent` of the earlier volume.
 */
export function organChanges(earlier: Measurements, later: Measurements, config: Pick<FollowupConfig, 'stableChangePercent'>): OrganChange[] {
  const whole = (m: Measurements) => new Map(m.structures.filter((s) => s.present && !s.partiallyImaged && s.name !== null && structureOrNull(s.name)?.kind === 'organ').map((s) => [s.name!, s.volumeMl]));
  const a = whole(earlier);
  const b = whole(later);
  const out: OrganChange[] = [];
  for (const [organ, before] of a) {
    const after = b.get(organ);
    if (after === undefined) continue;
    const band = (config.stableChangePercent / 100) * before;
    out.push({
      organ,
      earlierVolumeMl: round2(before),
      laterVolumeMl: round2(after),
      volumeChangeMl: round2(after - before),
      volumeChangePercent: percent(before, after),
      status: status(after - before, band),
      stableBandPercent: config.stableChangePercent,
    });
  }
  return out;
}
