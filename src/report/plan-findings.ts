import { structureOrNull } from '../anatomy/index.ts';
import { phaseWords, type Finding } from '../findings/index.ts';
import type { Phase } from '../measure/index.ts';
import { areaCm2Text, huText, lengthText, litreText, mm3Text, ratioText, sharePercentText, sizeText, volumeText } from './format.ts';
import { compareGroups, groupOf, organDisplay } from './groups.ts';
import { bundleIds, lesionBundles, lesionContext, stageContext, type LesionBundle } from './lesion-context.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';
import { vesselPlans } from './vessel-plans.ts';
import { spinePlans } from './spine-plans.ts';

/**
 * Plans the FINDINGS section, group by group (groups.ts), from findings only. Within a group: partially imaged,
 * size, steatosis, lesion count, then each lesion (largest first) with its contacts and then its T category,
 * fluid, nodes. At most `MAX_LESIONS_DESCRIBED` lesions of one organ get their own sentence; the others share one
 * sentence that still lists their finding ids.
 */

export const MAX_LESIONS_DESCRIBED = 5;

const TYPE_RANK: Partial<Record<Finding['type'], number>> = {
  nothing_assessed: 0, contrast_phase: 1, phase_unknown: 1, partially_imaged: 2, organ_size: 3, steatosis: 4, lesion_count: 5, lesion: 6,
  fluid: 7, lymph_node: 8, emphysema: 2, kidney_stone: 6, calcification: 6, unknown_structure: 9,
};

/** Kinds named in the "not imaged" sentence; other empty labels (vessels, bones) stay in the structure table. */
function isOrganLike(name: string | null): boolean {
  const kind = name === null ? undefined : structureOrNull(name)?.kind;
  return kind === 'organ' || kind === 'organ_part';
}

function plan(group: string, template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[]): SentencePlan {
  return { section: 'findings', group, template, context, findingIds };
}

function organName(f: Finding): string {
  return f.subject.organ === null ? f.subject.displayName : organDisplay(f.subject.organ, f.subject.side);
}

function simpleSentence(f: Finding, group: string): SentencePlan | null {
  const v = f.values;
  switch (f.type) {
    case 'nothing_assessed':
      return plan(group, TEMPLATES.nothingAssessed, { reason: f.attributes.reason }, [f.id]);
    case 'phase_unknown':
      return plan(group, TEMPLATES.phaseUnknown, {
        not_assessed: f.attributes.notAssessed,
        estimated: typeof f.attributes.estimatedPhase === 'string' ? phaseWords(f.attributes.estimatedPhase as Phase) : null,
        confidence: v.confidence === undefined ? null : v.confidence.toFixed(2),
        min_confidence: v.minConfidenceForRules === undefined ? null : v.minConfidenceForRules.toFixed(1),
      }, [f.id]);
    case 'contrast_phase': {
      const a = f.attributes;
      return plan(group, TEMPLATES.contrastPhase, {
        phase: phaseWords(f.statement as Phase),
        source: a.phaseSource,
        arterial_ref: a.arterialReference,
        arterial_hu: huText(v.arterialHuMedian),
        venous_ref: a.venousReference ?? null,
        venous_hu: v.venousHuMedian === undefined ? null : huText(v.venousHuMedian),
        confidence: v.confidence.toFixed(2),
        stated: typeof a.statedPhase === 'string' ? phaseWords(a.statedPhase as Phase) : null,
        agrees: a.agreesWithStated === true,
      }, [f.id]);
    }
    case 'partially_imaged':
      // Named together in one study-level sentence (partialOrganPlans); what is still assessed: partialAssessable.
      return null;
    case 'organ_size':
      if (f.attributes.measure === 'craniocaudal length')
        return plan(group, TEMPLATES.organLength, {
          organ: organName(f), statement: f.statement, length: lengthText(v.craniocaudalLengthMm), limit: lengthText(v.enlargedAboveMm),
        }, [f.id]);
      return plan(group, TEMPLATES.organSize, {
        organ: organName(f), statement: f.statement, volume: volumeText(v.volumeMl),
        limit: `${f.statement === 'massively enlarged' ? v.massiveAboveMl : v.enlargedAboveMl} mL`,
      }, [f.id]);
    case 'steatosis':
      if (f.subject.structure === 'liver')
        return plan(group, TEMPLATES.steatosisLiver, { statement: f.statement, hu: huText(v.huMean), limit: huText(v.fattyAtOrBelowHu) }, [f.id]);
      return plan(group, TEMPLATES.steatosisPancreas, {
        statement: f.statement,
        reason: f.attributes.reason ?? null,
        ratio: v.pancreasSpleenHuRatio === undefined ? null : ratioText(v.pancreasSpleenHuRatio),
        hu: huText(v.huMean),
        spleen_hu: v.spleenHuMean === undefined ? null : huText(v.spleenHuMean),
        limit: v.fattyAtOrBelowRatio === undefined ? null : ratioText(v.fattyAtOrBelowRatio),
      }, [f.id]);
    case 'lesion_count':
      return plan(group, TEMPLATES.lesionCount, {
        count: v.count,
        noun: f.attributes.lookedFor === 'cyst' ? 'cyst' : 'lesion',
        organ: f.subject.organ === null ? null : organName(f),
        whole: f.attributes.organComplete === true,
        dropped: v.droppedComponentCount,
        min_volume: mm3Text(v.minLesionVolumeMm3),
      }, [f.id]);
    case 'fluid':
      return plan(group, TEMPLATES.fluid, {
        name: f.subject.displayName, present: f.statement === 'present',
        volume: v.volumeMl === undefined ? null : volumeText(v.volumeMl), hu: v.huMean === undefined ? null : huText(v.huMean),
        partial: f.attributes.partiallyImaged === true,
      }, [f.id]);
    case 'lymph_node':
      if (v.shortAxisMm === undefined)
        return plan(group, TEMPLATES.lymphNode, { measured: false, volume: volumeText(v.volumeMl) }, [f.id]);
      return plan(group, TEMPLATES.lymphNode, {
        measured: true,
        enlarged: f.statement === 'enlarged', short_axis: `${(Math.round(v.shortAxisMm * 10) / 10).toFixed(1)} mm`,
        size: sizeText(v.longAxisMm, v.shortAxisMm), side: f.subject.side ?? null,
      }, [f.id]);
    case 'emphysema':
      return plan(group, TEMPLATES.emphysema, {
        statement: f.statement,
        percent: sharePercentText(v.lowAttenuationPercent),
        threshold: huText(v.laaAtOrBelowHu),
        lungs: ['right', 'left'].filter((side) => v[`lung${side === 'right' ? 'Right' : 'Left'}LowAttenuationPercent`] !== undefined)
          .map((side) => ({ name: side, percent: sharePercentText(v[`lung${side === 'right' ? 'Right' : 'Left'}LowAttenuationPercent`]) })),
        volume: v.totalLungVolumeMl === undefined ? null : litreText(v.totalLungVolumeMl),
        partial: f.attributes.partiallyImaged === true,
        predominance: f.attributes.predominance ?? null,
      }, [f.id]);
    case 'body_composition':
      return plan(group, TEMPLATES.bodyComposition, {
        level: f.attributes.level,
        muscle: v.skeletalMuscleAreaCm2 === undefined ? null : areaCm2Text(v.skeletalMuscleAreaCm2),
        muscle_from: f.attributes.muscleFrom ?? null,
        complete: f.attributes.muscleComplete === true,
        sat: areaCm2Text(v.subcutaneousFatAreaCm2),
        vat: areaCm2Text(v.visceralFatAreaCm2),
      }, [f.id]);
    case 'calcification':
      return plan(group, TEMPLATES.calcification, {
        where: f.subject.structure === 'aorta' ? 'aorta' : f.attributes.region === 'heart' ? 'heart' : 'coronary',
        statement: f.statement,
        score: v.agatstonScore === undefined ? null : Math.round(v.agatstonScore),
        band: f.attributes.band ?? null,
        reason: f.attributes.reason ?? null,
      }, [f.id]);
    case 'kidney_stone':
      return plan(group, TEMPLATES.kidneyStones, {
        kidney: f.subject.displayName,
        statement: f.statement,
        count: v.count ?? 0,
        size: v.largestSizeMm === undefined ? null : `${Math.round(v.largestSizeMm)} mm`,
        peak: v.largestPeakHu === undefined ? null : huText(v.largestPeakHu),
        partial: f.attributes.partiallyImaged === true,
      }, [f.id]);
    case 'unknown_structure':
      return plan(group, TEMPLATES.unknownStructure, { name: f.subject.displayName, volume: v.volumeMl === undefined ? null : volumeText(v.volumeMl) }, [f.id]);
    default:
      return null;
  }
}

/**
 * The imaged part of a partially imaged solid organ still has an attenuation: said unless a steatosis finding
 * about the organ already states it (groundct-partial-organ).
 */
function partialAssessable(f: Finding, group: string, all: readonly Finding[]): SentencePlan | null {
  const assessable = f.attributes.assessable;
  if (!Array.isArray(assessable) || !assessable.includes('attenuation') || f.values.huMean === undefined) return null;
  if (all.some((o) => o.type === 'steatosis' && o.subject.structure === f.subject.structure && o.values.huMean !== undefined)) return null;
  return plan(group, TEMPLATES.partialAssessable, { organ: organName(f), hu: huText(f.values.huMean) }, [f.id]);
}

/**
 * Every partially imaged organ in one sentence (its evidence the union of theirs), grouped by the scan edges they
 * reach, largest group first; instead of one "only partially imaged" sentence per organ.
 */
function partialOrganPlans(findings: readonly Finding[]): SentencePlan[] {
  // Organs in FINDINGS reading order (liver before colon), stable within a group.
  const partial = findings.filter((f) => f.type === 'partially_imaged').sort((a, b) => compareGroups(groupOf(a), groupOf(b)));
  if (partial.length === 0) return [];
  const groups = new Map<string, { organs: string[]; borders: string[] }>();
  for (const f of partial) {
    const borders = Array.isArray(f.attributes.borders) ? [...f.attributes.borders] : [];
    const key = borders.join(',');
    const g = groups.get(key) ?? { organs: [], borders };
    g.organs.push(organName(f));
    groups.set(key, g);
  }
  const ordered = [...groups.values()].sort((a, b) => b.organs.length - a.organs.length);
  return [plan('study', TEMPLATES.partiallyImagedGroup, { groups: ordered, count: partial.length }, partial.map((f) => f.id))];
}

function lesionSentences(group: string, bundles: LesionBundle[]): SentencePlan[] {
  const out: SentencePlan[] = [];
  const sorted = [...bundles].sort((a, b) => b.lesion.values.volumeMl - a.lesion.values.volumeMl);
  for (const b of sorted.slice(0, MAX_LESIONS_DESCRIBED)) {
    out.push(plan(group, TEMPLATES.lesion, lesionContext(b), [b.lesion.id, ...b.contacts.map((c) => c.id)]));
    if (b.stage !== null) out.push(plan(group, TEMPLATES.stage, stageContext(b.stage), [b.stage.id, b.lesion.id]));
  }
  const rest = sorted.slice(MAX_LESIONS_DESCRIBED);
  if (rest.length > 0) {
    const largest = rest.reduce((a, b) => (b.lesion.values.longAxisMm > a.lesion.values.longAxisMm ? b : a));
    out.push(plan(group, TEMPLATES.lesionsFurther, {
      count: rest.length,
      max_size: sizeText(largest.lesion.values.longAxisMm, largest.lesion.values.shortAxisMm),
    }, rest.flatMap(bundleIds)));
  }
  return out;
}

export function planFindingsSection(findings: readonly Finding[]): SentencePlan[] {
  const byGroup = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groupOf(f);
    byGroup.set(g, [...(byGroup.get(g) ?? []), f]);
  }
  const bundles = lesionBundles(findings);
  const out: SentencePlan[] = [...partialOrganPlans(findings)];
  for (const group of [...byGroup.keys()].sort(compareGroups)) {
    const list = byGroup.get(group)!;
    if (group === 'vessels') {
      out.push(...vesselPlans(list));
      continue;
    }
    if (group === 'spine') {
      out.push(...spinePlans(list));
      continue;
    }
    if (group === 'not_imaged') {
      const organs = list.filter((f) => isOrganLike(f.subject.structure));
      if (organs.length > 0) out.push(plan(group, TEMPLATES.notImaged, { organs: organs.map((f) => f.subject.displayName) }, organs.map((f) => f.id)));
      continue;
    }
    const organOrder = [...new Set(list.map((f) => f.subject.organ ?? ''))];
    const ordered = [...list].sort(
      (a, b) => (TYPE_RANK[a.type] ?? 99) - (TYPE_RANK[b.type] ?? 99) || organOrder.indexOf(a.subject.organ ?? '') - organOrder.indexOf(b.subject.organ ?? ''),
    );
    const lesionsDone = new Set<string>();
    for (const f of ordered) {
      if (f.type === 'lesion') {
        const organ = f.subject.organ;
        if (lesionsDone.has(organ ?? '')) continue;
        lesionsDone.add(organ ?? '');
        out.push(...lesionSentences(group, bundles.filter((b) => b.lesion.subject.organ === organ && groupOf(b.lesion) === group)));
        continue;
      }
      const s = f.type === 'partially_imaged' ? partialAssessable(f, group, list) : simpleSentence(f, group);
      if (s !== null) out.push(s);
    }
  }
  // Organs fully imaged whose only assessed criterion is completeness: one shared sentence.
  const bare = findings.filter((f) => f.type === 'normal' && JSON.stringify(f.attributes.assessed) === JSON.stringify(['completeness']));
  if (bare.length > 0) out.push(plan('other_organs', TEMPLATES.normalOthers, { organs: bare.map((f) => f.subject.displayName) }, bare.map((f) => f.id)));
  return out.sort((a, b) => compareGroups(a.group, b.group)); // stable: keeps the order within a group
}
