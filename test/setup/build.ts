/**
 * vitest globalSetup: brings dist/ up to date before any test runs, so the CLI integration tests (which run the
 * built command, as users do) always test the sources as they are. A no-op when dist/ is current (a few ms);
 * `npm test` therefore needs no separate build step, and neither does `npx vitest run <file>`.
 */
import { build } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await build({ log: (m) => console.log(m) });
}
