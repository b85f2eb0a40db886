import { readFile } from 'node:fs/promises';
import { gctError } from '../errors.ts';

/** A label map: integer id (> 0) -> structure name as the user wrote it. */
export type LabelNames = ReadonlyMap<number, string>;

/**
 * Parses a label map given as JSON text. Accepted shapes, all seen in the wild:
 * - `{"1": "liver", "2": "spleen"}` (TotalSegmentator's label_map_total_v2.json, ours);
 * - `{"liver": 1, "spleen": 2}` (name -> id, as nnU-Net's dataset.json "labels" block);
 * - `{"labels": { ... }}` wrapping either of the above (nnU-Net dataset.json).
 * Id 0 is background and may be present (named "background"); it is dropped.
 */
export function parseLabelMapJson(text: string, source: string): LabelNames {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw gctError('GCT_LABELMAP_INVALID', `Label map ${source} is not valid JSON: ${(cause as Error).message}`, { source }, cause);
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'labels' in raw && typeof (raw as { labels: unknown }).labels === 'object') {
    raw = (raw as { labels: unknown }).labels;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw gctError('GCT_LABELMAP_INVALID', `Label map ${source} must be a JSON object of id -> name; got ${Array.isArray(raw) ? 'an array' : typeof raw}.`, { source });
  }
  const out = new Map<number, string>();
  const names = new Map<string, number>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    let id: number;
    let name: string;
    if (/^\d+$/.test(key) && typeof value === 'string') {
      id = Number(key);
      name = value;
    } else if (typeof value === 'number' && Number.isInteger(value)) {
      id = value;
      name = key;
    } else {
      throw gctError(
        'GCT_LABELMAP_INVALID',
        `Label map ${source}: entry ${JSON.stringify(key)}: ${JSON.stringify(value)} is neither "id": "name" nor "name": id.`,
        { source, key },
      );
    }
    if (id < 0 || id > 65535) throw gctError('GCT_LABELMAP_INVALID', `Label map ${source}: id ${id} is outside 0..65535.`, { source, id });
    if (id === 0) continue;
    name = name.trim();
    if (!name) throw gctError('GCT_LABELMAP_INVALID', `Label map ${source}: id ${id} has an empty name.`, { source, id });
    if (out.has(id)) throw gctError('GCT_LABELMAP_INVALID', `Label map ${source}: id ${id} appears twice.`, { source, id });
    const other = names.get(name);
    if (other !== undefined) throw gctError('GCT_LABELMAP_INVALID', `Label map ${source}: name "${name}" is used by ids ${other} and ${id}.`, { source, name });
    names.set(name, id);
    out.set(id, name);
  }
  if (out.size === 0) throw gctError('GCT_LABELMAP_INVALID', `Label map ${source} names no label (only background or nothing).`, { source });
  return out;
}

export async function readLabelMapJson(path: string): Promise<LabelNames> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw gctError('GCT_VOLUME_NOT_FOUND', `Label map file ${path} could not be read: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { path }, cause);
  }
  return parseLabelMapJson(text, path);
}
