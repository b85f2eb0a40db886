/**
 * The bounded CI versions of the scale test and the crash soak (eval/scale/run.ts runs the full ones): real
 * `groundct serve` processes on loopback, kill -9 at random moments, then every check of eval/scale/cluster.ts
 * (no study lost, none left queued or running, none completed twice, no orphan or temporary file).
 */
import { describe, expect, it } from 'vitest';
import { runCluster, type ClusterOptions } from '../../../eval/scale/cluster.ts';
import { BACKENDS, TEST_PG_URL } from './helpers.ts';

const base = {
  pgAdminUrl: TEST_PG_URL,
  concurrency: 3,
  killEveryMs: [800, 2_000] as const,
  restartAfterMs: [200, 600] as const,
  leaseMs: 1_500,
  pollIntervalMs: 200,
  seed: 7,
  timeoutMs: 200_000,
} satisfies Partial<ClusterOptions>;

describe('cluster under kill -9 (bounded)', () => {
  it.runIf(BACKENDS.includes('postgres'))('PostgreSQL: 1 API + 2 workers, 6 studies, 2 worker kills and 1 API kill', { timeout: 240_000 }, async () => {
    const r = await runCluster({ ...base, backend: 'postgres', processes: { api: 1, worker: 2, all: 0 }, kills: { api: 1, worker: 2, all: 0 }, studies: 6 });
    expect(r.killed).toEqual({ api: 1, worker: 2, all: 0 });
    expect(r.uploads.failed).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.jobs.queued + r.jobs.running).toBe(0);
    expect(r.jobs.done + r.jobs.failed).toBe(r.uploads.accepted + r.uploads.unknownToClient);
    expect(r.completedTwice).toBe(0);
    expect(r.orphans).toMatchObject({ foldersWithoutRow: 0, rowsWithoutFolder: 0, missingArtifactFiles: 0, tempFiles: 0, unrecordedFiles: 0 });
    expect(r.ok).toBe(true);
  });

  it('SQLite: one server killed 3 times while 5 studies are processed', { timeout: 240_000 }, async () => {
    const r = await runCluster({ ...base, backend: 'sqlite', processes: { api: 0, worker: 0, all: 1 }, kills: { api: 0, worker: 0, all: 3 }, studies: 5 });
    expect(r.killed.all).toBe(3);
    expect(r.uploads.failed).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.jobs.queued + r.jobs.running).toBe(0);
    expect(r.completedTwice).toBe(0);
    expect(r.ok).toBe(true);
  });
});
