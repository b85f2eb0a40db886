import { getStructure, structureOrNull } from '../anatomy/index.ts';
import type { Evidence, Finding } from '../findings/index.ts';
import type { LesionRecord } from '../measure/index.ts';
import { isNodeGroup } from './match-lesions.ts';
import { RECIST_PASSAGES } from './recist-rules.ts';
import type { StudyArtifacts } from './study-folder.ts';
import type { Alignment, LesionChange, LesionMatch, OrganChange, PairComparison, Recist } from './types.ts';

/**
 * The typed findings of a comparison (types 'comparison', 'lesion_change', 'organ_change', 'response'), about
 * the current study against its most recent prior (and, for the response, the whole series). Their evidence
 * lies on both grids: the current study's masks (no `study` mark) and the prior's (`study: 'prior-1'`, ...).
 * The prior findings they refer to are copied with ids prefixed by their study ('prior-1:liver_lesion-1').
 */

export interface KeyedStudy {
  readonly key: string;
  readonly studyDate?: string;
  readonly study: StudyArtifacts;
}

/** Id of a prior study's finding as referenced from the current study. */
export function priorFindingId(studyKey: string, id: string): string {
  return `${studyKey}:${id}`;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function findingOf(s: KeyedStudy, id: string): Finding | undefined {
  return s.study.findings.findings.find((f) => f.id === id);
}

function evidenceOf(s: KeyedStudy, lesionId: string, current: boolean): Evidence[] {
  const f = findingOf(s, lesionId);
  return (f?.evidence ?? []).map((e) => (current ? e : { ...e, study: s.key }));
}

function lesionDisplay(l: LesionRecord): string {
  return structureOrNull(l.lesionClass)?.displayName ?? 'lesion';
}

function diameterKey(node: boolean): 'shortAxis' | 'longAxis' {
  return node ? 'shortAxis' : 'longAxis';
}

export interface ChangeFindingsInput {
  readonly current: KeyedStudy;
  /** The studies in time order, the current study last. */
  readonly series: readonly KeyedStudy[];
  readonly lastPair: PairComparison;
  readonly recist: Recist;
  readonly patientCheck: 'same' | 'not-available' | 'not-checked';
}

export function changeFindings(input: ChangeFindingsInput): { findings: Finding[]; priorFindings: Finding[] } {
  const { current, series, lastPair, recist } = input;
  const prior = series[series.length - 2];
  const referenced = new Map<string, Set<string>>(); // study key -> finding ids
  const refer = (s: KeyedStudy, id: string): string => {
    if (s.key === current.key) return id;
    if (findingOf(s, id) === undefined) return '';
    let set = referenced.get(s.key);
    if (set === undefined) referenced.set(s.key, (set = new Set()));
    set.add(id);
    return priorFindingId(s.key, id);
  };
  const priorLesions = new Map(prior.study.measurements.lesions.map((l) => [l.id, l]));
  const currentLesions = new Map(current.study.measurements.lesions.map((l) => [l.id, l]));
  const findings: Finding[] = [comparisonFinding(input, prior, lastPair.alignment)];

  const changeByLater = new Map(lastPair.lesionChanges.map((c) => [`${c.kind}:${c.earlierLesionIds.join(',')}>${c.laterLesionIds.join(',')}`, c]));
  for (const m of lastPair.matches) {
    const change = changeByLater.get(`${m.kind}:${m.earlierLesionIds.join(',')}>${m.laterLesionIds.join(',')}`);
    findings.push(lesionChangeFinding(m, change, prior, current, priorLesions, currentLesions, refer));
  }
  for (const o of lastPair.organChanges) findings.push(organChangeFinding(o, prior, current, refer));
  findings.push(responseFinding(recist, series, current, refer));

  const priorFindings: Finding[] = [];
  for (const s of series) {
    const ids = referenced.get(s.key);
    if (ids === undefined) continue;
    for (const f of s.study.findings.findings)
      if (ids.has(f.id)) priorFindings.push({ ...f, id: priorFindingId(s.key, f.id), evidence: f.evidence.map((e) => ({ ...e, study: s.key })) });
  }
  return { findings: findings.map((f) => ({ ...f, criteria: [...new Set(f.criteria)] })), priorFindings };
}

function comparisonFinding(input: ChangeFindingsInput, prior: KeyedStudy, alignment: Alignment): Finding {
  const caveats: string[] = [];
  if (input.patientCheck === 'not-checked') caveats.push('the patient identity of the studies was not checked (override for anonymised data)');
  if (input.patientCheck === 'not-available') caveats.push('a study carries no patient ID, so the studies could not be checked to belong to one patient');
  return {
    id: 'followup.comparison',
    type: 'comparison',
    subject: { structure: 'body', displayName: 'study', organ: null },
    status: 'indeterminate',
    significance: 0,
    statement: 'compared with prior',
    values: {
      alignmentResidualMm: alignment.residualMm,
      alignmentMaxResidualMm: alignment.maxResidualMm,
      alignmentRotationDeg: alignment.rotationDeg,
      priorStudies: input.series.length - 1,
      ...(alignment.landmarks.length > 0 ? { landmarksUsed: alignment.landmarks.filter((l) => l.used).length } : {}),
    },
    attributes: {
      priorStudy: prior.key,
      ...(prior.studyDate ? { priorDate: prior.studyDate } : {}),
      ...(input.current.studyDate ? { currentDate: input.current.studyDate } : {}),
      alignmentMethod: alignment.method,
      patientCheck: input.patientCheck,
      priorSource: prior.study.source,
    },
    caveats,
    evidence: [],
    criteria: [RECIST_PASSAGES.alignment],
  };
}

function lesionChangeFinding(
  m: LesionMatch,
  change: LesionChange | undefined,
  prior: KeyedStudy,
  current: KeyedStudy,
  priorLesions: ReadonlyMap<string, LesionRecord>,
  currentLesions: ReadonlyMap<string, LesionRecord>,
  refer: (s: KeyedStudy, id: string) => string,
): Finding {
  const before = m.earlierLesionIds.map((id) => priorLesions.get(id)!);
  const after = m.laterLesionIds.map((id) => currentLesions.get(id)!);
  const main = after[0] ?? before[0];
  const node = isNodeGroup(m.organ);
  const key = diameterKey(node);
  const statement =
    m.kind === 'matched' ? change!.status
      : m.kind === 'outside-earlier-field' || m.kind === 'outside-later-field' ? 'not comparable'
        : m.kind;
  const id =
    m.kind === 'matched' ? `change.${after[0].id}`
      : m.kind === 'new' ? `change.new.${after[0].id}`
        : m.kind === 'disappeared' ? `change.gone.${before[0].id}`
          : m.kind === 'split' ? `change.split.${before[0].id}`
            : m.kind === 'merged' ? `change.merged.${after[0].id}`
              : m.kind === 'outside-earlier-field' ? `change.outside.${after[0].id}` : `change.outside-prior.${before[0].id}`;
  const values: Record<string, number> = {};
  if (change !== undefined) {
    values[`prior${key[0].toUpperCase()}${key.slice(1)}Mm`] = change.earlierMm;
    values[`${key}Mm`] = change.laterMm;
    values[`${key}ChangeMm`] = change.changeMm;
    values[`${key}ChangePercent`] = change.changePercent;
    values.priorVolumeMl = change.earlierVolumeMl;
    values.volumeMl = change.laterVolumeMl;
    values.volumeChangeMl = change.volumeChangeMl;
    values.volumeChangePercent = change.volumeChangePercent;
    values.stableBandMm = change.stableBandMm;
  } else if (after.length > 0) {
    values[`${key}Mm`] = round2(node ? after[0].shortAxisMm : after[0].longAxisMm);
    values.volumeMl = round2(after[0].volumeMl);
  } else {
    values[`prior${key[0].toUpperCase()}${key.slice(1)}Mm`] = round2(node ? before[0].shortAxisMm : before[0].longAxisMm);
    values.priorVolumeMl = round2(before[0].volumeMl);
  }
  if (m.distanceMm !== undefined) values.distanceMm = m.distanceMm;
  if (m.overlapFraction !== undefined) values.overlapFraction = m.overlapFraction;
  const priorIds = before.map((l) => refer(prior, l.id)).filter((x) => x !== '');
  const currentIds = after.map((l) => refer(current, l.id));
  const significance = m.kind === 'new' ? 3 : statement === 'stable' || statement === 'not comparable' ? 1 : 2;
  return {
    id,
    type: 'lesion_change',
    subject: {
      structure: main.lesionClass,
      displayName: lesionDisplay(main),
      organ: main.organ,
      lesionId: after.length > 0 ? after[0].id : priorFindingId(prior.key, before[0].id),
      side: main.side,
    },
    status: m.kind === 'disappeared' ? 'normal' : statement === 'not comparable' ? 'indeterminate' : 'abnormal',
    significance,
    statement,
    values,
    attributes: {
      matchKind: m.kind,
      matchGroup: m.organ,
      diameter: key,
      priorStudy: prior.key,
      ...(prior.studyDate ? { priorDate: prior.studyDate } : {}),
      priorFindingIds: priorIds,
      currentFindingIds: currentIds,
      segments: [...main.segments],
      lesionType: main.lesionType,
    },
    caveats: m.kind === 'outside-earlier-field' ? ['the lesion lies outside the prior study\'s field of view'] : m.kind === 'outside-later-field' ? ['the prior lesion lies outside this study\'s field of view'] : [],
    evidence: [...after.flatMap((l) => evidenceOf(current, l.id, true)), ...before.flatMap((l) => evidenceOf(prior, l.id, false))],
    criteria: [RECIST_PASSAGES.matching, RECIST_PASSAGES.alignment, RECIST_PASSAGES.sum, ...(m.kind === 'split' || m.kind === 'merged' ? [RECIST_PASSAGES.fragments] : [])],
  };
}

function organChangeFinding(o: OrganChange, prior: KeyedStudy, current: KeyedStudy, refer: (s: KeyedStudy, id: string) => string): Finding {
  const statement = o.status === 'grown' ? 'increased' : o.status === 'shrunk' ? 'decreased' : 'stable';
  const structureEvidence = (s: KeyedStudy, mark: boolean): Evidence[] => {
    for (const f of s.study.findings.findings)
      for (const e of f.evidence) if (e.structure === o.organ && e.componentId === undefined && e.voxelCount > 0) return [mark ? { ...e, study: s.key } : e];
    return [];
  };
  const sizeFinding = (s: KeyedStudy) => s.study.findings.findings.find((f) => (f.type === 'organ_size' || f.type === 'normal') && f.subject.structure === o.organ);
  const priorSize = sizeFinding(prior);
  const currentSize = sizeFinding(current);
  return {
    id: `change.organ.${o.organ}`,
    type: 'organ_change',
    subject: { structure: o.organ, displayName: getStructure(o.organ).displayName, organ: o.organ },
    status: 'indeterminate',
    significance: statement === 'stable' ? 0 : 1,
    statement,
    values: { priorVolumeMl: o.earlierVolumeMl, volumeMl: o.laterVolumeMl, volumeChangeMl: o.volumeChangeMl, volumeChangePercent: o.volumeChangePercent, stableBandPercent: o.stableBandPercent },
    attributes: {
      priorStudy: prior.key,
      ...(prior.studyDate ? { priorDate: prior.studyDate } : {}),
      priorFindingIds: priorSize ? [refer(prior, priorSize.id)] : [],
      currentFindingIds: currentSize ? [currentSize.id] : [],
    },
    caveats: [],
    evidence: [...structureEvidence(current, false), ...structureEvidence(prior, true)],
    criteria: [RECIST_PASSAGES.matching],
  };
}

function responseFinding(recist: Recist, series: readonly KeyedStudy[], current: KeyedStudy, refer: (s: KeyedStudy, id: string) => string): Finding {
  const baseline = series[0];
  const lastIds = (t: Recist['targets'][number]) => t.lesionIdsByStudy[current.key] ?? [];
  const evidence: Evidence[] = [];
  for (const t of recist.targets) {
    for (const id of lastIds(t)) evidence.push(...evidenceOf(current, id, true));
    evidence.push(...evidenceOf(baseline, t.baselineLesionId, baseline.key === current.key));
  }
  for (const id of recist.newLesionIds) evidence.push(...evidenceOf(current, id, true));
  const baselineTargetIds = recist.targets.map((t) => refer(baseline, t.baselineLesionId)).filter((x) => x !== '');
  return {
    id: 'followup.recist',
    type: 'response',
    subject: { structure: 'body', displayName: 'tumour burden', organ: null },
    status: recist.overallResponse === 'CR' ? 'normal' : recist.overallResponse === 'NE' ? 'indeterminate' : 'abnormal',
    significance: recist.overallResponse === 'PD' ? 3 : 2,
    statement: recist.overallResponse,
    values: {
      baselineSumMm: recist.baselineSumMm,
      nadirSumMm: recist.nadir.sumMm,
      currentSumMm: recist.currentSumMm,
      ...(recist.changeFromBaselinePercent === null ? {} : { changeFromBaselinePercent: recist.changeFromBaselinePercent }),
      changeFromNadirMm: recist.changeFromNadirMm,
      ...(recist.changeFromNadirPercent === null ? {} : { changeFromNadirPercent: recist.changeFromNadirPercent }),
      targetCount: recist.targets.length,
      nonTargetCount: recist.nonTargets.length,
      newLesionCount: recist.newLesionIds.length,
    },
    attributes: {
      overallResponse: recist.overallResponse,
      ...(recist.targetResponse === null ? {} : { targetResponse: recist.targetResponse }),
      ...(recist.nonTargetResponse === null ? {} : { nonTargetResponse: recist.nonTargetResponse }),
      baselineStudy: recist.baseline,
      ...(baseline.studyDate ? { baselineDate: baseline.studyDate } : {}),
      nadirStudy: recist.nadir.study,
      targetLesionIds: recist.targets.flatMap(lastIds),
      baselineTargetFindingIds: baselineTargetIds,
      newLesionIds: [...recist.newLesionIds],
      steps: [...recist.steps],
    },
    caveats: [...recist.caveats],
    evidence,
    criteria: [RECIST_PASSAGES.target, RECIST_PASSAGES.measurable, RECIST_PASSAGES.sum, RECIST_PASSAGES.response, RECIST_PASSAGES.overall, RECIST_PASSAGES.lymphNode, RECIST_PASSAGES.matching],
  };
}
