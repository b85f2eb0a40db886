/**
 * Whole-process speed of the `groundct` command (issue #14's goals), measured as users run it, back to back in one
 * invocation so that ratios hold on a loaded machine:
 *
 *   npx tsx eval/bench/cli-speed.ts [--rounds N] [--before <commit>] [--no-numpy] [--out <name>]
 *
 * Each round runs every task once, in turn (interleaved rounds: a load spike hits all tasks alike); medians are
 * reported. Tasks: `npx esbuild --version` (the cost of npx itself), `npx groundct --help`, `npx groundct info
 * <nifti>`, `gzip -dc` of the CT and its 117-class labels, `groundct measure --format totalseg-statistics` on them,
 * `groundct report` on the TotalSegmentator example (example_ct_sm + example_seg_fast) and on the 512 x 512 x 400
 * case with 117 classes + 20 lesions (eval/bench/synthetic-abdomen.ts). Wall time, user + system CPU and peak RSS
 * come from /usr/bin/time. Then, once: the numpy script in TotalSegmentator's style (per class `seg == id`,
 * `ct[mask].mean()`, eval/bench/measure_reference.py) on the same CT + labels, and an inflate comparison
 * (node:zlib vs fflate, the JavaScript inflate installed here) on the CT file.
 * `--before <commit>` also times that commit's command (extracted with `git archive` into eval/bench/.cache/),
 * e.g. the commit before issue #14. Results: eval/results/<name>.md and .json (default name cli-speed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync as zlibGunzipSync } from 'node:zlib';
import { Gunzip as FflateGunzip, gunzipSync as fflateGunzipSync } from 'fflate';
import { build } from '../../scripts/build.mjs';
import { streamVolumeFile } from '../../src/volume/readers/gzip.ts';
import { CACHE, CT_PATH, DIMS, ensureBenchCase, LESION_LABEL_MAP_PATH, LESION_PATH, SEG_LABEL_MAP_PATH, SEG_PATH } from './synthetic-abdomen.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const SHARED = resolve(REPO, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');
const BIN = join(REPO, 'bin', 'groundct.js');

interface Task {
  readonly id: string;
  readonly what: string;
  readonly argv: readonly string[];
  readonly cwd?: string;
  /** A fresh output folder per run (report refuses a non-empty one). */
  readonly freshOut?: boolean;
}

interface Sample {
  readonly wallS: number;
  readonly cpuS: number;
  readonly maxRssKb: number;
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs argv under /usr/bin/time; fails loudly when the command fails (a benchmark of an error is no benchmark). */
function timed(task: Task, scratch: string): Sample {
  const argv = [...task.argv];
  if (task.freshOut) argv.push('--out', mkdtempSync(join(scratch, `${task.id}-`)) + '/out');
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S %M', ...argv], { cwd: task.cwd ?? REPO, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, GROUNDCT_DATA_DIR: join(scratch, 'data') } });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${task.id} failed (${r.status}): ${argv.join(' ')}\n${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rss] = line.split(' ').slice(1).map(Number);
  return { wallS: wall, cpuS: user + sys, maxRssKb: rss };
}

function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : 'unknown';
}

/** The command of another commit, for before/after in the same run: `git archive` + this checkout's node_modules. */
function checkoutOf(commit: string): string {
  const sha = execFileSync('git', ['rev-parse', commit], { cwd: REPO, encoding: 'utf8' }).trim();
  const dir = join(CACHE, `commit-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'bin', 'groundct.js'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], { cwd: REPO });
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // A commit with the build of issue #14 needs its dist/ (as `npm ci` would make it).
    if (existsSync(join(dir, 'scripts', 'build.mjs'))) execFileSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], { cwd: dir });
  }
  return dir;
}

function tasksFor(bin: string, tag: string, cwd: string): Task[] {
  const D = (p: string) => join(SHARED, 'totalseg', p);
  const statsOut = join(tmpdir(), `gct-bench-statistics-${process.pid}.json`);
  return [
    { id: `help${tag}`, what: `node bin/groundct.js --help${tag}`, argv: [process.execPath, bin, '--help'], cwd },
    { id: `info${tag}`, what: `node bin/groundct.js info example_ct.nii.gz${tag}`, argv: [process.execPath, bin, 'info', D('example_ct.nii.gz')], cwd },
    { id: `measure${tag}`, what: `groundct measure <CT> --masks <117 classes> --format totalseg-statistics${tag}`, argv: [process.execPath, bin, 'measure', CT_PATH, '--masks', SEG_PATH, '--label-map', SEG_LABEL_MAP_PATH, '--format', 'totalseg-statistics', '--out', statsOut], cwd },
    { id: `reportSmall${tag}`, what: `groundct report example_ct_sm + example_seg_fast${tag}`, argv: [process.execPath, bin, 'report', D('example_ct_sm.nii.gz'), '--masks', D('example_seg_fast')], cwd, freshOut: true },
    { id: `reportBig${tag}`, what: `groundct report <CT> + 117 classes + 20 lesions${tag}`, argv: [process.execPath, bin, 'report', CT_PATH, '--masks', SEG_PATH, '--label-map', SEG_LABEL_MAP_PATH, '--masks', LESION_PATH, '--label-map', LESION_LABEL_MAP_PATH], cwd, freshOut: true },
  ];
}

/** Inflate of the CT file: node:zlib (whole buffer; streamed as the readers do) against fflate (whole; streamed). */
async function inflateComparison(rounds: number): Promise<Record<string, number[]>> {
  const compressed = readFileSync(CT_PATH);
  const out: Record<string, number[]> = { zlibWhole: [], zlibStreamedFromDisk: [], fflateWhole: [], fflateStreamed: [] };
  let expectedBytes = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    expectedBytes = zlibGunzipSync(compressed).length;
    out.zlibWhole.push((performance.now() - t) / 1000);
    t = performance.now();
    let n = 0;
    await streamVolumeFile(CT_PATH, { write: (c) => void (n += c.length) }, { gzip: true, storedBytes: compressed.length });
    out.zlibStreamedFromDisk.push((performance.now() - t) / 1000);
    if (n !== expectedBytes) throw new Error('streamed inflate lost bytes');
    t = performance.now();
    if (fflateGunzipSync(compressed).length !== expectedBytes) throw new Error('fflate disagrees');
    out.fflateWhole.push((performance.now() - t) / 1000);
    t = performance.now();
    let m = 0;
    const g = new FflateGunzip((chunk) => void (m += chunk.length));
    for (let p = 0; p < compressed.length; p += 1 << 20) g.push(compressed.subarray(p, p + (1 << 20)), p + (1 << 20) >= compressed.length);
    out.fflateStreamed.push((performance.now() - t) / 1000);
    if (m !== expectedBytes) throw new Error('fflate stream disagrees');
  }
  return out;
}

async function main(): Promise<void> {
  const rounds = Number(arg('--rounds', '3'));
  const name = arg('--out', 'cli-speed')!;
  const before = arg('--before');
  await ensureBenchCase();
  await build({ log: (m: string) => console.log(m) });
  const scratch = mkdtempSync(join(tmpdir(), 'gct-bench-'));
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
  const tasks: Task[] = [
    { id: 'npxFloor', what: 'npx esbuild --version (npx itself)', argv: ['npx', 'esbuild', '--version'] },
    { id: 'helpNpx', what: 'npx groundct --help', argv: ['npx', 'groundct', '--help'] },
    { id: 'infoNpx', what: 'npx groundct info example_ct.nii.gz', argv: ['npx', 'groundct', 'info', join(SHARED, 'totalseg', 'example_ct.nii.gz')] },
    { id: 'gzip', what: 'gzip -dc <CT> <117 classes> > /dev/null', argv: ['sh', '-c', `gzip -dc ${CT_PATH} ${SEG_PATH} > /dev/null`] },
    ...tasksFor(BIN, '', REPO),
  ];
  if (before) {
    const dir = checkoutOf(before);
    // npx in that commit's folder: how npx found its command there (a root `bin` before 1128c69, through npx's cache).
    // For a commit with the packages/cli workspace it times this checkout's command (the node_modules are shared).
    tasks.push({ id: `helpNpx@${before}`, what: `npx groundct --help@${before}`, argv: ['npx', 'groundct', '--help'], cwd: dir });
    tasks.push(...tasksFor(join(dir, 'bin', 'groundct.js'), `@${before}`, dir));
  }
  const uptimeBefore = uptime();
  console.log(uptimeBefore);
  const samples: Record<string, Sample[]> = Object.fromEntries(tasks.map((t) => [t.id, []]));
  // One warm-up of each (file cache, retrieval index built once per data dir), not counted.
  for (const t of tasks) timed(t, scratch);
  for (let r = 0; r < rounds; r++) {
    for (const t of tasks) {
      const s = timed(t, scratch);
      samples[t.id].push(s);
      console.log(`round ${r + 1} ${t.id.padEnd(28)} ${s.wallS.toFixed(2)} s wall  ${s.cpuS.toFixed(2)} s cpu  ${(s.maxRssKb / 1024).toFixed(0)} MiB`);
    }
  }
  let numpy: { total_s: number; stats_s: number; read_s: number } | null = null;
  if (!process.argv.includes('--no-numpy')) {
    console.log('numpy, TotalSegmentator style (one run) ...');
    const refOut = join(scratch, 'numpy.json');
    execFileSync('/usr/bin/python3', [join(HERE, 'measure_reference.py'), CT_PATH, SEG_PATH, '-', refOut], { stdio: 'inherit' });
    numpy = JSON.parse(readFileSync(refOut, 'utf8')).timing;
  }
  console.log('inflate: node:zlib vs fflate ...');
  const inflate = await inflateComparison(rounds);
  const uptimeAfter = uptime();
  rmSync(scratch, { recursive: true, force: true });

  const med = (id: string, key: keyof Sample = 'wallS') => median(samples[id].map((s) => s[key]));
  const decompressedBytes = DIMS[0] * DIMS[1] * DIMS[2] * (2 + 1);
  const result = {
    date: new Date().toISOString(),
    command: `npx tsx eval/bench/cli-speed.ts --rounds ${rounds}${before ? ` --before ${before}` : ''}${numpy ? '' : ' --no-numpy'}`,
    commit: `${commit}${dirty ? ' (with uncommitted changes)' : ''}`,
    machine: { cpus: cpus().length, cpuModel: cpuModel(), memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1), node: process.version },
    uptimeBefore,
    uptimeAfter,
    rounds,
    tasks: tasks.map((t) => ({ id: t.id, what: t.what, medianWallS: med(t.id), medianCpuS: med(t.id, 'cpuS'), maxRssMiB: Math.max(...samples[t.id].map((s) => s.maxRssKb)) / 1024, wallS: samples[t.id].map((s) => s.wallS) })),
    numpy,
    inflateSeconds: Object.fromEntries(Object.entries(inflate).map(([k, v]) => [k, { median: median(v), runs: v }])),
    ratios: {
      measureOverGzip: med('measure') / med('gzip'),
      numpyOverMeasure: numpy ? numpy.total_s / med('measure') : null,
      helpMinusNpxFloorS: med('helpNpx') - med('npxFloor'),
      measurePeakRssOverDecompressedInputs: (Math.max(...samples.measure.map((s) => s.maxRssKb)) * 1024) / decompressedBytes,
      fflateOverZlib: median(inflate.fflateWhole) / median(inflate.zlibWhole),
    },
    decompressedInputsBytes: decompressedBytes,
  };
  mkdirSync(join(REPO, 'eval/results'), { recursive: true });
  writeFileSync(join(REPO, `eval/results/${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(REPO, `eval/results/${name}.md`), markdown(result));
  console.log(markdown(result));
}

function markdown(r: ReturnType<typeof JSON.parse>): string {
  const t = (id: string) => r.tasks.find((x: { id: string }) => x.id === id);
  const f2 = (x: number) => x.toFixed(2);
  const ok = (good: boolean) => (good ? 'met' : '**not met**');
  const goals: [string, string, boolean][] = [
    ['`npx groundct --help` <= 0.5 s', `${f2(t('helpNpx').medianWallS)} s (npx itself ${f2(t('npxFloor').medianWallS)} s)`, t('helpNpx').medianWallS <= 0.5],
    ['`npx groundct info <nifti>` <= 0.8 s', `${f2(t('infoNpx').medianWallS)} s`, t('infoNpx').medianWallS <= 0.8],
    ['measure --format totalseg-statistics <= 1.0 x `gzip -dc` of its inputs', `${f2(r.ratios.measureOverGzip)} x (${f2(t('measure').medianWallS)} s vs ${f2(t('gzip').medianWallS)} s)`, r.ratios.measureOverGzip <= 1],
    ['measure >= 35 x faster than numpy in TotalSegmentator style', r.numpy ? `${r.ratios.numpyOverMeasure.toFixed(1)} x (${f2(r.numpy.total_s)} s)` : 'not run', r.numpy ? r.ratios.numpyOverMeasure >= 35 : false],
    ['report example_ct_sm + example_seg_fast <= 0.8 s', `${f2(t('reportSmall').medianWallS)} s`, t('reportSmall').medianWallS <= 0.8],
    ['report 512 x 512 x 400, 117 classes + 20 lesions <= 2.5 s', `${f2(t('reportBig').medianWallS)} s`, t('reportBig').medianWallS <= 2.5],
    ['peak RSS of measure <= 1.5 x decompressed inputs', `${t('measure').maxRssMiB.toFixed(0)} MiB = ${f2(r.ratios.measurePeakRssOverDecompressedInputs)} x ${(r.decompressedInputsBytes / 1024 ** 2).toFixed(0)} MiB`, r.ratios.measurePeakRssOverDecompressedInputs <= 1.5],
  ];
  return `# groundct command speed (whole processes)

Date: ${r.date}
Command: \`${r.command}\` (commit ${r.commit})
Machine: ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}
uptime before: \`${r.uptimeBefore}\`
uptime after: \`${r.uptimeAfter}\`

Measured **under load**: the machine is shared by several engineers (see the load averages above), so absolute times
are inflated and noisy. Rounds are interleaved (each round runs every task once), so ratios between tasks of one
run are comparable; rerun the command on an idle machine for absolute times.

Inputs: the 512 x 512 x 400 synthetic abdomen of eval/bench/synthetic-abdomen.ts (int16 CT at 0.8 x 0.8 x 1 mm,
117-class uint8 labels with TotalSegmentator's names, 20 lesions), and TotalSegmentator's example
(\`example_ct_sm.nii.gz\` + the 117-file folder \`example_seg_fast\`) from the shared data.

| goal | got | |
|---|---|---|
${goals.map(([g, got, good]) => `| ${g} | ${got} | ${ok(good)} |`).join('\n')}

| task | median wall (s) | median CPU user+sys (s) | peak RSS (MiB) | wall per round (s) |
|---|---|---|---|---|
${r.tasks.map((x: { what: string; medianWallS: number; medianCpuS: number; maxRssMiB: number; wallS: number[] }) => `| ${x.what} | ${f2(x.medianWallS)} | ${f2(x.medianCpuS)} | ${x.maxRssMiB.toFixed(0)} | ${x.wallS.map(f2).join(', ')} |`).join('\n')}

numpy in TotalSegmentator's style on the same CT + 117 classes (one run): ${r.numpy ? `read ${f2(r.numpy.read_s)} s + statistics ${f2(r.numpy.stats_s)} s = ${f2(r.numpy.total_s)} s` : 'not run'}.

Inflate of the CT file (${r.rounds} runs each, in process, median s): node:zlib whole buffer ${f2(r.inflateSeconds.zlibWhole.median)},
node:zlib streamed from disk as the readers do ${f2(r.inflateSeconds.zlibStreamedFromDisk.median)}, fflate whole buffer
${f2(r.inflateSeconds.fflateWhole.median)}, fflate streamed ${f2(r.inflateSeconds.fflateStreamed.median)}: fflate takes
${f2(r.ratios.fflateOverZlib)} x node:zlib's time, so the readers keep node:zlib.
`;
}

await main();
