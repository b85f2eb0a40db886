/**
 * Output identity of the built-in segmenter across speed work: records its label arrays on fixed inputs, then
 * checks later code against them byte for byte (and reports Dice per label where they differ).
 *
 *   npx tsx eval/bench/segment-builtin-identity.ts record /tmp/seg-ref
 *   npx tsx eval/bench/segment-builtin-identity.ts check /tmp/seg-ref
 *
 * Inputs: example_ct_sm (NIfTI, 1.5 mm), example_ct_dicom (0.98 mm, contrast), the speed benchmark volume
 * (example_ct_dicom repeated 15 times along k, see segment-builtin.ts) and example_ct_sm with its j and k
 * array axes swapped (the axial axis is then j: the non-contiguous slice paths). Nothing is written into the
 * repository.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { segmentBuiltin } from '../../src/segment/index.ts';
import { readVolume, type Mat4, type Volume } from '../../src/volume/index.ts';
import { dataPath } from '../../test/helpers/data.ts';

const BENCH_REPEATS = 15;

function repeatAlongK(source: Volume, repeats: number): Volume {
  const [nx, ny, nz] = source.grid.dims;
  const data = new Int16Array(source.data.length * repeats);
  for (let r = 0; r < repeats; r++) data.set(source.data, r * source.data.length);
  return { ...source, grid: { dims: [nx, ny, nz * repeats], ijkToRas: source.grid.ijkToRas }, data };
}

/** Same voxels with array axes j and k swapped (ijkToRas columns 1 and 2 swapped: same RAS positions). */
function swapJk(source: Volume): Volume {
  const [nx, ny, nz] = source.grid.dims;
  const data = new Int16Array(source.data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) data[i + nx * (k + nz * j)] = source.data[i + nx * (j + ny * k)];
  const m = source.grid.ijkToRas;
  const ijkToRas = [
    m[0], m[2], m[1], m[3],
    m[4], m[6], m[5], m[7],
    m[8], m[10], m[9], m[11],
    m[12], m[14], m[13], m[15],
  ] as unknown as Mat4;
  return { ...source, grid: { dims: [nx, nz, ny], ijkToRas }, data };
}

function dice(a: Uint8Array, b: Uint8Array, id: number): number {
  let inter = 0, na = 0, nb = 0;
  for (let n = 0; n < a.length; n++) {
    const x = a[n] === id, y = b[n] === id;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return na + nb === 0 ? 1 : (2 * inter) / (na + nb);
}

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'record' && mode !== 'check') || !dir) {
  console.error('usage: segment-builtin-identity.ts record|check <folder>');
  process.exit(2);
}
const config = defaultConfig().volume;
const sm = await readVolume(dataPath('totalseg/example_ct_sm.nii.gz'), config);
const dicom = await readVolume(dataPath('totalseg/example_ct_dicom'), config);
const cases: [string, () => Volume][] = [
  ['example_ct_sm', () => sm],
  ['example_ct_dicom', () => dicom],
  ['bench_dicom_x15', () => repeatAlongK(dicom, BENCH_REPEATS)],
  ['example_ct_sm_swapped_jk', () => swapJk(sm)],
];
if (mode === 'record') mkdirSync(dir, { recursive: true });
let failures = 0;
for (const [name, make] of cases) {
  const ct = make();
  const t0 = performance.now();
  const out = await segmentBuiltin(ct);
  const seconds = (performance.now() - t0) / 1000;
  const meta = JSON.stringify({ labels: out.labels, notes: out.meta.notes ?? [] });
  if (mode === 'record') {
    out.layers.forEach((layer, l) => writeFileSync(join(dir, `${name}.layer${l}.u8`), layer as Uint8Array));
    writeFileSync(join(dir, `${name}.meta.json`), meta);
    console.log(`${name}: recorded (${seconds.toFixed(2)} s)`);
    continue;
  }
  const problems: string[] = [];
  if (readFileSync(join(dir, `${name}.meta.json`), 'utf8') !== meta) problems.push('labels or notes differ');
  out.layers.forEach((layer, l) => {
    const file = join(dir, `${name}.layer${l}.u8`);
    const ref = existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array(0);
    const got = layer as Uint8Array;
    if (ref.length === got.length && Buffer.compare(Buffer.from(ref.buffer, ref.byteOffset, ref.length), Buffer.from(got.buffer, got.byteOffset, got.length)) === 0) return;
    const ids = out.labels.filter((e) => e.layer === l).map((e) => `${e.name} Dice ${ref.length === got.length ? dice(ref, got, e.id).toFixed(5) : 'n/a'}`);
    problems.push(`layer ${l} differs: ${ids.join(', ')}`);
  });
  if (problems.length) failures++;
  console.log(`${name}: ${problems.length ? problems.join('; ') : 'identical'} (${seconds.toFixed(2)} s)`);
}
process.exit(failures ? 1 : 0);
