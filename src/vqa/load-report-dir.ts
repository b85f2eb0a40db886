import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { gctError } from '../errors.ts';
import { FindingSchema, FindingsSchema, PhaseSchema, type Evidence, type Finding } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import { studyFromArtifacts, type VqaStructure, type VqaStudy } from './study.ts';

/**
 * Reads the study a report folder holds (what `groundct report --out <dir>` writes). Preferred: findings.json +
 * measurements.json (full mask geometry for every structure); else report.json, whose structure table carries
 * no geometry: a structure's evidence is then taken from a finding about the same label when there is one, and
 * names the label only otherwise.
 */

/** The parts of report.json the answerer reads (the report stage's schema is the full contract). */
const ReportForVqaSchema = z.object({
  kind: z.literal('report'),
  study: z.object({ phase: PhaseSchema }),
  structures: z.array(
    z.object({
      labelId: z.number().int(),
      name: z.string().nullable(),
      sourceName: z.string(),
      present: z.boolean(),
      volumeMl: z.number().nullable(),
      huMean: z.number().nullable(),
      complete: z.boolean(),
    }),
  ),
  findings: z.array(FindingSchema),
});

/** The top of a Measurements artifact, checked before it is trusted (measure owns the full type). */
const MeasurementsHeadSchema = z.object({
  kind: z.literal('measurements'),
  schemaVersion: z.literal(1),
  structures: z.array(z.object({ labelId: z.number().int(), present: z.boolean() }).loose()),
  lesions: z.array(z.unknown()),
});

async function exists(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw gctError('GCT_VQA_REPORT_DIR_INVALID', `Cannot read ${file}: ${(cause as Error).message}`, { file }, cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw gctError('GCT_VQA_REPORT_DIR_INVALID', `${file} is not valid JSON: ${(cause as Error).message}`, { file }, cause);
  }
}

function check<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw gctError('GCT_VQA_REPORT_DIR_INVALID', `${file} does not match its artifact schema: ${issues.join('; ')}`, { file, issues });
  }
  return r.data;
}

function labelEvidence(findings: readonly Finding[], labelId: number, labelName: string, name: string | null, present: boolean): Evidence {
  for (const f of findings) for (const e of f.evidence) if (e.labelId === labelId && e.componentId === undefined) return e;
  return { labelId, labelName, structure: name, voxelCount: present ? 1 : 0, ijkBounds: null, rasBounds: null, sliceRange: null, ijkCentroid: null, rasCentroid: null };
}

/** The study of a report.json alone. */
export function studyFromReport(report: z.infer<typeof ReportForVqaSchema>): VqaStudy {
  const structures: VqaStructure[] = report.structures.map((s) => ({
    labelId: s.labelId,
    labelName: s.sourceName,
    name: s.name,
    present: s.present,
    partiallyImaged: s.present && !s.complete,
    volumeMl: s.volumeMl,
    huMean: s.huMean,
    craniocaudalMm: null,
    evidence: labelEvidence(report.findings, s.labelId, s.sourceName, s.name, s.present),
  }));
  return { phase: report.study.phase, findings: report.findings, structures };
}

export async function loadReportDir(dir: string): Promise<VqaStudy> {
  const findingsFile = path.join(dir, 'findings.json');
  const measurementsFile = path.join(dir, 'measurements.json');
  const reportFile = path.join(dir, 'report.json');
  if ((await exists(findingsFile)) && (await exists(measurementsFile))) {
    const findings = check(FindingsSchema, await readJson(findingsFile), findingsFile);
    const measurementsJson = await readJson(measurementsFile);
    check(MeasurementsHeadSchema, measurementsJson, measurementsFile);
    return studyFromArtifacts(measurementsJson as Measurements, findings);
  }
  if (await exists(reportFile)) return studyFromReport(check(ReportForVqaSchema, await readJson(reportFile), reportFile));
  throw gctError('GCT_VQA_REPORT_DIR_INVALID', `${dir} holds neither report.json nor findings.json + measurements.json; run 'groundct report <ct> --masks ... --out ${dir}' first.`, { dir });
}
