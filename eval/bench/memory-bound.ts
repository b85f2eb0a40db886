/**
 * Peak RSS of each command against the stated bound (README, "Limits"): peak RSS <= 450 MiB + 4 x D, where D is the
 * decompressed bytes the inputs' headers declare. Synthetic 512 x 512 x N int16 CTs with a 3-label uint8 mask are
 * written, and info, measure, report (with masks, --dicom --fhir) and report without masks (built-in segmenter)
 * run each in a fresh process; peak RSS is that process's VmHWM (/proc/self/status; ru_maxrss would carry the parent's size over fork and exec).
 *
 *   npx tsx eval/bench/memory-bound.ts [--slices 120,240] [--out eval/results/memory-bound.md]
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeNifti } from '../../src/volume/index.ts';
import { BASE_RSS_MB, rssBoundMb, RSS_PER_DECLARED_BYTE, runFresh } from '../../test/corpus/run.ts';

const { values } = parseArgs({ options: { slices: { type: 'string', default: '120,240' }, out: { type: 'string', default: 'eval/results/memory-bound.md' } } });
const dir = await mkdtemp(join(tmpdir(), 'gct-memory-'));
await mkdir(join(dir, 'data'));
// The fresh processes run as nobody when this one is root (test/corpus/run.ts): let them in and let them write.
await chmod(dir, 0o777);
await chmod(join(dir, 'data'), 0o777);
const rows: string[] = [];
let worst = 0;
for (const slices of values.slices!.split(',').map(Number)) {
  const dims = [512, 512, slices] as const;
  const n = dims[0] * dims[1] * dims[2];
  const ct = new Int16Array(n);
  const masks = new Uint8Array(n);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const v = i + dims[0] * (j + dims[1] * k);
        const r = Math.hypot(i - 256, j - 256);
        ct[v] = r < 200 ? 40 + ((v * 7) % 50) : -1000;
        masks[v] = r < 60 ? 1 : r < 120 && i > 256 ? 2 : r < 150 && j > 300 ? 3 : 0;
      }
  const grid = { dims, ijkToRas: [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] } as never;
  const ctPath = join(dir, `ct-${slices}.nii.gz`);
  const masksPath = join(dir, `masks-${slices}.nii.gz`);
  const labelMap = join(dir, 'labels.json');
  await writeFile(ctPath, gzipSync(encodeNifti({ grid, data: ct }), { level: 1 }));
  await writeFile(masksPath, gzipSync(encodeNifti({ grid, data: masks }), { level: 1 }));
  await writeFile(labelMap, JSON.stringify({ 1: 'liver', 2: 'spleen', 3: 'kidney_left' }));
  const ctBytes = 352 + 2 * n;
  const maskBytes = 352 + n;
  const runs: [string, string[], number][] = [
    ['info', ['info', ctPath, '--json'], ctBytes],
    ['measure', ['measure', ctPath, '--masks', masksPath, '--label-map', labelMap, '--out', join(dir, `m-${slices}.json`)], ctBytes + maskBytes],
    ['report (masks, --dicom --fhir)', ['report', ctPath, '--masks', masksPath, '--label-map', labelMap, '--out', join(dir, `r-${slices}`), '--dicom', join(dir, `d-${slices}`), '--fhir'], ctBytes + maskBytes],
    ['report (built-in segmenter)', ['report', ctPath, '--out', join(dir, `s-${slices}`)], ctBytes],
  ];
  for (const [name, argv, declared] of runs) {
    const reply = await runFresh(argv, join(dir, 'data'), 600_000);
    if (reply === 'timeout' || reply === 'crash' || reply.code !== 0) throw new Error(`${name} on ${slices} slices failed: ${typeof reply === 'string' ? reply : reply.stderr}`);
    const rssMb = reply.maxRssKb / 1024;
    const bound = rssBoundMb(declared);
    worst = Math.max(worst, rssMb / bound);
    rows.push(`| 512 x 512 x ${slices} | ${name} | ${(declared / 2 ** 20).toFixed(1)} | ${rssMb.toFixed(0)} | ${bound.toFixed(0)} | ${((rssMb - BASE_RSS_MB) / (declared / 2 ** 20)).toFixed(2)} | ${(reply.ms / 1000).toFixed(1)} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
}
await rm(dir, { recursive: true, force: true });
const text = `# Peak memory of each command against the stated bound

Bound (README, "Limits"): peak RSS <= ${BASE_RSS_MB} MiB + ${RSS_PER_DECLARED_BYTE} x D, D = the decompressed bytes the inputs' headers
declare (voxels x bytes per voxel + header, CT and masks). Peak RSS = VmHWM (/proc/self/status) of a fresh
process running the command in-process (test/corpus/child.ts), Node + tsx + the whole CLI loaded.

Command: \`npx tsx eval/bench/memory-bound.ts --slices ${values.slices}\`
Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; \`uptime\`: ${execFileSync('uptime').toString().trim()} (shared machine: times are
noisy, memory is not). Date: ${new Date().toISOString()}.

| CT | command | D (MiB) | peak RSS (MiB) | bound (MiB) | (RSS - ${BASE_RSS_MB}) / D | wall (s) |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Largest RSS / bound: ${worst.toFixed(2)}. A Node process with the CLI loaded and nothing read peaks at 300-350 MiB here (the
refused bombs of eval/results/robustness-corpus.md show it); refused inputs are held to the same formula with D = what
their headers declare, so a 4 MB file that would inflate to 4 GiB costs no more than the base.
`;
await writeFile(values.out!, text);
console.log(`wrote ${values.out}; largest RSS / bound ${worst.toFixed(2)}`);
