/**
 * How the CLI writes its outputs: all of them or none.
 *
 * A command names its outputs before it starts working (`beginOutputs`): each is a file (replaced if it exists)
 * or a folder (which must not exist or be empty). Every output is prepared under a hidden temporary name beside
 * its target (`.<name>.tmp-<random>`, same folder so the final rename is atomic), created at once so that an
 * unwritable place fails before any work. At the end `commit` renames each into place; an existing file is first
 * moved aside and restored if a later rename fails. On any failure `abort` removes the temporary names and every
 * folder the command created, so a failed run leaves the file system as it found it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gctError, isGroundctError, type GroundctError } from '../errors.ts';

export type OutputKind = 'file' | 'folder';

export interface OutputTarget {
  readonly kind: OutputKind;
  readonly path: string;
  /** What the output is, in error messages ("--out", "--dicom"). */
  readonly flag: string;
}

/** Maps a file-system failure while preparing or writing an output onto GCT_OUTPUT_NOT_WRITABLE. */
export function outputError(cause: unknown, path: string, flag: string): GroundctError {
  if (isGroundctError(cause)) return cause;
  const errno = (cause as NodeJS.ErrnoException)?.code ?? 'unknown';
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'the path is too long',
  };
  return gctError('GCT_OUTPUT_NOT_WRITABLE', `${flag} ${path} cannot be written: ${why[errno] ?? `${errno}: ${(cause as Error)?.message ?? String(cause)}`}`, { path, flag, errno }, cause);
}

async function kindAt(path: string): Promise<'file' | 'folder' | 'other' | 'absent'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Absent: nothing there (a dangling symbolic link too: the final rename replaces the link), or a part of the
    // path is a file, which missingParents then names.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    throw e;
  }
}

/** The nearest existing ancestor of `path` must be a folder; returns the folders that would need creating. */
async function missingParents(path: string, flag: string): Promise<string[]> {
  const missing: string[] = [];
  let dir = dirname(resolve(path));
  for (;;) {
    const kind = await kindAt(dir).catch((e: unknown) => {
      throw outputError(e, dir, flag);
    });
    if (kind === 'folder') return missing.reverse();
    if (kind !== 'absent') throw gctError('GCT_OUTPUT_NOT_WRITABLE', `${flag} ${path} cannot be written: ${dir} is a file, not a folder`, { path, flag, blocking: dir });
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) return missing.reverse();
    dir = up;
  }
}

interface Staged {
  readonly target: OutputTarget;
  readonly temp: string;
  /** Whether an empty folder, or a file, is there now and will be replaced. */
  readonly replaces: 'nothing' | 'empty-folder' | 'file';
}

export class OutputTransaction {
  private done = false;
  private constructor(
    private readonly staged: readonly Staged[],
    private readonly createdFolders: readonly string[],
  ) {}

  /**
   * Checks every target and creates its temporary name (a file target's parent folders are created too, and
   * removed again on abort). Fails with GCT_OUTPUT_EXISTS for a non-empty folder target and
   * GCT_OUTPUT_NOT_WRITABLE for anything that cannot be written; nothing is left behind either way.
   */
  static async begin(targets: readonly OutputTarget[]): Promise<OutputTransaction> {
    const staged: Staged[] = [];
    const created: string[] = [];
    const seen = new Set<string>();
    try {
      for (const target of targets) {
        const abs = resolve(target.path);
        if (seen.has(abs)) throw gctError('GCT_CLI_USAGE', `${target.flag} ${target.path} names the same path as another output.`, { path: target.path });
        seen.add(abs);
        const existing = await kindAt(target.path).catch((e: unknown) => {
          throw outputError(e, target.path, target.flag);
        });
        let replaces: Staged['replaces'] = 'nothing';
        if (target.kind === 'folder') {
          if (existing === 'file' || existing === 'other')
            throw gctError('GCT_OUTPUT_NOT_WRITABLE', `${target.flag} ${target.path} is ${existing === 'file' ? 'a file' : 'not a folder'}; a folder is written there`, { path: target.path, flag: target.flag });
          if (existing === 'folder') {
            const entries = await readdir(target.path).catch((e: unknown) => {
              throw outputError(e, target.path, target.flag);
            });
            if (entries.length > 0) throw gctError('GCT_OUTPUT_EXISTS', `${target.flag} ${target.path} exists and is not empty (${entries.length} entries); choose a new folder.`, { path: target.path, flag: target.flag, entries: entries.length });
            replaces = 'empty-folder';
          }
        } else {
          if (existing === 'folder' || existing === 'other')
            throw gctError('GCT_OUTPUT_NOT_WRITABLE', `${target.flag} ${target.path} is ${existing === 'folder' ? 'a folder' : 'not a regular file'}; a file is written there`, { path: target.path, flag: target.flag });
          if (existing === 'file') replaces = 'file';
        }
        for (const dir of await missingParents(target.path, target.flag)) {
          await mkdir(dir).catch((e: unknown) => {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(e, dir, target.flag);
          });
          created.push(dir);
        }
        // The temporary name keeps the target's extension (writers pick gzip from '.gz').
        const temp = join(dirname(target.path), `.tmp-${randomBytes(6).toString('hex')}-${basename(target.path)}`);
        // Creating the temporary name now proves the place is writable before any work is done.
        if (target.kind === 'folder') await mkdir(temp).catch((e: unknown) => {
          throw outputError(e, target.path, target.flag);
        });
        else await writeFile(temp, '', { flag: 'wx' }).catch((e: unknown) => {
          throw outputError(e, target.path, target.flag);
        });
        staged.push({ target, temp, replaces });
      }
    } catch (e) {
      await new OutputTransaction(staged, created).abort();
      throw e;
    }
    return new OutputTransaction(staged, created);
  }

  /** Where to write the output named `path` (as given to begin) until commit. */
  staging(path: string): string {
    const s = this.staged.find((x) => x.target.path === path);
    if (!s) throw new Error(`no output ${path} in this transaction`);
    return s.temp;
  }

  /** Renames every output into place; on a failure restores what was there and removes the rest. */
  async commit(): Promise<void> {
    if (this.done) throw new Error('output transaction already ended');
    const committed: { s: Staged; backup?: string }[] = [];
    try {
      for (const s of this.staged) {
        let backup: string | undefined;
        if (s.replaces === 'empty-folder') await rmdir(s.target.path);
        if (s.replaces === 'file') {
          backup = join(dirname(s.target.path), `.${basename(s.target.path)}.old-${randomBytes(6).toString('hex')}`);
          await rename(s.target.path, backup);
        }
        await rename(s.temp, s.target.path);
        committed.push({ s, backup });
      }
    } catch (e) {
      // Undo in reverse: each committed output goes back to its temporary name, the old file or folder returns.
      for (const { s, backup } of committed.reverse()) {
        await rename(s.target.path, s.temp).catch(() => undefined);
        if (backup) await rename(backup, s.target.path).catch(() => undefined);
        if (s.replaces === 'empty-folder') await mkdir(s.target.path).catch(() => undefined);
      }
      await this.abort();
      throw outputError(e, this.staged[committed.length]?.target.path ?? '', this.staged[committed.length]?.target.flag ?? 'output');
    }
    this.done = true;
    for (const { backup } of committed) if (backup) await rm(backup, { force: true }).catch(() => undefined);
  }

  /** Removes every temporary name and the folders begin created (only if still empty). */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const s of this.staged) await rm(s.temp, { recursive: true, force: true }).catch(() => undefined);
    for (const dir of [...this.createdFolders].reverse()) await rmdir(dir).catch(() => undefined);
  }
}

/**
 * Runs `write` with the outputs staged, then commits them; any error aborts (nothing is left) and is rethrown.
 * A file-system error inside `write` becomes GCT_OUTPUT_NOT_WRITABLE.
 */
export async function withOutputs<T>(targets: readonly OutputTarget[], write: (staging: (path: string) => string) => Promise<T>): Promise<T> {
  const tx = await OutputTransaction.begin(targets);
  try {
    const result = await write((path) => tx.staging(path));
    await tx.commit();
    return result;
  } catch (e) {
    await tx.abort();
    const errno = (e as NodeJS.ErrnoException)?.code;
    if (!isGroundctError(e) && typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) throw outputError(e, targets.map((t) => t.path).join(', '), 'output');
    throw e;
  }
}

/** Writes one file atomically (temp file + rename): a failed run never leaves a half-written output behind. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, flag = '--out'): Promise<void> {
  await withOutputs([{ kind: 'file', path, flag }], (staging) => writeFile(staging(path), content));
}
