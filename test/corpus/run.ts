/**
 * Runs the malformed-input corpus (generate.ts) through `groundct info`, `measure` and `report` and judges each
 * run: the outcome the case lists (a correct result, or one of its coded errors), no stack trace and no
 * GCT_INTERNAL, no hang (a per-run timeout is a failure), no partial output (the run's folder afterwards holds
 * exactly what it held before, plus the outputs on success, and never a temporary name), and for the cases
 * where memory is the point, peak RSS within the stated bound (README, "Limits"), measured in a fresh process.
 *
 * Speed: most runs go to a small pool of long-lived child processes (child.ts) that run the CLI in-process; only
 * the memory cases get a fresh process each. When this process is root, the children drop to `nobody` so that
 * permission cases mean something (root reads any file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERRORS, type ErrorCode } from '../../src/errors.ts';
import { REPO_ROOT } from '../helpers/data.ts';
import type { ChildReply } from './child.ts';
import type { Command, Corpus, CorpusCase, Outcome, OutputOddity } from './generate.ts';

export interface RunOptions {
  readonly commands?: readonly Command[];
  /** Long-lived children running inputs in parallel. */
  readonly workers?: number;
  /** Per run; a run that takes longer is killed and counts as a failure. */
  readonly timeoutMs?: number;
  /**
   * Which runs of the cases marked `memory` get a fresh process with peak RSS: 'first' the first command only
   * (a bomb fails the same way under every command) unless the case asks for all, 'all' every command.
   */
  readonly memoryRuns?: 'first' | 'all';
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  readonly caseId: string;
  readonly command: Command;
  /** 'ok', the error code, 'timeout', 'crash' or 'unparsed'. */
  readonly outcome: string;
  readonly pass: boolean;
  readonly problems: readonly string[];
  readonly ms: number;
  readonly maxRssMb?: number;
  readonly rssBoundMb?: number;
}

/** Drops to nobody when root, so that unreadable files are unreadable. */
const RUN_AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
export const RUNS_AS_NON_ROOT = RUN_AS !== undefined || process.getuid?.() !== 0;

/**
 * The stated memory bound of one command (README, "Limits"): peak RSS <= BASE_RSS_MB + RSS_PER_DECLARED_BYTE x the
 * decompressed bytes the inputs' headers declare. The base is a Node process with the whole CLI loaded; the
 * factor covers the CT and masks in memory, their decompression buffers and the measure/report working arrays
 * (measured: eval/results/robustness-corpus.md). A refused bomb may only cost the base.
 */
export const BASE_RSS_MB = 450;
export const RSS_PER_DECLARED_BYTE = 4;
export function rssBoundMb(declaredBytes: number): number {
  return BASE_RSS_MB + (RSS_PER_DECLARED_BYTE * declaredBytes) / (1024 * 1024);
}

function expectationOf(c: CorpusCase, command: Command): Outcome {
  return typeof c.expect === 'string' || Array.isArray(c.expect) ? (c.expect as Outcome) : (c.expect as Record<Command, Outcome>)[command];
}

interface Job {
  readonly c: CorpusCase;
  readonly command: Command;
  readonly runDir: string;
  readonly argv: string[];
  /** Outputs a successful run writes (relative to runDir). */
  readonly outputs: readonly string[];
  readonly fresh: boolean;
}

async function arrangeOddity(runDir: string, flag: 'out' | 'dicom', oddity: OutputOddity | undefined, fresh: string): Promise<string> {
  switch (oddity) {
    case undefined:
      return join(runDir, fresh);
    case 'existing-file':
      await writeFile(join(runDir, fresh), 'a file that was here before');
      return join(runDir, fresh);
    case 'nonempty-folder':
      await mkdir(join(runDir, fresh));
      await writeFile(join(runDir, fresh, 'keep.txt'), 'kept');
      return join(runDir, fresh);
    case 'under-a-file':
      await writeFile(join(runDir, `${flag}-file`), 'x');
      return join(runDir, `${flag}-file`, fresh);
    case 'unwritable-folder':
      await mkdir(join(runDir, `${flag}-locked`));
      return join(runDir, `${flag}-locked`, fresh);
  }
}

async function prepare(corpus: Corpus, c: CorpusCase, command: Command, n: number, fresh: boolean): Promise<Job> {
  const runDir = join(corpus.dir, 'runs', `${String(n).padStart(4, '0')}-${command}`);
  await mkdir(runDir, { recursive: true });
  const ctl = corpus.control;
  const ct = c.role === 'ct' ? c.path : ctl.ct;
  const masksPath = c.role === 'masks' ? c.path : c.masks?.path ?? ctl.masks;
  const labelMap = c.role === 'labelmap' ? c.path : c.role === 'masks' ? undefined : c.masks ? c.masks.labelMap : ctl.labelMap;
  const masksArgs = ['--masks', masksPath, ...(labelMap ? ['--label-map', labelMap] : [])];
  let argv: string[];
  let outputs: string[] = [];
  if (command === 'info') {
    argv = c.role === 'ct' ? ['info', ct, '--json'] : c.role === 'masks' ? ['info', c.path, '--masks', '--json'] : ['info', ctl.masks, '--label-map', c.path, '--json'];
  } else if (command === 'measure') {
    const out = await arrangeOddity(runDir, 'out', c.outputs?.out, 'measurements.json');
    argv = ['measure', ct, ...masksArgs, '--out', out];
    outputs = ['measurements.json'];
  } else {
    const out = await arrangeOddity(runDir, 'out', c.outputs?.out, 'report');
    const dicom = await arrangeOddity(runDir, 'dicom', c.outputs?.dicom, 'dicom');
    argv = ['report', ct, ...masksArgs, '--out', out, '--dicom', dicom, '--fhir'];
    outputs = ['report', 'report/report.json', 'report/report.md', 'report/findings.json', 'report/measurements.json', 'report/fhir.json', 'dicom', 'dicom/seg.dcm', 'dicom/sr.dcm'];
  }
  if (RUN_AS) await chownTree(runDir);
  for (const locked of ['out-locked', 'dicom-locked']) await chmod(join(runDir, locked), 0o555).catch(() => undefined);
  return { c, command, runDir, argv, outputs, fresh };
}

async function chownTree(dir: string): Promise<void> {
  await chown(dir, RUN_AS!.uid, RUN_AS!.gid);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) await chownTree(join(dir, e.name));
    else await chown(join(dir, e.name), RUN_AS!.uid, RUN_AS!.gid);
  }
}

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String).sort();
}

// ---- the children -----------------------------------------------------------------------------------------

class Child {
  private proc!: ChildProcess;
  private ready!: Promise<void>;
  private pending?: { id: number; resolve: (r: ChildReply | 'crash') => void };
  private nextId = 0;

  constructor(private readonly dataDir: string) {
    this.start();
  }

  private start(): void {
    this.proc = spawn(process.execPath, [join(REPO_ROOT, 'test', 'corpus', 'child-bootstrap.mjs')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: { ...process.env, GROUNDCT_DATA_DIR: this.dataDir, HOME: '/tmp', GROUNDCT_SERVICE__LOG_LEVEL: 'silent' },
      ...(RUN_AS ?? {}),
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m?.ready) {
          this.proc.off('message', onMessage);
          resolve();
        }
      };
      this.proc.on('message', onMessage);
      this.proc.once('exit', () => reject(new Error('corpus child exited before it was ready')));
    });
    this.ready.catch(() => undefined); // handled in run(): a child that dies while starting is a crash of that run
    this.proc.on('message', (m: ChildReply) => {
      if (this.pending && m.id === this.pending.id) {
        const p = this.pending;
        this.pending = undefined;
        p.resolve(m);
      }
    });
    this.proc.on('exit', () => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve('crash');
    });
  }

  async run(argv: readonly string[], timeoutMs: number): Promise<ChildReply | 'timeout' | 'crash'> {
    try {
      await this.ready;
    } catch {
      this.start();
      return 'crash';
    }
    const id = ++this.nextId;
    const reply = new Promise<ChildReply | 'crash'>((resolve) => (this.pending = { id, resolve }));
    this.proc.send({ id, argv });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([reply, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (outcome === 'timeout' || outcome === 'crash') {
      this.pending = undefined;
      this.proc.kill('SIGKILL');
      await new Promise((r) => (this.proc.exitCode !== null || this.proc.signalCode !== null ? r(undefined) : this.proc.once('exit', r)));
      this.start();
    }
    return outcome;
  }

  close(): void {
    this.proc.kill('SIGKILL');
  }
}

/** One command in a fresh process (the memory cases): the child answers once and exits. */
export async function runFresh(argv: readonly string[], dataDir: string, timeoutMs: number): Promise<ChildReply | 'timeout' | 'crash'> {
  const child = new Child(dataDir);
  try {
    return await child.run(argv, timeoutMs);
  } finally {
    child.close();
  }
}

// ---- judging ----------------------------------------------------------------------------------------------

const CODE_LINE = /^groundct \w+: (GCT_[A-Z0-9_]+): /m;
const STACK_LINE = /^\s+at .+[:(]\d+:\d+\)?$/m;

async function judge(job: Job, before: readonly string[], reply: ChildReply | 'timeout' | 'crash', corpus: Corpus): Promise<RunResult> {
  const { c, command } = job;
  const base = { caseId: c.id, command };
  if (reply === 'timeout' || reply === 'crash') return { ...base, outcome: reply, pass: false, problems: [reply === 'timeout' ? 'no answer within the per-run timeout (a hang)' : 'the process died'], ms: NaN };
  const problems: string[] = [];
  const code = CODE_LINE.exec(reply.stderr)?.[1];
  const outcome = reply.code === 0 ? 'ok' : code ?? 'unparsed';
  if (STACK_LINE.test(reply.stderr)) problems.push('stack trace on stderr');
  if (outcome === 'GCT_INTERNAL' || reply.code === 70 || reply.code === 99) problems.push('internal error');
  if (reply.code !== 0 && !code) problems.push(`exit ${reply.code} without a coded error: ${reply.stderr.slice(0, 200)}`);
  if (code && !(code in ERRORS)) problems.push(`${code} is not in the catalogue`);
  const expected = expectationOf(c, command);
  if (expected === 'ok' ? outcome !== 'ok' : !(expected as readonly ErrorCode[]).includes(outcome as ErrorCode))
    problems.push(`expected ${expected === 'ok' ? 'ok' : (expected as readonly string[]).join(' | ')}, got ${outcome}${outcome !== 'ok' ? `: ${reply.stderr.split('\n')[0].slice(0, 240)}` : ''}`);

  const after = await listTree(job.runDir);
  if (after.some((p) => /(^|\/)\.tmp-|\.tmp-/.test(p))) problems.push(`temporary files left: ${after.filter((p) => p.includes('.tmp-')).join(', ')}`);
  const expectedAfter = outcome === 'ok' ? [...new Set([...before, ...job.outputs])].sort() : [...before];
  const extra = after.filter((p) => !expectedAfter.includes(p));
  if (outcome !== 'ok' && extra.length > 0) problems.push(`partial output after a failure: ${extra.join(', ')}`);
  if (outcome === 'ok') {
    const missing = job.outputs.filter((p) => !after.includes(p));
    if (missing.length > 0) problems.push(`outputs missing: ${missing.join(', ')}`);
    if (c.controlTruth) problems.push(...(await truthProblems(job, reply.stdout, corpus)));
  }
  let maxRssMb: number | undefined;
  let rssBound: number | undefined;
  if (job.fresh) {
    maxRssMb = reply.maxRssKb / 1024;
    if (c.memory) {
      rssBound = rssBoundMb(c.memory.declaredBytes);
      if (maxRssMb > rssBound) problems.push(`peak RSS ${maxRssMb.toFixed(0)} MiB over the bound ${rssBound.toFixed(0)} MiB`);
    }
  }
  return { ...base, outcome, pass: problems.length === 0, problems, ms: reply.ms, ...(maxRssMb !== undefined ? { maxRssMb } : {}), ...(rssBound !== undefined ? { rssBoundMb: rssBound } : {}) };
}

/** An ok run of the control study must reproduce its truth: dims and HU range, per-label voxels and mean HU. */
async function truthProblems(job: Job, stdout: string, corpus: Corpus): Promise<string[]> {
  const truth = corpus.control;
  const wanted = Object.values(truth.labels);
  const problems: string[] = [];
  const labelsMatch = (found: { voxelCount: number; mean?: number | null }[]) => {
    for (const t of wanted) {
      const hit = found.find((f) => f.voxelCount === t.voxelCount && (f.mean === undefined || Math.abs((f.mean ?? NaN) - t.meanHu) < 1e-6));
      if (!hit) problems.push(`no label with ${t.voxelCount} voxels${found[0]?.mean !== undefined ? ` and mean ${t.meanHu.toFixed(4)} HU` : ''} (got ${JSON.stringify(found.slice(0, 4))})`);
    }
  };
  try {
    if (job.command === 'info') {
      const d = JSON.parse(stdout) as { kind: string; dims: number[]; valueRange?: { min: number; max: number }; labels?: { voxelCount: number }[] };
      if (JSON.stringify(d.dims) !== JSON.stringify(truth.dims)) problems.push(`dims ${d.dims} != ${truth.dims}`);
      if (job.c.role === 'ct' && (d.valueRange?.min !== truth.huRange[0] || d.valueRange?.max !== truth.huRange[1])) problems.push(`value range ${JSON.stringify(d.valueRange)} != ${truth.huRange}`);
      if (job.c.role !== 'ct') labelsMatch((d.labels ?? []).map((l) => ({ voxelCount: l.voxelCount })));
    } else {
      const file = job.command === 'measure' ? join(job.runDir, 'measurements.json') : join(job.runDir, 'report', 'measurements.json');
      const m = JSON.parse(await readFile(file, 'utf8')) as { structures: { voxelCount: number; huMean: number | null }[] };
      labelsMatch(m.structures.filter((s) => s.voxelCount > 0).map((s) => ({ voxelCount: s.voxelCount, mean: s.huMean })));
    }
  } catch (e) {
    problems.push(`output unreadable: ${(e as Error).message}`);
  }
  return problems;
}

// ---- the run ----------------------------------------------------------------------------------------------

export async function runCorpus(corpus: Corpus, options: RunOptions = {}): Promise<RunResult[]> {
  const commands = options.commands ?? ['info', 'measure', 'report'];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const workers = options.workers ?? 2;
  const cases = corpus.cases.filter((c) => RUNS_AS_NON_ROOT || !c.needsNonRoot);
  // mkdtemp makes the corpus folder private to its owner; the children (nobody, when we are root) must enter it.
  if (RUN_AS) await chmod(corpus.dir, 0o755);
  const dataDir = (n: number) => join(corpus.dir, `data-${n}`);
  for (let n = 0; n < workers; n++) {
    await mkdir(dataDir(n), { recursive: true });
    if (RUN_AS) await chown(dataDir(n), RUN_AS.uid, RUN_AS.gid);
  }
  const jobs: Job[] = [];
  let n = 0;
  for (const c of cases)
    for (const command of commands) {
      const fresh = c.memory !== undefined && (options.memoryRuns === 'all' || c.memory.allCommands === true || command === commands[0]);
      jobs.push(await prepare(corpus, c, command, n++, fresh));
    }
  const total = jobs.length;
  const results: RunResult[] = [];
  const record = (r: RunResult) => {
    results.push(r);
    options.onProgress?.(results.length, total);
  };

  // Fresh-process runs first, `workers` at a time (each process's peak RSS is its own), then the pool.
  const freshQueue = jobs.filter((j) => j.fresh);
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let job = freshQueue.shift(); job; job = freshQueue.shift()) {
        const before = await listTree(job.runDir);
        record(await judge(job, before, await runFresh(job.argv, dataDir(w), timeoutMs), corpus));
      }
    }),
  );
  const queue = jobs.filter((j) => !j.fresh);
  const children = Array.from({ length: workers }, (_, w) => new Child(dataDir(w)));
  try {
    await Promise.all(
      children.map(async (child) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const before = await listTree(job.runDir);
          record(await judge(job, before, await child.run(job.argv, timeoutMs), corpus));
        }
      }),
    );
  } finally {
    for (const child of children) child.close();
  }
  return results.sort((a, b) => a.caseId.localeCompare(b.caseId) || a.command.localeCompare(b.command));
}

/** The results as a Markdown table (one row per case, one column per command) with a summary. */
export function resultsTable(results: readonly RunResult[], cases: readonly CorpusCase[]): string {
  const byCase = new Map<string, RunResult[]>();
  for (const r of results) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
  const commands = [...new Set(results.map((r) => r.command))];
  const cell = (r: RunResult | undefined) =>
    !r ? '-' : `${r.pass ? '' : '**FAIL** '}${r.outcome === 'ok' ? 'ok' : r.outcome.replace(/^GCT_/, '')} ${Number.isFinite(r.ms) ? `${Math.round(r.ms)} ms` : ''}${r.maxRssMb !== undefined ? `, ${Math.round(r.maxRssMb)} MiB${r.rssBoundMb !== undefined ? ` (bound ${Math.round(r.rssBoundMb)})` : ''}` : ''}${r.pass ? '' : ` (${r.problems.join('; ').replace(/\|/g, '/').slice(0, 200)})`}`;
  const lines = [`| input | role | ${commands.join(' | ')} |`, `|---|---|${commands.map(() => '---').join('|')}|`];
  for (const c of cases) {
    const rs = byCase.get(c.id);
    if (!rs) continue;
    lines.push(`| ${c.id} | ${c.role} | ${commands.map((cmd) => cell(rs.find((r) => r.command === cmd))).join(' | ')} |`);
  }
  return lines.join('\n');
}
