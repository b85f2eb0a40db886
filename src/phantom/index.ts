/**
 * Public entry of the phantom stage: small synthetic abdominal CT studies with exact ground truth, for the
 * demo on a fresh machine and as the truth of many tests.
 */
export { generateStudy, parseStudySpec, phantomGrid, MAX_PHANTOM_VOXELS } from './generate-study.ts';
export { abdomenPreset, normalPreset, steatosisPreset } from './presets.ts';
export { allOrientations, inverseOrientation, orientationName, reorientArray, reorientGrid, reorientStudy } from './reorient.ts';
export { writeStudy, type StudyFormat, type WriteStudyOptions, type WrittenStudy } from './write-study.ts';
export { PHANTOM_LABELS, type LabelDef } from './label-table.ts';
export { HU_BY_PHASE } from './hu-table.ts';
export { liverSegmentAt } from './subsegments.ts';
export { axialDiameters, sideOf, MIDLINE_BAND_MM, SUBSEGMENT_SHARE_MIN, ISO_BAND_SD_FRACTION, RING_WIDTH_MM } from './truth.ts';
export { mulberry32, type Prng } from './prng.ts';
export * from './types.ts';
export { generateChest, CHEST_JUNCTION_X_MM, type ChestSpec, type ChestTruth, type ChestNoduleSpec, type ChestNoduleTruth, type ChestNoduleKind } from './chest.ts';
