/**
 * BlobStore on a folder: the data directory (embedded default) or `storage.blobsDir`, a folder every API and
 * worker process mounts (a network file system in production). Every write is a rename into place, so a
 * reader on another process never sees half a study or half an artifact:
 *
 *   <dataDir>/staging/<random>/          one upload while it is received and checked
 *   <dataDir>/studies/<studyId>/input/    the accepted upload (renamed from staging: all or nothing)
 *   <dataDir>/studies/<studyId>/artifacts/ what the study's jobs wrote
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gctError } from '../../errors.ts';
import type { BlobStore } from './types.ts';

/** Study ids are made by the service (UUIDs); anything else must never reach a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function checkId(studyId: string): string {
  if (!SAFE_ID.test(studyId)) throw gctError('GCT_SERVICE_STUDY_NOT_FOUND', `No study with id '${studyId.slice(0, 80)}'.`, { studyId: studyId.slice(0, 80) });
  return studyId;
}

/** Bytes of the regular files under `dir` (links are not followed; uploads never hold any). */
async function folderBytes(dir: string): Promise<number> {
  const info = await lstat(dir);
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  let total = 0;
  for (const entry of await readdir(dir)) total += await folderBytes(join(dir, entry));
  return total;
}

/** True when `path` was last modified more than `olderThanMs` ago (or is gone). */
async function olderThan(path: string, olderThanMs: number): Promise<boolean> {
  if (olderThanMs <= 0) return true;
  try {
    return Date.now() - (await stat(path)).mtimeMs > olderThanMs;
  } catch {
    return true;
  }
}

export function openLocalBlobs(dataDir: string): BlobStore {
  const root = resolve(dataDir);
  const staging = join(root, 'staging');
  const studies = join(root, 'studies');
  const studyDir = (id: string) => join(studies, checkId(id));
  return {
    async createStaging() {
      const dir = join(staging, randomBytes(12).toString('hex'));
      await mkdir(dir, { recursive: true });
      return dir;
    },
    async commitStudy(stagingDir, studyId) {
      const target = studyDir(studyId);
      await mkdir(target, { recursive: true });
      await rename(stagingDir, join(target, 'input'));
      await mkdir(join(target, 'artifacts'), { recursive: true });
    },
    async discardStaging(stagingDir) {
      await rm(stagingDir, { recursive: true, force: true });
    },
    studyDir,
    async readFile(studyId, file) {
      const base = studyDir(studyId);
      const path = resolve(base, file);
      if (!path.startsWith(base + '/')) throw gctError('GCT_SERVICE_ARTIFACT_NOT_FOUND', `No file '${file}' in study ${studyId}.`, { studyId });
      return readFile(path);
    },
    async deleteStudy(studyId) {
      await rm(studyDir(studyId), { recursive: true, force: true });
    },
    async removeOrphans(known, olderThanMs) {
      let removed = 0;
      await mkdir(staging, { recursive: true });
      await mkdir(studies, { recursive: true });
      for (const name of await readdir(staging)) {
        if (!(await olderThan(join(staging, name), olderThanMs))) continue;
        await rm(join(staging, name), { recursive: true, force: true });
        removed++;
      }
      for (const name of await readdir(studies)) {
        if (known.has(name) || !(await olderThan(join(studies, name), olderThanMs))) continue;
        await rm(join(studies, name), { recursive: true, force: true });
        removed++;
      }
      return removed;
    },
    folderBytes,
    async probeWritable() {
      const probe = join(staging, `.probe-${process.pid}-${randomBytes(6).toString('hex')}`);
      await mkdir(staging, { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    },
    root,
  };
}
