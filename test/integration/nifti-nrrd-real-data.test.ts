/**
 * The NIfTI and NRRD readers on the real files in ../shared/data.
 *
 * NIfTI reference numbers were computed independently with Debian's nibabel 5.0 (python3-nibabel), e.g.
 *   img = nibabel.load(f); d = numpy.asanyarray(img.dataobj)
 *   img.shape, img.header.get_zooms(), img.affine, ''.join(nibabel.aff2axcodes(img.affine)),
 *   d.min(), d.max(), d.astype(float).sum(), numpy.count_nonzero(d), d[0,0,0], d[tuple(s//2 for s in d.shape)]
 * NRRD reference numbers come from reading each header as text (sizes, space, space directions, space origin)
 * and counting the values of the gunzipped little-endian int16 payload with numpy (no NRRD library).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { orientationCode, sameGrid, spacingOf, voxelVolumeMm3, type Mat4 } from '../../src/volume/geometry.ts';
import { readNifti } from '../../src/volume/readers/nifti.ts';
import { readNrrd } from '../../src/volume/readers/nrrd.ts';
import type { VoxelArray } from '../../src/volume/types.ts';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';

const LIMITS = { maxDecompressedBytes: 4 * 1024 ** 3, maxVoxels: 1024 ** 3 };

interface Reference {
  file: string;
  dims: [number, number, number];
  ctor: string;
  /** First three rows of nibabel's img.affine, row-major. */
  affine: number[];
  axcodes: string;
  min: number;
  max: number;
  sum: number;
  nonzero: number;
  first: number;
  centre: number;
}

/** The totalseg grid shared by example_ct(.sm), the segmentations and the 117 per-class masks: 3 mm, RAS. */
const TOTALSEG_AFFINE = [3, 0, 0, -177.956329, 0, 3, 0, 11.319, 0, 0, 3, 94.301758];
const STS_AFFINE = [-0.976562, 0, 0, -1.952996, 0, -0.976562, 0, -59.570152, 0, 0, 3.27, -629.039978];
const IBSI_AFFINE = [-2, 0, 0, 0, 0, -2, 0, 0, 0, 0, 2, 0];

const NIFTI_REFERENCES: Reference[] = [
  { file: 'totalseg/example_ct.nii.gz', dims: [122, 101, 112], ctor: 'Int32Array', affine: TOTALSEG_AFFINE, axcodes: 'RAS', min: -1207, max: 3382, sum: -496851173, nonzero: 1372775, first: -1023, centre: 164 },
  { file: 'totalseg/example_ct_sm.nii.gz', dims: [122, 101, 30], ctor: 'Int16Array', affine: TOTALSEG_AFFINE, axcodes: 'RAS', min: -1100, max: 1207, sum: -130894872, nonzero: 367824, first: -1024, centre: 0 },
  { file: 'totalseg/example_seg.nii.gz', dims: [122, 101, 30], ctor: 'Uint8Array', affine: TOTALSEG_AFFINE, axcodes: 'RAS', min: 0, max: 117, sum: 2734697, nonzero: 110225, first: 0, centre: 0 },
  { file: 'totalseg/example_seg_fast.nii.gz', dims: [122, 101, 30], ctor: 'Uint8Array', affine: TOTALSEG_AFFINE, axcodes: 'RAS', min: 0, max: 117, sum: 2777948, nonzero: 111381, first: 0, centre: 0 },
  // sform (code 2) with pixdim[0] = -1 and a 12816-byte extension: vox_offset 13168.
  { file: 'totalseg/example_seg_dicom.nii.gz', dims: [512, 512, 20], ctor: 'Uint8Array', affine: [-0.9765625, 0, 0, 249.511719, 0, 0.9765625, 0, -61.511719, 0, 0, 2, -804.5], axcodes: 'LAS', min: 0, max: 117, sum: 14229599, nonzero: 739420, first: 0, centre: 0 },
  // sform_code 0, qform_code 1: the affine comes from the quaternion.
  { file: 'sts/STS_002/image/image.nii.gz', dims: [161, 143, 48], ctor: 'Float32Array', affine: STS_AFFINE, axcodes: 'LPS', min: -1000, max: 1156, sum: -322176927, nonzero: 1102210, first: -301, centre: 80 },
  { file: 'sts/STS_002/mask/mask.nii.gz', dims: [161, 143, 48], ctor: 'Uint8Array', affine: STS_AFFINE, axcodes: 'LPS', min: 0, max: 1, sum: 17090, nonzero: 17090, first: 0, centre: 1 },
  { file: 'ibsi_digital/nifti/image/phantom.nii.gz', dims: [5, 4, 4], ctor: 'Int16Array', affine: IBSI_AFFINE, axcodes: 'LPS', min: 1, max: 9, sum: 173, nonzero: 80, first: 1, centre: 9 },
  { file: 'ibsi_digital/nifti/mask/mask.nii.gz', dims: [5, 4, 4], ctor: 'Int16Array', affine: IBSI_AFFINE, axcodes: 'LPS', min: 0, max: 1, sum: 74, nonzero: 74, first: 1, centre: 0 },
];

function stats(data: VoxelArray): { min: number; max: number; sum: number; nonzero: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nonzero = 0;
  for (let n = 0; n < data.length; n++) {
    const v = data[n];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v !== 0) nonzero++;
  }
  return { min, max, sum, nonzero };
}

function expectAffine(m: Mat4, rows: number[], digits = 5): void {
  rows.forEach((v, n) => expect(m[n]).toBeCloseTo(v, digits));
  expect(m.slice(12)).toEqual([0, 0, 0, 1]);
}

describe.skipIf(!HAS_SHARED_DATA)('readNifti on ../shared/data (reference: nibabel 5.0)', () => {
  for (const ref of NIFTI_REFERENCES) {
    it(`${ref.file}: ${ref.dims.join('x')} ${ref.ctor} ${ref.axcodes}`, async () => {
      const img = await readNifti(dataPath(ref.file), LIMITS);
      expect(img.grid.dims).toEqual(ref.dims);
      expect(img.data.constructor.name).toBe(ref.ctor);
      expectAffine(img.grid.ijkToRas, ref.affine);
      expect(orientationCode(img.grid.ijkToRas)).toBe(ref.axcodes);
      expect(stats(img.data)).toEqual({ min: ref.min, max: ref.max, sum: ref.sum, nonzero: ref.nonzero });
      const [nx, ny, nz] = ref.dims;
      expect(img.data[0]).toBe(ref.first);
      expect(img.data[Math.floor(nx / 2) + nx * (Math.floor(ny / 2) + ny * Math.floor(nz / 2))]).toBe(ref.centre);
      expect(img.meta.rescale).toBeUndefined(); // scl_slope is NaN in all of them
      expect(img.meta.modality).toBeUndefined();
    });
  }

  it('example_ct.nii.gz is 3 mm isotropic (27 mm3 voxels)', async () => {
    const img = await readNifti(dataPath('totalseg/example_ct.nii.gz'), LIMITS);
    spacingOf(img.grid).forEach((s) => expect(s).toBeCloseTo(3, 6));
    expect(voxelVolumeMm3(img.grid)).toBeCloseTo(27, 6);
  });

  it('the 117 masks of example_seg_fast/ share the example_ct_sm grid and reproduce TotalSegmentator volumes', async () => {
    const dir = dataPath('totalseg/example_seg_fast');
    const files = readdirSync(dir).filter((f) => f.endsWith('.nii.gz')).sort();
    expect(files).toHaveLength(117);
    const ct = await readNifti(dataPath('totalseg/example_ct_sm.nii.gz'), LIMITS);
    // statistics.json: TotalSegmentator's own volume (voxel count x voxel volume, mm3) and mean HU per class.
    const statistics = JSON.parse(readFileSync(`${dir}/statistics.json`, 'utf8')) as Record<string, { volume: number; intensity: number }>;
    const voxelMm3 = voxelVolumeMm3(ct.grid);
    for (const file of files) {
      const mask = await readNifti(`${dir}/${file}`, LIMITS);
      expect(mask.data).toBeInstanceOf(Uint8Array);
      expect(sameGrid(mask.grid, ct.grid, 1e-4)).toBe(true);
      expect(orientationCode(mask.grid.ijkToRas)).toBe('RAS');
      let count = 0;
      let huSum = 0;
      for (let n = 0; n < mask.data.length; n++)
        if (mask.data[n] !== 0) {
          count++;
          huSum += ct.data[n];
        }
      const expected = statistics[file.replace(/\.nii\.gz$/, '')];
      expect(count * voxelMm3).toBeCloseTo(expected.volume, 3);
      expect(count ? huSum / count : 0).toBeCloseTo(expected.intensity, 3);
    }
  });
});

/** All four dcmqi NRRDs: short, gzip, LPS, sizes 512 512 3, directions (0.810547,0,0) (0,0.810547,0) (0,0,1). */
const NRRD_REFERENCES: Array<{ file: string; origin: [number, number, number]; counts: Record<number, number> }> = [
  { file: 'dcmqi/liver_seg.nrrd', origin: [-235.2, -226.8, -128.69], counts: { 0: 679334, 1: 107098 } },
  { file: 'dcmqi/spine_seg.nrrd', origin: [-235.2, -226.8, -128.69], counts: { 0: 773993, 2: 12439 } },
  { file: 'dcmqi/heart_seg.nrrd', origin: [-235.2, -226.8, -128.69], counts: { 0: 744983, 3: 41449 } },
  { file: 'dcmqi/liver_spine_seg.nrrd', origin: [-235.199997, -226.800003, -128.690002], counts: { 0: 666895, 1: 107098, 2: 12439 } },
];

describe.skipIf(!HAS_SHARED_DATA)('readNrrd on ../shared/data/dcmqi (reference: header text + numpy counts)', () => {
  for (const ref of NRRD_REFERENCES) {
    it(`${ref.file}: 512x512x3 int16 label map, LPS in RAS terms`, async () => {
      const img = await readNrrd(dataPath(ref.file), LIMITS);
      expect(img.grid.dims).toEqual([512, 512, 3]);
      expect(img.data).toBeInstanceOf(Int16Array);
      // LPS -> RAS: x and y rows negated.
      expectAffine(img.grid.ijkToRas, [-0.810547, 0, 0, -ref.origin[0], 0, -0.810547, 0, -ref.origin[1], 0, 0, 1, ref.origin[2]], 6);
      expect(orientationCode(img.grid.ijkToRas)).toBe('LPS');
      const counts: Record<number, number> = {};
      for (const v of img.data) counts[v] = (counts[v] ?? 0) + 1;
      expect(counts).toEqual(ref.counts);
      expect(img.meta.notes).toBeUndefined();
    });
  }

  it('the four NRRDs share one grid (within 1e-3 mm)', async () => {
    const grids = await Promise.all(NRRD_REFERENCES.map(async (r) => (await readNrrd(dataPath(r.file), LIMITS)).grid));
    for (const g of grids.slice(1)) expect(sameGrid(g, grids[0], 1e-3)).toBe(true);
  });
});
