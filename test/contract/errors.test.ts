import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, GroundctError } from '../../src/errors.ts';
import { renderErrorsDoc } from '../../scripts/errors-doc.ts';

describe('error catalogue', () => {
  it('each key equals its code and follows GCT_<STAGE>_<PROBLEM>', () => {
    for (const [key, spec] of Object.entries(ERRORS)) {
      expect(spec.code).toBe(key);
      expect(key).toMatch(/^GCT_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(spec.statusCode).toBeGreaterThanOrEqual(400);
      expect(spec.hint.length).toBeGreaterThan(10);
    }
  });

  it('docs/errors.md lists every code and is current (regenerate with npx tsx scripts/errors-doc.ts)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERRORS)) expect(doc).toContain(`\`${code}\``);
    expect(doc).toBe(renderErrorsDoc());
  });

  it('GroundctError carries status, hint and details and serialises without the stack', () => {
    const e = new GroundctError('GCT_VOLUME_TRUNCATED', 'x.nii: expected 10 bytes, found 4', { details: { path: 'x.nii' } });
    expect(e.statusCode).toBe(422);
    expect(e.toJSON()).toEqual({ code: 'GCT_VOLUME_TRUNCATED', message: 'x.nii: expected 10 bytes, found 4', hint: ERRORS.GCT_VOLUME_TRUNCATED.hint, details: { path: 'x.nii' } });
  });
});
