import { gctError } from '../errors.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/measurements.ts';
import { makeContext } from './context.ts';
import { phaseFindings } from './contrast-phase.ts';
import { lesionFindings } from './lesion-rules.ts';
import { normalFindings } from './normal-rules.ts';
import { organFindings } from './organ-rules.ts';
import { fluidFindings, lymphNodeFindings, nothingAssessedFinding, unknownStructureFindings } from './other-rules.ts';
import { PASSAGES, resolveFindingRules, type FindingRules } from './rules.ts';
import { FINDINGS_SCHEMA_VERSION, type Finding, type Findings } from './schema.ts';
import { stageFindings } from './staging.ts';
import { steatosisFindings } from './steatosis.ts';
import { vesselFindings } from './vessel-rules.ts';
import { spineFindings } from './spine-rules.ts';
import { lungFindings } from './lung-rules.ts';
import { bodyCompositionFindings } from './body-composition-rules.ts';
import { calciumFindings } from './calcium-rules.ts';
import { dissectionFindings } from './dissection-rules.ts';

export interface DeriveFindingsOptions {
  /** Thresholds already resolved from `kb` (resolveFindingRules); resolved here when absent. */
  readonly rules?: FindingRules;
}

/**
 * Measurements -> findings. Pure: the measurements are not changed, and the same inputs give the same findings
 * in the same order (organs, steatosis, lesions with their contacts and stages, lymph nodes, fluid, unknown
 * labels, then normal findings, which are decided from all the others).
 *
 * Throws GCT_FINDINGS_INPUT_INVALID for an input that is not a Measurements artifact, and GCT_KB_REFERENCE_UNKNOWN
 * when the knowledge base lacks a passage or threshold a rule cites.
 */
export function deriveFindings(measurements: Measurements, kb: KnowledgeBase, options: DeriveFindingsOptions = {}): Findings {
  if (measurements?.kind !== 'measurements' || measurements.schemaVersion !== 1)
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `Expected a Measurements artifact (kind "measurements", schemaVersion 1), got kind ${JSON.stringify(measurements?.kind)} schemaVersion ${JSON.stringify(measurements?.schemaVersion)}.`, {
      kind: measurements?.kind ?? null,
    });
  const lesionIds = measurements.lesions.map((l) => l.id);
  const duplicate = lesionIds.find((id, i) => lesionIds.indexOf(id) !== i);
  if (duplicate !== undefined)
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `Lesion id '${duplicate}' occurs more than once in the measurements; lesion ids must be unique.`, { lesionId: duplicate });

  const rules = options.rules ?? resolveFindingRules(kb);
  const ctx = makeContext(measurements, rules);
  const findings: Finding[] = [
    ...nothingAssessedFinding(ctx),
    ...phaseFindings(measurements, ctx.phase, rules.phase, [PASSAGES.phaseEstimation, PASSAGES.phaseTiming, PASSAGES.phaseNames]),
    ...organFindings(ctx),
    ...steatosisFindings(ctx),
    ...lesionFindings(ctx),
    ...stageFindings(ctx),
    ...lymphNodeFindings(ctx),
    ...fluidFindings(ctx),
    ...vesselFindings(ctx),
    ...spineFindings(ctx),
    ...lungFindings(ctx),
    ...bodyCompositionFindings(ctx),
    ...calciumFindings(ctx),
    ...dissectionFindings(ctx),
    ...unknownStructureFindings(ctx),
  ];
  findings.push(...normalFindings(ctx, findings));

  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.id))
      throw gctError('GCT_FINDINGS_INPUT_INVALID', `Two findings would share the id '${f.id}'; a label name or lesion id collides with a rule's id (e.g. a lesion label named like an organ rule).`, { findingId: f.id });
    seen.add(f.id);
  }
  return {
    kind: 'findings',
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    provenance: { ct: measurements.provenance.ct, measurementsConfigHash: measurements.provenance.configHash, knowledgeBaseHash: kb.contentHash },
    phase: ctx.phase.phase,
    phaseSource: ctx.phase.source,
    ...(ctx.phase.source === 'estimated' && ctx.phase.estimate !== null ? { phaseConfidence: ctx.phase.estimate.confidence } : {}),
    findings,
  };
}
