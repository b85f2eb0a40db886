import { gctError, type GroundctError } from '../errors.ts';
import { LESION_STRUCTURES } from './structures-lesions.ts';
import { MUSCULOSKELETAL_STRUCTURES } from './structures-musculoskeletal.ts';
import { TOTALSEG_TASK_STRUCTURES } from './structures-totalseg-tasks.ts';
import { VESSEL_STRUCTURES } from './structures-vessels.ts';
import { VISCERAL_STRUCTURES } from './structures-visceral.ts';
import type { Structure } from './types.ts';

/**
 * The structure catalogue: every canonical name groundct knows, in one frozen table.
 *
 * It holds all 117 classes of TotalSegmentator's v2 `total` task, the 8 Couinaud segments of its liver_segments
 * task, the composites built from them (lung_left, lung, kidneys, vertebral_column, ribs, ...), the built-in
 * segmenter's classes (body, skeleton, bronchi), pancreatic sub-regions, visceral vessels, lymph nodes, free fluid
 * and the lesion classes. It is our own data (it carries far more per structure than a label map) and is never
 * read from TotalSegmentator's files at run time; a test checks it against TotalSegmentator's label map.
 */

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function buildIndex(structures: readonly Structure[]): ReadonlyMap<string, Structure> {
  const byName = new Map<string, Structure>();
  for (const s of structures) {
    // A duplicate name is a bug in the data files; fail at import so no stage ever sees an ambiguous catalogue.
    if (byName.has(s.name)) throw new Error(`anatomy catalogue: duplicate structure name '${s.name}'`);
    byName.set(s.name, deepFreeze(s));
  }
  return byName;
}

const STRUCTURES: readonly Structure[] = Object.freeze([
  ...VISCERAL_STRUCTURES,
  ...VESSEL_STRUCTURES,
  ...MUSCULOSKELETAL_STRUCTURES,
  ...LESION_STRUCTURES,
  ...TOTALSEG_TASK_STRUCTURES,
]);

const BY_NAME = buildIndex(STRUCTURES);

/** Every structure of the catalogue, in catalogue order (by system, then cranio-caudal where it applies). */
export function allStructures(): readonly Structure[] {
  return STRUCTURES;
}

/** The structure with this exact canonical name, or null. Never throws. Use `normaliseName` for raw names. */
export function structureOrNull(name: string): Structure | null {
  return BY_NAME.get(name) ?? null;
}

/** True when `name` is an exact canonical name of the catalogue. */
export function isCanonicalName(name: string): boolean {
  return BY_NAME.has(name);
}

/** The coded error for a name that is not canonical; `suggestion` is the canonical name a raw name maps to. */
export function unknownStructureError(name: string, suggestion?: string | null): GroundctError {
  const hintText = suggestion ? ` Did you mean '${suggestion}'?` : ' Pass raw names through normaliseName first.';
  return gctError(
    'GCT_ANATOMY_UNKNOWN_STRUCTURE',
    `'${name}' is not a canonical structure name of the anatomy catalogue (${STRUCTURES.length} names, e.g. 'liver', 'kidney_left', 'vertebrae_L3').${hintText}`,
    suggestion ? { name, suggestion } : { name },
  );
}

/** The structure with this canonical name; throws GCT_ANATOMY_UNKNOWN_STRUCTURE otherwise (no suggestion). */
export function requireStructure(name: string): Structure {
  const s = BY_NAME.get(name);
  if (s === undefined) throw unknownStructureError(name);
  return s;
}
