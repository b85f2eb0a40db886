/**
 * The scale test, the crash soak and the worker-throughput benchmark of issue 18 (crash soak: issue 15), on this
 * machine's loopback (harness: cluster.ts). Writes a Markdown table and the raw JSON to eval/results/.
 *
 *   npx tsx eval/scale/run.ts scale  [--backend postgres] [--studies 200] [--worker-kills 20] [--api-kills 5]
 *   npx tsx eval/scale/run.ts soak   --backend sqlite|postgres [--kills 50] [--studies 120]
 *   npx tsx eval/scale/run.ts throughput [--backend postgres] [--studies 30]     (1, 2 and 3 workers, no kills)
 *
 * PostgreSQL: GROUNDCT_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database is
 * created for the run and dropped after it.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCluster, type ClusterOptions, type ClusterResult } from './cluster.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'postgres' },
    studies: { type: 'string' },
    kills: { type: 'string' },
    'worker-kills': { type: 'string' },
    'api-kills': { type: 'string' },
    seed: { type: 'string', default: '18' },
    out: { type: 'string' },
  },
});
const mode = positionals[0] ?? 'scale';
const backend = values.backend as 'sqlite' | 'postgres';
const pgAdminUrl = process.env.GROUNDCT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seed = Number(values.seed);
const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));

const base = {
  backend,
  pgAdminUrl,
  concurrency: 20,
  killEveryMs: [1_000, 6_000] as const,
  restartAfterMs: [300, 1_500] as const,
  leaseMs: 3_000,
  pollIntervalMs: 300,
  seed,
  timeoutMs: 45 * 60_000,
  log: (l: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`),
};

function row(label: string, r: ClusterResult): string {
  const failed = Object.entries(r.jobs.failedByCode).map(([c, n]) => `${n} ${c}`).join(', ') || '0';
  const o = r.orphans;
  return `| ${label} | ${r.uploads.accepted} (+${r.uploads.unknownToClient} unknown to client) | ${r.killed.worker}/${r.killed.api}/${r.killed.all} | ${r.jobs.done} | ${failed} | ${r.jobs.queued + r.jobs.running} | ${r.lost} | ${r.completedTwice} (${r.resultsDiscardedLeaseLost} fenced) | ${o.sweptLeftovers} swept; ${o.foldersWithoutRow}/${o.rowsWithoutFolder}/${o.missingArtifactFiles}/${o.tempFiles}/${o.unrecordedFiles} | ${JSON.stringify(r.jobs.attemptsHistogram)} | ${r.wallS.toFixed(0)} | ${r.timings.runP50S.toFixed(2)} / ${r.timings.runP95S.toFixed(2)} | ${r.timings.queueWaitP50S.toFixed(1)} / ${r.timings.queueWaitP95S.toFixed(1)} | ${r.ok ? 'PASS' : 'FAIL'} |`;
}

const HEADER = [
  '| run | studies accepted | kills worker/api/all | done | failed (reason) | left queued/running | lost | completed twice (stale results fenced) | orphans: leftovers swept; folders w/o row / rows w/o folder / missing artifact files / temp files / unrecorded files | attempts per job | wall (s) | job run p50/p95 (s) | queue wait p50/p95 (s) | checks |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];

function machine(): string {
  return `${cpus().length}-core ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, 1-min load average ${loadavg()[0].toFixed(1)} at the end (shared with other engineers' test runs). Date: ${new Date().toISOString().slice(0, 10)}.`;
}

async function main(): Promise<void> {
  const runs: { label: string; result: ClusterResult }[] = [];
  const command = `npx tsx eval/scale/run.ts ${process.argv.slice(2).join(' ')}`;
  let notes: string[] = [];
  if (mode === 'scale') {
    const options: ClusterOptions = {
      ...base,
      processes: { api: 2, worker: 3, all: 0 },
      kills: { api: num(values['api-kills'], 5), worker: num(values['worker-kills'], 20), all: 0 },
      studies: num(values.studies, 200),
    };
    runs.push({ label: `2 API + 3 workers, ${backend}`, result: await runCluster(options) });
    notes = [
      'Processes: `groundct serve --role api` x2 and `--role worker` x3 (one job at a time each), lease 3 s, poll 0.3 s.',
      `Uploads: ${options.studies} studies (6 mm abdomen phantom, CT + one mask layer), 20 in flight, round robin over the live API processes; a request cut by a kill is sent again to another process.`,
      'Kills: kill -9 of a random process of the chosen role at random moments (1-6 s apart, seeded), restarted 0.3-1.5 s later.',
    ];
  } else if (mode === 'soak') {
    const options: ClusterOptions = {
      ...base,
      processes: { api: 0, worker: 0, all: 1 },
      kills: { api: 0, worker: 0, all: num(values.kills, 50) },
      studies: num(values.studies, 120),
      concurrency: 4,
      killEveryMs: [1_500, 5_000],
    };
    runs.push({ label: `1 server (role all), ${backend}`, result: await runCluster(options) });
    notes = [
      `Crash soak (issue 15): one \`groundct serve\` (role all) on ${backend}, ${options.studies} studies uploaded 4 at a time while it is killed with kill -9 at random moments (1.5-5 s apart, seeded) and restarted 0.3-1.5 s later.`,
      backend === 'sqlite' ? 'SQLite: the restarted server re-queues every job left running at once (it is the only process).' : 'PostgreSQL: a job left running is re-queued when its lease (3 s) expires.',
    ];
  } else if (mode === 'throughput') {
    for (const workers of [1, 2, 3]) {
      const options: ClusterOptions = { ...base, processes: { api: 1, worker: workers, all: 0 }, kills: { api: 0, worker: 0, all: 0 }, studies: num(values.studies, 30) };
      runs.push({ label: `1 API + ${workers} worker${workers > 1 ? 's' : ''}, ${backend}`, result: await runCluster(options) });
    }
    notes = ['Throughput: the same studies with 1, 2 and 3 worker processes (one job at a time each), no kills, back to back in one run.'];
  } else throw new Error(`unknown mode ${mode}`);

  const lines = [
    `# ${mode === 'scale' ? 'Scale test' : mode === 'soak' ? 'Crash soak' : 'Worker throughput'} (issue 18${mode === 'soak' ? ', crash soak of issue 15' : ''})`,
    '',
    `Command: \`${command}\``,
    `Machine: ${machine()}`,
    '',
    ...notes,
    'Checks: every accepted study done or failed with a coded reason, none left queued/running, none lost, no job completed twice',
    "('job done' log lines per job across all processes), and after the sweep of leftovers of killed uploads: study folders = study rows,",
    'every artifact row names a file, no temporary file, no file in a done study\'s artifacts/ that no row names.',
    '',
    ...HEADER,
    ...runs.map((r) => row(r.label, r.result)),
    '',
  ];
  if (mode === 'throughput') {
    lines.push('| workers | done | wall (s) | jobs/min | worker CPU (s) | CPU per job (s) | API CPU (s) | speed-up vs 1 worker |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    const one = runs[0].result.timings.jobsPerMinute;
    for (const [n, r] of runs.entries())
      lines.push(
        `| ${n + 1} | ${r.result.jobs.done} | ${r.result.wallS.toFixed(1)} | ${r.result.timings.jobsPerMinute.toFixed(1)} | ${r.result.cpu.workerCpuS.toFixed(1)} | ${r.result.cpu.cpuPerDoneJobS.toFixed(2)} | ${r.result.cpu.apiCpuS.toFixed(1)} | ${(r.result.timings.jobsPerMinute / one).toFixed(2)} |`,
      );
    lines.push('');
  }
  const out = values.out ?? `eval/results/${mode === 'throughput' ? 'scale-throughput' : mode === 'soak' ? `crash-soak-${backend}` : `scale-${backend}`}`;
  await writeFile(`${out}.md`, lines.join('\n'));
  await writeFile(`${out}.json`, JSON.stringify(runs, null, 1) + '\n');
  process.stdout.write(lines.join('\n'));
  if (runs.some((r) => !r.result.ok)) process.exitCode = 1;
}

await main();
