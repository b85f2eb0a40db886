import { allStructures, requireStructure, structureOrNull } from './catalogue.ts';
import type { LesionType, Structure } from './types.ts';

/**
 * Lesion classes and the organs they belong to.
 *
 * Each organ with lesion classes has exactly one general class (type 'lesion' or 'nodule', e.g. liver_lesion,
 * lung_nodule) and at most one class of each other type (kidney_cyst_left). A test checks this.
 */

/** Types a general (default) lesion class of an organ has. */
const GENERAL_LESION_TYPES: readonly LesionType[] = ['lesion', 'nodule'];

const LESIONS_BY_ORGAN: ReadonlyMap<string, readonly Structure[]> = (() => {
  const byOrgan = new Map<string, Structure[]>();
  for (const s of allStructures()) {
    if (s.kind !== 'lesion' || s.lesionOf == null) continue;
    const list = byOrgan.get(s.lesionOf) ?? [];
    list.push(s);
    byOrgan.set(s.lesionOf, list);
  }
  return byOrgan;
})();

/** True for a canonical lesion class (including the generic 'lesion'); false for anything else, unknown included. */
export function isLesionClass(name: string): boolean {
  return structureOrNull(name)?.kind === 'lesion';
}

/**
 * The organ a lesion class belongs to (liver_lesion -> 'liver', kidney_cyst_left -> 'kidney_left'); null for the
 * generic 'lesion' (attached later by position) and for structures that are not lesion classes.
 * Throws GCT_ANATOMY_UNKNOWN_STRUCTURE for a name that is not canonical.
 */
export function organOfLesion(name: string): string | null {
  const s = requireStructure(name);
  return s.kind === 'lesion' ? (s.lesionOf ?? null) : null;
}

/**
 * The lesion class for a lesion found in `organ`, looked up through the organ's parents: liver_segment_7 ->
 * liver_lesion, pancreas_head -> pancreas_lesion, lung_upper_lobe_left -> lung_nodule, vertebrae_L3 ->
 * bone_lesion, kidney_left -> kidney_lesion_left. With `lesionType`, the organ's class of that type when it has
 * one (kidney_left + 'cyst' -> kidney_cyst_left), else its general class. Null when neither the organ nor an
 * ancestor below 'body' has a lesion class (aorta, colon): callers then use the generic 'lesion'.
 * A lesion class given as `organ` returns itself when no type is asked, else the class of that type of its organ.
 * Throws GCT_ANATOMY_UNKNOWN_STRUCTURE for a name that is not canonical.
 */
export function lesionClassFor(organ: string, lesionType?: LesionType): string | null {
  const start = requireStructure(organ);
  if (start.kind === 'lesion') {
    if (lesionType === undefined || start.lesionType === lesionType) return start.name;
    return start.lesionOf == null ? null : lesionClassFor(start.lesionOf, lesionType);
  }
  let node: Structure | null = start;
  while (node !== null && node.parent !== null) {
    const classes = LESIONS_BY_ORGAN.get(node.name);
    if (classes !== undefined) {
      const ofType = lesionType === undefined ? undefined : classes.find((c) => c.lesionType === lesionType);
      const general = classes.find((c) => c.lesionType !== undefined && GENERAL_LESION_TYPES.includes(c.lesionType));
      return (ofType ?? general ?? classes[0]).name;
    }
    node = requireStructure(node.parent);
  }
  return null;
}

/** Every lesion class of the catalogue (the generic 'lesion' included). */
export function lesionClasses(): readonly Structure[] {
  return allStructures().filter((s) => s.kind === 'lesion');
}
