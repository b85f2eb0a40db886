/**
 * Left/right never flips: the same lateralised phantom, stored in each of the 48 axis orderings, gives the same
 * patient-space (RAS) centroid and mean HU for every structure and the same side names (liver right, spleen
 * left, ...), in memory, through a NIfTI write/read round trip and through a DICOM series write/read round trip.
 * The phantom is generated in code (src/phantom), so this test needs no shared data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
// measure has no index.ts yet; its structure statistics are the pipeline's own centroid computation.
import { measureStructures } from '../../src/measure/structure-stats.ts';
import {
  allOrientations,
  generateStudy,
  orientationName,
  reorientStudy,
  sideOf,
  writeStudy,
  type Orientation,
  type Study,
  type StudySpec,
} from '../../src/phantom/index.ts';
import { ijkPoint, ijkToRasPoint, orientationCode, readMasks, readVolume, type LabelMap, type Volume } from '../../src/volume/index.ts';

/** Coarse, anisotropic voxels (a spacing swapped with another axis would move every centroid). */
const SPEC: StudySpec = {
  name: 'lateralised',
  seed: 3,
  spacingMm: [3, 3.5, 4],
  lesions: [
    { organ: 'liver', segment: 7, diameterMm: 20 },
    { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 18, hu: 5 },
  ],
};

const EXPECTED_SIDES: Readonly<Record<string, string>> = {
  liver: 'right',
  spleen: 'left',
  kidney_right: 'right',
  kidney_left: 'left',
  kidney_cyst_left: 'left',
  liver_lesion: 'right',
  autochthon_right: 'right',
  autochthon_left: 'left',
  inferior_vena_cava: 'right',
  aorta: 'left',
  liver_segment_7: 'right',
  liver_segment_2: 'left',
  vertebrae_L1: 'midline',
};

/** Centroids are the same voxels' mean position: only rounding separates orientations in memory. */
const IN_MEMORY_TOLERANCE_MM = 1e-6;
/** NIfTI stores the affine as float32: about 1e-5 mm of rounding at 200 mm from the origin. */
const FILE_TOLERANCE_MM = 1e-2;

interface Summary {
  readonly rasCentroid: readonly [number, number, number];
  readonly meanHu: number;
  readonly voxelCount: number;
}

/** Per label name: RAS centroid (mean voxel index through the affine), mean CT value and voxel count. */
function summarise(ct: Volume, labels: LabelMap): Map<string, Summary> {
  const out = new Map<string, Summary>();
  const [ni, nj] = labels.grid.dims;
  labels.layers.forEach((layer, layerIndex) => {
    const size = Math.max(...labels.labels.map((l) => l.id)) + 1;
    const acc = new Float64Array(size * 5);
    for (let index = 0; index < layer.length; index++) {
      const id = layer[index];
      if (id === 0) continue;
      acc[id * 5] += index % ni;
      acc[id * 5 + 1] += Math.floor(index / ni) % nj;
      acc[id * 5 + 2] += Math.floor(index / (ni * nj));
      acc[id * 5 + 3] += ct.data[index];
      acc[id * 5 + 4]++;
    }
    for (const l of labels.labels.filter((e) => e.layer === layerIndex)) {
      const n = acc[l.id * 5 + 4];
      const p = ijkToRasPoint(labels.grid, ijkPoint(acc[l.id * 5] / n, acc[l.id * 5 + 1] / n, acc[l.id * 5 + 2] / n));
      out.set(l.name, { rasCentroid: [p[0], p[1], p[2]], meanHu: acc[l.id * 5 + 3] / n, voxelCount: n });
    }
  });
  return out;
}

function expectSame(reference: Map<string, Summary>, got: Map<string, Summary>, toleranceMm: number, where: string): void {
  expect([...got.keys()].sort(), where).toEqual([...reference.keys()].sort());
  for (const [name, ref] of reference) {
    const s = got.get(name)!;
    const d = Math.hypot(...[0, 1, 2].map((a) => s.rasCentroid[a] - ref.rasCentroid[a]));
    expect(d, `${where}: ${name} centroid moved by ${d} mm`).toBeLessThanOrEqual(toleranceMm);
    expect(s.voxelCount, `${where}: ${name} voxels`).toBe(ref.voxelCount);
    expect(s.meanHu, `${where}: ${name} mean HU`).toBeCloseTo(ref.meanHu, 9);
    expect(sideOf(s.rasCentroid[0], 0), `${where}: ${name} side`).toBe(sideOf(ref.rasCentroid[0], 0));
  }
  for (const [name, side] of Object.entries(EXPECTED_SIDES)) {
    if (!reference.has(name)) continue; // the DICOM check reads layer 0 only
    expect(sideOf(got.get(name)!.rasCentroid[0], 0), `${where}: ${name}`).toBe(side);
  }
}

describe('left/right is preserved in all 48 storage orientations', () => {
  const canonical = generateStudy(SPEC);
  const reference = summarise(canonical.ct, canonical.labels);
  const orientations = allOrientations();
  const cfg = defaultConfig();
  const tmp = mkdtempSync(join(tmpdir(), 'groundct-orientation-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the truth itself names the sides expected from anatomy', () => {
    for (const [name, side] of Object.entries(EXPECTED_SIDES)) {
      const t = canonical.truth.structures.find((s) => s.name === name);
      expect(t?.side, name).toBe(side);
      expect(reference.get(name)!.rasCentroid[0]).toBeCloseTo(t!.rasCentroid[0], 6);
    }
  });

  it('in memory: 48 orientations, 48 orientation codes, identical centroids, HU and sides', () => {
    const codes = new Set<string>();
    for (const o of orientations) {
      const s = reorientStudy(canonical, o);
      codes.add(s.truth.grid.orientation);
      expectSame(reference, summarise(s.ct, s.labels), IN_MEMORY_TOLERANCE_MM, orientationName(o));
    }
    expect(codes.size).toBe(48);
  });

  async function roundTrip(study: Study, o: Orientation, formats: ('nifti' | 'dicom')[]): Promise<string> {
    const dir = join(tmp, `${orientationName(o)}-${formats.join('-')}`);
    await writeStudy(reorientStudy(study, o), dir, { formats });
    return dir;
  }

  async function readBackNifti(dir: string): Promise<{ ct: Volume; labels: LabelMap }> {
    const ct = await readVolume(join(dir, 'ct.nii.gz'), cfg.volume);
    const organs = await readMasks(join(dir, 'labels.nii.gz'), cfg.volume, { labelMapPath: join(dir, 'labels.json') });
    const sub = await readMasks(join(dir, 'labels-subsegments.nii.gz'), cfg.volume, { labelMapPath: join(dir, 'labels-subsegments.json') });
    const labels: LabelMap = {
      ...organs,
      layers: [...organs.layers, ...sub.layers],
      labels: [...organs.labels, ...sub.labels.map((l) => ({ ...l, layer: l.layer + organs.layers.length }))],
    };
    return { ct, labels };
  }

  it('through NIfTI files: 8 orientations read back to the same centroids, HU and sides', async () => {
    for (const o of orientations.filter((_, n) => n % 6 === 1)) {
      const dir = await roundTrip(canonical, o, ['nifti']);
      const { ct, labels } = await readBackNifti(dir);
      expect(orientationCode(ct.grid.ijkToRas)).toBe(orientationCode(reorientStudy(canonical, o).ct.grid.ijkToRas));
      expectSame(reference, summarise(ct, labels), FILE_TOLERANCE_MM, `nifti ${orientationName(o)}`);
      // The pipeline's own statistics agree.
      const stats = measureStructures(ct, labels);
      for (const st of stats) {
        if (!st.present) continue;
        const ref = reference.get(st.sourceName)!;
        const d = Math.hypot(...[0, 1, 2].map((a) => st.rasCentroid[a] - ref.rasCentroid[a]));
        expect(d, `measureStructures ${st.sourceName}`).toBeLessThanOrEqual(FILE_TOLERANCE_MM);
        expect(st.huMean).toBeCloseTo(ref.meanHu, 6);
      }
    }
  }, 120_000);

  it('through a DICOM series: 4 orientations (right- and left-handed, permuted) read back in the same place', async () => {
    const picks = ['p012-f000', 'p012-f100', 'p120-f011', 'p201-f111'];
    for (const o of orientations.filter((x) => picks.includes(orientationName(x)))) {
      const dir = await roundTrip(canonical, o, ['nifti', 'dicom']);
      const ct = await readVolume(join(dir, 'ct-dicom'), cfg.volume);
      // A left-handed grid comes back from DICOM with k reversed: same voxels, another ijkToRas. The masks are
      // brought onto the DICOM grid through patient space.
      const organs = await readMasks(join(dir, 'labels.nii.gz'), cfg.volume, { labelMapPath: join(dir, 'labels.json'), reference: ct.grid });
      const got = summarise(ct, organs);
      const organsOnly = new Map([...reference].filter(([name]) => got.has(name)));
      expect(organsOnly.size).toBe(organs.labels.length);
      expect(organsOnly.has('liver') && organsOnly.has('spleen')).toBe(true);
      expectSame(organsOnly, got, FILE_TOLERANCE_MM, `dicom ${orientationName(o)}`);
    }
  }, 120_000);
});
