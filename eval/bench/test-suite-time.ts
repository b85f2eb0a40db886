/**
 * Wall time of the test suite before and after a change, back to back on one machine:
 *
 *   npx tsx eval/bench/test-suite-time.ts --before <commit> [--out test-suite-time]
 *
 * Runs, one after the other: (1) `npx vitest run` of the <commit> checkout (extracted with `git archive` into
 * eval/bench/.cache/, this checkout's node_modules linked in); (2) `npx vitest run` here, restricted to the test
 * files <commit> had (the same test set: every check of before, none added); (3) the whole suite here. Each run's
 * wall time (and the counts of files, tests, passes and failures from vitest's JSON report) go to
 * eval/results/<out>.md and .json, with `uptime` before and after each run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE } from './synthetic-abdomen.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const SHARED = resolve(REPO, process.env.GROUNDCT_TEST_DATA ?? '../shared/data');

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** Test files of a checkout, as vitest's include patterns find them. */
function testFiles(root: string): string[] {
  const out = execFileSync('find', ['src', 'test', '-name', '*.test.ts'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

interface SuiteRun {
  readonly what: string;
  readonly wallS: number;
  readonly files: number;
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly uptimeBefore: string;
  readonly uptimeAfter: string;
}

function runSuite(what: string, cwd: string, files: readonly string[]): SuiteRun {
  const report = join(mkdtempSync(join(tmpdir(), 'gct-suite-')), 'report.json');
  const uptimeBefore = uptime();
  console.log(`${what}: ${uptimeBefore}`);
  const started = performance.now();
  const r = spawnSync('npx', ['vitest', 'run', ...files, '--reporter=json', `--outputFile=${report}`], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, GROUNDCT_TEST_DATA: SHARED },
  });
  const wallS = (performance.now() - started) / 1000;
  const uptimeAfter = uptime();
  if (!existsSync(report)) throw new Error(`${what}: vitest wrote no report (exit ${r.status})\n${r.stderr.slice(-3000)}`);
  const j = JSON.parse(readFileSync(report, 'utf8')) as { testResults: unknown[]; numTotalTests: number; numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  const run = { what, wallS, files: j.testResults.length, tests: j.numTotalTests, passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, uptimeBefore, uptimeAfter };
  console.log(`${what}: ${wallS.toFixed(1)} s, ${run.files} files, ${run.tests} tests, ${run.failed} failed`);
  return run;
}

function main(): void {
  const before = arg('--before');
  if (!before) throw new Error('give --before <commit>');
  const name = arg('--out', 'test-suite-time')!;
  const sha = execFileSync('git', ['rev-parse', before], { cwd: REPO, encoding: 'utf8' }).trim();
  const dir = join(CACHE, `commit-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], { cwd: REPO });
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  }
  const beforeFiles = testFiles(dir);
  const sameSet = beforeFiles.filter((f) => existsSync(join(REPO, f)));
  const runs = [
    runSuite(`before (${before}): its whole suite`, dir, []),
    runSuite(`after (${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim()}): the test files ${before} had`, REPO, sameSet),
    runSuite('after: the whole suite', REPO, []),
  ];
  const result = {
    date: new Date().toISOString(),
    command: `npx tsx eval/bench/test-suite-time.ts --before ${before}`,
    machine: { cpus: cpus().length, node: process.version },
    beforeFiles: beforeFiles.length,
    sameSetFiles: sameSet.length,
    missingInAfter: beforeFiles.filter((f) => !sameSet.includes(f)),
    runs,
    sameSetRatio: runs[1].wallS / runs[0].wallS,
  };
  mkdirSync(join(REPO, 'eval/results'), { recursive: true });
  writeFileSync(join(REPO, `eval/results/${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = `# Test suite wall time, before and after

Date: ${result.date}
Command: \`${result.command}\` (runs back to back; ${relative(REPO, dir)} holds the ${before} checkout)
Machine: ${result.machine.cpus} CPUs, Node ${result.machine.node}. A shared machine: each run's load is in its uptime lines.

| run | wall (s) | files | tests | passed | failed | skipped | uptime before | uptime after |
|---|---|---|---|---|---|---|---|---|
${runs.map((r) => `| ${r.what} | ${r.wallS.toFixed(1)} | ${r.files} | ${r.tests} | ${r.passed} | ${r.failed} | ${r.skipped} | \`${r.uptimeBefore}\` | \`${r.uptimeAfter}\` |`).join('\n')}

Same test set (the ${sameSet.length} test files ${before} had${result.missingInAfter.length ? `; gone since: ${result.missingInAfter.join(', ')}` : ''}): after / before = ${result.sameSetRatio.toFixed(2)}
(goal: at most 0.67, a third less).
`;
  writeFileSync(join(REPO, `eval/results/${name}.md`), md);
  console.log(md);
}

main();
