/**
 * Benchmark: lesion analysis (components, RECIST diameters, optional IBSI shape) for 20 lesions of 1-30 mL on a
 * 512 x 512 x 400 grid (0.7 x 0.7 x 2.5 mm). Goal (issue 3): under 1 s in total without shape features.
 * Run: npx tsx eval/bench/measure-lesions.ts   (prints a JSON line; results are recorded in eval/results/).
 */
import { cpus } from 'node:os';
import { measureLesions } from '../../src/measure/index.ts';
import type { Dims, Mat4 } from '../../src/volume/index.ts';

const dims: Dims = [512, 512, 400];
const spacing = [0.7, 0.7, 2.5];
const M: Mat4 = [-spacing[0], 0, 0, 180, 0, -spacing[1], 0, 180, 0, 0, spacing[2], -900, 0, 0, 0, 1];
const n = dims[0] * dims[1] * dims[2];
const layer = new Uint8Array(n);
const ct = new Int16Array(n);
for (let q = 0; q < 20; q++) {
  const ml = 1 + (29 * q) / 19;
  const rMm = Math.cbrt((3 * ml * 1000) / (4 * Math.PI));
  const centre = [60 + (q % 5) * 95, 60 + Math.floor(q / 5) * 110, 30 + q * 18];
  const reach = spacing.map((s) => Math.ceil(rMm / s));
  for (let k = centre[2] - reach[2]; k <= centre[2] + reach[2]; k++)
    for (let j = centre[1] - reach[1]; j <= centre[1] + reach[1]; j++)
      for (let i = centre[0] - reach[0]; i <= centre[0] + reach[0]; i++) {
        const d2 = ((i - centre[0]) * spacing[0]) ** 2 + ((j - centre[1]) * spacing[1]) ** 2 + ((k - centre[2]) * spacing[2]) ** 2;
        if (d2 <= rMm * rMm) {
          const idx = i + dims[0] * (j + dims[1] * k);
          layer[idx] = 7;
          ct[idx] = 45;
        }
      }
}
const meta = { source: { format: 'phantom' as const, path: 'memory' } };
const grid = { dims, ijkToRas: M };
const results: Record<string, number[]> = { withoutShapeMs: [], withShapeMs: [] };
for (let rep = 0; rep < 3; rep++) {
  for (const withShape of [false, true]) {
    const start = performance.now();
    const r = measureLesions({ kind: 'volume', grid, data: ct, meta }, { kind: 'labelmap', grid, layers: [layer], labels: [{ id: 7, name: 'lesion', layer: 0 }], meta }, [7], { minLesionVolumeMm3: 50, withShape });
    if (r.lesions.length !== 20) throw new Error(`expected 20 lesions, got ${r.lesions.length}`);
    results[withShape ? 'withShapeMs' : 'withoutShapeMs'].push(performance.now() - start);
  }
}
console.log(JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, lesions: 20, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map((x) => Math.round(x))])) }));
