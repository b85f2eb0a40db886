import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gctError } from '../errors.ts';

/** Writes a file atomically (temp file + rename): a failed run never leaves a half-written output behind. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw gctError('GCT_VOLUME_WRITE_FAILED', `Could not write ${path}: ${(cause as Error).message}`, { path }, cause);
  }
}
