import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { FindingSchema, FindingsSchema, type Finding } from '../findings/index.ts';
import { groundText, loadTransformersEmbedder, openRetriever, type StudyStructure } from '../ground/index.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/index.ts';
import { MODELS_DIR } from '../segment/index.ts';
import { readRegularText } from '../volume/index.ts';
import { parseCommandArgs } from './args.ts';
import { writeFileAtomic } from './output.ts';

export const GROUND_USAGE = `groundct ground <report.txt|report.md> --study <dir> [--out grounded.json] [--lesions-complete]
                [--no-retrieval | --embedding-model <name>]
  Grounds report text groundct did not write (an LLM's rewrite, a radiologist's edit, another system's report)
  on a study reported with 'groundct report --out <dir>' (findings.json + measurements.json, else report.json).
  Splits the text into sentences, parses each into claims (organ, side, segment, lesion, size with unit,
  attenuation, negation) and matches them to the findings. Prints JSON {sentences, skipped, summary}: a
  grounded sentence lists its findingIds, mask evidence and citations (criteria + retrieved passages); an
  ungrounded one a reason: contradicts_finding (with the finding and error type), no_such_structure or
  not_assessable. --lesions-complete: the masks label every lesion of every wholly imaged organ (synthetic
  studies), so a lesion stated in a lesion-free organ contradicts it. --no-retrieval: cite criteria only.
  --embedding-model <name|path>: retrieve with the sentence-embedding model in models/<name>/ (or that folder;
  a transformers.js export, loaded locally, never downloaded) instead of the default hashed TF-IDF embedder.`;

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

/** Largest text file read (a report, a study's JSON artifacts). */
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

export async function runGround(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('ground', argv, {
    study: { type: 'string' },
    out: { type: 'string' },
    'lesions-complete': { type: 'boolean', default: false },
    'no-retrieval': { type: 'boolean', default: false },
    'embedding-model': { type: 'string' },
  });
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct ground takes one report text file; got ${positionals.length} argument(s).\n${GROUND_USAGE}`);
  if (values['no-retrieval'] && values['embedding-model'] !== undefined) throw gctError('GCT_CLI_USAGE', '--no-retrieval and --embedding-model exclude each other.');
  if (values.study === undefined) throw gctError('GCT_CLI_USAGE', `groundct ground needs --study <dir> (a folder written by 'groundct report --out').\n${GROUND_USAGE}`);
  const textFile = positionals[0]!;
  let text: string;
  try {
    // A regular file only (a named pipe would block the read forever), at most 64 MiB of text.
    text = await readRegularText(textFile, { maxBytes: MAX_TEXT_BYTES, limitName: 'the 64 MiB text limit', what: 'report text' });
  } catch (cause) {
    throw gctError('GCT_GROUND_TEXT_UNREADABLE', `Cannot read the report text ${textFile}: ${(cause as Error).message}`, { file: textFile }, cause);
  }
  const study = await loadGroundStudy(values.study);
  const kb = await loadKnowledgeBase();
  const model = values['embedding-model'];
  // A bare name is a folder under models/; a path names the model folder itself.
  const embedder =
    model === undefined
      ? undefined
      : await loadTransformersEmbedder(model.includes('/') || path.isAbsolute(model) ? { modelName: path.basename(path.resolve(model)), modelsDir: path.dirname(path.resolve(model)) } : { modelName: model, modelsDir: MODELS_DIR });
  const retriever = values['no-retrieval'] ? undefined : await openRetriever({ kb, dataDir: config.dataDir, embedder });
  const grounded = await groundText(text, {
    findings: study.findings,
    measurements: study.measurements,
    structures: study.structures,
    kb,
    retriever,
    lesionsComplete: values['lesions-complete'],
    study: study.source,
  });
  const json = JSON.stringify(grounded, null, 2) + '\n';
  if (values.out !== undefined) {
    await writeFileAtomic(values.out, json);
    const s = grounded.summary;
    out(`wrote ${values.out}: ${s.sentences} sentences, ${s.grounded} grounded, ${s.ungrounded} ungrounded (${Object.entries(s.byReason).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'})\n`);
  } else out(json);
  return 0;
}
