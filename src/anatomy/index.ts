/**
 * anatomy: the structure catalogue. The only entry point other stages import.
 *
 * - Canonical names are TotalSegmentator v2 class names (all 117 of the `total` task, liver_segment_1..8) plus
 *   groundct's composites (lung_left, lung, kidneys, vertebral_column, ribs), pancreatic sub-regions, visceral
 *   vessels, lymph_node, free fluid and lesion classes (liver_lesion, kidney_cyst_left, lung_nodule, generic
 *   'lesion', ...). Look-ups take exact canonical names; raw names go through `normaliseName` first.
 * - `laterality` describes the structure from its name; where a measured mask lies is read from the volume's
 *   ijkToRas matrix by the measure stage.
 * - Unknown names are never dropped: `normaliseName` returns canonical null and callers report them.
 *
 * Typical use when reading a label map:
 * ```ts
 * const n = normaliseName('Kidney (L)');          // { canonical: 'kidney_left', matchedBy: 'pattern', raw }
 * if (n.canonical === null) report(n.raw, n.candidates, n.note); // keep it, say why
 * const s = getStructure(n.canonical!);           // displayName 'left kidney', laterality 'left', parent 'kidneys'
 * compositeMembers('lung_right');                 // the three right lobes, to union when no lung_right mask exists
 * lesionClassFor('liver_segment_7', 'cyst');      // 'liver_lesion' (the liver has no cyst class)
 * contactVesselsFor('pancreas_lesion');           // celiac trunk, SMA, CHA, ... (resectability vessels)
 * ```
 */
export type {
  BodySystem,
  Laterality,
  LesionType,
  MatchedBy,
  NormalisedName,
  SnomedCtCode,
  Structure,
  StructureKind,
} from './types.ts';
export { BODY_SYSTEMS, LATERALITIES, LESION_TYPES, STRUCTURE_KINDS } from './types.ts';

export { allStructures, isCanonicalName, structureOrNull } from './catalogue.ts';
export { getStructure } from './get-structure.ts';
export { ancestors, compositeMembers, contactVesselsFor, descendants } from './hierarchy.ts';
export { isLesionClass, lesionClasses, lesionClassFor, organOfLesion } from './lesions.ts';
export { ALIASES, SIDED_BASE_ALIASES, nameKey } from './aliases.ts';
export { normaliseName } from './normalise-name.ts';
export { TOTALSEG_TASKS, totalsegTaskLabelNames, type TotalsegTask } from './totalseg-tasks.ts';
