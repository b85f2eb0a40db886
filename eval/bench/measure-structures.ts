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
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureStructures } from '../../src/measure/structure-stats.ts';
import type { StructureStats } from '../../src/measure/types.ts';
import { readNifti } from '../../src/volume/readers/nifti.ts';
import type { LabelMap, Volume } from '../../src/volume/types.ts';
import { CACHE, CLASS_COUNT, CT_PATH, DIMS, ensureBenchCase, LESION_COUNT, LESION_PATH, SEG_PATH, SPACING_MM } from './synthetic-abdomen.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const RESULTS_MD = resolve(REPO, 'eval/results/measure-structures.md');
const RESULTS_JSON = resolve(REPO, 'eval/results/measure-structures.json');
const LIMITS = { maxDecompressedBytes: 4 * 1024 ** 3, maxVoxels: 1024 ** 3 };
const RUNS = 3;

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
  await ensureBenchCase();
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
