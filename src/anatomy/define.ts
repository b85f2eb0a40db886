import type { Structure } from './types.ts';

/**
 * Helpers for writing the catalogue's data files. Private to the anatomy stage.
 */

type SidedFields = Omit<Structure, 'name' | 'displayName' | 'laterality' | 'parent' | 'snomedCt'> & {
  /** Parent of both sides, or a function of the side (lung_upper_lobe_left -> lung_left). */
  readonly parent: string | ((side: 'left' | 'right') => string);
};

/**
 * The left and right members of a paired structure: `base_left` / `base_right`, displayed "left <noun>" /
 * "right <noun>". Sided entries never get the unsided SNOMED CT code (a sided concept is a different code).
 */
export function sided(base: string, noun: string, fields: SidedFields): Structure[] {
  return (['left', 'right'] as const).map((side) => ({
    ...fields,
    name: `${base}_${side}`,
    displayName: `${side} ${noun}`,
    laterality: side,
    parent: typeof fields.parent === 'function' ? fields.parent(side) : fields.parent,
  }));
}

/** 1 -> '1st', 2 -> '2nd', 11 -> '11th', 12 -> '12th'. */
export function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** Integers from..to inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
