/**
 * A long-lived process that runs `groundct` commands in-process for the corpus runner (run.ts), one at a time:
 * it receives `{ id, argv }` over IPC, calls the CLI's `main` with stdout and stderr captured, and answers
 * `{ id, code, stdout, stderr, ms, maxRssKb }`. Starting Node + tsx + the CLI once instead of once per input
 * is what keeps the corpus fast; a hang or crash is the runner's to detect (it kills and replaces the child).
 */
import { readFileSync } from 'node:fs';
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
  /** Peak resident set of this process so far (VmHWM on Linux, else process.resourceUsage), KiB. */
  readonly maxRssKb: number;
}

const MAX_CAPTURE = 256 * 1024;

/**
 * Peak RSS of this process image, KiB. Linux keeps getrusage's ru_maxrss across fork and execve, so a child spawned
 * by a large parent (a vitest worker that ran other test files) would report the parent's size; VmHWM belongs to
 * this process's own address space.
 */
function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS;
}

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
  return { id: req.id, code, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - start, maxRssKb: peakRssKb() };
}

process.on('message', (req: ChildRequest) => {
  void runOne(req).then((reply) => process.send!(reply));
});
process.send!({ ready: true });
