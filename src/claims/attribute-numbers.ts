import type { RawNumber } from './numbers.ts';

/**
 * Which organ a measured number belongs to when one clause names several: "Liver volume 1511 mL and spleen
 * volume 346 mL" states 1511 mL of the liver and 346 mL of the spleen, not both of the liver.
 *
 * Report prose puts the subject before its measurement ("liver 1511 mL", "spleen volume 346 mL", "the spleen
 * measures 13.8 cm"), so a number belongs to the nearest organ anchor that ends before it; a number before every
 * anchor ("346 mL spleen") belongs to the nearest anchor after it. "A and B measure x and y, respectively" pairs
 * the numbers with the organs in order. A number whose nearest anchor names several organs at once
 * ("hepatosplenomegaly, 2500 mL") belongs to none of them: the text does not say which.
 */

/** A place in the clause that names an organ: a structure mention, or a cue word that names its organ. */
export interface OrganAnchor {
  readonly organ: string;
  readonly start: number;
  readonly end: number;
}

const RESPECTIVELY = /\brespectively\b/i;

/** Organs named by the anchors, in order of first appearance. */
function organsInOrder(anchors: readonly OrganAnchor[]): string[] {
  const out: string[] = [];
  for (const a of [...anchors].sort((x, y) => x.start - y.start)) if (!out.includes(a.organ)) out.push(a.organ);
  return out;
}

/** The organs of the anchors that share the nearest span on one side of `n`; empty when there is none. */
function nearestGroup(anchors: readonly OrganAnchor[], n: RawNumber, before: boolean): string[] {
  const side = anchors.filter((a) => (before ? a.end <= n.start : a.start >= n.end));
  if (side.length === 0) return [];
  const best = before ? Math.max(...side.map((a) => a.end)) : Math.min(...side.map((a) => a.start));
  return [...new Set(side.filter((a) => (before ? a.end === best : a.start === best)).map((a) => a.organ))];
}

/**
 * The numbers of a clause per organ. With one organ (or none named) every number is that organ's; see the
 * module comment for several. Organs keep the order of `anchors`' first appearance.
 */
export function attributeNumbers(text: string, numbers: readonly RawNumber[], anchors: readonly OrganAnchor[]): Map<string, RawNumber[]> {
  const organs = organsInOrder(anchors);
  const out = new Map<string, RawNumber[]>(organs.map((o) => [o, []]));
  if (organs.length === 0) return out;
  const sorted = [...numbers].sort((a, b) => a.start - b.start);
  if (organs.length === 1) {
    out.set(organs[0]!, sorted);
    return out;
  }
  if (RESPECTIVELY.test(text) && sorted.length === organs.length) {
    sorted.forEach((n, i) => out.get(organs[i]!)!.push(n));
    return out;
  }
  for (const n of sorted) {
    const preceding = nearestGroup(anchors, n, true);
    const group = preceding.length > 0 ? preceding : nearestGroup(anchors, n, false);
    if (group.length === 1) out.get(group[0]!)!.push(n);
  }
  return out;
}
