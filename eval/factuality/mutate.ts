/**
 * Mutation study of the factuality harness (issue 6): plant known errors in correct reports and record how many
 * the harness flags with the right error type, and how many unmodified sentences it flags.
 *
 *   npx tsx eval/factuality/mutate.ts [--manifest eval/factuality/manifest.json] [--sample N] [--seed S] [--out eval/results]
 *
 * Correct reports: every candidate of the manifest except those listed in KNOWN_FLAWED (groundct's own reports
 * and the hand-written free-text reports), plus groundct's reports of PHANTOM_VARIANTS (more lesion sites,
 * sides and sizes). Writes <out>/factuality-mutation.json and .md with the date, machine and command.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import {
  loadManifest,
  loadReference,
  missingFiles,
  readCandidate,
  resolveManifest,
  runMutationStudy,
  type BaseReport,
  type CaseSpec,
  type MutationStudy,
} from '../../src/evaluate/index.ts';

/** Candidates written to contain errors (for the scoring tests), not correct reports. */
const KNOWN_FLAWED = new Set(['flawed']);

/** More synthetic studies: lesions in other segments, sides, organs and sizes; groundct reports them. */
export const PHANTOM_VARIANTS: readonly CaseSpec[] = [
  { id: 'variant-right-cyst-s4', reference: { phantom: 'abdomen', overrides: { seed: 101, organScale: { spleen: 1.3 }, lesions: [{ organ: 'liver', segment: 4, diameterMm: 16, attenuation: 'hyper' }, { organ: 'kidney', side: 'right', lesionType: 'cyst', diameterMm: 24, hu: 5 }] } }, lesionsComplete: true, candidates: [{ id: 'groundct', generate: 'groundct' }] },
  { id: 'variant-tail-s6', reference: { phantom: 'abdomen', overrides: { seed: 102, organScale: {}, lesions: [{ organ: 'pancreas', region: 'tail', diameterMm: 18, attenuation: 'hypo' }, { organ: 'liver', segment: 6, diameterMm: 22, attenuation: 'hypo' }] } }, lesionsComplete: true, candidates: [{ id: 'groundct', generate: 'groundct' }] },
  { id: 'variant-spleen-left-kidney', reference: { phantom: 'abdomen', overrides: { seed: 103, organScale: {}, lesions: [{ organ: 'spleen', diameterMm: 15, attenuation: 'hypo' }, { organ: 'kidney', side: 'left', lesionType: 'lesion', diameterMm: 26, attenuation: 'hypo' }] } }, lesionsComplete: true, candidates: [{ id: 'groundct', generate: 'groundct' }] },
  { id: 'variant-fatty-s2', reference: { phantom: 'steatosis', overrides: { seed: 104, lesions: [{ organ: 'liver', segment: 2, diameterMm: 14, attenuation: 'hypo' }, { organ: 'kidney', side: 'right', lesionType: 'lesion', diameterMm: 22, attenuation: 'hypo' }] } }, lesionsComplete: true, candidates: [{ id: 'groundct', generate: 'groundct' }] },
  { id: 'variant-body-s5', reference: { phantom: 'abdomen', overrides: { seed: 105, organScale: { spleen: 1.45 }, lesions: [{ organ: 'pancreas', region: 'body', diameterMm: 12, attenuation: 'hypo' }, { organ: 'liver', segment: 5, diameterMm: 24, attenuation: 'hypo' }] } }, lesionsComplete: true, candidates: [{ id: 'groundct', generate: 'groundct' }] },
];

/** Correct reports of a manifest (and the phantom variants), as sentence lists with their reference findings. */
export async function collectBaseReports(manifestPath: string, options: { dataDir?: string; variants?: boolean } = {}): Promise<{ bases: BaseReport[]; skipped: string[] }> {
  const config = defaultConfig();
  const kb = await loadKnowledgeBase();
  const loaded = await loadManifest(manifestPath, { dataDir: options.dataDir });
  const variants = options.variants === false ? [] : resolveManifest({ name: 'variants', cases: PHANTOM_VARIANTS }, manifestPath).manifest.cases;
  const bases: BaseReport[] = [];
  const skipped: string[] = [];
  for (const c of [...loaded.manifest.cases, ...variants]) {
    if (missingFiles(c).length > 0) {
      skipped.push(c.id);
      continue;
    }
    const reference = await loadReference(c, { config, kb });
    for (const spec of c.candidates) {
      if (KNOWN_FLAWED.has(spec.id)) continue;
      const candidate = await readCandidate(spec, reference);
      bases.push({ id: `${c.id}/${candidate.id}`, sentences: candidate.sentences.map((s) => s.text), findings: reference.findings.findings, lesionsComplete: reference.lesionsComplete });
    }
  }
  return { bases, skipped };
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`;
}

export function renderMutationMarkdown(study: MutationStudy, meta: Record<string, string>): string {
  const lines = ['# Factuality harness: mutation study', ''];
  for (const [k, v] of Object.entries(meta)) lines.push(`- ${k}: ${v}`);
  lines.push(
    '',
    `Reports: ${study.reports}. Mutants: ${study.mutants}. Flagged with the right error type: **${study.rightType} (${pct(study.rightTypeRate)})**; flagged at all: ${study.flagged} (${pct(study.flaggedRate)}). Goal: >= 95 %.`,
    '',
    `Unmodified sentences: ${study.unmodified.sentences} (${study.unmodified.sentencesWithClaims} with claims, ${study.unmodified.sentencesEligible} with every claim supported: the ones mutated); flagged: **${study.unmodified.flagged} (${pct(study.unmodified.falseAlarmRate)} of sentences with claims, ${pct(study.unmodified.falseAlarmRateAllSentences)} of all)**. Goal: <= 2 %.`,
    '',
    '| operator | expected error | mutants | flagged | right type | rate |',
    '|---|---|---|---|---|---|',
  );
  const expected: Record<string, string> = {
    side_swap: 'wrong_side', organ_swap: 'wrong_organ', segment_change: 'wrong_segment', number_up: 'number_off', number_down: 'number_off',
    unit_change: 'wrong_unit', negation_flip: 'negated_present / present_absent', invented_lesion: 'present_absent', dropped_lesion: 'omission (recall)',
  };
  for (const [op, s] of Object.entries(study.byOperator)) lines.push(`| ${op} | ${expected[op]} | ${s.mutants} | ${s.flagged} | ${s.rightType} | ${pct(s.rightTypeRate)} |`);
  if (study.misses.length > 0) {
    lines.push('', '## Mutants missed or mistyped', '');
    for (const m of study.misses) lines.push(`- ${m.report} ${m.operator} (expected ${m.expected.join('/')}, got ${m.got.join(', ') || 'nothing'}): "${m.mutated ?? '(sentences dropped)'}"`);
  }
  if (study.unmodified.examples.length > 0) {
    lines.push('', '## Unmodified sentences flagged', '');
    for (const e of study.unmodified.examples) lines.push(`- ${e.report}: "${e.text}" -> ${e.details.join('; ')}`);
  }
  lines.push(
    '',
    'Notes: only sentences whose claims are all supported are mutated; equivalent mutants (still true of the reference within the stated tolerances) are not generated. dropped_lesion is scored through recall: the lesion must disappear from the findings stated correctly.',
    '',
    'Limits: the mutants are made by text rules on reports whose wording the parser already reads (groundct\'s templates and free-text reports written by the same team as the parser), so these figures bound the harness from above; sentences the parser cannot read are unverifiable, not mutated, and counted above as "with claims" minus "every claim supported". Reports from other systems and radiologists with unseen phrasing are the next test.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'string', default: 'eval/factuality/manifest.json' },
      sample: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'eval/results' },
    },
  });
  const t0 = Date.now();
  const { bases, skipped } = await collectBaseReports(values.manifest!, { dataDir: process.env.GROUNDCT_DATA });
  const study = runMutationStudy(bases, { ...(values.sample ? { sample: Number(values.sample) } : {}), seed: Number(values.seed) });
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}, ${platform()} ${release()}, Node ${process.version}`,
    command: `npx tsx eval/factuality/mutate.ts --manifest ${values.manifest}${values.sample ? ` --sample ${values.sample}` : ''} --seed ${values.seed} --out ${values.out}`,
    'cases skipped (missing files)': skipped.length === 0 ? 'none' : skipped.join(', '),
    'wall time': `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  };
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(join(values.out!, 'factuality-mutation.json'), JSON.stringify({ ...meta, ...study, reportIds: bases.map((b) => b.id) }, null, 2) + '\n');
  writeFileSync(join(values.out!, 'factuality-mutation.md'), renderMutationMarkdown(study, meta));
  process.stdout.write(`${study.mutants} mutants, right type ${pct(study.rightTypeRate)}, false alarms ${pct(study.unmodified.falseAlarmRate)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
