import { thresholdValue, type KnowledgeBase } from '../../src/knowledge/index.ts';
import type { StudyTruth } from '../../src/phantom/index.ts';
import type { Expected } from './question-set.ts';

/**
 * Expected answers from a phantom's TRUTH record (what the generator painted, measured on its own arrays), with
 * thresholds read from the knowledge-base passages that define them. Written apart from src/vqa and src/findings:
 * the decisions (organ complete, enlarged above, T bands, fatty at or below) are re-implemented here from the
 * passages, so a wrong rule in the pipeline shows up as a miss.
 */

export interface TruthLesion {
  readonly labelName: string;
  readonly componentId: string;
  /** Canonical organ: liver, pancreas, spleen, kidney_left, kidney_right. */
  readonly organ: string;
  /** Canonical sub-segments holding > 10 % of the voxels (liver_segment_7, pancreas_head). */
  readonly segments: readonly string[];
  readonly cyst: boolean;
  readonly volumeMl: number;
  readonly longAxisMm: number;
  readonly shortAxisMm: number;
  readonly meanHu: number;
  readonly attenuation: 'hypo' | 'iso' | 'hyper';
  readonly smaContactDeg: number | null;
}

export type Status = 'absent' | 'partial' | 'complete';

const COMPOSITES: Readonly<Record<string, readonly string[]>> = { kidneys: ['kidney_left', 'kidney_right'] };
const PARENT: Readonly<Record<string, string>> = {
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`liver_segment_${n}`, 'liver'])),
  pancreas_head: 'pancreas', pancreas_body: 'pancreas', pancreas_tail: 'pancreas',
};

/** Display names the answers use (the anatomy catalogue's radiology wording). */
export function displayOf(name: string): string {
  const seg = /^liver_segment_(\d)$/.exec(name);
  if (seg) return `Couinaud segment ${seg[1]}`;
  const pan = /^pancreas_(head|body|tail)$/.exec(name);
  if (pan) return `pancreatic ${pan[1]}`;
  const kid = /^kidney_(left|right)$/.exec(name);
  if (kid) return `${kid[1]} kidney`;
  return name.replace(/_/g, ' ');
}

export class PhantomOracle {
  readonly lesions: readonly TruthLesion[];
  private readonly byName: ReadonlyMap<string, StudyTruth['structures'][number]>;

  constructor(readonly truth: StudyTruth, private readonly kb: KnowledgeBase) {
    this.byName = new Map(truth.structures.map((s) => [s.name, s]));
    const lesions = truth.lesions.map((l) => {
      const spec = truth.spec.lesions[l.index];
      const organ = l.organ === 'kidney' ? `kidney_${spec.side}` : l.organ;
      const segments = l.segments.map((s) => (l.organ === 'liver' ? `liver_segment_${s}` : `pancreas_${s}`));
      return { l, organ, segments };
    });
    // Component ids: `${label}-n`, n by voxel count, largest first (the measure stage's documented numbering).
    this.lesions = lesions.map(({ l, organ, segments }) => {
      const rank = lesions.filter((o) => o.l.labelName === l.labelName && o.l.voxelCount > l.voxelCount).length + 1;
      return {
        labelName: l.labelName,
        componentId: `${l.labelName}-${rank}`,
        organ,
        segments,
        cyst: l.labelName.includes('cyst'),
        volumeMl: l.volumeMl,
        longAxisMm: l.axial.longAxisMm,
        shortAxisMm: l.axial.shortAxisMm,
        meanHu: l.meanHu,
        attenuation: l.attenuation,
        smaContactDeg: l.contact?.vessel === 'superior_mesenteric_artery' ? l.contact.constructedAngleDeg : null,
      };
    });
  }

  get phase(): string {
    return this.truth.spec.phase;
  }

  structure(name: string) {
    return this.byName.get(name);
  }

  status(name: string): Status {
    const members = COMPOSITES[name] ?? [name];
    const rows = members.map((m) => this.byName.get(m));
    if (rows.some((r) => r === undefined)) return 'absent';
    return rows.some((r) => r!.cutByBorder) ? 'partial' : 'complete';
  }

  volumeMl(name: string): number {
    return (COMPOSITES[name] ?? [name]).reduce((a, m) => a + this.byName.get(m)!.volumeMl, 0);
  }

  /** Lesions in `organ` (an organ, 'kidneys', a Couinaud segment or pancreatic region), largest volume first. */
  lesionsIn(organ: string | null, kind: 'any' | 'cyst' | 'solid' = 'any'): TruthLesion[] {
    return this.lesions
      .filter((l) => organ === null || l.organ === organ || l.segments.includes(organ) || (organ === 'kidneys' && l.organ.startsWith('kidney_')))
      .filter((l) => kind === 'any' || (kind === 'cyst') === l.cyst)
      .sort((a, b) => b.volumeMl - a.volumeMl);
  }

  /** The structure whose completeness decides an absence claim about `organ`. */
  coverageOf(organ: string): string {
    return this.status(organ) !== 'absent' ? organ : (PARENT[organ] ?? organ);
  }

  /** Presence / count: an answer when lesions match, else the organ must be labelled and complete. */
  absence(organ: string): Expected | null {
    const s = this.status(this.coverageOf(organ));
    if (s === 'absent') return { answerable: false, reason: 'structure_absent' };
    if (s === 'partial') return { answerable: false, reason: 'partially_imaged' };
    return null;
  }

  /** RadGPT organ volume classes: enlarged strictly above the passage's limit (cm3 = mL). */
  enlarged(name: string): boolean | null {
    const passage = { spleen: 'radgpt-spleen-volume', liver: 'radgpt-liver-volume', pancreas: 'radgpt-pancreas-volume', kidney_left: 'radgpt-kidney-volume', kidney_right: 'radgpt-kidney-volume' }[name];
    if (passage === undefined) return null;
    return this.volumeMl(name) > thresholdValue(this.kb, passage, 'enlargedVolumeCm3');
  }

  /** RadGPT steatosis on non-contrast CT only: liver mean <= 40 HU; pancreas/spleen mean ratio <= 0.7. Null: not assessed. */
  fatty(name: 'liver' | 'pancreas'): boolean | null {
    if (this.phase !== 'non-contrast' || this.status(name) === 'absent') return null;
    if (name === 'liver') return this.byName.get('liver')!.meanHu <= thresholdValue(this.kb, 'radgpt-fatty-liver', 'maxMeanHu');
    const spleen = this.byName.get('spleen');
    if (spleen === undefined) return null;
    return this.byName.get('pancreas')!.meanHu / spleen.meanHu <= thresholdValue(this.kb, 'radgpt-fatty-pancreas', 'maxPancreasSpleenHuRatio');
  }

  /** Imaging T category (AJCC 8 as RadGPT applies it): null for lesions no rule stages (cysts, liver, spleen). */
  tCategory(l: TruthLesion): string | null {
    if (l.cyst) return null;
    const cm = l.longAxisMm / 10;
    const t = (p: string, n: string) => thresholdValue(this.kb, p, n);
    if (l.organ === 'pancreas') {
      const p = 'radgpt-pancreas-t-stage';
      if (l.smaContactDeg !== null && l.smaContactDeg >= t(p, 't4EncasementAngleDeg')) return 'T4';
      return cm <= t(p, 't1aMaxCm') ? 'T1a' : cm <= t(p, 't1bMaxCm') ? 'T1b' : cm <= t(p, 't1cMaxCm') ? 'T1c' : cm <= t(p, 't2MaxCm') ? 'T2' : 'T3';
    }
    if (l.organ.startsWith('kidney_')) {
      const p = 'ajcc8-kidney-t';
      return cm <= t(p, 't1aMaxCm') ? 'T1a' : cm <= t(p, 't1bMaxCm') ? 'T1b' : cm <= t(p, 't2aMaxCm') ? 'T2a' : 'T2b';
    }
    return null;
  }

  /** Overall normal: complete, no lesion in it, not enlarged, not fatty (where those rules apply). */
  normalOverall(name: string): boolean {
    const fat = name === 'liver' || name === 'pancreas' ? this.fatty(name) : null;
    return this.lesionsIn(name).length === 0 && this.enlarged(name) !== true && fat !== true;
  }
}
