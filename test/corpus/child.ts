/**
 * A long-lived process that runs `groundct` commands in-process for the corpus runner (run.ts), one at a time:
 * it receives `{ id, argv }` over IPC, calls the CLI's `main` with stdout and stderr captured, and answers
 * `{ id, code, stdout, stderr, ms, maxRssKb }`. Starting Node + tsx + the CLI once instead of once per input
 * is what keeps the corpus fast; a hang or crash is the runner's to detect (it kills and replaces the child).
 */
import { main } from '../../src/cli/main.ts';

export interface ChildRequest {
  readonly id: number;
  readonly argv: readonly string[];
}

export interface ChildReply {
  readonly id: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Peak resident set of this process so far (process.resourceUsage), KiB. */
  readonly maxRssKb: number;
}

const MAX_CAPTURE = 256 * 1024;

async function runOne(req: ChildRequest): Promise<ChildReply> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const capture = (sink: string[]) => ((chunk: unknown) => {
    if (sink.reduce((n, s) => n + s.length, 0) < MAX_CAPTURE) sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const start = performance.now();
  let code: number;
  try {
    code = await main([...req.argv]);
  } catch (e) {
    // main catches everything itself; reaching here is a bug the runner must see.
    err.push(`child: main threw: ${(e as Error)?.stack ?? String(e)}`);
    code = 99;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { id: req.id, code, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - start, maxRssKb: process.resourceUsage().maxRSS };
}

process.on('message', (req: ChildRequest) => {
  void runOne(req).then((reply) => process.send!(reply));
});
process.send!({ ready: true });
