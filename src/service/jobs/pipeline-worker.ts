/**
 * Runs one study through the pipeline inside a worker thread, so that reading and measuring a volume never
 * blocks the HTTP event loop. Writes the viewer's volumes (CT as NIfTI, one label volume per mask layer,
 * their label table), every object the pipeline returns as `<name>.json` and the report's Markdown as
 * `report.md` under artifacts/, each file atomically, then reports them to the queue. A PACS study's job first
 * retrieves its series and ends by writing + storing the DICOM SEG and SR (pacs-steps.ts).
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ERRORS, isGroundctError } from '../../errors.ts';
import type { Phase } from '../../measure/index.ts';
import { BONE_SURFACE_FILE, LABEL_TABLE_FILE, loadStudyFolder, writeStudyFiles, type StudyArtifacts } from '../../followup/index.ts';
import type { FetchedPacsStudy } from '../../interop/index.ts';
import { loadStudy, openPipelineResources, reportFromStudy, type StudyInput } from '../../pipeline.ts';
import { writeNifti } from '../../volume/index.ts';
import { writeFileAtomic } from '../storage/write-atomic.ts';
import type { ArtifactRecord, ErrorBody } from '../storage/types.ts';
import type { WorkerInput, WorkerMessage } from './protocol.ts';
import { retrievePacsInput, writeAndStorePacsOutputs } from './pacs-steps.ts';
import { renderReportMarkdown } from './report-markdown.ts';
import { sanitizeJobError } from './sanitize-error.ts';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

type Artifact = Omit<ArtifactRecord, 'studyId'>;

/** Share of the progress bar the PACS steps take: retrieval before the pipeline, SEG/SR + STOW-RS after it. */
const PACS_FETCH_PERCENT = 5;
const PACS_PIPELINE_SHARE = 0.85;

async function run(job: WorkerInput): Promise<{ artifacts: Artifact[]; result?: Record<string, unknown> }> {
  const inputDir = join(job.studyDir, 'input');
  const outDir = join(job.studyDir, 'artifacts');
  const pacs = job.input.pacs;
  const study: StudyInput = {
    ctPath: join(inputDir, job.input.ct),
    masksPaths: job.input.masks.map((m) => join(inputDir, m.path)),
    labelMapPaths: job.input.masks.map((m) => (m.labelMapPath ? join(inputDir, m.labelMapPath) : undefined)),
    ...(job.input.phase ? { phase: job.input.phase as Phase } : {}),
  };
  const artifacts: Artifact[] = [];
  const put = async (name: string, file: string, contentType: string, content?: string) => {
    if (content !== undefined) await writeFileAtomic(join(job.studyDir, file), content);
    artifacts.push({ name, file, contentType, bytes: (await stat(join(job.studyDir, file))).size });
  };
  const postProgress = (stage: string, percent: number) => post({ type: 'progress', stage, percent: Math.round(percent) });
  // A PACS job's pipeline stages fit between its retrieval and its store.
  const progress = pacs ? (stage: string, percent: number) => postProgress(stage, PACS_FETCH_PERCENT + PACS_PIPELINE_SHARE * percent) : postProgress;

  // An earlier attempt killed mid-write (kill -9, lost machine) may have left temporary files; every attempt
  // writes the whole set again, so it starts from an empty artifacts folder and a re-run leaves one result.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  let fetched: FetchedPacsStudy | undefined;
  if (pacs) {
    postProgress('pacs-fetch', 0);
    fetched = await retrievePacsInput(job.config, pacs, inputDir);
  }
  progress('read', 0);
  // Follow-up: the priors' report folders (their artifacts) are read, and refused if unusable, before any work.
  const priors: StudyArtifacts[] = [];
  for (const p of job.priorStudyDirs ?? []) priors.push(await loadStudyFolder(join(p.dir, 'artifacts'), job.config.volume, { source: `study ${p.studyId}` }));
  const resources = await openPipelineResources(job.config);
  // Read once: the same loaded study feeds the viewer volumes and the report stages.
  const loaded = await loadStudy(study, job.config, (fraction) => progress('segment', 10 + 25 * fraction));

  progress('viewer', 36);
  const { ct, labels } = loaded;
  if (job.input.ctFormat === 'nifti') {
    await put('volume.ct', `input/${job.input.ct}`, 'application/octet-stream');
  } else {
    await writeNifti(join(outDir, 'ct.nii.gz'), { grid: ct.grid, data: ct.data }, { description: 'groundct viewer CT' });
    await put('volume.ct', 'artifacts/ct.nii.gz', 'application/octet-stream');
  }
  const followup = priors.length > 0 ? { priors, allowOtherPatient: job.input.allowOtherPatient ?? false, priorsGiven: 'newest-first' as const } : undefined;
  const pipeline = await reportFromStudy(loaded, study, job.config, resources, (p) => progress(p.stage, p.percent), followup);
  // The report folder files (schema version 2): the label layers (the viewer's mask volumes), their table, the
  // bone surface; study.json is written below with the other JSON artifacts.
  const written = await writeStudyFiles(outDir, pipeline.study, labels, pipeline.boneSurface, { write: writeFileAtomic, withIdentity: false });
  for (const file of written) {
    const layer = /^masks-(\d+)\.nii\.gz$/.exec(file);
    if (layer) await put(`volume.masks.${layer[1]}`, `artifacts/${file}`, 'application/octet-stream');
    else if (file === LABEL_TABLE_FILE) await put('masks.labels', `artifacts/${file}`, 'application/json');
    else if (file === BONE_SURFACE_FILE) await put('bone-surface', `artifacts/${file}`, 'application/octet-stream');
  }
  const result: Record<string, unknown> = { ...pipeline };
  // Every object the pipeline returns is an artifact '<name>.json'; the report's Markdown is report.md.
  for (const [name, value] of Object.entries(result)) {
    if (value === null || typeof value !== 'object' || !/^[a-z][a-zA-Z0-9]*$/.test(name)) continue;
    await put(name, `artifacts/${name}.json`, 'application/json', JSON.stringify(value));
  }
  const markdown = typeof result.markdown === 'string' ? result.markdown : renderReportMarkdown(result.report);
  if (markdown !== undefined) await put('report.md', 'artifacts/report.md', 'text/markdown; charset=utf-8', markdown);
  if (!pacs || !fetched) return { artifacts };

  postProgress('dicom', PACS_FETCH_PERCENT + PACS_PIPELINE_SHARE * 100);
  const stored = await writeAndStorePacsOutputs(job.config, pacs, fetched, loaded, pipeline, join(outDir, 'dicom'), () => postProgress('pacs-store', 95));
  await put('dicom.seg', 'artifacts/dicom/seg.dcm', 'application/dicom');
  await put('dicom.sr', 'artifacts/dicom/sr.dcm', 'application/dicom');
  return { artifacts, result: { pacs: stored.result } };
}

function toErrorBody(e: unknown): ErrorBody {
  if (isGroundctError(e)) return e.toJSON();
  // The message of an unexpected error may quote data; the job record keeps only a generic one (the stack,
  // which holds code locations only, goes to the server log through the queue).
  return { code: 'GCT_INTERNAL', message: 'The pipeline failed with an unexpected error (see the server log).', hint: ERRORS.GCT_INTERNAL.hint, details: { name: (e as Error)?.name ?? 'Error' } };
}

const job = workerData as WorkerInput;
try {
  post({ type: 'done', ...(await run(job)) });
} catch (e) {
  // Stored and returned without server paths or study free text (sanitize-error.ts).
  post({ type: 'failed', error: sanitizeJobError(toErrorBody(e), job.studyDir), stack: isGroundctError(e) ? undefined : (e as Error)?.stack?.split('\n').slice(1).join('\n') });
}
