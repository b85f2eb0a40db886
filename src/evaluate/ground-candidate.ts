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
 * side and segment). A sentence whose decided claims match no finding has empty evidence and counts as wrongly
 * grounded. report.json candidates keep their own evidence.
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
  // A sentence grounding found nothing for (its claims contradicted, or about nothing measured) gets an empty
  // evidence list: scored as spatially wrong when its claims were decided, not scored otherwise (score-report.ts).
  const evidence = new Map(grounded.sentences.map((s) => [s.id, s.evidence]));
  return { ...candidate, sentences: candidate.sentences.map((s) => ({ ...s, evidence: evidence.get(s.id) ?? [] })) };
}
