import { structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { cmText, lengthText, mmText, percentText, sizeText, volumeText } from './format.ts';
import { groupOf, organDisplay } from './groups.ts';
import { locationContext } from './lesion-context.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';

/**
 * Sentences of a follow-up report, planned from the follow-up stage's findings alone ('comparison',
 * 'lesion_change', 'organ_change', 'response'): the comparison line and the RECIST 1.1 sums under a
 * 'Comparison' heading, each lesion's change in its organ's group, organ volume changes, and the RECIST 1.1
 * response first in the IMPRESSION. Each sentence lists the change finding and the findings of both studies it
 * rests on (the prior's as 'prior-1:<id>'), so its evidence covers both grids.
 */

const CATEGORY_WORDS: Record<string, string> = {
  CR: 'Complete response',
  PR: 'Partial response',
  SD: 'Stable disease',
  PD: 'Progressive disease',
  NE: 'Response not evaluable',
  'non-CR/non-PD': 'Non-complete response / non-progressive disease',
};

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function plan(section: SentencePlan['section'], group: string, template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[]): SentencePlan {
  return { section, group, template, context, findingIds };
}

/** Ids a change sentence states: the change finding and the lesion / organ findings of both studies. */
function idsOf(f: Finding): string[] {
  return [f.id, ...strings(f.attributes.currentFindingIds), ...strings(f.attributes.priorFindingIds)];
}

/** Diameter text: cm with one decimal for a lesion's long axis, mm with one decimal for a node's short axis. */
function diameterText(mm: number, node: boolean): string {
  return node ? mmText(mm) : lengthText(mm);
}

function lesionNoun(f: Finding, byId: ReadonlyMap<string, Finding>): string {
  const own = [...strings(f.attributes.currentFindingIds), ...strings(f.attributes.priorFindingIds)].map((id) => byId.get(id)).find((x) => x?.type === 'lesion' || x?.type === 'lymph_node');
  if (own?.type === 'lesion') return own.statement;
  if (own?.type === 'lymph_node') return 'lymph node';
  return typeof f.attributes.lesionType === 'string' ? f.attributes.lesionType : 'lesion';
}

function lesionSentence(f: Finding, byId: ReadonlyMap<string, Finding>): SentencePlan {
  const v = f.values;
  const node = f.attributes.diameter === 'shortAxis';
  const axisKey = node ? 'shortAxis' : 'longAxis';
  const before = v[`prior${node ? 'ShortAxis' : 'LongAxis'}Mm`];
  const after = v[`${axisKey}Mm`];
  const priorDate = typeof f.attributes.priorDate === 'string' ? f.attributes.priorDate : null;
  const base = { noun: lesionNoun(f, byId), loc: locationContext(f), prior_date: priorDate, axis: node ? 'short axis' : 'long axis' };
  const group = groupOf(f);
  const sizeOf = (id: string) => {
    const l = byId.get(id);
    return l === undefined ? null : node ? mmText(l.values.shortAxisMm) : sizeText(l.values.longAxisMm, l.values.shortAxisMm);
  };
  switch (f.statement) {
    case 'grown':
    case 'shrunk':
    case 'stable': {
      // "from 2.0 to 2.6 cm": the unit once, after the second number.
      const from = node ? mmText(before).replace(/ mm$/, '') : cmText(before);
      return plan('findings', group, TEMPLATES.lesionChange, {
        ...base,
        status: f.statement,
        before: f.statement === 'stable' ? diameterText(before, node) : from,
        after: diameterText(after, node),
        change: `${percentText(v[`${axisKey}ChangePercent`])}`,
        volume_before: volumeText(v.priorVolumeMl),
        volume_after: volumeText(v.volumeMl),
      }, idsOf(f));
    }
    case 'new':
      return plan('findings', group, TEMPLATES.lesionNew, { ...base, size: sizeOf(strings(f.attributes.currentFindingIds)[0]) ?? diameterText(after, node) }, idsOf(f));
    case 'disappeared':
      return plan('findings', group, TEMPLATES.lesionGone, { ...base, size: sizeOf(strings(f.attributes.priorFindingIds)[0]) ?? diameterText(before, node) }, idsOf(f));
    case 'split':
      return plan('findings', group, TEMPLATES.lesionSplit, {
        ...base,
        before: diameterText(before, node),
        count: strings(f.attributes.currentFindingIds).length,
        sizes: strings(f.attributes.currentFindingIds).map(sizeOf).filter((x) => x !== null),
        after: diameterText(after, node),
      }, idsOf(f));
    case 'merged':
      return plan('findings', group, TEMPLATES.lesionMerged, {
        ...base,
        count: strings(f.attributes.priorFindingIds).length,
        sizes: strings(f.attributes.priorFindingIds).map(sizeOf).filter((x) => x !== null),
        after: diameterText(after, node),
      }, idsOf(f));
    default: {
      const current = strings(f.attributes.currentFindingIds);
      const id = current[0] ?? strings(f.attributes.priorFindingIds)[0];
      return plan('findings', group, TEMPLATES.lesionNotComparable, { ...base, size: (id && sizeOf(id)) ?? 'measured', where: current.length > 0 ? 'prior' : 'current' }, idsOf(f));
    }
  }
}

function comparisonSentence(f: Finding): SentencePlan {
  const method = String(f.attributes.alignmentMethod);
  const used = f.values.landmarksUsed;
  return plan('findings', 'comparison', TEMPLATES.comparison, {
    prior_date: typeof f.attributes.priorDate === 'string' ? f.attributes.priorDate : null,
    earlier_count: Math.max(0, (f.values.priorStudies ?? 1) - 1),
    method,
    landmarks: method === 'landmarks-bone' ? `${used} bones` : `${used} bone and organ centroids`,
    residual: mmText(f.values.alignmentResidualMm),
    not_checked: f.attributes.patientCheck === 'not-checked',
    not_available: f.attributes.patientCheck === 'not-available',
  }, [f.id]);
}

function responseIds(f: Finding): string[] {
  return [f.id, ...strings(f.attributes.targetLesionIds), ...strings(f.attributes.baselineTargetFindingIds), ...strings(f.attributes.newLesionIds)];
}

function recistSentence(f: Finding): SentencePlan {
  const v = f.values;
  return plan('findings', 'comparison', TEMPLATES.recist, {
    targets: v.targetCount,
    baseline_date: typeof f.attributes.baselineDate === 'string' ? f.attributes.baselineDate : null,
    current: mmText(v.currentSumMm),
    baseline: mmText(v.baselineSumMm),
    from_baseline: v.changeFromBaselinePercent === undefined ? 'no change computable' : percentText(v.changeFromBaselinePercent),
    nadir: mmText(v.nadirSumMm),
    from_nadir: v.changeFromNadirPercent === undefined ? `${v.changeFromNadirMm >= 0 ? '+' : ''}${mmText(v.changeFromNadirMm)}` : `${percentText(v.changeFromNadirPercent)}, ${v.changeFromNadirMm >= 0 ? '+' : ''}${mmText(v.changeFromNadirMm)}`,
    nadir_is_baseline: f.attributes.nadirStudy === f.attributes.baselineStudy,
    new_count: v.newLesionCount,
    non_targets: v.nonTargetCount,
    non_target_response: typeof f.attributes.nonTargetResponse === 'string' ? f.attributes.nonTargetResponse : 'not evaluated',
  }, responseIds(f));
}

function impressionRecist(f: Finding, byId: ReadonlyMap<string, Finding>): SentencePlan {
  const v = f.values;
  const category = String(f.statement);
  let reason: string | null = null;
  const newIds = strings(f.attributes.newLesionIds);
  if (newIds.length > 0) {
    const sizes = newIds.map((id) => byId.get(id)).filter((x): x is Finding => x !== undefined).map((l) => `${lengthText(l.values.longAxisMm)} ${l.subject.organ === null ? 'outside the segmented organs' : `in the ${organDisplay(l.subject.organ, l.subject.side)}`}`);
    reason = `${newIds.length === 1 ? 'new lesion' : `${newIds.length} new lesions`}${sizes.length > 0 ? ` (${sizes.join('; ')})` : ''}`;
  } else if (v.targetCount > 0) {
    const target = f.attributes.targetResponse;
    reason =
      target === 'PD' && v.changeFromNadirPercent !== undefined
        ? `sum of target diameters ${mmText(v.currentSumMm)}, ${percentText(v.changeFromNadirPercent)} (+${mmText(v.changeFromNadirMm)}) over the nadir of ${mmText(v.nadirSumMm)}`
        : v.changeFromBaselinePercent !== undefined
          ? `sum of target diameters ${mmText(v.currentSumMm)}, ${percentText(v.changeFromBaselinePercent)} from baseline (${mmText(v.baselineSumMm)})`
          : `sum of target diameters ${mmText(v.currentSumMm)}`;
  }
  return plan('impression', 'comparison', TEMPLATES.impressionRecist, { category: CATEGORY_WORDS[category] ?? category, reason }, responseIds(f));
}

/** FINDINGS and IMPRESSION plans for the follow-up findings; empty when the report compares nothing. */
export function planFollowup(findings: readonly Finding[], priorFindings: readonly Finding[]): { findings: SentencePlan[]; impression: SentencePlan[] } {
  const byId = new Map([...findings, ...priorFindings].map((f) => [f.id, f]));
  const out: SentencePlan[] = [];
  const impression: SentencePlan[] = [];
  for (const f of findings) {
    if (f.type === 'comparison') out.push(comparisonSentence(f));
    else if (f.type === 'response') {
      out.push(recistSentence(f));
      impression.push(impressionRecist(f, byId));
    } else if (f.type === 'lesion_change') out.push(lesionSentence(f, byId));
    else if (f.type === 'organ_change' && f.statement !== 'stable')
      out.push(plan('findings', groupOf(f), TEMPLATES.organChange, {
        organ: structureOrNull(f.subject.structure ?? '')?.displayName ?? f.subject.displayName,
        statement: f.statement,
        before: volumeText(f.values.priorVolumeMl),
        after: volumeText(f.values.volumeMl),
        change: percentText(f.values.volumeChangePercent),
      }, idsOf(f)));
  }
  const stable = findings.filter((f) => f.type === 'organ_change' && f.statement === 'stable');
  if (stable.length > 0)
    out.push(plan('findings', 'other_organs', TEMPLATES.organsStable, { organs: stable.map((f) => f.subject.displayName), band: `${stable[0].values.stableBandPercent} %` }, stable.flatMap(idsOf)));
  return { findings: out, impression };
}
