/** Public entry of the measurement stage. */
export * from './types.ts';
export * from './lesion-types.ts';
export * from './location-types.ts';
export * from './measurements.ts';
export { measureStudy, MIDLINE_BAND_MM, type MeasureStudyOptions } from './measure-study.ts';
export { measureStructures, type MeasureStructuresOptions } from './structure-stats.ts';
export { mm3ToMl, MM3_PER_ML } from './units.ts';
export { measureLesions, DEFAULT_MIN_LESION_VOLUME_MM3 } from './measure-lesions.ts';
export { toTotalsegStatistics, formatTotalsegStatisticsJson, totalsegVoxelVolumeMm3, type TotalsegStatistics, type TotalsegClassInput } from './totalseg-statistics.ts';
export { measureVolumeAndMeanHu, type VolumeAndMeanHu } from './volume-intensity.ts';
export { ibsiShapeFeatures } from './shape-ibsi.ts';
export { maskVoxels } from './location-types.ts';
export { detectionOf, type LesionDetection } from './detection.ts';
export { extractComponents, type LabelComponents, type VoxelComponent } from './components.ts';
