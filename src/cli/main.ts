import { loadConfig } from '../config.ts';
import { isGroundctError } from '../errors.ts';
import { DEMO_USAGE, runDemo } from './demo.ts';
import { INFO_USAGE, runInfo } from './info.ts';
import { MEASURE_USAGE, runMeasure } from './measure.ts';
import { REPORT_USAGE, runReport } from './report.ts';
import { COMPARE_USAGE, runCompare } from './compare.ts';
import { SEGMENT_USAGE, runSegment } from './segment.ts';
import { ASK_USAGE, runAsk } from './ask.ts';
import { PACS_USAGE, runPacs } from './pacs.ts';
import { EVAL_USAGE, runEval } from './eval.ts';
import { GROUND_USAGE, runGround } from './ground.ts';
import { SERVE_USAGE, runServe } from './serve.ts';
import { TOKEN_USAGE, runToken } from './token.ts';

type Command = (argv: string[], config: ReturnType<typeof loadConfig>, out: (s: string) => void) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  demo: { run: runDemo, usage: DEMO_USAGE },
  info: { run: runInfo, usage: INFO_USAGE },
  measure: { run: runMeasure, usage: MEASURE_USAGE },
  report: { run: runReport, usage: REPORT_USAGE },
  compare: { run: runCompare, usage: COMPARE_USAGE },
  segment: { run: runSegment, usage: SEGMENT_USAGE },
  ask: { run: runAsk, usage: ASK_USAGE },
  pacs: { run: runPacs, usage: PACS_USAGE },
  eval: { run: runEval, usage: EVAL_USAGE },
  serve: { run: runServe, usage: SERVE_USAGE },
  token: { run: runToken, usage: TOKEN_USAGE },
  ground: { run: runGround, usage: GROUND_USAGE },
};

function usage(): string {
  return `groundct — CT to grounded draft radiology report\n\nCommands:\n${Object.values(COMMANDS)
    .map((c) => '  ' + c.usage.split('\n').join('\n  '))
    .join('\n\n')}\n`;
}

/** Entry point of the `groundct` command; returns the process exit code (0 ok, 1 bad input, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const out = (s: string) => void process.stdout.write(s);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`groundct: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, loadConfig(), out);
  } catch (e) {
    if (isGroundctError(e)) {
      process.stderr.write(`groundct ${name}: ${e.code}: ${e.message}\nhint: ${e.hint}\n`);
      return e.code === 'GCT_CLI_USAGE' ? 2 : 1;
    }
    process.stderr.write(`groundct ${name}: GCT_INTERNAL: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}
