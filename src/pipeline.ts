/**
 * The one entry point the CLI and the service share: CT (+ masks) -> measurements -> findings -> report.
 * Each stage is a plain function; this file only puts them together and reports progress. Stages past reading
 * are imported when first used, so a command that only reads and measures (`groundct measure`) never loads the
 * segmentation models, the report templates or the retrieval index.
 */
import { TOTALSEG_TASKS, totalsegTaskLabelNames } from './anatomy/index.ts';
import type { Config } from './config.ts';
import { gctError } from './errors.ts';
import type { Findings } from './findings/index.ts';
import type { BoneSurface, Followup, StudyArtifacts, StudyIdentity } from './followup/index.ts';
import type { Retriever } from './ground/index.ts';
import type { KnowledgeBase } from './knowledge/index.ts';
import { measureStudy, measureStudyConcurrently, routineOnThread, type Measurements, type Phase } from './measure/index.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LoadedTemplates, Report } from './report/index.ts';
import type { SegmenterSpec } from './segment/index.ts';
import { mergeLabelMaps, readMasks, readVolume, resampleLabelsToGrid, type LabelMap, type Volume } from './volume/index.ts';

export interface StudyInput {
  /** CT: NIfTI / NRRD file, DICOM series folder or single DICOM file. */
  readonly ctPath: string;
  /** Mask sets (multilabel file, per-class folder, DICOM SEG); several are merged. Empty: none given. */
  readonly masksPaths: readonly string[];
  /** Label map JSON per mask set, same order (optional per set). */
  readonly labelMapPaths?: readonly (string | undefined)[];
  readonly phase?: Phase;
  /** YYYY-MM-DD, for an input that carries no study date (NIfTI, NRRD); recorded in study.json. */
  readonly studyDate?: string;
}

/** Prior studies to compare the report's study with (src/followup). */
export interface FollowupInput {
  readonly priors: readonly StudyArtifacts[];
  /** Compare even when the patient-ID hashes differ (anonymised data); stated in the report. */
  readonly allowOtherPatient?: boolean;
  /** Order of `priors` for studies without a date (see CompareOptions). */
  readonly priorsGiven?: 'newest-first' | 'oldest-first';
}

export type PipelineStage = 'read' | 'segment' | 'measure' | 'findings' | 'followup' | 'report' | 'ground';

export interface PipelineProgress {
  readonly stage: PipelineStage;
  /** Overall progress, 0-100. */
  readonly percent: number;
}

export interface PipelineOptions {
  readonly onProgress?: (p: PipelineProgress) => void;
  /** Loaded once and reused across studies (see openPipelineResources). */
  readonly resources?: PipelineResources;
}

/** The expensive, study-independent parts: knowledge base, sentence templates, retriever (its index on disk). */
export interface PipelineResources {
  readonly kb: KnowledgeBase;
  readonly templates: LoadedTemplates;
  readonly retriever: Retriever;
  /** The LLM narrator when configured (narrator.kind), else undefined: the template narrator words the report. */
  readonly narrator?: BaseChatModel;
}

export async function openPipelineResources(config: Config): Promise<PipelineResources> {
  const [{ loadKnowledgeBase }, { loadTemplates, openOpenAiCompatibleChat }, { openRetriever }] = await Promise.all([
    import('./knowledge/index.ts'),
    import('./report/index.ts'),
    import('./ground/index.ts'),
  ]);
  const kb = await loadKnowledgeBase();
  const [templates, retriever] = await Promise.all([loadTemplates(), openRetriever({ kb, dataDir: config.dataDir })]);
  const n = config.narrator;
  const narrator = n.kind === 'openai-compatible' ? await openOpenAiCompatibleChat({ baseUrl: n.baseUrl!, model: n.model!, apiKey: n.apiKey, timeoutMs: n.timeoutMs }) : undefined;
  return { kb, templates, retriever, ...(narrator ? { narrator } : {}) };
}

export interface LoadedStudy {
  readonly ct: Volume;
  readonly labels: LabelMap;
}

/** No masks: an empty label map, so that later stages say nothing could be assessed instead of failing. */
export function emptyLabelMap(ct: Volume): LabelMap {
  return { kind: 'labelmap', grid: ct.grid, layers: [new Uint8Array(ct.data.length)], labels: [], meta: { source: { format: ct.meta.source.format, path: '(no masks)' } } };
}

/** Prefix of a `--label-map` value that names a TotalSegmentator task instead of a file: `totalseg:aortic_dissection`. */
export const TOTALSEG_LABEL_MAP_PREFIX = 'totalseg:';

/** A label-map argument as readMasks takes it: a JSON file path, or a TotalSegmentator task's own class map. */
function labelMapOption(value: string | undefined): { labelMapPath?: string; labelNames?: ReadonlyMap<number, string> } {
  if (value === undefined) return {};
  if (!value.startsWith(TOTALSEG_LABEL_MAP_PREFIX)) return { labelMapPath: value };
  const task = value.slice(TOTALSEG_LABEL_MAP_PREFIX.length);
  const names = totalsegTaskLabelNames(task);
  if (names === null)
    throw gctError('GCT_LABELMAP_INVALID', `--label-map ${value}: '${task}' is not a TotalSegmentator task groundct knows; known: ${Object.keys(TOTALSEG_TASKS).join(', ')}.`, { task });
  return { labelNames: names };
}

/**
 * Reads the CT and its mask sets, all on the CT grid. Without masks, the segmentation stage makes them
 * (the built-in segmenter, or `segmentModel` when given).
 */
export async function loadStudy(input: StudyInput & SegmentChoice, config: Config, onSegmentProgress?: (fraction: number) => void): Promise<LoadedStudy> {
  // The CT and every mask set are read at once: their gzip streams inflate on separate threads (both cores).
  // A failure is reported in input order (the CT's first), whichever read failed first.
  const reads = await Promise.allSettled([
    readVolume(input.ctPath, config.volume),
    ...input.masksPaths.map((path, index) => readMasks(path, config.volume, labelMapOption(input.labelMapPaths?.[index]))),
  ]);
  const failed = reads.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [ct, ...read] = reads.map((r) => (r as PromiseFulfilledResult<Volume | LabelMap>).value) as [Volume, ...LabelMap[]];
  // Masks on another grid are resampled onto the CT's (or refused when they do not fit it).
  const sets = read.map((set, index) => resampleLabelsToGrid(set, ct.grid, config.volume.gridToleranceMm, input.masksPaths[index]));
  if (sets.length === 0 && input.segmentModel !== 'none') {
    const { segmentCt, segmentOptionsFor } = await import('./segment/index.ts');
    // The segmenter asked for (`segmenter`, or the ONNX model `segmentModel`); TotalSegmentator is looked up on
    // this process's PATH.
    const spec: SegmenterSpec | undefined = input.segmenter ?? (input.segmentModel !== undefined ? { kind: 'onnx', model: input.segmentModel } : undefined);
    sets.push(await segmentCt(ct, {
      ...segmentOptionsFor(spec, config.segment, config.volume, process.env.PATH ?? ''),
      onProgress: onSegmentProgress ? (p) => onSegmentProgress(p.total > 0 ? p.done / p.total : 0) : undefined,
    }));
  }
  return { ct, labels: sets.length > 0 ? mergeLabelMaps(sets) : emptyLabelMap(ct) };
}

/** How to segment a CT given without masks: `segmenter`, or `segmentModel` (an ONNX model; 'none' = do not segment). */
export interface SegmentChoice {
  readonly segmenter?: SegmenterSpec;
  readonly segmentModel?: string;
}


export interface PipelineResult {
  readonly measurements: Measurements;
  /** With priors: the study's own findings followed by the change and response findings (and `priorFindings`). */
  readonly findings: Findings;
  /** study.json: the study's identity and the report folder schema version. */
  readonly study: StudyIdentity;
  /** followup.json, when priors were given. */
  readonly followup?: Followup;
  /**
   * Bone-surface points of the CT (bone-surface.u16 of the report folder). Not enumerable: binary, kept out of the
   * JSON artifacts the service writes for every enumerable object of the result.
   */
  readonly boneSurface: BoneSurface;
  /** report.json: structured report + sentences, each grounded (evidence + citations). */
  readonly report: Report;
  /** report.md */
  readonly markdown: string;
}

/**
 * Measurements -> findings -> (follow-up, with priors) -> report -> grounding, on an already loaded study.
 * Nothing is written: a refused comparison (other patient, no alignment) throws before any output exists.
 */
export async function reportFromStudy(
  study: LoadedStudy,
  input: StudyInput,
  config: Config,
  resources: PipelineResources,
  progress: (p: PipelineProgress) => void = () => {},
  followupInput?: FollowupInput,
): Promise<PipelineResult> {
  progress({ stage: 'measure', percent: 40 });
  const provenance = { ct: input.ctPath, masks: input.masksPaths.length > 0 ? input.masksPaths.join(', ') : null };
  const measureOptions = { measure: config.measure, phase: input.phase, provenance };
  const measurements = routineOnThread(study.ct, config.measure.routineThread)
    ? await measureStudyConcurrently(study.ct, study.labels, measureOptions)
    : measureStudy(study.ct, study.labels, measureOptions);
  progress({ stage: 'findings', percent: 70 });
  const [{ deriveFindings }, { compareStudies, extractBoneSurface, studyIdentity, studyInMemory, withFollowupFindings }] = await Promise.all([
    import('./findings/index.ts'),
    import('./followup/index.ts'),
  ]);
  const derived = deriveFindings(measurements, resources.kb);
  const boneSurface = extractBoneSurface(study.ct, config.followup);
  const identity = studyIdentity({ ct: study.ct, labels: study.labels, boneSurface, provenance, ...(input.studyDate ? { studyDate: input.studyDate } : {}) }, config.followup);
  let findings = derived;
  let followup: Followup | undefined;
  if (followupInput !== undefined && followupInput.priors.length > 0) {
    progress({ stage: 'followup', percent: 75 });
    const current = studyInMemory(input.ctPath, identity, measurements, derived, study.labels, boneSurface);
    followup = await compareStudies(current, followupInput.priors, {
      config: config.followup,
      kb: resources.kb,
      allowOtherPatient: followupInput.allowOtherPatient ?? false,
      priorsGiven: followupInput.priorsGiven ?? 'newest-first',
    });
    findings = withFollowupFindings(derived, followup);
  }
  progress({ stage: 'report', percent: 80 });
  const { report, markdown } = await reportFromFindings(measurements, findings, resources, followup, () => progress({ stage: 'ground', percent: 90 }));
  progress({ stage: 'ground', percent: 100 });
  const result = { measurements, findings, study: identity, ...(followup ? { followup } : {}), report, markdown };
  Object.defineProperty(result, 'boneSurface', { value: boneSurface, enumerable: false });
  return result as PipelineResult;
}

/** Findings -> report (templates, optional LLM narrator) -> grounding -> Markdown. */
export async function reportFromFindings(measurements: Measurements, findings: Findings, resources: PipelineResources, followup?: Followup, onGround?: () => void): Promise<{ report: Report; markdown: string }> {
  const [{ buildReport, narrateWithLlm, renderMarkdown }, { groundReport }] = await Promise.all([import('./report/index.ts'), import('./ground/index.ts')]);
  const templated = buildReport(measurements, findings, { templates: resources.templates, kb: resources.kb, ...(followup ? { followup } : {}) });
  const draft = resources.narrator ? await narrateWithLlm(templated, resources.narrator, { templates: resources.templates }) : templated;
  onGround?.();
  const report = await groundReport(draft, findings, measurements, { kb: resources.kb, retriever: resources.retriever });
  return { report, markdown: renderMarkdown(report) };
}

export interface ComparedFolders {
  readonly current: StudyArtifacts;
  readonly followup: Followup;
  readonly findings: Findings;
  readonly report: Report;
  readonly markdown: string;
}

/**
 * Compares report folders already written (groundct compare): the current study's artifacts are reused, nothing
 * is measured again. Priors are given oldest first when a study has no date.
 */
export async function compareReportFolders(currentDir: string, priorDirs: readonly string[], config: Config, resources: PipelineResources, options: { readonly allowOtherPatient?: boolean } = {}): Promise<ComparedFolders> {
  const { compareStudies, loadStudyFolder, withFollowupFindings } = await import('./followup/index.ts');
  const priors: StudyArtifacts[] = [];
  for (const dir of priorDirs) priors.push(await loadStudyFolder(dir, config.volume));
  const current = await loadStudyFolder(currentDir, config.volume);
  const followup = await compareStudies(current, priors, { config: config.followup, kb: resources.kb, allowOtherPatient: options.allowOtherPatient ?? false, priorsGiven: 'oldest-first' });
  const findings = withFollowupFindings(current.findings, followup);
  const { report, markdown } = await reportFromFindings(current.measurements, findings, resources, followup);
  return { current, followup, findings, report, markdown };
}

export async function runPipeline(input: StudyInput & SegmentChoice, config: Config, options: PipelineOptions = {}): Promise<PipelineResult> {
  const progress = options.onProgress ?? (() => {});
  progress({ stage: 'read', percent: 0 });
  const resources = options.resources ?? (await openPipelineResources(config));
  const study = await loadStudy(input, config, (fraction) => progress({ stage: 'segment', percent: Math.round(10 + 25 * fraction) }));
  return reportFromStudy(study, input, config, resources, progress);
}
