/**
 * Literature share: how many sentences of groundct's reports, and of human text grounded by `groundct ground`, cite
 * at least one literature passage (kind 'literature', a published source with a DOI or PMID). Goal (issue 20):
 * >= 95 % of report sentences on the shared cases and the phantoms; every sentence without one is listed with the
 * reason. Re-run after any change to findings, templates or passages:
 *
 *   npx tsx eval/grounding/literature-share.ts     -> eval/results/literature-share.md, eval/results/literature-share.json
 *
 * Reports are made by the pipeline's own functions (loadStudy -> reportFromStudy with the default retriever), so
 * new finding types of other issues are counted without changes here. Shared cases are skipped, and said so, when
 * ../shared/data is absent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config.ts';
import { groundText, openRetriever, SUPPORTING_PASSAGE_MIN_SCORE, type Retriever } from '../../src/ground/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { generateStudy } from '../../src/phantom/index.ts';
import { loadStudy, reportFromStudy, type LoadedStudy, type PipelineResources, type StudyInput } from '../../src/pipeline.ts';
import { loadTemplates, type Report } from '../../src/report/index.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { allSentences } from './run.ts';
import { PHANTOM_STUDIES, buildStudy } from './studies.ts';

/** Goal of issue 20: share of report sentences citing literature, in %. */
export const LITERATURE_SHARE_GOAL_PCT = 95;

interface Case {
  readonly key: string;
  readonly what: string;
  readonly load: () => Promise<{ study: LoadedStudy; input: StudyInput }>;
}

const config = defaultConfig();
const labelMap = dataPath('totalseg/label_map_total_v2.json');
const shared = (key: string, what: string, input: StudyInput & { segmentModel?: string }): Case => ({
  key,
  what,
  load: async () => ({ study: await loadStudy(input, config), input }),
});

/** The real cases of ../shared/data/README.md that a report can be made of, with the masks they come with. */
export function sharedCases(tmp: string): Case[] {
  const stsLabels = path.join(tmp, 'sts-labels.json');
  writeFileSync(stsLabels, JSON.stringify({ 1: 'tumour' }));
  return [
    shared('totalseg-fast', 'TotalSegmentator example (slab), 117-class --fast masks', { ctPath: dataPath('totalseg/example_ct_sm.nii.gz'), masksPaths: [dataPath('totalseg/example_seg_fast')] }),
    shared('totalseg-normal', 'TotalSegmentator example (slab), 41-class normal-model masks', { ctPath: dataPath('totalseg/example_ct_sm.nii.gz'), masksPaths: [dataPath('totalseg/example_seg.nii.gz')], labelMapPaths: [labelMap] }),
    shared('totalseg-dicom', 'TotalSegmentator example DICOM series (JPEG 2000), 31-class masks', { ctPath: dataPath('totalseg/example_ct_dicom'), masksPaths: [dataPath('totalseg/example_seg_dicom.nii.gz')], labelMapPaths: [labelMap] }),
    shared('totalseg-builtin', 'TotalSegmentator example (abdomen + pelvis), built-in segmenter', { ctPath: dataPath('totalseg/example_ct.nii.gz'), masksPaths: [] }),
    shared('sts', 'soft-tissue sarcoma of the thigh, expert tumour mask', { ctPath: dataPath('sts/STS_002/image/image.nii.gz'), masksPaths: [dataPath('sts/STS_002/mask/mask.nii.gz')], labelMapPaths: [stsLabels] }),
    shared('chest-builtin', 'whole chest CT (ITKElastix), built-in segmenter', { ctPath: dataPath('chest/itkelastix_chest_ct.nii.gz'), masksPaths: [] }),
    shared('dcmqi', 'three DICOM slices at the liver dome, liver/spine/heart masks', {
      ctPath: dataPath('dcmqi/ct-3slice'),
      masksPaths: [dataPath('dcmqi/liver_seg.nrrd'), dataPath('dcmqi/spine_seg.nrrd'), dataPath('dcmqi/heart_seg.nrrd')],
    }),
    shared('pulmonary', 'cropped chest CT, pulmonary artery and heart masks', {
      ctPath: dataPath('totalseg/pulmonary_report/ct_cropped.nii.gz'),
      masksPaths: [dataPath('totalseg/pulmonary_report/pulmonary_artery.nii.gz'), dataPath('totalseg/pulmonary_report/heart.nii.gz')],
    }),
  ];
}

export function phantomCases(): Case[] {
  return Object.entries(PHANTOM_STUDIES).map(([key, spec]) => ({
    key: `phantom-${key}`,
    what: `synthetic ${key} study (src/phantom)`,
    load: async () => {
      const s = generateStudy(spec);
      return { study: { ct: s.ct, labels: s.labels }, input: { ctPath: `phantom:${key}`, masksPaths: [], phase: s.truth.spec.phase } };
    },
  }));
}

/** A sentence without literature, and why (its criteria are method passages naming none; retrieval scored too low). */
export interface Uncited {
  readonly caseKey: string;
  readonly sentenceId: string;
  readonly text: string;
  readonly reason: string;
}

async function whyNoLiterature(kb: KnowledgeBase, retriever: Retriever, text: string, passageIds: readonly string[]): Promise<string> {
  const kinds = passageIds.map((id) => `${id} (${kb.byId.get(id)?.kind ?? 'unknown'})`);
  const [best] = await retriever.retrieve(text, { k: 1, minScore: -1, kind: 'literature' });
  const retrieved = best === undefined ? 'no literature passage retrieved' : `best literature passage ${best.passageId} scored ${best.score.toFixed(3)} < ${SUPPORTING_PASSAGE_MIN_SCORE}`;
  return `cites ${kinds.join(', ') || 'nothing'}; ${retrieved}`;
}

/** Counts report sentences with >= 1 literature citation and lists the others with their reason. */
export async function reportShare(caseKey: string, report: Report, kb: KnowledgeBase, retriever: Retriever): Promise<{ sentences: number; withLiterature: number; uncited: Uncited[] }> {
  const uncited: Uncited[] = [];
  let withLiterature = 0;
  for (const s of report.sentences) {
    const cites = s.citations ?? [];
    if (cites.some((c) => kb.byId.get(c.passageId)?.kind === 'literature')) withLiterature++;
    else uncited.push({ caseKey, sentenceId: s.id, text: s.text, reason: await whyNoLiterature(kb, retriever, s.text, cites.map((c) => c.passageId)) });
  }
  return { sentences: report.sentences.length, withLiterature, uncited };
}

async function main(): Promise<void> {
  const kb = await loadKnowledgeBase();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gct-literature-share-'));
  const retriever = await openRetriever({ kb, dataDir: tmp });
  const resources: PipelineResources = { kb, templates: await loadTemplates(), retriever };
  const rows: { key: string; what: string; sentences: number; withLiterature: number; suggestions: number }[] = [];
  const uncited: Uncited[] = [];
  const skipped: string[] = [];
  try {
    const cases = [...phantomCases(), ...(HAS_SHARED_DATA ? sharedCases(tmp) : [])];
    if (!HAS_SHARED_DATA) skipped.push(`shared cases: ${NO_DATA_REASON}`);
    for (const c of cases) {
      let report: Report;
      try {
        const { study, input } = await c.load();
        report = (await reportFromStudy(study, input, config, resources)).report;
      } catch (e) {
        skipped.push(`${c.key}: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      const share = await reportShare(c.key, report, kb, retriever);
      rows.push({ key: c.key, what: c.what, sentences: share.sentences, withLiterature: share.withLiterature, suggestions: report.sentences.filter((s) => s.kind === 'suggestion').length });
      uncited.push(...share.uncited);
      console.log(`${c.key}: ${share.withLiterature}/${share.sentences} sentences cite literature`);
    }

    // Human-style sentences grounded with `groundct ground` (eval/grounding/sentences.jsonl): every grounded one
    // gets the citations a groundct sentence stating the same findings gets.
    const human = { grounded: 0, withLiterature: 0, uncited: [] as Uncited[] };
    const items = allSentences().filter((i) => PHANTOM_STUDIES[i.study] !== undefined || HAS_SHARED_DATA);
    for (const key of [...new Set(items.map((i) => i.study))]) {
      const built = await buildStudy(key, kb);
      for (const item of items.filter((i) => i.study === key)) {
        const g = await groundText(item.text, { findings: built.findings.findings, measurements: built.measurements, kb, retriever, lesionsComplete: PHANTOM_STUDIES[key] !== undefined });
        for (const s of g.sentences.filter((x) => x.status === 'grounded')) {
          human.grounded++;
          if (s.citations.some((c) => c.kind === 'literature')) human.withLiterature++;
          else human.uncited.push({ caseKey: `ground:${key}`, sentenceId: item.id, text: s.text, reason: await whyNoLiterature(kb, retriever, s.text, s.citations.map((c) => c.passageId)) });
        }
      }
    }

    const total = rows.reduce((a, r) => a + r.sentences, 0);
    const cited = rows.reduce((a, r) => a + r.withLiterature, 0);
    const pct = (a: number, b: number) => (b === 0 ? 'n/a' : ((100 * a) / b).toFixed(1));
    const date = new Date().toISOString();
    const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} logical cores), Node ${process.version}`;
    const outDir = fileURLToPath(new URL('../results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'literature-share.json'), `${JSON.stringify({ date, machine, kbContentHash: kb.contentHash, goalPct: LITERATURE_SHARE_GOAL_PCT, rows, total, cited, uncited, human: { grounded: human.grounded, withLiterature: human.withLiterature, uncited: human.uncited }, skipped }, null, 1)}\n`);
    const md = [
      '# Literature citations in groundct reports',
      '',
      `Produced by \`npx tsx eval/grounding/literature-share.ts\` on ${date} (${machine}); knowledge base ${kb.passages.length} passages (${kb.contentHash.slice(0, 16)}).`,
      'A sentence counts when at least one of its citations is a literature passage (a published source with a DOI or',
      'PMID): a criterion of its findings, the literature a method criterion names, or a retrieved passage scoring at',
      `least ${SUPPORTING_PASSAGE_MIN_SCORE}. Reports are made by the pipeline (default retriever); suggestion sentences count too.`,
      '',
      `**Report sentences citing literature: ${cited} of ${total} (${pct(cited, total)} %; goal >= ${LITERATURE_SHARE_GOAL_PCT} %).**`,
      '',
      '| case | what | sentences | cite literature | % | suggestions |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.key} | ${r.what} | ${r.sentences} | ${r.withLiterature} | ${pct(r.withLiterature, r.sentences)} | ${r.suggestions} |`),
      '',
      `## Report sentences without a literature citation (${uncited.length})`,
      '',
      ...(uncited.length === 0 ? ['none'] : uncited.map((u) => `- ${u.caseKey} ${u.sentenceId}: "${u.text}" (${u.reason})`)),
      '',
      '## Human text grounded with `groundct ground` (eval/grounding/sentences.jsonl)',
      '',
      `Grounded sentences citing literature: ${human.withLiterature} of ${human.grounded} (${pct(human.withLiterature, human.grounded)} %).`,
      ...(human.uncited.length === 0 ? [] : ['', ...human.uncited.map((u) => `- ${u.caseKey} ${u.sentenceId}: "${u.text}" (${u.reason})`)]),
      '',
      ...(skipped.length === 0 ? [] : ['## Skipped', '', ...skipped.map((s) => `- ${s}`), '']),
    ];
    writeFileSync(path.join(outDir, 'literature-share.md'), md.join('\n'));
    console.log(`report sentences citing literature: ${cited}/${total} (${pct(cited, total)} %); human grounded: ${human.withLiterature}/${human.grounded}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
