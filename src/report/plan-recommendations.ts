import { ancestors, structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { thresholdValue, type KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/index.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';

/**
 * Recommendations where the literature gives one: suggestion sentences for the radiologist, placed after the
 * IMPRESSION (section 'impression', kind 'suggestion', group 'recommendations'). Each names the guideline it follows
 * (its passages are cited with the sentence, `passageIds`), the finding it is about (`findingIds`, so it is
 * grounded to the same mask) and the conditions it assumes that groundct cannot know (`assumptions`: the patient's
 * risk, history and age, the nodule's composition, prior imaging). Thresholds are read from the passages, as the
 * finding rules read theirs.
 *
 * A rule is one row of RECOMMENDATION_RULES: new finding types (aorta, thyroid, kidney, ...) add a row here, with
 * its template in prompts/report/ and its passage in the knowledge base; nothing else changes.
 */

/** The study context a recommendation may depend on. */
export interface RecommendationContext {
  readonly kb: KnowledgeBase;
  readonly findings: readonly Finding[];
  /** Patient age in years from the DICOM header, when known. */
  readonly patientAgeYears?: number;
  /** Contrast phase of the study (the adrenal attenuation criterion applies to unenhanced CT only). */
  readonly phase: Measurements['study']['phase'];
  /** Patient sex from the DICOM header, when known (SVS 2018 lowers the repair size for women). */
  readonly patientSex?: Measurements['study']['patientSex'];
}

/** One recommendation rule: which findings it reads, and the sentence it plans (or null when it does not apply). */
export interface RecommendationRule {
  readonly id: string;
  readonly plan: (ctx: RecommendationContext) => readonly SentencePlan[];
}

function suggestion(template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[], passageIds: readonly string[], assumptions: readonly string[]): SentencePlan {
  return { section: 'impression', group: 'recommendations', template, context, findingIds, kind: 'suggestion', passageIds, assumptions };
}

function inOrgan(f: Finding, organ: string): boolean {
  const o = f.subject.organ;
  return o !== null && (o === organ || (structureOrNull(o) !== null && ancestors(o).includes(organ)));
}

/** Millimetres with one decimal where needed ("7 mm", "6.5 mm"). */
function mmText(mm: number): string {
  const r = Math.round(mm * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)} mm`;
}

/** DICOM Age String ('045Y', '018M') -> years; undefined when absent or not in years. */
export function ageInYears(patientAge: string | undefined): number | undefined {
  const m = /^(\d{3})Y$/.exec(patientAge ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Fleischner Society 2017 for incidental solid lung nodules (passages fleischner2017-solid-nodule,
 * fleischner2017-multiple-solid-nodules, fleischner2017-scope-and-risk, fleischner2017-nodule-measurement). The
 * nodule size is the mean of its long and short axes on the axial slice where it is largest, as the guideline
 * measures; with several nodules the largest decides. Masses (above 3 cm) and patients known to be under the
 * guideline's minimum age get no suggestion.
 */
export const FLEISCHNER_SOLID_NODULE: RecommendationRule = {
  id: 'fleischner2017-solid-nodule',
  plan: (ctx) => {
    // Subsolid nodules follow other Fleischner rules: a nodule classed part-solid or ground-glass is left out here.
    const compositionOf = (f: Finding) => (f.attributes as { composition?: string } | undefined)?.composition;
    const nodules = ctx.findings.filter((f) => f.type === 'lesion' && f.statement === 'nodule' && inOrgan(f, 'lung') && (compositionOf(f) ?? 'solid') === 'solid');
    if (nodules.length === 0) return [];
    const minAge = thresholdValue(ctx.kb, 'fleischner2017-scope-and-risk', 'minAgeYears');
    if (ctx.patientAgeYears !== undefined && ctx.patientAgeYears < minAge) return [];
    const multiple = nodules.length > 1;
    const passage = multiple ? 'fleischner2017-multiple-solid-nodules' : 'fleischner2017-solid-nodule';
    const smallBelowMm = thresholdValue(ctx.kb, passage, 'noRoutineFollowUpBelowMm');
    const largeAboveMm = thresholdValue(ctx.kb, passage, 'largeNoduleAboveMm');
    const meanMm = (f: Finding) => (f.values.longAxisMm + f.values.shortAxisMm) / 2;
    const largest = [...nodules].sort((a, b) => meanMm(b) - meanMm(a) || a.id.localeCompare(b.id))[0];
    // The guideline rounds the mean diameter to the nearest millimetre before choosing the band.
    const sizeMm = Math.round(meanMm(largest));
    const band = sizeMm < smallBelowMm ? 'small' : sizeMm <= largeAboveMm ? 'intermediate' : 'large';
    const assumptions = [
      nodules.some((f) => compositionOf(f) === undefined)
        ? 'the nodule is solid (the mask does not say whether it is solid or subsolid)'
        : 'the nodule is solid as classed from its attenuation by the built-in detector',
      `an incidental finding in an adult of ${minAge} years or older, not a lung cancer screening study`,
      'no known cancer and no immunosuppression',
      "the patient's risk (low or high) is not known to groundct, so both options are given",
    ];
    return [
      suggestion(
        TEMPLATES.recommendationLungNodule,
        { multiple, count: nodules.length, size: mmText(sizeMm), band, small_below: mmText(smallBelowMm), large_above: mmText(largeAboveMm) },
        [largest.id],
        [passage, 'fleischner2017-scope-and-risk', 'fleischner2017-nodule-measurement'],
        assumptions,
      ),
    ];
  },
};

/**
 * ACR Incidental Findings Committee 2017 for an incidental adrenal mass (passages acr2017-adrenal-mass-management,
 * adrenal-adenoma). Size is the lesion's long axis; the 10 HU criterion of a lipid-rich adenoma is applied only
 * on unenhanced CT, with the lesion's mean attenuation. One suggestion per adrenal lesion.
 */
export const ACR_ADRENAL_MASS: RecommendationRule = {
  id: 'acr2017-adrenal-mass-management',
  plan: (ctx) => {
    const lesions = ctx.findings.filter((f) => f.type === 'lesion' && f.statement !== 'cyst' && (inOrgan(f, 'adrenal_glands') || /^adrenal_gland/.test(f.subject.organ ?? '')));
    if (lesions.length === 0) return [];
    const passage = 'acr2017-adrenal-mass-management';
    const minCm = thresholdValue(ctx.kb, passage, 'noWorkupBelowCm');
    const smallMaxCm = thresholdValue(ctx.kb, passage, 'smallIndeterminateMaxCm');
    const largeAboveCm = thresholdValue(ctx.kb, passage, 'resectionConsideredAboveCm');
    const lipidRichMaxHu = thresholdValue(ctx.kb, 'adrenal-adenoma', 'lipidRichMaxHu');
    return lesions.map((f) => {
      const sizeCm = Math.round(f.values.longAxisMm) / 10;
      const unenhanced = ctx.phase === 'non-contrast';
      const band = sizeCm < minCm ? 'tiny' : sizeCm > largeAboveCm ? 'large' : unenhanced && f.values.huMean <= lipidRichMaxHu ? 'benign' : sizeCm <= smallMaxCm ? 'small' : 'indeterminate';
      const assumptions = [
        'no history of cancer (a separate pathway applies otherwise)',
        'no prior imaging showing the mass stable for a year or more (groundct has no prior study)',
        ...(unenhanced ? [] : [`the ${lipidRichMaxHu} HU criterion needs unenhanced CT, which this study is not known to be`]),
      ];
      return suggestion(
        TEMPLATES.recommendationAdrenal,
        { side: f.subject.side ?? null, size: `${sizeCm.toFixed(1)} cm`, band, hu: Math.round(f.values.huMean), unenhanced, lipid_rich_max_hu: lipidRichMaxHu, small_max: `${smallMaxCm} cm`, large_above: `${largeAboveCm} cm`, min_size: `${minCm} cm` },
        [f.id],
        [passage, 'adrenal-adenoma'],
        assumptions,
      );
    });
  },
};

/**
 * Society for Vascular Surgery 2018 for an ectatic or aneurysmal abdominal aorta (passage
 * svs2018-aaa-surveillance-and-repair; the finding rule uses the same passage's 2.6 and 3.0 cm): re-imaging after
 * 5 years for ectasia, surveillance every 3 years (3.0 to 3.9 cm), yearly (4.0 to 4.9 cm), every 6 months (5.0 to
 * 5.4 cm), referral for elective repair from 5.5 cm. The largest diameter of the abdominal sections decides; a
 * section cut by the scan border still gives a suggestion (its imaged part is at least that wide), with a caveat.
 */
export const SVS_AAA_SURVEILLANCE: RecommendationRule = {
  id: 'svs2018-aaa-surveillance-and-repair',
  plan: (ctx) => {
    const passage = 'svs2018-aaa-surveillance-and-repair';
    const abdominal = ctx.findings.filter(
      (f) => f.type === 'vessel_calibre' && f.subject.structure === 'aorta' && (f.attributes as { region?: string } | undefined)?.region === 'abdominal' && (f.statement === 'aneurysmal' || f.statement === 'ectatic'),
    );
    if (abdominal.length === 0) return [];
    const widest = [...abdominal].sort((a, b) => b.values.maxDiameterMm - a.values.maxDiameterMm || a.id.localeCompare(b.id))[0]!;
    // The guideline's bands are in tenths of a centimetre; the diameter is rounded to them before the band is chosen.
    const sizeCm = Math.round(widest.values.maxDiameterMm) / 10;
    const cm = (name: string) => thresholdValue(ctx.kb, passage, name);
    const band =
      sizeCm < cm('aneurysmAtOrAboveCm') ? 'ectatic'
      : sizeCm < cm('yearlySurveillanceAtOrAboveCm') ? 'small'
      : sizeCm < cm('sixMonthlySurveillanceAtOrAboveCm') ? 'medium'
      : sizeCm < cm('electiveRepairAtOrAboveCm') ? 'large'
      : 'repair';
    const complete = (widest.attributes as { complete?: boolean } | undefined)?.complete !== false;
    const assumptions = [
      'an asymptomatic patient (symptoms or rapid growth call for repair at any size)',
      'no prior imaging: the growth rate is not known to groundct',
      'the diameter is that of the aorta mask, perpendicular to its centreline; a mask that leaves out the wall or thrombus reads smaller than outer wall to outer wall',
      ...(complete ? [] : ['the aorta runs beyond the scan here: the widest part may not be imaged']),
    ];
    return [
      suggestion(
        TEMPLATES.recommendationAaa,
        {
          size: `${sizeCm.toFixed(1)} cm`,
          band,
          ectasia_years: cm('ectasiaReimagingYears'),
          small_years: cm('smallAneurysmSurveillanceYears'),
          repair_at: `${cm('electiveRepairAtOrAboveCm').toFixed(1)} cm`,
          female: ctx.patientSex === 'F' ? true : ctx.patientSex === 'M' ? false : null,
        },
        [widest.id],
        [passage, 'esc2014-aortic-diameter-measurement'],
        assumptions,
      ),
    ];
  },
};

/** The recommendation rules, in the order their sentences appear. */
export const RECOMMENDATION_RULES: readonly RecommendationRule[] = [FLEISCHNER_SOLID_NODULE, ACR_ADRENAL_MASS, SVS_AAA_SURVEILLANCE];

export function planRecommendations(ctx: RecommendationContext, rules: readonly RecommendationRule[] = RECOMMENDATION_RULES): SentencePlan[] {
  return rules.flatMap((r) => r.plan(ctx));
}
