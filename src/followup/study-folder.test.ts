import { mkdtempSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.ts';
import { deriveFindings } from '../findings/index.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { measureStudy } from '../measure/index.ts';
import { generateStudy } from '../phantom/index.ts';
import { boneSurfaceRas, extractBoneSurface } from './bone-surface.ts';
import { lesionVoxels } from './lesion-voxels.ts';
import { compressLabelLayers, labelLayerFile, loadStudyFolder, writeStudyFiles } from './study-folder.ts';
import { studyIdentity } from './study-identity.ts';

/**
 * The report folder of schema version 2: written, read back identical, and every kind of damage refused with a
 * coded error naming the folder (broken parsers are part of the contract: nothing half-read is trusted).
 */
const config = defaultConfig();
const root = mkdtempSync(join(tmpdir(), 'gct-folder-'));
const study = generateStudy({ name: 'small', seed: 2, spacingMm: [4, 4, 4], fovMm: [360, 280, 200], lesions: [{ organ: 'liver', segment: 7, diameterMm: 24 }] });
let good: string;

beforeAll(async () => {
  const kb = await loadKnowledgeBase();
  const measurements = measureStudy(study.ct, study.labels, { measure: config.measure, provenance: { ct: 'phantom', masks: 'phantom' } });
  const findings = deriveFindings(measurements, kb);
  const bone = extractBoneSurface(study.ct, config.followup);
  const identity = studyIdentity({ ct: study.ct, labels: study.labels, boneSurface: bone, provenance: { ct: 'phantom', masks: 'phantom' }, studyDate: '2026-01-05' }, config.followup);
  good = join(root, 'good');
  await mkdir(good);
  await writeFile(join(good, 'measurements.json'), JSON.stringify(measurements));
  await writeFile(join(good, 'findings.json'), JSON.stringify(findings));
  await writeFile(join(good, 'report.json'), '{}');
  await writeStudyFiles(good, identity, study.labels, bone);
}, 60_000);

/** A copy of the good folder with one change. */
async function damaged(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, name);
  await cp(good, dir, { recursive: true });
  await change(dir);
  return dir;
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('report folder (schema version 2)', () => {
  it('label layers compressed ahead (compressLabelLayers) are written byte for byte as those compressed on writing', async () => {
    const ahead = compressLabelLayers(study.labels);
    expect([...ahead.keys()].sort()).toEqual([0, 1]);
    const dir = join(root, 'ahead');
    await mkdir(dir);
    const identity = JSON.parse(await readFile(join(good, 'study.json'), 'utf8'));
    await writeStudyFiles(dir, identity, study.labels, null, { compressedLayers: ahead, withIdentity: false });
    for (const layer of [0, 1]) expect(await readFile(join(dir, labelLayerFile(layer)))).toEqual(await readFile(join(good, labelLayerFile(layer))));
  });

  it('reads back the identity, label layers, bone surface and lesions exactly', async () => {
    const s = await loadStudyFolder(good, config.volume);
    expect(s.identity).toMatchObject({ folderSchemaVersion: 2, studyDate: '2026-01-05', labels: { layers: [0, 1] } });
    expect([...(await s.labelLayer(0))]).toEqual([...study.labels.layers[0]]);
    expect([...(await s.labelLayer(1))]).toEqual([...study.labels.layers[1]]);
    expect([...s.boneSurfaceRas!]).toEqual([...boneSurfaceRas(extractBoneSurface(study.ct, config.followup).ijk, study.ct.grid)]);
    const voxels = await lesionVoxels(s, s.measurements.lesions);
    expect([...voxels.keys()]).toEqual(['liver_lesion-1']);
    expect(voxels.get('liver_lesion-1')!.length).toBe(s.measurements.lesions[0].voxelCount);
  });

  it('refuses a folder of the older schema (no study.json) with a hint to report again', async () => {
    const old = await damaged('old', (d) => rm(join(d, 'study.json')));
    const e = await loadStudyFolder(old, config.volume).catch((x) => x);
    expect(e).toMatchObject({ code: 'GCT_FOLLOWUP_FOLDER_OUTDATED', details: { folderSchemaVersion: 1 } });
    expect(e.message).toContain('folder schema version 1');
    expect(e.hint).toContain('groundct report');
    for (const version of [1, 3]) {
      const dir = await damaged(`v${version}`, async (d) => {
        const s = JSON.parse(await readFile(join(d, 'study.json'), 'utf8'));
        await writeFile(join(d, 'study.json'), JSON.stringify({ ...s, folderSchemaVersion: version }));
      });
      await expect(loadStudyFolder(dir, config.volume)).rejects.toThrow(code('GCT_FOLLOWUP_FOLDER_OUTDATED'));
    }
  });

  it('refuses damaged folders with GCT_FOLLOWUP_FOLDER_INVALID naming the problem', async () => {
    const cases: [string, (d: string) => Promise<void>, RegExp][] = [
      ['not-json', (d) => writeFile(join(d, 'study.json'), '{"kind": "study",'), /study.json is not valid JSON/],
      ['bad-field', async (d) => {
        const s = JSON.parse(await readFile(join(d, 'study.json'), 'utf8'));
        await writeFile(join(d, 'study.json'), JSON.stringify({ ...s, studyDate: '5.1.2026' }));
      }, /study.json does not match its schema: studyDate/],
      ['no-measurements', (d) => rm(join(d, 'measurements.json')), /measurements.json cannot be read/],
      ['other-grid', async (d) => {
        const m = JSON.parse(await readFile(join(d, 'measurements.json'), 'utf8'));
        m.study.dims = [10, 10, 10];
        await writeFile(join(d, 'measurements.json'), JSON.stringify(m));
      }, /was measured on a 10x10x10 grid/],
      ['bad-findings', (d) => writeFile(join(d, 'findings.json'), '{"kind": "findings"}'), /findings.json does not match its schema/],
      ['short-bone', async (d) => writeFile(join(d, 'bone-surface.u16'), (await readFile(join(d, 'bone-surface.u16'))).subarray(0, 100)), /bone-surface.u16 holds 100 bytes/],
      ['bad-table', (d) => writeFile(join(d, 'masks.labels.json'), JSON.stringify({ layers: 3, labels: [{ id: 1, name: 'x', layer: 2 }] })), /layer 2, which study.json lists no file for/],
    ];
    for (const [name, change, message] of cases) {
      const dir = await damaged(name, change);
      const e = await loadStudyFolder(dir, config.volume).catch((x) => x);
      expect(e, name).toMatchObject({ code: 'GCT_FOLLOWUP_FOLDER_INVALID' });
      expect(e.message, name).toMatch(message);
    }
    await expect(loadStudyFolder(join(root, 'absent'), config.volume)).rejects.toThrow(code('GCT_FOLLOWUP_FOLDER_INVALID'));
  });

  it('refuses a missing or corrupt label layer, and label volumes that do not reproduce the measured lesions', async () => {
    const missing = await loadStudyFolder(await damaged('no-layer', (d) => rm(join(d, labelLayerFile(0)))), config.volume);
    await expect(missing.labelLayer(0)).rejects.toThrow(code('GCT_FOLLOWUP_FOLDER_INVALID'));
    const corrupt = await loadStudyFolder(await damaged('bad-layer', (d) => writeFile(join(d, labelLayerFile(0)), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))), config.volume);
    await expect(corrupt.labelLayer(0)).rejects.toThrow(/masks-0.nii.gz cannot be read/);
    // Another study's layer 0 (no lesion there) in place of this one's.
    const other = generateStudy({ name: 'other', seed: 2, spacingMm: [4, 4, 4], fovMm: [360, 280, 200] });
    const swapped = await loadStudyFolder(await damaged('swapped', async (d) => {
      const tmp = join(root, 'other-layer');
      await mkdir(tmp, { recursive: true });
      const id = studyIdentity({ ct: other.ct, labels: other.labels, boneSurface: null, provenance: { ct: 'o', masks: null } }, config.followup);
      await writeStudyFiles(tmp, id, other.labels, null);
      await cp(join(tmp, labelLayerFile(0)), join(d, labelLayerFile(0)));
    }), config.volume);
    await expect(lesionVoxels(swapped, swapped.measurements.lesions)).rejects.toThrow(/do not reproduce lesion liver_lesion-1/);
  });
});
