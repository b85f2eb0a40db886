import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one path to the real cases in ../shared/data: GROUNDCT_TEST_DATA, else ../shared/data beside the repository.
 * Files are read from there, never copied into the repository.
 */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED_DATA = resolve(REPO_ROOT, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');

export function dataPath(...parts: string[]): string {
  return resolve(SHARED_DATA, ...parts);
}

export const HAS_SHARED_DATA = existsSync(dataPath('README.md'));

/** Reason printed when a test skips for missing data. */
export const NO_DATA_REASON = `real CT cases not found at ${SHARED_DATA} (set GROUNDCT_TEST_DATA to the shared data folder)`;

if (!HAS_SHARED_DATA) console.warn(`[groundct tests] skipping data tests: ${NO_DATA_REASON}`);
