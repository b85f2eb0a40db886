/**
 * TotalSegmentator's `statistics.json` (the `--statistics` option), made from our structure statistics.
 *
 * TotalSegmentator (Wasserthal et al. 2023, doi:10.1148/ryai.230024), `totalsegmentator/statistics.py`,
 * `get_basic_statistics`: for every class of the task, in class-map order,
 * - `volume` = number of mask voxels x voxel volume in mm3, where the voxel volume is the product of the
 *   header's three pixdim zooms in float32 (nibabel `get_zooms()` is float32); not rounded;
 * - `intensity` = mean CT value inside the mask, rounded to 5 decimals with numpy's `round` (scale by 1e5,
 *   round half to even, scale back); the CT is first cast to int16 (`get_fdata().astype(np.int16)`);
 * - both 0.0 when the class has no voxel;
 * and the file is Python's `json.dump(stats, f, indent=4)`: 4-space indent, Python float repr (always a
 * decimal point or an exponent), no trailing newline.
 *
 * How we differ: TotalSegmentator can report 0/0 for a mask that reaches within 3 voxels of the scan border
 * (`exclude_masks_at_border`); its shipped example file does not, and neither do we (our `touchesBorder`
 * reports it instead). For float CTs our mean is of the float values, not of values truncated to int16.
 * Volumes use our voxel volume (|det| of ijkToRas) unless `voxelVolumeMm3` is given, e.g. from
 * `totalsegVoxelVolumeMm3(spacingMm)`; the two agree whenever the zooms' float32 product is exact.
 */
/** What a class's statistics are made from: a structure's counts and mean (StructureStats or VolumeAndMeanHu). */
export interface TotalsegClassInput {
  readonly sourceName: string;
  readonly name: string | null;
  readonly voxelCount: number;
  readonly volumeMm3: number;
  readonly huMean: number | null;
}

/** One class of statistics.json. */
export interface TotalsegClassStatistics {
  /** mm3 (TotalSegmentator's key has no unit; this is its meaning). */
  readonly volume: number;
  /** Mean HU, rounded to TOTALSEG_INTENSITY_DECIMALS. */
  readonly intensity: number;
}

export type TotalsegStatistics = Record<string, TotalsegClassStatistics>;

/** Decimals of `intensity` in statistics.json (`np.average(...).round(5)` in get_basic_statistics). */
export const TOTALSEG_INTENSITY_DECIMALS = 5;

/** Round half to even, as IEEE rint (what numpy's `round` uses after scaling). */
function rintHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds halves up; an exact half with an odd result goes back down to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy `np.round(x, decimals)` for decimals >= 0: rint(x * 10^d) / 10^d, in float64. */
export function roundLikeNumpy(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  // Math.round keeps the sign of a negative value that rounds to zero (-0), as rint does.
  return rintHalfEven(x * scale) / scale;
}

/** Voxel volume as TotalSegmentator computes it: the float32 product of the three float32 zooms, in mm3. */
export function totalsegVoxelVolumeMm3(spacingMm: readonly [number, number, number]): number {
  const [a, b, c] = spacingMm.map(Math.fround);
  return Math.fround(Math.fround(a * b) * c);
}

export interface TotalsegStatisticsOptions {
  /** Voxel volume in mm3 to multiply counts by (default: each structure's own volumeMm3 / voxelCount). */
  readonly voxelVolumeMm3?: number;
}

/**
 * statistics.json content for `classNames`, in that order. A class is matched to the structures whose
 * `sourceName` equals it, or failing that whose canonical `name` does; several matching structures (one class
 * split over layers) are pooled: counts add, means are count-weighted. Unmatched or empty classes get 0/0.
 */
export function toTotalsegStatistics(stats: readonly TotalsegClassInput[], classNames: readonly string[], options: TotalsegStatisticsOptions = {}): TotalsegStatistics {
  const out: Record<string, TotalsegClassStatistics> = {};
  for (const className of classNames) {
    let matches = stats.filter((s) => s.sourceName === className);
    if (matches.length === 0) matches = stats.filter((s) => s.name === className);
    let count = 0;
    let volumeMm3 = 0;
    let huSum = 0;
    for (const s of matches) {
      if (s.voxelCount === 0 || s.huMean === null) continue;
      count += s.voxelCount;
      volumeMm3 += s.volumeMm3;
      huSum += s.huMean * s.voxelCount;
    }
    if (count === 0) {
      out[className] = { volume: 0, intensity: 0 };
      continue;
    }
    const volume = options.voxelVolumeMm3 === undefined ? volumeMm3 : count * options.voxelVolumeMm3;
    out[className] = { volume, intensity: roundLikeNumpy(huSum / count, TOTALSEG_INTENSITY_DECIMALS) };
  }
  return out;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits as JavaScript), written in
 * fixed notation when the decimal exponent is in [-4, 16) and in scientific notation otherwise, always with a
 * '.0' or an exponent so that it reads back as a float ("260010.0", "1e-05", "1e+16").
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fracPart = digits.slice(exponent + 1);
  return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
}

/** A JSON string as Python's json module writes it with ensure_ascii (everything outside ' '..'~' escaped). */
function pythonJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * statistics.json text, byte for byte as TotalSegmentator writes it (`json.dump(stats, f, indent=4)`).
 */
export function formatTotalsegStatisticsJson(statistics: TotalsegStatistics): string {
  const classes = Object.entries(statistics);
  if (classes.length === 0) return '{}';
  const body = classes.map(
    ([name, c]) =>
      `    ${pythonJsonString(name)}: {\n        "volume": ${pythonFloatRepr(c.volume)},\n        "intensity": ${pythonFloatRepr(c.intensity)}\n    }`,
  );
  return `{\n${body.join(',\n')}\n}`;
}
