import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Grid } from '../volume/geometry.ts';
import { crossSection } from './cross-section.ts';
import { cropMask, smoothedMask } from './mask-crop.ts';

/** A cylinder of radius r along RAS z with its axis at (cx, cy), on a grid of `spacing` mm, as a smoothed crop. */
function cylinder(r: number, spacing: [number, number, number], cx: number, cy: number) {
  const n = Math.ceil((2 * r + 12) / spacing[0]);
  const nz = 40;
  const grid: Grid = { dims: [n, n, nz], ijkToRas: makeIjkToRas({ spacingMm: spacing, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint((-n * spacing[0]) / 2, (-n * spacing[1]) / 2, 0) }) };
  const layer = new Uint8Array(n * n * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const x = (-n * spacing[0]) / 2 + i * spacing[0];
        const y = (-n * spacing[1]) / 2 + j * spacing[1];
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) layer[i + n * (j + n * k)] = 1;
      }
  return smoothedMask(cropMask(layer, grid, new Set([1]), { min: [0, 0, 0], max: [n - 1, n - 1, nz - 1] }, { marginVoxels: 0 }));
}

describe('crossSection (perpendicular vessel section)', () => {
  it.each([
    [16, 1.5, 0, 0],
    [16, 1.5, 0.75, 0.75],
    [16, 1.5, 0.3, 0.2],
    [10, 0.8, 0.4, 0.1],
    [6, 1, 0.5, 0.5],
  ])('a voxelised disc of radius %d mm at %d mm voxels (axis offset %d, %d): area-equivalent within half a voxel, maximal and perpendicular diameters within 0.7 voxel (each wall of a binary mask is known to half a voxel)', (r, voxel, cx, cy) => {
    const crop = cylinder(r, [voxel, voxel, voxel], cx, cy);
    const s = crossSection(crop, [cx, cy, 20 * voxel], [0, 0, 1], { pixelMm: 0.4, halfWidthMm: r + 4 })!;
    expect(Math.abs(s.areaEquivalentDiameterMm - 2 * r)).toBeLessThanOrEqual(0.5 * voxel);
    expect(Math.abs(s.maxDiameterMm - 2 * r)).toBeLessThanOrEqual(0.7 * voxel);
    expect(s.perpendicularDiameterMm).toBeLessThanOrEqual(s.maxDiameterMm);
    expect(Math.abs(s.perpendicularDiameterMm - 2 * r)).toBeLessThanOrEqual(0.7 * voxel);
    // The ends of the maximal diameter lie on the plane, one diameter apart.
    const [a, b] = s.maxDiameterEndsRas;
    expect(a[2]).toBeCloseTo(20 * voxel, 6);
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeCloseTo(s.maxDiameterMm, 3);
  });

  it('a plane tilted by 30 degrees cuts an ellipse: maximal diameter d / cos 30, perpendicular d', () => {
    const crop = cylinder(10, [0.8, 0.8, 0.8], 0, 0);
    const t = (30 * Math.PI) / 180;
    const s = crossSection(crop, [0, 0, 16], [Math.sin(t), 0, Math.cos(t)], { pixelMm: 0.4, halfWidthMm: 16 })!;
    expect(s.maxDiameterMm).toBeCloseTo(20 / Math.cos(t), 0);
    expect(Math.abs(s.perpendicularDiameterMm - 20)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.areaMm2 - (Math.PI * 100) / Math.cos(t))).toBeLessThan(0.03 * (Math.PI * 100) / Math.cos(t));
  });

  it('fills holes (a lumen around an unlabelled thrombus core counts whole) and keeps only the component at the centre', () => {
    const crop = cylinder(10, [1, 1, 1], 0, 0);
    const mask = crop.mask.slice();
    const [n] = crop.dims;
    // Punch a 4 mm hole in the middle and add a separate blob far away.
    for (let k = 0; k < crop.dims[2]; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          const x = -n / 2 + i;
          const y = -n / 2 + j;
          if (x * x + y * y <= 4) mask[i + n * (j + n * k)] = 0;
        }
    const holed = smoothedMask({ ...crop, mask, field: undefined });
    const s = crossSection(holed, [0, 0, 20], [0, 0, 1], { pixelMm: 0.4, halfWidthMm: 14 })!;
    expect(Math.abs(s.areaEquivalentDiameterMm - 20)).toBeLessThanOrEqual(0.5);
    expect(crossSection(holed, [40, 40, 20], [0, 0, 1], { pixelMm: 0.4, halfWidthMm: 2 })).toBeNull();
  });
});
