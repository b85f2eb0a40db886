import { describe, expectTypeOf, it } from 'vitest';
import { ijkPoint, ijkToRasPoint, rasPoint, type IjkPoint, type RasPoint } from '../../src/volume/geometry.ts';

describe('branded geometry types', () => {
  it('a RasPoint is not accepted where an IjkPoint is expected, and vice versa', () => {
    expectTypeOf(rasPoint(1, 2, 3)).not.toMatchTypeOf<IjkPoint>();
    expectTypeOf(ijkPoint(1, 2, 3)).not.toMatchTypeOf<RasPoint>();
    expectTypeOf(ijkToRasPoint).parameter(1).toEqualTypeOf<IjkPoint>();
    expectTypeOf(ijkToRasPoint).returns.toEqualTypeOf<RasPoint>();
  });
});
