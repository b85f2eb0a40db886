/**
 * Before/after speed of the built-in segmenter, run back to back in one process on the benchmark volume of
 * segment-builtin.ts (example_ct_dicom repeated 15 times along k, 512 x 512 x 300): the runs alternate
 * (before, after, before, after, ...) so that both see the same load of the shared machine; medians are reported.
 *
 *   git worktree add --detach /tmp/seg-before <commit> && ln -s "$PWD/node_modules" /tmp/seg-before/node_modules
 *   GROUNDCT_TEST_DATA=$PWD/../shared/data npx tsx eval/bench/segment-builtin-compare.ts /tmp/seg-before [runs]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../../src/config.ts';
import type { RunOptions } from '../../src/segment/types.ts';
import { readVolume, type LabelMap, type Volume } from '../../src/volume/index.ts';
import { dataPath, REPO_ROOT } from '../../test/helpers/data.ts';

type SegmentFn = (ct: Volume, options?: RunOptions) => Promise<LabelMap>;
const REPEATS = 15;
const [beforeRoot, runsArg] = process.argv.slice(2);
if (!beforeRoot) {
  console.error('usage: segment-builtin-compare.ts <root of the previous checkout> [runs, default 3]');
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const load = async (root: string): Promise<SegmentFn> =>
  ((await import(pathToFileURL(resolve(root, 'src/segment/builtin/builtin-segmenter.ts')).href)) as { segmentBuiltin: SegmentFn }).segmentBuiltin;
const versions: [string, SegmentFn][] = [['before', await load(beforeRoot)], ['after', await load(REPO_ROOT)]];

const source = await readVolume(dataPath('totalseg/example_ct_dicom'), defaultConfig().volume);
const [nx, ny, nz] = source.grid.dims;
const data = new Int16Array(source.data.length * REPEATS);
for (let r = 0; r < REPEATS; r++) data.set(source.data, r * source.data.length);
const ct: Volume = { ...source, grid: { dims: [nx, ny, nz * REPEATS], ijkToRas: source.grid.ijkToRas }, data };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map<string, number[][]>(versions.map(([name]) => [name, []]));
for (let r = 0; r < runs; r++)
  for (const [name, segment] of versions) {
    const marks = [performance.now()];
    await segment(ct, { onProgress: (p) => { if (p.done > 0) marks.push(performance.now()); } });
    marks.push(performance.now());
    // total, body, lungs + airways, bone, assembly (s)
    const row = [(marks[4] - marks[0]) / 1000, ...[1, 2, 3, 4].map((n) => (marks[n] - marks[n - 1]) / 1000)];
    times.get(name)!.push(row);
    console.log(`${name} run ${r + 1}: ${row.map((s) => s.toFixed(2)).join(' / ')} s (total / body / lungs / bone / assembly)`);
  }
for (const [name, rows] of times) {
  const med = [0, 1, 2, 3, 4].map((c) => median(rows.map((row) => row[c])));
  console.log(`${name} median of ${rows.length}: total ${med[0].toFixed(2)} s; body ${med[1].toFixed(2)}, lungs ${med[2].toFixed(2)}, bone ${med[3].toFixed(2)}, assembly ${med[4].toFixed(2)} s`);
}
