/**
 * The grounding evaluation: every human-style sentence of eval/grounding/sentences.jsonl grounded on its study
 * the way `groundct ground <text> --study <dir>` does (the study's findings.json + measurements.json are written
 * to a folder and read back through the CLI's loader), and scored against its label (score.ts).
 *   npx tsx eval/grounding/run.ts      -> eval/results/grounding.md, eval/results/grounding.json
 * Goals (issue 5): >= 90 % of sentences linked correctly; every contradicted sentence marked as contradicting.
 * The TotalSegmentator study on ../shared/data is skipped (and said so) when the data is absent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGroundStudy } from '../../src/cli/ground.ts';
import { defaultConfig } from '../../src/config.ts';
import { groundText, openRetriever, type Retriever } from '../../src/ground/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { HAS_SHARED_DATA, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { scoreSentence, summarise, type Scored, type Summary } from './score.ts';
import { readSentenceSet, type SentenceItem } from './sentence-set.ts';
import { buildStudy, PHANTOM_STUDIES, SHARED_STUDIES } from './studies.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Goals of issue 5. */
export const LINKED_PCT_GOAL = 90;

export const SENTENCE_SET = here('sentences.jsonl');

export function allSentences(): SentenceItem[] {
  return readSentenceSet(SENTENCE_SET);
}

/** Grounds every item on its study (each study built once) and scores it. */
export async function evaluate(items: readonly SentenceItem[], kb: KnowledgeBase, retriever?: Retriever): Promise<{ scored: Scored[]; skipped: string[] }> {
  const scored: Scored[] = [];
  const skipped: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'gct-ground-eval-'));
  try {
    for (const key of [...new Set(items.map((i) => i.study))]) {
      if ((SHARED_STUDIES as readonly string[]).includes(key) && !HAS_SHARED_DATA) {
        skipped.push(`${key}: ${NO_DATA_REASON}`);
        continue;
      }
      const built = await buildStudy(key, kb);
      const dir = join(work, key);
      mkdirSync(dir);
      writeFileSync(join(dir, 'findings.json'), JSON.stringify(built.findings));
      writeFileSync(join(dir, 'measurements.json'), JSON.stringify(built.measurements));
      const study = await loadGroundStudy(dir);
      // The phantom generator labels every lesion it draws (src/phantom): lesion-free organs are known.
      const lesionsComplete = PHANTOM_STUDIES[key] !== undefined;
      for (const item of items.filter((i) => i.study === key)) {
        const g = await groundText(item.text, { findings: study.findings, measurements: study.measurements, structures: study.structures, kb, retriever, lesionsComplete, study: key });
        if (g.sentences.length + g.skipped.length !== 1) throw new Error(`${item.id}: the set holds one sentence per item, got ${g.sentences.length + g.skipped.length}`);
        scored.push(scoreSentence(item, g.sentences[0] ?? null));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { scored, skipped };
}

function markdown(s: Summary, scored: readonly Scored[], skipped: readonly string[], meta: { date: string; machine: string; command: string }): string {
  const rows = (g: Summary['byStudy']) => Object.entries(g).map(([k, v]) => `| ${k} | ${v.sentences} | ${v.correct} | ${Math.round((1000 * v.correct) / v.sentences) / 10} |`);
  const misses = scored.filter((x) => !x.correct);
  const exp = (x: Scored) => (x.item.expect.status === 'grounded' ? `grounded -> ${x.item.expect.findingId}` : `${x.item.expect.reason}${x.item.expect.findingId ? ` (${x.item.expect.findingId})` : ''}${x.item.expect.errorType ? ` ${x.item.expect.errorType}` : ''}`);
  return [
    '# Grounding of text the pipeline did not write',
    '',
    `Produced by \`${meta.command}\` on ${meta.date} (${meta.machine}). Each sentence of eval/grounding/sentences.jsonl is`,
    'grounded on its study as `groundct ground <text> --study <dir>` does: split, parsed into claims, matched to the',
    "study's findings (src/claims), evidence and citations as for the pipeline's own sentences. Linked correctly:",
    'a sentence labelled grounded is grounded and linked to the labelled finding; one labelled ungrounded has the',
    'labelled reason (and, where labelled, the contradicted or limiting finding and the error type).',
    '',
    `- sentences: ${s.sentences}`,
    `- linked correctly: ${s.correct} (${s.linkedPct} %; goal >= ${LINKED_PCT_GOAL} %)`,
    `- contradicted sentences marked as contradicting a finding: ${s.contradictedMarked} of ${s.contradicted} (goal: all)`,
    `- grounded sentences with at least one evidence entry and one citation: ${s.groundedWithEvidenceAndCitation} of ${s.groundedReturned}`,
    ...(skipped.length > 0 ? ['', ...skipped.map((x) => `- skipped study ${x}`)] : []),
    '',
    '| label | sentences | correct | correct % |',
    '|---|---|---|---|',
    ...rows(s.byExpected),
    '',
    '| study | sentences | correct | correct % |',
    '|---|---|---|---|',
    ...rows(s.byStudy),
    '',
    '## Misses',
    '',
    ...(misses.length === 0 ? ['None.'] : ['| id | sentence | expected | got |', '|---|---|---|---|', ...misses.map((x) => `| ${x.item.id} | ${x.item.text} | ${exp(x)} | ${x.why.replace(/\|/g, '/')} |`)]),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const kb = await loadKnowledgeBase();
  const retriever = await openRetriever({ kb, dataDir: defaultConfig().dataDir });
  const { scored, skipped } = await evaluate(allSentences(), kb, retriever);
  const summary = summarise(scored);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${arch()}, Node ${process.version}`,
    command: 'npx tsx eval/grounding/run.ts',
  };
  const outDir = here('../results/');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'grounding.md'), markdown(summary, scored, skipped, meta));
  const perSentence = scored.map((x) => ({
    id: x.item.id, study: x.item.study, text: x.item.text, expect: x.item.expect, correct: x.correct, ...(x.marked === undefined ? {} : { marked: x.marked }), why: x.why,
    got: x.got === null ? null : { status: x.got.status, reason: x.got.reason ?? null, findingIds: x.got.findingIds, contradiction: x.got.contradiction ?? null, relatedFindingIds: x.got.relatedFindingIds ?? [], evidence: x.got.evidence.length, citations: x.got.citations.map((c) => c.passageId) },
  }));
  writeFileSync(join(outDir, 'grounding.json'), JSON.stringify({ ...meta, embedderId: retriever.embedderId, summary, skipped, sentences: perSentence }, null, 2) + '\n');
  console.log(`grounding: ${summary.correct}/${summary.sentences} linked correctly (${summary.linkedPct} %), contradicted marked ${summary.contradictedMarked}/${summary.contradicted}`);
  for (const m of scored.filter((x) => !x.correct)) console.log(`  miss ${m.item.id}: ${m.item.text} -> ${m.why}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
