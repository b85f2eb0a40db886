import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from './config.ts';
import { GROUNDCT_VERSION } from './version.ts';

describe('configuration', () => {
  it('has documented defaults (RadGPT minimum lesion volume 50 mm3) and is frozen', () => {
    const c = defaultConfig();
    expect(c.measure.minLesionVolumeMm3).toBe(50);
    expect(Object.isFrozen(c.volume)).toBe(true);
  });

  it('merges file < environment < overrides', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gct-')), 'c.json');
    writeFileSync(file, JSON.stringify({ measure: { minLesionVolumeMm3: 10 }, volume: { gridToleranceMm: 0.5 } }));
    const c = loadConfig({ file, env: { GROUNDCT_MEASURE__MIN_LESION_VOLUME_MM3: '20' }, overrides: { volume: { gridToleranceMm: 0.2 } } });
    expect(c.measure.minLesionVolumeMm3).toBe(20);
    expect(c.volume.gridToleranceMm).toBe(0.2);
  });

  it('lists every failing field at once under GCT_CONFIG_INVALID', () => {
    try {
      loadConfig({ env: { GROUNDCT_MEASURE__MIN_LESION_VOLUME_MM3: '-1', GROUNDCT_VOLUME__GRID_TOLERANCE_MM: '"wide"' } });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; details: { fields: { field: string }[] } };
      expect(err.code).toBe('GCT_CONFIG_INVALID');
      expect(err.details.fields.map((f) => f.field).sort()).toEqual(['measure.minLesionVolumeMm3', 'volume.gridToleranceMm']);
    }
  });

  it('the version written into provenance is package.json version', () => {
    expect(GROUNDCT_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });
});
