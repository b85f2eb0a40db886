/**
 * The build (scripts/build.mjs) that makes dist/, the JavaScript `groundct` runs: every source is picked up with
 * no list to maintain, imports point at the compiled files, and a stale dist/ is detected.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuildFresh, listInputs, outputOf, DIST_DIR } from '../../scripts/build.mjs';
import { REPO_ROOT } from '../helpers/data.ts';

describe('dist/ of this checkout', () => {
  it('is current: built from the sources as they are (vitest globalSetup builds it)', () => {
    expect(isBuildFresh()).toBe(true);
  });

  it('holds an output for every source under src/ (commands, modules, worker entries, viewer files)', () => {
    const inputs = listInputs();
    expect(inputs).toContain(join('cli', 'commands.ts'));
    expect(inputs).toContain(join('service', 'jobs', 'pipeline-worker.ts'));
    expect(inputs).toContain(join('service', 'viewer', 'viewer.html'));
    expect(inputs.some((f) => f.endsWith('.test.ts'))).toBe(false);
    const missing = inputs.filter((rel) => !existsSync(join(DIST_DIR, outputOf(rel))));
    expect(missing).toEqual([]);
  });
});

describe('scripts/build.mjs on a scratch source tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'gct-build-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts', 'build.mjs'), join(root, 'scripts', 'build.mjs'));
  // esbuild from this checkout; zod (a package the command's bundle compiles in) as a stand-in whose manifest
  // the last test edits.
  mkdirSync(join(root, 'node_modules', 'zod'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules', 'esbuild'), join(root, 'node_modules', 'esbuild'), 'dir');
  writeFileSync(join(root, 'node_modules', 'zod', 'package.json'), '{ "name": "zod", "version": "4.0.0", "type": "module" }\n');
  const put = (rel: string, text: string) => {
    mkdirSync(join(root, 'src', rel, '..'), { recursive: true });
    writeFileSync(join(root, 'src', rel), text);
  };
  const build = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...args], { encoding: 'utf8' });
  const run = (rel: string) => execFileSync(process.execPath, [join(root, 'dist', rel)], { encoding: 'utf8' });

  it('compiles every .ts (not tests) with .ts imports rewritten, copies other files, and the result runs under plain node', () => {
    put('main.ts', "import type { Thing } from './types.ts';\nimport { twice } from './lib/twice.ts';\nconst t: Thing = { n: 21 };\nconst { greet } = await import('./lib/greet.ts');\nconsole.log(greet(String(twice(t.n))));\n");
    put('types.ts', 'export interface Thing { n: number }\n');
    put('lib/twice.ts', 'export const twice = (n: number): number => 2 * n;\n');
    put('lib/greet.ts', 'export function greet(who: string): string { return `hello ${who}`; }\n');
    put('lib/twice.test.ts', 'throw new Error("tests are not built");\n');
    put('page/view.html', '<p>viewer</p>\n');
    expect(build('--check').status).toBe(1);
    expect(build().status).toBe(0);
    expect(run('main.js').trim()).toBe('hello 42');
    expect(readFileSync(join(root, 'dist', 'page', 'view.html'), 'utf8')).toBe('<p>viewer</p>\n');
    expect(existsSync(join(root, 'dist', 'lib', 'twice.test.js'))).toBe(false);
    expect(readFileSync(join(root, 'dist', 'main.js'), 'utf8')).toContain('./lib/twice.js');
    expect(build('--check').status).toBe(0);
  });

  it('a new file, an edited file and a deleted file each make dist/ stale until the next build', () => {
    put('lib/new-command.ts', 'export const added = true;\n');
    expect(build('--check').status).toBe(1);
    expect(build().status).toBe(0);
    expect(existsSync(join(root, 'dist', 'lib', 'new-command.js'))).toBe(true);

    // An edit of the same size dated in the past (a copy that keeps the old file's times): its size:mtime no
    // longer matches the build's record, and the content hash finds the change.
    const file = join(root, 'src', 'lib', 'twice.ts');
    writeFileSync(file, 'export const twice = (n: number): number => n + n;\n');
    utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(build('--check').status).toBe(1);
    expect(build().status).toBe(0);
    expect(run('main.js').trim()).toBe('hello 42');

    rmSync(join(root, 'src', 'lib', 'new-command.ts'));
    expect(build('--check').status).toBe(1);
    expect(build().status).toBe(0);
    expect(existsSync(join(root, 'dist', 'lib', 'new-command.js'))).toBe(false);
  });

  it('an upgraded bundled package (its package.json) makes dist/ stale, as a source edit does', () => {
    expect(build().status).toBe(0);
    expect(build('--check').status).toBe(0);
    const manifest = join(root, 'node_modules', 'zod', 'package.json');
    writeFileSync(manifest, '{ "name": "zod", "version": "4.0.1", "type": "module" }\n');
    utimesSync(manifest, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(build('--check').status).toBe(1);
    expect(build().status).toBe(0);
    expect(build('--check').status).toBe(0);
  });

  it('a source that does not parse fails the build with its location and leaves dist/ stale', () => {
    put('broken.ts', 'export const = ;\n');
    const r = build();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('broken.ts');
    expect(build('--check').status).toBe(1);
    rmSync(join(root, 'src', 'broken.ts'));
  });
});
