// Records every module a process imports, for the start-up tests (test/integration/cli-startup.test.ts):
//   GROUNDCT_TRACE_IMPORTS=<file> node --import ./test/helpers/trace-imports.mjs bin/groundct.js ...
// appends the resolved URL of each import to <file>, one per line. The resolve hook runs on Node's loader thread,
// which registers nothing itself.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const file = process.env.GROUNDCT_TRACE_IMPORTS;
  if (file) appendFileSync(file, `${result.url}\n`);
  return result;
}
