/** Public entry of the volume stage: types, geometry, readers, label maps, resampling. */
export * from './types.ts';
export * from './geometry.ts';
export { readVolume, readMasks, inputKind, type ReadMasksOptions } from './read.ts';
export { parseLabelMapJson, readLabelMapJson, type LabelNames } from './label-map-json.ts';
export { labelMapFromMultilabel, packBinaryMasks, labelCounts, labelVoxelCounts, mergeLabelMaps } from './label-map.ts';
export { resampleLabelsToGrid, describeGrid } from './resample.ts';
export { readFileHead } from './readers/detect.ts';
export { checkDicomDeflateBudget } from './readers/dicom-file.ts';
export { DECLARED_SLACK_BYTES } from './readers/contracts.ts';
export { fileSystemError, readRegularText, type ReadLimit } from './readers/open-file.ts';
export { assertFiniteVoxels } from './finite.ts';
export { describeVolume, describeMasks, looksLikeLabels, valueRange, type VolumeDescription, type MaskDescription } from './describe.ts';
export { writeNifti, encodeNifti, encodeNiftiHeader, HOST_IS_LITTLE_ENDIAN } from './readers/nifti-write.ts';
export { writeDicomSeries, ds as dicomDecimalString, newUid as newDicomUid } from './readers/dicom-write.ts';
