/**
 * Schema of the PostgreSQL database, as versioned migrations (runner: migrations.ts). PostgreSQL support started
 * with ownership and leases, so version 1 is the whole schema of that time; later changes are new versions.
 * Times are timestamptz (leases use the database's clock, the one clock every worker shares).
 */
import type { PoolClient } from 'pg';
import type { Migration } from './migrations.ts';

export const POSTGRES_MIGRATIONS: readonly Migration<PoolClient>[] = [
  {
    version: 1,
    name: 'studies (owned), jobs (leased), artifacts, tokens',
    up: `
CREATE TABLE studies (
  id text PRIMARY KEY,
  owner text NOT NULL,
  created_at timestamptz NOT NULL,
  input_json jsonb NOT NULL,
  upload_bytes bigint NOT NULL,
  input_bytes bigint NOT NULL
);
CREATE INDEX studies_created ON studies (created_at DESC, id DESC);
CREATE INDEX studies_owner_created ON studies (owner, created_at DESC, id DESC);
CREATE TABLE jobs (
  id text PRIMARY KEY,
  study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  stage text NOT NULL,
  percent real NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  error_json jsonb,
  result_json jsonb,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  seq bigserial NOT NULL,
  lease_token text,
  lease_owner text,
  lease_expires_at timestamptz
);
CREATE INDEX jobs_queued ON jobs (seq) WHERE state = 'queued';
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_study ON jobs (study_id, seq);
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
CREATE TABLE artifacts (
  study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  name text NOT NULL,
  content_type text NOT NULL,
  file text NOT NULL,
  bytes bigint NOT NULL,
  PRIMARY KEY (study_id, name)
);
CREATE TABLE tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  sha256 text NOT NULL UNIQUE,
  admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);`,
  },
];
