import type { LesionType, Structure } from './types.ts';

/**
 * Lesion classes, lymph nodes and free fluid (data only).
 *
 * A lesion class names a lesion of one organ (`lesionOf`) with a type. The generic 'lesion' (from GTV, tumour,
 * mass, ... masks that name no organ) has lesionOf null: the measure stage attaches it to the organ it overlaps
 * or touches most, then uses `lesionClassFor(organ)`. Each organ has one general class (type 'lesion' or
 * 'nodule') and at most one class per other type (the kidneys' cysts, as TotalSegmentator labels them).
 *
 * Kidney lesions are sided like TotalSegmentator's kidney_cyst_left/right; unsided kidney_lesion / kidney_cyst
 * are for masks that cover both kidneys (KiTS 'tumor', 'cyst'). Lung lesions are one class (the lobe and side
 * come from the mask's position); nodule versus mass (30 mm, Fleischner glossary, Hansell et al., Radiology
 * 2008;246(3):697-722, DOI 10.1148/radiol.2462070712) is worded by the findings stage from the measured size.
 */
function lesionClass(
  name: string,
  displayName: string,
  lesionOf: string,
  lesionType: LesionType,
  fields: Pick<Structure, 'system' | 'laterality'> & { totalsegTask?: string },
): Structure {
  return { name, displayName, parent: lesionOf, kind: 'lesion', lesionOf, lesionType, ...fields };
}

export const LESION_STRUCTURES: readonly Structure[] = [
  {
    name: 'lesion', displayName: 'lesion', laterality: 'none', system: 'body', parent: 'body', kind: 'lesion',
    lesionOf: null, lesionType: 'lesion',
  },
  lesionClass('liver_lesion', 'hepatic lesion', 'liver', 'lesion', { system: 'digestive', laterality: 'none' }),
  lesionClass('pancreas_lesion', 'pancreatic lesion', 'pancreas', 'lesion', { system: 'digestive', laterality: 'none' }),
  lesionClass('spleen_lesion', 'splenic lesion', 'spleen', 'lesion', { system: 'lymphatic', laterality: 'none' }),
  lesionClass('kidney_lesion', 'renal lesion', 'kidneys', 'lesion', { system: 'urinary', laterality: 'none' }),
  lesionClass('kidney_lesion_left', 'left renal lesion', 'kidney_left', 'lesion', { system: 'urinary', laterality: 'left' }),
  lesionClass('kidney_lesion_right', 'right renal lesion', 'kidney_right', 'lesion', { system: 'urinary', laterality: 'right' }),
  lesionClass('kidney_cyst', 'renal cyst', 'kidneys', 'cyst', { system: 'urinary', laterality: 'none' }),
  lesionClass('kidney_cyst_left', 'left renal cyst', 'kidney_left', 'cyst', { system: 'urinary', laterality: 'left', totalsegTask: 'total' }),
  lesionClass('kidney_cyst_right', 'right renal cyst', 'kidney_right', 'cyst', { system: 'urinary', laterality: 'right', totalsegTask: 'total' }),
  lesionClass('adrenal_lesion', 'adrenal lesion', 'adrenal_glands', 'lesion', { system: 'endocrine', laterality: 'none' }),
  lesionClass('adrenal_lesion_left', 'left adrenal lesion', 'adrenal_gland_left', 'lesion', { system: 'endocrine', laterality: 'left' }),
  lesionClass('adrenal_lesion_right', 'right adrenal lesion', 'adrenal_gland_right', 'lesion', { system: 'endocrine', laterality: 'right' }),
  lesionClass('lung_nodule', 'pulmonary nodule', 'lung', 'nodule', { system: 'respiratory', laterality: 'none' }),
  lesionClass('thyroid_nodule', 'thyroid nodule', 'thyroid_gland', 'nodule', { system: 'endocrine', laterality: 'none' }),
  lesionClass('bone_lesion', 'osseous lesion', 'skeleton', 'lesion', { system: 'skeletal', laterality: 'none' }),

  {
    name: 'lymph_node', displayName: 'lymph node', laterality: 'none', system: 'lymphatic', parent: 'body', kind: 'lymph_node',
    snomedCt: { code: '59441001', display: 'Lymph node structure' },
  },

  // Free fluid; the effusions are TotalSegmentator's pleural_pericard_effusion task classes.
  { name: 'ascites', displayName: 'ascites', laterality: 'none', system: 'body', parent: 'body', kind: 'fluid' },
  { name: 'pleural_effusion', displayName: 'pleural effusion', laterality: 'none', system: 'respiratory', parent: 'body', kind: 'fluid', totalsegTask: 'pleural_pericard_effusion' },
  { name: 'pericardial_effusion', displayName: 'pericardial effusion', laterality: 'none', system: 'cardiovascular', parent: 'body', kind: 'fluid', totalsegTask: 'pleural_pericard_effusion' },
];
