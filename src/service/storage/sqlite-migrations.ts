/**
 * Schema of the embedded SQLite database, as versioned migrations (runner: migrations.ts). Databases made before
 * versioning (no schema_version table) are at version 0: migration 1 creates only what is missing and 2 adds the
 * column older databases lack, so they migrate like an empty one.
 */
import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations.ts';

export const SQLITE_MIGRATIONS: readonly Migration<Database>[] = [
  {
    version: 1,
    name: 'studies, jobs, artifacts, tokens',
    up: `
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
);`,
  },
  {
    version: 2,
    name: 'jobs.result_json',
    up: (db) => {
      // Unversioned databases made after PACS jobs landed have the column already.
      if (!(db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).some((c) => c.name === 'result_json')) db.exec('ALTER TABLE jobs ADD COLUMN result_json TEXT');
    },
  },
  {
    version: 3,
    name: 'ownership: studies.owner (existing studies -> admin), studies.input_bytes, tokens.admin',
    up: `
ALTER TABLE studies ADD COLUMN owner TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE studies ADD COLUMN input_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE studies SET input_bytes = upload_bytes;
CREATE INDEX studies_created ON studies(created_at DESC, id DESC);
CREATE INDEX studies_owner_created ON studies(owner, created_at DESC, id DESC);
ALTER TABLE tokens ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    name: 'job leases',
    up: `
ALTER TABLE jobs ADD COLUMN lease_token TEXT;
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_ms INTEGER;
CREATE INDEX jobs_created ON jobs(created_at DESC, id DESC);`,
  },
];
