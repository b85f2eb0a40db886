// Entry of a pipeline worker thread. Worker threads do not inherit the parent's module hooks, so this small
// JavaScript file registers tsx (as bin/groundct.js does) before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./pipeline-worker.ts');
