import { requirePassage, thresholdValue, type KnowledgeBase } from '../knowledge/index.ts';
import type { PhaseRules } from './contrast-phase.ts';

/**
 * Every threshold the finding rules use, read once from the knowledge-base passages that define them
 * (`thresholdValue`), so that a number lives in exactly one place: the passage the finding cites.
 * Unit conversions are named helpers; 1 cm3 is 1 mL.
 */

/** Millimetres per centimetre. */
export function cmToMm(cm: number): number {
  return cm * 10;
}

/** Cubic centimetres are millilitres (1 cm3 = 1 mL); named so the unit change is visible at the call site. */
export function cm3ToMl(cm3: number): number {
  return cm3;
}

/** Passage ids the rules cite. Each is checked to exist when the rules are resolved. */
export const PASSAGES = {
  lesionOrganAdjacency: 'groundct-lesion-organ-adjacency',
  spleenVolume: 'radgpt-spleen-volume',
  spleenLength: 'lugano-spleen-length',
  kidneyVolume: 'radgpt-kidney-volume',
  liverVolume: 'radgpt-liver-volume',
  pancreasVolume: 'radgpt-pancreas-volume',
  partialOrganRadgpt: 'radgpt-partial-organ',
  partialOrgan: 'groundct-partial-organ',
  negativeFindings: 'groundct-negative-findings',
  fattyLiver: 'radgpt-fatty-liver',
  fattyPancreas: 'radgpt-fatty-pancreas',
  phaseCaveat: 'contrast-phase-caveat',
  parenchyma: 'groundct-organ-parenchyma',
  lesionComponent: 'radgpt-lesion-component',
  minComponent: 'groundct-min-component-size',
  lesionSize: 'radgpt-lesion-size',
  longestDiameter: 'groundct-longest-diameter',
  lesionLocation: 'radgpt-lesion-location',
  couinaud: 'couinaud-segments',
  pancreasSubsegments: 'radgpt-pancreas-subsegments',
  lungLobes: 'lung-lobes-fissures',
  lesionAttenuation: 'radgpt-lesion-attenuation',
  attenuationTerms: 'attenuation-terms',
  vesselContact: 'radgpt-vessel-contact',
  vesselContactTerms: 'vessel-contact-terms',
  noduleVsMass: 'fleischner-nodule-vs-mass',
  noduleMeasurement: 'fleischner2017-nodule-measurement',
  solidNodule: 'fleischner2017-solid-nodule',
  subsolidNodule: 'fleischner2017-subsolid-nodule',
  solidComponentThreshold: 'subsolid-solid-component-threshold',
  builtinNoduleDetector: 'groundct-builtin-lung-nodule-detector',
  pancreasTRadgpt: 'radgpt-pancreas-t-stage',
  pancreasT: 'ajcc8-pancreas-t',
  kidneyT: 'ajcc8-kidney-t',
  lungT: 'ajcc8-lung-t',
  stagingLimits: 'ajcc8-staging-limits',
  lymphNodeRecist: 'recist11-lymph-node',
  lymphNodeShortAxis: 'lymph-node-short-axis',
  ascites: 'ascites-free-fluid',
  pleuralEffusion: 'pleural-effusion',
  vocabulary: 'totalsegmentator-vocabulary',
  phaseEstimation: 'groundct-contrast-phase-estimation',
  phaseTiming: 'bae2010-contrast-timing',
  phaseNames: 'totalsegmentator-contrast-phase',
  vesselCalibre: 'groundct-vessel-calibre',
  aortaSections: 'groundct-aorta-sections',
  abdominalAorta: 'svs2018-aaa-surveillance-and-repair',
  aorticAneurysm: 'accaha2022-aortic-aneurysm-definition',
  pulmonaryArtery: 'framingham-pulmonary-artery-diameter',
  paAortaRatio: 'wells2012-pa-aorta-ratio',
  pulmonaryLandmarks: 'totalsegmentator-pulmonary-report',
  genant: 'genant1993-vertebral-fracture-grades',
  l1Attenuation: 'pickhardt2013-opportunistic-bone-density',
  vertebralBody: 'groundct-vertebral-body',
  laa950: 'gevenois-laa-950',
  emphysemaExtent: 'groundct-emphysema-extent',
  tissueHu: 'tissue-hu-ranges',
  bodyComposition: 'groundct-body-composition',
  agatston: 'agatston1990-calcium-score',
  coronaryNonGated: 'cacdrs2018-visual-noncardiac-ct',
  coronaryBands: 'cacdrs2018-categories',
  kidneyStones: 'eau2016-urolithiasis-ct',
  aorticAtherosclerosis: 'esc2014-aortic-atherosclerosis',
  calciumAndStones: 'groundct-calcium-and-stones',
  dissectionTypes: 'accaha2022-aortic-dissection-classification',
  dissection: 'groundct-dissection',
} as const;

/** A size-class rule for one organ: enlarged above `enlargedVolumeMl`, massive above `massiveVolumeMl`. */
export interface OrganSizeRule {
  readonly passageId: string;
  readonly enlargedVolumeMl: number;
  readonly massiveVolumeMl?: number;
}

/** Upper bounds (inclusive) of successive T categories, in mm of long axis; above the last is `aboveLast`. */
export interface SizeTRule {
  readonly passageId: string;
  readonly bands: readonly { readonly category: string; readonly maxMm: number }[];
  readonly aboveLast: string;
}

export interface FindingRules {
  /** Organs sized by volume (RadGPT), keyed by canonical name. */
  readonly organSize: Readonly<Record<string, OrganSizeRule>>;
  /** Lugano: spleen craniocaudal length above which it is enlarged, mm. */
  readonly spleenMaxLengthMm: number;
  /** RadGPT: liver mean HU at or below which it is fatty (non-contrast only), HU. */
  readonly fattyLiverMaxHu: number;
  /** RadGPT: pancreas/spleen mean HU ratio at or below which the pancreas is fatty (non-contrast only). */
  readonly fattyPancreasMaxRatio: number;
  /** RadGPT: contact angle at or above which contact is encasement, deg. */
  readonly encasementAngleDeg: number;
  /** RadGPT / AJCC 8: arterial contact angle at or above which a pancreatic tumour is T4, deg. */
  readonly pancreasT4AngleDeg: number;
  readonly pancreasT: SizeTRule;
  readonly kidneyT: SizeTRule;
  readonly lungT: SizeTRule;
  /** Fleischner glossary: a lung lesion longer than this is a mass, not a nodule, mm. */
  readonly lungMassAboveMm: number;
  /** RECIST 1.1: a node of at least this short axis is pathological (enlarged), mm. */
  readonly lymphNodeMinShortAxisMm: number;
  /** RECIST 1.1: a node of at least this short axis is measurable (target-eligible), mm. */
  readonly lymphNodeTargetMinShortAxisMm: number;
  /** The minimum lesion component volume the cited passage states, mm3 (compared with the measurement's). */
  readonly minComponentVolumeMm3: number;
  /** Contrast phase estimation (groundct-contrast-phase-estimation). */
  readonly phase: PhaseRules;
  /** Aortic calibre limits by region (dilated / ectatic at or above, aneurysmal at or above), mm. */
  readonly aorta: Readonly<Record<'ascending' | 'descending' | 'abdominal', CalibreLimits>>;
  /** Main pulmonary artery diameter above which it is enlarged, mm, by sex (Truong 2012). */
  readonly pulmonaryArteryEnlargedAboveMm: { readonly men: number; readonly women: number };
  /** PA : ascending aorta diameter ratio above which the PA is enlarged relative to the aorta (Wells 2012). */
  readonly paAortaRatioAbove: number;
  /** Genant grade bands of vertebral height loss, %: grade 1 from, grade 2 from, grade 3 above. */
  readonly genant: { readonly grade1MinPercent: number; readonly grade2MinPercent: number; readonly grade3AbovePercent: number };
  /** L1 trabecular HU at or below which osteoporosis is likely / possible (Pickhardt 2013). */
  readonly l1: { readonly likelyAtOrBelowHu: number; readonly possibleAtOrBelowHu: number };
  /** LAA-950 % bands of both lungs: emphysema (mild) from, moderate from, severe from. */
  readonly emphysema: { readonly laaHu: number; readonly mildFromPercent: number; readonly moderateFromPercent: number; readonly severeFromPercent: number };
  /** HU windows of adipose tissue and skeletal muscle (Mitsiopoulos 1998), [min, max] HU. */
  readonly tissueHu: { readonly adipose: readonly [number, number]; readonly muscle: readonly [number, number] };
  /** Agatston calcium threshold (HU) and lesion floor (mm2); coronary score bands. */
  readonly calcium: { readonly minHu: number; readonly minAreaMm2: number; readonly mildFrom: number; readonly moderateFrom: number; readonly severeFrom: number };
  /** Kidney stone candidate and peak thresholds, HU. */
  readonly stone: { readonly minHu: number; readonly peakMinHu: number };
  /** False-lumen volume from which an aortic section counts as involved, mL. */
  readonly dissectionMinSectionMl: number;
}

/** Calibre limits of one aortic region and the passage they come from. */
export interface CalibreLimits {
  readonly passageId: string;
  readonly dilatedAtOrAboveMm: number;
  readonly aneurysmAtOrAboveMm: number;
  /** The guideline's word for a dilated, non-aneurysmal segment ('dilated' thoracic, 'ectatic' abdominal). */
  readonly dilatedWord: 'dilated' | 'ectatic';
}

/**
 * Arteries whose encasement makes a pancreatic tumour T4 (AJCC 8th ed., Exocrine pancreas: celiac axis, superior
 * mesenteric artery, common hepatic artery; as passage radgpt-pancreas-t-stage applies it). Canonical names.
 */
export const PANCREAS_T4_ARTERIES = ['superior_mesenteric_artery', 'celiac_trunk', 'common_hepatic_artery'] as const;

/**
 * Reads every threshold from its passage. Throws GCT_KB_REFERENCE_UNKNOWN when a passage or threshold is missing,
 * so a knowledge base that cannot back the rules fails at load time, not in the middle of a report.
 */
export function resolveFindingRules(kb: KnowledgeBase): FindingRules {
  for (const id of Object.values(PASSAGES)) requirePassage(kb, id);
  const t = (passageId: string, name: string) => thresholdValue(kb, passageId, name);
  /** A T-category band: the category and its largest long axis, in mm, from the passage's cm threshold. */
  const band = (passageId: string, category: string, key: string) => ({ category, maxMm: cmToMm(t(passageId, key)) });
  const kidney: OrganSizeRule = { passageId: PASSAGES.kidneyVolume, enlargedVolumeMl: cm3ToMl(t(PASSAGES.kidneyVolume, 'enlargedVolumeCm3')) };
  return {
    organSize: {
      spleen: {
        passageId: PASSAGES.spleenVolume,
        enlargedVolumeMl: cm3ToMl(t(PASSAGES.spleenVolume, 'enlargedVolumeCm3')),
        massiveVolumeMl: cm3ToMl(t(PASSAGES.spleenVolume, 'massiveVolumeCm3')),
      },
      liver: { passageId: PASSAGES.liverVolume, enlargedVolumeMl: cm3ToMl(t(PASSAGES.liverVolume, 'enlargedVolumeCm3')) },
      pancreas: { passageId: PASSAGES.pancreasVolume, enlargedVolumeMl: cm3ToMl(t(PASSAGES.pancreasVolume, 'enlargedVolumeCm3')) },
      kidney_left: kidney,
      kidney_right: kidney,
    },
    spleenMaxLengthMm: cmToMm(t(PASSAGES.spleenLength, 'maxNormalLengthCm')),
    fattyLiverMaxHu: t(PASSAGES.fattyLiver, 'maxMeanHu'),
    fattyPancreasMaxRatio: t(PASSAGES.fattyPancreas, 'maxPancreasSpleenHuRatio'),
    encasementAngleDeg: t(PASSAGES.vesselContact, 'encasementAngleDeg'),
    pancreasT4AngleDeg: t(PASSAGES.pancreasTRadgpt, 't4EncasementAngleDeg'),
    pancreasT: {
      passageId: PASSAGES.pancreasTRadgpt,
      bands: [
        band(PASSAGES.pancreasTRadgpt, 'T1a', 't1aMaxCm'),
        band(PASSAGES.pancreasTRadgpt, 'T1b', 't1bMaxCm'),
        band(PASSAGES.pancreasTRadgpt, 'T1c', 't1cMaxCm'),
        band(PASSAGES.pancreasTRadgpt, 'T2', 't2MaxCm'),
      ],
      aboveLast: 'T3',
    },
    kidneyT: {
      passageId: PASSAGES.kidneyT,
      bands: [
        band(PASSAGES.kidneyT, 'T1a', 't1aMaxCm'),
        band(PASSAGES.kidneyT, 'T1b', 't1bMaxCm'),
        band(PASSAGES.kidneyT, 'T2a', 't2aMaxCm'),
      ],
      aboveLast: 'T2b',
    },
    lungT: {
      passageId: PASSAGES.lungT,
      bands: [
        band(PASSAGES.lungT, 'T1a', 't1aMaxCm'),
        band(PASSAGES.lungT, 'T1b', 't1bMaxCm'),
        band(PASSAGES.lungT, 'T1c', 't1cMaxCm'),
        band(PASSAGES.lungT, 'T2a', 't2aMaxCm'),
        band(PASSAGES.lungT, 'T2b', 't2bMaxCm'),
        band(PASSAGES.lungT, 'T3', 't3MaxCm'),
      ],
      aboveLast: 'T4',
    },
    lungMassAboveMm: cmToMm(t(PASSAGES.noduleVsMass, 'massAboveCm')),
    lymphNodeMinShortAxisMm: t(PASSAGES.lymphNodeRecist, 'pathologicalMinShortAxisMm'),
    lymphNodeTargetMinShortAxisMm: t(PASSAGES.lymphNodeRecist, 'targetMinShortAxisMm'),
    minComponentVolumeMm3: t(PASSAGES.minComponent, 'minComponentVolumeMm3'),
    phase: phaseRules(t),
    aorta: {
      ascending: { passageId: PASSAGES.aorticAneurysm, dilatedAtOrAboveMm: t(PASSAGES.vesselCalibre, 'ascendingDilatedAtOrAboveMm'), aneurysmAtOrAboveMm: t(PASSAGES.vesselCalibre, 'ascendingAneurysmAtOrAboveMm'), dilatedWord: 'dilated' },
      descending: { passageId: PASSAGES.aorticAneurysm, dilatedAtOrAboveMm: t(PASSAGES.vesselCalibre, 'descendingDilatedAtOrAboveMm'), aneurysmAtOrAboveMm: t(PASSAGES.vesselCalibre, 'descendingAneurysmAtOrAboveMm'), dilatedWord: 'dilated' },
      abdominal: { passageId: PASSAGES.abdominalAorta, dilatedAtOrAboveMm: 10 * t(PASSAGES.abdominalAorta, 'ectasiaAtOrAboveCm'), aneurysmAtOrAboveMm: 10 * t(PASSAGES.abdominalAorta, 'aneurysmAtOrAboveCm'), dilatedWord: 'ectatic' },
    },
    pulmonaryArteryEnlargedAboveMm: { men: t(PASSAGES.pulmonaryArtery, 'enlargedAboveMmMen'), women: t(PASSAGES.pulmonaryArtery, 'enlargedAboveMmWomen') },
    paAortaRatioAbove: t(PASSAGES.paAortaRatio, 'ratioAbove'),
    genant: { grade1MinPercent: t(PASSAGES.genant, 'mildMinHeightLossPercent'), grade2MinPercent: t(PASSAGES.genant, 'moderateMinHeightLossPercent'), grade3AbovePercent: t(PASSAGES.genant, 'severeAboveHeightLossPercent') },
    l1: { likelyAtOrBelowHu: t(PASSAGES.l1Attenuation, 'specificCutoffHu'), possibleAtOrBelowHu: t(PASSAGES.l1Attenuation, 'sensitiveCutoffHu') },
    emphysema: {
      laaHu: t(PASSAGES.laa950, 'laaAtOrBelowHu'),
      mildFromPercent: t(PASSAGES.emphysemaExtent, 'presentAtOrAbovePercent'),
      moderateFromPercent: t(PASSAGES.emphysemaExtent, 'moderateAtOrAbovePercent'),
      severeFromPercent: t(PASSAGES.emphysemaExtent, 'severeAtOrAbovePercent'),
    },
    tissueHu: {
      adipose: [t(PASSAGES.tissueHu, 'adiposeMinHu'), t(PASSAGES.tissueHu, 'adiposeMaxHu')],
      muscle: [t(PASSAGES.tissueHu, 'muscleMinHu'), t(PASSAGES.tissueHu, 'muscleMaxHu')],
    },
    calcium: {
      minHu: t(PASSAGES.agatston, 'calciumMinHu'),
      minAreaMm2: t(PASSAGES.agatston, 'lesionMinAreaMm2'),
      mildFrom: t(PASSAGES.coronaryBands, 'mildFromScore'),
      moderateFrom: t(PASSAGES.coronaryBands, 'moderateFromScore'),
      severeFrom: t(PASSAGES.coronaryBands, 'severeFromScore'),
    },
    stone: { minHu: t(PASSAGES.calciumAndStones, 'stoneMinHu'), peakMinHu: t(PASSAGES.calciumAndStones, 'stonePeakMinHu') },
    dissectionMinSectionMl: cm3ToMl(t(PASSAGES.dissection, 'minSectionFalseLumenMl')),
  };
}

function phaseRules(t: (passageId: string, name: string) => number): PhaseRules {
  const id = PASSAGES.phaseEstimation;
  return {
    passageId: id,
    nativeMaxArterialHu: t(id, 'nativeMaxArterialHu'),
    unenhancedBloodHu: t(id, 'unenhancedBloodHu'),
    earlyArterialMaxRatio: t(id, 'earlyArterialMaxRatio'),
    lateArterialMaxRatio: t(id, 'lateArterialMaxRatio'),
    delayedMaxAortaHu: t(id, 'delayedMaxAortaHu'),
    confidenceWidthHu: t(id, 'confidenceWidthHu'),
    confidenceWidthRatio: t(id, 'confidenceWidthRatio'),
    minConfidenceForRules: t(id, 'minConfidenceForRules'),
    minVesselVolumeMl: cm3ToMl(t(id, 'minVesselVolumeMl')),
  };
}

/**
 * The T category of a long axis by inclusive upper bounds: the first band whose `maxMm` is >= the long axis,
 * else `aboveLast`. A long axis exactly on a boundary belongs to the lower category (2.0 cm is pancreatic T1c,
 * 4.0 cm is T2; RadGPT's reading, which also puts exactly 1.0 cm in T1b where AJCC writes T1b as "< 1 cm"). The
 * comparison uses the unrounded measured mm, so a 20.04 mm tumour shown as "2.0 cm" is T2; the finding keeps
 * the exact value in `values.longAxisMm` for that reason.
 */
export function sizeCategory(rule: SizeTRule, longAxisMm: number): string {
  for (const band of rule.bands) if (longAxisMm <= band.maxMm) return band.category;
  return rule.aboveLast;
}
