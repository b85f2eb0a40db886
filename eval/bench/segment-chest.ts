/**
 * Speed of the built-in segmenter on a real chest: body, lungs, airways, bone and, in the new code, nodules and
 * pleural effusion, on a 512 x 512 x 300 CT. The volume is the shared chest CT (../shared/data/chest, 512 x 512 x
 * 141 at 2 mm) resampled to 300 slices by nearest neighbour along k (0.94 mm apart; real HU, real anatomy).
 * The previous code (a checkout of main) and this one run alternately in one process, so both see the same load
 * of the shared machine; medians of the runs are reported with the load average before and after.
 *
 *   git worktree add --detach /tmp/seg-before main && ln -s "$PWD/node_modules" /tmp/seg-before/node_modules
 *   npx tsx eval/bench/segment-chest.ts /tmp/seg-before [runs, default 3]
 *
 * Writes eval/results/segment-chest-speed.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../../src/config.ts';
import type { RunOptions } from '../../src/segment/types.ts';
import { makeIjkToRas, rasPoint, readVolume, spacingOf, splitIjkToRas, type LabelMap, type Volume } from '../../src/volume/index.ts';
import { dataPath, REPO_ROOT } from '../../test/helpers/data.ts';

type SegmentFn = (ct: Volume, options?: RunOptions) => Promise<LabelMap>;
const SLICES = 300;
const [beforeRoot, runsArg] = process.argv.slice(2);
if (!beforeRoot) {
  console.error('usage: segment-chest.ts <root of the previous checkout> [runs, default 3]');
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const load = async (root: string): Promise<SegmentFn> =>
  ((await import(pathToFileURL(resolve(root, 'src/segment/builtin/builtin-segmenter.ts')).href)) as { segmentBuiltin: SegmentFn }).segmentBuiltin;
const versions: [string, SegmentFn][] = [['before (main)', await load(beforeRoot)], ['after', await load(REPO_ROOT)]];

const source = await readVolume(dataPath('chest/itkelastix_chest_ct.nii.gz'), defaultConfig().volume);
const [nx, ny, nz] = source.grid.dims;
const data = new Int16Array(nx * ny * SLICES);
for (let k = 0; k < SLICES; k++) {
  const from = Math.min(nz - 1, Math.floor(((k + 0.5) * nz) / SLICES));
  data.set(source.data.subarray(from * nx * ny, (from + 1) * nx * ny), k * nx * ny);
}
const parts = splitIjkToRas(source.grid.ijkToRas);
const spacing = spacingOf(source.grid);
const ijkToRas = makeIjkToRas({ spacingMm: [spacing[0], spacing[1], (spacing[2] * nz) / SLICES], direction: parts.direction, originRas: rasPoint(parts.originRas[0], parts.originRas[1], parts.originRas[2]) });
const ct: Volume = { ...source, grid: { dims: [nx, ny, SLICES], ijkToRas }, data };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadavg()[0];
const times = new Map<string, { total: number[]; cpu: number[]; steps: number[][] }>(versions.map(([name]) => [name, { total: [], cpu: [], steps: [] }]));
let counts = '';
for (let r = 0; r < runs; r++)
  for (const [name, segment] of versions) {
    const marks = [performance.now()];
    const cpu0 = process.cpuUsage();
    const labels = await segment(ct, { onProgress: (p) => { if (p.done > 0) marks.push(performance.now()); } });
    const cpuUsed = process.cpuUsage(cpu0);
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    marks.push(performance.now());
    const steps = marks.slice(1).map((t, n) => (t - marks[n]) / 1000);
    const total = (marks[marks.length - 1] - marks[0]) / 1000;
    times.get(name)!.total.push(total);
    times.get(name)!.cpu.push(cpu);
    times.get(name)!.steps.push(steps);
    console.log(`${name} run ${r + 1}: ${total.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (steps ${steps.map((s) => s.toFixed(2)).join(' / ')})`);
    if (name === 'after' && r === 0) {
      const count = new Float64Array(256);
      for (const layer of labels.layers) for (let v = 0; v < layer.length; v++) count[layer[v]]++;
      counts = labels.labels.map((l) => `${l.name} ${count[l.id]}`).join(', ');
    }
  }
const loadAfter = loadavg()[0];
const summary = [...times].map(([name, t]) => {
  const steps = t.steps[0].map((_, c) => median(t.steps.map((s) => s[c])).toFixed(2));
  return `| ${name} | ${median(t.total).toFixed(2)} | ${median(t.cpu).toFixed(2)} | ${steps.join(' / ')} |`;
});
// A checkout without the thorax step (before issue 17's nodules and effusion) reports four steps.
const stepNames = (name: string) =>
  times.get(name)!.steps[0].length === 5 ? 'body / lungs + airways / thorax (atlas lungs, nodules, effusion) / bone + assembly' : 'body / lungs + airways / bone + assembly';
const ratio = median(times.get('after')!.total) / median(times.get('before (main)')!.total);
const cpuRatio = median(times.get('after')!.cpu) / median(times.get('before (main)')!.cpu);
const md = `# Built-in segmenter speed on a chest CT (issue 17)

Date ${new Date().toISOString().slice(0, 10)}; machine ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared with other
engineers' work: load average ${loadBefore.toFixed(1)} before the runs, ${loadAfter.toFixed(1)} after), Node ${process.version}, single
thread; command \`npx tsx eval/bench/segment-chest.ts /tmp/seg-before ${runs}\` (before = a checkout of main).
Volume: the shared chest CT (512 x 512 x 141 at 2 mm) resampled to ${nx} x ${ny} x ${SLICES} by nearest neighbour along k.

Medians of ${runs} alternating runs (s). Steps: before = ${stepNames('before (main)')}; after = ${stepNames('after')}.

| code | wall s | CPU s (this process, user + system) | steps s (wall) |
|---|---|---|---|
${summary.join('\n')}

Ratio after / before: **${ratio.toFixed(2)}** wall, **${cpuRatio.toFixed(2)}** CPU time (CPU time is less disturbed by the other
engineers' load than wall time; both are from the same alternating runs). CPU time counts every thread of the process
(V8 marks and frees memory beside the main thread) and the kernel's time zeroing the pages of new arrays, so on a quiet
machine it can exceed the wall time. Voxels per label (after): ${counts}.
`;
writeFileSync(join(REPO_ROOT, 'eval/results/segment-chest-speed.md'), md);
console.log(md);
