import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './data.ts';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'groundct.js');
/** The CLI's data directory (retrieval index) for tests: a temp folder, never the repository. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'gct-cli-data-'));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `groundct` command (bin/groundct.js, which runs the built dist/) in a child process from the
 * repository root.
 */
export async function groundct(...args: string[]): Promise<CliResult> {
  return runGroundct(args);
}

/** groundct with extra node options (e.g. `--import <hook>`) and environment variables. */
export async function runGroundct(args: readonly string[], options: { readonly nodeArgs?: readonly string[]; readonly env?: Readonly<Record<string, string>> } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 64 << 20,
      env: { ...process.env, GROUNDCT_DATA_DIR: DATA_DIR, ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
