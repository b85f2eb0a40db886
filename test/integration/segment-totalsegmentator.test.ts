/**
 * TotalSegmentator as an engine (--segmenter totalsegmentator), through the real groundct command. No
 * TotalSegmentator is installed here: test/fixtures/totalsegmentator/TotalSegmentator is a stand-in with
 * TotalSegmentator's command line that writes TotalSegmentator's real output for its example CT (the per-class
 * masks of ../shared/data/totalseg/example_seg_fast, read at test time) and fails for anything else. The
 * measured volumes must equal TotalSegmentator's own statistics.json for those masks.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/measure/index.ts';
import { runGroundct } from '../helpers/cli.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON, REPO_ROOT } from '../helpers/data.ts';

const STAND_IN = join(REPO_ROOT, 'test/fixtures/totalsegmentator');
/** PATH with the stand-in first and node's own folder (the stand-in runs under `#!/usr/bin/env node`). */
const WITH_STAND_IN = { PATH: [STAND_IN, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter) };
const WITHOUT = { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter) };
const dir = mkdtempSync(join(tmpdir(), 'gct-totalseg-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_SHARED_DATA)(`groundct report --segmenter totalsegmentator${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const ct = dataPath('totalseg/example_ct_sm.nii.gz');

  it('runs the command found on PATH and measures its output exactly as TotalSegmentator does', async () => {
    const out = join(dir, 'report');
    const r = await runGroundct(['report', ct, '--segmenter', 'totalsegmentator', '--out', out], { env: WITH_STAND_IN });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'measurements.json'), 'utf8')) as Measurements;
    const stats = JSON.parse(readFileSync(dataPath('totalseg/example_seg_fast/statistics.json'), 'utf8')) as Record<string, { volume: number; intensity: number }>;
    const present = Object.entries(stats).filter(([, s]) => s.volume > 0);
    expect(present.length).toBeGreaterThan(20);
    for (const [name, s] of present) {
      const measured = m.structures.find((x) => x.name === name || x.sourceName === name);
      expect(measured, name).toBeDefined();
      expect(measured!.volumeMm3).toBeCloseTo(s.volume, 3);
      expect(measured!.huMean).toBeCloseTo(s.intensity, 3);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('The pancreas is normal in size');
  });

  it('says how to install TotalSegmentator when it is not on PATH, and writes nothing', async () => {
    const out = join(dir, 'absent');
    const r = await runGroundct(['report', ct, '--segmenter', 'totalsegmentator', '--out', out], { env: WITHOUT });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GCT_SEGMENT_ENGINE_NOT_FOUND');
    expect(r.stderr).toContain('pip install TotalSegmentator');
    expect(existsSync(out)).toBe(false);
  });

  it('reports a failing task with the engine\'s own message, and writes nothing', async () => {
    const out = join(dir, 'failed');
    const r = await runGroundct(['report', ct, '--segmenter', 'totalsegmentator:total,lung_vessels', '--out', out], { env: WITH_STAND_IN });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GCT_SEGMENT_ENGINE_FAILED');
    expect(r.stderr).toContain("task 'lung_vessels' has no recorded output");
    expect(existsSync(out)).toBe(false);
  });

  it('groundct segment writes the engine\'s classes as one multilabel file with its label map', async () => {
    const out = join(dir, 'seg.nii.gz');
    const r = await runGroundct(['segment', ct, '--segmenter', 'totalsegmentator:total', '--out', out], { env: WITH_STAND_IN });
    expect(r.code, r.stderr).toBe(0);
    const names = Object.values(JSON.parse(readFileSync(join(dir, 'seg.json'), 'utf8')) as Record<string, string>);
    expect(names).toContain('liver');
    expect(names).toContain('vertebrae_T12');
  });
});
