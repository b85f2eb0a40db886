import { structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { organsRelated } from './mentions.ts';

/**
 * Queries over a study's reference findings that claim matching needs: lesions of an organ, whether an organ
 * is known to be lesion-free, size findings, members of paired organs.
 */

export interface MatchOptions {
  /**
   * The reference masks label every lesion of every wholly imaged organ (true for the synthetic studies, whose
   * generator labels each lesion it draws). Then an organ imaged whole with no lesion finding is lesion-free.
   * Without it, "lesion-free" is known only from a lesion label with no component (a `lesion_count` of 0) or a
   * 'normal' finding that assessed lesions (groundct-negative-findings).
   */
  readonly lesionsComplete?: boolean;
}

export const PAIRED: Readonly<Record<string, readonly [string, string]>> = {
  kidneys: ['kidney_left', 'kidney_right'],
  lung: ['lung_left', 'lung_right'],
  adrenal_glands: ['adrenal_gland_left', 'adrenal_gland_right'],
};

const MIRROR: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(PAIRED).flatMap(([l, r]) => [
    [l, r],
    [r, l],
  ]),
);

/** The other side's organ ('kidney_left' -> 'kidney_right'), or null for an unpaired organ. */
export function mirrorOrgan(organ: string): string | null {
  if (MIRROR[organ] !== undefined) return MIRROR[organ]!;
  const m = /^(.+)_(left|right)$/.exec(organ);
  if (m && structureOrNull(`${m[1]}_${m[2] === 'left' ? 'right' : 'left'}`) !== null) return `${m[1]}_${m[2] === 'left' ? 'right' : 'left'}`;
  return null;
}

/** The organs a claim about `organ` speaks of: both members of a paired composite, else the organ itself. */
export function claimTargets(organ: string): readonly string[] {
  return PAIRED[organ] ?? [organ];
}

export class ReferenceIndex {
  readonly findings: readonly Finding[];
  readonly byId: ReadonlyMap<string, Finding>;
  readonly lesions: readonly Finding[];
  readonly options: MatchOptions;

  constructor(findings: readonly Finding[], options: MatchOptions = {}) {
    this.findings = findings;
    this.byId = new Map(findings.map((f) => [f.id, f]));
    this.lesions = findings.filter((f) => f.type === 'lesion');
    this.options = options;
  }

  get(id: string): Finding | undefined {
    return this.byId.get(id);
  }

  /** Lesion findings whose organ is `organ` or part of it (or contains it). */
  lesionsOf(organ: string | null): Finding[] {
    if (organ === null) return [...this.lesions];
    return this.lesions.filter((f) => f.subject.organ !== null && organsRelated(f.subject.organ, organ));
  }

  /** Findings about an organ (subject organ or structure), any type. */
  about(organ: string): Finding[] {
    return this.findings.filter((f) => (f.subject.organ !== null && organsRelated(f.subject.organ, organ)) || f.subject.structure === organ);
  }

  /** True when the organ was segmented and lies wholly inside the scan (a size, normal or complete lesion-count finding). */
  wholeOrgan(organ: string): boolean {
    if (this.get(`${organ}.partial`) !== undefined || this.get(`${organ}.not_imaged`) !== undefined) return false;
    return (
      this.get(`${organ}.size`) !== undefined ||
      this.get(`${organ}.normal`) !== undefined ||
      this.get(`${organ}.lesions`)?.attributes.organComplete === true
    );
  }

  /**
   * Whether the reference says the organ has lesions: 'present', 'absent' (known lesion-free), or 'unknown'.
   * Returns the findings that say so.
   */
  lesionStatus(organ: string): { status: 'present' | 'absent' | 'unknown'; findingIds: string[] } {
    const found = this.lesionsOf(organ);
    if (found.length > 0) return { status: 'present', findingIds: found.map((f) => f.id) };
    const ids: string[] = [];
    for (const t of claimTargets(organ)) {
      const count = this.get(`${t}.lesions`);
      const normal = this.get(`${t}.normal`);
      if (count !== undefined && count.values.count === 0 && count.status === 'normal') ids.push(count.id);
      else if (normal !== undefined && Array.isArray(normal.attributes.assessed) && normal.attributes.assessed.includes('lesions')) ids.push(normal.id);
      else if (this.options.lesionsComplete === true && this.wholeOrgan(t)) {
        const evidence = this.get(`${t}.normal`) ?? this.get(`${t}.size`) ?? this.get(`${t}.lesions`);
        if (evidence !== undefined) ids.push(evidence.id);
      } else return { status: 'unknown', findingIds: [] };
    }
    return { status: 'absent', findingIds: ids };
  }

  /** Organs the reference has findings about (subject organs), for re-matching a claim to another organ. */
  organs(): string[] {
    return [...new Set(this.findings.map((f) => f.subject.organ).filter((o): o is string => o !== null && o !== 'body'))];
  }
}
