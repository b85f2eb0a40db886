import { structureOrNull, unknownStructureError } from './catalogue.ts';
import { normaliseName } from './normalise-name.ts';
import type { Structure } from './types.ts';

/**
 * The structure with this exact canonical name. Throws GCT_ANATOMY_UNKNOWN_STRUCTURE (404) otherwise, naming the
 * canonical name the raw name maps to when there is one ("'Kidney_L' ... Did you mean 'kidney_left'?").
 */
export function getStructure(name: string): Structure {
  const s = structureOrNull(name);
  if (s !== null) return s;
  throw unknownStructureError(name, normaliseName(name).canonical);
}
