import { readRegularText } from './readers/open-file.ts';
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
  // Checked before parsing: a label map is at most 2 levels deep, and code that walks a parsed value (printing
  // it, validating it) recurses, so thousands of nested brackets would overflow the stack.
  const depth = jsonNestingDepth(text);
  if (depth > MAX_LABEL_MAP_DEPTH)
    throw gctError('GCT_LABELMAP_INVALID', `Label map ${source} nests arrays/objects ${depth} levels deep; a label map is {"id": "name"} (at most ${MAX_LABEL_MAP_DEPTH} levels, e.g. nnU-Net's {"labels": {...}}).`, { source, depth });
  let raw: unknown;
  try {
    // A UTF-8 byte order mark (Windows editors write one) is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
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
        `Label map ${source}: entry ${JSON.stringify(key.slice(0, 80))}: ${describeValue(value)} is neither "id": "name" nor "name": id.`,
        { source, key: key.slice(0, 80) },
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

/** Deepest nesting a label map may have: {"labels": {"1": "liver"}} is 2. */
const MAX_LABEL_MAP_DEPTH = 8;
/** Largest label map file read, in bytes: TotalSegmentator's 117-class map is 3 kB. */
export const MAX_LABEL_MAP_BYTES = 16 * 1024 * 1024;

/** Deepest bracket nesting of a JSON text (brackets inside strings ignored), without parsing it. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let n = 0; n < text.length; n++) {
    const c = text.charCodeAt(n);
    if (inString) {
      if (c === 0x5c) n++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** A short, bounded description of a JSON value for an error message (never the whole value). */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  return String(value).slice(0, 40);
}

export async function readLabelMapJson(path: string): Promise<LabelNames> {
  const text = await readRegularText(path, { maxBytes: MAX_LABEL_MAP_BYTES, limitName: `the ${MAX_LABEL_MAP_BYTES}-byte label map limit`, what: 'label map' });
  return parseLabelMapJson(text, path);
}
