/**
 * A lumbar spine segment (T12 to L3) with known vertebral body heights: each body is an elliptic cylinder in the
 * axial plane whose height falls linearly from the posterior to the anterior wall (a wedge), with a cortical shell
 * and a trabecular core of stated HU, and a posterior arch and spinous process behind the spinal canal. The truth
 * is each body's height at any fraction of its depth, so anterior / middle / posterior heights and Genant height
 * loss are known exactly. Built with scene.ts at any spacing and orientation.
 */
import type { Vec3 } from '../volume/geometry.ts';
import type { Shape } from './shapes.ts';
import { box, difference, ellipticCylinder, intersection, union } from './shapes.ts';
import { buildScene, type Scene } from './scene.ts';
import type { Orientation } from './types.ts';

export interface VertebraSpec {
  readonly level: 'T12' | 'L1' | 'L2' | 'L3';
  /** Body height at the posterior and anterior walls, mm. */
  readonly posteriorHeightMm: number;
  readonly anteriorHeightMm: number;
  /** HU of the trabecular core. */
  readonly trabecularHu: number;
}

export interface SpinePhantomSpec {
  readonly spacingMm: Vec3;
  readonly orientation?: Orientation;
  readonly vertebrae: readonly VertebraSpec[];
  /** Label the bodies separately as TotalSegmentator's vertebrae_body (layer 1). */
  readonly withBodyMask?: boolean;
}

/** Body geometry shared by all levels (mm): axial semi-axes, the gap between bodies (disc), the cortex. */
export const BODY = { halfWidthMm: 22, halfDepthMm: 16, discMm: 9, cortexMm: 2, centreY: 0 } as const;

export interface SpinePhantom extends Scene {
  /** Centre (RAS z) of each body's mid-plane, by level. */
  readonly bodyCentreZ: Readonly<Record<string, number>>;
  /** The true body height at a fraction f of its depth from the posterior wall. */
  heightAt(level: string, f: number): number;
}

/** A body: the elliptic cylinder cut above and below by planes tilting from posterior to anterior height. */
function wedgeBody(zc: number, hp: number, ha: number, inset: number): Shape {
  const d = 2 * BODY.halfDepthMm;
  const y0 = BODY.centreY - BODY.halfDepthMm; // posterior wall
  const cyl = ellipticCylinder({ centerXYRas: [0, BODY.centreY], semiAxesMm: [BODY.halfWidthMm - inset, BODY.halfDepthMm - inset], zRangeMm: [zc - Math.max(hp, ha) / 2, zc + Math.max(hp, ha) / 2] });
  return {
    contains(x, y, z) {
      if (!cyl.contains(x, y, z)) return false;
      const f = Math.min(1, Math.max(0, (y - y0) / d));
      const h = hp + (ha - hp) * f - 2 * inset;
      return Math.abs(z - zc) <= h / 2;
    },
    rasBox: cyl.rasBox,
  };
}

export function spinePhantom(spec: SpinePhantomSpec): SpinePhantom {
  const ordered = [...spec.vertebrae];
  const bodyCentreZ: Record<string, number> = {};
  let z = 0;
  for (const v of ordered) {
    const h = Math.max(v.posteriorHeightMm, v.anteriorHeightMm);
    z -= h / 2;
    bodyCentreZ[v.level] = z;
    z -= h / 2 + BODY.discMm;
  }
  const canalY = BODY.centreY - BODY.halfDepthMm - 9;
  const solids = ordered.flatMap((v) => {
    const zc = bodyCentreZ[v.level];
    const h = Math.max(v.posteriorHeightMm, v.anteriorHeightMm);
    const body = wedgeBody(zc, v.posteriorHeightMm, v.anteriorHeightMm, 0);
    const core = wedgeBody(zc, v.posteriorHeightMm, v.anteriorHeightMm, BODY.cortexMm);
    // Posterior arch: a ring around the canal (radius 8 to 13 mm) behind the body, and a spinous process.
    const ring = difference(ellipticCylinder({ centerXYRas: [0, canalY], semiAxesMm: [13, 13], zRangeMm: [zc - h / 3, zc + h / 3] }), ellipticCylinder({ centerXYRas: [0, canalY], semiAxesMm: [8, 8] }));
    const arch = intersection(ring, box([-20, canalY - 20, zc - h / 3], [20, canalY + 2, zc + h / 3]));
    const pedicles = union(box([-13, canalY, zc - h / 4], [-8, BODY.centreY - BODY.halfDepthMm + 1, zc + h / 4]), box([8, canalY, zc - h / 4], [13, BODY.centreY - BODY.halfDepthMm + 1, zc + h / 4]));
    const spinous = box([-3, canalY - 40, zc - h / 4], [3, canalY - 12, zc + h / 4]);
    const name = `vertebrae_${v.level}`;
    return [
      { name, shape: union(arch, pedicles, spinous), hu: 450 },
      { name, shape: body, hu: 450 },
      { name: null, shape: core, hu: v.trabecularHu },
      ...(spec.withBodyMask ? [{ name: 'vertebrae_body', shape: body, layer: 1 as const }] : []),
    ];
  });
  const top = ordered.length === 0 ? 0 : 0;
  const scene = buildScene({
    spacingMm: spec.spacingMm,
    fovMinRas: [-40, canalY - 50, z - 10],
    fovMaxRas: [40, 30, top + 10],
    backgroundHu: 20,
    solids: [{ name: 'spinal_cord', shape: ellipticCylinder({ centerXYRas: [0, canalY], semiAxesMm: [5, 5] }), hu: 30 }, ...solids],
    ...(spec.orientation ? { orientation: spec.orientation } : {}),
  });
  const byLevel = new Map(ordered.map((v) => [v.level, v]));
  return {
    ...scene,
    bodyCentreZ,
    heightAt(level, f) {
      const v = byLevel.get(level as VertebraSpec['level'])!;
      return v.posteriorHeightMm + (v.anteriorHeightMm - v.posteriorHeightMm) * f;
    },
  };
}
