// Entry of a corpus child process: registers tsx (as bin/groundct.js does), then runs the TypeScript child.
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
