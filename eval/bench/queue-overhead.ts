/**
 * Queue overhead per job (issue 18): the time and this process's CPU for one claim + complete of a job, with no
 * pipeline work, on each MetadataStore backend; for PostgreSQL also with 4 claimers at once (SKIP LOCKED). When
 * pg-boss is importable (`npm install --no-save pg-boss@10.4.2`, never a dependency), the same loop through
 * pg-boss (send, then fetch + complete) runs back to back for comparison.
 *
 *   npx tsx eval/bench/queue-overhead.ts [--jobs 300] [--out eval/results/queue-overhead.md]
 *
 * PostgreSQL: GROUNDCT_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database per
 * backend run, dropped after it. CPU: process.cpuUsage() of this (client) process only; the database server's
 * own CPU is not in it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openStorage, type MetadataStore } from '../../src/service/index.ts';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '300' }, out: { type: 'string', default: 'eval/results/queue-overhead.md' } } });
const JOBS = Number(values.jobs);
const PG_ADMIN = process.env.GROUNDCT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUOTA = { maxStoredBytes: 1e15, maxActiveJobs: 1e9 };

interface Row {
  readonly label: string;
  readonly jobs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly perJobMs: number;
  readonly cpuPerJobMs: number;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `gct_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function seed(meta: MetadataStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await meta.createStudyWithJob(
      { id: `s${i}`, owner: 'bench', createdAt: new Date().toISOString(), input: { ct: 'ct.nii.gz', ctFormat: 'nifti', masks: [] }, uploadBytes: 1, inputBytes: 1 },
      `j${i}`,
      QUOTA,
    );
}

/** `claimers` loops of claim + complete until the queue is empty; latency of each pair. */
async function drain(meta: MetadataStore, claimers: number): Promise<{ latencies: number[]; wallMs: number; cpuMs: number }> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: claimers }, async (_, w) => {
      for (;;) {
        const t = performance.now();
        const c = await meta.claimNextJob(`bench-${w}`, 60_000);
        if (!c) return;
        await meta.completeJob(c.job.id, c.leaseToken, [{ studyId: c.job.studyId, name: 'report', contentType: 'application/json', file: 'artifacts/report.json', bytes: 100 }]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { latencies, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function toRow(label: string, r: { latencies: number[]; wallMs: number; cpuMs: number }): Row {
  const n = r.latencies.length;
  return { label, jobs: n, p50Ms: quantile(r.latencies, 0.5), p99Ms: quantile(r.latencies, 0.99), perJobMs: r.wallMs / n, cpuPerJobMs: r.cpuMs / n };
}

async function groundctRuns(): Promise<Row[]> {
  const rows: Row[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'gct-queue-bench-'));
  try {
    const sqlite = await openStorage(loadConfig({ env: {}, overrides: { dataDir } }));
    await seed(sqlite.meta, JOBS);
    rows.push(toRow('groundct, SQLite, 1 claimer', await drain(sqlite.meta, 1)));
    await sqlite.close();
    for (const claimers of [1, 4]) {
      await withDatabase(async (url) => {
        const s = await openStorage(loadConfig({ env: {}, overrides: { dataDir, storage: { url } } }));
        await seed(s.meta, JOBS);
        rows.push(toRow(`groundct, PostgreSQL (SKIP LOCKED + lease), ${claimers} claimer${claimers > 1 ? 's' : ''}`, await drain(s.meta, claimers)));
        await s.close();
      });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

interface PgBossLike {
  start(): Promise<unknown>;
  stop(o?: unknown): Promise<void>;
  createQueue(name: string): Promise<void>;
  send(name: string, data: object): Promise<string | null>;
  fetch(name: string): Promise<{ id: string }[] | null>;
  complete(name: string, id: string, data?: object): Promise<unknown>;
  on(event: 'error', fn: (e: Error) => void): void;
}

/** The same loop through pg-boss 10, when it is importable. */
async function pgBossRun(): Promise<Row | string> {
  let PgBoss: new (o: { connectionString: string; supervise?: boolean; schedule?: boolean; migrate?: boolean }) => PgBossLike;
  try {
    const specifier = 'pg-boss';
    PgBoss = ((await import(specifier)) as { default: typeof PgBoss }).default;
  } catch {
    return 'pg-boss is not installed (npm install --no-save pg-boss@10.4.2 to compare); not measured in this run.';
  }
  return withDatabase(async (url) => {
    const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false });
    boss.on('error', () => undefined);
    await boss.start();
    await boss.createQueue('bench');
    for (let i = 0; i < JOBS; i++) await boss.send('bench', { studyId: `s${i}` });
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (;;) {
      const t = performance.now();
      const jobs = await boss.fetch('bench');
      if (!jobs || jobs.length === 0) break;
      await boss.complete('bench', jobs[0].id, { artifacts: 1 });
      latencies.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    await boss.stop({ graceful: false, wait: true });
    return toRow('pg-boss 10.4.2 (fetch + complete), 1 claimer', { latencies, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
  });
}

async function main(): Promise<void> {
  const rows = await groundctRuns();
  const boss = await pgBossRun();
  if (typeof boss !== 'string') rows.push(boss);
  const lines = [
    '# Queue overhead per job (issue 18)',
    '',
    `Command: \`npx tsx eval/bench/queue-overhead.ts --jobs ${JOBS}\``,
    `Machine: ${cpus().length}-core ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, PostgreSQL on 127.0.0.1 (same machine); 1-min load average ${loadavg()[0].toFixed(1)} at the end (shared with other engineers' test runs). Date: ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `${JOBS} queued jobs drained by claim + complete (the complete records one artifact row in the same transaction), no pipeline work.`,
    'Latency: one claim + complete pair as the claimer sees it. CPU: this client process only (user + system), divided by jobs.',
    '',
    '| queue | jobs | claim+complete p50 (ms) | p99 (ms) | wall per job (ms) | client CPU per job (ms) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.label} | ${r.jobs} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.perJobMs.toFixed(2)} | ${r.cpuPerJobMs.toFixed(2)} |`),
    '',
    typeof boss === 'string' ? boss : '',
    '',
  ];
  await writeFile(values.out!, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

await main();
