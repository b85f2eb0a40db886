import { isGroundctError } from '../errors.ts';
import { COMMANDS, type CommandContext } from './commands.ts';
import type { ProgressMode } from './progress.ts';

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'groundct — CT to grounded draft radiology report',
    '',
    'Usage: groundct <command> [options]      groundct <command> --help   (the options of one command)',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'Options of every command:',
    '  --progress   progress lines on stderr even when it is not a terminal',
    '  --quiet      no progress lines (by default they show only on a terminal)',
    '',
  ].join('\n');
}

/** Takes the options every command accepts (--progress, --quiet) out of argv. */
function globalOptions(argv: readonly string[]): { rest: string[]; progress: ProgressMode } {
  let progress: ProgressMode = 'auto';
  const rest: string[] = [];
  for (const a of argv) {
    if (a === '--quiet') progress = 'off';
    else if (a === '--progress') progress = 'on';
    else rest.push(a);
  }
  return { rest, progress };
}

/** Entry point of the `groundct` command; returns the process exit code (0 ok, 1 bad input, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const out = (s: string) => void process.stdout.write(s);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return name ? 0 : 2;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`groundct: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (args.includes('--help') || args.includes('-h')) {
      out(command.usage + '\n');
      return 0;
    }
    const { rest, progress } = globalOptions(args);
    const context: CommandContext = { progress };
    // Loaded here, not at the top: `groundct --help` needs neither the config schema nor zod.
    const { loadConfig } = await import('../config.ts');
    return await command.run(rest, loadConfig(), out, context);
  } catch (e) {
    if (isGroundctError(e)) {
      process.stderr.write(`groundct ${name}: ${e.code}: ${e.message}\nhint: ${e.hint}\n`);
      return e.code === 'GCT_CLI_USAGE' ? 2 : 1;
    }
    process.stderr.write(`groundct ${name}: GCT_INTERNAL: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}
