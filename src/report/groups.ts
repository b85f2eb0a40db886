import { ancestors, getStructure, structureOrNull } from '../anatomy/index.ts';
import { UNATTACHED, type Finding } from '../findings/index.ts';

/**
 * FINDINGS is written organ by organ. A finding's group is the top-level structure (child of 'body') its organ
 * belongs to: kidney_left -> 'kidneys', lung_upper_lobe_right -> 'lung', pancreas_head -> 'pancreas'. Special
 * groups: 'study' (phase, nothing assessed), 'lymph_node', 'body' (lesions outside segmented organs),
 * 'other_organs' (organs with no rule-based finding), 'unknown' (unrecognised labels), 'not_imaged'.
 */

/** Reading order of the usual abdominal and thoracic groups; other groups follow in catalogue-name order. */
const ORDER = [
  'comparison', 'study', 'liver', 'gallbladder', 'spleen', 'pancreas', 'adrenal_glands', 'kidneys', 'stomach', 'esophagus', 'duodenum',
  'small_bowel', 'colon', 'urinary_bladder', 'prostate', 'lung', 'trachea', 'bronchi', 'heart', 'thyroid_gland',
  'ascites', 'pleural_effusion', 'pericardial_effusion', 'lymph_node',
];
const TAIL = [UNATTACHED, 'other_organs', 'unknown', 'not_imaged'];

/** The top-level structure an organ belongs to (itself when it is a child of 'body'). */
export function topLevelOf(name: string): string {
  if (structureOrNull(name) === null || name === 'body') return name;
  const chain = [name, ...ancestors(name)];
  const i = chain.indexOf('body');
  return i > 0 ? chain[i - 1] : name;
}

export function groupOf(f: Finding): string {
  if (f.type === 'comparison' || f.type === 'response') return 'comparison';
  if (f.type === 'lesion_change' && f.attributes.matchGroup === 'lymph_node') return 'lymph_node';
  if (f.type === 'not_imaged') return 'not_imaged';
  if (f.type === 'unknown_structure') return 'unknown';
  if (f.type === 'lymph_node') return 'lymph_node';
  if (f.type === 'phase_unknown' || f.type === 'nothing_assessed') return 'study';
  const organ = f.subject.organ;
  if (organ === null) return UNATTACHED;
  return topLevelOf(organ);
}

export function groupRank(key: string): number {
  const i = ORDER.indexOf(key);
  if (i >= 0) return i;
  const t = TAIL.indexOf(key);
  if (t >= 0) return 10_000 + t;
  return 1_000;
}

export function compareGroups(a: string, b: string): number {
  return groupRank(a) - groupRank(b) || a.localeCompare(b);
}

export function headingOf(key: string): string {
  const special: Record<string, string> = {
    study: 'Study',
    comparison: 'Comparison',
    lymph_node: 'Lymph nodes',
    [UNATTACHED]: 'Outside the segmented organs',
    other_organs: 'Other organs',
    unknown: 'Unrecognised labels',
    not_imaged: 'Not imaged',
    lung: 'Lungs',
  };
  const name = special[key] ?? structureOrNull(key)?.displayName ?? key;
  return name[0].toUpperCase() + name.slice(1);
}

/** Display name of an organ for a lesion: a sided name for the unsided kidney/adrenal classes' organs. */
export function organDisplay(organ: string, side?: string): string {
  if ((organ === 'kidneys' || organ === 'adrenal_glands') && (side === 'left' || side === 'right'))
    return `${side} ${organ === 'kidneys' ? 'kidney' : 'adrenal gland'}`;
  return getStructure(organ).displayName;
}
