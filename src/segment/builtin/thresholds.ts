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
 * Bone by hysteresis: voxels of at least BONE_MIN_HU reached (face steps, up to BONE_GROW_MM) from a voxel of
 * at least BONE_SEED_HU. Cortical bone exceeds 300 HU, cancellous bone is about 100-300 HU at 3 mm slices (median 170
 * HU inside TotalSegmentator's bone masks of example_ct_sm); contrast-filled vessels in portal venous phase
 * stay under 300 HU and have no seed. Arterial-phase vessels (over 300 HU) are not separated.
 */
export const BONE_MIN_HU = 110;
export const BONE_SEED_HU = 300;
/** Growth from seeds into BONE_MIN_HU voxels stops this far (mm, geodesic, in face steps of the finest spacing). */
export const BONE_GROW_MM = 12;
/** Enclosed marrow holes up to this area (mm2) in an axial slice are filled; the spinal canal (>= 2 cm2) is not. */
export const BONE_MAX_HOLE_AREA_MM2 = 150;
/** Bone components smaller than this (mL) are calcifications or noise. */
export const BONE_MIN_VOLUME_ML = 0.3;
