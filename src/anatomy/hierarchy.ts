import { allStructures, requireStructure } from './catalogue.ts';
import type { Structure } from './types.ts';

/**
 * Walking the catalogue's part-of tree (`parent`) and its composites (`members`).
 *
 * All functions take exact canonical names and throw GCT_ANATOMY_UNKNOWN_STRUCTURE for anything else.
 */

const CHILDREN: ReadonlyMap<string, readonly string[]> = (() => {
  const children = new Map<string, string[]>();
  for (const s of allStructures()) {
    if (s.parent === null) continue;
    const list = children.get(s.parent) ?? [];
    list.push(s.name);
    children.set(s.parent, list);
  }
  return children;
})();

/** The parent chain, nearest first: ancestors('lung_upper_lobe_left') = ['lung_left', 'lung', 'body']. */
export function ancestors(name: string): readonly string[] {
  const chain: string[] = [];
  let current: Structure = requireStructure(name);
  while (current.parent !== null) {
    chain.push(current.parent);
    current = requireStructure(current.parent);
  }
  return chain;
}

/**
 * Everything contained in the structure (its subtree in the part-of tree, itself excluded), depth first:
 * descendants('liver') holds the 8 Couinaud segments, the intrahepatic vessels and 'liver_lesion'. For the masks
 * whose union IS the structure use `compositeMembers`; for its named partition, `structure.subSegments`.
 */
export function descendants(name: string): readonly string[] {
  requireStructure(name);
  const out: string[] = [];
  const visit = (n: string): void => {
    for (const child of CHILDREN.get(n) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(name);
  return out;
}

/**
 * The non-composite structures whose union a composite is, expanded recursively and in member order:
 * compositeMembers('lung_left') = ['lung_upper_lobe_left', 'lung_lower_lobe_left'], compositeMembers('lung') =
 * the five lobes. An empty list for a structure that is not a composite (its own mask is the structure).
 */
export function compositeMembers(name: string): readonly string[] {
  const s = requireStructure(name);
  if (s.kind !== 'composite' || s.members === undefined) return [];
  const out: string[] = [];
  for (const m of s.members) {
    const member = requireStructure(m);
    if (member.kind === 'composite') out.push(...compositeMembers(m));
    else out.push(m);
  }
  return out;
}

/**
 * The vessels that matter for a lesion in this structure: its own `contactVessels`, else the nearest ancestor's
 * (pancreas_head and pancreas_lesion get the pancreas' list; liver_segment_7 the liver's). Empty when no
 * ancestor has any.
 */
export function contactVesselsFor(name: string): readonly string[] {
  let current: Structure | null = requireStructure(name);
  while (current !== null) {
    if (current.contactVessels !== undefined) return current.contactVessels;
    current = current.parent === null ? null : requireStructure(current.parent);
  }
  return [];
}
