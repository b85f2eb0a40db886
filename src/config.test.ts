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

  it('storage: SQLite by default; GROUNDCT_STORAGE__URL selects PostgreSQL; kind postgres without a URL is refused', () => {
    expect(loadConfig({ env: {} }).storage).toMatchObject({ kind: 'sqlite', migrate: true });
    const pgConfig = loadConfig({ env: { GROUNDCT_STORAGE__URL: 'postgres://u@db:5432/groundct', GROUNDCT_SERVICE__JOBS__LEASE_MS: '5000' } });
    expect(pgConfig.storage).toMatchObject({ kind: 'postgres', url: 'postgres://u@db:5432/groundct' });
    expect(pgConfig.service.jobs.leaseMs).toBe(5000);
    // The parsed config goes through loadConfig again (CLI overrides) unchanged.
    expect(loadConfig({ env: {}, overrides: structuredClone(pgConfig) as unknown as Record<string, unknown> }).storage.kind).toBe('postgres');
    for (const env of [{ GROUNDCT_STORAGE__KIND: 'postgres' }, { GROUNDCT_STORAGE__URL: 'mysql://db/x' }, { GROUNDCT_SERVICE__ROLE: 'scheduler' }]) {
      expect(() => loadConfig({ env })).toThrow(expect.objectContaining({ code: 'GCT_CONFIG_INVALID' }));
    }
  });

  it('the version written into provenance is package.json version', () => {
    expect(GROUNDCT_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });
});
