/**
 * Sliding-window throughput of the ONNX runner on CPU, 1 and 2 ORT threads.
 *
 *   /usr/bin/python3 eval/bench/segment_unet_onnx.py /tmp/groundct-bench-unet   # random-weight U-Net
 *   npx tsx eval/bench/segment-onnx.ts /tmp/groundct-bench-unet
 *
 * Study: a 1.5 mm isotropic abdomen-sized CT, 256 x 256 x 300 voxels (384 x 384 x 450 mm), RAS, smooth
 * synthetic HU (speed does not depend on content). At the model's 3 mm that is 128 x 128 x 150 voxels and,
 * with 112 x 112 x 128 patches at 50 % overlap, 2 x 2 x 2 = 8 windows. Writes eval/results/segment-onnx.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadOnnxSegmenter } from '../../src/segment/index.ts';
import { makeIjkToRas, rasPoint, type Volume } from '../../src/volume/index.ts';
import { REPO_ROOT } from '../../test/helpers/data.ts';

const modelDir = process.argv[2] ?? '/tmp/groundct-bench-unet';
const DIMS = [256, 256, 300] as const;
const SPACING_MM = 1.5;
const data = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]);
for (let k = 0, v = 0; k < DIMS[2]; k++)
  for (let j = 0; j < DIMS[1]; j++)
    for (let i = 0; i < DIMS[0]; i++, v++) data[v] = Math.round(200 * Math.sin(i / 17) * Math.cos(j / 23) + 50 * Math.sin(k / 11));
const ct: Volume = {
  kind: 'volume',
  grid: { dims: DIMS, ijkToRas: makeIjkToRas({ spacingMm: [SPACING_MM, SPACING_MM, SPACING_MM], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) },
  data,
  meta: { source: { format: 'phantom', path: 'bench' } },
};
const voxels = data.length;
const rows: string[] = [];
for (const threads of [1, 2]) {
  const seg = await loadOnnxSegmenter(modelDir, { threads });
  const marks: Record<string, number> = {};
  let patches = 0;
  const t0 = performance.now();
  await seg.segment(ct, {
    onProgress: (p) => {
      marks[`${p.step}-${p.done === p.total ? 'end' : 'start'}`] ??= performance.now();
      if (p.step === 'infer') patches = p.total;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  await seg.close();
  const inferS = ((marks['infer-end'] ?? 0) - (marks['preprocess-end'] ?? 0)) / 1000;
  const row = `| ${threads} | ${seconds.toFixed(1)} | ${(voxels / seconds / 1e6).toFixed(2)} | ${patches} | ${(inferS / patches).toFixed(2)} | ${(((marks['preprocess-end'] ?? 0) - t0) / 1000).toFixed(2)} | ${((performance.now() - (marks['postprocess-start'] ?? performance.now())) / 1000).toFixed(2)} |`;
  console.log(row);
  rows.push(row);
}
const md = `# ONNX sliding-window throughput (CPU)

Date ${new Date().toISOString().slice(0, 10)}; machine ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared with other
work), Node ${process.version}, onnxruntime-node 1.30.0 CPU provider; command
\`/usr/bin/python3 eval/bench/segment_unet_onnx.py /tmp/groundct-bench-unet && npx tsx eval/bench/segment-onnx.ts /tmp/groundct-bench-unet\`.

Network: random-weight 3D U-Net the size of a TotalSegmentator 'fast' model (5 levels, 32-320 features, two
3x3x3 conv + instance norm + leaky ReLU per level, 118 output classes, 16.6 M parameters), 3 mm input, patch
112 x 112 x 128 (i, j, k), 50 % overlap, Gaussian weighting, no mirroring, batch 1.
Study: 256 x 256 x 300 voxels at 1.5 mm (${(voxels / 1e6).toFixed(1)} M voxels) -> 128 x 128 x 150 at 3 mm.
voxels/s counts CT voxels (the study's own grid) per second of the whole segment call.

| ORT threads | seconds per study | M voxels/s | patches | s per patch | preprocess s | postprocess s |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
writeFileSync(join(REPO_ROOT, 'eval/results/segment-onnx.md'), md);
console.log(md);
