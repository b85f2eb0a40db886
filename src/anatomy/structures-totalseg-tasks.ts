import { sided } from './define.ts';
import type { Structure } from './types.ts';

/**
 * Classes of TotalSegmentator's CT tasks beyond `total` (data only): coronary arteries, vertebral bodies and
 * discs, body-composition tissues, the aortic dissection lumens, aortic and pulmonary landmarks, lung airways and
 * vessels, body cavities and the abdominal-wall and back muscles. Names are TotalSegmentator's own class names
 * (class_map_all_tasks.json), so a task's output folder reads without a label map. A name that occurs in two
 * tasks is one structure (TotalSegmentator uses one name for one structure: `aorta` in `total` and
 * `heartchambers_highres`, `sinotubular_junction` in `aorta_annulus` and `pulmonary_artery_landmarks`).
 *
 * The tasks these come from, and the findings groundct derives from them, are listed in totalseg-tasks.ts.
 */

const landmark = (name: string, displayName: string, parent: string, task: string, laterality: Structure['laterality'] = 'none'): Structure => ({
  name, displayName, laterality, system: 'cardiovascular', parent, kind: 'landmark', totalsegTask: task,
});

const tissue = (name: string, displayName: string, system: Structure['system'], task: string, parent = 'body'): Structure => ({
  name, displayName, laterality: 'bilateral', system, parent, kind: 'tissue', totalsegTask: task,
});

const cavity = (name: string, displayName: string, system: Structure['system']): Structure => ({
  name, displayName, laterality: 'midline', system, parent: 'body', kind: 'cavity', totalsegTask: 'trunk_cavities',
});

const muscle = { system: 'muscular', parent: 'body', kind: 'muscle', totalsegTask: 'abdominal_muscles' } as const;

export const TOTALSEG_TASK_STRUCTURES: readonly Structure[] = [
  // coronary_arteries: all coronary arteries as one class (calcium scoring reads it).
  { name: 'coronary_arteries', displayName: 'coronary arteries', laterality: 'bilateral', system: 'cardiovascular', parent: 'heart', kind: 'vessel', totalsegTask: 'coronary_arteries' },

  // vertebrae_body: the vertebral bodies (all levels in one class) and the discs between them.
  { name: 'vertebrae_body', displayName: 'vertebral bodies', laterality: 'midline', system: 'skeletal', parent: 'vertebral_column', kind: 'bone', totalsegTask: 'vertebrae_body' },
  tissue('intervertebral_discs', 'intervertebral discs', 'skeletal', 'vertebrae_body', 'vertebral_column'),

  // tissue_types / tissue_4_types: body composition compartments.
  tissue('subcutaneous_fat', 'subcutaneous fat', 'body', 'tissue_types'),
  // TotalSegmentator's "torso fat" is the fat inside the trunk's muscle wall: visceral (and intermuscular) fat.
  tissue('torso_fat', 'visceral fat', 'body', 'tissue_types'),
  tissue('skeletal_muscle', 'skeletal muscle', 'muscular', 'tissue_types'),
  tissue('intermuscular_fat', 'intermuscular fat', 'body', 'tissue_4_types'),

  // aortic_dissection: true and false lumen of a dissected aorta.
  { name: 'aorta_true_lumen', displayName: 'true lumen of the aorta', laterality: 'midline', system: 'cardiovascular', parent: 'aorta', kind: 'vessel', totalsegTask: 'aortic_dissection' },
  { name: 'aorta_false_lumen', displayName: 'false lumen of the aorta', laterality: 'midline', system: 'cardiovascular', parent: 'aorta', kind: 'vessel', totalsegTask: 'aortic_dissection' },

  // aorta_annulus and pulmonary_artery_landmarks: positions on the aortic root and the pulmonary trunk.
  landmark('annulus_proper', 'aortic annulus', 'aorta', 'aorta_annulus'),
  landmark('sinotubular_junction', 'aortic sinotubular junction', 'aorta', 'aorta_annulus'),
  landmark('pul_annulus', 'pulmonary annulus', 'pulmonary_artery', 'pulmonary_artery_landmarks'),
  landmark('pul_sinotubular_junction', 'pulmonary sinotubular junction', 'pulmonary_artery', 'pulmonary_artery_landmarks'),
  landmark('pul_bifurcation', 'pulmonary artery bifurcation', 'pulmonary_artery', 'pulmonary_artery_landmarks'),
  landmark('pul_left_start', 'origin of the left pulmonary artery', 'pulmonary_artery', 'pulmonary_artery_landmarks', 'left'),
  landmark('pul_right_start', 'origin of the right pulmonary artery', 'pulmonary_artery', 'pulmonary_artery_landmarks', 'right'),

  // aortic_sinuses: the cusps of the aortic valve and the outflow tract below them.
  landmark('left_ventricular_outflow_tract', 'left ventricular outflow tract', 'heart', 'aortic_sinuses', 'left'),
  landmark('right_coronary_cusp', 'right coronary cusp', 'aorta', 'aortic_sinuses', 'right'),
  landmark('left_coronary_cusp', 'left coronary cusp', 'aorta', 'aortic_sinuses', 'left'),
  landmark('non_coronary_cusp', 'non-coronary cusp', 'aorta', 'aortic_sinuses'),

  // lung_vessels: intrapulmonary airways and vessels (both lungs together).
  { name: 'lung_airways', displayName: 'airways', laterality: 'bilateral', system: 'respiratory', parent: 'body', kind: 'organ', totalsegTask: 'lung_vessels' },
  tissue('lung_airways_wall', 'airway walls', 'respiratory', 'lung_vessels', 'lung_airways'),
  { name: 'lung_arteries', displayName: 'intrapulmonary arteries', laterality: 'bilateral', system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'lung_vessels' },
  { name: 'lung_veins', displayName: 'intrapulmonary veins', laterality: 'bilateral', system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'lung_vessels' },

  // pleural_pericard_effusion: the lungs with their pleural spaces (the effusions are in structures-lesions.ts).
  { name: 'lung_pleural', displayName: 'lungs and pleural spaces', laterality: 'bilateral', system: 'respiratory', parent: 'body', kind: 'cavity', totalsegTask: 'pleural_pericard_effusion' },

  // trunk_cavities
  cavity('thoracic_cavity', 'thoracic cavity', 'body'),
  cavity('abdominal_cavity', 'abdominal cavity', 'body'),
  cavity('mediastinum', 'mediastinum', 'body'),
  cavity('pericardium', 'pericardium', 'cardiovascular'),

  // abdominal_muscles: the trunk wall and back muscles (skeletal muscle area at L3 sums them).
  ...sided('pectoralis_major', 'pectoralis major', muscle),
  ...sided('rectus_abdominis', 'rectus abdominis', muscle),
  ...sided('serratus_anterior', 'serratus anterior', muscle),
  ...sided('latissimus_dorsi', 'latissimus dorsi', muscle),
  ...sided('trapezius', 'trapezius', muscle),
  ...sided('external_oblique', 'external oblique', muscle),
  ...sided('internal_oblique', 'internal oblique', muscle),
  ...sided('erector_spinae', 'erector spinae', muscle),
  ...sided('transversospinalis', 'transversospinalis', muscle),
  ...sided('psoas_major', 'psoas major', muscle),
  ...sided('quadratus_lumborum', 'quadratus lumborum', muscle),
];
