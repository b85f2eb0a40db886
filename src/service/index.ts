/**
 * service: the groundct HTTP API, durable jobs, token auth and the study viewer.
 *
 * ```ts
 * const { app, url } = await startServer(loadConfig());       // listens on 127.0.0.1:8080 by default
 * const app = await buildApp(config); await app.inject(...);   // tests: no socket
 * ```
 */
export { buildApp, type AppDeps } from './app.ts';
export { startServer, type StartedServer } from './server.ts';
export type { ServiceContext } from './context.ts';
export { createApiToken, hashToken, bearerToken, type CreatedToken } from './auth/tokens.ts';
export { openLocalStorage, openStorage } from './storage/open-storage.ts';
export { JobRunner, type JobQueue } from './jobs/job-queue.ts';
export type { Storage, MetadataStore, BlobStore, StudyRecord, JobRecord, JobState, ArtifactRecord, TokenRecord, StoredInput, ErrorBody, Principal } from './storage/types.ts';
export { ADMIN_PRINCIPAL } from './storage/types.ts';
export { redactUrl } from './storage/postgres-metadata.ts';
export { PHASES } from './upload/receive-upload.ts';
export { multipartBody, preloadDemoStudy } from './demo-study.ts';
