/**
 * Where `groundct report` spends its time on the 512 x 512 x 400 case with 117 classes + 20 lesions: one run of the
 * built command under V8's CPU profiler, summarised per pipeline stage (the src/ folder of each function) and per
 * function (self time). Reruns with one command:
 *
 *   npx tsx eval/bench/report-profile.ts [--case big|small] [--out report-profile]
 *
 * Writes eval/results/<out>.md. Work added to the report path shows up here under its stage; compare the stage
 * table with the previous file (git diff) to state its cost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.mjs';
import { CT_PATH, ensureBenchCase, LESION_LABEL_MAP_PATH, LESION_PATH, SEG_LABEL_MAP_PATH, SEG_PATH } from './synthetic-abdomen.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const SHARED = resolve(REPO, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Per file of the bundle (dist/bundle/, scripts/build.mjs): the first line of each source module esbuild put in it. */
const bundleModules = new Map<string, { line: number; module: string }[]>();

/**
 * The source module (e.g. 'measure/distance.ts') of a line of a bundle file: the last `// src/<path>` marker at or
 * above it. Null outside the bundle.
 */
function bundledModuleOf(url: string, lineNumber: number): string | null {
  if (!/\/dist\/bundle\/[^/]+\.js$/.test(url)) return null;
  let marks = bundleModules.get(url);
  if (marks === undefined) {
    marks = readFileSync(new URL(url), 'utf8').split('\n').flatMap((text, line) => {
      const m = /^\/\/ src\/(.+\.ts)$/.exec(text);
      return m ? [{ line, module: m[1] }] : [];
    });
    bundleModules.set(url, marks);
  }
  let found: string | null = null;
  for (const mark of marks) if (mark.line <= lineNumber) found = mark.module;
  return found;
}

/** The stage a profiled function belongs to: src/<stage>/ of its source module, else a coarse bucket. */
function stageOf(url: string, functionName: string, lineNumber: number): string {
  const bundled = bundledModuleOf(url, lineNumber);
  if (bundled !== null) return bundled.includes('/') ? bundled.split('/')[0] : bundled.replace(/\.ts$/, '');
  const m = /\/dist\/([^/]+)\//.exec(url) ?? /\/dist\/([^/]+)\.js$/.exec(url);
  if (m) return m[1];
  if (functionName === '(garbage collector)') return '(garbage collection)';
  if (functionName === '(idle)') return '(idle: waiting for I/O or the thread pool)';
  if (url.includes('node_modules/')) return `npm: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)![1]}`;
  if (url.startsWith('node:') && /zlib|stream/.test(url)) return 'node: zlib + streams (reading)';
  if (url.startsWith('node:') && /modules|esm|loader/.test(url)) return 'node: module loading';
  return url.startsWith('node:') || url === '' ? 'node: other' : url;
}

function summarise(profile: CpuProfile): { totalMs: number; stages: [string, number][]; functions: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stages = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, s) => {
    const ms = profile.timeDeltas[s] / 1000;
    totalMs += ms;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const stage = stageOf(url, functionName, lineNumber);
    stages.set(stage, (stages.get(stage) ?? 0) + ms);
    const bundled = bundledModuleOf(url, lineNumber);
    const where = bundled !== null ? `src/${bundled}, ${url.replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'} (${where})`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, stages: sorted(stages), functions: sorted(functions).slice(0, 25) };
}

async function main(): Promise<void> {
  const which = arg('--case', 'big');
  const name = arg('--out', which === 'big' ? 'report-profile' : 'report-profile-small');
  await ensureBenchCase();
  await build({ log: (m: string) => console.log(m) });
  const work = mkdtempSync(join(tmpdir(), 'gct-profile-'));
  const D = (p: string) => join(SHARED, 'totalseg', p);
  const inputs = which === 'big'
    ? [CT_PATH, '--masks', SEG_PATH, '--label-map', SEG_LABEL_MAP_PATH, '--masks', LESION_PATH, '--label-map', LESION_LABEL_MAP_PATH]
    : [D('example_ct_sm.nii.gz'), '--masks', D('example_seg_fast')];
  const env = { ...process.env, GROUNDCT_DATA_DIR: join(work, 'data') };
  // A first run builds the retrieval index in the fresh data folder; the profiled second run finds it.
  execFileSync(process.execPath, [join(REPO, 'bin/groundct.js'), 'report', ...inputs, '--out', join(work, 'warm')], { env, stdio: 'inherit' });
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const started = performance.now();
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', join(work, 'prof'), join(REPO, 'bin/groundct.js'), 'report', ...inputs, '--out', join(work, 'out')], { env, stdio: 'inherit' });
  const wallS = (performance.now() - started) / 1000;
  const file = readdirSync(join(work, 'prof')).find((f) => f.endsWith('.cpuprofile'))!;
  const s = summarise(JSON.parse(readFileSync(join(work, 'prof', file), 'utf8')) as CpuProfile);
  rmSync(work, { recursive: true, force: true });
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)} %`;
  const md = `# Where \`groundct report\` spends its time (${which === 'big' ? '512 x 512 x 400, 117 classes + 20 lesions' : 'example_ct_sm + example_seg_fast'})

Date: ${new Date().toISOString()}
Command: \`npx tsx eval/bench/report-profile.ts --case ${which}\`
uptime: \`${uptime}\` (a shared machine: under load the profile's proportions hold better than its milliseconds)
Whole process under the profiler: ${wallS.toFixed(2)} s wall; ${(s.totalMs / 1000).toFixed(2)} s of main-thread samples
(inflate runs on the thread pool and is not sampled here, only the copying of its output).

Main-thread time by stage (the src/ folder of each function):

| stage | ms | share |
|---|---|---|
${s.stages.map(([k, v]) => `| ${k} | ${v.toFixed(0)} | ${pct(v)} |`).join('\n')}

Top functions by self time:

| function (source module, file:line) | ms | share |
|---|---|---|
${s.functions.map(([k, v]) => `| \`${k}\` | ${v.toFixed(0)} | ${pct(v)} |`).join('\n')}
`;
  writeFileSync(join(REPO, 'eval/results', `${name}.md`), md);
  console.log(md);
}

await main();
