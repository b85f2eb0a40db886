/**
 * TotalSegmentator's CT tasks that groundct understands: each task's class names in label-id order (id = index +
 * 1), as TotalSegmentator's class_map_all_tasks.json lists them (a test checks this table against that file), and
 * what groundct derives from the task's masks. A task's per-class output folder reads as it is (file name = class
 * name); a task's multilabel output reads with `--label-map totalseg:<task>`, which takes the ids from here.
 *
 * MR, head-and-neck, teeth and appendicular tasks are not listed yet.
 */

export interface TotalsegTask {
  /** Class names in label-id order: `classes[0]` has id 1. */
  readonly classes: readonly string[];
  /** What groundct measures and reports from this task's masks (README "TotalSegmentator tasks"). */
  readonly supports: string;
}

const sidedPair = (base: string): string[] => [`${base}_right`, `${base}_left`];

export const TOTALSEG_TASKS: Readonly<Record<string, TotalsegTask>> = Object.freeze({
  total: {
    classes: [
      'spleen', 'kidney_right', 'kidney_left', 'gallbladder', 'liver', 'stomach', 'pancreas', 'adrenal_gland_right',
      'adrenal_gland_left', 'lung_upper_lobe_left', 'lung_lower_lobe_left', 'lung_upper_lobe_right',
      'lung_middle_lobe_right', 'lung_lower_lobe_right', 'esophagus', 'trachea', 'thyroid_gland', 'small_bowel',
      'duodenum', 'colon', 'urinary_bladder', 'prostate', 'kidney_cyst_left', 'kidney_cyst_right', 'sacrum',
      'vertebrae_S1', 'vertebrae_L5', 'vertebrae_L4', 'vertebrae_L3', 'vertebrae_L2', 'vertebrae_L1',
      'vertebrae_T12', 'vertebrae_T11', 'vertebrae_T10', 'vertebrae_T9', 'vertebrae_T8', 'vertebrae_T7',
      'vertebrae_T6', 'vertebrae_T5', 'vertebrae_T4', 'vertebrae_T3', 'vertebrae_T2', 'vertebrae_T1', 'vertebrae_C7',
      'vertebrae_C6', 'vertebrae_C5', 'vertebrae_C4', 'vertebrae_C3', 'vertebrae_C2', 'vertebrae_C1', 'heart',
      'aorta', 'pulmonary_vein', 'brachiocephalic_trunk', 'subclavian_artery_right', 'subclavian_artery_left',
      'common_carotid_artery_right', 'common_carotid_artery_left', 'brachiocephalic_vein_left',
      'brachiocephalic_vein_right', 'atrial_appendage_left', 'superior_vena_cava', 'inferior_vena_cava',
      'portal_vein_and_splenic_vein', 'iliac_artery_left', 'iliac_artery_right', 'iliac_vena_left',
      'iliac_vena_right', 'humerus_left', 'humerus_right', 'scapula_left', 'scapula_right', 'clavicula_left',
      'clavicula_right', 'femur_left', 'femur_right', 'hip_left', 'hip_right', 'spinal_cord', 'gluteus_maximus_left',
      'gluteus_maximus_right', 'gluteus_medius_left', 'gluteus_medius_right', 'gluteus_minimus_left',
      'gluteus_minimus_right', 'autochthon_left', 'autochthon_right', 'iliopsoas_left', 'iliopsoas_right', 'brain',
      'skull', 'rib_left_1', 'rib_left_2', 'rib_left_3', 'rib_left_4', 'rib_left_5', 'rib_left_6', 'rib_left_7',
      'rib_left_8', 'rib_left_9', 'rib_left_10', 'rib_left_11', 'rib_left_12', 'rib_right_1', 'rib_right_2',
      'rib_right_3', 'rib_right_4', 'rib_right_5', 'rib_right_6', 'rib_right_7', 'rib_right_8', 'rib_right_9',
      'rib_right_10', 'rib_right_11', 'rib_right_12', 'sternum', 'costal_cartilages',
    ],
    supports: 'organs (volume, size class, attenuation), aorta and iliac calibre, vertebrae, lungs, phase, body composition (HU), calcium, kidney stones',
  },
  lung_nodules: { classes: ['lung', 'lung_nodules'], supports: 'lung nodules (size, lobe, Fleischner wording)' },
  liver_lesions: { classes: ['liver_lesions'], supports: 'liver lesions (size, Couinaud segment, attenuation)' },
  kidney_cysts: { classes: ['kidney_cyst_left', 'kidney_cyst_right'], supports: 'renal cysts' },
  pleural_pericard_effusion: { classes: ['lung_pleural', 'pleural_effusion', 'pericardial_effusion'], supports: 'pleural and pericardial effusion volumes' },
  coronary_arteries: { classes: ['coronary_arteries'], supports: 'coronary artery calcium (Agatston-style score, non-contrast only)' },
  vertebrae_body: { classes: ['vertebrae_body', 'intervertebral_discs'], supports: 'vertebral body heights (Genant) and trabecular attenuation per vertebra' },
  tissue_types: { classes: ['subcutaneous_fat', 'torso_fat', 'skeletal_muscle'], supports: 'body composition at L3 (muscle, subcutaneous and visceral fat areas)' },
  tissue_4_types: { classes: ['subcutaneous_fat', 'torso_fat', 'skeletal_muscle', 'intermuscular_fat'], supports: 'body composition at L3' },
  aortic_dissection: { classes: ['aorta_true_lumen', 'aorta_false_lumen'], supports: 'aortic dissection: extent by section, false-lumen volume' },
  aorta_annulus: { classes: ['annulus_proper', 'sinotubular_junction'], supports: 'aortic root landmarks for the ascending aorta sections' },
  pulmonary_artery_landmarks: {
    classes: ['annulus', 'sinotubular_junction', 'pul_annulus', 'pul_sinotubular_junction', 'pul_bifurcation', 'pul_left_start', 'pul_right_start'],
    supports: 'pulmonary artery diameters at its five landmarks',
  },
  renal_arteries: { classes: ['celiac_trunk', 'superior_mesenteric_artery', 'renal_arteries'], supports: 'aortic section boundaries (coeliac trunk, renal arteries); vessel contact of pancreatic tumours' },
  liver_segments: { classes: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `liver_segment_${n}`), supports: 'Couinaud segment of liver lesions' },
  lung_vessels: { classes: ['lung_airways', 'lung_airways_wall', 'lung_arteries', 'lung_veins'], supports: 'kept and measured (volumes)' },
  heartchambers_highres: {
    classes: ['heart_myocardium', 'heart_atrium_left', 'heart_ventricle_left', 'heart_atrium_right', 'heart_ventricle_right', 'aorta', 'pulmonary_artery'],
    supports: 'pulmonary artery calibre and PA:aorta ratio; aortic calibre',
  },
  body: { classes: ['body_trunc', 'body_extremities'], supports: 'the body outline for body composition and sides' },
  liver_vessels: { classes: ['liver_vessels', 'liver_tumor'], supports: 'liver tumours; intrahepatic vessel contact' },
  aortic_sinuses: { classes: ['left_ventricular_outflow_tract', 'right_coronary_cusp', 'left_coronary_cusp', 'non_coronary_cusp'], supports: 'kept and measured (volumes)' },
  trunk_cavities: { classes: ['abdominal_cavity', 'thoracic_cavity', 'pericardium', 'mediastinum'], supports: 'kept and measured (volumes)' },
  abdominal_muscles: {
    classes: [
      ...sidedPair('pectoralis_major'), ...sidedPair('rectus_abdominis'), ...sidedPair('serratus_anterior'), ...sidedPair('latissimus_dorsi'),
      ...sidedPair('trapezius'), ...sidedPair('external_oblique'), ...sidedPair('internal_oblique'), ...sidedPair('erector_spinae'),
      ...sidedPair('transversospinalis'), ...sidedPair('psoas_major'), ...sidedPair('quadratus_lumborum'),
    ],
    supports: 'skeletal muscle area at L3 when no tissue_types masks are given',
  },
});

/** The task's label map (id -> class name), or null for a task groundct does not list. */
export function totalsegTaskLabelNames(task: string): ReadonlyMap<number, string> | null {
  const t = Object.hasOwn(TOTALSEG_TASKS, task) ? TOTALSEG_TASKS[task] : undefined;
  return t === undefined ? null : new Map(t.classes.map((name, i) => [i + 1, name]));
}
