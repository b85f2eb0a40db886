import { gctError } from '../errors.ts';
import type { VoxelArray } from '../volume/types.ts';
import { maskVoxels } from './location-types.ts';
import type { AttenuationResult, MaskInput, ParenchymaStats } from './location-types.ts';

/**
 * Lesion attenuation relative to the organ's own parenchyma.
 *
 * Definition (RadGPT / AbdomenAtlas 3.0: Bassi et al., "RadGPT: Constructing 3D Image-Text Tumor Datasets",
 * arXiv:2501.04678, 2025): the parenchyma is the organ mask minus every lesion mask; a lesion whose mean HU lies
 * within +-(parenchyma SD / 10) of the parenchyma's mean HU is "iso"-attenuating, below that band "hypo",
 * above it "hyper". We use the population SD (divide by N, numpy's default as in the RadGPT scripts).
 * The band is closed: |delta| exactly equal to SD/10 is "iso".
 */
export const ISO_BAND_SD_FRACTION = 0.1;

export function classifyAttenuation(lesionHuMean: number, parenchyma: { readonly huMean: number; readonly huSd: number }): AttenuationResult {
  if (!Number.isFinite(lesionHuMean) || !Number.isFinite(parenchyma.huMean) || !Number.isFinite(parenchyma.huSd) || parenchyma.huSd < 0)
    throw gctError('GCT_MEASURE_INPUT_INVALID', `attenuation needs finite HU values and a non-negative SD (lesion mean ${lesionHuMean}, parenchyma ${parenchyma.huMean} +- ${parenchyma.huSd})`, {
      lesionHuMean, parenchymaHuMean: parenchyma.huMean, parenchymaHuSd: parenchyma.huSd,
    });
  const deltaHu = lesionHuMean - parenchyma.huMean;
  const isoBandHu = parenchyma.huSd * ISO_BAND_SD_FRACTION;
  const cls = Math.abs(deltaHu) <= isoBandHu ? 'iso' : deltaHu < 0 ? 'hypo' : 'hyper';
  return { class: cls, deltaHu, isoBandHu };
}

/**
 * HU mean and population SD of the organ's parenchyma = organ voxels that belong to no lesion.
 * Returns null when nothing is left (the lesions fill the organ, or the organ mask is empty): attenuation is
 * then "undetermined", never guessed. Sums are accumulated in double precision around a shift (the first
 * value) so that large HU offsets do not lose precision.
 */
export function parenchymaStats(ct: VoxelArray, organ: MaskInput, lesions: readonly MaskInput[]): ParenchymaStats | null {
  const total = ct.length;
  const organVoxels = maskVoxels(organ, total, 'organ mask');
  // One bit per voxel marks lesion voxels (total / 8 bytes, e.g. 10 MB for a 512x512x300 scan).
  const lesionBits = new Uint32Array(Math.ceil(total / 32));
  for (const lesion of lesions) {
    const voxels = maskVoxels(lesion, total, 'lesion mask');
    for (let n = 0; n < voxels.length; n++) lesionBits[voxels[n] >>> 5] |= 1 << (voxels[n] & 31);
  }
  let count = 0;
  let shift = 0;
  let sum = 0;
  let sumSq = 0;
  for (let n = 0; n < organVoxels.length; n++) {
    const v = organVoxels[n];
    if (lesionBits[v >>> 5] & (1 << (v & 31))) continue;
    const hu = ct[v];
    if (count === 0) shift = hu;
    const d = hu - shift;
    sum += d;
    sumSq += d * d;
    count++;
  }
  if (count === 0) return null;
  const meanShifted = sum / count;
  const variance = Math.max(0, sumSq / count - meanShifted * meanShifted);
  return { huMean: shift + meanShifted, huSd: Math.sqrt(variance), voxelCount: count };
}

/** Mean HU over a voxel list (a lesion component). Null for an empty list. */
export function meanHuOf(ct: VoxelArray, voxels: MaskInput): number | null {
  const list = maskVoxels(voxels, ct.length, 'lesion mask');
  if (list.length === 0) return null;
  let sum = 0;
  for (let n = 0; n < list.length; n++) sum += ct[list[n]];
  return sum / list.length;
}

/**
 * Attenuation of one lesion against its organ, end to end: 'undetermined' when the parenchyma is empty
 * (see parenchymaStats) or the lesion has no voxels.
 */
export function lesionAttenuation(
  ct: VoxelArray,
  lesion: MaskInput,
  organ: MaskInput,
  allLesions: readonly MaskInput[],
): (AttenuationResult & { readonly lesionHuMean: number; readonly parenchyma: ParenchymaStats }) | { readonly class: 'undetermined'; readonly reason: string } {
  return attenuationAgainst(ct, lesion, parenchymaStats(ct, organ, allLesions));
}

/**
 * `lesionAttenuation` against parenchyma statistics computed beforehand: the parenchyma (organ minus all lesions)
 * is the same for every lesion of an organ, so a study computes it once per organ.
 */
export function attenuationAgainst(
  ct: VoxelArray,
  lesion: MaskInput,
  parenchyma: ParenchymaStats | null,
): (AttenuationResult & { readonly lesionHuMean: number; readonly parenchyma: ParenchymaStats }) | { readonly class: 'undetermined'; readonly reason: string } {
  const lesionHuMean = meanHuOf(ct, lesion);
  if (lesionHuMean === null) return { class: 'undetermined', reason: 'the lesion mask is empty' };
  if (parenchyma === null) return { class: 'undetermined', reason: 'no organ parenchyma outside the lesions to compare with' };
  return { ...classifyAttenuation(lesionHuMean, parenchyma), lesionHuMean, parenchyma };
}
