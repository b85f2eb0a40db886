import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { splitSentences } from '../claims/index.ts';
import { gctError } from '../errors.ts';
import type { Evidence, Finding } from '../findings/index.ts';
import { buildReport, loadTemplates, type LoadedTemplates } from '../report/index.ts';
import type { CandidateSpec } from './manifest.ts';
import type { ReferenceStudy } from './reference.ts';

/** One sentence of a candidate report, with what the report itself says grounds it (report.json only). */
export interface CandidateSentence {
  readonly id: string;
  readonly text: string;
  readonly section: string | null;
  /** Finding ids the report lists for the sentence (report.json). */
  readonly findingIds?: readonly string[];
  /** Mask evidence the report gives for the sentence: its own `evidence`, else its findings' evidence. */
  readonly evidence?: readonly Evidence[];
}

export type CandidateFormat = 'text' | 'markdown' | 'report-json' | 'generated';

export interface CandidateReport {
  readonly id: string;
  readonly format: CandidateFormat;
  /** The whole text (sentences joined), for the lexical scores. */
  readonly text: string;
  readonly sentences: readonly CandidateSentence[];
}

function formatOf(path: string, given?: 'text' | 'markdown' | 'report-json'): 'text' | 'markdown' | 'report-json' {
  if (given !== undefined) return given;
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'report-json';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  return 'text';
}

interface ReportLike {
  sentences: { id?: unknown; text?: unknown; section?: unknown; findingIds?: unknown; evidence?: unknown; kind?: unknown }[];
  findings?: Finding[];
}

/**
 * Sentences of a report.json: its evidence when grounded, else the union of its findings' evidence. Suggestion
 * sentences (kind 'suggestion': recommendations from a guideline) state no finding and are not scored.
 */
export function reportSentences(report: ReportLike, source: string): CandidateSentence[] {
  if (!Array.isArray(report.sentences)) throw gctError('GCT_EVAL_CANDIDATE_INVALID', `Candidate ${source} has no sentences[] array.`, { path: source });
  const byId = new Map((report.findings ?? []).map((f) => [f.id, f]));
  return report.sentences.filter((s) => s.kind !== 'suggestion').map((s, i) => {
    if (typeof s.text !== 'string') throw gctError('GCT_EVAL_CANDIDATE_INVALID', `Candidate ${source}: sentence ${i} has no text.`, { path: source, index: i });
    const findingIds = Array.isArray(s.findingIds) ? s.findingIds.filter((x): x is string => typeof x === 'string') : undefined;
    const own = Array.isArray(s.evidence) ? (s.evidence as Evidence[]) : undefined;
    const fromFindings = findingIds?.flatMap((id) => byId.get(id)?.evidence ?? []);
    const evidence = own ?? (fromFindings && fromFindings.length > 0 ? fromFindings : undefined);
    return {
      id: typeof s.id === 'string' ? s.id : `s${i + 1}`,
      text: s.text,
      section: typeof s.section === 'string' ? s.section : null,
      ...(findingIds ? { findingIds } : {}),
      ...(evidence ? { evidence } : {}),
    };
  });
}

function joinText(sentences: readonly CandidateSentence[]): string {
  return sentences.map((s) => s.text).join(' ');
}

let templatesOnce: Promise<LoadedTemplates> | undefined;

/** Reads (or, for `generate: 'groundct'`, writes) a candidate report of a case. */
export async function readCandidate(spec: CandidateSpec, reference: ReferenceStudy): Promise<CandidateReport> {
  if ('generate' in spec) {
    if (reference.measurements === undefined)
      throw gctError('GCT_EVAL_CANDIDATE_INVALID', `Candidate '${spec.id}' asks for groundct's report, but the case reference is a findings file (no measurements to report on).`, { candidate: spec.id });
    templatesOnce ??= loadTemplates();
    const report = buildReport(reference.measurements, reference.findings, { templates: await templatesOnce });
    const sentences = reportSentences(report as unknown as ReportLike, spec.id);
    return { id: spec.id, format: 'generated', text: joinText(sentences), sentences };
  }
  let text: string;
  try {
    text = await readFile(spec.path, 'utf8');
  } catch (cause) {
    throw gctError('GCT_EVAL_INPUT_NOT_FOUND', `Cannot read candidate ${spec.path}: ${(cause as Error).message}`, { path: spec.path }, cause);
  }
  const format = formatOf(spec.path, spec.format);
  if (format === 'report-json') {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw gctError('GCT_EVAL_CANDIDATE_INVALID', `Candidate ${spec.path} is not valid JSON: ${(cause as Error).message}`, { path: spec.path }, cause);
    }
    const sentences = reportSentences(raw as ReportLike, spec.path);
    return { id: spec.id, format, text: joinText(sentences), sentences };
  }
  const sentences = splitSentences(text).map((s) => ({ id: s.id, text: s.text, section: s.section }));
  return { id: spec.id, format, text: joinText(sentences), sentences };
}
