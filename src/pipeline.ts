/**
 * The one entry point the CLI and the service share: CT (+ masks) -> measurements -> findings -> report.
 * Each stage is a plain function; this file only puts them together and reports progress.
 */
import type { Config } from './config.ts';
import { measureStudy, type Measurements, type Phase } from './measure/index.ts';
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
}

export interface LoadedStudy {
  readonly ct: Volume;
  readonly labels: LabelMap;
}

/** No masks: an empty label map, so that later stages say nothing could be assessed instead of failing. */
export function emptyLabelMap(ct: Volume): LabelMap {
  return { kind: 'labelmap', grid: ct.grid, layers: [new Uint8Array(ct.data.length)], labels: [], meta: { source: { format: ct.meta.source.format, path: '(no masks)' } } };
}

/** Reads the CT and its mask sets, all on the CT grid. */
export async function loadStudy(input: StudyInput, config: Config): Promise<LoadedStudy> {
  const ct = await readVolume(input.ctPath, config.volume);
  const sets: LabelMap[] = [];
  for (const [index, path] of input.masksPaths.entries()) {
    sets.push(await readMasks(path, config.volume, { labelMapPath: input.labelMapPaths?.[index], reference: ct.grid }));
  }
  return { ct, labels: sets.length > 0 ? mergeLabelMaps(sets) : emptyLabelMap(ct) };
}

export interface PipelineResult {
  readonly measurements: Measurements;
}

export async function runPipeline(input: StudyInput, config: Config, options: PipelineOptions = {}): Promise<PipelineResult> {
  const progress = options.onProgress ?? (() => {});
  progress({ stage: 'read', percent: 0 });
  const { ct, labels } = await loadStudy(input, config);
  progress({ stage: 'measure', percent: 30 });
  const measurements = measureStudy(ct, labels, {
    measure: config.measure,
    phase: input.phase,
    provenance: { ct: input.ctPath, masks: input.masksPaths.length > 0 ? input.masksPaths.join(', ') : null },
  });
  progress({ stage: 'report', percent: 100 });
  return { measurements };
}
