/** `groundct segment` (runSegment): writes the multilabel NIfTI and its label map JSON; both read back. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labelMapJsonPath, runSegment } from '../../src/cli/segment.ts';
import { defaultConfig } from '../../src/config.ts';
import { readMasks, readVolume } from '../../src/volume/index.ts';
import { REPO_ROOT } from '../helpers/data.ts';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/segment');
const dir = mkdtempSync(join(tmpdir(), 'gct-seg-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundct segment', () => {
  const config = defaultConfig();
  it('with --model writes the model labels on the CT grid, equal to the reference, and the label map JSON', async () => {
    const out = join(dir, 'seg.nii.gz');
    const printed: string[] = [];
    const code = await runSegment([join(FIXTURES, 'cases/lps_fine_ct.nii.gz'), '--out', out, '--model', join(FIXTURES, 'tiny-conv')], config, (s) => printed.push(s));
    expect(code).toBe(0);
    expect(labelMapJsonPath(out)).toBe(join(dir, 'seg.json'));
    expect(JSON.parse(readFileSync(join(dir, 'seg.json'), 'utf8'))).toEqual({ 1: 'liver', 2: 'spleen' });
    const written = await readMasks(out, config.volume, { labelMapPath: join(dir, 'seg.json') });
    const ref = await readVolume(join(FIXTURES, 'cases/lps_fine_tiny-conv_ref.nii.gz'), config.volume);
    expect(Array.from(written.layers[0])).toEqual(Array.from(ref.data));
  });
  it('refuses a missing --out and an unknown model', async () => {
    await expect(runSegment([join(FIXTURES, 'cases/lps_fine_ct.nii.gz')], config, () => {})).rejects.toMatchObject({ code: 'GCT_CLI_USAGE' });
    await expect(runSegment([join(FIXTURES, 'cases/lps_fine_ct.nii.gz'), '--out', join(dir, 'x.nii.gz'), '--model', 'no-such-model'], config, () => {})).rejects.toMatchObject({ code: 'GCT_SEGMENT_MODEL_NOT_FOUND' });
  });
});
