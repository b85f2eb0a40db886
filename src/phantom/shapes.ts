/**
 * Analytic solids in RAS+ mm that the phantom is rasterised from. A voxel belongs to a shape when its
 * centre does (no partial volume), so a shape's voxel set is exact and reproducible.
 * Coordinates are passed as three numbers (x, y, z in RAS mm) rather than RasPoint tuples to keep the
 * per-voxel test allocation-free.
 */
import type { Vec3 } from '../volume/geometry.ts';

/** Axis-aligned RAS box [minX, minY, minZ, maxX, maxY, maxZ] in mm enclosing a shape (may be loose). */
export type RasBox = readonly [number, number, number, number, number, number];

export interface Shape {
  /** True when the RAS point (mm) lies inside. */
  contains(x: number, y: number, z: number): boolean;
  readonly rasBox: RasBox;
}

const UNBOUNDED = 1e6;

/**
 * Superellipsoid |u/a|^p + |v/b|^p + |w/c|^p <= 1 in a frame rotated about the RAS z axis by `rotationZDeg`
 * (u along the rotated x axis). p = 2 is an ellipsoid; larger p gives a boxier, fuller organ.
 */
export function superellipsoid(o: {
  centerRas: Vec3;
  semiAxesMm: Vec3;
  exponent?: number;
  rotationZDeg?: number;
}): Shape {
  const [cx, cy, cz] = o.centerRas;
  const [a, b, c] = o.semiAxesMm;
  const p = o.exponent ?? 2;
  const th = ((o.rotationZDeg ?? 0) * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const r = Math.max(a, b);
  return {
    contains(x, y, z) {
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * cos + dy * sin) / a;
      const v = (-dx * sin + dy * cos) / b;
      const w = (z - cz) / c;
      if (p === 2) return u * u + v * v + w * w <= 1;
      return Math.abs(u) ** p + Math.abs(v) ** p + Math.abs(w) ** p <= 1;
    },
    rasBox: [cx - r, cy - r, cz - c, cx + r, cy + r, cz + c],
  };
}

/** Ellipse (u/a)^2 + (v/b)^2 <= 1 in the axial plane, extruded over zRangeMm (unbounded when omitted). */
export function ellipticCylinder(o: {
  centerXYRas: readonly [number, number];
  semiAxesMm: readonly [number, number];
  zRangeMm?: readonly [number, number];
  rotationZDeg?: number;
}): Shape {
  const [cx, cy] = o.centerXYRas;
  const [a, b] = o.semiAxesMm;
  const [z0, z1] = o.zRangeMm ?? [-UNBOUNDED, UNBOUNDED];
  const th = ((o.rotationZDeg ?? 0) * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const r = Math.max(a, b);
  return {
    contains(x, y, z) {
      if (z < z0 || z > z1) return false;
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * cos + dy * sin) / a;
      const v = (-dx * sin + dy * cos) / b;
      return u * u + v * v <= 1;
    },
    rasBox: [cx - r, cy - r, z0, cx + r, cy + r, z1],
  };
}

/**
 * Tube along a polyline whose radius varies linearly along each segment: a point is inside when its distance
 * to the nearest point of a segment (parameter t clamped to [0, 1]) is at most the radius at t. Ends are round.
 */
export function taperedTube(pointsRas: readonly Vec3[], radiiMm: readonly number[]): Shape {
  if (pointsRas.length < 2 || radiiMm.length !== pointsRas.length) throw new RangeError('taperedTube needs >= 2 points, one radius each');
  const box = [UNBOUNDED, UNBOUNDED, UNBOUNDED, -UNBOUNDED, -UNBOUNDED, -UNBOUNDED];
  pointsRas.forEach((q, n) => {
    for (let a = 0; a < 3; a++) {
      box[a] = Math.min(box[a], q[a] - radiiMm[n]);
      box[3 + a] = Math.max(box[3 + a], q[a] + radiiMm[n]);
    }
  });
  return {
    contains(x, y, z) {
      for (let s = 0; s + 1 < pointsRas.length; s++) {
        const p = pointsRas[s];
        const q = pointsRas[s + 1];
        const dx = q[0] - p[0];
        const dy = q[1] - p[1];
        const dz = q[2] - p[2];
        const len2 = dx * dx + dy * dy + dz * dz;
        let t = ((x - p[0]) * dx + (y - p[1]) * dy + (z - p[2]) * dz) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = x - (p[0] + t * dx);
        const ey = y - (p[1] + t * dy);
        const ez = z - (p[2] + t * dz);
        const r = radiiMm[s] + t * (radiiMm[s + 1] - radiiMm[s]);
        if (ex * ex + ey * ey + ez * ez <= r * r) return true;
      }
      return false;
    },
    rasBox: box as unknown as RasBox,
  };
}

export function box(minRas: Vec3, maxRas: Vec3): Shape {
  return {
    contains: (x, y, z) =>
      x >= minRas[0] && x <= maxRas[0] && y >= minRas[1] && y <= maxRas[1] && z >= minRas[2] && z <= maxRas[2],
    rasBox: [minRas[0], minRas[1], minRas[2], maxRas[0], maxRas[1], maxRas[2]],
  };
}

export function union(...shapes: Shape[]): Shape {
  const b: number[] = [];
  for (let a = 0; a < 3; a++) b[a] = Math.min(...shapes.map((s) => s.rasBox[a]));
  for (let a = 3; a < 6; a++) b[a] = Math.max(...shapes.map((s) => s.rasBox[a]));
  return { contains: (x, y, z) => shapes.some((s) => s.contains(x, y, z)), rasBox: b as unknown as RasBox };
}

export function intersection(a: Shape, b: Shape): Shape {
  const r = [0, 1, 2, 3, 4, 5].map((n) => (n < 3 ? Math.max(a.rasBox[n], b.rasBox[n]) : Math.min(a.rasBox[n], b.rasBox[n])));
  return { contains: (x, y, z) => a.contains(x, y, z) && b.contains(x, y, z), rasBox: r as unknown as RasBox };
}

export function difference(a: Shape, b: Shape): Shape {
  return { contains: (x, y, z) => a.contains(x, y, z) && !b.contains(x, y, z), rasBox: a.rasBox };
}

/** The shape scaled by `factor` about `centerRas` (a factor of 1.2 multiplies the volume by 1.728). */
export function scaled(shape: Shape, centerRas: Vec3, factor: number): Shape {
  const [cx, cy, cz] = centerRas;
  const bx = shape.rasBox;
  return {
    contains: (x, y, z) => shape.contains(cx + (x - cx) / factor, cy + (y - cy) / factor, cz + (z - cz) / factor),
    rasBox: [0, 1, 2, 3, 4, 5].map((n) => centerRas[n % 3] + (bx[n] - centerRas[n % 3]) * factor) as unknown as RasBox,
  };
}
