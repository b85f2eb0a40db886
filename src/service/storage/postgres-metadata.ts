/**
 * MetadataStore on PostgreSQL (node-postgres `pg`): studies, tokens and the job queue of any number of API and
 * worker processes. The queue is the jobs table itself, claimed with `SELECT ... FOR UPDATE SKIP LOCKED` (two
 * workers never take the same row and never wait on each other) and held with a lease on the database's clock:
 * a worker renews `lease_expires_at` while it runs the job, every later write is fenced by the random lease
 * token of its claim, and a job whose lease expired is re-queued (or failed at the attempt limit) by whichever
 * worker reaps first. Queue signals travel by LISTEN/NOTIFY on one channel; workers also poll, so a lost
 * notification only costs a poll interval. README "Deployment" says why this and not pg-boss/graphile-worker.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { gctError, isGroundctError } from '../../errors.ts';
import { pendingMigrations } from './migrations.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { checkOwnerQuota, interruptedJobError } from './shared-rules.ts';
import type { ArtifactRecord, ErrorBody, JobRecord, JobState, ListPage, MetadataStore, OwnerUsage, QueueEvent, StoredInput, StudyRecord, TokenRecord } from './types.ts';

/** Advisory lock keys (class, object): the schema migration, and one per owner for the quota check. */
const LOCK_CLASS_SCHEMA = 7_263_001;
const LOCK_CLASS_OWNER = 7_263_002;
const CHANNEL = 'groundct_queue';
/** Reconnect delay of the LISTEN connection after it broke, ms. */
const LISTEN_RETRY_MS = 1_000;

interface JobRow {
  id: string;
  study_id: string;
  state: JobState;
  stage: string;
  percent: number;
  attempts: number;
  error_json: ErrorBody | null;
  result_json: Record<string, unknown> | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface StudyRow {
  id: string;
  owner: string;
  created_at: Date;
  input_json: StoredInput;
  upload_bytes: string;
  input_bytes: string;
}

interface TokenRow {
  id: string;
  name: string;
  admin: boolean;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

interface ArtifactRow {
  study_id: string;
  name: string;
  content_type: string;
  file: string;
  bytes: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toJob = (r: JobRow): JobRecord => ({
  id: r.id,
  studyId: r.study_id,
  state: r.state,
  stage: r.stage,
  percent: r.percent,
  attempts: r.attempts,
  error: r.error_json,
  result: r.result_json,
  createdAt: r.created_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
});
const toStudy = (r: StudyRow): StudyRecord => ({
  id: r.id,
  owner: r.owner,
  createdAt: r.created_at.toISOString(),
  input: r.input_json,
  uploadBytes: Number(r.upload_bytes),
  inputBytes: Number(r.input_bytes),
});
const toToken = (r: TokenRow): TokenRecord => ({ id: r.id, name: r.name, admin: r.admin, createdAt: r.created_at.toISOString(), lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at) });
const toArtifact = (r: ArtifactRow): ArtifactRecord => ({ studyId: r.study_id, name: r.name, contentType: r.content_type, file: r.file, bytes: Number(r.bytes) });

const TOKEN_COLUMNS = 'id, name, admin, created_at, last_used_at, revoked_at';
const LIVE_LEASE = "id = $1 AND lease_token = $2 AND state = 'running'";

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/** Connection-level failures (the server is down or unreachable) become a 503 with a hint; the rest stay as they are. */
function databaseError(e: unknown, where: string): unknown {
  if (isGroundctError(e)) return e;
  const code = (e as { code?: string }).code ?? '';
  const connectionLevel = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|57P0[1-3]|08\w{3}|3D000|28\w{3})$/.test(code) || /Connection terminated|timeout exceeded when trying to connect/i.test((e as Error).message ?? '');
  if (!connectionLevel) return e;
  return gctError('GCT_SERVICE_DATABASE_UNAVAILABLE', `PostgreSQL at ${where} is not available (${code || (e as Error).message}).`, { reason: code || 'connection' }, e);
}

export interface PostgresMetadataOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly migrate: boolean;
  /** Called with errors of idle connections and of the LISTEN connection (they have no caller to throw to). */
  readonly onBackgroundError?: (e: Error) => void;
}

/** Connects, migrates (under an advisory lock) and returns the store. */
export async function openPostgresMetadata(options: PostgresMetadataOptions): Promise<MetadataStore> {
  const where = redactUrl(options.url);
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  pool.on('error', (e) => options.onBackgroundError?.(e));

  const query = async <R extends pg.QueryResultRow>(sql: string, args: unknown[] = []): Promise<pg.QueryResult<R>> => {
    try {
      return await pool.query<R>(sql, args);
    } catch (e) {
      throw databaseError(e, where);
    }
  };
  const tx = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw databaseError(e, where);
    }
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw databaseError(e, where);
    } finally {
      client.release();
    }
  };

  try {
    await tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS_SCHEMA]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const current = Number((await c.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version')).rows[0].v);
      for (const m of pendingMigrations(POSTGRES_MIGRATIONS, current, { migrate: options.migrate, where })) {
        if (typeof m.up === 'string') await c.query(m.up);
        else await m.up(c);
        await c.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
    });
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }

  const usage = async (c: pg.PoolClient | pg.Pool, owner: string): Promise<OwnerUsage> => {
    const r = await c.query<{ stored: string; active: string }>(
      `SELECT (SELECT COALESCE(SUM(input_bytes), 0) FROM studies WHERE owner = $1)
            + (SELECT COALESCE(SUM(a.bytes), 0) FROM artifacts a JOIN studies s ON s.id = a.study_id WHERE s.owner = $1 AND a.file NOT LIKE 'input/%') AS stored,
              (SELECT COUNT(*) FROM jobs j JOIN studies s ON s.id = j.study_id WHERE s.owner = $1 AND j.state IN ('queued', 'running')) AS active`,
      [owner],
    );
    return { storedBytes: Number(r.rows[0].stored), activeJobs: Number(r.rows[0].active) };
  };

  const pageWhere = (page: ListPage, alias: string, extra: string[] = [], args: unknown[] = []) => {
    const where = [...extra];
    const values = [...args];
    if (page.owner !== undefined) {
      values.push(page.owner);
      where.push(`s.owner = $${values.length}`);
    }
    if (page.before) {
      values.push(page.before.createdAt, page.before.id);
      where.push(`(${alias}.created_at, ${alias}.id) < ($${values.length - 1}::timestamptz, $${values.length})`);
    }
    values.push(page.limit);
    return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', values, limit: `$${values.length}` };
  };

  // Queue signals: one dedicated LISTEN connection, re-opened when it breaks.
  const listeners = new Set<(e: QueueEvent) => void>();
  let listenClient: pg.Client | undefined;
  let closed = false;
  const startListening = async (): Promise<void> => {
    if (closed || listenClient) return;
    const client = new pg.Client({ connectionString: options.url });
    const retry = (e?: Error) => {
      if (e) options.onBackgroundError?.(e);
      if (listenClient !== client) return;
      listenClient = undefined;
      void client.end().catch(() => undefined);
      if (!closed && listeners.size > 0) setTimeout(() => void startListening().catch(retry), LISTEN_RETRY_MS).unref();
    };
    listenClient = client;
    client.on('error', retry);
    client.on('end', () => retry());
    client.on('notification', (n) => {
      let event: QueueEvent;
      try {
        event = JSON.parse(n.payload ?? '') as QueueEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      retry(e as Error);
    }
  };

  const lastTouchMs = new Map<string, number>();

  return {
    kind: 'postgres',
    async createStudyWithJob(study, jobId, quota) {
      return tx(async (c) => {
        // One owner's uploads on any API process are checked one at a time, so two cannot both squeeze under the quota.
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS_OWNER, study.owner]);
        checkOwnerQuota(await usage(c, study.owner), study.owner, study.inputBytes, quota);
        await c.query('INSERT INTO studies (id, owner, created_at, input_json, upload_bytes, input_bytes) VALUES ($1, $2, $3, $4, $5, $6)', [
          study.id,
          study.owner,
          study.createdAt,
          JSON.stringify(study.input),
          study.uploadBytes,
          study.inputBytes,
        ]);
        const r = await c.query<JobRow>("INSERT INTO jobs (id, study_id, state, stage, percent, attempts, created_at) VALUES ($1, $2, 'queued', 'queued', 0, 0, $3) RETURNING *", [
          jobId,
          study.id,
          study.createdAt,
        ]);
        return toJob(r.rows[0]);
      });
    },
    async getStudy(id) {
      const r = await query<StudyRow>('SELECT * FROM studies WHERE id = $1', [id]);
      return r.rows[0] && toStudy(r.rows[0]);
    },
    async deleteStudy(id) {
      return ((await query('DELETE FROM studies WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async listStudyIds() {
      return (await query<{ id: string }>('SELECT id FROM studies')).rows.map((r) => r.id);
    },
    async listStudies(page) {
      const w = pageWhere(page, 's');
      const r = await query<StudyRow & { job: (Omit<JobRow, 'created_at' | 'started_at' | 'finished_at'> & { created_at: string; started_at: string | null; finished_at: string | null }) | null }>(
        `SELECT s.*, (SELECT to_jsonb(j) FROM jobs j WHERE j.study_id = s.id ORDER BY j.seq DESC LIMIT 1) AS job
           FROM studies s ${w.sql} ORDER BY s.created_at DESC, s.id DESC LIMIT ${w.limit}`,
        w.values,
      );
      return r.rows.map((row) => {
        const j = row.job;
        const job = j ? toJob({ ...j, created_at: new Date(j.created_at), started_at: j.started_at ? new Date(j.started_at) : null, finished_at: j.finished_at ? new Date(j.finished_at) : null }) : undefined;
        return { study: toStudy(row), job };
      });
    },
    async listJobs(page) {
      const w = pageWhere(page, 'j', page.state ? ['j.state = $1'] : [], page.state ? [page.state] : []);
      const r = await query<JobRow>(`SELECT j.* FROM jobs j JOIN studies s ON s.id = j.study_id ${w.sql} ORDER BY j.created_at DESC, j.id DESC LIMIT ${w.limit}`, w.values);
      return r.rows.map(toJob);
    },
    async ownerUsage(owner) {
      try {
        return await usage(pool, owner);
      } catch (e) {
        throw databaseError(e, where);
      }
    },
    async getJob(id) {
      const r = await query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
      return r.rows[0] && toJob(r.rows[0]);
    },
    async ownerOfJob(id) {
      return (await query<{ owner: string }>('SELECT s.owner FROM jobs j JOIN studies s ON s.id = j.study_id WHERE j.id = $1', [id])).rows[0]?.owner;
    },
    async latestJobOfStudy(studyId) {
      const r = await query<JobRow>('SELECT * FROM jobs WHERE study_id = $1 ORDER BY seq DESC LIMIT 1', [studyId]);
      return r.rows[0] && toJob(r.rows[0]);
    },
    async claimNextJob(workerId, leaseMs) {
      const leaseToken = randomUUID();
      const r = await query<JobRow>(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = now(), stage = 'starting', percent = 0,
                lease_token = $1, lease_owner = $2, lease_expires_at = now() + $3 * interval '1 millisecond'
          WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1)
          RETURNING *`,
        [leaseToken, workerId, leaseMs],
      );
      return r.rows[0] && { job: toJob(r.rows[0]), leaseToken };
    },
    async renewLease(jobId, leaseToken, leaseMs) {
      const r = await query<{ held: boolean; present: boolean }>(
        `WITH renewed AS (UPDATE jobs SET lease_expires_at = now() + $3 * interval '1 millisecond' WHERE ${LIVE_LEASE} RETURNING 1)
         SELECT EXISTS (SELECT 1 FROM renewed) AS held, EXISTS (SELECT 1 FROM jobs WHERE id = $1) AS present`,
        [jobId, leaseToken, leaseMs],
      );
      const row = r.rows[0];
      return row.held ? 'held' : row.present ? 'lost' : 'gone';
    },
    async reapExpiredLeases(maxAttempts, options = {}) {
      return tx(async (c) => {
        const expired = await c.query<JobRow>(
          `SELECT * FROM jobs WHERE state = 'running' AND ($1 OR lease_expires_at IS NULL OR lease_expires_at < now()) FOR UPDATE SKIP LOCKED`,
          [options.allRunning ?? false],
        );
        const requeued: string[] = [];
        const failed: string[] = [];
        for (const row of expired.rows) {
          if (row.attempts >= maxAttempts) {
            await c.query("UPDATE jobs SET state = 'failed', finished_at = now(), error_json = $2, lease_token = NULL, lease_expires_at = NULL WHERE id = $1", [
              row.id,
              JSON.stringify(interruptedJobError(row.attempts, row.stage, row.percent)),
            ]);
            failed.push(row.id);
          } else {
            await c.query("UPDATE jobs SET state = 'queued', stage = 'queued', percent = 0, lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1", [row.id]);
            requeued.push(row.id);
          }
        }
        return { requeued, failed };
      });
    },
    async countJobsByState() {
      const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const r of (await query<{ state: JobState; n: string }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state')).rows) counts[r.state] = Number(r.n);
      return counts;
    },
    async updateJobProgress(id, leaseToken, stage, percent) {
      return ((await query(`UPDATE jobs SET stage = $3, percent = $4 WHERE ${LIVE_LEASE}`, [id, leaseToken, stage, percent])).rowCount ?? 0) > 0;
    },
    async completeJob(id, leaseToken, artifacts, result) {
      return tx(async (c) => {
        const done = await c.query<{ study_id: string }>(
          `UPDATE jobs SET state = 'done', stage = 'done', percent = 100, finished_at = now(), error_json = NULL, result_json = $3, lease_token = NULL, lease_expires_at = NULL
            WHERE ${LIVE_LEASE} RETURNING study_id`,
          [id, leaseToken, result ? JSON.stringify(result) : null],
        );
        if (done.rows.length === 0) return false;
        // A re-run job replaces what an earlier attempt recorded: one set of artifacts per study.
        await c.query('DELETE FROM artifacts WHERE study_id = $1', [done.rows[0].study_id]);
        for (const a of artifacts)
          await c.query('INSERT INTO artifacts (study_id, name, content_type, file, bytes) VALUES ($1, $2, $3, $4, $5)', [a.studyId, a.name, a.contentType, a.file, a.bytes]);
        return true;
      });
    },
    async failJob(id, leaseToken, error) {
      const r = await query(`UPDATE jobs SET state = 'failed', finished_at = now(), error_json = $3, lease_token = NULL, lease_expires_at = NULL WHERE ${LIVE_LEASE}`, [
        id,
        leaseToken,
        JSON.stringify(error),
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    async releaseJob(id, leaseToken, { countAttempt }) {
      const r = await query(
        `UPDATE jobs SET state = 'queued', stage = 'queued', percent = 0, attempts = attempts - $3, lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE ${LIVE_LEASE}`,
        [id, leaseToken, countAttempt ? 0 : 1],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async listArtifacts(studyId) {
      return (await query<ArtifactRow>('SELECT * FROM artifacts WHERE study_id = $1 ORDER BY name', [studyId])).rows.map(toArtifact);
    },
    async createToken(id, name, sha256, opts = {}) {
      const r = await query<TokenRow>(`INSERT INTO tokens (id, name, sha256, admin, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING ${TOKEN_COLUMNS}`, [id, name, sha256, opts.admin ?? false]);
      return toToken(r.rows[0]);
    },
    async listTokens() {
      return (await query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`)).rows.map(toToken);
    },
    async revokeToken(id) {
      return ((await query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async findActiveToken(sha256) {
      const r = (await query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE sha256 = $1 AND revoked_at IS NULL`, [sha256])).rows[0];
      if (!r) return undefined;
      // Token use is recorded at most once a minute per token and process, so that authenticated GETs stay read-only.
      const t = Date.now();
      if (t - (lastTouchMs.get(r.id) ?? 0) > 60_000) {
        lastTouchMs.set(r.id, t);
        await query('UPDATE tokens SET last_used_at = now() WHERE id = $1', [r.id]);
      }
      return toToken(r);
    },
    async publish(event) {
      await query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
    },
    async subscribe(listener) {
      listeners.add(listener);
      await startListening();
      return async () => {
        listeners.delete(listener);
      };
    },
    async ping() {
      await query('SELECT 1');
    },
    async schemaVersion() {
      return Number((await query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version')).rows[0].v);
    },
    async close() {
      closed = true;
      listeners.clear();
      const client = listenClient;
      listenClient = undefined;
      await client?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
