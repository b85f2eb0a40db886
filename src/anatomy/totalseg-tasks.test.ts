import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { getStructure, normaliseName, structureOrNull, TOTALSEG_TASKS, totalsegTaskLabelNames } from './index.ts';

describe('TotalSegmentator task class maps', () => {
  it('gives each listed task its label map with ids from 1', () => {
    const m = totalsegTaskLabelNames('aortic_dissection')!;
    expect([...m.entries()]).toEqual([[1, 'aorta_true_lumen'], [2, 'aorta_false_lumen']]);
    expect(totalsegTaskLabelNames('total')!.get(52)).toBe('aorta');
    expect(totalsegTaskLabelNames('no_such_task')).toBeNull();
    expect(totalsegTaskLabelNames('toString')).toBeNull();
  });

  it('knows every class of every listed task (canonical, or an alias of one)', () => {
    for (const [task, t] of Object.entries(TOTALSEG_TASKS)) {
      for (const name of t.classes) expect(normaliseName(name).canonical, `${task}: ${name}`).not.toBeNull();
    }
  });

  it('reads a name shared by two tasks as one structure', () => {
    expect(TOTALSEG_TASKS.total.classes).toContain('aorta');
    expect(TOTALSEG_TASKS.heartchambers_highres.classes).toContain('aorta');
    expect(TOTALSEG_TASKS.aorta_annulus.classes).toContain('sinotubular_junction');
    expect(TOTALSEG_TASKS.pulmonary_artery_landmarks.classes).toContain('sinotubular_junction');
    expect(normaliseName('annulus').canonical).toBe('annulus_proper');
    expect(getStructure('aorta_false_lumen').parent).toBe('aorta');
    expect(getStructure('pul_bifurcation').kind).toBe('landmark');
    expect(getStructure('torso_fat').kind).toBe('tissue');
    expect(structureOrNull('psoas_major_left')?.laterality).toBe('left');
  });

  it.skipIf(!HAS_SHARED_DATA)(`equals TotalSegmentator's class_map_all_tasks.json for every listed task (${HAS_SHARED_DATA ? 'shared data' : NO_DATA_REASON})`, () => {
    const all = JSON.parse(readFileSync(dataPath('totalseg', 'class_map_all_tasks.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const [task, t] of Object.entries(TOTALSEG_TASKS)) {
      const theirs = all[task];
      expect(theirs, task).toBeDefined();
      const ids = Object.keys(theirs).map(Number).sort((a, b) => a - b);
      expect(ids.map((id) => theirs[String(id)]), task).toEqual([...t.classes]);
      expect(ids, task).toEqual(t.classes.map((_, i) => i + 1));
    }
  });
});
