import { GroundctError } from '../../src/errors.ts';

/** Runs `fn` and returns the GroundctError it throws; fails when it throws nothing or another error. */
export function caught(fn: () => unknown): GroundctError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GroundctError) return e;
    throw e;
  }
  throw new Error('expected a GroundctError');
}
