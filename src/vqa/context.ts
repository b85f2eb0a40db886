import { ancestors, compositeMembers, getStructure, structureOrNull } from '../anatomy/index.ts';
import type { Evidence, Finding } from '../findings/index.ts';
import { citedPassages, type KnowledgeBase } from '../knowledge/index.ts';
import type { VqaStructure, VqaStudy } from './study.ts';
import type { AnswerCitation, LesionTarget } from './types.ts';

/** Look-ups the answer functions share, built once per study (`makeVqaContext`). */
export interface VqaContext {
  readonly study: VqaStudy;
  readonly kb: KnowledgeBase;
  readonly findingById: ReadonlyMap<string, Finding>;
  /** Labelled structures by canonical name (first label wins when two share a name). */
  readonly byName: ReadonlyMap<string, VqaStructure>;
  /** 'lesion' findings, largest volume first. */
  readonly lesions: readonly LesionView[];
}

/** A lesion as the answers read it: its finding plus the fields they compare. */
export interface LesionView {
  readonly finding: Finding;
  readonly id: string;
  readonly organ: string | null;
  readonly side: 'left' | 'right' | 'midline' | undefined;
  readonly segments: readonly string[];
  /** The finding's noun: 'lesion', 'cyst', 'nodule', 'mass', 'tumour', 'metastasis'. */
  readonly noun: string;
  readonly volumeMl: number;
  readonly longAxisMm: number;
}

function lesionView(f: Finding): LesionView {
  const segments = f.attributes.segments;
  return {
    finding: f,
    id: f.id,
    organ: f.subject.organ,
    side: f.subject.side,
    segments: Array.isArray(segments) ? segments : [],
    noun: f.statement,
    volumeMl: f.values.volumeMl ?? 0,
    longAxisMm: f.values.longAxisMm ?? 0,
  };
}

export function makeVqaContext(study: VqaStudy, kb: KnowledgeBase): VqaContext {
  const byName = new Map<string, VqaStructure>();
  for (const s of study.structures) if (s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
  const lesions = study.findings
    .filter((f) => f.type === 'lesion')
    .map(lesionView)
    .sort((a, b) => b.volumeMl - a.volumeMl || b.longAxisMm - a.longAxisMm || a.id.localeCompare(b.id));
  return { study, kb, findingById: new Map(study.findings.map((f) => [f.id, f])), byName, lesions };
}

/**
 * How much of a structure the mask set shows. A composite (kidneys, lung_left) is read through its members
 * when it has no label of its own: complete only when every member is labelled, present and complete.
 */
export interface Coverage {
  readonly status: 'absent' | 'not_imaged' | 'partial' | 'complete';
  readonly rows: readonly VqaStructure[];
}

export function coverage(ctx: VqaContext, name: string): Coverage {
  const own = ctx.byName.get(name);
  const rows = own !== undefined ? [own] : compositeMembers(name).map((m) => ctx.byName.get(m));
  if (rows.length === 0 || rows.some((r) => r === undefined)) return { status: 'absent', rows: rows.filter((r) => r !== undefined) };
  const labelled = rows as VqaStructure[];
  if (labelled.every((r) => !r.present)) return { status: 'not_imaged', rows: labelled };
  if (labelled.some((r) => !r.present || r.partiallyImaged)) return { status: 'partial', rows: labelled };
  return { status: 'complete', rows: labelled };
}

export function displayName(name: string): string {
  return structureOrNull(name)?.displayName ?? name;
}

/** True when the lesion lies in `organ`: its organ is it or a part of it, or it occupies that sub-segment. */
export function lesionIn(l: LesionView, organ: string): boolean {
  if (l.organ === null) return false;
  if (l.organ === organ || l.segments.includes(organ)) return true;
  return structureOrNull(l.organ) !== null && ancestors(l.organ).includes(organ);
}

/** Lesions the target names (organ, side, kind), largest first. */
export function matchingLesions(ctx: VqaContext, t: LesionTarget): LesionView[] {
  return ctx.lesions.filter(
    (l) =>
      (t.organ === null || lesionIn(l, t.organ)) &&
      (t.side === undefined || l.side === t.side) &&
      (t.lesionKind === 'any' || (t.lesionKind === 'cyst') === (l.noun === 'cyst')),
  );
}

/**
 * The structure whose completeness decides whether "no lesion in X" can be said: X itself when it is labelled
 * (or a composite of labelled members), else the nearest labelled ancestor (pancreas for an unlabelled
 * pancreatic head). Null when neither X nor an ancestor below the body is labelled.
 */
export function coverageStructure(ctx: VqaContext, name: string): string {
  if (coverage(ctx, name).status !== 'absent') return name;
  for (const a of ancestors(name)) {
    if (a === 'body') break;
    if (coverage(ctx, a).status !== 'absent') return a;
  }
  return name;
}

/**
 * Knowledge-base passages as answer citations (id, title, kind, source): the given criteria, literature first, plus
 * the literature a method criterion names when no criterion is literature (knowledge/citations.ts citedPassages),
 * so an answer cites a published source wherever the knowledge base has one. Unknown ids are skipped.
 */
export function citations(ctx: VqaContext, ids: Iterable<string>): AnswerCitation[] {
  return citedPassages(ctx.kb, ids).map(({ passage: p, via }) => {
    const source: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(p.source)) if (typeof v === 'string' || typeof v === 'number') source[k] = v;
    return { id: p.id, title: p.title, kind: p.kind, via, source };
  });
}

/** Findings about a structure (its own or its organ's), in findings order. */
export function findingsAbout(ctx: VqaContext, name: string): Finding[] {
  return ctx.study.findings.filter((f) => f.subject.structure === name || f.subject.organ === name);
}

export function evidenceOf(rows: readonly VqaStructure[]): Evidence[] {
  return rows.map((r) => r.evidence);
}

/** 'Couinaud segment 7', 'left kidney': the catalogue's display name, for answer texts. */
export function nameOf(name: string): string {
  return getStructure(name).displayName;
}
