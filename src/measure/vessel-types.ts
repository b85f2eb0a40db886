/**
 * Types of the vessel calibre measurements (aorta, pulmonary artery, iliac arteries): diameters sampled along the
 * centreline, per anatomical section, and at TotalSegmentator's landmarks. Every length in mm, area in mm2,
 * points in RAS mm. Definitions: vessel-calibre.ts, cross-section.ts, centreline.ts.
 */

export type Ras3 = readonly [number, number, number];

/** One cross-section perpendicular to the centreline. */
export interface CalibreSample {
  /** Arc length from the proximal end of the centreline, mm. */
  readonly arcMm: number;
  readonly ras: Ras3;
  readonly maxDiameterMm: number;
  /** Caliper width at right angles to the maximal diameter, mm. */
  readonly perpendicularDiameterMm: number;
  readonly areaMm2: number;
  readonly areaEquivalentDiameterMm: number;
  /**
   * True within one local radius (+ one sample) of a centreline end, or at a branching point (the pulmonary
   * bifurcation): the plane there cuts the mask's rounded or cut end, or two branches at once, not one vessel's
   * cross-section, so the sample is kept but never taken as a section maximum.
   */
  readonly endCap: boolean;
  /** The vertebra whose craniocaudal range holds the sample (nearest when between vertebrae); null without vertebrae. */
  readonly vertebralLevel: string | null;
}

/** A named stretch of a vessel between two boundaries, with its largest cross-section. */
export interface VesselSection {
  /** 'ascending_aorta', 'aortic_arch', 'descending_thoracic_aorta', 'suprarenal_abdominal_aorta', ... */
  readonly name: string;
  /** 'ascending aorta', 'infrarenal abdominal aorta', 'left iliac artery', ... */
  readonly displayName: string;
  readonly startArcMm: number;
  readonly endArcMm: number;
  readonly lengthMm: number;
  /** What bounds the section: a landmark ('brachiocephalic trunk origin', 'T12', 'lowest renal artery origin'), 'root', 'bifurcation', 'end of the mask' or 'scan border'. */
  readonly startBoundary: string;
  readonly endBoundary: string;
  /** Both boundaries are anatomical (not the scan border): the whole section is imaged. */
  readonly complete: boolean;
  /** Null when the section holds no sample away from the mask's ends. */
  readonly max: (Omit<CalibreSample, 'endCap'> & { readonly maxDiameterEndsRas: readonly [Ras3, Ras3] }) | null;
  /** RAS box around the section's samples, widened by their radius (the section's evidence box). */
  readonly rasBounds: { readonly min: Ras3; readonly max: Ras3 };
  readonly sampleCount: number;
}

/** A landmark located on the centreline (branch origin, vertebral level, landmark mask). */
export interface CentrelineLandmark {
  /** 'brachiocephalic_trunk', 'subclavian_artery_left', 'celiac_trunk', 'renal_arteries', 'T12', 'bifurcation', ... */
  readonly name: string;
  readonly arcMm: number;
  readonly ras: Ras3;
  /** How it was placed: a branch mask's nearest point, a vertebra's height, or the end of the vessel. */
  readonly how: 'branch origin' | 'vertebral level' | 'vessel end';
}

/**
 * A TotalSegmentator landmark mask (a thin disc across the vessel: pul_annulus, pul_bifurcation, ...) measured in
 * its own plane (the plane through its centroid normal to its smallest principal axis), as TotalSegmentator's
 * pulmonary report places its measurement planes. `footprint` is the landmark disc itself; `vessel` the vessel
 * mask cut by the same plane (null without the vessel mask).
 */
export interface LandmarkSection {
  readonly landmark: string;
  readonly displayName: string;
  readonly centreRas: Ras3;
  readonly normal: Ras3;
  readonly footprint: { readonly maxDiameterMm: number; readonly perpendicularDiameterMm: number; readonly areaMm2: number; readonly areaEquivalentDiameterMm: number };
  readonly vessel: { readonly maxDiameterMm: number; readonly perpendicularDiameterMm: number; readonly areaMm2: number; readonly areaEquivalentDiameterMm: number } | null;
}

export interface VesselCalibre {
  /** Canonical name of the vessel mask: 'aorta', 'pulmonary_artery', 'iliac_artery_left', 'iliac_artery_right'. */
  readonly vessel: string;
  readonly labelId: number;
  readonly layer: number;
  /** Centreline length, mm. */
  readonly lengthMm: number;
  /** How the proximal end was chosen: next to the heart (or a root landmark), or the cranial end. */
  readonly proximalBy: 'heart' | 'landmark' | 'aorta' | 'cranial';
  /** The ends of the centreline that lie on the scan border (the vessel runs out of the scan there). */
  readonly proximalAtBorder: boolean;
  readonly distalAtBorder: boolean;
  readonly landmarks: readonly CentrelineLandmark[];
  readonly sections: readonly VesselSection[];
  readonly samples: readonly CalibreSample[];
  readonly landmarkSections: readonly LandmarkSection[];
  /** Method parameters, for reproducibility. */
  readonly method: { readonly stepMm: number; readonly pixelMm: number; readonly centrelineVoxelMm: readonly number[] };
}

/** The pulmonary trunk's diameter where radiologists measure it (at the bifurcation) and the PA:aorta ratio. */
export interface PulmonaryTrunk {
  /** Main pulmonary artery diameter at the bifurcation level, mm. */
  readonly diameterMm: number;
  readonly ras: Ras3;
  /** 'pul_bifurcation landmark' or 'centreline before the bifurcation'. */
  readonly how: string;
  /** Ascending aorta diameter at the same axial level, mm; null when the ascending aorta is not measured there. */
  readonly ascendingAortaDiameterMm: number | null;
  readonly paAortaRatio: number | null;
}
