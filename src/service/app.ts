/**
 * buildApp: the groundct HTTP service as a fastify instance (no listen; tests call inject). Shared handles
 * (config, storage, queue, artifact cache) are attached once at the root; each route group is a plugin
 * under its prefix; /v1 requires a bearer token.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Retriever } from '../ground/index.ts';
import { GROUNDCT_VERSION } from '../version.ts';
import { ArtifactCache } from './artifact-cache.ts';
import { requireToken } from './auth/require-token.ts';
import './context.ts';
import { installErrorHandlers } from './error-handler.ts';
import { LocalJobQueue, type JobQueue } from './jobs/job-queue.ts';
import { askRoutes } from './routes/ask.ts';
import { docsRoutes } from './routes/docs.ts';
import { evalRoutes } from './routes/eval.ts';
import { groundRoutes } from './routes/ground.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { pacsRoutes } from './routes/pacs.ts';
import { jobRoutes } from './routes/jobs.ts';
import { studyRoutes } from './routes/studies.ts';
import { viewerRoutes } from './routes/viewer.ts';
import { openLocalStorage } from './storage/local-storage.ts';
import type { Storage } from './storage/types.ts';

export interface AppDeps {
  /** Storage to use; default: SQLite + files under config.dataDir (closed with the app). */
  readonly storage?: Storage;
  /** Job queue factory; default: LocalJobQueue (worker threads). */
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

  const storage = deps.storage ?? (await openLocalStorage(config.dataDir));
  const ownsStorage = deps.storage === undefined;
  const removed = await storage.blobs.removeOrphans(new Set(await storage.meta.listStudyIds()));
  if (removed > 0) app.log.warn({ removed }, 'removed study folders of uploads interrupted before they were accepted');
  const queue = deps.queue ? deps.queue(storage, config, app) : new LocalJobQueue(storage, config, app.log);
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
  app.decorate('groundct', { config, storage, queue, artifacts: new ArtifactCache(ARTIFACT_CACHE_BYTES), knowledgeBase, retriever });
  app.addHook('onReady', async () => queue.start());
  app.addHook('onClose', async () => {
    await queue.close();
    if (ownsStorage) await storage.close();
  });

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
