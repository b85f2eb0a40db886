/**
 * Progress lines for long commands, on stderr: `groundct report: segment 42 %  3.1 s elapsed, about 4.3 s left`.
 *
 * As TotalSegmentator's and nnU-Net's command lines do, a terminal sees one line rewritten in place; a pipe or a
 * file sees nothing extra, so scripted output stays as it was. `--progress` forces plain lines (one per stage,
 * and at most one per second within a stage) where there is no terminal; `--quiet` silences them.
 */

/** auto: on when stderr is a terminal; on: always (plain lines without one); off: never. */
export type ProgressMode = 'auto' | 'on' | 'off';

export interface Progress {
  /** `fraction` of the whole command done (0-1) as it enters or goes through `stage`. */
  update(stage: string, fraction: number): void;
  /** Ends the line (the final elapsed time on a terminal). Call once, also on failure. */
  done(): void;
}

/** A silent Progress, for library callers and tests. */
export const NO_PROGRESS: Progress = { update() {}, done() {} };

/** Where lines go and how time is read: process.stderr and performance.now() unless a test gives others. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Fewest milliseconds between two redraws on a terminal (10 per second) and between two plain lines. */
const TTY_REDRAW_MS = 100;
const PLAIN_LINE_MS = 1000;
/** No estimate before this share is done or this much time has passed: early rates mislead. */
const ESTIMATE_MIN_FRACTION = 0.02;
const ESTIMATE_MIN_ELAPSED_MS = 500;

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

/** The text of one progress line (no line end). */
export function progressText(label: string, stage: string, fraction: number, elapsedMs: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const left = f >= ESTIMATE_MIN_FRACTION && elapsedMs >= ESTIMATE_MIN_ELAPSED_MS && f < 1 ? `, about ${seconds((elapsedMs * (1 - f)) / f)} left` : '';
  return `${label}: ${stage} ${String(Math.floor(f * 100)).padStart(3)} %  ${seconds(elapsedMs)} elapsed${left}`;
}

/**
 * A progress line for `label` (e.g. 'groundct report'). Linear estimate: remaining = elapsed x (1 - f) / f,
 * the rule of thumb tqdm uses; stages of unequal speed make it approximate, which the word "about" admits.
 */
export function createProgress(label: string, mode: ProgressMode, sink: ProgressSink = process.stderr, now: () => number = () => performance.now()): Progress {
  const tty = sink.isTTY === true;
  if (mode === 'off' || (mode === 'auto' && !tty)) return NO_PROGRESS;
  const start = now();
  let lastDraw = -Infinity;
  let lastStage = '';
  let lastText = '';
  let ended = false;
  return {
    update(stage, fraction) {
      if (ended) return;
      const t = now();
      const stageChanged = stage !== lastStage;
      if (!stageChanged && t - lastDraw < (tty ? TTY_REDRAW_MS : PLAIN_LINE_MS)) return;
      lastDraw = t;
      lastStage = stage;
      lastText = progressText(label, stage, fraction, t - start);
      // \r + erase to end of line (ECMA-48 EL): the line is redrawn in place.
      sink.write(tty ? `\r${lastText}\x1b[K` : `${lastText}\n`);
    },
    done() {
      if (ended) return;
      ended = true;
      if (lastText === '') return;
      const text = `${label}: done in ${seconds(now() - start)}`;
      sink.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}
