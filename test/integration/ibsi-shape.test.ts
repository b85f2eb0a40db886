import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ibsiShapeFeatures } from '../../src/measure/shape-ibsi.ts';
import { readNifti } from '../../src/volume/readers/nifti.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * IBSI-1 digital phantom (5x4x4 voxels at 2 mm): every morphological feature we compute must be within the
 * IBSI consensus tolerance of its reference value (reference_values.csv: "reference value;tolerance;tag").
 */
const LIMITS = { maxDecompressedBytes: 1 << 20, maxVoxels: 1 << 20 };

describe.skipIf(!HAS_SHARED_DATA)(`IBSI digital phantom morphology${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it('reproduces every computed morph_* reference value within tolerance', async () => {
    const mask = await readNifti(dataPath('ibsi_digital/nifti/mask/mask.nii.gz'), LIMITS);
    const image = await readNifti(dataPath('ibsi_digital/nifti/image/phantom.nii.gz'), LIMITS);
    expect(mask.grid.dims).toEqual([5, 4, 4]);
    const features = ibsiShapeFeatures(mask.data, mask.grid.dims, mask.grid.ijkToRas, image.data) as unknown as Record<string, number | null>;

    const rows = readFileSync(dataPath('ibsi_digital/reference_values.csv'), 'utf8').trim().split(/\r?\n/);
    expect(rows[0].split(';')).toEqual(['reference value', 'tolerance', 'tag']);
    const checked: string[] = [];
    const failures: string[] = [];
    for (const row of rows.slice(1)) {
      const [value, tolerance, tag] = row.split(';');
      if (!tag.startsWith('morph_') || value === '' || !(tag in features)) continue;
      const ours = features[tag];
      checked.push(tag);
      if (ours === null || Math.abs(ours - Number(value)) > Number(tolerance)) failures.push(`${tag}: ${ours} vs ${value} +/- ${tolerance}`);
    }
    expect(failures).toEqual([]);
    // Everything with a reference value except the convex-hull densities, Moran's I and Geary's C.
    expect(new Set(checked)).toEqual(
      new Set([
        'morph_volume', 'morph_vol_approx', 'morph_area_mesh', 'morph_av', 'morph_comp_1', 'morph_comp_2',
        'morph_sph_dispr', 'morph_sphericity', 'morph_asphericity', 'morph_com', 'morph_diam',
        'morph_pca_maj_axis', 'morph_pca_min_axis', 'morph_pca_least_axis', 'morph_pca_elongation',
        'morph_pca_flatness', 'morph_vol_dens_aabb', 'morph_area_dens_aabb', 'morph_vol_dens_aee',
        'morph_area_dens_aee', 'morph_integ_int',
      ]),
    );
    // The mesh equals scikit-image's marching cubes on the padded mask (computed once with skimage 0.19).
    expect(features.morph_volume).toBeCloseTo(556.3333333, 6);
    expect(features.morph_area_mesh).toBeCloseTo(388.0706299, 6);
  });
});
