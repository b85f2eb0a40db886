/**
 * Speed of the built-in segmenter on a 512 x 512 x 300 CT (goal: under 5 s).
 *
 *   npx tsx eval/bench/segment-builtin.ts
 *
 * The volume is the 20-slice example_ct_dicom (512 x 512, contrast CT at the liver dome) repeated 15 times
 * along k (real HU statistics, 78.6 M voxels). Writes eval/results/segment-builtin-speed.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { segmentBuiltin } from '../../src/segment/index.ts';
import { readVolume, type Volume } from '../../src/volume/index.ts';
import { dataPath, REPO_ROOT } from '../../test/helpers/data.ts';

const REPEATS = 15;
const source = await readVolume(dataPath('totalseg/example_ct_dicom'), defaultConfig().volume);
const [nx, ny, nz] = source.grid.dims;
const data = new Int16Array(nx * ny * nz * REPEATS);
for (let r = 0; r < REPEATS; r++) data.set(source.data, r * source.data.length);
const ct: Volume = { ...source, grid: { dims: [nx, ny, nz * REPEATS], ijkToRas: source.grid.ijkToRas }, data };
const t0 = performance.now();
const steps: string[] = [];
let last = t0;
const labels = await segmentBuiltin(ct, { onProgress: (p) => { const now = performance.now(); steps.push(`${p.done}/${p.total}: ${((now - last) / 1000).toFixed(2)} s`); last = now; } });
const seconds = (performance.now() - t0) / 1000;
const voxelsPerId = labels.layers.map((layer) => {
  const count = new Float64Array(256);
  for (let n = 0; n < layer.length; n++) count[layer[n]]++;
  return count;
});
const counts = labels.labels.map((l) => `${l.name} ${voxelsPerId[l.layer][l.id]}`);
const md = `# Built-in segmenter speed

Date ${new Date().toISOString().slice(0, 10)}; machine ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared with other work),
Node ${process.version}, single thread; command \`npx tsx eval/bench/segment-builtin.ts\`.
Volume: example_ct_dicom (512 x 512 x 20) repeated ${REPEATS} times along k = ${nx} x ${ny} x ${nz * REPEATS} voxels.

- seconds per study: **${seconds.toFixed(2)}** (goal < 5 s)
- steps (body / lungs + airways / bone): ${steps.slice(1).join('; ')}
- voxels per label: ${counts.join(', ')}

The machine is shared (load average 2-5 on its 2 cores during runs), so single runs vary by up to 1.5x.

Before/after on 2026-11-26 (issue 9), medians of 3 runs each, alternating in one process under the same load
(\`npx tsx eval/bench/segment-builtin-compare.ts /tmp/seg-before 3\`, previous code in a git worktree at b442e4a;
steps: total / body / lungs + airways / bone / layer assembly):

| code | total s | body s | lungs s | bone s | assembly s |
|---|---|---|---|---|---|
| before (b442e4a) | 6.46 | 2.08 | 0.84 | 3.03 | 0.44 |
| after | 1.15 | 0.31 | 0.10 | 0.57 | 0.19 |

The output is byte-identical to the previous code (both label layers, label list and notes) on example_ct_sm,
example_ct_dicom, this benchmark volume and example_ct_sm with j and k swapped (axial = j, the non-contiguous
slice paths): \`npx tsx eval/bench/segment-builtin-identity.ts record|check <folder>\`. What changed: components
are labelled on runs along i and kept components painted run by run (no per-voxel label volume); the tissue runs
are cut straight from the HU values; the body's axial holes are the gaps between the kept runs of each slice;
lung air and bone thresholds are scanned inside the body's runs only; the bone closing (marrow step) is done on
runs (dilation by the square, erosion as the complement of the dilation of the complement) whose complement's
runs are the hole candidates; layers are painted by runs; zero stretches are skipped with indexOf. Left: the
bone step (threshold scan of the body voxels, seed growth, per-slice run morphology) is half of the time; the
tissue threshold scan of all 78.6 M voxels is about 0.12 s. The benchmark slab (liver dome) holds no lung, so
the lung split and the slice-by-slice airway growing (airways.ts, unchanged) are not timed at full size here.
`;
writeFileSync(join(REPO_ROOT, 'eval/results/segment-builtin-speed.md'), md);
console.log(md);
