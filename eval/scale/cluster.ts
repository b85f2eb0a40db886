/**
 * A groundct cluster on this machine, for the scale test, the crash soak and the worker-throughput benchmark
 * (issue 18; crash soak from issue 15): `groundct serve` processes in roles api / worker / all on one storage
 * (a fresh PostgreSQL database + shared blobs folder, or the embedded SQLite data directory), small phantom
 * studies uploaded concurrently through the API processes (round robin, as a load balancer would; a request
 * refused by a killed process is retried on another), kill -9 of random processes at random moments (seeded),
 * each restarted after a short delay as a supervisor would. Loopback only; every loop is bounded in count and
 * time and stops by itself.
 *
 * At the end every process is stopped with SIGTERM and the run is checked from the database, the process logs
 * and the blobs folder: every accepted study is done or failed with a coded reason (none lost, none left queued
 * or running), no job was completed twice ('job done' log lines per job), and after the sweep of leftovers of
 * killed uploads, study folders and study rows match, every artifact row names a file, and no temporary file
 * or unrecorded artifact is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { abdomenPreset, generateStudy, mulberry32, writeStudy } from '../../src/phantom/index.ts';
import { createApiToken, multipartBody, openStorage, type JobRecord } from '../../src/service/index.ts';

export type Role = 'api' | 'worker' | 'all';

export interface ClusterOptions {
  readonly backend: 'sqlite' | 'postgres';
  /** Server URL on which a fresh database is created (and dropped at the end). */
  readonly pgAdminUrl?: string;
  readonly processes: Readonly<Record<Role, number>>;
  readonly kills: Readonly<Record<Role, number>>;
  readonly studies: number;
  /** Uploads in flight at once. */
  readonly concurrency: number;
  /** Random pause between two kills, ms [min, max]. */
  readonly killEveryMs: readonly [number, number];
  /** Random delay before a killed process is started again, ms [min, max]. */
  readonly restartAfterMs: readonly [number, number];
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly seed: number;
  /** The whole run is abandoned after this long, ms. */
  readonly timeoutMs: number;
  /** Voxel size of the phantom, mm (6 mm: about 0.5 s of pipeline per study). */
  readonly spacingMm?: number;
  readonly log?: (line: string) => void;
}

export interface ClusterResult {
  readonly options: Omit<ClusterOptions, 'log'>;
  readonly wallS: number;
  readonly uploads: { accepted: number; refusedByKilledProcess: number; failed: number; unknownToClient: number };
  readonly killed: Record<Role, number>;
  readonly jobs: { done: number; failed: number; queued: number; running: number; failedByCode: Record<string, number>; attemptsHistogram: Record<string, number> };
  readonly lost: number;
  readonly completedTwice: number;
  readonly resultsDiscardedLeaseLost: number;
  readonly orphans: { sweptLeftovers: number; foldersWithoutRow: number; rowsWithoutFolder: number; missingArtifactFiles: number; tempFiles: number; unrecordedFiles: number };
  readonly timings: { runP50S: number; runP95S: number; queueWaitP50S: number; queueWaitP95S: number; jobsPerMinute: number };
  readonly cpu: { workerCpuS: number; cpuPerDoneJobS: number; apiCpuS: number };
  readonly ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** user + system CPU seconds of a live process (Linux /proc). */
function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface Member {
  readonly role: Role;
  readonly index: number;
  generation: number;
  child?: ChildProcess;
  url?: string;
  cpuS: number;
  restarting: boolean;
}

const REPO = resolve(new URL('../..', import.meta.url).pathname);

export async function runCluster(options: ClusterOptions): Promise<ClusterResult> {
  const log = options.log ?? (() => undefined);
  // Seeded, so that a run's kill schedule can be repeated.
  const prng = mulberry32(options.seed);
  const random = () => prng.next();
  const between = ([lo, hi]: readonly [number, number]) => lo + random() * (hi - lo);
  const work = await mkdtemp(join(tmpdir(), 'gct-cluster-'));
  const logsDir = join(work, 'logs');
  await mkdir(logsDir);
  let database: string | undefined;
  let storageUrl: string | undefined;
  if (options.backend === 'postgres') {
    database = `gct_cluster_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const u = new URL(options.pgAdminUrl!);
    u.pathname = `/${database}`;
    storageUrl = u.toString();
  }
  const envFor = (m: Member): NodeJS.ProcessEnv => ({
    ...process.env,
    GROUNDCT_DATA_DIR: options.backend === 'sqlite' ? join(work, 'data') : join(work, `local-${m.role}-${m.index}`),
    ...(storageUrl ? { GROUNDCT_STORAGE__URL: storageUrl, GROUNDCT_STORAGE__BLOBS_DIR: join(work, 'blobs') } : {}),
    GROUNDCT_SERVICE__LOG_LEVEL: 'info',
    GROUNDCT_SERVICE__JOBS__LEASE_MS: String(options.leaseMs),
    GROUNDCT_SERVICE__JOBS__POLL_INTERVAL_MS: String(options.pollIntervalMs),
    GROUNDCT_SERVICE__JOBS__SHUTDOWN_GRACE_MS: '0',
    GROUNDCT_SERVICE__QUOTAS__MAX_ACTIVE_JOBS_PER_OWNER: String(options.studies * 2 + 10),
    GROUNDCT_SERVICE__VIEWER: 'false',
  });
  const config: Config = loadConfig({ env: envFor({ role: 'all', index: 0, generation: 0, cpuS: 0, restarting: false }) });

  // The token, made before any server starts (the storage is migrated here first).
  const setup = await openStorage(config);
  const { token } = await createApiToken(setup.meta, 'scale');
  await setup.close();

  // One small phantom, uploaded as many times as there are studies.
  const phantomDir = join(work, 'phantom');
  const spacing = options.spacingMm ?? 6;
  const study = generateStudy(abdomenPreset({ spacingMm: [spacing, spacing, spacing] }));
  await writeStudy(study, phantomDir, { formats: ['nifti'] });
  const file = (n: string) => readFile(join(phantomDir, n));
  const body = await multipartBody({
    ct: { bytes: await file('ct.nii.gz'), filename: 'ct.nii.gz' },
    masks: { bytes: await file('labels.nii.gz'), filename: 'labels.nii.gz' },
    labelMap: (await file('labels.json')).toString('utf8'),
    phase: 'non-contrast',
  });

  const members: Member[] = [];
  for (const role of ['all', 'api', 'worker'] as const) for (let i = 0; i < options.processes[role]; i++) members.push({ role, index: i, generation: 0, cpuS: 0, restarting: false });

  const startMember = (m: Member): Promise<void> =>
    new Promise((resolveStart, rejectStart) => {
      m.generation++;
      m.url = undefined;
      const child = spawn(process.execPath, [join(REPO, 'bin/groundct.js'), 'serve', '--role', m.role, '--port', '0', '--no-token'], { cwd: REPO, env: envFor(m), stdio: ['ignore', 'pipe', 'pipe'] });
      m.child = child;
      const out = createWriteStream(join(logsDir, `${m.role}-${m.index}-${m.generation}.log`));
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
        if (match) {
          m.url = match[1];
          child.stdout!.off('data', onData);
          resolveStart();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => {
        if (!m.url) rejectStart(new Error(`${m.role}-${m.index} exited before listening (${code ?? signal}); see ${logsDir}`));
      });
    });
  const stopMember = async (m: Member, signal: NodeJS.Signals): Promise<void> => {
    const child = m.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    m.cpuS += cpuSecondsOf(child.pid);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    m.url = undefined;
  };

  const t0 = performance.now();
  await Promise.all(members.map(startMember));
  log(`started ${members.map((m) => `${m.role}-${m.index}`).join(', ')} on ${options.backend}`);

  // Uploads: `concurrency` loops take the next study number until all are sent.
  const accepted: { studyId: string; jobId: string }[] = [];
  let refused = 0;
  let failedUploads = 0;
  let next = 0;
  let rr = 0;
  const apiMembers = members.filter((m) => m.role !== 'worker');
  /** How long one study's upload is retried while API processes are down (a restart takes seconds under load). */
  const UPLOAD_RETRY_MS = 120_000;
  const uploadOne = async (): Promise<void> => {
    for (const giveUp = Date.now() + UPLOAD_RETRY_MS; Date.now() < giveUp; ) {
      const live = apiMembers.filter((m) => m.url);
      const target = live[rr++ % Math.max(1, live.length)];
      if (!target?.url) {
        await sleep(200);
        continue;
      }
      try {
        const res = await fetch(`${target.url}/v1/studies`, { method: 'POST', body: body.body, headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType } });
        if (res.status === 202) {
          accepted.push((await res.json()) as { studyId: string; jobId: string });
          return;
        }
        await res.arrayBuffer();
        if (res.status === 503) {
          refused++;
          await sleep(250);
          continue;
        }
        failedUploads++;
        log(`upload answered ${res.status}`);
        return;
      } catch {
        // The process was killed under the request: a load balancer sends it to another one.
        refused++;
        await sleep(250);
      }
    }
    failedUploads++;
  };
  const uploads = Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.studies) {
        next++;
        await uploadOne();
      }
    }),
  );

  // The database, read by the harness itself to know when the run is over.
  const observer = await openStorage(config);
  let uploadsDone = false;
  void uploads.then(() => (uploadsDone = true));
  const killed: Record<Role, number> = { api: 0, worker: 0, all: 0 };
  const budget = { ...options.kills };
  const deadline = Date.now() + options.timeoutMs;
  const pending = async () => {
    const c = await observer.meta.countJobsByState();
    return c.queued + c.running;
  };

  // Kills at random moments while there is work, each process restarted after a random delay.
  const restarts: Promise<void>[] = [];
  while (Date.now() < deadline) {
    const left = budget.api + budget.worker + budget.all;
    if (left === 0 || (uploadsDone && (await pending()) === 0)) break;
    await sleep(between(options.killEveryMs));
    const roles = (['api', 'worker', 'all'] as const).filter((r) => budget[r] > 0);
    const pick = random() * roles.reduce((n, r) => n + budget[r], 0);
    let acc = 0;
    const role = roles.find((r) => (acc += budget[r]) > pick) ?? roles[0];
    const candidates = members.filter((m) => m.role === role && m.url && !m.restarting);
    if (candidates.length === 0) continue;
    const victim = candidates[Math.floor(random() * candidates.length)];
    victim.restarting = true;
    await stopMember(victim, 'SIGKILL');
    budget[role]--;
    killed[role]++;
    log(`kill -9 ${victim.role}-${victim.index} (${killed[role]} of ${options.kills[role]} ${role})`);
    restarts.push(
      sleep(between(options.restartAfterMs))
        .then(() => startMember(victim))
        .finally(() => {
          victim.restarting = false;
        }),
    );
  }
  await Promise.all(restarts);
  await uploads;
  while (Date.now() < deadline && (await pending()) > 0) await sleep(250);
  const wallS = (performance.now() - t0) / 1000;
  for (const m of members) await stopMember(m, 'SIGTERM');
  log(`stopped after ${wallS.toFixed(1)} s`);

  // Checks.
  const meta = observer.meta;
  const counts = await meta.countJobsByState();
  const jobs: JobRecord[] = [];
  for (let before: { createdAt: string; id: string } | undefined; ; ) {
    const page = await meta.listJobs({ limit: 200, ...(before ? { before } : {}) });
    jobs.push(...page);
    if (page.length < 200) break;
    before = { createdAt: page[page.length - 1].createdAt, id: page[page.length - 1].id };
  }
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const lost = accepted.filter((a) => !jobById.has(a.jobId)).length;
  const failedByCode: Record<string, number> = {};
  const attemptsHistogram: Record<string, number> = {};
  for (const j of jobs) {
    if (j.state === 'failed') failedByCode[j.error?.code ?? 'no reason'] = (failedByCode[j.error?.code ?? 'no reason'] ?? 0) + 1;
    attemptsHistogram[String(j.attempts)] = (attemptsHistogram[String(j.attempts)] ?? 0) + 1;
  }
  const doneLines = new Map<string, number>();
  let discarded = 0;
  for (const f of await readdir(logsDir)) {
    for (const line of (await readFile(join(logsDir, f), 'utf8')).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as { msg?: string; jobId?: string };
        if (entry.msg === 'job done' && entry.jobId) doneLines.set(entry.jobId, (doneLines.get(entry.jobId) ?? 0) + 1);
        if (entry.msg === 'job result discarded: its lease was lost') discarded++;
      } catch {
        /* not a log line */
      }
    }
  }
  const completedTwice = [...doneLines.values()].filter((n) => n > 1).length;

  const studyIds = new Set(await meta.listStudyIds());
  const sweptLeftovers = await observer.blobs.removeOrphans(studyIds, 0);
  const studiesRoot = join(observer.blobs.root, 'studies');
  const folders = new Set(await readdir(studiesRoot));
  let missingArtifactFiles = 0;
  let tempFiles = 0;
  let unrecordedFiles = 0;
  for (const id of studyIds) {
    const artifacts = await meta.listArtifacts(id);
    for (const a of artifacts) if (!existsSync(join(studiesRoot, id, a.file))) missingArtifactFiles++;
    const recorded = new Set(artifacts.map((a) => a.file));
    const walk = async (dir: string, rel: string): Promise<void> => {
      if (!existsSync(dir)) return;
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        if ((await stat(path)).isDirectory()) await walk(path, `${rel}/${name}`);
        else {
          if (/\.tmp-/.test(name)) tempFiles++;
          else if (jobById.get(jobs.find((j) => j.studyId === id)?.id ?? '')?.state === 'done' && rel.startsWith('artifacts') && !recorded.has(`${rel}/${name}`)) unrecordedFiles++;
        }
      }
    };
    await walk(join(studiesRoot, id, 'artifacts'), 'artifacts');
    await walk(join(studiesRoot, id, 'input'), 'input');
  }
  const orphans = {
    sweptLeftovers,
    foldersWithoutRow: [...folders].filter((f) => !studyIds.has(f)).length,
    rowsWithoutFolder: [...studyIds].filter((id) => !folders.has(id)).length,
    missingArtifactFiles,
    tempFiles,
    unrecordedFiles,
  };
  const finished = jobs.filter((j) => j.state === 'done' && j.startedAt && j.finishedAt);
  const runs = finished.map((j) => (Date.parse(j.finishedAt!) - Date.parse(j.startedAt!)) / 1000);
  const waits = finished.map((j) => (Date.parse(j.startedAt!) - Date.parse(j.createdAt)) / 1000);
  const workerCpuS = members.filter((m) => m.role !== 'api').reduce((n, m) => n + m.cpuS, 0);
  const apiCpuS = members.filter((m) => m.role === 'api').reduce((n, m) => n + m.cpuS, 0);
  await observer.close();

  if (database) {
    const admin = new pg.Client({ connectionString: options.pgAdminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const unknownToClient = studyIds.size - accepted.filter((a) => jobById.has(a.jobId)).length;
  const ok =
    lost === 0 &&
    counts.queued + counts.running === 0 &&
    completedTwice === 0 &&
    jobs.every((j) => j.state === 'done' || (j.state === 'failed' && j.error?.code)) &&
    orphans.foldersWithoutRow + orphans.rowsWithoutFolder + orphans.missingArtifactFiles + orphans.tempFiles + orphans.unrecordedFiles === 0 &&
    failedUploads === 0;
  if (ok) await rm(work, { recursive: true, force: true });
  else log(`kept ${work} for inspection`);
  const { log: _log, ...recorded } = options;
  void _log;
  return {
    options: recorded,
    wallS,
    uploads: { accepted: accepted.length, refusedByKilledProcess: refused, failed: failedUploads, unknownToClient },
    killed,
    jobs: { ...counts, failedByCode, attemptsHistogram },
    lost,
    completedTwice,
    resultsDiscardedLeaseLost: discarded,
    orphans,
    timings: { runP50S: quantile(runs, 0.5), runP95S: quantile(runs, 0.95), queueWaitP50S: quantile(waits, 0.5), queueWaitP95S: quantile(waits, 0.95), jobsPerMinute: (counts.done / wallS) * 60 },
    cpu: { workerCpuS, cpuPerDoneJobS: counts.done > 0 ? workerCpuS / counts.done : 0, apiCpuS },
    ok,
  };
}
