import { structureOrNull } from '../anatomy/index.ts';
import type { LesionRecord, Measurements } from '../measure/measurements.ts';
import type { MeasuredStructureStats, StructureStats } from '../measure/types.ts';
import { estimatePhase, resolvePhase, type ResolvedPhase } from './contrast-phase.ts';
import type { FindingRules } from './rules.ts';
import type { Finding } from './schema.ts';

/** What every rule reads: the measurements, the resolved thresholds and a few look-ups built once. */
export interface RuleContext {
  readonly m: Measurements;
  readonly rules: FindingRules;
  /** Structures by canonical name (first label wins when two labels share a name). */
  readonly byName: ReadonlyMap<string, StructureStats>;
  /** Structures by label id. */
  readonly byLabelId: ReadonlyMap<number, StructureStats>;
  /** Lesion records that are lesions (lymph nodes excluded). */
  readonly lesions: readonly LesionRecord[];
  /** Lesion records whose class is a lymph node. */
  readonly lymphNodes: readonly LesionRecord[];
  /** True when the measurement's lesion floor equals the one the cited passage states. */
  readonly minComponentCited: boolean;
  /** The contrast phase the rules assume (stated, or estimated from the blood pools) and whether they may rely on it. */
  readonly phase: ResolvedPhase;
}

export function isLymphNodeClass(name: string): boolean {
  return structureOrNull(name)?.kind === 'lymph_node';
}

export function makeContext(m: Measurements, rules: FindingRules): RuleContext {
  const byName = new Map<string, StructureStats>();
  const byLabelId = new Map<number, StructureStats>();
  for (const s of m.structures) {
    byLabelId.set(s.labelId, s);
    if (s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
  }
  return {
    m,
    rules,
    byName,
    byLabelId,
    lesions: m.lesions.filter((l) => !isLymphNodeClass(l.lesionClass)),
    lymphNodes: m.lesions.filter((l) => isLymphNodeClass(l.lesionClass)),
    minComponentCited: m.minLesionVolumeMm3 === rules.minComponentVolumeMm3,
    phase: resolvePhase(m, estimatePhase(m, rules.phase), rules.phase),
  };
}

/** The measured (present) structure with this canonical name, or null. */
export function measured(ctx: RuleContext, name: string): MeasuredStructureStats | null {
  const s = ctx.byName.get(name);
  return s !== undefined && s.present ? s : null;
}

/** A measured structure that lies fully inside the scan. */
export function complete(ctx: RuleContext, name: string): MeasuredStructureStats | null {
  const s = measured(ctx, name);
  return s !== null && !s.partiallyImaged ? s : null;
}

type FindingInput = Omit<Finding, 'values' | 'attributes' | 'caveats'> & Partial<Pick<Finding, 'values' | 'attributes' | 'caveats'>>;

/** A finding with empty values/attributes/caveats where the rule gives none; criteria are de-duplicated. */
export function makeFinding(f: FindingInput): Finding {
  return {
    ...f,
    values: f.values ?? {},
    attributes: f.attributes ?? {},
    caveats: f.caveats ?? [],
    criteria: [...new Set(f.criteria)],
  };
}

/** Rounds a derived ratio or difference for storage (full precision is noise; 4 decimals keep 0.7 decisions exact). */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
