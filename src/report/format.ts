/**
 * Number formatting for report sentences: sizes in cm with one decimal ("2.1 x 1.4 cm"), volumes in mL, HU as
 * integers, angles in whole degrees. Rounding is half away from zero on the measured value in its own unit (mm
 * are rounded to whole mm before being shown as cm, so 20.5 mm is "2.1 cm" and 20.4 mm is "2.0 cm"), which
 * avoids binary floating-point surprises such as (2.05).toFixed(1) = "2.0".
 *
 * The LLM narrator's checker (check-sentence.ts) reads the rounding back from the shown text (decimal places),
 * so these helpers and the checker agree by construction.
 */

function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** Whole millimetres as centimetres with one decimal: 21.3 -> "2.1". */
export function cmText(mm: number): string {
  const wholeMm = roundHalfAway(mm);
  const sign = wholeMm < 0 ? '-' : '';
  const a = Math.abs(wholeMm);
  return `${sign}${Math.floor(a / 10)}.${a % 10}`;
}

/** "2.1 x 1.4 cm" from a long and short axis in mm. */
export function sizeText(longAxisMm: number, shortAxisMm: number): string {
  return `${cmText(longAxisMm)} x ${cmText(shortAxisMm)} cm`;
}

/** "13.4 cm" from mm. */
export function lengthText(mm: number): string {
  return `${cmText(mm)} cm`;
}

/**
 * Volume in mL: whole mL from 10 mL up ("320 mL"), one decimal below ("2.3 mL"), two decimals below 0.1 mL
 * ("0.06 mL", a lesion near the 50 mm3 floor).
 */
export function volumeText(ml: number): string {
  if (Math.abs(ml) >= 10) return `${roundHalfAway(ml)} mL`;
  if (Math.abs(ml) >= 0.1) return `${(roundHalfAway(ml * 10) / 10).toFixed(1)} mL`;
  return `${(roundHalfAway(ml * 100) / 100).toFixed(2)} mL`;
}

/** HU as an integer: "35 HU", "-12 HU". */
export function huText(hu: number): string {
  const r = roundHalfAway(hu);
  return `${r === 0 ? 0 : r} HU`;
}

/** Whole degrees: "200 degrees". */
export function degreesText(deg: number): string {
  return `${roundHalfAway(deg)} degrees`;
}

/** A ratio with two decimals: "0.62". */
export function ratioText(r: number): string {
  return (roundHalfAway(r * 100) / 100).toFixed(2);
}

/** "mm3" volumes of dropped specks, whole: "90 mm3". */
export function mm3Text(mm3: number): string {
  return `${roundHalfAway(mm3)} mm3`;
}

/** A signed percentage with one decimal: "+12.5 %", "-40.0 %", "0.0 %". */
export function percentText(x: number): string {
  const r = roundHalfAway(x * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '-' : ''}${Math.abs(r).toFixed(1)} %`;
}

/** Millimetres with one decimal, for RECIST sums and node short axes: "55.0 mm". */
export function mmText(mm: number): string {
  return `${(roundHalfAway(mm * 10) / 10).toFixed(1)} mm`;
}
