import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { abdomenPreset, generateStudy, writeStudy } from '../../src/phantom/index.ts';
import { applyMat4, invertMat4, readMasks, readVolume, type Volume } from '../../src/volume/index.ts';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';

const config = defaultConfig();

/** HU at the voxel whose centre is nearest to a RAS point, through the volume's own affine. */
function huAt(v: Volume, ras: readonly [number, number, number]): number {
  const [i, j, k] = applyMat4(invertMat4(v.grid.ijkToRas), ras).map(Math.round);
  const [nx, ny] = v.grid.dims;
  return v.data[i + nx * (j + ny * k)];
}

describe('the same phantom written as NIfTI and as a DICOM series', () => {
  it('gives the same HU at the same patient coordinates (every 7th voxel of the NIfTI grid)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gct-consistency-')), 'study');
    await writeStudy(generateStudy(abdomenPreset()), dir, { formats: ['nifti', 'dicom'] });
    const nifti = await readVolume(join(dir, 'ct.nii.gz'), config.volume);
    const dicom = await readVolume(join(dir, 'ct-dicom'), config.volume);
    expect(dicom.meta.modality).toBe('CT');
    const [nx, ny, nz] = nifti.grid.dims;
    let compared = 0;
    for (let k = 0; k < nz; k += 7)
      for (let j = 0; j < ny; j += 7)
        for (let i = 0; i < nx; i += 7) {
          const ras = applyMat4(nifti.grid.ijkToRas, [i, j, k]);
          expect(huAt(dicom, ras)).toBe(nifti.data[i + nx * (j + ny * k)]);
          compared++;
        }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('TotalSegmentator DICOM example and its multilabel segmentation', () => {
  it('line up voxel for voxel: the NIfTI segmentation is the same grid with rows stored in the opposite order', async () => {
    const ct = await readVolume(dataPath('totalseg/example_ct_dicom'), config.volume);
    const seg = await readVolume(dataPath('totalseg/example_seg_dicom.nii.gz'), config.volume);
    const onCt = await readMasks(dataPath('totalseg/example_seg_dicom.nii.gz'), config.volume, { labelMapPath: dataPath('totalseg/label_map_total_v2.json'), reference: ct.grid });
    const [nx, ny, nz] = ct.grid.dims;
    expect(seg.grid.dims).toEqual(ct.grid.dims);
    // Every CT voxel centre maps to an integer NIfTI voxel (no interpolation), and the labels are a pure j flip.
    const ctToSeg = invertMat4(seg.grid.ijkToRas);
    for (const [i, j, k] of [[0, 0, 0], [511, 0, 19], [0, 511, 0], [200, 300, 10]]) {
      const p = applyMat4(ctToSeg, applyMat4(ct.grid.ijkToRas, [i, j, k]));
      expect(p[0]).toBeCloseTo(i, 3);
      expect(p[1]).toBeCloseTo(ny - 1 - j, 3);
      expect(p[2]).toBeCloseTo(k, 3);
    }
    let differing = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) if (onCt.layers[0][i + nx * (j + ny * k)] !== seg.data[i + nx * (ny - 1 - j + ny * k)]) differing++;
    expect(differing).toBe(0);
    // And the labels sit on the right anatomy: the aorta (contrast study) is bright, the liver soft tissue.
    const meanHu = (name: string) => {
      const id = onCt.labels.find((l) => l.name === name)!.id;
      let sum = 0;
      let n = 0;
      for (let v = 0; v < ct.data.length; v++) if (onCt.layers[0][v] === id) { sum += ct.data[v]; n++; }
      return sum / n;
    };
    expect(meanHu('aorta')).toBeGreaterThan(150);
    expect(meanHu('liver')).toBeGreaterThan(40);
    expect(meanHu('liver')).toBeLessThan(150);
  });
});
