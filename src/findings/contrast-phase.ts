import type { Measurements, Phase } from '../measure/measurements.ts';
import type { MeasuredStructureStats } from '../measure/types.ts';
import { structureEvidence } from './evidence.ts';
import type { Finding, PhaseSource } from './schema.ts';

/**
 * Contrast phase estimated from the masks' attenuation when no phase is given (passage
 * groundct-contrast-phase-estimation; physiology: bae2010-contrast-timing; phase names and timing bands:
 * totalsegmentator-contrast-phase). The estimate is a rule on two blood pools, read from the structure
 * statistics (their median HU, robust to calcified plaque and partial volume at the wall):
 *
 * - arterial reference: the aorta, else the mean of the iliac arteries;
 * - venous reference: the portal and splenic veins, else the inferior vena cava (confidence x 0.8, since caval
 *   inflow mixes enhanced renal and unenhanced infrarenal blood).
 *
 * Native when the arterial median is <= nativeMaxArterialHu. Otherwise r = (venous - blood) / (arterial - blood)
 * with blood = unenhancedBloodHu: r < earlyArterialMaxRatio arterial early, r < lateArterialMaxRatio arterial
 * late, else portal venous, or delayed when the aorta is below delayedMaxAortaHu. Without a venous reference a
 * contrast scan is 'contrast-enhanced' (phase not determinable). Each decision's confidence rises linearly from 0.5
 * at its threshold to 1 at one width (confidenceWidthHu / confidenceWidthRatio) from it; the estimate's confidence
 * is the smallest, rounded to 2 decimals.
 */

export interface PhaseRules {
  readonly passageId: string;
  readonly nativeMaxArterialHu: number;
  readonly unenhancedBloodHu: number;
  readonly earlyArterialMaxRatio: number;
  readonly lateArterialMaxRatio: number;
  readonly delayedMaxAortaHu: number;
  readonly confidenceWidthHu: number;
  readonly confidenceWidthRatio: number;
  /** Phase-dependent rules (steatosis) use an estimated phase only at or above this confidence (0-1). */
  readonly minConfidenceForRules: number;
  readonly minVesselVolumeMl: number;
}

/** The estimate and the numbers it rests on. `confidence` is in [0.5, 1] (0.5: on a threshold; 1: clear). */
export interface PhaseEstimate {
  readonly phase: Phase;
  readonly confidence: number;
  /**
   * Confidence of the first decision alone, native versus contrast-enhanced (0.5-1): what the non-contrast rules
   * depend on. A clear portal venous aorta with an unclear venous/delayed split is still clearly not native.
   */
  readonly contrastConfidence: number;
  /** Median HU of the references used, and the enhancement ratio when computed. */
  readonly values: Readonly<Record<string, number>>;
  /** Canonical names of the masks the estimate read. */
  readonly structures: readonly string[];
  readonly arterialReference: 'aorta' | 'iliac arteries';
  readonly venousReference: 'portal vein' | 'inferior vena cava' | null;
}

/** The phase the rules assume, where it came from, and the estimate when one was made. */
export interface ResolvedPhase {
  readonly phase: Phase;
  readonly source: PhaseSource;
  readonly estimate: PhaseEstimate | null;
  /**
   * True when rules that depend on native versus contrast-enhanced may rely on `phase`: given, DICOM-stated, or
   * estimated with a contrastConfidence of at least minConfidenceForRules.
   */
  readonly reliable: boolean;
}

/** Linear confidence of one threshold decision: 0.5 on the threshold, 1 at `width` or more from it. */
export function decisionConfidence(value: number, threshold: number, width: number): number {
  return 0.5 + 0.5 * Math.min(1, Math.abs(value - threshold) / width);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function usable(m: Measurements, name: string, rules: PhaseRules): MeasuredStructureStats | null {
  const s = m.structures.find((x) => x.name === name);
  return s !== undefined && s.present && s.volumeMl >= rules.minVesselVolumeMl ? s : null;
}

/** The estimate from the blood pools, or null when no arterial reference mask is usable. */
export function estimatePhase(m: Measurements, rules: PhaseRules): PhaseEstimate | null {
  const aorta = usable(m, 'aorta', rules);
  const iliacs = [usable(m, 'iliac_artery_left', rules), usable(m, 'iliac_artery_right', rules)].filter((s): s is MeasuredStructureStats => s !== null);
  if (aorta === null && iliacs.length === 0) return null;
  const arterialHu = aorta !== null ? aorta.huMedian : iliacs.reduce((a, s) => a + s.huMedian, 0) / iliacs.length;
  const arterialReference = aorta !== null ? 'aorta' : 'iliac arteries';
  const arterialNames = aorta !== null ? ['aorta'] : iliacs.map((s) => s.name!);
  const portal = usable(m, 'portal_vein_and_splenic_vein', rules);
  const cava = portal === null ? usable(m, 'inferior_vena_cava', rules) : null;
  const venous = portal ?? cava;
  const venousReference = portal !== null ? 'portal vein' : cava !== null ? 'inferior vena cava' : null;
  const values: Record<string, number> = { arterialHuMedian: arterialHu };
  if (venous !== null) values.venousHuMedian = venous.huMedian;
  const structures = [...arterialNames, ...(venous !== null ? [venous.name!] : [])];
  const base = { values, structures, arterialReference, venousReference } as const;

  const nativeConfidence = decisionConfidence(arterialHu, rules.nativeMaxArterialHu, rules.confidenceWidthHu);
  if (arterialHu <= rules.nativeMaxArterialHu) {
    // A venous pool above the native limit contradicts a native aorta: the estimate is then barely better than chance.
    const contradiction = venous !== null && venous.huMedian > rules.nativeMaxArterialHu;
    const c = round2(contradiction ? 0.5 : nativeConfidence);
    return { ...base, phase: 'non-contrast', confidence: c, contrastConfidence: c };
  }
  const contrastConfidence = round2(nativeConfidence);
  if (venous === null) return { ...base, phase: 'contrast-enhanced', confidence: contrastConfidence, contrastConfidence };

  const ratio = (venous.huMedian - rules.unenhancedBloodHu) / (arterialHu - rules.unenhancedBloodHu);
  values.venousArterialEnhancementRatio = round2(ratio);
  const venousFactor = portal !== null ? 1 : 0.8;
  const ratioConfidence = (t: number) => decisionConfidence(ratio, t, rules.confidenceWidthRatio);
  let phase: Phase;
  let confidence: number;
  if (ratio < rules.earlyArterialMaxRatio) {
    phase = 'arterial-early';
    confidence = ratioConfidence(rules.earlyArterialMaxRatio);
  } else if (ratio < rules.lateArterialMaxRatio) {
    phase = 'arterial-late';
    confidence = Math.min(ratioConfidence(rules.earlyArterialMaxRatio), ratioConfidence(rules.lateArterialMaxRatio));
  } else {
    const delayed = arterialHu < rules.delayedMaxAortaHu;
    phase = delayed ? 'delayed' : 'portal-venous';
    confidence = Math.min(ratioConfidence(rules.lateArterialMaxRatio), decisionConfidence(arterialHu, rules.delayedMaxAortaHu, rules.confidenceWidthHu));
  }
  return { ...base, phase, confidence: round2(Math.min(nativeConfidence, confidence) * venousFactor), contrastConfidence };
}

/** Phases that state only that contrast was given (no arterial / venous timing). */
const UNTIMED: ReadonlySet<Phase> = new Set(['contrast-enhanced', 'unknown']);

/**
 * The phase the rules assume: the caller's, else the estimate (when it does not contradict a DICOM header that
 * says contrast was given), else the DICOM header's, else unknown.
 */
export function resolvePhase(m: Measurements, estimate: PhaseEstimate | null, rules: PhaseRules): ResolvedPhase {
  const stated = m.study;
  if (stated.phaseSource === 'given') return { phase: stated.phase, source: 'given', estimate, reliable: true };
  const contradictsDicom = stated.phaseSource === 'dicom' && stated.phase !== 'non-contrast' && estimate?.phase === 'non-contrast';
  if (estimate !== null && !contradictsDicom && !(UNTIMED.has(estimate.phase) && stated.phaseSource === 'dicom')) {
    return { phase: estimate.phase, source: 'estimated', estimate, reliable: estimate.contrastConfidence >= rules.minConfidenceForRules };
  }
  if (stated.phaseSource === 'dicom') return { phase: stated.phase, source: 'dicom', estimate, reliable: true };
  return { phase: 'unknown', source: 'none', estimate, reliable: true };
}

const PHASE_WORDS: Readonly<Record<Phase, string>> = {
  'non-contrast': 'native (non-contrast)',
  'contrast-enhanced': 'contrast-enhanced',
  arterial: 'arterial',
  'arterial-early': 'early arterial',
  'arterial-late': 'late arterial',
  'portal-venous': 'portal venous',
  delayed: 'delayed',
  unknown: 'unknown',
};

/** The radiologist's words for a phase: 'native (non-contrast)', 'late arterial', 'portal venous'. */
export function phaseWords(phase: Phase): string {
  return PHASE_WORDS[phase];
}

/**
 * The phase finding: the estimate, with the blood pools it read as evidence. Descriptive (significance 0) when it
 * sets the phase or agrees with the stated one; a limitation (significance 1) when it disagrees with the stated
 * phase, which is then kept.
 */
export function phaseFindings(m: Measurements, resolved: ResolvedPhase, rules: PhaseRules, criteria: readonly string[]): Finding[] {
  const e = resolved.estimate;
  if (e === null) return [];
  const stated = m.study.phaseSource === 'none' ? null : m.study.phase;
  const disagrees = resolved.source !== 'estimated' && stated !== null && !UNTIMED.has(stated) && !samePhase(stated, e.phase);
  const evidence = e.structures.map((name) => structureEvidence(m.structures.find((s) => s.name === name)!));
  return [
    {
      id: 'study.contrast_phase',
      type: 'contrast_phase',
      subject: { structure: 'body', displayName: 'study', organ: null },
      status: disagrees ? 'indeterminate' : 'normal',
      significance: disagrees ? 1 : 0,
      statement: e.phase,
      values: { ...e.values, confidence: e.confidence, contrastConfidence: e.contrastConfidence, minConfidenceForRules: rules.minConfidenceForRules },
      attributes: {
        estimatedPhase: e.phase,
        phaseUsed: resolved.phase,
        phaseSource: resolved.source,
        arterialReference: e.arterialReference,
        ...(e.venousReference === null ? {} : { venousReference: e.venousReference }),
        ...(stated === null ? {} : { statedPhase: stated }),
        agreesWithStated: !disagrees,
        usedByRules: resolved.source === 'estimated' ? resolved.reliable : false,
      },
      caveats: [
        ...(disagrees ? [`the attenuation of the ${e.arterialReference} suggests the ${phaseWords(e.phase)} phase, not the stated ${phaseWords(stated!)} phase; the stated phase is kept`] : []),
        ...(resolved.source === 'estimated' && !resolved.reliable ? [`native versus contrast-enhanced decided with confidence ${e.contrastConfidence}, below ${rules.minConfidenceForRules}: phase-dependent rules were not applied`] : []),
      ],
      evidence,
      criteria: [...new Set(criteria)],
    },
  ];
}

/** 'arterial' covers its early and late parts. */
function samePhase(a: Phase, b: Phase): boolean {
  if (a === b) return true;
  const arterial = (p: Phase) => p === 'arterial' || p === 'arterial-early' || p === 'arterial-late';
  return arterial(a) && arterial(b);
}
