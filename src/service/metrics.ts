/**
 * Prometheus metrics of one service process (prom-client, text exposition format 0.0.4):
 *   groundct_jobs{state}                     jobs in each state in the database (the same on every process)
 *   groundct_job_duration_seconds{outcome}   run time of the jobs this process ended (claim to end)
 *   groundct_job_queue_wait_seconds          queued -> claimed, for the jobs this process claimed
 *   groundct_jobs_reaped_total{outcome}      expired leases this process re-queued or failed
 * plus prom-client's default process metrics (CPU, memory, event-loop lag). A registry per app, never the
 * global one, so several apps in one process (tests) keep their own.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobObserver } from './jobs/job-queue.ts';
import type { JobState, MetadataStore } from './storage/types.ts';

const STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed'];

export class ServiceMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly duration: Histogram<'outcome'>;
  private readonly queueWait: Histogram;
  private readonly reaped: Counter<'outcome'>;

  constructor(meta: MetadataStore, role: string) {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'groundct_jobs',
      help: 'Jobs in each state, read from the database at scrape time',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await meta.countJobsByState();
        for (const s of STATES) this.set({ state: s }, counts[s]);
      },
    });
    this.duration = new Histogram({
      name: 'groundct_job_duration_seconds',
      help: 'Run time of the jobs this process ended, from claim to end, by outcome',
      labelNames: ['outcome'],
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [this.registry],
    });
    this.queueWait = new Histogram({
      name: 'groundct_job_queue_wait_seconds',
      help: 'Time from queued to claimed of the jobs this process claimed',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers: [this.registry],
    });
    this.reaped = new Counter({ name: 'groundct_jobs_reaped_total', help: 'Jobs whose lease expired, re-queued or failed by this process', labelNames: ['outcome'], registers: [this.registry] });
  }

  jobEnded(outcome: Parameters<JobObserver['jobEnded']>[0], durationS: number): void {
    this.duration.observe({ outcome }, durationS);
  }

  jobStarted(queueWaitS: number): void {
    this.queueWait.observe(queueWaitS);
  }

  jobsReaped(requeued: number, failed: number): void {
    if (requeued > 0) this.reaped.inc({ outcome: 'requeued' }, requeued);
    if (failed > 0) this.reaped.inc({ outcome: 'failed' }, failed);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
