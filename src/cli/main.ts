import { isGroundctError } from '../errors.ts';

/** Entry point of the `groundct` command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  try {
    switch (command) {
      default:
        process.stderr.write(`groundct: unknown command '${command ?? ''}'\n`);
        return 2;
    }
  } catch (e) {
    if (isGroundctError(e)) {
      process.stderr.write(`groundct: ${e.code}: ${e.message}\nhint: ${e.hint}\n`);
      return 1;
    }
    throw e;
  }
}
