import { describe, expect, it } from 'vitest';
import { createProgress, NO_PROGRESS, progressText } from './progress.ts';

/** A sink that records what is written, with a clock the test moves. */
function sink(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  return { writes, sink: { isTTY, write: (s: string) => writes.push(s) }, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progressText', () => {
  it('states stage, percent, elapsed and a linear estimate of the time left', () => {
    // 25 % done in 3 s: 9 s left at the same rate.
    expect(progressText('groundct report', 'measure', 0.25, 3000)).toBe('groundct report: measure  25 %  3.0 s elapsed, about 9.0 s left');
    expect(progressText('groundct segment', 'infer', 0.5, 90_000)).toBe('groundct segment: infer  50 %  1 min 30 s elapsed, about 1 min 30 s left');
  });
  it('gives no estimate before 2 % or half a second (early rates mislead), nor at 100 %', () => {
    expect(progressText('x', 'read', 0.01, 5000)).toBe('x: read   1 %  5.0 s elapsed');
    expect(progressText('x', 'read', 0.5, 200)).toBe('x: read  50 %  0.2 s elapsed');
    expect(progressText('x', 'ground', 1, 4000)).toBe('x: ground 100 %  4.0 s elapsed');
  });
});

describe('createProgress', () => {
  it('writes nothing when stderr is not a terminal (auto) or with --quiet', () => {
    const pipe = sink(false);
    const p = createProgress('groundct report', 'auto', pipe.sink, pipe.now);
    p.update('read', 0);
    p.done();
    expect(pipe.writes).toEqual([]);
    const quiet = sink(true);
    expect(createProgress('groundct report', 'off', quiet.sink, quiet.now)).toBe(NO_PROGRESS);
  });

  it('on a terminal redraws one line in place, at most 10 times a second within a stage, and ends it', () => {
    const tty = sink(true);
    const p = createProgress('groundct ask', 'auto', tty.sink, tty.now);
    p.update('question 1 of 4', 0);
    tty.advance(50);
    p.update('question 1 of 4', 0.1); // same stage within 100 ms: skipped
    p.update('question 2 of 4', 0.25); // a new stage is always shown
    tty.advance(1000);
    p.done();
    expect(tty.writes).toEqual([
      '\rgroundct ask: question 1 of 4   0 %  0.0 s elapsed\x1b[K',
      '\rgroundct ask: question 2 of 4  25 %  0.1 s elapsed\x1b[K',
      '\rgroundct ask: done in 1.1 s\x1b[K\n',
    ]);
    p.update('late', 1);
    p.done();
    expect(tty.writes).toHaveLength(3);
  });

  it('with --progress and no terminal writes plain lines: each stage, then at most one a second', () => {
    const pipe = sink(false);
    const p = createProgress('groundct eval', 'on', pipe.sink, pipe.now);
    p.update('case a', 0);
    pipe.advance(400);
    p.update('case a', 0.1);
    pipe.advance(700);
    p.update('case a', 0.2);
    p.done();
    expect(pipe.writes).toEqual(['groundct eval: case a   0 %  0.0 s elapsed\n', 'groundct eval: case a  20 %  1.1 s elapsed, about 4.4 s left\n', 'groundct eval: done in 1.1 s\n']);
  });
});
