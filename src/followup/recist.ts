import type { LesionRecord, Measurements } from '../measure/index.ts';
import { recistDiameterMm } from './change.ts';
import { isNodeGroup, lesionGroup } from './match-lesions.ts';
import type { RecistRules } from './recist-rules.ts';
import type { PairComparison, Recist } from './types.ts';

/**
 * RECIST 1.1 response over a series of studies (Eisenhauer et al. 2009), every step written out:
 * - baseline = the earliest study. Simple cysts are not tumour (recist11-non-measurable) and are left out; nodes
 *   under 10 mm short axis are normal. Measurable: a lesion with a long axis of at least 10 mm (twice the slice
 *   thickness when slices are thicker than 5 mm; the slice thickness is taken as the spacing along the lesion's
 *   axial axis), a node of at least 15 mm short axis; a lesion touching the scan border is not reliably
 *   measurable. Targets: the largest measurable lesions, at most 2 per organ (all nodes one organ) and 5 in all
 *   (recist11-target-lesion); every other tracked lesion is a non-target.
 * - each target is followed through the pairwise matches: a split target is the sum of its fragments, merged
 *   targets are measured once (the first keeps the merged diameter, the others 0: recist11-fragmented-coalesced),
 *   a disappeared target is 0 mm, one outside a study's field of view is not evaluable.
 * - sum of diameters per study; nadir = the smallest sum before the current study (baseline included);
 *   target response (recist11-response-categories): CR when every target is gone and every target node is
 *   under 10 mm; PD when the sum is at least 20 % and 5 mm above the nadir; PR when at least 30 % below baseline;
 *   else SD; NE when a target could not be followed.
 * - new lesions: current lesions descending from no baseline lesion (a node only from 10 mm short axis, no cyst,
 *   none outside an earlier field of view); non-targets: CR when all are gone (nodes under 10 mm);
 *   overall response by RECIST 1.1 Table 1 (with targets) or Table 2 (non-targets only)
 *   (recist11-overall-response). Unequivocal progression of non-target disease is a reader's judgement and is
 *   never called here.
 */

export interface TimepointStudy {
  readonly key: string;
  readonly studyDate?: string;
  readonly measurements: Measurements;
}

const fmt = (mm: number) => `${(Math.round(mm * 10) / 10).toFixed(1)} mm`;
const signedFmt = (mm: number) => `${mm > 0 ? '+' : ''}${fmt(mm)}`;
/** The organ group in words: 'lymph_node' -> 'lymph nodes', 'none' -> 'no organ'. */
const groupWords = (g: string) => (g === 'none' ? 'no organ' : g === 'lymph_node' ? 'lymph nodes' : g);
const pct = (x: number) => `${x > 0 ? '+' : ''}${(Math.round(x * 10) / 10).toFixed(1)} %`;
const round2 = (x: number) => Math.round(x * 100) / 100;

function isCyst(l: LesionRecord): boolean {
  return l.lesionType === 'cyst';
}

/** Minimum measurable long axis for a lesion of this study, mm (RECIST 1.1 measurability by slice thickness). */
function measurableMinMm(m: Measurements, l: LesionRecord, rules: RecistRules): number {
  const thickness = m.study.spacingMm[{ i: 0, j: 1, k: 2 }[l.axialAxis]];
  return thickness > rules.thinSliceMaxMm ? rules.thickSliceMultiple * thickness : rules.measurableMinLongAxisMm;
}

/** Lesion ids of the later study that descend from each earlier lesion id; null = outside the later field of view. */
function descendants(pair: PairComparison): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  for (const m of pair.matches) {
    for (const id of m.earlierLesionIds) {
      if (m.kind === 'outside-later-field') out.set(id, null);
      else out.set(id, [...(out.get(id) ?? []), ...m.laterLesionIds]);
    }
  }
  return out;
}

/** Follows a set of lesion ids one pair forward; null when any of them left the field of view. */
function follow(ids: readonly string[] | null, map: Map<string, string[] | null>): string[] | null {
  if (ids === null) return null;
  const out: string[] = [];
  for (const id of ids) {
    const next = map.get(id);
    if (next === null) return null;
    out.push(...(next ?? []));
  }
  return [...new Set(out)];
}

export function recistResponse(studies: readonly TimepointStudy[], pairs: readonly PairComparison[], rules: RecistRules): Recist {
  const steps: string[] = [];
  const caveats: string[] = [
    'Targets are proposed by groundct (the largest measurable lesions within RECIST 1.1 limits); the reading radiologist may choose others.',
    'Unequivocal progression of non-target disease is a reader\'s judgement: it is never called automatically (each non-target\'s status is listed).',
  ];
  const baseline = studies[0];
  const current = studies[studies.length - 1];
  const name = (s: TimepointStudy) => `${s.key}${s.studyDate ? ` (${s.studyDate})` : ''}`;
  const lesionsOf = studies.map((s) => new Map(s.measurements.lesions.map((l) => [l.id, l])));
  const maps = pairs.map(descendants);

  // 1. Baseline: tracked lesions, measurability, targets.
  const tracked = baseline.measurements.lesions.filter((l) => !isCyst(l) && !(isNodeGroup(lesionGroup(l)) && l.shortAxisMm < rules.nodePathologicalMinShortAxisMm));
  const cysts = baseline.measurements.lesions.filter(isCyst).length;
  const normalNodes = baseline.measurements.lesions.filter((l) => !isCyst(l) && isNodeGroup(lesionGroup(l)) && l.shortAxisMm < rules.nodePathologicalMinShortAxisMm).length;
  const measurability = new Map<string, { ok: boolean; reason: string }>(tracked.map((l): [string, { ok: boolean; reason: string }] => {
    const node = isNodeGroup(lesionGroup(l));
    if (l.touchesBorder.touches) return [l.id, { ok: false, reason: 'touches the scan border (not reliably measurable)' }];
    if (node) return [l.id, l.shortAxisMm >= rules.nodeTargetMinShortAxisMm ? { ok: true, reason: '' } : { ok: false, reason: `node short axis ${fmt(l.shortAxisMm)} under ${rules.nodeTargetMinShortAxisMm} mm (pathological, non-measurable)` }];
    const min = measurableMinMm(baseline.measurements, l, rules);
    return [l.id, l.longAxisMm >= min ? { ok: true, reason: '' } : { ok: false, reason: `long axis ${fmt(l.longAxisMm)} under the measurable ${fmt(min)}` }];
  }));
  const candidates = tracked
    .filter((l) => measurability.get(l.id)!.ok)
    .sort((a, b) => recistDiameterMm(b, isNodeGroup(lesionGroup(b))) - recistDiameterMm(a, isNodeGroup(lesionGroup(a))) || a.id.localeCompare(b.id));
  const perOrgan = new Map<string, number>();
  const targetLesions: LesionRecord[] = [];
  const notChosen = new Map<string, string>();
  for (const l of candidates) {
    const g = lesionGroup(l);
    if (targetLesions.length >= rules.maxTargets) notChosen.set(l.id, `measurable, beyond the ${rules.maxTargets} targets allowed`);
    else if ((perOrgan.get(g) ?? 0) >= rules.maxTargetsPerOrgan) notChosen.set(l.id, `measurable, beyond ${rules.maxTargetsPerOrgan} targets in ${groupWords(g)}`);
    else {
      targetLesions.push(l);
      perOrgan.set(g, (perOrgan.get(g) ?? 0) + 1);
    }
  }
  steps.push(
    `Baseline ${name(baseline)}: ${baseline.measurements.lesions.length} lesion(s)${cysts > 0 ? `, ${cysts} simple cyst(s) not counted as tumour` : ''}${normalNodes > 0 ? `, ${normalNodes} node(s) under ${rules.nodePathologicalMinShortAxisMm} mm short axis (normal)` : ''}; ${candidates.length} measurable.`,
  );

  // 2. Follow targets and non-targets through the series.
  const chain = (startId: string): (string[] | null)[] => {
    const out: (string[] | null)[] = [[startId]];
    for (let p = 0; p < pairs.length; p++) out.push(follow(out[p], maps[p]));
    return out;
  };
  const claimed = studies.map(() => new Set<string>());
  const targets = targetLesions.map((l, n) => {
    const node = isNodeGroup(lesionGroup(l));
    const ids = chain(l.id).map((set, s) => {
      if (set === null) return null;
      // Merged targets: the first target keeps the coalesced lesion, later ones count 0 (RECIST 1.1).
      const own = set.filter((id) => !claimed[s].has(id));
      own.forEach((id) => claimed[s].add(id));
      return own;
    });
    const diameters = ids.map((set, s) => (set === null ? null : set.reduce((a, id) => a + recistDiameterMm(lesionsOf[s].get(id)!, node), 0)));
    return { id: `T${n + 1}`, lesion: l, node, ids, diameters };
  });
  for (const t of targets)
    steps.push(`Target ${t.id}: ${t.lesion.id} (${groupWords(lesionGroup(t.lesion))}), ${t.node ? 'short axis' : 'long axis'} ${fmt(t.diameters[0]!)}; ${studies.slice(1).map((s, i) => `${s.key}: ${t.diameters[i + 1] === null ? 'not evaluable (outside the field of view)' : `${fmt(t.diameters[i + 1]!)}${t.ids[i + 1]!.length === 0 ? ' (gone)' : t.ids[i + 1]!.length > 1 ? ` (${t.ids[i + 1]!.length} fragments summed)` : ''}`}`).join('; ')}.`);
  if (targets.length === 0) steps.push('No measurable lesion at baseline: no target lesions; response from non-target and new lesions only (RECIST 1.1 Table 2).');

  const sums = studies.map((_, s) => (targets.some((t) => t.diameters[s] === null) ? null : targets.reduce((a, t) => a + t.diameters[s]!, 0)));
  const baselineSum = sums[0] ?? 0;
  const currentSum = sums[sums.length - 1];
  let nadirIndex = 0;
  for (let s = 1; s < studies.length - 1; s++) if (sums[s] !== null && sums[s]! < sums[nadirIndex]!) nadirIndex = s;
  const nadirSum = sums[nadirIndex] ?? 0;
  if (targets.length > 0) {
    steps.push(`Sum of diameters: ${studies.map((s, i) => `${s.key} ${sums[i] === null ? 'not evaluable' : fmt(sums[i]!)}`).join(', ')}.`);
    steps.push(`Nadir (smallest sum before the current study, baseline included): ${fmt(nadirSum)} at ${name(studies[nadirIndex])}.`);
  }

  // 3. New lesions: current lesions that descend from no baseline lesion.
  const descended = studies.map(() => new Set<string>());
  baseline.measurements.lesions.forEach((l) => descended[0].add(l.id));
  const outsideEarlier = new Set<string>();
  pairs.forEach((pair, p) => {
    for (const m of pair.matches) {
      // A lesion outside an earlier field of view, and whatever it becomes, is neither new nor followed.
      if (m.kind === 'outside-earlier-field' || m.earlierLesionIds.some((id) => outsideEarlier.has(id))) m.laterLesionIds.forEach((id) => outsideEarlier.add(id));
      else if (m.earlierLesionIds.some((id) => descended[p].has(id))) m.laterLesionIds.forEach((id) => descended[p + 1].add(id));
    }
  });
  const newLesions = current.measurements.lesions.filter((l) => {
    if (descended[studies.length - 1].has(l.id) || outsideEarlier.has(l.id) || isCyst(l)) return false;
    return !(isNodeGroup(lesionGroup(l)) && l.shortAxisMm < rules.nodePathologicalMinShortAxisMm);
  });
  const newSincePrior = new Set(pairs.length > 0 ? pairs[pairs.length - 1].matches.filter((m) => m.kind === 'new').flatMap((m) => m.laterLesionIds) : []);
  steps.push(
    newLesions.length === 0
      ? `New lesions: none${outsideEarlier.size > 0 ? ` (${outsideEarlier.size} lesion(s) lie outside an earlier study's field of view and cannot be called new)` : ''}.`
      : `New lesions: ${newLesions.map((l) => `${l.id} (${groupWords(lesionGroup(l))}, ${fmt(recistDiameterMm(l, isNodeGroup(lesionGroup(l))))}${newSincePrior.has(l.id) ? ', new since the most recent prior' : ', appeared at an earlier follow-up'})`).join('; ')}: progressive disease by RECIST 1.1.`,
  );

  // 4. Target response.
  let targetResponse: Recist['targetResponse'] = null;
  const fromBaseline = targets.length > 0 && currentSum !== null && baselineSum > 0 ? ((currentSum - baselineSum) / baselineSum) * 100 : null;
  const fromNadirMm = currentSum !== null ? currentSum - nadirSum : 0;
  const fromNadir = targets.length > 0 && currentSum !== null && nadirSum > 0 ? (fromNadirMm / nadirSum) * 100 : null;
  if (targets.length > 0) {
    const last = studies.length - 1;
    if (currentSum === null) {
      targetResponse = 'NE';
      steps.push('Target response NE: a target could not be followed into the current study (outside its field of view).');
    } else if (targets.every((t) => (t.node ? t.diameters[last]! < rules.completeResponseNodeMaxShortAxisMm : t.diameters[last] === 0))) {
      targetResponse = 'CR';
      steps.push(`Target response CR: every non-nodal target is gone and every target node is under ${rules.completeResponseNodeMaxShortAxisMm} mm short axis.`);
    } else {
      const pd = fromNadir !== null && fromNadir >= rules.progressionIncreasePercent && fromNadirMm >= rules.progressionMinIncreaseMm;
      steps.push(
        `Current sum ${fmt(currentSum)} vs nadir ${fmt(nadirSum)}: ${signedFmt(fromNadirMm)} (${fromNadir === null ? 'no percentage from a zero nadir' : pct(fromNadir)}); progression needs +${rules.progressionIncreasePercent} % and +${rules.progressionMinIncreaseMm} mm: ${pd ? 'met' : 'not met'}.`,
      );
      const pr = fromBaseline !== null && fromBaseline <= -rules.partialResponseDecreasePercent;
      if (!pd) steps.push(`Current sum vs baseline ${fmt(baselineSum)}: ${fromBaseline === null ? '-' : pct(fromBaseline)}; partial response needs -${rules.partialResponseDecreasePercent} %: ${pr ? 'met' : 'not met'}.`);
      targetResponse = pd ? 'PD' : pr ? 'PR' : 'SD';
      steps.push(`Target response ${targetResponse}.`);
    }
  }

  // 5. Non-targets.
  const last = studies.length - 1;
  const nonTargets = tracked
    .filter((l) => !targets.some((t) => t.lesion.id === l.id))
    .map((l, n) => {
      const node = isNodeGroup(lesionGroup(l));
      const ids = chain(l.id)[last];
      const status: Recist['nonTargets'][number]['status'] =
        ids === null ? 'not-assessable' : ids.length === 0 ? 'absent' : node && ids.every((id) => lesionsOf[last].get(id)!.shortAxisMm < rules.nodePathologicalMinShortAxisMm) ? 'normal-size-node' : 'present';
      return {
        id: `NT${n + 1}`,
        baselineLesionId: l.id,
        organ: lesionGroup(l),
        isNode: node,
        reason: measurability.get(l.id)!.ok ? notChosen.get(l.id) ?? 'measurable' : measurability.get(l.id)!.reason,
        status,
        currentLesionIds: ids ?? [],
        baselineVolumeMl: round2(l.volumeMl),
        currentVolumeMl: ids === null ? null : round2(ids.reduce((a, id) => a + lesionsOf[last].get(id)!.volumeMl, 0)),
      };
    });
  let nonTargetResponse: Recist['nonTargetResponse'] = null;
  if (nonTargets.length > 0) {
    const gone = nonTargets.every((x) => x.status === 'absent' || x.status === 'normal-size-node');
    nonTargetResponse = gone ? 'CR' : nonTargets.some((x) => x.status === 'present') ? 'non-CR/non-PD' : 'NE';
    steps.push(`Non-targets: ${nonTargets.map((x) => `${x.id} ${x.baselineLesionId} ${x.status}`).join('; ')}: ${nonTargetResponse}.`);
  }

  // 6. Overall response (RECIST 1.1 Table 1 with targets, Table 2 without).
  let overall: Recist['overallResponse'];
  if (targetResponse === 'PD' || newLesions.length > 0) overall = 'PD';
  else if (targetResponse === null) overall = nonTargetResponse === 'CR' ? 'CR' : nonTargetResponse === 'non-CR/non-PD' ? 'non-CR/non-PD' : 'NE';
  else if (targetResponse === 'CR') overall = nonTargetResponse === null || nonTargetResponse === 'CR' ? 'CR' : 'PR';
  else overall = targetResponse;
  steps.push(`Overall response (RECIST 1.1 ${targets.length > 0 ? 'Table 1' : 'Table 2'}): ${overall}${newLesions.length > 0 ? ' (new lesion)' : ''}.`);
  if (outsideEarlier.size > 0) caveats.push(`${outsideEarlier.size} current lesion(s) lie outside an earlier study's field of view; they are neither new nor followed.`);

  return {
    baseline: baseline.key,
    timepoints: studies.map((s, i) => ({ study: s.key, ...(s.studyDate ? { studyDate: s.studyDate } : {}), sumMm: round2(sums[i] ?? 0) })),
    targets: targets.map((t) => ({
      id: t.id,
      baselineLesionId: t.lesion.id,
      organ: lesionGroup(t.lesion),
      isNode: t.node,
      diameterMmByStudy: Object.fromEntries(studies.flatMap((s, i) => (t.diameters[i] === null ? [] : [[s.key, round2(t.diameters[i]!)]]))),
      lesionIdsByStudy: Object.fromEntries(studies.flatMap((s, i) => (t.ids[i] === null ? [] : [[s.key, t.ids[i]!]]))),
    })),
    nonTargets,
    baselineSumMm: round2(baselineSum),
    nadir: { study: studies[nadirIndex].key, sumMm: round2(nadirSum) },
    currentSumMm: round2(currentSum ?? 0),
    changeFromBaselinePercent: fromBaseline === null ? null : round2(fromBaseline),
    changeFromNadirMm: round2(fromNadirMm),
    changeFromNadirPercent: fromNadir === null ? null : round2(fromNadir),
    newLesionIds: newLesions.map((l) => l.id),
    targetResponse,
    nonTargetResponse,
    overallResponse: overall,
    steps,
    caveats,
  };
}
