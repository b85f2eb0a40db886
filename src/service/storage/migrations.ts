/**
 * Versioned schema migrations, one ordered list per backend (sqlite-migrations.ts, postgres-migrations.ts).
 * A database records what it has applied in `schema_version` (version, name, applied_at). At start each process
 * takes the backend's migration lock (SQLite: BEGIN IMMEDIATE, the database's one write lock; PostgreSQL: a
 * transaction-scoped advisory lock), reads its version and applies what is missing in that same transaction, so
 * two processes starting together migrate once and the second sees the result. A database newer than this
 * program is refused (GCT_SERVICE_SCHEMA_TOO_NEW); an older one is refused instead of migrated when
 * storage.migrate is false (GCT_SERVICE_SCHEMA_OUTDATED).
 *
 * Adding a migration: append `{ version: <last + 1>, name, up }` to each backend's list (never edit or reorder a
 * released one); `up` is SQL, or a function for steps that depend on what is there. src/service/README.md has
 * the checklist.
 */
import { gctError } from '../../errors.ts';

export interface Migration<Db> {
  /** 1, 2, 3, ... without gaps. */
  readonly version: number;
  readonly name: string;
  readonly up: string | ((db: Db) => void | Promise<void>);
}

/** The latest version of a list, after checking it is numbered 1..n. */
export function latestVersion<Db>(list: readonly Migration<Db>[]): number {
  list.forEach((m, n) => {
    if (m.version !== n + 1) throw gctError('GCT_INTERNAL', `Migration '${m.name}' has version ${m.version}; expected ${n + 1} (versions run 1..n without gaps).`);
  });
  return list.length;
}

/** The migrations to apply to a database at `current`, or the error that refuses it. */
export function pendingMigrations<Db>(list: readonly Migration<Db>[], current: number, options: { migrate: boolean; where: string }): Migration<Db>[] {
  const latest = latestVersion(list);
  if (current > latest)
    throw gctError('GCT_SERVICE_SCHEMA_TOO_NEW', `The database ${options.where} is at schema version ${current}; this groundct knows versions up to ${latest}.`, { current, latest });
  const pending = list.slice(current);
  if (pending.length > 0 && !options.migrate)
    throw gctError('GCT_SERVICE_SCHEMA_OUTDATED', `The database ${options.where} is at schema version ${current}; this groundct needs ${latest} and storage.migrate is false.`, {
      current,
      latest,
      pending: pending.map((m) => `${m.version} ${m.name}`),
    });
  return pending;
}
