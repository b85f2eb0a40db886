/**
 * The one entry point the CLI and the service share: CT (+ masks) -> measurements -> findings -> report.
 * Each stage is a plain function; this file only puts them together and reports progress.
 */
import type { Config } from './config.ts';
import { deriveFindings, type Findings } from './findings/index.ts';
import { groundReport, openRetriever, type Retriever } from './ground/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from './knowledge/index.ts';
import { measureStudy, type Measurements, type Phase } from './measure/index.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { buildReport, loadTemplates, narrateWithLlm, OpenAiCompatibleChatModel, renderMarkdown, type LoadedTemplates, type Report } from './report/index.ts';
import { segmentCt, segmentOptionsFor, type SegmentCtOptions, type SegmenterSpec } from './segment/index.ts';
import { mergeLabelMaps, readMasks, readVolume, type LabelMap, type Volume } from './volume/index.ts';

export interface StudyInput {
  /** CT: NIfTI / NRRD file, DICOM series folder or single DICOM file. */
  readonly ctPath: string;
  /** Mask sets (multilabel file, per-class folder, DICOM SEG); several are merged. Empty: none given. */
  readonly masksPaths: readonly string[];
  /** Label map JSON per mask set, same order (optional per set). */
  readonly labelMapPaths?: readonly (string | undefined)[];
  readonly phase?: Phase;
}

export type PipelineStage = 'read' | 'segment' | 'measure' | 'findings' | 'report' | 'ground';

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
  const kb = await loadKnowledgeBase();
  const [templates, retriever] = await Promise.all([loadTemplates(), openRetriever({ kb, dataDir: config.dataDir })]);
  const n = config.narrator;
  const narrator = n.kind === 'openai-compatible' ? new OpenAiCompatibleChatModel({ baseUrl: n.baseUrl!, model: n.model!, apiKey: n.apiKey, timeoutMs: n.timeoutMs }) : undefined;
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

/**
 * Reads the CT and its mask sets, all on the CT grid. Without masks, the segmentation stage makes them
 * (the built-in segmenter, or `segmentModel` when given).
 */
export async function loadStudy(input: StudyInput & SegmentChoice, config: Config, onSegmentProgress?: (fraction: number) => void): Promise<LoadedStudy> {
  const ct = await readVolume(input.ctPath, config.volume);
  const sets: LabelMap[] = [];
  for (const [index, path] of input.masksPaths.entries()) {
    sets.push(await readMasks(path, config.volume, { labelMapPath: input.labelMapPaths?.[index], reference: ct.grid }));
  }
  if (sets.length === 0 && input.segmentModel !== 'none') {
    sets.push(await segmentCt(ct, {
      ...segmentOptions(input, config),
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

/** segmentCt options from the choice and the configuration; TotalSegmentator is looked up on this process's PATH. */
export function segmentOptions(choice: SegmentChoice, config: Config): SegmentCtOptions {
  return segmentOptionsFor(choice.segmenter ?? (choice.segmentModel !== undefined ? { kind: 'onnx', model: choice.segmentModel } : undefined), config.segment, config.volume, process.env.PATH ?? '');
}

export interface PipelineResult {
  readonly measurements: Measurements;
  readonly findings: Findings;
  /** report.json: structured report + sentences, each grounded (evidence + citations). */
  readonly report: Report;
  /** report.md */
  readonly markdown: string;
}

/** Measurements -> findings -> report -> grounding, on an already loaded study. */
export async function reportFromStudy(study: LoadedStudy, input: StudyInput, config: Config, resources: PipelineResources, progress: (p: PipelineProgress) => void = () => {}): Promise<PipelineResult> {
  progress({ stage: 'measure', percent: 40 });
  const measurements = measureStudy(study.ct, study.labels, {
    measure: config.measure,
    phase: input.phase,
    provenance: { ct: input.ctPath, masks: input.masksPaths.length > 0 ? input.masksPaths.join(', ') : null },
  });
  progress({ stage: 'findings', percent: 70 });
  const findings = deriveFindings(measurements, resources.kb);
  progress({ stage: 'report', percent: 80 });
  const templated = buildReport(measurements, findings, { templates: resources.templates });
  const draft = resources.narrator ? await narrateWithLlm(templated, resources.narrator, { templates: resources.templates }) : templated;
  progress({ stage: 'ground', percent: 90 });
  const report = await groundReport(draft, findings, measurements, { kb: resources.kb, retriever: resources.retriever });
  progress({ stage: 'ground', percent: 100 });
  return { measurements, findings, report, markdown: renderMarkdown(report) };
}

export async function runPipeline(input: StudyInput & SegmentChoice, config: Config, options: PipelineOptions = {}): Promise<PipelineResult> {
  const progress = options.onProgress ?? (() => {});
  progress({ stage: 'read', percent: 0 });
  const resources = options.resources ?? (await openPipelineResources(config));
  const study = await loadStudy(input, config, (fraction) => progress({ stage: 'segment', percent: Math.round(10 + 25 * fraction) }));
  return reportFromStudy(study, input, config, resources, progress);
}
