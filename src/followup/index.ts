/**
 * followup: a study compared with its priors (after findings, before report). Reads each study's artifacts
 * (measurements, findings, label volumes, bone surface, identity), aligns consecutive studies in patient space,
 * matches lesions one to one within each organ, measures change, assesses the RECIST 1.1 response and returns
 * typed change / response findings whose evidence lies on both studies' grids. The report stage words them.
 *
 * ```ts
 * const prior = await loadStudyFolder('reports/2026-03-02', config.volume);
 * const current = studyInMemory('current', identity, measurements, findings, labels, boneSurface);
 * const followup = await compareStudies(current, [prior], { config: config.followup, kb, priorsGiven: 'newest-first' });
 * const merged = withFollowupFindings(findings, followup);   // findings.json of the follow-up report
 * ```
 */
export { compareStudies, withFollowupFindings, type CompareOptions } from './compare-studies.ts';
export { alignStudies, MIN_LANDMARK_SPREAD_MM } from './align.ts';
export { matchLesions, lesionGroup, MIN_OVERLAP } from './match-lesions.ts';
export { lesionChanges, organChanges, recistDiameterMm } from './change.ts';
export { recistResponse, type TimepointStudy } from './recist.ts';
export { resolveRecistRules, RECIST_PASSAGES, type RecistRules } from './recist-rules.ts';
export { priorFindingId } from './change-findings.ts';
export { assignMinCost } from './assignment.ts';
export { fitRigid, transformPoint, rotationAngleDeg, axisAngleRotation, rigidMatrix, IDENTITY, type Point3 } from './rigid.ts';
export { extractBoneSurface, boneSurfaceRas, BONE_SURFACE_FILE, type BoneSurface } from './bone-surface.ts';
export { studyIdentity, patientIdHash, patientIdKeyId } from './study-identity.ts';
export { compressLabelLayers, loadStudyFolder, studyInMemory, writeStudyFiles, STUDY_FILE, LABEL_TABLE_FILE, labelLayerFile, type StudyArtifacts } from './study-folder.ts';
export * from './types.ts';
