import { range, sided } from './define.ts';
import type { Structure } from './types.ts';

/**
 * Body, organs and organ parts of the chest, abdomen and pelvis (data only).
 *
 * SNOMED CT codes: International Edition body-structure concepts, given only for unsided organ-level entries and
 * the lung lobes where we are certain; left out rather than guessed.
 */

/**
 * Vessels whose contact with a pancreatic tumour decides resectability: NCCN Guidelines, Pancreatic
 * Adenocarcinoma, "Criteria defining resectability status" (celiac axis, SMA, common hepatic artery, SMV/portal
 * vein, IVC; aorta for unresectable disease), and the SAR/APA reporting template, Al-Hawary et al., Radiology
 * 2014;270(1):248-260, DOI 10.1148/radiol.13131184. TotalSegmentator names the portal and splenic veins as one
 * class; the splenic artery is added for body/tail tumours. Ordered as the template lists them.
 */
const PANCREAS_CONTACT_VESSELS = [
  'celiac_trunk',
  'superior_mesenteric_artery',
  'common_hepatic_artery',
  'splenic_artery',
  'aorta',
  'superior_mesenteric_vein',
  'portal_vein_and_splenic_vein',
  'inferior_vena_cava',
] as const;

/**
 * Liver: portal venous and hepatic arterial inflow, the IVC (caval involvement), and the intrahepatic vessels of
 * TotalSegmentator's liver_vessels task (hepatic and portal branches as one class; hepatic veins are not named
 * separately in the vocabulary).
 */
const LIVER_CONTACT_VESSELS = ['portal_vein_and_splenic_vein', 'inferior_vena_cava', 'liver_vessels', 'common_hepatic_artery'] as const;

/**
 * Kidney: renal vessels and the IVC decide T3a/T3b (tumour thrombus extension), AJCC Cancer Staging Manual 8th
 * ed., Kidney. Renal veins are not in the vocabulary, so the IVC and aorta stand in for the venous/arterial trunk.
 */
const KIDNEY_CONTACT_VESSELS = ['renal_arteries', 'aorta', 'inferior_vena_cava'] as const;

/**
 * Lung: invasion of the great vessels (aorta, SVC, main pulmonary artery, intrapericardial pulmonary veins) is
 * T4, AJCC Cancer Staging Manual 8th ed., Lung (Rami-Porta et al., J Thorac Oncol 2015;10(7):990-1003,
 * DOI 10.1097/JTO.0000000000000559).
 */
const LUNG_CONTACT_VESSELS = ['aorta', 'superior_vena_cava', 'pulmonary_artery', 'pulmonary_vein'] as const;

const SPLEEN_CONTACT_VESSELS = ['portal_vein_and_splenic_vein', 'splenic_artery'] as const;

/**
 * Couinaud segments 1-8 as TotalSegmentator's liver_segments task labels them (segment 4 not split into 4a/4b).
 * Couinaud C., Le foie: études anatomiques et chirurgicales, Masson 1957; terminology per the Brisbane 2000
 * nomenclature, Strasberg SM, HPB 2000;2(3):333-339.
 */
const LIVER_SEGMENTS: Structure[] = range(1, 8).map((n) => ({
  name: `liver_segment_${n}`,
  displayName: `Couinaud segment ${n}`,
  laterality: 'none',
  system: 'digestive',
  parent: 'liver',
  kind: 'organ_part',
  totalsegTask: 'liver_segments',
}));

/**
 * Pancreatic head, body and tail, divided as the AJCC Cancer Staging Manual 8th ed. (Exocrine pancreas) does: the
 * head lies right of the left border of the SMV (uncinate process included), the body between the left borders of
 * the SMV and the aorta, the tail left of the aorta to the splenic hilum. The neck is split between head and body.
 */
const PANCREAS_PARTS: Structure[] = (['head', 'body', 'tail'] as const).map((part) => ({
  name: `pancreas_${part}`,
  displayName: `pancreatic ${part}`,
  laterality: 'none',
  system: 'digestive',
  parent: 'pancreas',
  kind: 'organ_part',
}));

const LUNG_LOBE_SNOMED: Record<string, string> = {
  lung_upper_lobe_left: '44714003',
  lung_lower_lobe_left: '41224006',
  lung_upper_lobe_right: '42400003',
  lung_middle_lobe_right: '72481006',
  lung_lower_lobe_right: '266005',
};

function lobe(level: 'upper' | 'middle' | 'lower', side: 'left' | 'right'): Structure {
  const name = `lung_${level}_lobe_${side}`;
  const code = LUNG_LOBE_SNOMED[name];
  return {
    name,
    displayName: `${side} ${level} lobe`,
    laterality: side,
    system: 'respiratory',
    parent: `lung_${side}`,
    kind: 'organ_part',
    totalsegTask: 'total',
    ...(code === undefined ? {} : { snomedCt: { code, display: `Structure of ${level} lobe of ${side} lung` } }),
  };
}

export const VISCERAL_STRUCTURES: readonly Structure[] = [
  // whole body (root of the tree) and TotalSegmentator's body task
  { name: 'body', displayName: 'body', laterality: 'none', system: 'body', parent: null, kind: 'body' },
  { name: 'body_trunc', displayName: 'trunk', laterality: 'midline', system: 'body', parent: 'body', kind: 'body', totalsegTask: 'body' },
  { name: 'body_extremities', displayName: 'extremities', laterality: 'bilateral', system: 'body', parent: 'body', kind: 'body', totalsegTask: 'body' },

  // digestive
  {
    name: 'liver', displayName: 'liver', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total',
    subSegments: LIVER_SEGMENTS.map((s) => s.name), contactVessels: LIVER_CONTACT_VESSELS,
    snomedCt: { code: '10200004', display: 'Liver structure' },
  },
  ...LIVER_SEGMENTS,
  { name: 'gallbladder', displayName: 'gallbladder', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '28231008', display: 'Gallbladder structure' } },
  {
    name: 'pancreas', displayName: 'pancreas', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total',
    subSegments: PANCREAS_PARTS.map((s) => s.name), contactVessels: PANCREAS_CONTACT_VESSELS,
    snomedCt: { code: '15776009', display: 'Pancreatic structure' },
  },
  ...PANCREAS_PARTS,
  { name: 'stomach', displayName: 'stomach', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '69695003', display: 'Stomach structure' } },
  { name: 'esophagus', displayName: 'oesophagus', laterality: 'midline', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '32849002', display: 'Esophageal structure' } },
  { name: 'duodenum', displayName: 'duodenum', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '38848004', display: 'Duodenal structure' } },
  { name: 'small_bowel', displayName: 'small bowel', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '30315005', display: 'Small intestine structure' } },
  { name: 'colon', displayName: 'colon', laterality: 'none', system: 'digestive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '71854001', display: 'Colon structure' } },
  // Not in the total task (TotalSegmentator's colon includes it); named by AbdomenAtlas and AAPM TG-263 masks.
  { name: 'rectum', displayName: 'rectum', laterality: 'midline', system: 'digestive', parent: 'colon', kind: 'organ_part', snomedCt: { code: '34402009', display: 'Rectum structure' } },

  // lymphatic
  {
    name: 'spleen', displayName: 'spleen', laterality: 'none', system: 'lymphatic', parent: 'body', kind: 'organ', totalsegTask: 'total',
    contactVessels: SPLEEN_CONTACT_VESSELS, snomedCt: { code: '78961009', display: 'Spleen structure' },
  },

  // urinary
  {
    name: 'kidneys', displayName: 'kidneys', laterality: 'bilateral', system: 'urinary', parent: 'body', kind: 'composite',
    members: ['kidney_left', 'kidney_right'], subSegments: ['kidney_left', 'kidney_right'], contactVessels: KIDNEY_CONTACT_VESSELS,
    snomedCt: { code: '64033007', display: 'Kidney structure' },
  },
  ...sided('kidney', 'kidney', { system: 'urinary', parent: 'kidneys', kind: 'organ', totalsegTask: 'total', contactVessels: KIDNEY_CONTACT_VESSELS }).map(
    (s): Structure => ({ ...s, snomedCt: s.laterality === 'left' ? { code: '18639004', display: 'Left kidney structure' } : { code: '9846003', display: 'Right kidney structure' } }),
  ),
  { name: 'urinary_bladder', displayName: 'urinary bladder', laterality: 'midline', system: 'urinary', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '89837001', display: 'Urinary bladder structure' } },

  // reproductive
  { name: 'prostate', displayName: 'prostate', laterality: 'midline', system: 'reproductive', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '41216001', display: 'Prostatic structure' } },

  // endocrine
  {
    name: 'adrenal_glands', displayName: 'adrenal glands', laterality: 'bilateral', system: 'endocrine', parent: 'body', kind: 'composite',
    members: ['adrenal_gland_left', 'adrenal_gland_right'], snomedCt: { code: '23451007', display: 'Adrenal structure' },
  },
  ...sided('adrenal_gland', 'adrenal gland', { system: 'endocrine', parent: 'adrenal_glands', kind: 'organ', totalsegTask: 'total' }),
  { name: 'thyroid_gland', displayName: 'thyroid gland', laterality: 'midline', system: 'endocrine', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '69748006', display: 'Thyroid structure' } },

  // respiratory
  {
    name: 'lung', displayName: 'lungs', laterality: 'bilateral', system: 'respiratory', parent: 'body', kind: 'composite',
    members: ['lung_left', 'lung_right'], subSegments: ['lung_left', 'lung_right'], contactVessels: LUNG_CONTACT_VESSELS,
    snomedCt: { code: '39607008', display: 'Lung structure' },
  },
  {
    name: 'lung_left', displayName: 'left lung', laterality: 'left', system: 'respiratory', parent: 'lung', kind: 'composite',
    members: ['lung_upper_lobe_left', 'lung_lower_lobe_left'], subSegments: ['lung_upper_lobe_left', 'lung_lower_lobe_left'],
    snomedCt: { code: '44029006', display: 'Left lung structure' },
  },
  {
    name: 'lung_right', displayName: 'right lung', laterality: 'right', system: 'respiratory', parent: 'lung', kind: 'composite',
    members: ['lung_upper_lobe_right', 'lung_middle_lobe_right', 'lung_lower_lobe_right'],
    subSegments: ['lung_upper_lobe_right', 'lung_middle_lobe_right', 'lung_lower_lobe_right'],
    snomedCt: { code: '3341006', display: 'Right lung structure' },
  },
  lobe('upper', 'left'),
  lobe('lower', 'left'),
  lobe('upper', 'right'),
  lobe('middle', 'right'),
  lobe('lower', 'right'),
  { name: 'trachea', displayName: 'trachea', laterality: 'midline', system: 'respiratory', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '44567001', display: 'Tracheal structure' } },
  // The built-in segmenter's airway class below the carina (main and lobar bronchi, both sides together).
  { name: 'bronchi', displayName: 'bronchi', laterality: 'bilateral', system: 'respiratory', parent: 'body', kind: 'organ' },

  // heart (v2 'heart'; the v1 / heartchambers_highres parts keep older label maps readable)
  { name: 'heart', displayName: 'heart', laterality: 'none', system: 'cardiovascular', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '80891009', display: 'Heart structure' } },
  { name: 'atrial_appendage_left', displayName: 'left atrial appendage', laterality: 'left', system: 'cardiovascular', parent: 'heart', kind: 'organ_part', totalsegTask: 'total' },
  { name: 'heart_myocardium', displayName: 'myocardium', laterality: 'none', system: 'cardiovascular', parent: 'heart', kind: 'organ_part', totalsegTask: 'heartchambers_highres' },
  ...sided('heart_atrium', 'atrium', { system: 'cardiovascular', parent: 'heart', kind: 'organ_part', totalsegTask: 'heartchambers_highres' }),
  ...sided('heart_ventricle', 'ventricle', { system: 'cardiovascular', parent: 'heart', kind: 'organ_part', totalsegTask: 'heartchambers_highres' }),

  // nervous
  { name: 'brain', displayName: 'brain', laterality: 'midline', system: 'nervous', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '12738006', display: 'Brain structure' } },
  { name: 'spinal_cord', displayName: 'spinal cord', laterality: 'midline', system: 'nervous', parent: 'body', kind: 'organ', totalsegTask: 'total', snomedCt: { code: '2748008', display: 'Spinal cord structure' } },
];
