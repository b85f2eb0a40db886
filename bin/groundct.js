#!/usr/bin/env node
// Runs the compiled CLI, bundled in dist/bundle/ (built at install: `npm ci` runs `prepare`). When a file under
// src/ changed since that build (a developer's checkout), it rebuilds first (about a second), so the command never
// runs stale code.
import { build, isBuildFresh } from '../scripts/build.mjs';

if (!isBuildFresh()) {
  try {
    await build({ log: (m) => process.stderr.write(`${m}\n`) });
  } catch (e) {
    process.stderr.write(`groundct: the sources under src/ changed and could not be rebuilt into dist/:\n${e?.message ?? e}\n`);
    process.exit(70);
  }
}
const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv.slice(2));
