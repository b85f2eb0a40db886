import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { gctError } from '../errors.ts';
import { FindingSchema, FindingsSchema, type Finding } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import { readRegularText } from '../volume/index.ts';
import type { StudyStructure } from './ground-text.ts';

/**
 * Reads a study folder written by `groundct report --out <dir>` for grounding text on it: findings.json +
 * measurements.json (full geometry), else report.json (its findings and structure table). Shared by
 * `groundct ground` and `groundct eval` (a candidate's own study).
 */

/** A study as `groundct ground` reads it from a report folder. */
export interface GroundStudy {
  readonly findings: readonly Finding[];
  readonly measurements?: Measurements;
  readonly structures: readonly StudyStructure[];
  /** The files read, for provenance. */
  readonly source: string;
}

/** The parts of report.json grounding reads (src/report's ReportSchema is the full contract). */
const ReportForGroundSchema = z.object({
  kind: z.literal('report'),
  structures: z.array(z.object({ name: z.string().nullable(), present: z.boolean() }).loose()),
  findings: z.array(FindingSchema),
});

/** The top of a Measurements artifact, checked before it is trusted (measure owns the full type). */
const MeasurementsHeadSchema = z.object({
  kind: z.literal('measurements'),
  schemaVersion: z.literal(1),
  study: z.object({ dims: z.tuple([z.number().int(), z.number().int(), z.number().int()]), ijkToRas: z.array(z.number()).length(16) }).loose(),
  structures: z.array(z.object({ name: z.string().nullable(), present: z.boolean() }).loose()),
});

/** Largest study artifact read (findings.json, measurements.json, report.json), bytes. */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<{ raw: unknown; parsed: T }> {
  let text: string;
  try {
    text = await readRegularText(file, { maxBytes: MAX_TEXT_BYTES, limitName: 'the 64 MiB text limit' });
  } catch (cause) {
    throw gctError('GCT_GROUND_STUDY_DIR_INVALID', `Cannot read ${file}: ${(cause as Error).message}`, { file }, cause);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw gctError('GCT_GROUND_STUDY_DIR_INVALID', `${file} is not valid JSON: ${(cause as Error).message}`, { file }, cause);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw gctError('GCT_GROUND_STUDY_DIR_INVALID', `${file} does not match its artifact schema: ${issues.join('; ')}`, { file, issues });
  }
  return { raw, parsed: r.data };
}

/**
 * Reads the study of a report folder: findings.json + measurements.json (full geometry: whole-scan evidence for
 * study-level findings), else report.json (its findings and structure table).
 */
export async function loadGroundStudy(dir: string): Promise<GroundStudy> {
  const findingsFile = path.join(dir, 'findings.json');
  const measurementsFile = path.join(dir, 'measurements.json');
  const reportFile = path.join(dir, 'report.json');
  if ((await isFile(findingsFile)) && (await isFile(measurementsFile))) {
    const findings = (await readJson(findingsFile, FindingsSchema)).parsed;
    const m = await readJson(measurementsFile, MeasurementsHeadSchema);
    return { findings: findings.findings, measurements: m.raw as Measurements, structures: m.parsed.structures, source: `${findingsFile} + ${measurementsFile}` };
  }
  if (await isFile(reportFile)) {
    const report = (await readJson(reportFile, ReportForGroundSchema)).parsed;
    return { findings: report.findings, structures: report.structures, source: reportFile };
  }
  throw gctError('GCT_GROUND_STUDY_DIR_INVALID', `${dir} holds neither findings.json + measurements.json nor report.json; run 'groundct report <ct> --masks ... --out ${dir}' first.`, { dir });
}

