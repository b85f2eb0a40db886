import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { gctError } from '../errors.ts';
import { PHASES } from '../measure/index.ts';

/**
 * The evaluation manifest (JSON): cases, each with a reference and one or more candidate reports.
 *
 * ```json
 * {
 *   "name": "factuality",
 *   "dataDir": "../../../shared/data",
 *   "cases": [
 *     { "id": "phantom-abdomen", "reference": { "phantom": "abdomen" }, "lesionsComplete": true,
 *       "candidates": [ { "id": "groundct", "generate": "groundct" }, { "id": "radiologist", "path": "reports/abdomen.md" } ] },
 *     { "id": "totalseg-slab",
 *       "reference": { "ct": "${GROUNDCT_DATA}/totalseg/example_ct_sm.nii.gz",
 *                      "masks": ["${GROUNDCT_DATA}/totalseg/example_seg_fast.nii.gz"],
 *                      "labelMaps": ["${GROUNDCT_DATA}/totalseg/label_map_total_v2.json"] },
 *       "candidates": [ { "id": "radiologist", "path": "reports/totalseg-slab.txt" } ] },
 *     { "id": "external", "reference": { "findings": "refs/case1.findings.json" }, "candidates": [ ... ] }
 *   ]
 * }
 * ```
 * Paths are relative to the manifest file. `${GROUNDCT_DATA}` is the shared data folder: the value the caller
 * passes (the CLI reads the GROUNDCT_DATA environment variable), else the manifest's `dataDir` (relative to the
 * manifest). A case whose files are missing is skipped with the reason, not failed, so one manifest serves
 * machines with and without the shared data.
 */

const PhantomPresetSchema = z.enum(['abdomen', 'normal', 'steatosis']);

export const ReferenceSpecSchema = z.union([
  z.object({ findings: z.string().min(1).describe('Path to a findings JSON (our FindingsSchema) or a report.json whose findings are used') }).strict(),
  z
    .object({
      ct: z.string().min(1).describe('CT volume: NIfTI / NRRD / DICOM folder'),
      masks: z.array(z.string().min(1)).min(1).describe('Reference mask sets (multilabel file, per-class folder, DICOM SEG)'),
      labelMaps: z.array(z.string().min(1)).optional().describe('Label map JSON per mask set, same order'),
      phase: z.enum(PHASES).optional(),
    })
    .strict(),
  z
    .object({
      phantom: PhantomPresetSchema.describe('A synthetic study preset (src/phantom)'),
      overrides: z.record(z.string(), z.unknown()).optional().describe('StudySpec fields that replace the preset\'s (seed, lesions, organScale, ...)'),
    })
    .strict(),
]);
export type ReferenceSpec = z.infer<typeof ReferenceSpecSchema>;

export const CandidateSpecSchema = z.union([
  z
    .object({
      id: z.string().min(1),
      path: z.string().min(1).describe('Report file: .txt (plain text), .md (Markdown) or .json (our report.json)'),
      format: z.enum(['text', 'markdown', 'report-json']).optional().describe('Overrides the format read from the extension'),
      study: z
        .string()
        .min(1)
        .optional()
        .describe("The candidate system's own study folder (groundct report --out: findings.json + measurements.json, or report.json): a text candidate's sentences are grounded on it for 3D scoring; without it, on the reference"),
    })
    .strict(),
  z
    .object({
      id: z.string().min(1),
      generate: z.literal('groundct').describe("groundct's own report of the reference study (buildReport on its findings)"),
    })
    .strict(),
]);
export type CandidateSpec = z.infer<typeof CandidateSpecSchema>;

export const CaseSpecSchema = z
  .object({
    id: z.string().min(1),
    reference: ReferenceSpecSchema,
    /** The reference masks label every lesion of every wholly imaged organ (see claims MatchOptions). */
    lesionsComplete: z.boolean().default(false),
    /** A reference report text (path) for the lexical scores BLEU-4 and ROUGE-L; without it they are not computed. */
    referenceText: z.string().min(1).optional(),
    candidates: z.array(CandidateSpecSchema).min(1),
  })
  .strict();
export type CaseSpec = z.infer<typeof CaseSpecSchema>;

export const ManifestSchema = z
  .object({
    name: z.string().min(1).default('evaluation'),
    /** Default for ${GROUNDCT_DATA}, relative to the manifest. */
    dataDir: z.string().optional(),
    cases: z.array(CaseSpecSchema).min(1),
  })
  .strict();
export type Manifest = z.infer<typeof ManifestSchema>;

/** A manifest with every path made absolute. */
export interface LoadedManifest {
  readonly path: string;
  readonly manifest: Manifest;
  /** The folder ${GROUNDCT_DATA} expanded to. */
  readonly dataDir: string;
}

export interface LoadManifestOptions {
  /** Shared data folder for ${GROUNDCT_DATA} (the CLI passes the GROUNDCT_DATA environment variable). */
  readonly dataDir?: string;
}

function resolvePath(p: string, base: string, dataDir: string): string {
  const expanded = p.replace(/\$\{GROUNDCT_DATA\}|\$GROUNDCT_DATA\b/g, dataDir);
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

function resolveCase(c: CaseSpec, base: string, dataDir: string): CaseSpec {
  const r = (p: string) => resolvePath(p, base, dataDir);
  const ref = c.reference;
  const reference: ReferenceSpec =
    'findings' in ref ? { findings: r(ref.findings) } : 'ct' in ref ? { ...ref, ct: r(ref.ct), masks: ref.masks.map(r), ...(ref.labelMaps ? { labelMaps: ref.labelMaps.map(r) } : {}) } : ref;
  return {
    ...c,
    reference,
    ...(c.referenceText ? { referenceText: r(c.referenceText) } : {}),
    candidates: c.candidates.map((k) => ('path' in k ? { ...k, path: r(k.path), ...(k.study ? { study: r(k.study) } : {}) } : k)),
  };
}

/** Validates a parsed manifest object and resolves its paths against `manifestPath`'s folder. */
export function resolveManifest(raw: unknown, manifestPath: string, options: LoadManifestOptions = {}): LoadedManifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(manifest)', problem: i.message }));
    throw gctError('GCT_EVAL_MANIFEST_INVALID', `Manifest ${manifestPath} is invalid: ${fields.slice(0, 8).map((f) => `${f.field}: ${f.problem}`).join('; ')}`, { path: manifestPath, fields });
  }
  const ids = parsed.data.cases.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw gctError('GCT_EVAL_MANIFEST_INVALID', `Manifest ${manifestPath}: case id '${dup}' occurs twice; case ids must be unique.`, { path: manifestPath, caseId: dup });
  const base = dirname(resolve(manifestPath));
  const dataDir = options.dataDir !== undefined && options.dataDir !== '' ? resolve(options.dataDir) : resolve(base, parsed.data.dataDir ?? '.');
  return { path: resolve(manifestPath), dataDir, manifest: { ...parsed.data, cases: parsed.data.cases.map((c) => resolveCase(c, base, dataDir)) } };
}

/** Reads, validates and resolves a manifest file. Throws GCT_EVAL_MANIFEST_INVALID / GCT_EVAL_INPUT_NOT_FOUND. */
export async function loadManifest(path: string, options: LoadManifestOptions = {}): Promise<LoadedManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw gctError('GCT_EVAL_INPUT_NOT_FOUND', `Cannot read the manifest ${path}: ${(cause as Error).message}`, { path }, cause);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw gctError('GCT_EVAL_MANIFEST_INVALID', `Manifest ${path} is not valid JSON: ${(cause as Error).message}`, { path }, cause);
  }
  return resolveManifest(raw, path, options);
}
