// Entry of a pipeline worker thread when the service runs from the TypeScript sources (tests, tsx). Worker threads
// do not inherit the parent's module hooks, so this small JavaScript file registers tsx before loading the
// TypeScript worker. The built service (dist/) starts the compiled pipeline-worker.js directly (job-queue.ts).
import { register } from 'tsx/esm/api';

register();
await import('./pipeline-worker.ts');
