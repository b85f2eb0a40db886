import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { normaliseName } from '../anatomy/index.ts';
import { formatTotalsegStatisticsJson, ibsiShapeFeatures, maskVoxels, measureStudy, measureVolumeAndMeanHu, toTotalsegStatistics, type Phase } from '../measure/index.ts';
import { loadStudy, type LoadedStudy } from '../pipeline.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs } from './output.ts';

export const MEASURE_USAGE = `groundct measure <ct> --masks <file-or-folder> [--label-map <json>] [--masks ... [--label-map ...]] [--out measurements.json]
    [--format groundct|totalseg-statistics|ibsi] [--phase non-contrast|contrast-enhanced|arterial|portal-venous|delayed|unknown]
    [--shape]
  Measures every labelled structure and lesion (volume, HU statistics, centroid, extents, border contact;
  lesion diameters, location, attenuation, vessel contact). --format totalseg-statistics writes
  TotalSegmentator's statistics.json; --format ibsi writes IBSI-1 morphological features per label.`;

const FORMATS = ['groundct', 'totalseg-statistics', 'ibsi'] as const;
const PHASES: readonly Phase[] = ['non-contrast', 'contrast-enhanced', 'arterial', 'portal-venous', 'delayed', 'unknown'];

/**
 * Reads a CT and its masks onto the CT grid. Several mask sets (e.g. TotalSegmentator's `total` and
 * `liver_segments` outputs) are merged; the i-th --label-map belongs to the i-th --masks.
 */
export async function loadStudyFromArgs(ctPath: string, masksPaths: readonly string[], labelMapPaths: readonly string[], config: Config): Promise<LoadedStudy> {
  if (labelMapPaths.length > masksPaths.length) {
    throw gctError('GCT_CLI_USAGE', `Got ${labelMapPaths.length} --label-map for ${masksPaths.length} --masks; give at most one label map per mask set, in the same order.`);
  }
  return loadStudy({ ctPath, masksPaths, labelMapPaths }, config);
}

/** IBSI-1 morphological features of each label taken whole as one ROI (as the IBSI phantom defines it). */
function ibsiPerLabel(ct: Volume, labels: LabelMap) {
  const out: Record<string, unknown> = {};
  const n = ct.data.length;
  for (const label of labels.labels) {
    const voxels = maskVoxels({ labels: labels.layers[label.layer], labelId: label.id }, n, label.name);
    if (voxels.length === 0) continue;
    const mask = new Uint8Array(n);
    for (let v = 0; v < voxels.length; v++) mask[voxels[v]] = 1;
    out[label.name] = ibsiShapeFeatures(mask, ct.grid.dims, ct.grid.ijkToRas, ct.data);
  }
  return out;
}

const canonicalName = (source: string) => normaliseName(source).canonical;

export async function runMeasure(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('measure', argv, {
    masks: { type: 'string', multiple: true },
    'label-map': { type: 'string', multiple: true },
    out: { type: 'string' },
    format: { type: 'string', default: 'groundct' },
    phase: { type: 'string' },
    shape: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct measure takes one CT path; got ${positionals.length}.\n${MEASURE_USAGE}`);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw gctError('GCT_CLI_USAGE', `--format must be one of ${FORMATS.join(', ')}; got '${values.format}'.`);
  if (values.phase && !PHASES.includes(values.phase as Phase)) throw gctError('GCT_CLI_USAGE', `--phase must be one of ${PHASES.join(', ')}; got '${values.phase}'.`);
  if (!values.masks?.length) throw gctError('GCT_CLI_USAGE', 'groundct measure needs --masks <file-or-folder> (the segmentation of the CT).');
  const compute = async (): Promise<string> => {
    const { ct, labels } = await loadStudyFromArgs(positionals[0], values.masks!, values['label-map'] ?? [], config);
    if (format === 'ibsi') return JSON.stringify(ibsiPerLabel(ct, labels), null, 2) + '\n';
    if (format === 'totalseg-statistics') {
      // statistics.json holds volume and mean HU per class: only those are computed (one pass per label layer).
      const classNames = [...labels.labels].sort((x, y) => x.id - y.id).map((l) => l.name);
      return formatTotalsegStatisticsJson(toTotalsegStatistics(measureVolumeAndMeanHu(ct, labels, { names: canonicalName }), classNames));
    }
    const measurements = measureStudy(ct, labels, {
      measure: config.measure,
      phase: values.phase as Phase | undefined,
      withShape: values.shape,
      provenance: { ct: positionals[0], masks: values.masks!.join(', ') },
    });
    return JSON.stringify(measurements, null, 2) + '\n';
  };
  const outPath = values.out;
  // --out is checked and staged before the inputs are read, and written only when everything succeeded.
  if (outPath) await withOutputs([{ kind: 'file', path: outPath, flag: '--out' }], async (staging) => writeFile(staging(outPath), await compute()));
  else out(await compute());
  return 0;
}
