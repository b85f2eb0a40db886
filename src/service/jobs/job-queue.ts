/**
 * The job queue seam and its embedded default. The queue itself is durable because it lives in the
 * MetadataStore (jobs rows in state 'queued'); LocalJobQueue only decides which queued job runs next and runs
 * it in a worker thread, at most `concurrentJobs` at a time. A distributed deployment would implement
 * JobQueue with workers on other machines claiming rows from a shared database.
 */
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import { ERRORS } from '../../errors.ts';
import type { ErrorBody, JobRecord, Storage } from '../storage/types.ts';
import type { WorkerInput, WorkerMessage } from './protocol.ts';

export interface JobQueue {
  /** Recovers jobs a crash left running, then starts running queued jobs. */
  start(): Promise<void>;
  /** Says a job was queued; the queue picks it up when a slot is free. */
  notify(): void;
  /** Stops the study's running job, if any (the study is being deleted). */
  cancelStudy(studyId: string): Promise<void>;
  /** Resolves once no job is running or queued (for tests and benchmarks). */
  whenIdle(): Promise<void>;
  /** Stops the workers; their jobs go back to the queue without counting the attempt. */
  close(): Promise<void>;
}

/**
 * The worker's entry. The built service (dist/, what `groundct serve` runs) starts the compiled worker directly,
 * as the CLI starts: no TypeScript compiled at start. Run from the TypeScript sources (tests, tsx), the worker
 * goes through the bootstrap that registers tsx first (a worker thread does not inherit module hooks).
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', import.meta.url) : new URL('./pipeline-worker.js', import.meta.url);

interface Running {
  readonly job: JobRecord;
  readonly worker: Worker;
  /** Why the worker is being stopped from outside, if it is. */
  stopping?: 'close' | 'cancel';
}

export class LocalJobQueue implements JobQueue {
  private readonly running = new Map<string, Running>();
  private closed = false;
  private pumping = false;
  private again = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const { requeued, failed } = await this.storage.meta.recoverInterruptedJobs(this.config.service.maxJobAttempts);
    if (requeued.length > 0 || failed.length > 0) this.log.warn({ requeued, failed }, 'recovered jobs interrupted by a previous stop');
    this.notify();
  }

  notify(): void {
    if (this.closed) return;
    void this.pump();
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
          const job = await this.storage.meta.claimNextJob();
          if (!job) break;
          await this.launch(job);
        }
      } while (this.again && !this.closed);
    } catch (e) {
      this.log.error({ err: e }, 'job queue failed to claim a job');
    } finally {
      this.pumping = false;
      this.checkIdle();
    }
  }

  private async launch(job: JobRecord): Promise<void> {
    const study = await this.storage.meta.getStudy(job.studyId);
    if (!study) {
      await this.storage.meta.failJob(job.id, errorBody('GCT_SERVICE_STUDY_NOT_FOUND', `The study of job ${job.id} is gone.`));
      return;
    }
    // Service limits apply to the readers too (a DICOM series' size is only known once it is read).
    const volume = {
      ...this.config.volume,
      maxVoxels: Math.min(this.config.volume.maxVoxels, this.config.service.limits.maxVoxels),
      maxDecompressedBytes: Math.min(this.config.volume.maxDecompressedBytes, this.config.service.limits.maxDecompressedBytes),
    };
    const priorStudyDirs = (study.input.priorStudyIds ?? []).map((id) => ({ studyId: id, dir: this.storage.blobs.studyDir(id) }));
    const workerData: WorkerInput = { jobId: job.id, studyId: job.studyId, studyDir: this.storage.blobs.studyDir(job.studyId), input: study.input, config: { ...this.config, volume }, ...(priorStudyDirs.length > 0 ? { priorStudyDirs } : {}) };
    const worker = new Worker(WORKER_URL, { workerData, stdout: true, stderr: true });
    // Libraries inside the pipeline may print (e.g. OpenJPEG's [INFO] lines); keep them out of the server's
    // stdout and logs, which must not carry study content.
    worker.stdout.resume();
    worker.stderr.resume();
    const entry: Running = { job, worker };
    this.running.set(job.id, entry);
    this.log.info({ jobId: job.id, studyId: job.studyId, attempt: job.attempts }, 'job started');
    let settled = false;
    let chain: Promise<unknown> = Promise.resolve();
    const settle = (fn: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      chain = chain.then(fn).catch((e) => this.log.error({ err: e, jobId: job.id }, 'could not record the end of a job'));
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        chain = chain.then(() => this.storage.meta.updateJobProgress(job.id, m.stage, m.percent)).catch(() => undefined);
      } else if (m.type === 'done') {
        settle(async () => {
          await this.storage.meta.completeJob(job.id, m.artifacts.map((a) => ({ ...a, studyId: job.studyId })), m.result);
          this.log.info({ jobId: job.id }, 'job done');
        });
      } else if (m.type === 'failed') {
        settle(async () => {
          if (m.stack) this.log.error({ jobId: job.id, code: m.error.code, stack: m.stack }, 'job failed with an unexpected error');
          else this.log.warn({ jobId: job.id, code: m.error.code }, 'job failed');
          await this.storage.meta.failJob(job.id, m.error);
        });
      }
    });
    worker.on('error', (e) => {
      this.log.error({ jobId: job.id, stack: e.stack }, 'pipeline worker crashed');
      settle(() => this.storage.meta.failJob(job.id, errorBody('GCT_SERVICE_WORKER_FAILED', `The pipeline worker crashed (${e.name}).`)));
    });
    worker.on('exit', (exitCode) => {
      if (entry.stopping === 'close') settle(() => this.storage.meta.requeueJob(job.id, { countAttempt: false }));
      else if (entry.stopping === 'cancel') settled = true;
      else settle(() => this.storage.meta.failJob(job.id, errorBody('GCT_SERVICE_WORKER_FAILED', `The pipeline worker exited (code ${exitCode}) without a result.`)));
      void chain.then(() => {
        this.running.delete(job.id);
        this.notify();
        this.checkIdle();
      });
    });
  }

  async cancelStudy(studyId: string): Promise<void> {
    const stops: Promise<number>[] = [];
    for (const r of this.running.values()) {
      if (r.job.studyId !== studyId) continue;
      r.stopping = 'cancel';
      stops.push(r.worker.terminate());
    }
    await Promise.all(stops);
  }

  private checkIdle(): void {
    if (this.running.size > 0 || this.pumping || this.idleWaiters.length === 0) return;
    void this.storage.meta.countQueuedJobs().then((queued) => {
      if (queued > 0 && !this.closed) {
        this.notify();
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
    this.closed = true;
    const all = [...this.running.values()];
    for (const r of all) r.stopping = 'close';
    await Promise.all(all.map((r) => r.worker.terminate()));
    // Wait for the exit handlers to requeue.
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
}

function errorBody(code: keyof typeof ERRORS, message: string): ErrorBody {
  return { code, message, hint: ERRORS[code].hint, details: {} };
}
