import { requirePassage, thresholdValue, type KnowledgeBase } from '../knowledge/index.ts';

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
