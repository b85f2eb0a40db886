import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { describeMasks, describeVolume, inputKind, labelMapFromMultilabel, looksLikeLabels, readLabelMapJson, readMasks, readVolume } from '../volume/index.ts';
import { parseCommandArgs } from './args.ts';

export const INFO_USAGE = `groundct info <path> [--json] [--masks] [--label-map <json>]
  Prints dims, spacing (mm), orientation code (e.g. LPS), HU range and modality of a CT; for masks (a label
  volume, a per-class folder or a DICOM SEG) the labels present with names and voxel counts.`;

export async function runInfo(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('info', argv, {
    json: { type: 'boolean', default: false },
    masks: { type: 'boolean', default: false },
    'label-map': { type: 'string' },
  });
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct info takes one path; got ${positionals.length}.\n${INFO_USAGE}`);
  const path = positionals[0];
  const labelMapPath = values['label-map'];
  let description;
  if (values.masks || labelMapPath || (await inputKind(path, config.volume)) === 'masks') {
    description = describeMasks(await readMasks(path, config.volume, { labelMapPath }));
  } else {
    const volume = await readVolume(path, config.volume);
    // A non-negative integer image may be a label volume (or a phantom): show its values both ways.
    description = looksLikeLabels(volume)
      ? { ...describeVolume(volume), labels: describeMasks(labelMapFromMultilabel(volume, { names: labelMapPath ? await readLabelMapJson(labelMapPath) : undefined })).labels }
      : describeVolume(volume);
  }
  if (values.json) {
    out(JSON.stringify(description, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `${path}`,
    `  format       ${description.format}`,
    `  dims         ${description.dims.join(' x ')}`,
    `  spacing      ${description.spacingMm.map((s) => s.toFixed(4)).join(' x ')} mm`,
    `  orientation  ${description.orientation}`,
  ];
  if (description.kind === 'volume') {
    if (description.modality) lines.push(`  modality     ${description.modality}`);
    lines.push(description.huRange ? `  HU range     ${description.huRange.min} .. ${description.huRange.max}` : `  value range  ${description.valueRange.min} .. ${description.valueRange.max}`);
    if (description.patientAge || description.patientSex) lines.push(`  patient      ${[description.patientAge, description.patientSex].filter(Boolean).join(' ')}`);
  }
  if ('labels' in description) {
    lines.push(`  labels       ${description.labels.length} present ${'layers' in description ? `(${description.layers} layer${description.layers === 1 ? '' : 's'})` : '(if this is a label volume)'}`);
    for (const l of description.labels) lines.push(`    ${String(l.id).padStart(4)}  ${l.name.padEnd(36)} ${String(l.voxelCount).padStart(10)} voxels  ${l.volumeMl.toFixed(3)} mL`);
  }
  for (const note of description.notes ?? []) lines.push(`  note         ${note}`);
  out(lines.join('\n') + '\n');
  return 0;
}
