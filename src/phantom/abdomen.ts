/**
 * The anatomical layout of the abdomen phantom in RAS+ mm.
 *
 * Frame: x = 0 is the body's sagittal midline (+x patient right), y = 0 the centre of the body ellipse
 * (+y anterior), z = 0 the centre of the L1 vertebral body (+z superior). Sizes are adult-typical: body
 * 320 x 240 mm, liver about 1.6 L, spleen about 0.2 L, kidneys 11 cm long, vertebral bodies 40 x 30 x 26 mm
 * at a 34 mm pitch, aorta 22 mm, SMA 8 mm. Structures are painted in list order, later ones over earlier ones;
 * organs are clipped to the peritoneal cavity (inside the muscle wall).
 */
import type { Vec3 } from '../volume/geometry.ts';
import { nominalHu } from './hu-table.ts';
import { labelId } from './label-table.ts';
import {
  box,
  difference,
  ellipticCylinder,
  scaled,
  superellipsoid,
  taperedTube,
  union,
  type Shape,
} from './shapes.ts';
import type { ContactVessel, ResolvedStudySpec } from './types.ts';

export interface StructureDef {
  /** Label name, or a tissue name for unlabelled tissue (fat, muscle wall, discs). */
  readonly name: string;
  /** Layer-0 label id; null for unlabelled tissue. */
  readonly labelId: number | null;
  readonly shape: Shape;
  readonly nominalHu: number;
  /** Paint only inside the peritoneal cavity. */
  readonly clipToCavity: boolean;
}

/** A vertical cylindrical vessel segment, known analytically so that contact angles can be constructed. */
export interface VerticalVessel {
  readonly centerXYRas: readonly [number, number];
  readonly radiusMm: number;
  readonly zRangeMm: readonly [number, number];
}

export interface AbdomenLayout {
  readonly structures: readonly StructureDef[];
  readonly cavity: Shape;
  readonly bodyMidlineRasXMm: number;
  readonly verticalVessels: Readonly<Record<ContactVessel, VerticalVessel>>;
  /** Pancreas centre line end points (head end, tail end), for the head/body/tail split. */
  readonly pancreasHeadRas: Vec3;
  readonly pancreasTailRas: Vec3;
}

export const BODY_SEMI_AXES_MM = [160, 120] as const;
/** Inner surface of the abdominal muscle wall: the peritoneal cavity's axial outline. */
export const CAVITY_SEMI_AXES_MM = [135, 95] as const;
const WALL_OUTER_SEMI_AXES_MM = [145, 105] as const;

/** Vertebral body centres (RAS z, mm) from T10 down to L4. */
export const VERTEBRA_Z_MM: Readonly<Record<string, number>> = {
  vertebrae_T10: 102,
  vertebrae_T11: 68,
  vertebrae_T12: 34,
  vertebrae_L1: 0,
  vertebrae_L2: -34,
  vertebrae_L3: -68,
  vertebrae_L4: -102,
};

/** Liver components; the Couinaud planes in subsegments.ts refer to the same frame. */
export const LIVER_RIGHT_LOBE = { centerRas: [70, -5, 30] as Vec3, semiAxesMm: [62, 72, 68] as Vec3 };
export const LIVER_LEFT_LOBE = { centerRas: [-10, 25, 50] as Vec3, semiAxesMm: [55, 45, 35] as Vec3 };
/** The caudate lobe; Couinaud segment 1 is the liver inside this ellipsoid. */
export const CAUDATE = { centerRas: [8, -15, 28] as Vec3, semiAxesMm: [18, 14, 28] as Vec3 };

const SMA: VerticalVessel = { centerXYRas: [-8, 2], radiusMm: 4, zRangeMm: [-1000, -12] };
const AORTA: VerticalVessel = { centerXYRas: [-12, -26], radiusMm: 11, zRangeMm: [-1000, 1000] };
const PANCREAS_HEAD: Vec3 = [42, 10, -30];
const PANCREAS_NECK: Vec3 = [-5, 18, -22];
const PANCREAS_TAIL: Vec3 = [-80, -10, -5];

function vesselShape(v: VerticalVessel): Shape {
  return ellipticCylinder({ centerXYRas: v.centerXYRas, semiAxesMm: [v.radiusMm, v.radiusMm], zRangeMm: v.zRangeMm });
}

function vertebra(zMm: number): Shape {
  const zRange = [zMm - 13, zMm + 13] as const;
  const body = ellipticCylinder({ centerXYRas: [0, -55], semiAxesMm: [20, 15], zRangeMm: zRange });
  const arch = difference(
    ellipticCylinder({ centerXYRas: [0, -82], semiAxesMm: [17, 14], zRangeMm: zRange }),
    ellipticCylinder({ centerXYRas: [0, -82], semiAxesMm: [9, 9] }),
  );
  const spinous = box([-4, -112, zMm - 10], [4, -94, zMm + 8]);
  const transverse = box([-38, -86, zMm - 5], [38, -78, zMm + 5]);
  return union(body, arch, spinous, transverse);
}

export function abdomenLayout(spec: ResolvedStudySpec): AbdomenLayout {
  const hu = (name: string, tissue: string): number =>
    spec.organHu[name] ?? nominalHu(spec.phase, tissue, spec.organHu);
  const scale = (name: string, shape: Shape, centerRas: Vec3): Shape =>
    spec.organScale[name] === undefined ? shape : scaled(shape, centerRas, spec.organScale[name]);
  const structures: StructureDef[] = [];
  const add = (name: string, labelled: boolean, shape: Shape, tissue: string, clipToCavity: boolean): void => {
    structures.push({ name, labelId: labelled ? labelId(name) : null, shape, nominalHu: hu(name, tissue), clipToCavity });
  };

  // Body wall: subcutaneous fat, muscle ring, intra-abdominal fat (the cavity is fat until organs fill it).
  add('body_fat', false, ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: BODY_SEMI_AXES_MM }), 'fat', false);
  add('muscle_wall', false, ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: WALL_OUTER_SEMI_AXES_MM }), 'muscle', false);
  const cavity = ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: CAVITY_SEMI_AXES_MM });
  add('cavity_fat', false, cavity, 'fat', false);

  // Spine: discs as one column, vertebrae over it, the cord in the canal, paraspinal muscles behind.
  add('autochthon_right', true, ellipticCylinder({ centerXYRas: [35, -92], semiAxesMm: [24, 18] }), 'muscle', false);
  add('autochthon_left', true, ellipticCylinder({ centerXYRas: [-35, -92], semiAxesMm: [24, 18] }), 'muscle', false);
  add('disc', false, ellipticCylinder({ centerXYRas: [0, -55], semiAxesMm: [20, 15] }), 'disc', false);
  for (const [name, z] of Object.entries(VERTEBRA_Z_MM)) {
    const v = vertebra(z);
    structures.push({ name, labelId: labelId(name), shape: v, nominalHu: hu(name, 'bone'), clipToCavity: false });
  }
  add('spinal_cord', true, ellipticCylinder({ centerXYRas: [0, -82], semiAxesMm: [8, 8] }), 'spinal_cord', false);

  // Solid organs.
  const liver = union(
    superellipsoid(LIVER_RIGHT_LOBE),
    superellipsoid(LIVER_LEFT_LOBE),
    superellipsoid(CAUDATE),
  );
  add('liver', true, scale('liver', liver, LIVER_RIGHT_LOBE.centerRas), 'liver', true);
  const gbCenter: Vec3 = [25, 42, -5];
  add('gallbladder', true, scale('gallbladder', superellipsoid({ centerRas: gbCenter, semiAxesMm: [13, 14, 30] }), gbCenter), 'gallbladder', true);
  const spleenCenter: Vec3 = [-85, -30, 25];
  add('spleen', true, scale('spleen', superellipsoid({ centerRas: spleenCenter, semiAxesMm: [45, 20, 55], rotationZDeg: 125 }), spleenCenter), 'spleen', true);
  const pancreas = taperedTube([PANCREAS_HEAD, PANCREAS_NECK, [-40, 8, -14], PANCREAS_TAIL], [18, 11, 11, 10]);
  add('pancreas', true, scale('pancreas', pancreas, PANCREAS_NECK), 'pancreas', true);
  const kidneyR: Vec3 = [72, -50, -40];
  const kidneyL: Vec3 = [-72, -50, -30];
  add('kidney_right', true, scale('kidney_right', superellipsoid({ centerRas: kidneyR, semiAxesMm: [25, 20, 55], rotationZDeg: 30 }), kidneyR), 'kidney', true);
  add('kidney_left', true, scale('kidney_left', superellipsoid({ centerRas: kidneyL, semiAxesMm: [25, 20, 55], rotationZDeg: -30 }), kidneyL), 'kidney', true);

  // Vessels last, so that they run through the organs they cross (intrahepatic IVC, splenic vein behind the pancreas).
  const smaOrigin = taperedTube([[-8, 2, -12], [-12, -18, -2]], [4, 4]);
  add('superior_mesenteric_artery', true, union(vesselShape(SMA), smaOrigin), 'superior_mesenteric_artery', true);
  add('aorta', true, vesselShape(AORTA), 'aorta', true);
  add('inferior_vena_cava', true, ellipticCylinder({ centerXYRas: [22, -30], semiAxesMm: [13, 9] }), 'inferior_vena_cava', true);
  const confluence: Vec3 = [4, 14, -14];
  const hilum: Vec3 = [38, 2, 22];
  const portal = union(
    taperedTube([confluence, hilum], [6, 6]),
    taperedTube([hilum, [68, -5, 26]], [5, 4]),
    taperedTube([hilum, [5, 18, 32]], [4, 3.5]),
    taperedTube([confluence, [-40, 6, -10], [-72, -22, 2]], [4.5, 4.5, 4]),
  );
  add('portal_vein_and_splenic_vein', true, portal, 'portal_vein_and_splenic_vein', true);

  return {
    structures,
    cavity,
    bodyMidlineRasXMm: 0,
    verticalVessels: { superior_mesenteric_artery: SMA, aorta: AORTA },
    pancreasHeadRas: PANCREAS_HEAD,
    pancreasTailRas: PANCREAS_TAIL,
  };
}
