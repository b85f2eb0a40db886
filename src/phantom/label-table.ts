/**
 * Label ids of the phantom's label map.
 *
 * Layer 0 (one multilabel array) holds organs, vessels, bones and lesions. Ids of structures that
 * TotalSegmentator's `total` task (v2) has are its ids, so a phantom label file reads like a TotalSegmentator
 * multilabel file (kidney_cyst_left/right included); the SMA (not in `total`) and the other lesion classes
 * (names of src/anatomy's lesion catalogue) get ids from 200 up. Lesion voxels replace
 * the organ label (LiTS convention: Bilic et al., Med. Image Anal. 2023, doi:10.1016/j.media.2022.102680),
 * one label per lesion class; separate lesions of one class are separate 26-connected components.
 *
 * Layer 1 holds sub-segments that overlap the organs of layer 0: Couinaud liver segments (TotalSegmentator's
 * `liver_segments` names; segment 4 is not split into 4a/4b there, nor here) over every liver and liver-lesion
 * voxel, and pancreas head/body/tail over every pancreas and pancreas-lesion voxel. Ids are unique across layers.
 */
export interface LabelDef {
  readonly name: string;
  readonly id: number;
  readonly layer: 0 | 1;
}

const LAYER0: readonly (readonly [string, number])[] = [
  ['spleen', 1],
  ['kidney_right', 2],
  ['kidney_left', 3],
  ['gallbladder', 4],
  ['liver', 5],
  ['pancreas', 7],
  ['kidney_cyst_left', 23],
  ['kidney_cyst_right', 24],
  ['vertebrae_L4', 28],
  ['vertebrae_L3', 29],
  ['vertebrae_L2', 30],
  ['vertebrae_L1', 31],
  ['vertebrae_T12', 32],
  ['vertebrae_T11', 33],
  ['vertebrae_T10', 34],
  ['aorta', 52],
  ['inferior_vena_cava', 63],
  ['portal_vein_and_splenic_vein', 64],
  ['spinal_cord', 79],
  ['autochthon_left', 86],
  ['autochthon_right', 87],
  ['superior_mesenteric_artery', 201],
  ['liver_lesion', 210],
  ['pancreas_lesion', 211],
  ['kidney_lesion_left', 212],
  ['kidney_lesion_right', 213],
  ['spleen_lesion', 214],
];

const LAYER1: readonly (readonly [string, number])[] = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`liver_segment_${n}`, 300 + n] as const),
  ['pancreas_head', 311],
  ['pancreas_body', 312],
  ['pancreas_tail', 313],
];

export const PHANTOM_LABELS: readonly LabelDef[] = [
  ...LAYER0.map(([name, id]) => ({ name, id, layer: 0 as const })),
  ...LAYER1.map(([name, id]) => ({ name, id, layer: 1 as const })),
];

const BY_NAME = new Map(PHANTOM_LABELS.map((l) => [l.name, l]));

export function labelId(name: string): number {
  const def = BY_NAME.get(name);
  if (!def) throw new RangeError(`phantom label table has no '${name}'`);
  return def.id;
}

/** Lesion label name of an organ (and side for kidneys). */
export function lesionLabelName(
  organ: 'liver' | 'pancreas' | 'kidney' | 'spleen',
  side?: 'left' | 'right',
  lesionType: 'lesion' | 'cyst' = 'lesion',
): string {
  if (organ === 'kidney') return lesionType === 'cyst' ? `kidney_cyst_${side}` : `kidney_lesion_${side}`;
  return `${organ}_lesion`;
}

/** Organ label a lesion class belongs to. */
export function organLabelName(organ: 'liver' | 'pancreas' | 'kidney' | 'spleen', side?: 'left' | 'right'): string {
  return organ === 'kidney' ? `kidney_${side}` : organ;
}
