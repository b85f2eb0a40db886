/** The --segmenter forms and the engine lookup on PATH. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.ts';
import { caught } from '../../test/helpers/errors.ts';
import { openSegmenter, parseSegmenterSpec } from './segment-ct.ts';
import { findExecutable, totalSegmentatorSegmenter } from './totalsegmentator.ts';

const dir = mkdtempSync(join(tmpdir(), 'gct-engine-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseSegmenterSpec', () => {
  it('reads builtin, onnx:<model> and totalsegmentator with or without tasks', () => {
    expect(parseSegmenterSpec('builtin')).toEqual({ kind: 'builtin' });
    expect(parseSegmenterSpec('onnx:models/tiny')).toEqual({ kind: 'onnx', model: 'models/tiny' });
    expect(parseSegmenterSpec('totalsegmentator')).toEqual({ kind: 'totalsegmentator', tasks: ['total'] });
    expect(parseSegmenterSpec('totalsegmentator:total,lung_vessels')).toEqual({ kind: 'totalsegmentator', tasks: ['total', 'lung_vessels'] });
  });
  it('refuses anything else with the forms it accepts', () => {
    for (const bad of ['', 'onnx:', 'nnunet', 'totalsegmentator:', 'totalsegmentator:total,,x', 'builtin2']) {
      const e = caught(() => parseSegmenterSpec(bad));
      expect(e.code, bad).toBe('GCT_SEGMENT_OPTION_INVALID');
      expect(e.message).toContain('totalsegmentator:<task>');
    }
  });
});

describe('TotalSegmentator engine lookup', () => {
  const exe = join(dir, 'TotalSegmentator');
  writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  chmodSync(exe, 0o755);
  const notExecutable = join(dir, 'other', 'TotalSegmentator');
  it('finds an executable on PATH or at a path, and not a plain file', () => {
    expect(findExecutable('TotalSegmentator', ['/nonexistent', dir].join(delimiter))).toBe(exe);
    expect(findExecutable(exe, '')).toBe(exe);
    expect(findExecutable('TotalSegmentator', '/nonexistent')).toBeNull();
    expect(findExecutable(notExecutable, '')).toBeNull();
  });
  it('refuses a missing command with GCT_SEGMENT_ENGINE_NOT_FOUND and bad task names with GCT_SEGMENT_OPTION_INVALID', () => {
    const volume = defaultConfig().volume;
    expect(caught(() => totalSegmentatorSegmenter({ tasks: ['total'], command: 'TotalSegmentator', timeoutMs: 1000, volume, searchPath: '/nonexistent' })).code).toBe('GCT_SEGMENT_ENGINE_NOT_FOUND');
    expect(caught(() => totalSegmentatorSegmenter({ tasks: ['Total; rm -rf /'], command: exe, timeoutMs: 1000, volume, searchPath: '' })).code).toBe('GCT_SEGMENT_OPTION_INVALID');
  });
  it('openSegmenter needs the engine settings for TotalSegmentator', async () => {
    await expect(openSegmenter({ segmenter: { kind: 'totalsegmentator', tasks: ['total'] } })).rejects.toMatchObject({ code: 'GCT_SEGMENT_OPTION_INVALID' });
  });
});
