/**
 * findings: rules that turn Measurements into typed, cited facts. The only entry point other stages import.
 *
 * ```ts
 * const kb = await loadKnowledgeBase();
 * const findings = deriveFindings(measurements, kb);   // { kind: 'findings', schemaVersion: 1, findings: [...] }
 * findings.findings.find((f) => f.id === 'spleen.size'); // statement 'enlarged', criteria ['radgpt-spleen-volume']
 * ```
 */
export { deriveFindings, type DeriveFindingsOptions } from './derive-findings.ts';
export {
  EvidenceSchema,
  FINDING_TYPES,
  FINDINGS_SCHEMA_VERSION,
  FindingSchema,
  FindingStatusSchema,
  FindingTypeSchema,
  FindingsSchema,
  PhaseSchema,
  PhaseSourceSchema,
  SubjectSchema,
  type Evidence,
  type Finding,
  type FindingStatus,
  type FindingType,
  type PhaseSource,
  type Findings,
  type Subject,
} from './schema.ts';
export { PANCREAS_T4_ARTERIES, PASSAGES, cmToMm, resolveFindingRules, sizeCategory, type FindingRules, type SizeTRule } from './rules.ts';
export { UNATTACHED } from './lesion-rules.ts';
export { structureEvidence, lesionEvidence } from './evidence.ts';
export { decisionConfidence, estimatePhase, phaseWords, resolvePhase, type PhaseEstimate, type PhaseRules, type ResolvedPhase } from './contrast-phase.ts';
