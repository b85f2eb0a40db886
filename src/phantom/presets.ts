/**
 * Ready-made study specs. Sizes are chosen against the RadGPT thresholds (AbdomenAtlas 3.0) so that each
 * preset exercises a known finding; the truth of the generated study holds the exact numbers.
 */
import type { StudySpec } from './types.ts';

/**
 * Abnormal abdomen: a 21 mm hypoattenuating liver lesion held wholly in Couinaud segment 7; a 28 mm
 * hypoattenuating pancreatic head mass wrapping 200 deg of the SMA (encasement: >= 180 deg); a 20 mm simple
 * left renal cyst (5 HU); a spleen scaled by 1.25 (about 350 mL: enlarged above 314.5 mL, not massive).
 */
export function abdomenPreset(overrides: Partial<StudySpec> = {}): StudySpec {
  return {
    name: 'abdomen',
    seed: 20240601,
    phase: 'non-contrast',
    organScale: { spleen: 1.25 },
    lesions: [
      { organ: 'liver', segment: 7, diameterMm: 21, attenuation: 'hypo', deltaHu: -40 },
      { organ: 'pancreas', region: 'head', diameterMm: 28, attenuation: 'hypo', deltaHu: -30, touches: 'superior_mesenteric_artery', contactAngleDeg: 200 },
      { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 20, hu: 5 },
    ],
    ...overrides,
  };
}

/** Normal abdomen: no lesions, organs of normal size (spleen about 220 mL, liver about 1.5 L). */
export function normalPreset(overrides: Partial<StudySpec> = {}): StudySpec {
  return { name: 'normal', seed: 7, phase: 'non-contrast', ...overrides };
}

/** Hepatic steatosis: non-contrast liver at 30 HU (RadGPT fatty liver: mean <= 40 HU), otherwise normal. */
export function steatosisPreset(overrides: Partial<StudySpec> = {}): StudySpec {
  return { name: 'steatosis', seed: 11, phase: 'non-contrast', organHu: { liver: 30 }, ...overrides };
}
