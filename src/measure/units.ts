/** Unit conversions used across the measurement stage. */

export const MM3_PER_ML = 1000;

/** Cubic millimetres to millilitres (1 mL = 1 cm3 = 1000 mm3). */
export function mm3ToMl(volumeMm3: number): number {
  return volumeMm3 / MM3_PER_ML;
}
