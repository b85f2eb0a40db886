import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StorageConfig } from '../../config.ts';
import { gctError } from '../../errors.ts';
import { openLocalBlobs } from './local-blobs.ts';
import { openPostgresMetadata } from './postgres-metadata.ts';
import { openSqliteMetadata } from './sqlite-metadata.ts';
import type { Storage } from './types.ts';

async function makeDir(dir: string, what: string): Promise<string> {
  const root = resolve(dir);
  try {
    await mkdir(root, { recursive: true });
  } catch (cause) {
    throw gctError('GCT_SERVICE_STORAGE_FAILED', `Could not create the ${what} ${root}: ${(cause as Error).message}`, { dir: root }, cause);
  }
  return root;
}

/** The embedded default storage: `<dataDir>/groundct.sqlite` and files under `<dataDir>`. */
export async function openLocalStorage(dataDir: string, options: { migrate?: boolean } = {}): Promise<Storage> {
  const root = await makeDir(dataDir, 'data directory');
  const meta = openSqliteMetadata(join(root, 'groundct.sqlite'), options);
  const blobs = openLocalBlobs(root);
  return { kind: 'sqlite', meta, blobs, close: () => meta.close() };
}

/**
 * The storage `storage.kind` names: the embedded SQLite default, or PostgreSQL with files under `storage.blobsDir`
 * (default `<dataDir>/blobs`), the folder every process shares.
 */
export async function openStorage(config: { dataDir: string; storage: StorageConfig }, options: { onBackgroundError?: (e: Error) => void } = {}): Promise<Storage> {
  const s = config.storage;
  if (s.kind === 'sqlite') return openLocalStorage(config.dataDir, { migrate: s.migrate });
  const root = await makeDir(s.blobsDir ?? join(config.dataDir, 'blobs'), 'blobs directory');
  const meta = await openPostgresMetadata({ url: s.url!, poolSize: s.poolSize, migrate: s.migrate, onBackgroundError: options.onBackgroundError });
  return { kind: 'postgres', meta, blobs: openLocalBlobs(root), close: () => meta.close() };
}
