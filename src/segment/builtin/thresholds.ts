/**
 * Thresholds of the built-in segmenter, in Hounsfield units (HU), mm and mL. Each is a named constant next to
 * its source; the values were checked on the TotalSegmentator example cases (eval/results/segment-builtin.md).
 */

/**
 * Body: tissue is denser than -500 HU; outside air is about -1000 HU. Midpoint between air and fat (-100 HU),
 * the usual body-outline threshold (e.g. the DICOM RT "External" contour tools; TotalSegmentator's body task is
 * trained on masks made the same way, Wasserthal et al., Radiol Artif Intell 2023, doi:10.1148/ryai.230024).
 */
export const BODY_MIN_HU = -500;

/**
 * Lung parenchyma and airway lumen: below -400 HU inside the body. Hu, Hoffman & Reinhardt, "Automatic lung
 * segmentation for accurate quantitation of volumetric X-ray CT images", IEEE TMI 20(6):490-498 (2001),
 * doi:10.1109/42.929615, separate lung from chest wall with an optimal threshold near -500 HU; -400 keeps the
 * partial-volume rim at 3 mm slices (checked: it gives the higher Dice on the example cases).
 */
export const AIR_MAX_HU = -400;

/** A lung component holds at least this much air-range tissue; smaller pockets are bowel gas or noise. */
export const LUNG_MIN_VOLUME_ML = 20;

/**
 * Lung parenchyma averages about -850 to -700 HU (Hu et al. 2001); gas in bowel is near -1000 HU. A component
 * whose mean is above LUNG_MAX_MEAN_HU is mostly partial-volume soft tissue, one with more than
 * LUNG_MAX_PURE_AIR_FRACTION of its voxels below PURE_AIR_MAX_HU is a gas pocket (emphysema index, the fraction
 * below -950 HU, is under 10 % in normal lungs: Gevenois et al., AJRCCM 1996, doi:10.1164/ajrccm.154.1.8680700).
 */
export const LUNG_MAX_MEAN_HU = -650;
export const PURE_AIR_MAX_HU = -950;
export const LUNG_MAX_PURE_AIR_FRACTION = 0.4;

/** Airway lumen (trachea, bronchi) is air: below -900 HU at CT slice thicknesses up to 3 mm. */
export const AIRWAY_MAX_HU = -900;

/**
 * Trachea cross-section: adult coronal and sagittal diameters 13-25 mm (Breatnach, Abbott & Fraser, AJR 1984,
 * doi:10.2214/ajr.142.5.903), i.e. about 1.3-4.9 cm2; the seed search allows 0.8-6 cm2.
 */
export const TRACHEA_MIN_AREA_MM2 = 80;
export const TRACHEA_MAX_AREA_MM2 = 600;
/** The trachea seed lies within this distance (mm, left-right) of the body's midline. */
export const TRACHEA_MAX_MIDLINE_OFFSET_MM = 30;

/**
 * Explosion control of slice-by-slice airway growing (Mori et al., "Automated extraction and visualization of
 * bronchus from 3D CT images of lung", CVRMed 1995, doi:10.1007/978-3-540-49197-2_71): growing stops when
 * the airway cross-section more than doubles from one slice to the next, the sign of a leak into the lung.
 */
export const AIRWAY_LEAK_AREA_RATIO = 2;
/** Main bronchi are followed for this length below the carina (adult main bronchi: 40-50 mm right/left). */
export const MAIN_BRONCHI_LENGTH_MM = 40;

/**
 * Bone by hysteresis (bone.ts): voxels of at least the grow threshold reached (face steps, up to BONE_GROW_MM)
 * from a voxel of at least the seed threshold. Thresholds are stated for 1 mm voxels and diluted toward
 * SOFT_TISSUE_HU on coarser grids (bone.ts, boneThresholdsHu: linear partial-volume mixing of a structure
 * BONE_PARTIAL_VOLUME_REFERENCE_MM thick).
 * - Seed: cortical bone is far above 300 HU (compact bone about 1000 HU and more; Hounsfield-scale tables, e.g.
 *   Buzug, Computed Tomography, Springer 2008, ch. 1); contrast-filled vessels in portal venous phase stay under
 *   300 HU (aortic lumen median 151 HU in example_ct_dicom) and give no seed.
 * - Grow: cancellous bone is about 100-300 HU; its edge with soft tissue (about 40 HU) is set at 200 HU at 1 mm,
 *   above the portal venous phase aortic lumen (75th percentile 165 HU) and enhancing liver (99th percentile 129
 *   HU in example_ct_dicom), so that growth stops at the outer cortex; the darker marrow inside is filled as
 *   enclosed holes (step 3 in bone.ts), not grown into.
 */
export const BONE_SEED_HU_AT_1MM = 300;
export const BONE_MIN_HU_AT_1MM = 200;
/** Soft tissue (muscle 40-60 HU), what a voxel partly filled with bone mixes with. */
export const SOFT_TISSUE_HU = 40;
/** Thickness (mm) of the thinnest bony walls the thresholds must still find: cortex of ribs and vertebral bodies, about 1 mm. */
export const BONE_PARTIAL_VOLUME_REFERENCE_MM = 1;
/** Growth from seeds into grow-threshold voxels stops this far (mm, geodesic, in face steps of the finest spacing). */
export const BONE_GROW_MM = 12;
/**
 * Enclosed holes of an axial bone slice up to this area (mm2) are marrow: the largest adult vertebral body
 * (lumbar endplate about 15-20 cm2, e.g. L5 about 45 x 40 mm) fits.
 */
export const BONE_MAX_MARROW_AREA_MM2 = 2000;
/**
 * An enclosed hole is marrow when its mean HU is at least this: the spinal canal, enclosed by the vertebral arch,
 * holds CSF (0-15 HU), cord (about 35 HU) and epidural fat (-100 HU), mean well under 60 HU; red and mixed
 * marrow in cancellous bone averages above it (vertebral trabecular bone about 100-250 HU in adults; Pickhardt
 * et al., Ann Intern Med 2013, doi:10.7326/0003-4819-158-8-201304160-00003).
 */
export const MARROW_MIN_MEAN_HU = 60;
/**
 * Fatty (yellow) marrow of long-bone shafts (humerus, femur) is fat, -100 to -50 HU: an enclosed hole whose mean
 * is at most this is marrow too. The canal's mix of CSF, cord and some epidural fat lies between the two limits.
 */
export const FATTY_MARROW_MAX_MEAN_HU = -30;
/**
 * Gaps up to this width (mm) in a cortical ring are bridged (2D closing) before looking for enclosed marrow:
 * the vertebral body's posterior wall has the basivertebral foramen, and thin cortex drops under the grow
 * threshold in places (partial volume).
 */
export const BONE_RING_GAP_MM = 2;
/**
 * Partial-volume rim of bone (bone.ts, dropBoneRim): a voxel on the outer boundary of the bone mask (a face
 * neighbour outside it) that is under the seed threshold (grown, closed or filled, never a seed) and reads less
 * than this fraction of the way from SOFT_TISSUE_HU to the brightest bone voxel of its 3 x 3 x 3 neighbourhood
 * is dropped, once (one erosion of low boundary voxels). 0.5 is the half-maximum edge: a blurred step between
 * two materials crosses the midpoint of their values at the true edge, the edge definition behind FWHM
 * measurements of cortical thickness and vessel walls in CT (e.g. Prevrhal, Engelke & Kalender, Phys Med Biol
 * 44:751-764, 1999, on the half-maximum edge of cortical bone); voxels under it lie mostly outside the bone.
 */
export const BONE_EDGE_FRACTION = 0.5;
/** Bone components smaller than this (mL) are calcifications or noise. */
export const BONE_MIN_VOLUME_ML = 0.3;
