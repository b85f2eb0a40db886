/**
 * The synthetic 512 x 512 x 400 abdomen the speed benchmarks share (measure-structures.ts, cli-speed.ts,
 * report-profile.ts): an int16 CT at 0.8 x 0.8 x 1 mm, a uint8 label volume with 117 classes (ellipsoids of
 * plausible organ volumes; ids and names of TotalSegmentator's `total` task) and a uint8 mask of 20 lesions
 * (ids 118..137: 14 in the liver, 6 by the spleen), as .nii.gz, plus their label maps. Made once and cached in
 * eval/bench/.cache/ (gitignored); deterministic (fixed seed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeIjkToRas, rasPoint } from '../../src/volume/geometry.ts';
import type { Grid } from '../../src/volume/geometry.ts';
import { writeNifti } from '../../src/volume/readers/nifti-write.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CACHE = resolve(HERE, '.cache');
export const CT_PATH = resolve(CACHE, 'ct.nii.gz');
export const SEG_PATH = resolve(CACHE, 'seg.nii.gz');
export const LESION_PATH = resolve(CACHE, 'lesions.nii.gz');
/** TotalSegmentator v2 class names for the 117 ids (from the shared data's label map; `class_<id>` without it). */
export const SEG_LABEL_MAP_PATH = resolve(CACHE, 'seg.labels.json');
/** Lesion names: liver_lesion_<n> for the 14 liver lesions, lesion_<n> for the rest (organ found by overlap). */
export const LESION_LABEL_MAP_PATH = resolve(CACHE, 'lesions.labels.json');
export const DIMS = [512, 512, 400] as const;
export const SPACING_MM: [number, number, number] = [0.8, 0.8, 1];
export const CLASS_COUNT = 117;
export const LESION_COUNT = 20;
/** Lesions 1..LIVER_LESIONS sit in the liver (class 5), the others by the spleen (class 1). */
const LIVER_LESIONS = 14;
const SHARED_LABEL_MAP = resolve(HERE, '../../../shared/data/totalseg/label_map_total_v2.json');

/** Deterministic xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Target volumes in mL of some TotalSegmentator v2 classes (adult averages, rounded); others get 2-40 mL. */
const ORGAN_ML: Record<number, { ml: number; hu: number }> = {
  1: { ml: 200, hu: 45 }, 2: { ml: 150, hu: 30 }, 3: { ml: 150, hu: 30 }, 4: { ml: 40, hu: 10 }, 5: { ml: 1500, hu: 55 },
  6: { ml: 300, hu: 20 }, 7: { ml: 80, hu: 40 }, 10: { ml: 900, hu: -850 }, 11: { ml: 900, hu: -850 }, 12: { ml: 700, hu: -850 },
  13: { ml: 400, hu: -850 }, 14: { ml: 1000, hu: -850 }, 18: { ml: 800, hu: 25 }, 20: { ml: 450, hu: 5 }, 21: { ml: 250, hu: 5 },
  51: { ml: 600, hu: 40 }, 52: { ml: 150, hu: 45 }, 80: { ml: 400, hu: 50 }, 81: { ml: 400, hu: 50 }, 82: { ml: 250, hu: 50 },
  83: { ml: 250, hu: 50 }, 86: { ml: 300, hu: 50 }, 87: { ml: 300, hu: 50 }, 88: { ml: 150, hu: 50 }, 89: { ml: 150, hu: 50 },
};

export function benchGrid(): Grid {
  // LPS-ordered storage as from DICOM: i toward patient left, j toward posterior, k toward superior.
  return { dims: DIMS, ijkToRas: makeIjkToRas({ spacingMm: SPACING_MM, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(204.8, 204.8, -200) }) };
}

/** Fills an ellipsoid (centre and semi-axes in voxels) with `label`, and CT with hu + noise. */
function paintEllipsoid(ct: Int16Array, lab: Uint8Array, centre: number[], semi: number[], label: number, hu: number, rand: () => number): void {
  const [ni, nj, nk] = DIMS;
  const lo = centre.map((c, a) => Math.max(0, Math.floor(c - semi[a])));
  const hi = centre.map((c, a) => Math.min(DIMS[a] - 1, Math.ceil(c + semi[a])));
  for (let k = lo[2]; k <= hi[2]; k++) {
    const dz = (k - centre[2]) / semi[2];
    for (let j = lo[1]; j <= hi[1]; j++) {
      const dy = (j - centre[1]) / semi[1];
      const row = (k * nj + j) * ni;
      for (let i = lo[0]; i <= hi[0]; i++) {
        const dx = (i - centre[0]) / semi[0];
        if (dx * dx + dy * dy + dz * dz > 1) continue;
        lab[row + i] = label;
        ct[row + i] = Math.round(hu + 25 * (rand() + rand() - 1));
      }
    }
  }
  void nk;
}

async function synthesise(): Promise<void> {
  const [ni, nj, nk] = DIMS;
  const n = ni * nj * nk;
  const rand = rng(20240611);
  const ct = new Int16Array(n).fill(-1000);
  const seg = new Uint8Array(n);
  const lesions = new Uint8Array(n);
  // Body: elliptic cylinder, 340 x 240 mm, soft tissue / fat mix.
  const [cx, cy] = [ni / 2, nj / 2];
  const [ax, ay] = [170 / SPACING_MM[0], 120 / SPACING_MM[1]];
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const dx = (i - cx) / ax, dy = (j - cy) / ay;
        if (dx * dx + dy * dy <= 1) ct[(k * nj + j) * ni + i] = Math.round(-60 + 40 * (rand() + rand() - 1));
      }
  // Classes from largest to smallest so that small structures stay visible.
  const voxelMl = (SPACING_MM[0] * SPACING_MM[1] * SPACING_MM[2]) / 1000;
  const classes = Array.from({ length: CLASS_COUNT }, (_, c) => {
    const id = c + 1;
    return { id, ...(ORGAN_ML[id] ?? { ml: 2 + 38 * rand(), hu: rand() < 0.4 ? 400 : 40 }) };
  }).sort((a, b) => b.ml - a.ml);
  const centres: Record<number, number[]> = {};
  for (const c of classes) {
    const voxels = c.ml / voxelMl;
    const r = [0.7 + 0.6 * rand(), 0.7 + 0.6 * rand(), 0.8 + 0.8 * rand()];
    const scale = Math.cbrt(voxels / ((4 / 3) * Math.PI * r[0] * r[1] * r[2]));
    const semi = r.map((x) => x * scale);
    const t = 2 * Math.PI * rand(), rr = 0.75 * Math.sqrt(rand());
    const centre = [cx + rr * ax * Math.cos(t), cy + rr * ay * Math.sin(t), semi[2] + (nk - 2 * semi[2]) * rand()];
    centres[c.id] = centre;
    paintEllipsoid(ct, seg, centre, semi, c.id, c.hu, rand);
  }
  // 20 lesions of 5-30 mm diameter, most in the liver, 25 HU below it.
  for (let l = 1; l <= LESION_COUNT; l++) {
    const host = centres[l <= LIVER_LESIONS ? 5 : 1];
    const radiusVox = (2.5 + 12.5 * rand()) / SPACING_MM[0];
    const centre = host.map((c, a) => c + (rand() - 0.5) * (a === 2 ? 60 : 80));
    // Lesion ids follow the class ids (118..137) so that ids stay unique across the two layers.
    paintEllipsoid(ct, lesions, centre, [radiusVox, radiusVox, (radiusVox * SPACING_MM[0]) / SPACING_MM[2]], CLASS_COUNT + l, 30, rand);
  }
  mkdirSync(CACHE, { recursive: true });
  const grid = benchGrid();
  await writeNifti(CT_PATH, { grid, data: ct });
  await writeNifti(SEG_PATH, { grid, data: seg });
  await writeNifti(LESION_PATH, { grid, data: lesions });
}

function writeLabelMaps(): void {
  const names: Record<string, string> = existsSync(SHARED_LABEL_MAP) ? JSON.parse(readFileSync(SHARED_LABEL_MAP, 'utf8')) : {};
  const seg = Object.fromEntries(Array.from({ length: CLASS_COUNT }, (_, c) => [String(c + 1), names[String(c + 1)] ?? `class_${c + 1}`]));
  const lesions = Object.fromEntries(Array.from({ length: LESION_COUNT }, (_, l) => [String(CLASS_COUNT + l + 1), l + 1 <= LIVER_LESIONS ? `liver_lesion_${l + 1}` : `lesion_${l + 1}`]));
  writeFileSync(SEG_LABEL_MAP_PATH, `${JSON.stringify(seg, null, 1)}\n`);
  writeFileSync(LESION_LABEL_MAP_PATH, `${JSON.stringify(lesions, null, 1)}\n`);
}

/** Makes the case once (about a minute); later calls find it in the cache. */
export async function ensureBenchCase(): Promise<void> {
  if (![CT_PATH, SEG_PATH, LESION_PATH].every(existsSync)) {
    console.log('synthesising the benchmark case into eval/bench/.cache/ ...');
    await synthesise();
  }
  if (![SEG_LABEL_MAP_PATH, LESION_LABEL_MAP_PATH].every(existsSync)) writeLabelMaps();
}
