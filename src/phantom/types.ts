/**
 * Types of the synthetic-study generator (the phantom stage).
 *
 * A phantom is a small CT volume built from analytic shapes placed anatomically in RAS+ mm, with a label map
 * and a truth record computed from the generated voxels themselves: the truth is whatever the generator
 * labelled, so every number in it is exact for the arrays it ships with.
 */
import * as z from 'zod';
import type { LabelMap, Volume } from '../volume/types.ts';

const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
const PositiveVec3Schema = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);

/** Contrast phase. 'unknown' uses the portal-venous attenuation table but states no phase in the metadata. */
export const PhaseSchema = z.enum(['non-contrast', 'portal-venous', 'arterial', 'unknown']);
export type Phase = z.infer<typeof PhaseSchema>;

export const LesionOrganSchema = z.enum(['liver', 'pancreas', 'kidney', 'spleen']);
export type LesionOrgan = z.infer<typeof LesionOrganSchema>;

/** Vessels whose axis the generator knows analytically (vertical cylinders), so a contact angle can be built. */
export const ContactVesselSchema = z.enum(['superior_mesenteric_artery', 'aorta']);
export type ContactVessel = z.infer<typeof ContactVesselSchema>;

export const PancreasRegionSchema = z.enum(['head', 'body', 'tail']);
export type PancreasRegion = z.infer<typeof PancreasRegionSchema>;

export const AttenuationSchema = z.enum(['hypo', 'iso', 'hyper']);
export type Attenuation = z.infer<typeof AttenuationSchema>;

/**
 * One lesion to build. Size: `diameterMm` (a sphere) or `diametersMm` (an ellipsoid, full axis lengths along
 * RAS x, y, z). Attenuation: `hu` (absolute mean) wins over `deltaHu` (relative to the organ's nominal
 * parenchyma HU); without either, 'hypo' = -40 HU, 'hyper' = +40 HU, 'iso' = 0 relative.
 * Placement: `centerRasMm` if given (checked to fit); else, for liver/kidney/spleen, the fitting position
 * nearest the centroid of the requested segment / organ; for the pancreas, the centroid of the region, or
 * a construction around the vessel named in `touches` with the requested `contactAngleDeg`.
 */
export const LesionSpecSchema = z
  .object({
    organ: LesionOrganSchema,
    /** Kidney only: which kidney. */
    side: z.enum(['left', 'right']).optional(),
    /** Kidney only: 'cyst' labels it kidney_cyst_<side> (TotalSegmentator's class), else kidney_lesion_<side>. */
    lesionType: z.enum(['lesion', 'cyst']).optional(),
    /** Liver only: Couinaud segment 1..8 that must hold the whole lesion. */
    segment: z.number().int().min(1).max(8).optional(),
    /** Pancreas only: head / body / tail. */
    region: PancreasRegionSchema.optional(),
    diameterMm: z.number().positive().optional(),
    diametersMm: PositiveVec3Schema.optional(),
    attenuation: AttenuationSchema.optional(),
    deltaHu: z.number().optional(),
    hu: z.number().optional(),
    centerRasMm: Vec3Schema.optional(),
    touches: ContactVesselSchema.optional(),
    /** Angle of the vessel circumference the lesion wraps, in degrees (0, 360]. Needs `touches`. */
    contactAngleDeg: z.number().gt(0).max(360).optional(),
  })
  .refine((l) => l.diameterMm !== undefined || l.diametersMm !== undefined, {
    message: 'a lesion needs diameterMm or diametersMm',
  })
  .refine((l) => (l.touches === undefined) === (l.contactAngleDeg === undefined), {
    message: 'touches and contactAngleDeg go together',
  })
  .refine((l) => l.organ !== 'kidney' || l.side !== undefined, { message: 'a kidney lesion needs side' });
export type LesionSpec = z.input<typeof LesionSpecSchema>;

export const StudySpecSchema = z.object({
  /** Name recorded in the truth and the series description. */
  name: z.string().default('abdomen'),
  /** Seed of the PRNG (mulberry32) driving the noise. Same spec, same bytes. */
  seed: z.number().int().default(1),
  phase: PhaseSchema.default('non-contrast'),
  /** Standard deviation of the additive Gaussian noise, HU. */
  noiseSdHu: z.number().nonnegative().default(10),
  /** Voxel size along i, j, k in mm. */
  spacingMm: PositiveVec3Schema.default([2, 2, 3]),
  /** Field of view along RAS x, y, z in mm, centred on the body; dims = round(fov / spacing). */
  fovMm: PositiveVec3Schema.default([360, 280, 219]),
  /** Nominal HU overrides per structure name (e.g. { liver: 30 } for steatosis). */
  organHu: z.record(z.string(), z.number()).default({}),
  /** Linear scale of a structure about its own centre (e.g. { spleen: 1.2 } = 1.73 x the volume). */
  organScale: z.record(z.string(), z.number().positive()).default({}),
  lesions: z.array(LesionSpecSchema).default([]),
});
export type StudySpec = z.input<typeof StudySpecSchema>;
export type ResolvedStudySpec = z.output<typeof StudySpecSchema>;

export type Side = 'right' | 'left' | 'midline';
export type RasFace = 'right' | 'left' | 'anterior' | 'posterior' | 'superior' | 'inferior';

/** Truth for one label id (organ, vessel, bone, sub-segment or lesion class). */
export interface StructureTruth {
  readonly name: string;
  readonly labelId: number;
  readonly layer: number;
  readonly voxelCount: number;
  /** voxelCount x voxel volume. */
  readonly volumeMm3: number;
  readonly volumeMl: number;
  /** Voxels of this label plus the voxels of its own lesion class (organs only; else equal to volumeMl). */
  readonly volumeWithLesionsMl: number;
  /** Mean and population SD of the stored CT values (after noise and rounding) inside the label. */
  readonly meanHu: number;
  readonly sdHu: number;
  /** The nominal HU the generator painted before noise. */
  readonly nominalHu: number | null;
  readonly rasCentroid: readonly [number, number, number];
  readonly side: Side;
  /** True when the label touches a face of the grid (partially imaged). */
  readonly cutByBorder: boolean;
  readonly touchesBorderRas: readonly RasFace[];
}

/** RECIST-style axial size of a voxelised lesion, measured between voxel centres. */
export interface AxialDiameters {
  readonly longAxisMm: number;
  readonly shortAxisMm: number;
  /** RAS z of the axial slice where the long axis is largest. */
  readonly sliceRasZMm: number;
}

export interface ContactTruth {
  readonly vessel: ContactVessel;
  readonly constructedAngleDeg: number;
  /** Share of the voxel ring (vessel radius, vessel radius + RING_WIDTH_MM] that is lesion x 360, best slice. */
  readonly voxelAngleDeg: number;
  readonly vesselRadiusMm: number;
}

export interface LesionTruth {
  /** Index in spec.lesions. */
  readonly index: number;
  readonly labelId: number;
  readonly labelName: string;
  readonly organ: LesionOrgan;
  readonly side: Side;
  /** Sub-segments (liver '1'..'8', pancreas 'head'|'body'|'tail') holding > 10 % of the lesion voxels. */
  readonly segments: readonly string[];
  /** Share of lesion voxels per sub-segment (0..1), every sub-segment touched. */
  readonly segmentFractions: Readonly<Record<string, number>>;
  readonly voxelCount: number;
  readonly volumeMl: number;
  readonly rasCentroid: readonly [number, number, number];
  readonly constructed: {
    readonly centerRasMm: readonly [number, number, number];
    /** Full axis lengths along RAS x, y, z of the ellipsoid core. */
    readonly diametersMm: readonly [number, number, number];
    readonly nominalHu: number;
  };
  readonly axial: AxialDiameters;
  readonly meanHu: number;
  readonly sdHu: number;
  /** Organ parenchyma (organ label without lesions) statistics the attenuation class is judged against. */
  readonly parenchymaMeanHu: number;
  readonly parenchymaSdHu: number;
  readonly attenuation: Attenuation;
  readonly contact: ContactTruth | null;
}

export interface StudyTruth {
  readonly kind: 'phantom-truth';
  readonly schemaVersion: 1;
  readonly spec: ResolvedStudySpec;
  readonly grid: {
    readonly dims: readonly [number, number, number];
    readonly spacingMm: readonly [number, number, number];
    readonly voxelVolumeMm3: number;
    readonly orientation: string;
  };
  /** RAS x of the body's sagittal midline; sides are judged against it. */
  readonly bodyMidlineRasXMm: number;
  readonly structures: readonly StructureTruth[];
  readonly lesions: readonly LesionTruth[];
}

export interface Study {
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly truth: StudyTruth;
}

/** One of the 48 axis orderings: new axis a reads old axis permutation[a], reversed when flips[a]. */
export interface Orientation {
  readonly permutation: readonly [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  readonly flips: readonly [boolean, boolean, boolean];
}
