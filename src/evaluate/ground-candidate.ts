import { groundText, loadGroundStudy } from '../ground/index.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import type { CandidateReport } from './candidate.ts';
import type { ReferenceStudy } from './reference.ts';

/**
 * Mask evidence for the sentences of a plain-text or Markdown candidate, so that 3D grounding precision and recall
 * are scored for any text, not only report.json: each sentence is grounded as `groundct ground` grounds it
 * (src/ground groundText: claims -> findings -> their masks). On the candidate system's own study when the
 * manifest gives one (its masks then say where the text puts each finding, and 3D scoring checks that against
 * the reference masks); otherwise on the reference study itself (a sentence is then placed on the reference mask
 * of the finding its claims match, so the 3D figure says whether the text names the right structure, lesion,
 * side and segment). Sentences that match no finding get no evidence. report.json candidates keep their own.
 */
export async function groundCandidateSentences(candidate: CandidateReport, reference: ReferenceStudy, kb: KnowledgeBase, studyDir?: string): Promise<CandidateReport> {
  if ((candidate.format !== 'text' && candidate.format !== 'markdown') || candidate.raw === undefined) return candidate;
  const study = studyDir !== undefined ? await loadGroundStudy(studyDir) : { findings: reference.findings.findings, measurements: reference.measurements, structures: reference.measurements?.structures ?? [] };
  if (studyDir === undefined && reference.labels === undefined) return candidate;
  const grounded = await groundText(candidate.raw, {
    findings: study.findings,
    ...(study.measurements ? { measurements: study.measurements } : {}),
    structures: study.structures,
    kb,
    lesionsComplete: studyDir === undefined && reference.lesionsComplete,
  });
  const evidence = new Map(grounded.sentences.filter((s) => s.evidence.length > 0).map((s) => [s.id, s.evidence]));
  return { ...candidate, sentences: candidate.sentences.map((s) => (evidence.has(s.id) ? { ...s, evidence: evidence.get(s.id)! } : s)) };
}
