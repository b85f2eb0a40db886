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
/**
 * A lumen continues the airway of the slice above when at least this share of its area lies under it: an
 * airway moves by well under its own radius from one slice to the next (main bronchi run about 45 degrees from
 * the vertical: a 2 mm step shifts a 10-16 mm lumen by about 2 mm), while a neighbouring air column (the
 * oesophagus against the back of the trachea) only touches it at its edge.
 */
export const AIRWAY_MIN_OVERLAP_FRACTION = 0.25;
/**
 * The carina is where the airway splits into two lumens each of at least this area: adult main bronchi are about
 * 10-16 mm across (Breatnach et al. 1984), i.e. above 0.8 cm2; 0.3 cm2 leaves room for a narrow or obliquely cut
 * bronchus and excludes the few-pixel partial-volume fragments a real scan has beside the tracheal lumen.
 */
export const MAIN_BRONCHUS_MIN_AREA_MM2 = 30;
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

/**
 * Lung as radiotherapy lung atlases contour it (RTOG 1106 / Kong et al., "Consideration of dose limits for organs
 * at risk of thoracic radiotherapy: atlas for lung, proximal bronchial tree, esophagus, spinal cord, ribs, and
 * brachial plexus", Int J Radiat Oncol Biol Phys 81:1442-1457, 2011, doi:10.1016/j.ijrobp.2010.07.1977): both
 * lungs in a lung window, inflated, collapsed, fibrotic and emphysematous lung included, the small vessels
 * beyond the hilar regions included; the gross tumour, the hilar structures and the trachea / main bronchi
 * excluded. Built from the aerated lung (< AIR_MAX_HU) per axial slice (lung-fill.ts):
 * - holes of the lung up to LUNG_HOLE_MAX_MM2 are filled: vessels, small airways' walls and small dense areas
 *   seen inside the lung (a 20 mm vessel segment lying in plane and 8 mm wide is 160 mm2; a lesion found by the
 *   nodule detector is taken out again);
 * - then a closing with a LUNG_CLOSING_MM disk takes in vessels and partial-volume notches at the lung surface,
 *   up to twice that width; hilar vessels and bronchi (10-25 mm across) are wider and stay out.
 */
export const LUNG_HOLE_MAX_MM2 = 400;
export const LUNG_CLOSING_MM = 4;

/**
 * Envelope in which nodules are searched (lung-fill.ts): the lung closed per slice with a ENVELOPE_CLOSING_MM disk
 * (a nodule touching the pleura makes a notch in the aerated lung as deep as the nodule; a closing of this radius
 * closes notches up to about its diameter) and holes up to ENVELOPE_HOLE_MAX_MM2 filled (a 6 cm mass inside the
 * lung is 2 800 mm2).
 */
export const ENVELOPE_CLOSING_MM = 12;
export const ENVELOPE_HOLE_MAX_MM2 = 3000;

/**
 * Nodule detector (nodules.ts). Edge of a solid nodule: -400 HU, half-way between aerated lung (about -850 HU) and
 * soft tissue (about 40 HU), the half-maximum edge (as BONE_EDGE_FRACTION above); it is also the lower of the two
 * thresholds Lee et al. compared for the solid part of subsolid nodules (PLoS One 13:e0205490, 2018,
 * doi:10.1371/journal.pone.0205490).
 */
export const NODULE_EDGE_HU = -400;
/**
 * Smallest nodule reported, mm (diameter of the sphere of its volume). Fleischner 2017 (MacMahon et al., Radiology
 * 2017, doi:10.1148/radiol.2017161659) recommends no routine follow-up below 6 mm; 5 mm leaves room for the
 * measurement error around that threshold.
 */
export const NODULE_MIN_DIAMETER_MM = 5;
/** Scales (ball radii, mm) at which the cores of the candidates are compared: 1.25 mm up to 20 mm (4 cm masses), about 1.12x apart. */
export const NODULE_SCALES_MM: readonly number[] = [1.25, 1.4, 1.6, 1.8, 2, 2.25, 2.5, 2.8, 3.2, 3.6, 4, 4.5, 5, 5.6, 6.4, 7.2, 8, 9, 10, 11.2, 12.5, 14, 16, 18, 20];
/**
 * A core is judged only when it is at least this share of the detection's radius (R - scale >= this x R): a core
 * of one or two voxels, left where the scale nearly equals the thickness, has no shape to judge (a vessel's core
 * breaks into such bits at the vessel's own radius).
 */
export const NODULE_MIN_CORE_FRACTION = 0.2;
/**
 * A core is blob-like when its longest principal axis is at most this many times its shortest: an ellipsoidal
 * nodule of axis ratio 2 passes, a vessel segment twice as long as wide does not.
 */
export const NODULE_MAX_CORE_ELONGATION = 2;
/** ...and its volume at most this many times the ball of radius (R - scale): a branching core is larger than the ball its thickest point predicts. */
export const NODULE_MAX_CORE_EXCESS = 3;
/** A core joining another counts as a merge when the other stands out by at least this much thickness (mm) above the joining level: noise maxima do not. */
export const NODULE_MERGE_PROMINENCE_MM = 1;
/**
 * A detection must be at least this many times thicker (radius) than the thickness at which it joins another
 * prominent core: where three vessels of radius r meet, the largest inscribed ball is about 1.2-1.4 r.
 */
export const NODULE_MIN_PERSISTENCE = 1.5;
/**
 * A nodule's mask is opened by a ball of at least this share of its radius: parts of the tissue thinner than that
 * (vessels and bronchial walls met by a mass, low structures under the persistence margin) are not the nodule;
 * a round nodule is unchanged by any ball smaller than itself.
 */
export const NODULE_MASK_SCALE_FRACTION = 0.5;
/** Solid component of a lung nodule: at or above -160 HU (nodule-composition.ts). */
export const NODULE_SOLID_HU = -160;
/** A nodule is solid when this share of its interior is solid, part-solid down to NODULE_PART_SOLID_FRACTION, ground-glass below. */
export const NODULE_SOLID_FRACTION = 0.8;
export const NODULE_PART_SOLID_FRACTION = 0.1;

/**
 * Pleural effusion (effusion.ts): fluid between lung and chest wall. Effusions measure about -20 to 30 HU on CT
 * (Abramowitz et al., "Pleural effusion: characterization with CT attenuation values and CT appearance", AJR
 * 2009;192:618-623: exudates -21 to 28 HU, transudates 0 to 32 HU); muscle (45-60 HU) and liver (55-65 HU
 * unenhanced) lie above, fat below. The in-plane 3 x 3 mean HU is compared, so that image noise does not scatter
 * muscle voxels into the range.
 */
export const EFFUSION_MIN_HU = -20;
export const EFFUSION_MAX_HU = 30;
/**
 * Fluid layers thinner than this (mm) are not taken: the partial-volume edges between fat and muscle pass through
 * the fluid range in a layer one voxel thick (an opening by a disk of half this width removes them).
 */
export const EFFUSION_MIN_THICKNESS_MM = 5;
/** Smallest effusion reported, mL: a few mL of pleural fluid are physiological. */
export const EFFUSION_MIN_ML = 10;
/** An effusion lies against the lung: at least this share of its boundary voxels touch aerated lung. */
export const EFFUSION_MIN_LUNG_CONTACT = 0.2;
