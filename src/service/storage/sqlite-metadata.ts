/**
 * MetadataStore on SQLite (better-sqlite3), the embedded default: one file `<dataDir>/groundct.sqlite` in WAL
 * mode, so readers never wait for the job updates. Every write that must survive a crash is one statement or
 * one transaction. synchronous=NORMAL: in WAL mode a committed transaction survives a crash of the process
 * (the kill/restart case the tests cover) without an fsync per commit on the event loop; only a power loss
 * or OS crash can roll back the last commits (https://www.sqlite.org/pragma.html#pragma_synchronous).
 *
 * One server process owns the file (the CLI's `groundct token` may open it beside): leases use this machine's
 * clock, and queue signals stay inside the process.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { gctError, isGroundctError } from '../../errors.ts';
import { pendingMigrations } from './migrations.ts';
import { checkOwnerQuota, interruptedJobError } from './shared-rules.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import type { ArtifactRecord, ErrorBody, JobRecord, JobState, ListPage, MetadataStore, QueueEvent, StoredInput, StudyRecord, TokenRecord } from './types.ts';

interface JobRow {
  id: string;
  study_id: string;
  state: JobState;
  stage: string;
  percent: number;
  attempts: number;
  error_json: string | null;
  result_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface StudyRow {
  id: string;
  owner: string;
  created_at: string;
  input_json: string;
  upload_bytes: number;
  input_bytes: number;
}

interface TokenRow {
  id: string;
  name: string;
  admin: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface ArtifactRow {
  study_id: string;
  name: string;
  content_type: string;
  file: string;
  bytes: number;
}

const now = () => new Date().toISOString();

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    studyId: r.study_id,
    state: r.state,
    stage: r.stage,
    percent: r.percent,
    attempts: r.attempts,
    error: r.error_json ? (JSON.parse(r.error_json) as ErrorBody) : null,
    result: r.result_json ? (JSON.parse(r.result_json) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const toStudy = (r: StudyRow): StudyRecord => ({
  id: r.id,
  owner: r.owner,
  createdAt: r.created_at,
  input: JSON.parse(r.input_json) as StoredInput,
  uploadBytes: r.upload_bytes,
  inputBytes: r.input_bytes,
});
const toToken = (r: TokenRow): TokenRecord => ({ id: r.id, name: r.name, admin: r.admin === 1, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at });
const toArtifact = (r: ArtifactRow): ArtifactRecord => ({ studyId: r.study_id, name: r.name, contentType: r.content_type, file: r.file, bytes: r.bytes });

const TOKEN_COLUMNS = 'id, name, admin, created_at, last_used_at, revoked_at';
const LIVE_LEASE = 'id = ? AND lease_token = ? AND state = ?';

/** Applies the pending migrations under the database's write lock (BEGIN IMMEDIATE): two processes migrate once. */
function migrate(db: Database, file: string, allowMigrate: boolean): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const run = db.transaction(() => {
    const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version').get() as { v: number }).v;
    for (const m of pendingMigrations(SQLITE_MIGRATIONS, current, { migrate: allowMigrate, where: file })) {
      if (typeof m.up === 'string') db.exec(m.up);
      else void m.up(db);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
    }
  });
  run.immediate();
}

/** Opens (creating and migrating if needed) the SQLite database at `file`. */
export function openSqliteMetadata(file: string, options: { migrate?: boolean } = {}): MetadataStore {
  let db: Database;
  try {
    db = new Database(file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file, options.migrate ?? true);
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_SERVICE_STORAGE_FAILED', `Could not open the service database ${file}: ${(cause as Error).message}`, { file }, cause);
  }

  const q = {
    insertStudy: db.prepare('INSERT INTO studies (id, owner, created_at, input_json, upload_bytes, input_bytes) VALUES (?, ?, ?, ?, ?, ?)'),
    insertJob: db.prepare(
      "INSERT INTO jobs (id, study_id, state, stage, percent, attempts, created_at, seq) VALUES (?, ?, 'queued', 'queued', 0, 0, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs))",
    ),
    getStudy: db.prepare('SELECT * FROM studies WHERE id = ?'),
    deleteStudy: db.prepare('DELETE FROM studies WHERE id = ?'),
    studyIds: db.prepare('SELECT id FROM studies'),
    storedBytes: db.prepare(
      "SELECT (SELECT COALESCE(SUM(input_bytes), 0) FROM studies WHERE owner = ?) + (SELECT COALESCE(SUM(a.bytes), 0) FROM artifacts a JOIN studies s ON s.id = a.study_id WHERE s.owner = ? AND a.file NOT LIKE 'input/%') AS n",
    ),
    activeJobs: db.prepare("SELECT COUNT(*) AS n FROM jobs j JOIN studies s ON s.id = j.study_id WHERE s.owner = ? AND j.state IN ('queued', 'running')"),
    getJob: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    ownerOfJob: db.prepare('SELECT s.owner FROM jobs j JOIN studies s ON s.id = j.study_id WHERE j.id = ?'),
    latestJob: db.prepare('SELECT * FROM jobs WHERE study_id = ? ORDER BY seq DESC LIMIT 1'),
    countByState: db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
    nextQueued: db.prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1"),
    claim: db.prepare(
      "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, stage = 'starting', percent = 0, lease_token = ?, lease_owner = ?, lease_expires_ms = ? WHERE id = ? AND state = 'queued'",
    ),
    renew: db.prepare(`UPDATE jobs SET lease_expires_ms = ? WHERE ${LIVE_LEASE}`),
    jobExists: db.prepare('SELECT 1 AS x FROM jobs WHERE id = ?'),
    progress: db.prepare(`UPDATE jobs SET stage = ?, percent = ? WHERE ${LIVE_LEASE}`),
    done: db.prepare(
      `UPDATE jobs SET state = 'done', stage = 'done', percent = 100, finished_at = ?, error_json = NULL, result_json = ?, lease_token = NULL, lease_expires_ms = NULL WHERE ${LIVE_LEASE}`,
    ),
    fail: db.prepare(`UPDATE jobs SET state = 'failed', finished_at = ?, error_json = ?, lease_token = NULL, lease_expires_ms = NULL WHERE ${LIVE_LEASE}`),
    failAny: db.prepare("UPDATE jobs SET state = 'failed', finished_at = ?, error_json = ?, lease_token = NULL, lease_expires_ms = NULL WHERE id = ? AND state = 'running'"),
    release: db.prepare(
      `UPDATE jobs SET state = 'queued', stage = 'queued', percent = 0, attempts = attempts - ?, lease_token = NULL, lease_owner = NULL, lease_expires_ms = NULL WHERE ${LIVE_LEASE}`,
    ),
    requeueAny: db.prepare(
      "UPDATE jobs SET state = 'queued', stage = 'queued', percent = 0, lease_token = NULL, lease_owner = NULL, lease_expires_ms = NULL WHERE id = ? AND state = 'running'",
    ),
    expired: db.prepare("SELECT * FROM jobs WHERE state = 'running' AND (lease_expires_ms IS NULL OR lease_expires_ms < ?)"),
    putArtifact: db.prepare('INSERT OR REPLACE INTO artifacts (study_id, name, content_type, file, bytes) VALUES (?, ?, ?, ?, ?)'),
    dropArtifacts: db.prepare('DELETE FROM artifacts WHERE study_id = ?'),
    artifacts: db.prepare('SELECT * FROM artifacts WHERE study_id = ? ORDER BY name'),
    insertToken: db.prepare('INSERT INTO tokens (id, name, sha256, admin, created_at) VALUES (?, ?, ?, ?, ?)'),
    getToken: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = ?`),
    tokens: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
    activeToken: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE sha256 = ? AND revoked_at IS NULL`),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    version: db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version'),
  };

  const usage = (owner: string) => ({
    storedBytes: (q.storedBytes.get(owner, owner) as { n: number }).n,
    activeJobs: (q.activeJobs.get(owner) as { n: number }).n,
  });
  const createStudyWithJob = db.transaction((study: StudyRecord, jobId: string, quota: Parameters<MetadataStore['createStudyWithJob']>[2]) => {
    checkOwnerQuota(usage(study.owner), study.owner, study.inputBytes, quota);
    q.insertStudy.run(study.id, study.owner, study.createdAt, JSON.stringify(study.input), study.uploadBytes, study.inputBytes);
    q.insertJob.run(jobId, study.id, study.createdAt);
  });
  const claim = db.transaction((workerId: string, leaseMs: number): { row: JobRow; leaseToken: string } | undefined => {
    const next = q.nextQueued.get() as { id: string } | undefined;
    if (!next) return undefined;
    const leaseToken = randomUUID();
    q.claim.run(now(), leaseToken, workerId, Date.now() + leaseMs, next.id);
    return { row: q.getJob.get(next.id) as JobRow, leaseToken };
  });
  const complete = db.transaction((id: string, leaseToken: string, artifacts: readonly ArtifactRecord[], result: Record<string, unknown> | undefined) => {
    const row = q.getJob.get(id) as JobRow | undefined;
    if (!row || q.done.run(now(), result ? JSON.stringify(result) : null, id, leaseToken, 'running').changes === 0) return false;
    // A re-run job replaces what an earlier attempt recorded: one set of artifacts per study.
    q.dropArtifacts.run(row.study_id);
    for (const a of artifacts) q.putArtifact.run(a.studyId, a.name, a.contentType, a.file, a.bytes);
    return true;
  });
  const reap = db.transaction((maxAttempts: number, allRunning: boolean) => {
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const row of q.expired.all(allRunning ? Number.MAX_SAFE_INTEGER : Date.now()) as JobRow[]) {
      if (row.attempts >= maxAttempts) {
        q.failAny.run(now(), JSON.stringify(interruptedJobError(row.attempts, row.stage, row.percent)), row.id);
        failed.push(row.id);
      } else {
        q.requeueAny.run(row.id);
        requeued.push(row.id);
      }
    }
    return { requeued, failed };
  });

  // Token use is recorded at most once a minute per token, so that authenticated GETs stay read-only.
  const lastTouchMs = new Map<string, number>();
  const events = new EventEmitter();

  const pageWhere = (page: ListPage, alias: string, extra: string[] = [], extraArgs: unknown[] = []) => {
    const where = [...extra];
    const args: unknown[] = [...extraArgs];
    if (page.owner !== undefined) {
      where.push('s.owner = ?');
      args.push(page.owner);
    }
    if (page.before) {
      where.push(`(${alias}.created_at < ? OR (${alias}.created_at = ? AND ${alias}.id < ?))`);
      args.push(page.before.createdAt, page.before.createdAt, page.before.id);
    }
    return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', args };
  };

  return {
    kind: 'sqlite',
    async createStudyWithJob(study, jobId, quota) {
      createStudyWithJob(study, jobId, quota);
      return toJob(q.getJob.get(jobId) as JobRow);
    },
    async getStudy(id) {
      const r = q.getStudy.get(id) as StudyRow | undefined;
      return r && toStudy(r);
    },
    async deleteStudy(id) {
      return q.deleteStudy.run(id).changes > 0;
    },
    async listStudyIds() {
      return (q.studyIds.all() as { id: string }[]).map((r) => r.id);
    },
    async listStudies(page) {
      const w = pageWhere(page, 's');
      const rows = db.prepare(`SELECT s.* FROM studies s ${w.sql} ORDER BY s.created_at DESC, s.id DESC LIMIT ?`).all(...w.args, page.limit) as StudyRow[];
      return rows.map((r) => {
        const job = q.latestJob.get(r.id) as JobRow | undefined;
        return { study: toStudy(r), job: job && toJob(job) };
      });
    },
    async listJobs(page) {
      const w = pageWhere(page, 'j', page.state ? ['j.state = ?'] : [], page.state ? [page.state] : []);
      const rows = db.prepare(`SELECT j.* FROM jobs j JOIN studies s ON s.id = j.study_id ${w.sql} ORDER BY j.created_at DESC, j.id DESC LIMIT ?`).all(...w.args, page.limit) as JobRow[];
      return rows.map(toJob);
    },
    async ownerUsage(owner) {
      return usage(owner);
    },
    async getJob(id) {
      const r = q.getJob.get(id) as JobRow | undefined;
      return r && toJob(r);
    },
    async ownerOfJob(id) {
      return (q.ownerOfJob.get(id) as { owner: string } | undefined)?.owner;
    },
    async latestJobOfStudy(studyId) {
      const r = q.latestJob.get(studyId) as JobRow | undefined;
      return r && toJob(r);
    },
    async claimNextJob(workerId, leaseMs) {
      const c = claim(workerId, leaseMs);
      return c && { job: toJob(c.row), leaseToken: c.leaseToken };
    },
    async renewLease(jobId, leaseToken, leaseMs) {
      if (q.renew.run(Date.now() + leaseMs, jobId, leaseToken, 'running').changes > 0) return 'held';
      return q.jobExists.get(jobId) ? 'lost' : 'gone';
    },
    async reapExpiredLeases(maxAttempts, options = {}) {
      return reap(maxAttempts, options.allRunning ?? false);
    },
    async countJobsByState() {
      const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const r of q.countByState.all() as { state: JobState; n: number }[]) counts[r.state] = r.n;
      return counts;
    },
    async updateJobProgress(id, leaseToken, stage, percent) {
      return q.progress.run(stage, percent, id, leaseToken, 'running').changes > 0;
    },
    async completeJob(id, leaseToken, artifacts, result) {
      return complete(id, leaseToken, artifacts, result);
    },
    async failJob(id, leaseToken, error) {
      return q.fail.run(now(), JSON.stringify(error), id, leaseToken, 'running').changes > 0;
    },
    async releaseJob(id, leaseToken, { countAttempt }) {
      return q.release.run(countAttempt ? 0 : 1, id, leaseToken, 'running').changes > 0;
    },
    async listArtifacts(studyId) {
      return (q.artifacts.all(studyId) as ArtifactRow[]).map(toArtifact);
    },
    async createToken(id, name, sha256, options = {}) {
      q.insertToken.run(id, name, sha256, options.admin ? 1 : 0, now());
      return toToken(q.getToken.get(id) as TokenRow);
    },
    async listTokens() {
      return (q.tokens.all() as TokenRow[]).map(toToken);
    },
    async revokeToken(id) {
      return q.revokeToken.run(now(), id).changes > 0;
    },
    async findActiveToken(sha256) {
      const r = q.activeToken.get(sha256) as TokenRow | undefined;
      if (!r) return undefined;
      const t = Date.now();
      if (t - (lastTouchMs.get(r.id) ?? 0) > 60_000) {
        lastTouchMs.set(r.id, t);
        q.touchToken.run(new Date(t).toISOString(), r.id);
      }
      return toToken(r);
    },
    async publish(event: QueueEvent) {
      events.emit('event', event);
    },
    async subscribe(listener) {
      events.on('event', listener);
      return async () => void events.off('event', listener);
    },
    async ping() {
      if (!db.open) throw gctError('GCT_SERVICE_STORAGE_FAILED', `The service database ${file} is closed.`, { file });
      db.prepare('SELECT 1').get();
    },
    async schemaVersion() {
      return (q.version.get() as { v: number }).v;
    },
    async close() {
      events.removeAllListeners();
      if (db.open) db.close();
    },
  };
}
