import type { Config } from '../config.ts';
import type { Retriever } from '../ground/index.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import type { ArtifactCache } from './artifact-cache.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Storage } from './storage/types.ts';

/** The shared handles of the service, attached once at the root as `app.groundct`. */
export interface ServiceContext {
  readonly config: Config;
  readonly storage: Storage;
  readonly queue: JobQueue;
  readonly artifacts: ArtifactCache;
  /** The knowledge base (passages cited by findings and reports), loaded on first use and kept. */
  readonly knowledgeBase: () => Promise<KnowledgeBase>;
  /** The passage retriever over that knowledge base (index under config.dataDir), opened on first use and kept. */
  readonly retriever: () => Promise<Retriever>;
  readonly metrics: ServiceMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    groundct: ServiceContext;
  }
}
