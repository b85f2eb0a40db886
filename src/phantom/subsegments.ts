/**
 * Sub-segments of the phantom's organs, as functions of the RAS point (mm), so that lesion placement and
 * the label layer agree by construction.
 *
 * Couinaud segments (Couinaud, Le foie: etudes anatomiques et chirurgicales, 1957; Bismuth, World J Surg 1982,
 * doi:10.1007/BF01656368) are approximated by planes in the phantom's frame:
 * - segment 1 (caudate): the liver inside the caudate ellipsoid (abdomen.ts CAUDATE);
 * - Cantlie's line (middle hepatic vein plane, gallbladder fossa to IVC): the sagittal plane x = 23 mm;
 *   right liver (5-8) lateral to it;
 * - right hepatic vein plane: anterior (5, 8) vs posterior (6, 7), y = 10 - 0.5 (x - 23) mm;
 * - portal plane (level of the portal bifurcation): superior (7, 8, 4a) vs inferior (5, 6, 4b), z = 25 mm;
 * - umbilical fissure / falciform ligament: medial segment 4 vs lateral left 2/3, x = -10 mm;
 * - left lateral: segment 2 (superior) vs 3 (inferior) by the plane z = 50 mm.
 * Real segments are bounded by curved vein surfaces; here they are exactly these planes.
 *
 * Pancreas head/body/tail follows RadGPT (Bassi et al., AbdomenAtlas 3.0, 2025): along the organ's main
 * axis, head on the duodenal side of the superior mesenteric artery, the rest split at its midpoint into body
 * and tail. The main axis is taken in the axial plane, from the head end to the tail end of the centre line.
 */
import type { Vec3 } from '../volume/geometry.ts';
import { CAUDATE } from './abdomen.ts';
import type { PancreasRegion } from './types.ts';

export const CANTLIE_X_MM = 23;
export const FALCIFORM_X_MM = -10;
export const PORTAL_PLANE_Z_MM = 25;
export const LEFT_LATERAL_SPLIT_Z_MM = 50;

function rightHepaticVeinY(xMm: number): number {
  return 10 - 0.5 * (xMm - CANTLIE_X_MM);
}

/** Couinaud segment 1..8 of a liver point (the point is assumed to be liver). */
export function liverSegmentAt(x: number, y: number, z: number): number {
  const [cx, cy, cz] = CAUDATE.centerRas;
  const [a, b, c] = CAUDATE.semiAxesMm;
  if (((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 + ((z - cz) / c) ** 2 <= 1) return 1;
  const superior = z > PORTAL_PLANE_Z_MM;
  if (x > CANTLIE_X_MM) {
    const posterior = y < rightHepaticVeinY(x);
    if (posterior) return superior ? 7 : 6;
    return superior ? 8 : 5;
  }
  if (x > FALCIFORM_X_MM) return 4;
  return z > LEFT_LATERAL_SPLIT_Z_MM ? 2 : 3;
}

/** Projection of an axial point onto the pancreas main axis, in mm from the head end, toward the tail. */
export interface PancreasAxis {
  project(x: number, y: number): number;
  /** Projection of the SMA axis: head is below it. */
  readonly smaMm: number;
}

export function pancreasAxis(headRas: Vec3, tailRas: Vec3, smaXY: readonly [number, number]): PancreasAxis {
  const dx = tailRas[0] - headRas[0];
  const dy = tailRas[1] - headRas[1];
  const len = Math.hypot(dx, dy);
  const ux = dx / len;
  const uy = dy / len;
  const project = (x: number, y: number): number => (x - headRas[0]) * ux + (y - headRas[1]) * uy;
  return { project, smaMm: project(smaXY[0], smaXY[1]) };
}

/** Region of a pancreas point given the axis and the farthest projection of the organ toward the tail. */
export function pancreasRegionAt(axis: PancreasAxis, tailEndMm: number, x: number, y: number): PancreasRegion {
  const t = axis.project(x, y);
  if (t < axis.smaMm) return 'head';
  return t < (axis.smaMm + tailEndMm) / 2 ? 'body' : 'tail';
}
