/**
 * What each command loads at start (the speed goals of `groundct --help`, `info` and `measure` rest on it): the
 * built command (dist/) runs with a resolve hook that records every import (test/helpers/trace-imports.mjs).
 * Counting modules, not timing them, keeps the check exact on a loaded machine; the times are in
 * eval/results/cli-speed.md.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { groundct, runGroundct } from '../helpers/cli.ts';
import { dataPath, HAS_SHARED_DATA, REPO_ROOT } from '../helpers/data.ts';

const dir = mkdtempSync(join(tmpdir(), 'gct-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Libraries no command but the one that wraps them may load. */
const HEAVY = ['onnxruntime-node', '@huggingface/transformers', '@langchain/core', 'fastify', 'better-sqlite3', 'hnswlib-node', 'dcmjs', 'tsx', 'esbuild'];

let traceCount = 0;
/** Runs the built command with the import trace; returns the npm packages and the dist/ modules it loaded. */
async function traced(...args: string[]): Promise<{ code: number; packages: Set<string>; modules: string[]; stderr: string }> {
  const trace = join(dir, `trace-${traceCount++}.txt`);
  const r = await runGroundct(args, { nodeArgs: ['--import', join(REPO_ROOT, 'test/helpers/trace-imports.mjs')], env: { GROUNDCT_TRACE_IMPORTS: trace } });
  let urls: string[] = [];
  try {
    urls = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  } catch {
    /* nothing imported */
  }
  const packages = new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []));
  const modules = [...new Set(urls.flatMap(distModulesOf))].sort();
  return { code: r.code, packages, modules, stderr: r.stderr };
}

/**
 * The dist/ modules a loaded file stands for: itself (dist/<stage>/x.js), or, for a file of the bundle
 * (dist/bundle/, scripts/build.mjs), every source module esbuild put in it, named by its `// src/<path>.ts` line.
 */
function distModulesOf(url: string): string[] {
  const bundled = /\/dist\/bundle\/[^/]+\.js$/.exec(url);
  if (bundled) return [...readFileSync(new URL(url), 'utf8').matchAll(/^\/\/ src\/(.+)\.ts$/gm)].map((m) => `${m[1]}.js`);
  const own = /\/dist\/(.+)$/.exec(url)?.[1];
  return own ? [own] : [];
}

describe('start-up: each command loads only what it uses', () => {
  it('groundct --help reads the command table alone: no npm package, three modules', async () => {
    const r = await traced('--help');
    expect(r.code).toBe(0);
    expect([...r.packages]).toEqual([]);
    expect(r.modules).toEqual(['cli/commands.js', 'cli/main.js', 'errors.js']);
  });

  it('every command of the table loads from dist/ and prints its usage', async () => {
    const names = Object.keys(COMMANDS);
    const results = await Promise.all(names.map((name) => groundct(name, '--help')));
    results.forEach((r, n) => {
      expect(r.code, `${names[n]}: ${r.stderr}`).toBe(0);
      expect(r.stdout, names[n]).toContain(`groundct ${names[n]}`);
    });
  });

  it.skipIf(!HAS_SHARED_DATA)('groundct info loads none of the heavy libraries', async () => {
    const r = await traced('info', dataPath('totalseg/example_ct.nii.gz'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(HEAVY.filter((p) => r.packages.has(p))).toEqual([]);
    expect(r.modules.filter((m) => /^(segment|report|ground|findings|service|interop)\//.test(m))).toEqual([]);
  });

  it.skipIf(!HAS_SHARED_DATA)('groundct measure --format totalseg-statistics loads no later stage and no heavy library', async () => {
    const D = (p: string) => dataPath('totalseg', p);
    const r = await traced('measure', D('example_ct_sm.nii.gz'), '--masks', D('example_seg_fast.nii.gz'), '--label-map', D('label_map_total_v2.json'), '--format', 'totalseg-statistics', '--out', join(dir, 'statistics.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(HEAVY.filter((p) => r.packages.has(p))).toEqual([]);
    expect(r.modules.filter((m) => /^(segment|report|ground|findings|knowledge|service|interop)\//.test(m))).toEqual([]);
  });

  it.skipIf(!HAS_SHARED_DATA)('groundct report with masks loads the retrieval index but no model runtime, LangChain, server or DICOM writer', async () => {
    const D = (p: string) => dataPath('totalseg', p);
    const r = await traced('report', D('example_ct_sm.nii.gz'), '--masks', D('example_seg_fast'), '--out', join(dir, 'report'), '--progress');
    expect(r.code, r.stderr).toBe(0);
    // --progress: plain progress lines on stderr although it is a pipe, one per stage, ending with the total.
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^groundct report: read +0 % +\d+\.\d s elapsed$/);
    expect(lines.some((l) => /^groundct report: measure +40 %/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^groundct report: done in \d+\.\d s$/);
    expect(r.packages.has('hnswlib-node')).toBe(true);
    expect(HEAVY.filter((p) => p !== 'hnswlib-node' && r.packages.has(p))).toEqual([]);
  });
});

describe('the built service', () => {
  it('runs a job in a worker thread started from the compiled worker (no tsx)', async () => {
    const data = join(dir, 'serve-data');
    const trace = join(dir, 'serve-trace.txt');
    const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'test/helpers/trace-imports.mjs'), join(REPO_ROOT, 'bin/groundct.js'), 'serve', '--port', '0', '--data', data, '--preload-demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, GROUNDCT_TRACE_IMPORTS: trace },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      const started = Date.now();
      while (!/demo study \S+ queued \(job (\S+)\)/.test(out)) {
        if (Date.now() - started > 60_000 || child.exitCode !== null) throw new Error(`serve did not queue the demo study:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /listening on (\S+)/.exec(out)![1];
      const token = /API token[^:]*: (\S+)/.exec(out)![1];
      const jobId = /queued \(job (\S+)\)/.exec(out)![1];
      let state = '';
      while (state !== 'done' && state !== 'failed') {
        if (Date.now() - started > 60_000) throw new Error(`job ${jobId} still ${state}`);
        await new Promise((r) => setTimeout(r, 200));
        state = ((await (await fetch(`${url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { state: string }).state;
      }
      expect(state).toBe('done');
      const urls = readFileSync(trace, 'utf8');
      // The command runs from the bundle (dist/bundle/); a job's worker thread, which the trace does not follow,
      // can only have run the compiled dist/service/jobs/pipeline-worker.js: nothing loaded tsx to run sources.
      expect(urls).toContain('/dist/bundle/main.js');
      expect(urls).not.toContain('node_modules/tsx');
      expect(urls).not.toContain('/src/');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('how npx finds the command', () => {
  // npx runs a command found in node_modules/.bin directly; a root package's own `bin` of that name would send it
  // through its npx cache instead, reading the whole dependency tree on every call (~0.2 s; README, 'Two commands').
  it('npm ci links `groundct` into node_modules/.bin from the packages/cli workspace, and the root declares no bin', () => {
    const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin?: unknown; workspaces?: string[] };
    expect(rootManifest.bin).toBeUndefined();
    expect(rootManifest.workspaces).toContain('packages/cli');
    expect(realpathSync(join(REPO_ROOT, 'node_modules', '.bin', 'groundct'))).toBe(realpathSync(join(REPO_ROOT, 'packages', 'cli', 'groundct.js')));
  });

  it('`npx groundct --help` runs the built command', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--offline', 'groundct', '--help'], { cwd: REPO_ROOT, env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(stdout).toMatch(/^groundct — CT to grounded draft radiology report/);
    expect(stdout).toContain('Usage: groundct <command>');
  });
});
