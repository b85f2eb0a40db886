import { structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { organsRelated } from './mentions.ts';

/**
 * Queries over a study's reference findings that claim matching needs: lesions of an organ, whether an organ
 * is known to be lesion-free, size findings, members of paired organs.
 */

/**
 * A labelled structure of the study as claim matching reads it: measurements.json's structure rows or report.json's
 * structure table (toMeasuredStructure reads either). It gives the numbers no finding carries (the volume of a
 * gallbladder, an adrenal: no size rule exists for them, yet a stated volume is checkable) and says which
 * structures the masks hold at all.
 */
export interface MeasuredStructure {
  readonly name: string | null;
  readonly present: boolean;
  /** Touches the scan border: whole-organ numbers (volume, length) are not checked. */
  readonly partiallyImaged: boolean;
  readonly volumeMl: number | null;
  readonly huMean: number | null;
  /** Craniocaudal extent between the outer voxel faces, mm. */
  readonly craniocaudalMm: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A measurements.json structure row or a report.json structure-table row, as a MeasuredStructure. */
export function toMeasuredStructure(row: Record<string, unknown>): MeasuredStructure {
  const present = row.present === true;
  const extent = row.extentMm as { craniocaudal?: unknown } | undefined;
  const partial = typeof row.partiallyImaged === 'boolean' ? row.partiallyImaged : present && row.complete === false;
  return {
    name: typeof row.name === 'string' ? row.name : null,
    present,
    partiallyImaged: present && partial,
    volumeMl: present ? num(row.volumeMl) : null,
    huMean: present ? num(row.huMean) : null,
    craniocaudalMm: present ? num(extent?.craniocaudal) : null,
  };
}

export interface MatchOptions {
  /**
   * The reference masks label every lesion of every wholly imaged organ (true for the synthetic studies, whose
   * generator labels each lesion it draws). Then an organ imaged whole with no lesion finding is lesion-free.
   * Without it, "lesion-free" is known only from a lesion label with no component (a `lesion_count` of 0) or a
   * 'normal' finding that assessed lesions (groundct-negative-findings).
   */
  readonly lesionsComplete?: boolean;
  /** The study's labelled structures (measurements); without them only findings are compared. */
  readonly structures?: readonly MeasuredStructure[];
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
  /** Labelled structures by canonical name (first row wins). */
  readonly measured: ReadonlyMap<string, MeasuredStructure>;

  constructor(findings: readonly Finding[], options: MatchOptions = {}) {
    this.findings = findings;
    this.byId = new Map(findings.map((f) => [f.id, f]));
    this.lesions = findings.filter((f) => f.type === 'lesion');
    this.options = options;
    const measured = new Map<string, MeasuredStructure>();
    for (const s of options.structures ?? []) if (s.name !== null && !measured.has(s.name)) measured.set(s.name, s);
    this.measured = measured;
  }

  /** The measured row of a labelled structure, or undefined. */
  structure(name: string): MeasuredStructure | undefined {
    return this.measured.get(name);
  }

  /** True when the study has a label or a finding for the structure (or one inside it / containing it). */
  hasStructure(organ: string): boolean {
    return claimTargets(organ).every((t) => [...this.measured.keys()].some((n) => organsRelated(n, t)) || this.about(t).length > 0);
  }

  /** Whether the masks hold a lesion label or a lesion finding for the organ. */
  hasLesionClass(organ: string): boolean {
    if (this.lesionsOf(organ).length > 0) return true;
    if (claimTargets(organ).some((t) => this.get(`${t}.lesions`) !== undefined)) return true;
    return [...this.measured.keys()].some((n) => {
      const s = structureOrNull(n);
      return s !== null && s.lesionOf !== undefined && s.lesionOf !== null && organsRelated(s.lesionOf, organ);
    });
  }

  /** Findings that say the organ (or a member of a composite) is not wholly in the scan: cut by the border, or no voxel. */
  limitingFindings(organ: string): Finding[] {
    const out: Finding[] = [];
    for (const t of claimTargets(organ)) {
      for (const f of this.findings) {
        if (f.type !== 'partially_imaged' && f.type !== 'not_imaged') continue;
        const s = f.subject.structure;
        if (s !== null && (organsRelated(s, t) || organsRelated(t, s))) out.push(f);
      }
    }
    return out;
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
