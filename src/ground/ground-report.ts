import type { Evidence, Finding, Findings } from '../findings/index.ts';
import { citedPassages, type KnowledgeBase, type Passage } from '../knowledge/index.ts';
import type { Measurements } from '../measure/index.ts';
import type { Report, Sentence } from '../report/index.ts';
import { gctError } from '../errors.ts';
import type { Retriever } from './retriever.ts';

/**
 * Grounding of the sentences the pipeline wrote. Exact by construction: a sentence's evidence is the union of
 * its findings' mask evidence, and its citations are its findings' criterion passages. Retrieval then adds
 * supporting passages whose similarity to the sentence clears a threshold.
 */

/**
 * Lowest retrieval score (the default retriever's fused score, retriever.ts) for a retrieved passage to be cited
 * as supporting literature. Chosen on the dev split of the gold sentences (eval/results/retrieval.md): at 0.4 about
 * nine in ten first passages that clear it are right, and about 3 % of sentences no passage supports get one.
 */
export const SUPPORTING_PASSAGE_MIN_SCORE = 0.4;
/** At most this many retrieved passages are added per sentence. */
export const SUPPORTING_PASSAGES_PER_SENTENCE = 2;

export interface GroundReportOptions {
  readonly kb: KnowledgeBase;
  /** Without a retriever only the exact criterion citations are attached. */
  readonly retriever?: Retriever;
  readonly minScore?: number;
  readonly maxRetrieved?: number;
}

/** One line naming a passage's source: authors or body, title, year, DOI or URL. */
export function sourceLine(p: Passage): string {
  const s = p.source as Record<string, unknown>;
  const who = (s.authors ?? s.body ?? '') as string | string[];
  const parts = [Array.isArray(who) ? who.join(', ') : who, s.title, s.journal, s.year, s.doi ? `doi:${s.doi}` : s.url];
  return parts.filter((x) => x !== undefined && x !== '').join('. ');
}

/**
 * The whole scan as evidence, for study-level sentences ("nothing could be assessed", "phase unknown") whose
 * findings rest on no single mask (RadGenome-Chest CT grounds such sentences to the whole volume).
 */
export function wholeScanEvidence(m: Measurements): Evidence {
  const [nx, ny, nz] = m.study.dims;
  const a = m.study.ijkToRas;
  const corner = (i: number, j: number, k: number): [number, number, number] => [
    a[0] * i + a[1] * j + a[2] * k + a[3],
    a[4] * i + a[5] * j + a[6] * k + a[7],
    a[8] * i + a[9] * j + a[10] * k + a[11],
  ];
  const corners = [0, nx - 1].flatMap((i) => [0, ny - 1].flatMap((j) => [0, nz - 1].map((k) => corner(i, j, k))));
  const min = [0, 1, 2].map((d) => Math.min(...corners.map((c) => c[d]))) as [number, number, number];
  const max = [0, 1, 2].map((d) => Math.max(...corners.map((c) => c[d]))) as [number, number, number];
  return {
    labelId: 0,
    labelName: 'whole scan',
    structure: 'body',
    voxelCount: nx * ny * nz,
    ijkBounds: { min: [0, 0, 0], max: [nx - 1, ny - 1, nz - 1] },
    rasBounds: { min, max },
    sliceRange: [0, nz - 1],
    ijkCentroid: [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2],
    rasCentroid: corner((nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2),
  };
}

function evidenceKey(e: Evidence): string {
  return `${e.study ?? ''}/${e.labelId}/${e.componentId ?? ''}`;
}

/** A passage a sentence cites (report.json's citation shape). */
export type Citation = NonNullable<Sentence['citations']>[number];

/** What grounds one sentence: its findings' mask evidence (union) and its citations. */
export interface SentenceGrounding {
  readonly evidence: Evidence[];
  readonly citations: Citation[];
}

/**
 * Grounds one sentence on the findings it states: evidence = the union of the findings' evidence (one entry per
 * label and component), or `fallbackEvidence` (the whole scan) when they carry none. Citations, each marked with
 * its passage kind:
 *   1. the findings' criteria and, when none of them is literature, the literature their method criteria name
 *      (knowledge/citations.ts citedPassages; via 'criteria' / 'related');
 *   2. when that still holds no literature, the best retrieved literature passage scoring at least `minScore`
 *      (via 'retrieval'): the fallback that covers finding types whose passages name no literature;
 *   3. up to `maxRetrieved` further retrieved literature passages scoring at least `minScore` (via 'retrieval').
 * `extraPassageIds` are passages the sentence states beyond its findings' criteria (the guideline a suggestion
 * follows); they are cited with the criteria. The same code grounds the pipeline's own sentences (groundReport)
 * and text it did not write (groundText).
 */
export async function groundSentence(
  text: string,
  own: readonly Finding[],
  fallbackEvidence: Evidence | null,
  options: GroundReportOptions,
  extraPassageIds: readonly string[] = [],
): Promise<SentenceGrounding> {
  const minScore = options.minScore ?? SUPPORTING_PASSAGE_MIN_SCORE;
  const maxRetrieved = options.maxRetrieved ?? SUPPORTING_PASSAGES_PER_SENTENCE;
  const cite = (p: Passage, via: Citation['via'], score?: number): Citation => ({
    passageId: p.id,
    via,
    kind: p.kind,
    ...(score === undefined ? {} : { score }),
    title: p.title,
    source: sourceLine(p),
  });
  const evidence = new Map<string, Evidence>();
  for (const f of own) for (const e of f.evidence) if (!evidence.has(evidenceKey(e))) evidence.set(evidenceKey(e), e);
  if (evidence.size === 0 && fallbackEvidence !== null) evidence.set('scan', fallbackEvidence);
  const criteria = [...new Set([...extraPassageIds, ...own.flatMap((f) => f.criteria)])];
  for (const id of criteria) {
    if (!options.kb.byId.has(id)) throw gctError('GCT_KB_REFERENCE_UNKNOWN', `A finding cites passage '${id}', which the knowledge base does not hold.`, { passageId: id });
  }
  const citations = citedPassages(options.kb, criteria).map((c) => cite(c.passage, c.via));
  if (options.retriever) {
    const cited = new Set(citations.map((c) => c.passageId));
    const hasLiterature = citations.some((c) => c.kind === 'literature');
    const retrieved = await options.retriever.retrieve(text, { k: maxRetrieved + 1 + cited.size, minScore, kind: 'literature' });
    const fresh = retrieved.filter((r) => !cited.has(r.passageId)).slice(0, maxRetrieved + (hasLiterature ? 0 : 1));
    for (const r of fresh) citations.push(cite(options.kb.byId.get(r.passageId)!, 'retrieval', Number(r.score.toFixed(4))));
  }
  return { evidence: [...evidence.values()], citations };
}

export async function groundReport(report: Report, findings: Findings, measurements: Measurements, options: GroundReportOptions): Promise<Report> {
  const byId = new Map<string, Finding>([...findings.findings, ...(findings.priorFindings ?? [])].map((f) => [f.id, f]));
  const wholeScan = wholeScanEvidence(measurements);
  const sentences: Sentence[] = [];
  for (const sentence of report.sentences) {
    const own = sentence.findingIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    sentences.push({ ...sentence, ...(await groundSentence(sentence.text, own, wholeScan, options, sentence.passageIds ?? [])) });
  }
  return { ...report, sentences };
}
