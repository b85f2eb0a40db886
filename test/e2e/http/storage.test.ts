/**
 * The MetadataStore contract on both backends, without worker threads: leases (claim once, renew, expire, re-run,
 * fencing of a stale worker's writes, the attempt limit), concurrent claimers, deletion seen by a renewal, and the
 * versioned migrations (a database from before versioning, too new, migrate=false, concurrent starts).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { buildApp, openStorage, type MetadataStore, type Storage, type StudyRecord } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, freshBackend, newToken, removeDir, type TestBackend } from './helpers.ts';

const QUOTA = { maxStoredBytes: 1e12, maxActiveJobs: 1000 };
const opened: { storage: Storage; backend: TestBackend }[] = [];

afterEach(async () => {
  for (const { storage, backend } of opened.splice(0)) {
    await storage.close();
    await backend.cleanup();
  }
});

function study(id: string, owner = 'alice'): StudyRecord {
  return { id, owner, createdAt: new Date().toISOString(), input: { ct: 'ct.nii.gz', ctFormat: 'nifti', masks: [] }, uploadBytes: 10, inputBytes: 10 };
}

async function openFresh(name: TestBackend['name']): Promise<{ meta: MetadataStore; backend: TestBackend }> {
  const backend = await freshBackend(name);
  const storage = await openStorage(backendConfig(backend));
  opened.push({ storage, backend });
  return { meta: storage.meta, backend };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('job leases on %s', (backendName) => {
  it('a job is claimed once; a stale lease is reaped, the job re-run, and the stale worker can write nothing', async () => {
    const { meta } = await openFresh(backendName);
    await meta.createStudyWithJob(study('s1'), 'j1', QUOTA);
    const first = await meta.claimNextJob('worker-a', 300);
    expect(first?.job).toMatchObject({ id: 'j1', state: 'running', attempts: 1 });
    expect(await meta.claimNextJob('worker-b', 300)).toBeUndefined();
    expect(await meta.renewLease('j1', first!.leaseToken, 300)).toBe('held');
    // Not yet expired: nothing to reap.
    expect(await meta.reapExpiredLeases(3)).toEqual({ requeued: [], failed: [] });
    await sleep(450);
    expect(await meta.reapExpiredLeases(3)).toEqual({ requeued: ['j1'], failed: [] });
    const second = await meta.claimNextJob('worker-b', 5_000);
    expect(second?.job.attempts).toBe(2);
    // Worker A comes back: its lease is lost, every write is refused.
    expect(await meta.renewLease('j1', first!.leaseToken, 300)).toBe('lost');
    expect(await meta.updateJobProgress('j1', first!.leaseToken, 'measure', 50)).toBe(false);
    const artifact = (name: string) => ({ studyId: 's1', name, contentType: 'application/json', file: `artifacts/${name}.json`, bytes: 3 });
    expect(await meta.completeJob('j1', first!.leaseToken, [artifact('stale')])).toBe(false);
    expect(await meta.failJob('j1', first!.leaseToken, { code: 'GCT_INTERNAL', message: 'x', hint: 'y', details: {} })).toBe(false);
    // Worker B completes: once, with its own artifacts only.
    expect(await meta.updateJobProgress('j1', second!.leaseToken, 'measure', 50)).toBe(true);
    expect(await meta.completeJob('j1', second!.leaseToken, [artifact('measurements'), artifact('report')])).toBe(true);
    expect(await meta.completeJob('j1', second!.leaseToken, [artifact('again')])).toBe(false);
    expect((await meta.listArtifacts('s1')).map((a) => a.name)).toEqual(['measurements', 'report']);
    expect(await meta.getJob('j1')).toMatchObject({ state: 'done', attempts: 2, percent: 100 });
    expect(await meta.countJobsByState()).toEqual({ queued: 0, running: 0, done: 1, failed: 0 });
  });

  it('at maxAttempts an expired job fails with GCT_SERVICE_JOB_INTERRUPTED, keeping its attempts and last stage', async () => {
    const { meta } = await openFresh(backendName);
    await meta.createStudyWithJob(study('s1'), 'j1', QUOTA);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const c = await meta.claimNextJob('w', 100);
      expect(c?.job.attempts).toBe(attempt);
      await meta.updateJobProgress('j1', c!.leaseToken, 'segment', 20 * attempt);
      await sleep(200);
      const reaped = await meta.reapExpiredLeases(2);
      expect(attempt === 1 ? reaped.requeued : reaped.failed).toEqual(['j1']);
    }
    const job = await meta.getJob('j1');
    expect(job).toMatchObject({ state: 'failed', attempts: 2 });
    expect(job?.error).toMatchObject({ code: 'GCT_SERVICE_JOB_INTERRUPTED', details: { attempts: 2, stage: 'segment' } });
    expect(await meta.claimNextJob('w', 100)).toBeUndefined();
  });

  it('a graceful release does not count the attempt; a deleted job reads as gone', async () => {
    const { meta } = await openFresh(backendName);
    await meta.createStudyWithJob(study('s1'), 'j1', QUOTA);
    const c = await meta.claimNextJob('w', 5_000);
    expect(await meta.releaseJob('j1', c!.leaseToken, { countAttempt: false })).toBe(true);
    expect(await meta.getJob('j1')).toMatchObject({ state: 'queued', attempts: 0 });
    const again = await meta.claimNextJob('w', 5_000);
    expect(await meta.deleteStudy('s1')).toBe(true);
    expect(await meta.renewLease('j1', again!.leaseToken, 5_000)).toBe('gone');
  });

  it('concurrent claimers never take the same job (40 jobs, 4 claim loops)', async () => {
    const { meta } = await openFresh(backendName);
    for (let n = 0; n < 40; n++) await meta.createStudyWithJob(study(`s${n}`), `j${n}`, QUOTA);
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (w) => {
        for (;;) {
          const c = await meta.claimNextJob(w, 60_000);
          if (!c) return;
          claimedBy.set(c.job.id, [...(claimedBy.get(c.job.id) ?? []), w]);
          expect(await meta.completeJob(c.job.id, c.leaseToken, [])).toBe(true);
        }
      }),
    );
    expect(claimedBy.size).toBe(40);
    expect([...claimedBy.values()].every((ws) => ws.length === 1)).toBe(true);
    expect((await meta.countJobsByState()).done).toBe(40);
  });

  it('queue signals reach a subscriber (NOTIFY across connections with PostgreSQL)', async () => {
    const { meta } = await openFresh(backendName);
    const seen: unknown[] = [];
    const off = await meta.subscribe((e) => seen.push(e));
    await meta.publish({ type: 'cancel', studyId: 's9' });
    for (let n = 0; n < 50 && seen.length === 0; n++) await sleep(20);
    expect(seen).toEqual([{ type: 'cancel', studyId: 's9' }]);
    await off();
  });
});

describe.each(BACKENDS)('migrations on %s', (backendName) => {
  it('a database at a newer schema version is refused with GCT_SERVICE_SCHEMA_TOO_NEW', async () => {
    const { meta, backend } = await openFresh(backendName);
    const latest = await meta.schemaVersion();
    expect(latest).toBeGreaterThanOrEqual(1);
    await backend.sql('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [latest + 1, 'from the future', new Date().toISOString()]);
    await expect(openStorage(backendConfig(backend))).rejects.toMatchObject({ code: 'GCT_SERVICE_SCHEMA_TOO_NEW' });
  });

  it('storage.migrate false refuses an older database with GCT_SERVICE_SCHEMA_OUTDATED and changes nothing', async () => {
    const backend = await freshBackend(backendName);
    try {
      await expect(openStorage(backendConfig(backend, {}, { migrate: false }))).rejects.toMatchObject({ code: 'GCT_SERVICE_SCHEMA_OUTDATED' });
      // No table was created.
      const tables = backendName === 'sqlite' ? await backend.sql("SELECT name FROM sqlite_master WHERE name = 'studies'") : await backend.sql("SELECT 1 FROM pg_tables WHERE tablename = 'studies'");
      expect(tables).toEqual([]);
    } finally {
      await backend.cleanup();
    }
  });

  it('four processes starting together on an empty database migrate it once', async () => {
    const backend = await freshBackend(backendName);
    try {
      // SQLite opens synchronously inside one process; PostgreSQL's four connections really race for the lock.
      const stores = await Promise.all([1, 2, 3, 4].map(() => openStorage(backendConfig(backend))));
      const rows = await backend.sql('SELECT version FROM schema_version ORDER BY version');
      const latest = await stores[0].meta.schemaVersion();
      expect(rows.map((r) => Number(r.version))).toEqual(Array.from({ length: latest }, (_, n) => n + 1));
      for (const s of stores) await s.close();
    } finally {
      await backend.cleanup();
    }
  });
});

describe('SQLite database from before versioning and ownership', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('is migrated on start: studies go to the admin principal, old tokens keep working for their own new studies', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gct-legacy-'));
    dirs.push(dataDir);
    // The schema as groundct wrote it before issue 18 (no schema_version, no owner, no leases).
    const db = new Database(join(dataDir, 'groundct.sqlite'));
    db.exec(`
      CREATE TABLE studies (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, input_json TEXT NOT NULL, upload_bytes INTEGER NOT NULL);
      CREATE TABLE jobs (id TEXT PRIMARY KEY, study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')), stage TEXT NOT NULL, percent REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, error_json TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, seq INTEGER NOT NULL);
      CREATE TABLE artifacts (study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE, name TEXT NOT NULL, content_type TEXT NOT NULL,
        file TEXT NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (study_id, name));
      CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);`);
    db.prepare('INSERT INTO studies VALUES (?, ?, ?, ?)').run('old-study', '2026-01-01T00:00:00.000Z', JSON.stringify({ ct: 'ct.nii.gz', ctFormat: 'nifti', masks: [] }), 1234);
    db.prepare("INSERT INTO jobs VALUES ('old-job', 'old-study', 'done', 'done', 100, 1, NULL, '2026-01-01T00:00:00.000Z', NULL, NULL, 1)").run();
    db.close();

    const config = loadConfig({ env: {}, overrides: { dataDir, service: { logLevel: 'silent' } } });
    const app = await buildApp(config);
    try {
      const meta = app.groundct.storage.meta;
      expect(await meta.schemaVersion()).toBe(4);
      expect(await meta.getStudy('old-study')).toMatchObject({ owner: 'admin', inputBytes: 1234, uploadBytes: 1234 });
      expect(await meta.getJob('old-job')).toMatchObject({ state: 'done', result: null });
      const user = await newToken(app, 'old-user');
      const admin = await newToken(app, 'ops', { admin: true });
      expect((await app.inject({ url: '/v1/studies/old-study', headers: { authorization: `Bearer ${user}` } })).statusCode).toBe(404);
      const seen = await app.inject({ url: '/v1/studies/old-study', headers: { authorization: `Bearer ${admin}` } });
      expect(seen.statusCode).toBe(200);
      expect(seen.json().owner).toBe('admin');
    } finally {
      await app.close();
    }
    // Opening again applies nothing more.
    const again = await openStorage(config);
    expect(await again.meta.schemaVersion()).toBe(4);
    await again.close();
  });
});
