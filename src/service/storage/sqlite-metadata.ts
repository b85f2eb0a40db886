/**
 * MetadataStore on SQLite (better-sqlite3), the embedded default: one file `<dataDir>/groundct.sqlite` in WAL
 * mode, so readers never wait for the job updates. Every write that must survive a crash is one statement or
 * one transaction. synchronous=NORMAL: in WAL mode a committed transaction survives a crash of the process
 * (the kill/restart case the tests cover) without an fsync per commit on the event loop; only a power loss
 * or OS crash can roll back the last commits (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
import Database from 'better-sqlite3';
import { gctError, ERRORS } from '../../errors.ts';
import type { ArtifactRecord, ErrorBody, JobRecord, MetadataStore, StoredInput, StudyRecord, TokenRecord } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS studies (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  input_json TEXT NOT NULL,
  upload_bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  stage TEXT NOT NULL,
  percent REAL NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error_json TEXT,
  result_json TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
CREATE INDEX IF NOT EXISTS jobs_study ON jobs(study_id, seq);
CREATE TABLE IF NOT EXISTS artifacts (
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  file TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (study_id, name)
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
`;

interface JobRow {
  id: string;
  study_id: string;
  state: JobRecord['state'];
  stage: string;
  percent: number;
  attempts: number;
  error_json: string | null;
  result_json?: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface StudyRow {
  id: string;
  created_at: string;
  input_json: string;
  upload_bytes: number;
}

interface TokenRow {
  id: string;
  name: string;
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

const toStudy = (r: StudyRow): StudyRecord => ({ id: r.id, createdAt: r.created_at, input: JSON.parse(r.input_json) as StoredInput, uploadBytes: r.upload_bytes });
const toToken = (r: TokenRow): TokenRecord => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at });
const toArtifact = (r: ArtifactRow): ArtifactRecord => ({ studyId: r.study_id, name: r.name, contentType: r.content_type, file: r.file, bytes: r.bytes });

/** Opens (creating if needed) the SQLite database at `file`. */
export function openSqliteMetadata(file: string): MetadataStore {
  let db: Database;
  try {
    db = new Database(file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    // Databases created before jobs had a result column get it added (SQLite ALTER TABLE ADD COLUMN keeps rows).
    if (!(db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).some((c) => c.name === 'result_json')) db.exec('ALTER TABLE jobs ADD COLUMN result_json TEXT');
  } catch (cause) {
    throw gctError('GCT_SERVICE_STORAGE_FAILED', `Could not open the service database ${file}: ${(cause as Error).message}`, { file }, cause);
  }

  const q = {
    insertStudy: db.prepare('INSERT INTO studies (id, created_at, input_json, upload_bytes) VALUES (?, ?, ?, ?)'),
    insertJob: db.prepare(
      "INSERT INTO jobs (id, study_id, state, stage, percent, attempts, created_at, seq) VALUES (?, ?, 'queued', 'queued', 0, 0, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs))",
    ),
    getStudy: db.prepare('SELECT * FROM studies WHERE id = ?'),
    deleteStudy: db.prepare('DELETE FROM studies WHERE id = ?'),
    studyIds: db.prepare('SELECT id FROM studies'),
    getJob: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    latestJob: db.prepare('SELECT * FROM jobs WHERE study_id = ? ORDER BY seq DESC LIMIT 1'),
    countQueued: db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued'"),
    nextQueued: db.prepare("SELECT * FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1"),
    claim: db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, stage = 'starting', percent = 0 WHERE id = ? AND state = 'queued'"),
    progress: db.prepare("UPDATE jobs SET stage = ?, percent = ? WHERE id = ? AND state = 'running'"),
    done: db.prepare("UPDATE jobs SET state = 'done', stage = 'done', percent = 100, finished_at = ?, error_json = NULL, result_json = ? WHERE id = ?"),
    fail: db.prepare("UPDATE jobs SET state = 'failed', finished_at = ?, error_json = ? WHERE id = ?"),
    requeue: db.prepare("UPDATE jobs SET state = 'queued', stage = 'queued', percent = 0, attempts = attempts - ? WHERE id = ? AND state = 'running'"),
    running: db.prepare("SELECT * FROM jobs WHERE state = 'running'"),
    putArtifact: db.prepare('INSERT OR REPLACE INTO artifacts (study_id, name, content_type, file, bytes) VALUES (?, ?, ?, ?, ?)'),
    artifacts: db.prepare('SELECT * FROM artifacts WHERE study_id = ? ORDER BY name'),
    insertToken: db.prepare('INSERT INTO tokens (id, name, sha256, created_at) VALUES (?, ?, ?, ?)'),
    getToken: db.prepare('SELECT id, name, created_at, last_used_at, revoked_at FROM tokens WHERE id = ?'),
    tokens: db.prepare('SELECT id, name, created_at, last_used_at, revoked_at FROM tokens ORDER BY created_at, id'),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
    activeToken: db.prepare('SELECT id, name, created_at, last_used_at, revoked_at FROM tokens WHERE sha256 = ? AND revoked_at IS NULL'),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
  };

  const createStudyWithJob = db.transaction((study: StudyRecord, jobId: string) => {
    q.insertStudy.run(study.id, study.createdAt, JSON.stringify(study.input), study.uploadBytes);
    q.insertJob.run(jobId, study.id, study.createdAt);
  });
  const claim = db.transaction((): JobRow | undefined => {
    const row = q.nextQueued.get() as JobRow | undefined;
    if (!row) return undefined;
    q.claim.run(now(), row.id);
    return q.getJob.get(row.id) as JobRow;
  });
  const complete = db.transaction((id: string, artifacts: readonly ArtifactRecord[], result: Record<string, unknown> | undefined) => {
    for (const a of artifacts) q.putArtifact.run(a.studyId, a.name, a.contentType, a.file, a.bytes);
    q.done.run(now(), result ? JSON.stringify(result) : null, id);
  });
  const recover = db.transaction((maxAttempts: number) => {
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const row of q.running.all() as JobRow[]) {
      if (row.attempts >= maxAttempts) {
        const error: ErrorBody = {
          code: 'GCT_SERVICE_JOB_INTERRUPTED',
          message: `The job was interrupted ${row.attempts} times (last at stage '${row.stage}', ${row.percent}%); it is not started again.`,
          hint: ERRORS.GCT_SERVICE_JOB_INTERRUPTED.hint,
          details: { attempts: row.attempts, stage: row.stage },
        };
        q.fail.run(now(), JSON.stringify(error), row.id);
        failed.push(row.id);
      } else {
        q.requeue.run(0, row.id);
        requeued.push(row.id);
      }
    }
    return { requeued, failed };
  });

  // Token use is recorded at most once a minute per token, so that authenticated GETs stay read-only.
  const lastTouchMs = new Map<string, number>();

  return {
    async createStudyWithJob(study, jobId) {
      createStudyWithJob(study, jobId);
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
    async getJob(id) {
      const r = q.getJob.get(id) as JobRow | undefined;
      return r && toJob(r);
    },
    async latestJobOfStudy(studyId) {
      const r = q.latestJob.get(studyId) as JobRow | undefined;
      return r && toJob(r);
    },
    async claimNextJob() {
      const r = claim();
      return r && toJob(r);
    },
    async countQueuedJobs() {
      return (q.countQueued.get() as { n: number }).n;
    },
    async updateJobProgress(id, stage, percent) {
      q.progress.run(stage, percent, id);
    },
    async completeJob(id, artifacts, result) {
      complete(id, artifacts, result);
    },
    async failJob(id, error) {
      q.fail.run(now(), JSON.stringify(error), id);
    },
    async requeueJob(id, { countAttempt }) {
      q.requeue.run(countAttempt ? 0 : 1, id);
    },
    async recoverInterruptedJobs(maxAttempts) {
      return recover(maxAttempts);
    },
    async listArtifacts(studyId) {
      return (q.artifacts.all(studyId) as ArtifactRow[]).map(toArtifact);
    },
    async createToken(id, name, sha256) {
      q.insertToken.run(id, name, sha256, now());
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
    async close() {
      if (db.open) db.close();
    },
  };
}
