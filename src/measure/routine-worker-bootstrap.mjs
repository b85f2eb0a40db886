// Entry of the routine-measurement worker thread when groundct runs from the TypeScript sources (tests, tsx):
// worker threads do not inherit the parent's module hooks, so tsx is registered before the TypeScript worker loads.
// Built code (dist/) starts the compiled routine-worker.js directly (routine-thread.ts).
import { register } from 'tsx/esm/api';

register();
await import('./routine-worker.ts');
