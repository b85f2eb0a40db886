/**
 * buildApp: the groundct HTTP service as a fastify instance (no listen; tests call inject). Shared handles
 * (config, storage, queue, artifact cache, metrics) are attached once at the root; each route group is a plugin
 * under its prefix; /v1 requires a bearer token. `service.role` picks what the process does: 'all' serves the
 * API and runs jobs, 'api' only serves, 'worker' only runs jobs (and answers /healthz, /readyz, /metrics).
 */
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Retriever } from '../ground/index.ts';
import { GROUNDCT_VERSION } from '../version.ts';
import { ArtifactCache } from './artifact-cache.ts';
import { requireToken } from './auth/require-token.ts';
import './context.ts';
import { installErrorHandlers } from './error-handler.ts';
import { JobRunner, type JobQueue } from './jobs/job-queue.ts';
import { ServiceMetrics } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { askRoutes } from './routes/ask.ts';
import { docsRoutes } from './routes/docs.ts';
import { evalRoutes } from './routes/eval.ts';
import { groundRoutes } from './routes/ground.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { pacsRoutes } from './routes/pacs.ts';
import { jobRoutes } from './routes/jobs.ts';
import { studyRoutes } from './routes/studies.ts';
import { viewerRoutes } from './routes/viewer.ts';
import { openStorage } from './storage/open-storage.ts';
import type { Storage } from './storage/types.ts';

export interface AppDeps {
  /** Storage to use; default: what config.storage names (closed with the app). */
  readonly storage?: Storage;
  /** Job queue factory; default: a JobRunner (worker threads) that works unless service.role is 'api'. */
  readonly queue?: (storage: Storage, config: Config, app: FastifyInstance) => JobQueue;
  /** fastify logger option; default: pino at config.service.logLevel. */
  readonly logger?: FastifyServerOptions['logger'];
}

/** Bytes of JSON/Markdown artifacts kept in memory. */
const ARTIFACT_CACHE_BYTES = 64 * 1024 * 1024;

function defaultLogger(config: Config): FastifyServerOptions['logger'] {
  if (config.service.logLevel === 'silent') return false;
  return {
    level: config.service.logLevel,
    // Requests are logged by method and path only: no query string, no headers (tokens), no bodies.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? defaultLogger(config), bodyLimit: 1024 * 1024, return503OnClosing: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);

  const role = config.service.role;
  if (role !== 'all' && config.storage.kind === 'sqlite')
    throw gctError('GCT_CONFIG_INVALID', `service.role '${role}' needs PostgreSQL (storage.url): the embedded SQLite database belongs to one process that serves and works.`, {
      fields: [{ field: 'service.role', problem: 'api/worker roles need storage.kind postgres' }],
    });
  const storage = deps.storage ?? (await openStorage(config, { onBackgroundError: (e) => app.log.warn({ err: e }, 'database connection error') }));
  const ownsStorage = deps.storage === undefined;
  const works = role !== 'api';
  // The embedded database has one process, so every folder no row names is a leftover; with a shared database
  // another process may be mid-upload, so only old leftovers go (the workers' periodic sweep).
  if (storage.kind === 'sqlite' && works) {
    const removed = await storage.blobs.removeOrphans(new Set(await storage.meta.listStudyIds()), 0);
    if (removed > 0) app.log.warn({ removed }, 'removed study folders of uploads interrupted before they were accepted');
  }
  const metrics = new ServiceMetrics(storage.meta, role);
  const queue = deps.queue ? deps.queue(storage, config, app) : new JobRunner(storage, config, app.log, { work: works, observer: metrics });
  let kb: Promise<KnowledgeBase> | undefined;
  const knowledgeBase = () => (kb ??= loadKnowledgeBase().catch((e) => {
    kb = undefined;
    throw e;
  }));
  // The grounding stage (embedders, hnswlib) loads on first use; the index is built or loaded once per process.
  let retrieverOnce: Promise<Retriever> | undefined;
  const retriever = () => (retrieverOnce ??= (async () => {
    const { openRetriever } = await import('../ground/index.ts');
    return openRetriever({ kb: await knowledgeBase(), dataDir: config.dataDir });
  })().catch((e) => {
    retrieverOnce = undefined;
    throw e;
  }));
  app.decorate('groundct', { config, storage, queue, artifacts: new ArtifactCache(ARTIFACT_CACHE_BYTES), knowledgeBase, retriever, metrics });
  app.decorateRequest('principal', null);
  app.addHook('onReady', async () => queue.start());
  app.addHook('onClose', async () => {
    await queue.close();
    if (ownsStorage) await storage.close();
  });
  await app.register(healthRoutes(metrics, { metricsOnThisPort: config.service.metrics.port === undefined }));
  if (role === 'worker') return app;

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'groundct', description: 'CT scan to grounded draft radiology report.', version: GROUNDCT_VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.service.limits.maxUploadBytes, files: 16, fields: 16, parts: 32, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });

  await app.register(async (v1) => {
    requireToken(v1);
    const typed = v1.withTypeProvider<ZodTypeProvider>();
    await typed.register(studyRoutes);
    await typed.register(jobRoutes);
    await typed.register(askRoutes);
    await typed.register(groundRoutes);
    await typed.register(evalRoutes);
    await typed.register(knowledgeRoutes);
    await typed.register(pacsRoutes);
  }, { prefix: '/v1' });
  await app.register(docsRoutes);
  if (config.service.viewer) await app.register(viewerRoutes);
  return app;
}
