/**
 * The full malformed-input corpus run, recorded: generates the corpus (test/corpus/generate.ts) with bombs of
 * --bomb-gib GiB, runs info, measure and report on every input (test/corpus/run.ts; memory cases in fresh
 * processes with peak RSS, every command) and writes the table to eval/results/robustness-corpus.md.
 *
 *   npx tsx eval/robustness/run.ts [--bomb-gib 4] [--workers 2] [--timeout-ms 60000] [--out eval/results/robustness-corpus.md] [--keep]
 *
 * CI runs the same corpus with 1 GiB bombs through test/corpus/corpus.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../../test/corpus/generate.ts';
import { BASE_RSS_MB, resultsTable, RSS_PER_DECLARED_BYTE, runCorpus, RUNS_AS_NON_ROOT } from '../../test/corpus/run.ts';

const { values } = parseArgs({
  options: {
    'bomb-gib': { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    'timeout-ms': { type: 'string', default: '60000' },
    out: { type: 'string', default: 'eval/results/robustness-corpus.md' },
    keep: { type: 'boolean', default: false },
  },
});

const dir = await mkdtemp(join(tmpdir(), 'gct-corpus-'));
const t0 = performance.now();
const corpus = await generateCorpus(dir, { bombBytes: Number(values['bomb-gib']) * 1024 ** 3 });
const generatedS = (performance.now() - t0) / 1000;
const t1 = performance.now();
const results = await runCorpus(corpus, {
  workers: Number(values.workers),
  timeoutMs: Number(values['timeout-ms']),
  memoryRuns: 'all',
  onProgress: (done, total) => process.stderr.write(`\r${done}/${total}`),
});
const runS = (performance.now() - t1) / 1000;
process.stderr.write('\n');

const failed = results.filter((r) => !r.pass);
const byOutcome = new Map<string, number>();
for (const r of results) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
const rss = results.filter((r) => r.maxRssMb !== undefined);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const text = `# Malformed-input corpus: info, measure, report

Command: \`npx tsx eval/robustness/run.ts --bomb-gib ${values['bomb-gib']} --workers ${values.workers} --timeout-ms ${values['timeout-ms']}\`
Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; \`uptime\`: ${execFileSync('uptime').toString().trim()}
Date: ${new Date().toISOString()}; commit ${commit}; children ran ${RUNS_AS_NON_ROOT ? 'as a non-root user (permission cases included)' : 'as root (permission cases skipped)'}.

${corpus.cases.length} inputs x 3 commands = ${results.length} runs (generated in ${generatedS.toFixed(1)} s, run in ${runS.toFixed(1)} s on ${values.workers} long-lived
processes; the ${new Set(rss.map((r) => r.caseId)).size} memory cases in fresh processes). **${results.length - failed.length} passed, ${failed.length} failed.**
A run passes when its outcome is the one listed for the input (a correct result, or one of its coded errors), stderr holds no
stack trace and no GCT_INTERNAL, it ends within the timeout, its output folder afterwards holds exactly what it held before
(plus the outputs on success; never a temporary name), and, for the memory cases, peak RSS (VmHWM of a
fresh process) stays within ${BASE_RSS_MB} MiB + ${RSS_PER_DECLARED_BYTE} x the decompressed bytes the inputs' headers declare.
Bombs inflate to ${values['bomb-gib']} GiB unless stopped. Ok inputs of the control study must reproduce its truth (dims,
HU range, per-label voxel counts and mean HU) to 1e-6.

Outcomes: ${[...byOutcome.entries()].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`).join(', ')}.

Peak RSS of the memory cases (MiB): ${rss.map((r) => `${r.caseId} ${r.command} ${Math.round(r.maxRssMb!)}${r.rssBoundMb ? ` (bound ${Math.round(r.rssBoundMb)})` : ''}`).join('; ')}.

${failed.length > 0 ? `## Failures\n\n${failed.map((r) => `- ${r.caseId} ${r.command}: ${r.problems.join('; ')}`).join('\n')}\n\n` : ''}## Every run

${resultsTable(results, corpus.cases)}
`;
await writeFile(values.out!, text);
console.log(`${results.length - failed.length}/${results.length} passed; wrote ${values.out}`);
if (!values.keep) await rm(dir, { recursive: true, force: true });
else console.log(`corpus kept in ${dir}`);
process.exitCode = failed.length > 0 ? 1 : 0;
