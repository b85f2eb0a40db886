import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { deriveFindings, FindingSchema, FindingsSchema, type Finding, type Findings } from '../findings/index.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import { measureStudy, type Measurements, type Phase } from '../measure/index.ts';
import { abdomenPreset, generateStudy, normalPreset, steatosisPreset, type StudySpec } from '../phantom/index.ts';
import { loadStudy } from '../pipeline.ts';
import type { LabelMap } from '../volume/index.ts';
import type { CaseSpec, ReferenceSpec } from './manifest.ts';

/**
 * The reference of a case as findings (the single source of truth), plus, when the reference is a study, the
 * label map its findings were measured on (for 3D grounding) and the measurements (for groundct's own report).
 */
export interface ReferenceStudy {
  readonly findings: Findings;
  /** Reference masks on the CT grid; absent for a findings-file reference (grounding is then not scored). */
  readonly labels?: LabelMap;
  readonly measurements?: Measurements;
  readonly lesionsComplete: boolean;
}

export interface ReferenceDeps {
  readonly config: Config;
  readonly kb: KnowledgeBase;
}

/** Files a reference needs; a case whose files are missing is skipped with this list. */
export function referenceFiles(ref: ReferenceSpec): string[] {
  if ('findings' in ref) return [ref.findings];
  if ('ct' in ref) return [ref.ct, ...ref.masks, ...(ref.labelMaps ?? [])];
  return [];
}

export function missingFiles(c: CaseSpec): string[] {
  const files = [...referenceFiles(c.reference), ...c.candidates.flatMap((k) => ('path' in k ? [k.path, ...(k.study ? [k.study] : [])] : [])), ...(c.referenceText ? [c.referenceText] : [])];
  return files.filter((f) => !existsSync(f));
}

const PRESETS = { abdomen: abdomenPreset, normal: normalPreset, steatosis: steatosisPreset } as const;

async function fromFindingsFile(path: string): Promise<Findings> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw gctError('GCT_EVAL_REFERENCE_INVALID', `Reference ${path} is not readable JSON: ${(cause as Error).message}`, { path }, cause);
  }
  const kind = (raw as { kind?: unknown } | null)?.kind;
  if (kind === 'findings') {
    const parsed = FindingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    throw gctError('GCT_EVAL_REFERENCE_INVALID', `Reference ${path} fails the findings schema: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { path });
  }
  if (kind === 'report') {
    const list = FindingSchema.array().safeParse((raw as { findings?: unknown }).findings);
    if (list.success)
      return { kind: 'findings', schemaVersion: 1, provenance: { ct: path, measurementsConfigHash: 'unknown', knowledgeBaseHash: 'unknown' }, phase: 'unknown', findings: list.data };
    throw gctError('GCT_EVAL_REFERENCE_INVALID', `Reference report ${path} has no valid findings[]: ${list.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { path });
  }
  throw gctError('GCT_EVAL_REFERENCE_INVALID', `Reference ${path} has kind ${JSON.stringify(kind)}; expected "findings" or "report".`, { path, kind: kind ?? null });
}

/** Builds the reference findings of a case (reading a findings file, measuring a CT + masks, or generating a phantom). */
export async function loadReference(c: CaseSpec, deps: ReferenceDeps): Promise<ReferenceStudy> {
  const ref = c.reference;
  if ('findings' in ref) return { findings: await fromFindingsFile(ref.findings), lesionsComplete: c.lesionsComplete };
  if ('ct' in ref) {
    const { ct, labels } = await loadStudy({ ctPath: ref.ct, masksPaths: ref.masks, labelMapPaths: ref.labelMaps }, deps.config);
    const measurements = measureStudy(ct, labels, { measure: deps.config.measure, phase: ref.phase as Phase | undefined, provenance: { ct: ref.ct, masks: ref.masks.join(', ') } });
    return { findings: deriveFindings(measurements, deps.kb), labels, measurements, lesionsComplete: c.lesionsComplete };
  }
  const spec: StudySpec = PRESETS[ref.phantom]((ref.overrides ?? {}) as Partial<StudySpec>);
  const study = generateStudy(spec);
  const phase = study.truth.spec.phase as Phase;
  const measurements = measureStudy(study.ct, study.labels, { measure: deps.config.measure, phase, provenance: { ct: `phantom:${ref.phantom}:${c.id}`, masks: 'phantom labels' } });
  return { findings: deriveFindings(measurements, deps.kb), labels: study.labels, measurements, lesionsComplete: c.lesionsComplete };
}

/** The findings a recall counts: abnormal and of a kind a report must state (see README "Evaluation"). */
export const SIGNIFICANT_TYPES: readonly Finding['type'][] = ['lesion', 'organ_size', 'steatosis', 'fluid', 'lymph_node', 'stage', 'vessel_contact'];

/**
 * Significant reference findings: status 'abnormal' and type lesion, organ size, steatosis, fluid, lymph node,
 * T category or vessel contact. Limitations (partially imaged, not imaged, phase unknown), normal findings
 * and lesion counts (restating the lesions) are not counted.
 */
export function significantFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'abnormal' && SIGNIFICANT_TYPES.includes(f.type));
}
