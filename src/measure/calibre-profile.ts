import type { Vec3 } from '../volume/geometry.ts';
import type { Centreline } from './centreline.ts';
import { crossSection, type CrossSection } from './cross-section.ts';
import { smoothedMask, type MaskCrop } from './mask-crop.ts';
import type { CalibreSample, Ras3, VesselSection } from './vessel-types.ts';
import { levelAtZ, type ZRange } from './vertebra-ranges.ts';

/**
 * Calibre along a centreline: at every sample, the cross-section of the full-resolution mask in the plane
 * perpendicular to the tangent (cross-section.ts); and the largest cross-section of a stretch of it.
 */

/** Surveyed samples re-measured at the fine pixel per section, largest first. */
export const SURVEY_CANDIDATES = 3;

export interface ProfileOptions {
  /** Pixel of the plane sampling for the section maxima, mm. */
  readonly pixelMm: number;
  /** Pixel for every other sample (a survey; the candidates for a maximum are re-measured at pixelMm), mm. */
  readonly surveyPixelMm: number;
  readonly vertebrae: readonly ZRange[];
  /** Which centreline ends lie on the scan border (a cut, not the vessel's end). */
  readonly borderEnds?: { readonly proximal: boolean; readonly distal: boolean };
}

/**
 * Samples whose plane cuts the end of the mask: within 1.5 local radii plus one sample of an end where the vessel
 * ends (its rounded cap), within half a radius plus one sample of an end where the scan border cuts it (the vessel
 * goes on: only a plane tilted against the cut loses part of it).
 */
function isEndCap(c: Centreline, n: number, borders: ProfileOptions['borderEnds']): boolean {
  const step = c.arcMm.length > 1 ? c.arcMm[1] - c.arcMm[0] : 0;
  const margin = (atBorder: boolean) => (atBorder ? 0.5 : 1.5) * c.radiusMm[n] + step;
  return c.arcMm[n] < margin(borders?.proximal === true) || c.lengthMm - c.arcMm[n] < margin(borders?.distal === true);
}

export interface ProfiledSample extends CalibreSample {
  readonly section: CrossSection | null;
  readonly radiusMm: number;
  /** True once measured at the fine pixel. */
  readonly fine: boolean;
}

/** Samples along a centreline, with a way to re-measure one at the fine pixel (for section maxima). */
export interface Profile {
  readonly samples: ProfiledSample[];
  /** Re-measures sample n at the fine pixel (idempotent), keeping its end-cap flag. */
  refine(n: number): void;
}

export function calibreProfile(binary: MaskCrop, c: Centreline, o: ProfileOptions): Profile {
  const mask = binary.field === undefined ? smoothedMask(binary) : binary;
  const measure = (n: number, pixelMm: number, fine: boolean, endCap?: boolean): ProfiledSample => {
    const p = c.points[n];
    const section = crossSection(mask, p, c.tangents[n], { pixelMm, halfWidthMm: 1.6 * c.radiusMm[n] + 4 });
    return {
      arcMm: c.arcMm[n],
      ras: [p[0], p[1], p[2]],
      maxDiameterMm: section?.maxDiameterMm ?? 0,
      perpendicularDiameterMm: section?.perpendicularDiameterMm ?? 0,
      areaMm2: section?.areaMm2 ?? 0,
      areaEquivalentDiameterMm: section?.areaEquivalentDiameterMm ?? 0,
      endCap: endCap ?? (isEndCap(c, n, o.borderEnds) || section === null),
      vertebralLevel: levelAtZ(p[2], o.vertebrae),
      section,
      radiusMm: c.radiusMm[n],
      fine,
    };
  };
  const samples = c.points.map((_, n) => measure(n, o.surveyPixelMm, o.surveyPixelMm <= o.pixelMm));
  return {
    samples,
    refine(n: number) {
      if (!samples[n].fine) samples[n] = measure(n, o.pixelMm, true, samples[n].endCap);
    },
  };
}

/** Flags samples as not to be taken as maxima (e.g. planes through a bifurcation). */
export function excludeFromMaxima(p: Profile, exclude: (s: ProfiledSample) => boolean): Profile {
  for (let n = 0; n < p.samples.length; n++) if (exclude(p.samples[n])) p.samples[n] = { ...p.samples[n], endCap: true };
  return p;
}

/** The samples of [startArcMm, endArcMm] summarised as a section with its maximal diameter. */
export function sectionOf(
  profile: Profile,
  name: string,
  displayName: string,
  start: { readonly arcMm: number; readonly boundary: string },
  end: { readonly arcMm: number; readonly boundary: string },
): VesselSection {
  const within = (s: ProfiledSample) => s.arcMm >= start.arcMm - 1e-6 && s.arcMm <= end.arcMm + 1e-6;
  // Candidates for the maximum: the three largest surveyed samples (the survey's sub-pixel outline is within a
  // fraction of a millimetre of the fine one), re-measured finely.
  const candidates = profile.samples
    .map((s, n) => ({ s, n }))
    .filter(({ s }) => within(s) && !s.endCap && s.section !== null)
    .sort((a, b) => b.s.maxDiameterMm - a.s.maxDiameterMm)
    .slice(0, SURVEY_CANDIDATES);
  for (const { n } of candidates) profile.refine(n);
  const inRange = profile.samples.filter(within);
  const measured = inRange.filter((s) => !s.endCap && s.section !== null && s.fine);
  const best = measured.reduce<ProfiledSample | null>((a, s) => (a === null || s.maxDiameterMm > a.maxDiameterMm ? s : a), null);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const s of inRange)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], s.ras[a] - s.radiusMm);
      hi[a] = Math.max(hi[a], s.ras[a] + s.radiusMm);
    }
  const border = (b: string) => b === 'scan border';
  return {
    name,
    displayName,
    startArcMm: start.arcMm,
    endArcMm: end.arcMm,
    lengthMm: end.arcMm - start.arcMm,
    startBoundary: start.boundary,
    endBoundary: end.boundary,
    complete: !border(start.boundary) && !border(end.boundary),
    max: best === null || best.section === null
      ? null
      : {
          arcMm: best.arcMm,
          ras: best.ras,
          maxDiameterMm: best.maxDiameterMm,
          perpendicularDiameterMm: best.perpendicularDiameterMm,
          areaMm2: best.areaMm2,
          areaEquivalentDiameterMm: best.areaEquivalentDiameterMm,
          vertebralLevel: best.vertebralLevel,
          maxDiameterEndsRas: [toRas3(best.section.maxDiameterEndsRas[0]), toRas3(best.section.maxDiameterEndsRas[1])],
        },
    rasBounds: inRange.length === 0 ? { min: [0, 0, 0], max: [0, 0, 0] } : { min: [lo[0], lo[1], lo[2]], max: [hi[0], hi[1], hi[2]] },
    sampleCount: inRange.length,
  };
}

function toRas3(p: Vec3): Ras3 {
  return [p[0], p[1], p[2]];
}

/** The public sample record (without the working fields). */
export function publicSample(s: ProfiledSample): CalibreSample {
  return {
    arcMm: s.arcMm,
    ras: s.ras,
    maxDiameterMm: s.maxDiameterMm,
    perpendicularDiameterMm: s.perpendicularDiameterMm,
    areaMm2: s.areaMm2,
    areaEquivalentDiameterMm: s.areaEquivalentDiameterMm,
    endCap: s.endCap,
    vertebralLevel: s.vertebralLevel,
  };
}
