/**
 * The built-in segmenter on a synthetic chest whose truth is known by construction: body (40 HU) as an
 * elliptic cylinder in air, two lungs (-850 HU) at RAS x = ±40 mm, a trachea (-1000 HU, radius 8 mm) from the
 * top down to a carina at z = 30 mm and two main bronchi into the lungs, a spine (700 HU cortex, 250 HU
 * marrow) and a bowel gas pocket (-1000 HU) that must not be taken as lung. Sampled on an RAS grid and on an
 * LPS grid (array order flipped in i and j): left and right must follow the affine.
 */
import { describe, expect, it } from 'vitest';
import { applyMat4, makeIjkToRas, rasPoint, type Volume } from '../../volume/index.ts';
import { segmentBuiltin } from './builtin-segmenter.ts';

const SPACING_MM = 2;
const DIMS = [90, 70, 90] as const;

function segmentDistance(p: readonly number[], a: readonly number[], b: readonly number[]): number {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1] + (p[2] - a[2]) * ab[2]) / (ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2)));
  return Math.hypot(p[0] - a[0] - t * ab[0], p[1] - a[1] - t * ab[1], p[2] - a[2] - t * ab[2]);
}

type Truth = 'air' | 'body' | 'lung_left' | 'lung_right' | 'trachea' | 'bronchi' | 'bone' | 'gas';
function truthAt([x, y, z]: readonly number[]): Truth {
  if ((x / 80) ** 2 + (y / 60) ** 2 > 1) return 'air';
  if (Math.hypot(x, y - 10) <= 8 && z >= 30) return 'trachea';
  if (segmentDistance([x, y, z], [0, 10, 30], [-35, 5, 0]) <= 5 || segmentDistance([x, y, z], [0, 10, 30], [35, 5, 0]) <= 5) return 'bronchi';
  for (const side of [-1, 1]) if (((x - side * 40) / 30) ** 2 + (y / 40) ** 2 + (z / 70) ** 2 <= 1) return side < 0 ? 'lung_left' : 'lung_right';
  if (Math.hypot(x, y + 45) <= 12) return 'bone';
  if (Math.hypot(x, y + 10, z + 78) <= 9) return 'gas';
  return 'body';
}
const HU: Record<Truth, number> = { air: -1000, body: 40, lung_left: -850, lung_right: -850, trachea: -1000, bronchi: -1000, bone: 400, gas: -1000 };

function phantom(direction: number[]): { ct: Volume; truth: Truth[] } {
  const centre = [(DIMS[0] - 1) / 2, (DIMS[1] - 1) / 2, (DIMS[2] - 1) / 2].map((c) => -c * SPACING_MM);
  const originRas = rasPoint(direction[0] * centre[0], direction[4] * centre[1], direction[8] * centre[2]);
  const grid = { dims: DIMS, ijkToRas: makeIjkToRas({ spacingMm: [SPACING_MM, SPACING_MM, SPACING_MM], direction, originRas }) };
  const data = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]);
  const truth: Truth[] = [];
  for (let k = 0, v = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++, v++) {
        const ras = applyMat4(grid.ijkToRas, [i, j, k]);
        const t = truthAt(ras);
        truth.push(t);
        // Spine: 2 mm cortex of 700 HU around 250 HU marrow.
        data[v] = t === 'bone' ? (Math.hypot(ras[0], ras[1] + 45) >= 10 ? 700 : 250) : HU[t];
      }
  return { ct: { kind: 'volume', grid, data, meta: { source: { format: 'phantom', path: 'chest phantom' } } }, truth };
}

function diceOf(pred: ArrayLike<number>, id: number, truth: Truth[], want: Truth[]): number {
  let inter = 0, a = 0, b = 0;
  for (let v = 0; v < truth.length; v++) {
    const p = pred[v] === id, t = want.includes(truth[v]);
    if (p) a++;
    if (t) b++;
    if (p && t) inter++;
  }
  return (2 * inter) / (a + b);
}

describe('built-in segmenter on a synthetic chest', () => {
  for (const [name, direction] of [['RAS', [1, 0, 0, 0, 1, 0, 0, 0, 1]], ['LPS', [-1, 0, 0, 0, -1, 0, 0, 0, 1]]] as const) {
    it(`finds lungs by side from the affine (${name} storage), trachea, bronchi, bone and body`, async () => {
      const { ct, truth } = phantom([...direction]);
      const labels = await segmentBuiltin(ct);
      const id = (n: string) => labels.labels.find((l) => l.name === n)!.id;
      const organs = labels.layers[0];
      expect(diceOf(organs, id('lung_left'), truth, ['lung_left'])).toBeGreaterThan(0.985);
      expect(diceOf(organs, id('lung_right'), truth, ['lung_right'])).toBeGreaterThan(0.985);
      expect(diceOf(organs, id('trachea'), truth, ['trachea'])).toBeGreaterThan(0.95);
      // This phantom's bronchi have no wall inside the lung: the lumen's 3 x 3 mean (airways.ts) loses the pixel
      // where lumen air meets lung air. The mean keeps a noisy real trachea in one piece (eval/results/lung-nodules.md).
      expect(diceOf(organs, id('bronchi'), truth, ['bronchi'])).toBeGreaterThan(0.83);
      expect(diceOf(organs, id('skeleton'), truth, ['bone'])).toBeGreaterThan(0.99);
      // Measured: lungs 0.999 / 0.999, trachea 0.958, bronchi 0.844, bone 1.000 in both storage orders (before the
      // junction-line cut and the smoothed lumen: lungs 1.000 / 0.990, trachea 0.939, bronchi 0.877).
      // The gas pocket is inside the body but is not lung.
      const gas = truth.findIndex((t) => t === 'gas');
      expect(organs[gas]).toBe(0);
      expect(labels.layers[1][gas]).toBe(id('body'));
      expect(diceOf(labels.layers[1], id('body'), truth, ['body', 'lung_left', 'lung_right', 'trachea', 'bronchi', 'bone', 'gas'])).toBeGreaterThan(0.995);
    });
  }
});
