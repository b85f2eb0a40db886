/**
 * Benchmark of measureStructures on a synthetic full-size abdomen CT.
 *
 * Run: npx tsx eval/bench/measure-structures.ts
 *
 * Synthesises (once; cached in eval/bench/.cache/, gitignored) a 512 x 512 x 400 int16 CT at 0.8 x 0.8 x 1 mm,
 * a 117-class uint8 label volume of ellipsoids with plausible organ volumes, and a 20-lesion uint8 mask, as
 * .nii.gz (lesion ids 118..137, unique across both label files). Then, each in its own child process so that peak RSS belongs to one task:
 *   (b) read + decompress the three files (readNifti), RUNS times;
 *   (a) read + measureStructures on both layers, RUNS times, with peak RSS;
 *   (f) the same pass on a float32 copy of the CT with fractional values (the sort path), for reference;
 *   (c) eval/bench/measure_reference.py: nibabel + numpy, one mask per class id (TotalSegmentator's way).
 * Counts and mean HU of all 137 structures are checked against numpy. Results go to
 * eval/results/measure-structures.{md,json}.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureStructures } from '../../src/measure/structure-stats.ts';
import type { StructureStats } from '../../src/measure/types.ts';
import { makeIjkToRas, rasPoint } from '../../src/volume/geometry.ts';
import type { Grid } from '../../src/volume/geometry.ts';
import { readNifti } from '../../src/volume/readers/nifti.ts';
import { writeNifti } from '../../src/volume/readers/nifti-write.ts';
import type { LabelMap, Volume } from '../../src/volume/types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const CACHE = resolve(HERE, '.cache');
const CT_PATH = resolve(CACHE, 'ct.nii.gz');
const SEG_PATH = resolve(CACHE, 'seg.nii.gz');
const LESION_PATH = resolve(CACHE, 'lesions.nii.gz');
const RESULTS_MD = resolve(REPO, 'eval/results/measure-structures.md');
const RESULTS_JSON = resolve(REPO, 'eval/results/measure-structures.json');
const LIMITS = { maxDecompressedBytes: 4 * 1024 ** 3, maxVoxels: 1024 ** 3 };
const RUNS = 3;
const DIMS = [512, 512, 400] as const;
const SPACING_MM: [number, number, number] = [0.8, 0.8, 1];
const CLASS_COUNT = 117;
const LESION_COUNT = 20;

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

function benchGrid(): Grid {
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
    const host = centres[l <= 14 ? 5 : 1];
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

const META = { source: { format: 'nifti', path: 'bench' } } as const;

async function readAll(): Promise<{ ct: Volume; labels: LabelMap }> {
  // One file at a time: each read holds the compressed bytes, the inflated bytes and the decoded copy at once.
  const ct = await readNifti(CT_PATH, LIMITS);
  const seg = await readNifti(SEG_PATH, LIMITS);
  const les = await readNifti(LESION_PATH, LIMITS);
  return {
    ct: { kind: 'volume', grid: ct.grid, data: ct.data, meta: ct.meta },
    labels: {
      kind: 'labelmap', grid: seg.grid, meta: META,
      layers: [seg.data as Uint8Array, les.data as Uint8Array],
      labels: [
        ...Array.from({ length: CLASS_COUNT }, (_, c) => ({ id: c + 1, name: `seg:${c + 1}`, layer: 0 })),
        ...Array.from({ length: LESION_COUNT }, (_, l) => ({ id: l + 1 + CLASS_COUNT, name: `lesion:${l + 1 + CLASS_COUNT}`, layer: 1 })),
      ],
    },
  };
}

/** A float32 copy of the CT with 0.5 added, so that no value is an integer (forces the gather + sort path). */
function fractionalCopy(data: Int16Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let x = 0; x < data.length; x++) out[x] = data[x] + 0.5;
  return out;
}

interface ChildResult {
  readonly secondsPerRun: number[];
  readonly readSecondsPerRun?: number[];
  readonly measureSecondsPerRun?: number[];
  readonly maxRssBytes: number;
  readonly structures?: Record<string, { count: number; meanHu: number | null }>;
}

async function child(mode: string): Promise<ChildResult> {
  const secondsPerRun: number[] = [];
  const readSecondsPerRun: number[] = [];
  const measureSecondsPerRun: number[] = [];
  let stats: StructureStats[] = [];
  for (let r = 0; r < RUNS; r++) {
    (globalThis as { gc?: () => void }).gc?.(); // drop the previous run's arrays so peak RSS is one run's
    const t0 = performance.now();
    const { ct, labels } = await readAll();
    const t1 = performance.now();
    if (mode === 'read') {
      secondsPerRun.push((t1 - t0) / 1000);
      continue;
    }
    // The float copy (mode 'float') is not timed.
    const volume: Volume = mode === 'float' ? { ...ct, data: fractionalCopy(ct.data as Int16Array) } : ct;
    const t2 = performance.now();
    stats = measureStructures(volume, labels);
    const t3 = performance.now();
    const measureSeconds = (t3 - t2) / 1000;
    readSecondsPerRun.push((t1 - t0) / 1000);
    measureSecondsPerRun.push(measureSeconds);
    secondsPerRun.push((t1 - t0) / 1000 + measureSeconds);
  }
  const structures = Object.fromEntries(stats.map((s) => [s.sourceName, { count: s.voxelCount, meanHu: s.huMean }]));
  return { secondsPerRun, readSecondsPerRun, measureSecondsPerRun, maxRssBytes: process.resourceUsage().maxRSS * 1024, structures };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runChild(mode: string): ChildResult {
  const out = execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), '--child', mode], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

async function main(): Promise<void> {
  const modeIndex = process.argv.indexOf('--child');
  if (modeIndex >= 0) {
    process.stdout.write(`${JSON.stringify(await child(process.argv[modeIndex + 1]))}\n`);
    return;
  }
  if (![CT_PATH, SEG_PATH, LESION_PATH].every(existsSync)) {
    console.log('synthesising inputs into eval/bench/.cache/ ...');
    await synthesise();
  }
  const loadBefore = loadavg();
  const voxels = DIMS[0] * DIMS[1] * DIMS[2];
  const decompressedBytes = voxels * (2 + 1 + 1);
  console.log('(b) read only ...');
  const read = runChild('read');
  console.log('(a) read + measure ...');
  const full = runChild('full');
  console.log('(f) read + measure, float32 fractional CT ...');
  const float = runChild('float');
  console.log('(c) numpy reference ...');
  const refPath = resolve(CACHE, 'reference.json');
  execFileSync('/usr/bin/python3', [resolve(HERE, 'measure_reference.py'), CT_PATH, SEG_PATH, LESION_PATH, refPath], { stdio: 'inherit' });
  const ref = JSON.parse(readFileSync(refPath, 'utf8')) as {
    timing: { read_s: number; stats_s: number; total_s: number }; numpy: string; nibabel: string;
    structures: Record<string, { count: number; mean_hu: number }>;
  };

  // Agreement with numpy on every structure.
  let worstMeanDiffHu = 0;
  const countMismatches: string[] = [];
  for (const [name, r] of Object.entries(ref.structures)) {
    const ours = full.structures?.[name];
    if (!ours || ours.count !== r.count) countMismatches.push(name);
    else if (r.count > 0) worstMeanDiffHu = Math.max(worstMeanDiffHu, Math.abs((ours.meanHu ?? NaN) - r.mean_hu));
  }
  const present = Object.values(ref.structures).filter((r) => r.count > 0).length;

  const a = median(full.secondsPerRun);
  const b = median(read.secondsPerRun);
  const c = ref.timing.total_s;
  const result = {
    date: new Date().toISOString(),
    machine: { nproc: cpus().length, cpuModel: cpuModel(), node: process.version, numpy: ref.numpy, nibabel: ref.nibabel, loadAverage1mBefore: loadBefore[0], loadAverage1mAfter: loadavg()[0] },
    command: 'npx tsx eval/bench/measure-structures.ts',
    input: { dims: DIMS, spacingMm: SPACING_MM, ctType: 'int16', labelType: 'uint8', classes: CLASS_COUNT, lesions: LESION_COUNT, structuresPresent: present, decompressedBytes },
    runs: RUNS,
    seconds: {
      readOnlyMedian_b: b, readPlusMeasureMedian_a: a,
      measureOnlyMedian: median(full.measureSecondsPerRun ?? []),
      floatSortPathMeasureOnlyMedian: median(float.measureSecondsPerRun ?? []),
      numpyReadPlusStats_c: c, numpyStatsOnly: ref.timing.stats_s, numpyReadOnly: ref.timing.read_s,
      perRun: { b: read.secondsPerRun, a: full.secondsPerRun, aMeasure: full.measureSecondsPerRun, floatMeasure: float.measureSecondsPerRun },
    },
    ratios: { c_over_a: c / a, a_over_b: a / b, numpyStats_over_ourMeasure: ref.timing.stats_s / median(full.measureSecondsPerRun ?? []) },
    memory: { peakRssBytes_a: full.maxRssBytes, peakRssBytes_b: read.maxRssBytes, peakRssBytes_float: float.maxRssBytes, peakRssOverDecompressed_a: full.maxRssBytes / decompressedBytes },
    goals: { c_over_a_atLeast: 20, a_over_b_atMost: 1.5, peakRssOverDecompressed_atMost: 3 },
    agreementWithNumpy: { structures: Object.keys(ref.structures).length, countMismatches, worstMeanDiffHu },
  };
  mkdirSync(dirname(RESULTS_JSON), { recursive: true });
  writeFileSync(RESULTS_JSON, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(RESULTS_MD, markdown(result));
  console.log(JSON.stringify(result, null, 2));
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : 'unknown';
}

function markdown(r: ReturnType<typeof JSON.parse>): string {
  const f = (x: number): string => x.toFixed(3);
  const mb = (x: number): string => `${(x / 1024 ** 2).toFixed(0)} MiB`;
  const ok = (good: boolean): string => (good ? 'met' : '**not met**');
  return `# measureStructures benchmark

Date: ${r.date}
Machine: ${r.machine.nproc} CPUs (${r.machine.cpuModel}), Node ${r.machine.node}; numpy ${r.machine.numpy}, nibabel ${r.machine.nibabel} (Debian /usr/bin/python3)
Command: \`${r.command}\`
1-minute load average before / after: ${r.machine.loadAverage1mBefore.toFixed(2)} / ${r.machine.loadAverage1mAfter.toFixed(2)} (a shared VM: other work ran at the
same time, so absolute times are noisy; ratios are between runs made minutes apart under similar load).

Input (synthetic, cached in eval/bench/.cache/): ${r.input.dims.join(' x ')} int16 CT at ${r.input.spacingMm.join(' x ')} mm,
a uint8 label volume with ${r.input.classes} classes (ellipsoids of plausible organ volumes: liver 1.5 L, lungs, spleen 200 mL, many
2-40 mL structures) and a uint8 mask of ${r.input.lesions} lesions (5-30 mm), all .nii.gz; ${r.input.structuresPresent} structures have voxels.
Decompressed inputs: ${mb(r.input.decompressedBytes)}.

| what | median of ${r.runs} runs (s) |
|---|---|
| (b) read + decompress 3 files (readNifti) | ${f(r.seconds.readOnlyMedian_b)} |
| (a) read + measureStructures (2 layers, 137 labels; histogram path) | ${f(r.seconds.readPlusMeasureMedian_a)} |
| measureStructures alone (both layers) | ${f(r.seconds.measureOnlyMedian)} |
| measureStructures alone, float32 CT with fractional values (gather + sort path) | ${f(r.seconds.floatSortPathMeasureOnlyMedian)} |
| (c) numpy, TotalSegmentator style: read + per-class \`seg == id\`, count, \`ct[mask].mean()\` (1 run) | ${f(r.seconds.numpyReadPlusStats_c)} |
| numpy stats part alone | ${f(r.seconds.numpyStatsOnly)} |

| goal | got | |
|---|---|---|
| (c)/(a) >= ${r.goals.c_over_a_atLeast} | ${r.ratios.c_over_a.toFixed(1)} | ${ok(r.ratios.c_over_a >= r.goals.c_over_a_atLeast)} |
| (a)/(b) <= ${r.goals.a_over_b_atMost} | ${r.ratios.a_over_b.toFixed(2)} | ${ok(r.ratios.a_over_b <= r.goals.a_over_b_atMost)} |
| peak RSS of (a) < ${r.goals.peakRssOverDecompressed_atMost} x decompressed inputs | ${mb(r.memory.peakRssBytes_a)} = ${r.memory.peakRssOverDecompressed_a.toFixed(2)} x | ${ok(r.memory.peakRssOverDecompressed_a < r.goals.peakRssOverDecompressed_atMost)} |

Peak RSS (process.resourceUsage().maxRSS, whole child process incl. Node + tsx): (b) ${mb(r.memory.peakRssBytes_b)}, (a) ${mb(r.memory.peakRssBytes_a)}, float path ${mb(r.memory.peakRssBytes_float)}.
Stats-only speed-up over numpy: ${r.ratios.numpyStats_over_ourMeasure.toFixed(1)}x (and ours also computes SD, median, percentiles, centroid, bounds, extents, border contact).

Notes:
- Peak RSS is set by reading, not by measuring: (a) peaks within a few MiB of (b). Reading one .nii.gz holds
  the compressed bytes, the inflated bytes and the decoded typed array at once (src/volume/readers/nifti.ts);
  the measuring pass allocates only per-label accumulators and histograms (117 labels x 65536 bins x 4 B for
  an int16 CT, mostly never touched, so not resident).
- The float path's peak includes the benchmark's own 400 MiB float32 copy of the CT and the gathered values.
- (c) is the cheaper of TotalSegmentator's two forms (\`ct[mask].mean()\`); its default \`np.average(ct,
  weights=mask)\` on \`get_fdata()\` float64 data is slower. numpy computes only count and mean; we also compute
  SD, median, percentiles, centroid, bounds, extents and border contact.

Agreement with numpy on all ${r.agreementWithNumpy.structures} structures: voxel-count mismatches ${r.agreementWithNumpy.countMismatches.length}, largest |mean HU difference| ${r.agreementWithNumpy.worstMeanDiffHu.toExponential(2)}.

Per-run seconds: ${JSON.stringify(r.seconds.perRun)}
`;
}

await main();
