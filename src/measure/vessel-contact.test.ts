import { describe, expect, it } from 'vitest';
import type { Dims, Grid } from '../volume/geometry.ts';
import { applyMat4, makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import { axialAxisOf, contactClassOf, vesselContact, vesselContacts } from './vessel-contact.ts';

/**
 * Phantoms are defined in patient RAS mm and sampled at voxel centres, so the truth does not depend on how the
 * volume is stored. Vessel: a cylinder of radius 4 mm along the superior-inferior (z) axis through x = y = 0.
 * Tumour: the sector of a shell (4 mm < rho <= 12 mm, polar angle from 20 deg over `arcDeg`), z in [-8, 8] mm.
 */
interface Layout { name: string; dims: Dims; spacingMm: [number, number, number]; direction: number[]; axial: 0 | 1 | 2 }
const c30 = Math.cos(Math.PI / 6), s30 = Math.sin(Math.PI / 6);
const layouts: Layout[] = [
  { name: 'LPS storage, 0.8 x 0.8 x 2 mm, S-I along k', dims: [56, 56, 14], spacingMm: [0.8, 0.8, 2], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], axial: 2 },
  { name: 'S-I along i, 2 x 0.8 x 0.8 mm', dims: [14, 56, 56], spacingMm: [2, 0.8, 0.8], direction: [0, 1, 0, 0, 0, 1, 1, 0, 0], axial: 0 },
  { name: 'flipped axes, S-I along -i', dims: [14, 56, 56], spacingMm: [2, 0.8, 0.8], direction: [0, -1, 0, 0, 0, 1, -1, 0, 0], axial: 0 },
  { name: 'S-I along j (coronal storage), flipped k', dims: [45, 14, 45], spacingMm: [1, 2, 1], direction: [1, 0, 0, 0, 0, -1, 0, 1, 0], axial: 1 },
  { name: 'in-plane rotation 30 deg, 1 mm', dims: [45, 45, 14], spacingMm: [1, 1, 2], direction: [c30, -s30, 0, s30, c30, 0, 0, 0, 1], axial: 2 },
];

function makeGrid(l: Layout): Grid {
  const base = makeIjkToRas({ spacingMm: l.spacingMm, direction: l.direction, originRas: rasPoint(0, 0, 0) });
  const mid = applyMat4(base, [(l.dims[0] - 1) / 2, (l.dims[1] - 1) / 2, (l.dims[2] - 1) / 2]);
  // Centre the field on (0.3, -0.2, 0): an off-grid centre avoids symmetric ties.
  return { dims: l.dims, ijkToRas: makeIjkToRas({ spacingMm: l.spacingMm, direction: l.direction, originRas: rasPoint(0.3 - mid[0], -0.2 - mid[1], -mid[2]) }) };
}

/** Ring actually used on a layout whose pixels are finer than 1.4 mm: the RadGPT 2 mm. */
function makeGridRing(l: Layout): number {
  const grid = makeGrid(l);
  const one = select(grid, (x, y, z) => x * x + y * y <= 4 && Math.abs(z) < 1);
  return vesselContact(one, 'v', one, grid).ringMm;
}

function select(grid: Grid, f: (x: number, y: number, z: number) => boolean): Uint32Array {
  const [nx, ny, nz] = grid.dims;
  const out: number[] = [];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const [x, y, z] = applyMat4(grid.ijkToRas, [i, j, k]);
    if (f(x, y, z)) out.push(i + nx * (j + ny * k));
  }
  return Uint32Array.from(out);
}

const R_VESSEL = 4;
const inVessel = (x: number, y: number, cx = 0) => (x - cx) ** 2 + y * y <= R_VESSEL * R_VESSEL;
function inSector(x: number, y: number, z: number, arcDeg: number, rhoMin: number, rhoMax: number, cx = 0): boolean {
  const rho = Math.hypot(x - cx, y);
  if (rho <= rhoMin || rho > rhoMax || Math.abs(z) > 8) return false;
  const phi = ((((Math.atan2(y, x - cx) * 180) / Math.PI - 20) % 360) + 360) % 360;
  return phi <= arcDeg;
}

describe('vessel contact angle on phantoms', () => {
  for (const layout of layouts) {
    describe(layout.name, () => {
      const grid = makeGrid(layout);
      const vessel = select(grid, (x, y) => inVessel(x, y));
      it('picks the axial axis from the affine', () => {
        expect(axialAxisOf(grid)).toBe(layout.axial);
      });
      for (const arcDeg of [90, 180, 270]) {
        it(`tumour wrapping ${arcDeg} deg -> within 15 deg`, () => {
          const tumour = select(grid, (x, y, z) => inSector(x, y, z, arcDeg, R_VESSEL, 12));
          const r = vesselContact(tumour, 'superior_mesenteric_artery', vessel, grid);
          expect(Math.abs(r.contactAngleDeg - arcDeg)).toBeLessThanOrEqual(15);
          expect(r.axialAxis).toBe(layout.axial);
          expect(r.minDistanceMm).toBe(0);
          expect(r.slicesWithContact).toBeGreaterThan(0);
          if (arcDeg !== 180) expect(r.contactClass).toBe(arcDeg < 180 ? 'abutment' : 'encasement');
        });
      }
      it('a tumour 5 mm from the vessel: no contact, gap about 5 mm', () => {
        // tumour voxel centres at rho > 4 + 5 + 0.9 mm; cells reach about half a voxel toward each other
        const tumour = select(grid, (x, y, z) => inSector(x, y, z, 120, R_VESSEL + 5.9, 16));
        const r = vesselContact(tumour, 'aorta', vessel, grid);
        expect(r.contactAngleDeg).toBe(0);
        expect(r.contactClass).toBe('none');
        expect(r.maxContactSlice).toBeNull();
        expect(r.slicesEvaluated).toBeGreaterThan(0);
        expect(Math.abs(r.minDistanceMm - 5)).toBeLessThanOrEqual(0.6);
      });
    });
  }

  it('a fully surrounding tumour is 360 deg encasement', () => {
    const grid = makeGrid(layouts[0]);
    const r = vesselContact(select(grid, (x, y, z) => inSector(x, y, z, 360, R_VESSEL, 10)), 'sma', select(grid, (x, y) => inVessel(x, y)), grid);
    expect(r.contactAngleDeg).toBe(360);
    expect(r.contactClass).toBe('encasement');
  });

  it('two cross-sections on one slice are measured around their own centroids', () => {
    const l: Layout = { name: 'wide', dims: [64, 40, 12], spacingMm: [0.8, 0.8, 2], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], axial: 2 };
    const grid = makeGrid(l);
    const vessel = select(grid, (x, y) => inVessel(x, y, -12) || inVessel(x, y, 12));
    const tumour = select(grid, (x, y, z) => inSector(x, y, z, 90, R_VESSEL, 10, 12));
    const [r] = vesselContacts(tumour, [{ name: 'splenic_artery', voxels: vessel }], grid);
    expect(Math.abs(r.contactAngleDeg - 90)).toBeLessThanOrEqual(15);
  });

  it('3 mm pixels: the ring widens to the pixel diagonal and still measures the wrap', () => {
    const l: Layout = { name: 'coarse', dims: [24, 24, 8], spacingMm: [3, 3, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], axial: 2 };
    const grid = makeGrid(l);
    const vessel = select(grid, (x, y) => x * x + y * y <= 9 * 9);
    const tumour = select(grid, (x, y, z) => inSector(x, y, z, 180, 9, 20));
    const r = vesselContact(tumour, 'aorta', vessel, grid);
    expect(r.ringMm).toBeCloseTo(3 * Math.SQRT2, 6);
    expect(Math.abs(r.contactAngleDeg - 180)).toBeLessThanOrEqual(15);
    expect(makeGridRing(layouts[0])).toBe(2);
  });

  it('a lesion on other slices only is not evaluated', () => {
    const grid = makeGrid(layouts[0]);
    const vessel = select(grid, (x, y, z) => inVessel(x, y) && z < -4);
    const tumour = select(grid, (x, y, z) => inSector(x, y, z, 180, R_VESSEL, 10) && z > 4);
    const r = vesselContact(tumour, 'sma', vessel, grid);
    expect(r).toMatchObject({ contactAngleDeg: 0, contactClass: 'none', slicesEvaluated: 0 });
    expect(r.minDistanceMm).toBeGreaterThan(5);
  });

  it('classes: 0 none, under 180 abutment, 180 or more encasement (RadGPT)', () => {
    expect(contactClassOf(0)).toBe('none');
    expect(contactClassOf(179.9)).toBe('abutment');
    expect(contactClassOf(180)).toBe('encasement');
  });
});
