import { parseArgs, type ParseArgsConfig } from 'node:util';
import { gctError } from '../errors.ts';

/** parseArgs with our error: unknown flags and missing values become GCT_CLI_USAGE. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw gctError('GCT_CLI_USAGE', `groundct ${command}: ${(cause as Error).message}`, { command }, cause);
  }
}
