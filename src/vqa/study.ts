import { structureEvidence, type Evidence, type Finding, type Findings } from '../findings/index.ts';
import type { Measurements, Phase } from '../measure/index.ts';

/**
 * What the answerer reads: the study's findings (the single source of truth for every claim) and one row per
 * labelled structure (for numbers no finding carries, e.g. the volume of the aorta, and for whether a structure
 * was labelled, imaged and complete). Built from the Measurements + Findings pair the pipeline makes, or from a
 * report.json (whose structure table has no mask geometry: evidence then names the label only).
 */

/** One labelled structure, as the answerer needs it. Numbers are null when the label has no voxel. */
export interface VqaStructure {
  readonly labelId: number;
  /** The label's name as the source gave it. */
  readonly labelName: string;
  /** Canonical anatomy name, or null for a name the catalogue does not know. */
  readonly name: string | null;
  readonly present: boolean;
  /** Present and touching the scan border. */
  readonly partiallyImaged: boolean;
  readonly volumeMl: number | null;
  readonly huMean: number | null;
  /** Craniocaudal extent between the outer voxel faces, mm; null when unknown. */
  readonly craniocaudalMm: number | null;
  readonly evidence: Evidence;
}

export interface VqaStudy {
  readonly phase: Phase;
  readonly findings: readonly Finding[];
  readonly structures: readonly VqaStructure[];
}

/** Mask evidence of a measured structure, in the findings' Evidence shape (geometry null without voxels). */
export const evidenceOfStats = structureEvidence;

/** The study as the answerer reads it, from the pipeline's two artifacts. */
export function studyFromArtifacts(measurements: Measurements, findings: Findings): VqaStudy {
  return {
    phase: findings.phase,
    findings: findings.findings,
    structures: measurements.structures.map((s) => ({
      labelId: s.labelId,
      labelName: s.sourceName,
      name: s.name,
      present: s.present,
      partiallyImaged: s.partiallyImaged,
      volumeMl: s.present ? s.volumeMl : null,
      huMean: s.present ? s.huMean : null,
      craniocaudalMm: s.present ? s.extentMm.craniocaudal : null,
      evidence: evidenceOfStats(s),
    })),
  };
}
