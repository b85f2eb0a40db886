/**
 * Nominal attenuation (HU) of each tissue per contrast phase, painted before noise.
 *
 * Typical adult values, rounded: unenhanced liver 55-65 HU and spleen about 10 HU lower (Kodama et al.,
 * AJR 2007, doi:10.2214/AJR.06.1138); unenhanced kidney 30, pancreas 40, blood 40, fat -100, CSF/cord 20
 * (textbook ranges, e.g. Brant & Helms, Fundamentals of Diagnostic Radiology); arterial/pancreatic phase
 * aorta about 300 HU and portal-venous phase liver about 110 HU (Bae, Radiology 2010, doi:10.1148/radiol.10090908).
 * These are plausible defaults for a synthetic study, not reference ranges; the truth file records the values
 * actually generated.
 */
import type { Phase } from './types.ts';

type HuRow = Readonly<Record<string, number>>;

const NON_CONTRAST: HuRow = {
  air: -1000,
  fat: -100,
  muscle: 50,
  disc: 80,
  bone: 500,
  spinal_cord: 20,
  liver: 55,
  spleen: 45,
  kidney: 30,
  pancreas: 40,
  gallbladder: 10,
  aorta: 40,
  superior_mesenteric_artery: 40,
  inferior_vena_cava: 40,
  portal_vein_and_splenic_vein: 40,
};

const PORTAL_VENOUS: HuRow = {
  ...NON_CONTRAST,
  muscle: 60,
  liver: 110,
  spleen: 120,
  kidney: 170,
  pancreas: 90,
  aorta: 160,
  superior_mesenteric_artery: 160,
  inferior_vena_cava: 130,
  portal_vein_and_splenic_vein: 170,
};

const ARTERIAL: HuRow = {
  ...NON_CONTRAST,
  muscle: 55,
  liver: 70,
  spleen: 110,
  kidney: 160,
  pancreas: 110,
  aorta: 300,
  superior_mesenteric_artery: 300,
  inferior_vena_cava: 70,
  portal_vein_and_splenic_vein: 120,
};

/** 'unknown' is generated as portal venous: the phase is hidden from the reader, not absent from the body. */
export const HU_BY_PHASE: Readonly<Record<Phase, HuRow>> = {
  'non-contrast': NON_CONTRAST,
  'portal-venous': PORTAL_VENOUS,
  arterial: ARTERIAL,
  unknown: PORTAL_VENOUS,
};

/** Tissue key of a structure name in the table (kidney_left -> kidney, vertebrae_L1 -> bone_body). */
export function nominalHu(phase: Phase, tissue: string, overrides: Readonly<Record<string, number>>): number {
  if (overrides[tissue] !== undefined) return overrides[tissue];
  const row = HU_BY_PHASE[phase];
  const v = row[tissue];
  if (v === undefined) throw new RangeError(`no nominal HU for tissue '${tissue}'`);
  return v;
}
