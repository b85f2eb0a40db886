import { structureOrNull } from '../anatomy/index.ts';
import { gctError } from '../errors.ts';
import { FindingsSchema, type Findings } from '../findings/index.ts';
import type { Followup } from '../followup/index.ts';
import type { Measurements } from '../measure/measurements.ts';
import { compareGroups, headingOf } from './groups.ts';
import { planFindingsSection } from './plan-findings.ts';
import { planFollowup } from './plan-followup.ts';
import { planImpression } from './plan-impression.ts';
import { ageInYears, planRecommendations } from './plan-recommendations.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import { REPORT_SCHEMA_VERSION, type Report, type ReportComparison, type ReportLesion, type ReportStructure, type Sentence } from './schema.ts';
import type { SentencePlan } from './sentence-plan.ts';
import { renderSentence, templateKey, type LoadedTemplates } from './templates.ts';

export interface BuildReportOptions {
  /** Narrative templates, loaded once with `loadTemplates()`. */
  readonly templates: LoadedTemplates;
  /**
   * The knowledge base the findings were derived with. When given, suggestion sentences follow the IMPRESSION
   * where a cited guideline gives a recommendation (plan-recommendations.ts); without it there are none.
   */
  readonly kb?: KnowledgeBase;
  /** A follow-up's comparison (src/followup), whose findings are already in `findings`; words the changes. */
  readonly followup?: Followup;
}

function comparisonOf(f: Followup): ReportComparison {
  const last = f.comparisons[f.comparisons.length - 1].alignment;
  return {
    priors: f.studies
      .filter((s) => s.key !== 'current')
      .reverse()
      .map((s) => ({ key: s.key, ...(s.studyDate ? { studyDate: s.studyDate } : {}), source: s.source, dims: s.grid.dims, ijkToRas: [...s.grid.ijkToRas] })),
    alignment: { method: last.method, residualMm: last.residualMm, maxResidualMm: last.maxResidualMm, rotationDeg: last.rotationDeg, translationMm: last.translationMm },
    patientCheck: f.patientCheck,
    recist: {
      overallResponse: f.recist.overallResponse,
      targetResponse: f.recist.targetResponse,
      nonTargetResponse: f.recist.nonTargetResponse,
      baselineSumMm: f.recist.baselineSumMm,
      nadirSumMm: f.recist.nadir.sumMm,
      currentSumMm: f.recist.currentSumMm,
      steps: [...f.recist.steps],
    },
  };
}

/**
 * A sentence without a finding behind it is a bug: every sentence must list at least one finding id and every id
 * must resolve. Throws GCT_REPORT_SENTENCE_UNGROUNDED naming the sentence.
 */
export function assertGrounded(sentences: readonly Pick<Sentence, 'id' | 'text' | 'findingIds'>[], findingIds: ReadonlySet<string>): void {
  for (const s of sentences) {
    if (s.findingIds.length === 0)
      throw gctError('GCT_REPORT_SENTENCE_UNGROUNDED', `Sentence ${s.id} ("${s.text}") lists no finding.`, { sentenceId: s.id });
    const missing = s.findingIds.filter((id) => !findingIds.has(id));
    if (missing.length > 0)
      throw gctError('GCT_REPORT_SENTENCE_UNGROUNDED', `Sentence ${s.id} ("${s.text}") cites unknown finding ids: ${missing.join(', ')}.`, { sentenceId: s.id, missing });
  }
}

/** Renders planned sentences, numbering them s1, s2, ... in reading order. */
export function renderPlans(plans: readonly SentencePlan[], templates: LoadedTemplates): Sentence[] {
  return plans.map((p, i) => ({
    id: `s${i + 1}`,
    section: p.section,
    group: p.group,
    text: renderSentence(templates, p.template, p.context),
    findingIds: [...new Set(p.findingIds)],
    template: templateKey(p.template),
    ...(p.kind === undefined ? {} : { kind: p.kind }),
    ...(p.passageIds === undefined ? {} : { passageIds: [...p.passageIds] }),
    ...(p.assumptions === undefined ? {} : { assumptions: [...p.assumptions] }),
  }));
}

function structureRows(m: Measurements): ReportStructure[] {
  return m.structures.map((s) => ({
    labelId: s.labelId,
    name: s.name,
    sourceName: s.sourceName,
    displayName: (s.name === null ? null : structureOrNull(s.name)?.displayName) ?? s.sourceName,
    present: s.present,
    volumeMl: s.present ? s.volumeMl : null,
    huMean: s.huMean,
    huSd: s.huSd,
    complete: s.present && !s.partiallyImaged,
    touchesBorder: [...s.touchesBorderRas],
  }));
}

function lesionRows(m: Measurements): ReportLesion[] {
  return m.lesions.map((l) => ({
    id: l.id,
    labelId: l.labelId,
    lesionClass: l.lesionClass,
    lesionType: l.lesionType,
    organ: l.organ,
    side: l.side,
    segments: [...l.segments],
    longAxisMm: l.longAxisMm,
    shortAxisMm: l.shortAxisMm,
    max3dDiameterMm: l.max3dDiameterMm,
    volumeMl: l.volumeMl,
    huMean: l.huMean,
    attenuation: l.attenuation?.class ?? null,
    contacts: l.contacts.map((c) => ({ vessel: c.vessel, contactAngleDeg: c.contactAngleDeg, contactClass: c.contactClass })),
    findingId: l.id,
  }));
}

/**
 * Measurements + findings -> the report: structured part copied from the measurements, narrative planned from
 * the findings alone and worded by the templates (the template narrator). Pure apart from template rendering.
 *
 * Throws GCT_REPORT_INPUT_INVALID when the findings do not parse or were derived from other measurements,
 * GCT_REPORT_TEMPLATE_INVALID for a template problem, GCT_REPORT_SENTENCE_UNGROUNDED for a sentence without
 * findings (a bug).
 */
export function buildReport(measurements: Measurements, findings: Findings, options: BuildReportOptions): Report {
  const parsed = FindingsSchema.safeParse(findings);
  if (!parsed.success)
    throw gctError('GCT_REPORT_INPUT_INVALID', `The findings artifact is invalid: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, {
      issues: parsed.error.issues.length,
    });
  if (findings.provenance.ct !== measurements.provenance.ct || findings.provenance.measurementsConfigHash !== measurements.provenance.configHash)
    throw gctError('GCT_REPORT_INPUT_INVALID', `The findings were derived from other measurements (ct ${findings.provenance.ct}, config ${findings.provenance.measurementsConfigHash}) than the ones given (ct ${measurements.provenance.ct}, config ${measurements.provenance.configHash}).`, {
      findingsCt: findings.provenance.ct,
      measurementsCt: measurements.provenance.ct,
    });

  const followup = planFollowup(findings.findings, findings.priorFindings ?? []);
  // Stable sort: follow-up sentences end their FINDINGS group; the RECIST response leads the IMPRESSION.
  const findingsPlans = [...planFindingsSection(findings.findings), ...followup.findings].sort((a, b) => compareGroups(a.group, b.group));
  const recommendations =
    options.kb === undefined
      ? []
      : planRecommendations({ kb: options.kb, findings: findings.findings, phase: measurements.study.phase, patientAgeYears: ageInYears(measurements.study.patientAge), patientSex: measurements.study.patientSex });
  const plans = [...findingsPlans, ...followup.impression, ...planImpression(findings.findings), ...recommendations];
  const sentences = renderPlans(plans, options.templates);
  assertGrounded(sentences, new Set([...findings.findings, ...(findings.priorFindings ?? [])].map((f) => f.id)));

  const groupKeys = [...new Set(sentences.filter((s) => s.section === 'findings').map((s) => s.group))];
  const st = measurements.study;
  return {
    kind: 'report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    provenance: {
      ct: measurements.provenance.ct,
      masks: measurements.provenance.masks,
      measurementsConfigHash: measurements.provenance.configHash,
      knowledgeBaseHash: findings.provenance.knowledgeBaseHash,
      groundctVersion: measurements.provenance.groundctVersion,
      templates: [...new Set(sentences.map((s) => s.template))].sort(),
    },
    study: {
      ...(st.modality === undefined ? {} : { modality: st.modality }),
      // The findings' phase: the stated one, or the estimate (older findings artifacts carry only the stated one).
      phase: findings.phase,
      phaseSource: findings.phaseSource ?? st.phaseSource,
      ...(findings.phaseConfidence === undefined ? {} : { phaseConfidence: findings.phaseConfidence }),
      dims: [st.dims[0], st.dims[1], st.dims[2]],
      spacingMm: [st.spacingMm[0], st.spacingMm[1], st.spacingMm[2]],
      orientation: st.orientation,
      ...(st.patientAge === undefined ? {} : { patientAge: st.patientAge }),
      ...(st.patientSex === undefined ? {} : { patientSex: st.patientSex }),
    },
    structures: structureRows(measurements),
    lesions: lesionRows(measurements),
    findings: findings.findings,
    groups: groupKeys.map((key) => ({ key, heading: headingOf(key) })),
    sentences,
    narrator: { kind: 'template', replaced: [] },
    ...(options.followup === undefined ? {} : { comparison: comparisonOf(options.followup) }),
    ...(findings.priorFindings === undefined ? {} : { priorFindings: findings.priorFindings }),
  };
}
