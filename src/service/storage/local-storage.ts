import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gctError } from '../../errors.ts';
import { openLocalBlobs } from './local-blobs.ts';
import { openSqliteMetadata } from './sqlite-metadata.ts';
import type { Storage } from './types.ts';

/** The embedded default storage: `<dataDir>/groundct.sqlite` and files under `<dataDir>`. */
export async function openLocalStorage(dataDir: string): Promise<Storage> {
  const root = resolve(dataDir);
  try {
    await mkdir(root, { recursive: true });
  } catch (cause) {
    throw gctError('GCT_SERVICE_STORAGE_FAILED', `Could not create the data directory ${root}: ${(cause as Error).message}`, { dataDir: root }, cause);
  }
  const meta = openSqliteMetadata(join(root, 'groundct.sqlite'));
  const blobs = openLocalBlobs(root);
  return { meta, blobs, close: () => meta.close() };
}
