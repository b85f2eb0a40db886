/**
 * Alias tables: other names that datasets, radiotherapy structure sets and radiologists use for catalogue
 * structures. Written as people write them; they are compared through `nameKey`, so case, spaces, hyphens,
 * underscores, dots and brackets do not matter ('Lung-Left' = 'lung_left' = 'LUNG LEFT').
 *
 * Sources of the names: AAPM TG-263 standard structure names (Mayo et al., Int J Radiat Oncol Biol Phys
 * 2018;100(4):1057-1066, DOI 10.1016/j.ijrobp.2017.12.013: Bowel_Small, Glnd_Thyroid, A_Aorta, V_Venacava_I, ...),
 * AbdomenAtlas (postcava, gall_bladder, hepatic_vessel), the Medical Segmentation Decathlon / LiTS / KiTS label
 * names, TotalSegmentator's other tasks (liver_lesions, lung_nodules, liver_tumor) and radiology abbreviations
 * (IVC, SMA, SMV, LUL).
 *
 * Systematic forms are not listed here but recognised by rules in name-patterns.ts: sides (`Kidney_L`, `left
 * kidney`, `Kidney (L)`), vertebrae (`L3`, `T12`), ribs (`Rib_L5`), Couinaud segments (`S7`, `Segment VII`) and
 * lesion phrases (`liver tumor`, `GTV_Mass`, `HCC`).
 */

/** Comparison key of a raw name: diacritics dropped, lower case, everything but letters and digits removed. */
export function nameKey(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Alias -> canonical name. Exported so later stages (free-text parsing) can reuse the vocabulary. */
export const ALIASES: Readonly<Record<string, string>> = Object.freeze({
  // digestive
  oesophagus: 'esophagus',
  hepar: 'liver',
  'small intestine': 'small_bowel',
  Bowel_Small: 'small_bowel',
  'large bowel': 'colon',
  'large intestine': 'colon',
  Bowel_Large: 'colon',
  'pancreatic head': 'pancreas_head',
  'head of pancreas': 'pancreas_head',
  'head of the pancreas': 'pancreas_head',
  'uncinate process': 'pancreas_head',
  'pancreatic body': 'pancreas_body',
  'body of pancreas': 'pancreas_body',
  'pancreatic tail': 'pancreas_tail',
  'tail of pancreas': 'pancreas_tail',

  // urinary, reproductive, endocrine
  kidney: 'kidneys',
  'both kidneys': 'kidneys',
  bladder: 'urinary_bladder',
  thyroid: 'thyroid_gland',
  Glnd_Thyroid: 'thyroid_gland',
  adrenal: 'adrenal_glands',
  adrenals: 'adrenal_glands',
  'adrenal gland': 'adrenal_glands',
  Glnd_Adrenal: 'adrenal_glands',

  // respiratory
  lungs: 'lung',
  'both lungs': 'lung',
  LUL: 'lung_upper_lobe_left',
  LLL: 'lung_lower_lobe_left',
  RUL: 'lung_upper_lobe_right',
  RML: 'lung_middle_lobe_right',
  RLL: 'lung_lower_lobe_right',
  bronchus: 'bronchi',
  'main bronchi': 'bronchi',

  // nervous
  cord: 'spinal_cord',

  // vessels
  IVC: 'inferior_vena_cava',
  postcava: 'inferior_vena_cava',
  V_Venacava_I: 'inferior_vena_cava',
  SVC: 'superior_vena_cava',
  V_Venacava_S: 'superior_vena_cava',
  A_Aorta: 'aorta',
  'portal vein': 'portal_vein_and_splenic_vein',
  'splenic vein': 'portal_vein_and_splenic_vein',
  'portal and splenic vein': 'portal_vein_and_splenic_vein',
  'portal and splenic veins': 'portal_vein_and_splenic_vein',
  V_Portal: 'portal_vein_and_splenic_vein',
  SMA: 'superior_mesenteric_artery',
  SMV: 'superior_mesenteric_vein',
  'celiac artery': 'celiac_trunk',
  'celiac axis': 'celiac_trunk',
  'coeliac trunk': 'celiac_trunk',
  'coeliac axis': 'celiac_trunk',
  'coeliac artery': 'celiac_trunk',
  CHA: 'common_hepatic_artery',
  'renal artery': 'renal_arteries',
  'hepatic vessel': 'liver_vessels',
  'hepatic vessels': 'liver_vessels',
  'liver vessel': 'liver_vessels',
  'pulmonary veins': 'pulmonary_vein',
  'pulmonary trunk': 'pulmonary_artery',
  'main pulmonary artery': 'pulmonary_artery',
  A_Pulmonary: 'pulmonary_artery',
  'innominate artery': 'brachiocephalic_trunk',
  // pulmonary_artery_landmarks names the aortic annulus 'annulus' (aorta_annulus: 'annulus_proper').
  annulus: 'annulus_proper',
  'aortic annulus': 'annulus_proper',
  'true lumen': 'aorta_true_lumen',
  'false lumen': 'aorta_false_lumen',
  'coronary artery': 'coronary_arteries',
  'vertebral body': 'vertebrae_body',
  'visceral fat': 'torso_fat',
  'visceral adipose tissue': 'torso_fat',
  'subcutaneous adipose tissue': 'subcutaneous_fat',
  'brachiocephalic artery': 'brachiocephalic_trunk',

  // skeleton
  bone: 'skeleton',
  bones: 'skeleton',
  spine: 'vertebral_column',
  vertebra: 'vertebral_column',
  vertebrae: 'vertebral_column',
  'spinal column': 'vertebral_column',
  rib: 'ribs',
  cranium: 'skull',
  'costal cartilage': 'costal_cartilages',

  // body, nodes, fluid
  External: 'body',
  'body outline': 'body',
  'body contour': 'body',
  trunk: 'body_trunc',
  'body trunk': 'body_trunc',
  'lymph nodes': 'lymph_node',
  LN: 'lymph_node',
  node: 'lymph_node',
  nodes: 'lymph_node',
  lymphadenopathy: 'lymph_node',
  'free fluid': 'ascites',
  fluid: 'ascites',
  'peritoneal fluid': 'ascites',
  'intraperitoneal fluid': 'ascites',
  'pleural fluid': 'pleural_effusion',

  // lesion classes under other tasks' names
  liver_lesions: 'liver_lesion',
  lung_nodules: 'lung_nodule',
  lung_lesion: 'lung_nodule',
  kidney_cysts: 'kidney_cyst',
  lesions: 'lesion',
});

/**
 * Other names for the base of a sided pair (`<base>_left` / `<base>_right`), used with a side word:
 * 'left clavicle' -> clavicula_left, 'Glnd_Adrenal_L' -> adrenal_gland_left, 'upper lobe left' ->
 * lung_upper_lobe_left. Bases of the catalogue's own sided names ('kidney', 'iliac_artery') need no entry.
 */
export const SIDED_BASE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  kidneys: 'kidney',
  lungs: 'lung',
  adrenal: 'adrenal_gland',
  adrenals: 'adrenal_gland',
  Glnd_Adrenal: 'adrenal_gland',
  'suprarenal gland': 'adrenal_gland',
  clavicle: 'clavicula',
  'hip bone': 'hip',
  'os coxae': 'hip',
  'iliac vein': 'iliac_vena',
  'common iliac vein': 'iliac_vena',
  'common iliac artery': 'iliac_artery',
  'carotid artery': 'common_carotid_artery',
  carotid: 'common_carotid_artery',
  subclavian: 'subclavian_artery',
  'innominate vein': 'brachiocephalic_vein',
  'autochthonous muscles': 'autochthon',
  'autochthonous back muscles': 'autochthon',
  'upper lobe': 'lung_upper_lobe',
  'middle lobe': 'lung_middle_lobe',
  'lower lobe': 'lung_lower_lobe',
  atrium: 'heart_atrium',
  ventricle: 'heart_ventricle',
  rib: 'ribs',
  'renal cyst': 'kidney_cyst',
  'renal lesion': 'kidney_lesion',
});
