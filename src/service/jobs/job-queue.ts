/**
 * The job queue seam and its implementation. The queue is durable because it lives in the MetadataStore (jobs
 * rows in state 'queued'); a JobRunner decides which queued job this process runs next and runs it in a worker
 * thread, at most `concurrentJobs` at a time.
 *
 * Every claim carries a lease (service.jobs.leaseMs) renewed every third of it while the job runs; every write
 * about the job is fenced by the claim's lease token. A worker process that dies (kill -9, machine lost) stops
 * renewing, and once the lease has expired any worker re-queues the job (or fails it with
 * GCT_SERVICE_JOB_INTERRUPTED once started service.maxJobAttempts times). A worker cut off from the database
 * while it still runs finds the lease lost at its next renewal, stops the thread and records nothing, so a job
 * is completed at most once. Deleting a study sends a 'cancel' signal to every process (NOTIFY with PostgreSQL);
 * the renewal notices a deleted job too, should the signal be lost.
 *
 * An API-only process (`groundct serve --role api`) runs no jobs: it only signals the workers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import { ERRORS } from '../../errors.ts';
import type { ClaimedJob, ErrorBody, JobRecord, Storage } from '../storage/types.ts';
import type { WorkerInput, WorkerMessage } from './protocol.ts';

export interface JobQueue {
  /** Recovers jobs whose worker died, then starts running queued jobs (a worker); an API-only queue does nothing. */
  start(): Promise<void>;
  /** Says a job was queued; a worker on any process picks it up when a slot is free. */
  notify(): void;
  /** Stops the study's running job wherever it runs (the study is being deleted). */
  cancelStudy(studyId: string): Promise<void>;
  /** Resolves once no job is running or queued (for tests and benchmarks). */
  whenIdle(): Promise<void>;
  /**
   * Stops claiming; running jobs get service.jobs.shutdownGraceMs to finish, then go back to the queue without
   * counting the attempt.
   */
  close(): Promise<void>;
}

/** What a runner reports about the jobs it ends (Prometheus metrics). */
export interface JobObserver {
  jobEnded(outcome: 'done' | 'failed' | 'released' | 'lease-lost' | 'cancelled', durationS: number): void;
  jobStarted(queueWaitS: number): void;
  jobsReaped(requeued: number, failed: number): void;
}

/**
 * The worker's entry. The built service (dist/, what `groundct serve` runs) starts the compiled worker directly,
 * as the CLI starts: no TypeScript compiled at start. Run from the TypeScript sources (tests, tsx), the worker
 * goes through the bootstrap that registers tsx first (a worker thread does not inherit module hooks).
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', import.meta.url) : new URL('./pipeline-worker.js', import.meta.url);

interface Running {
  readonly claimed: ClaimedJob;
  readonly worker: Worker;
  readonly startedMs: number;
  /** Why the worker is being stopped from outside, if it is. */
  stopping?: 'close' | 'cancel' | 'lost';
  /** The thread reported its end: the lease is no longer renewed (the end's record releases it). */
  finishing?: boolean;
  heartbeat?: NodeJS.Timeout;
}

export interface JobRunnerOptions {
  /** false: an API-only process, which queues and cancels but runs nothing. */
  readonly work: boolean;
  readonly observer?: JobObserver;
}

export class JobRunner implements JobQueue {
  private readonly running = new Map<string, Running>();
  private readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private closed = false;
  private pumping = false;
  private again = false;
  private idleWaiters: (() => void)[] = [];
  private pollTimer?: NodeJS.Timeout;
  private unsubscribe?: () => Promise<void>;
  private lastSweepMs = 0;
  /** Folder of this process's retrieval index (PostgreSQL: one per process, never shared). */
  private indexDir?: string;

  constructor(
    private readonly storage: Storage,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
    private readonly options: JobRunnerOptions = { work: true },
  ) {}

  async start(): Promise<void> {
    if (!this.options.work) return;
    // The embedded database has one server process: whatever is left running was this process's before a crash.
    await this.reap(this.storage.kind === 'sqlite');
    this.indexDir = this.storage.kind === 'postgres' ? await mkdtemp(join(tmpdir(), 'groundct-index-')) : this.config.dataDir;
    this.unsubscribe = await this.storage.meta.subscribe((event) => {
      if (event.type === 'queued') this.kick();
      else void this.stopLocal(event.studyId, 'cancel');
    });
    this.pollTimer = setInterval(() => void this.poll(), this.config.service.jobs.pollIntervalMs);
    this.pollTimer.unref();
    this.kick();
  }

  notify(): void {
    if (this.options.work) this.kick();
    if (this.storage.kind === 'postgres' || !this.options.work)
      void this.storage.meta.publish({ type: 'queued' }).catch((e) => this.log.warn({ code: (e as { code?: string }).code }, 'could not signal the workers; they find the job at their next poll'));
  }

  private kick(): void {
    if (this.closed || !this.options.work) return;
    void this.pump();
  }

  /** Periodic work of a worker: expired leases back to the queue, queued jobs claimed, old orphans swept. */
  private async poll(): Promise<void> {
    if (this.closed) return;
    try {
      await this.reap(false);
      const sweepEveryMs = Math.max(60_000, this.config.storage.orphanGraceMs / 2);
      if (Date.now() - this.lastSweepMs > sweepEveryMs) {
        this.lastSweepMs = Date.now();
        const removed = await this.storage.blobs.removeOrphans(new Set(await this.storage.meta.listStudyIds()), this.config.storage.orphanGraceMs);
        if (removed > 0) this.log.warn({ removed }, 'removed staging and study folders no study record names');
      }
    } catch (e) {
      this.log.warn({ code: (e as { code?: string }).code, err: e }, 'job queue maintenance failed; retrying at the next poll');
    }
    this.kick();
  }

  private async reap(allRunning: boolean): Promise<void> {
    const { requeued, failed } = await this.storage.meta.reapExpiredLeases(this.config.service.maxJobAttempts, { allRunning });
    if (requeued.length > 0 || failed.length > 0) {
      this.log.warn({ requeued, failed }, 'jobs whose worker stopped renewing their lease: re-queued or failed');
      this.options.observer?.jobsReaped(requeued.length, failed.length);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.closed && this.running.size < this.config.service.limits.concurrentJobs) {
          const claimed = await this.storage.meta.claimNextJob(this.workerId, this.config.service.jobs.leaseMs);
          if (!claimed) break;
          await this.launch(claimed);
        }
      } while (this.again && !this.closed);
    } catch (e) {
      this.log.error({ err: e }, 'job queue failed to claim a job');
    } finally {
      this.pumping = false;
      this.checkIdle();
    }
  }

  private async launch(claimed: ClaimedJob): Promise<void> {
    const { job, leaseToken } = claimed;
    const meta = this.storage.meta;
    const study = await meta.getStudy(job.studyId);
    if (!study) {
      await meta.failJob(job.id, leaseToken, errorBody('GCT_SERVICE_STUDY_NOT_FOUND', `The study of job ${job.id} is gone.`));
      return;
    }
    this.options.observer?.jobStarted(queueWaitS(job));
    // Service limits apply to the readers too (a DICOM series' size is only known once it is read).
    const volume = {
      ...this.config.volume,
      maxVoxels: Math.min(this.config.volume.maxVoxels, this.config.service.limits.maxVoxels),
      maxDecompressedBytes: Math.min(this.config.volume.maxDecompressedBytes, this.config.service.limits.maxDecompressedBytes),
    };
    const priorStudyDirs = (study.input.priorStudyIds ?? []).map((id) => ({ studyId: id, dir: this.storage.blobs.studyDir(id) }));
    const workerData: WorkerInput = {
      jobId: job.id,
      studyId: job.studyId,
      studyDir: this.storage.blobs.studyDir(job.studyId),
      input: study.input,
      config: { ...this.config, volume, dataDir: this.indexDir ?? this.config.dataDir },
      ...(priorStudyDirs.length > 0 ? { priorStudyDirs } : {}),
    };
    const worker = new Worker(WORKER_URL, { workerData, stdout: true, stderr: true });
    // Libraries inside the pipeline may print (e.g. OpenJPEG's [INFO] lines); keep them out of the server's
    // stdout and logs, which must not carry study content.
    worker.stdout.resume();
    worker.stderr.resume();
    const entry: Running = { claimed, worker, startedMs: performance.now() };
    this.running.set(job.id, entry);
    this.log.info({ jobId: job.id, studyId: job.studyId, attempt: job.attempts }, 'job started');
    entry.heartbeat = setInterval(() => void this.renew(entry), Math.max(100, Math.floor(this.config.service.jobs.leaseMs / 3)));

    let settled = false;
    let chain: Promise<unknown> = Promise.resolve();
    const elapsedS = () => (performance.now() - entry.startedMs) / 1000;
    const settle = (fn: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      chain = chain.then(fn).catch((e) => this.log.error({ err: e, jobId: job.id }, 'could not record the end of a job'));
    };
    /** Records the end unless the lease was lost meanwhile (another worker may own the job now). */
    const record = async (outcome: 'done' | 'failed', write: () => Promise<boolean>) => {
      if (await write()) {
        this.options.observer?.jobEnded(outcome, elapsedS());
        this.log.info({ jobId: job.id, attempt: job.attempts }, outcome === 'done' ? 'job done' : 'job failed');
      } else {
        this.options.observer?.jobEnded('lease-lost', elapsedS());
        this.log.warn({ jobId: job.id, attempt: job.attempts }, 'job result discarded: its lease was lost');
      }
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        chain = chain.then(() => meta.updateJobProgress(job.id, leaseToken, m.stage, m.percent)).catch(() => undefined);
      } else if (m.type === 'done') {
        entry.finishing = true;
        clearInterval(entry.heartbeat);
        settle(() => record('done', () => meta.completeJob(job.id, leaseToken, m.artifacts.map((a) => ({ ...a, studyId: job.studyId })), m.result)));
      } else if (m.type === 'failed') {
        entry.finishing = true;
        clearInterval(entry.heartbeat);
        settle(async () => {
          if (m.stack) this.log.error({ jobId: job.id, code: m.error.code, stack: m.stack }, 'job failed with an unexpected error');
          else this.log.warn({ jobId: job.id, code: m.error.code }, 'job failed');
          await record('failed', () => meta.failJob(job.id, leaseToken, m.error));
        });
      }
    });
    worker.on('error', (e) => {
      this.log.error({ jobId: job.id, stack: e.stack }, 'pipeline worker crashed');
      settle(() => record('failed', () => meta.failJob(job.id, leaseToken, errorBody('GCT_SERVICE_WORKER_FAILED', `The pipeline worker crashed (${e.name}).`))));
    });
    worker.on('exit', (exitCode) => {
      clearInterval(entry.heartbeat);
      if (entry.stopping === 'close')
        settle(async () => {
          await meta.releaseJob(job.id, leaseToken, { countAttempt: false });
          this.options.observer?.jobEnded('released', elapsedS());
        });
      else if (entry.stopping === 'cancel') settle(() => this.cleanUpCancelled(job, elapsedS()));
      else if (entry.stopping === 'lost') settle(async () => this.options.observer?.jobEnded('lease-lost', elapsedS()));
      else settle(() => record('failed', () => meta.failJob(job.id, leaseToken, errorBody('GCT_SERVICE_WORKER_FAILED', `The pipeline worker exited (code ${exitCode}) without a result.`))));
      void chain.then(() => {
        this.running.delete(job.id);
        this.kick();
        this.checkIdle();
      });
    });
  }

  /** Renews a running job's lease; stops the thread when the lease was lost or the job deleted. */
  private async renew(entry: Running): Promise<void> {
    if (entry.stopping || entry.finishing) return;
    const { job, leaseToken } = entry.claimed;
    let state;
    try {
      state = await this.storage.meta.renewLease(job.id, leaseToken, this.config.service.jobs.leaseMs);
    } catch (e) {
      // The next renewal may still make it before the lease runs out; if not, the job is lost and re-run elsewhere.
      this.log.warn({ jobId: job.id, code: (e as { code?: string }).code }, 'could not renew a job lease');
      return;
    }
    // A renewal that crossed the job's own end reads 'lost' (the lease was released by the end's record).
    if (state === 'held' || entry.stopping || entry.finishing) return;
    this.log.warn({ jobId: job.id, state }, state === 'gone' ? 'job deleted while running: stopping it' : 'job lease lost: stopping it, another worker owns it now');
    entry.stopping = state === 'gone' ? 'cancel' : 'lost';
    clearInterval(entry.heartbeat);
    await entry.worker.terminate();
  }

  /** After a cancelled job's thread stopped: its files go too once the study row is gone (the deleting API process may have raced the thread's last writes). */
  private async cleanUpCancelled(job: JobRecord, durationS: number): Promise<void> {
    this.options.observer?.jobEnded('cancelled', durationS);
    if (!(await this.storage.meta.getStudy(job.studyId))) await this.storage.blobs.deleteStudy(job.studyId);
  }

  private async stopLocal(studyId: string, why: 'cancel'): Promise<void> {
    const stops: Promise<number>[] = [];
    for (const r of this.running.values()) {
      if (r.claimed.job.studyId !== studyId || r.stopping) continue;
      r.stopping = why;
      clearInterval(r.heartbeat);
      stops.push(r.worker.terminate());
    }
    await Promise.all(stops);
  }

  async cancelStudy(studyId: string): Promise<void> {
    await this.stopLocal(studyId, 'cancel');
    if (this.storage.kind === 'postgres') await this.storage.meta.publish({ type: 'cancel', studyId });
  }

  private checkIdle(): void {
    if (this.running.size > 0 || this.pumping || this.idleWaiters.length === 0) return;
    void this.storage.meta.countJobsByState().then((counts) => {
      if (counts.queued + counts.running > 0 && !this.closed) {
        if (this.options.work) this.kick();
        else setTimeout(() => this.checkIdle(), this.config.service.jobs.pollIntervalMs).unref();
        return;
      }
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    });
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    await this.unsubscribe?.();
    // A job claimed a moment ago may still be on its way into `running` (its study is being read): the pump
    // stops after that launch, so wait for it, else the claimed job would be left running until its lease expires.
    while (this.pumping) await new Promise((r) => setTimeout(r, 5));
    // Running jobs may finish within the grace period; the rest are handed back.
    const deadline = Date.now() + this.config.service.jobs.shutdownGraceMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const all = [...this.running.values()].filter((r) => !r.stopping);
    for (const r of all) {
      r.stopping = 'close';
      clearInterval(r.heartbeat);
    }
    await Promise.all(all.map((r) => r.worker.terminate()));
    // Wait for the exit handlers to record.
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.indexDir && this.indexDir !== this.config.dataDir) await rm(this.indexDir, { recursive: true, force: true });
  }
}

function queueWaitS(job: JobRecord): number {
  if (!job.startedAt) return 0;
  return Math.max(0, (Date.parse(job.startedAt) - Date.parse(job.createdAt)) / 1000);
}

function errorBody(code: keyof typeof ERRORS, message: string): ErrorBody {
  return { code, message, hint: ERRORS[code].hint, details: {} };
}
