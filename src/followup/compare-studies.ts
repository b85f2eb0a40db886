import type { FollowupConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import type { Findings } from '../findings/index.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import { alignStudies } from './align.ts';
import { lesionChanges, organChanges } from './change.ts';
import { changeFindings, type KeyedStudy } from './change-findings.ts';
import { lesionVoxels } from './lesion-voxels.ts';
import { matchLesions } from './match-lesions.ts';
import { recistResponse } from './recist.ts';
import { resolveRecistRules } from './recist-rules.ts';
import type { StudyArtifacts } from './study-folder.ts';
import { FOLLOWUP_SCHEMA_VERSION, type Followup, type PairComparison } from './types.ts';

export interface CompareOptions {
  readonly config: FollowupConfig;
  readonly kb: KnowledgeBase;
  /** Compare even when the patient-ID hashes differ (anonymised data); the report says identity was not checked. */
  readonly allowOtherPatient?: boolean;
  /**
   * Order of `priors` when a study has no date: 'newest-first' (groundct report --prior <prior> --prior <older>)
   * or 'oldest-first' (groundct compare <oldest> ... <prior> <current>). With every date known, dates decide.
   */
  readonly priorsGiven: 'newest-first' | 'oldest-first';
}

/** Checks the inputs and orders the studies in time: earliest first, current last. */
function orderStudies(current: StudyArtifacts, priors: readonly StudyArtifacts[], options: CompareOptions): { series: KeyedStudy[]; orderedBy: Followup['orderedBy'] } {
  if (priors.length === 0) throw gctError('GCT_FOLLOWUP_INPUT_INVALID', 'A comparison needs at least one prior study.');
  const all = [...priors, current];
  const sameStudy = (a: StudyArtifacts, b: StudyArtifacts) =>
    a.source === b.source ||
    (a.identity.seriesInstanceUid !== undefined && a.identity.seriesInstanceUid === b.identity.seriesInstanceUid && a.identity.studyInstanceUid === b.identity.studyInstanceUid);
  for (let a = 0; a < all.length; a++)
    for (let b = a + 1; b < all.length; b++)
      if (sameStudy(all[a], all[b]))
        throw gctError('GCT_FOLLOWUP_INPUT_INVALID', `${all[a].source} and ${all[b].source} are the same study (${b === all.length - 1 ? 'a prior is the current study itself' : 'a prior is given twice'}).`, { studies: [all[a].source, all[b].source] });
  const dated = all.every((s) => s.identity.studyDate !== undefined);
  const currentDate = current.identity.studyDate;
  if (currentDate !== undefined)
    for (const p of priors)
      if (p.identity.studyDate !== undefined && p.identity.studyDate > currentDate)
        throw gctError('GCT_FOLLOWUP_INPUT_INVALID', `The prior ${p.source} is dated ${p.identity.studyDate}, after the current study (${currentDate}); a prior must be older.`, { prior: p.source, priorDate: p.identity.studyDate, currentDate });
  const chronological = dated
    ? [...priors].map((p, i) => ({ p, i })).sort((x, y) => x.p.identity.studyDate!.localeCompare(y.p.identity.studyDate!) || (options.priorsGiven === 'oldest-first' ? x.i - y.i : y.i - x.i)).map((x) => x.p)
    : options.priorsGiven === 'oldest-first' ? [...priors] : [...priors].reverse();
  const n = chronological.length;
  const series: KeyedStudy[] = chronological.map((study, i) => ({ key: `prior-${n - i}`, ...(study.identity.studyDate ? { studyDate: study.identity.studyDate } : {}), study }));
  series.push({ key: 'current', ...(currentDate ? { studyDate: currentDate } : {}), study: current });
  return { series, orderedBy: dated ? 'study-date' : 'order-given' };
}

/** Same patient: equal keyed patient-ID hashes; refuses different ones unless overridden. */
function checkPatient(series: readonly KeyedStudy[], allowOtherPatient: boolean): Followup['patientCheck'] {
  const hashes = series.map((s) => s.study.identity.patientIdHash);
  if (hashes.some((h) => h === undefined)) return allowOtherPatient ? 'not-checked' : 'not-available';
  const first = hashes[0]!;
  for (let i = 1; i < series.length; i++) {
    const h = hashes[i]!;
    if (h.keyId !== first.keyId) {
      if (allowOtherPatient) return 'not-checked';
      throw gctError('GCT_FOLLOWUP_PATIENT_KEY_MISMATCH', `${series[0].study.source} and ${series[i].study.source} hashed their patient IDs with different keys (key ids ${first.keyId} and ${h.keyId}); their patients cannot be compared.`, { studies: [series[0].study.source, series[i].study.source] });
    }
    if (h.value !== first.value) {
      if (allowOtherPatient) return 'not-checked';
      throw gctError('GCT_FOLLOWUP_OTHER_PATIENT', `${series[i].study.source} belongs to another patient than ${series[0].study.source} (their patient-ID hashes differ).`, { studies: [series[0].study.source, series[i].study.source] });
    }
  }
  return 'same';
}

/**
 * The follow-up stage: compares the current study with its priors. Orders the series, checks the patient,
 * aligns and matches each consecutive pair, measures change, assesses the RECIST 1.1 response over the series,
 * and words nothing: it returns typed findings (change-findings.ts) for the report stage.
 */
export async function compareStudies(current: StudyArtifacts, priors: readonly StudyArtifacts[], options: CompareOptions): Promise<Followup> {
  const { series, orderedBy } = orderStudies(current, priors, options);
  const patientCheck = checkPatient(series, options.allowOtherPatient ?? false);
  const rules = resolveRecistRules(options.kb);
  const voxels = await Promise.all(series.map((s) => lesionVoxels(s.study, s.study.measurements.lesions)));
  const comparisons: PairComparison[] = [];
  for (let i = 0; i + 1 < series.length; i++) {
    const earlier = series[i];
    const later = series[i + 1];
    const alignment = alignStudies(earlier.study, later.study, options.config);
    const matches = matchLesions(
      { study: earlier.study, lesions: earlier.study.measurements.lesions, voxels: voxels[i] },
      { study: later.study, lesions: later.study.measurements.lesions, voxels: voxels[i + 1] },
      alignment.earlierToLater,
      options.config,
    );
    comparisons.push({
      earlier: earlier.key,
      later: later.key,
      alignment,
      matches,
      lesionChanges: lesionChanges(earlier.study.measurements, later.study.measurements, matches, options.config),
      organChanges: organChanges(earlier.study.measurements, later.study.measurements, options.config),
    });
  }
  const recist = recistResponse(series.map((s) => ({ key: s.key, ...(s.studyDate ? { studyDate: s.studyDate } : {}), measurements: s.study.measurements })), comparisons, rules);
  const { findings, priorFindings } = changeFindings({ current: series[series.length - 1], series, lastPair: comparisons[comparisons.length - 1], recist, patientCheck });
  return {
    kind: 'followup',
    schemaVersion: FOLLOWUP_SCHEMA_VERSION,
    studies: series.map((s) => ({
      key: s.key,
      ...(s.studyDate ? { studyDate: s.studyDate } : {}),
      source: s.study.source,
      ...(s.study.identity.frameOfReferenceUid ? { frameOfReferenceUid: s.study.identity.frameOfReferenceUid } : {}),
      grid: { dims: [s.study.grid.dims[0], s.study.grid.dims[1], s.study.grid.dims[2]], ijkToRas: [...s.study.grid.ijkToRas] },
    })),
    patientCheck,
    orderedBy,
    comparisons,
    recist,
    findings,
    priorFindings,
  };
}

/** The current study's findings with the follow-up's findings appended and the prior findings they cite. */
export function withFollowupFindings(findings: Findings, followup: Followup): Findings {
  const taken = new Set(findings.findings.map((f) => f.id));
  const clash = followup.findings.find((f) => taken.has(f.id));
  if (clash !== undefined) throw gctError('GCT_INTERNAL', `A follow-up finding id '${clash.id}' collides with a finding of the study.`);
  return { ...findings, findings: [...findings.findings, ...followup.findings], priorFindings: followup.priorFindings };
}
