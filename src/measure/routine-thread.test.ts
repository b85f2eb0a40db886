import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.ts';
import { abdomenPreset, generateStudy } from '../phantom/index.ts';
import { aortaPhantom } from '../phantom/vessel-phantom.ts';
import { measureStudy, measureStudyConcurrently, routineOnThread, ROUTINE_THREAD_MIN_VOXELS } from './measure-study.ts';
import { startRoutineThread } from './routine-thread.ts';

describe('routine measurements on a worker thread', () => {
  it('give exactly the measurements of the inline path (aorta phantom with an aneurysm, its volumes copied to shared memory)', async () => {
    const p = aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: { arcMm: 330, extraRadiusMm: 8, sigmaMm: 6 } });
    const options = { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } };
    const inline = measureStudy(p.ct, p.labels, options);
    const threaded = await measureStudyConcurrently(p.ct, p.labels, options);
    expect(inline.routine?.vessels.length).toBeGreaterThan(0);
    expect(threaded).toEqual(inline);
    // The phantom's arrays were ordinary ones: they were copied for the thread, the caller's stay as they were.
    expect(p.ct.data.buffer instanceof SharedArrayBuffer).toBe(false);
  }, 60_000);

  // The thread computes the structure statistics too; the lesions' organ, location and vessel contacts on this
  // thread are made from the thread's statistics.
  it('give exactly the measurements of the inline path on a study with lesions in organs next to vessels', async () => {
    const study = generateStudy(abdomenPreset());
    const options = { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } };
    const inline = measureStudy(study.ct, study.labels, options);
    const threaded = await measureStudyConcurrently(study.ct, study.labels, options);
    expect(inline.lesions.length).toBeGreaterThan(1);
    expect(inline.lesions.some((l) => l.organ !== null && l.contacts.length > 0)).toBe(true);
    expect(threaded).toEqual(inline);
  }, 60_000);

  it("the thread's failure reaches both answers with its code", async () => {
    const p = aortaPhantom({ spacingMm: [3, 3, 3] });
    const shortLayer = { ...p.labels, layers: [p.labels.layers[0].subarray(1)] };
    const thread = startRoutineThread(p.ct, shortLayer);
    await expect(thread.structures).rejects.toMatchObject({ code: 'GCT_MEASURE_INPUT_INVALID' });
    await expect(thread.routine).rejects.toMatchObject({ code: 'GCT_MEASURE_INPUT_INVALID' });
  }, 60_000);

  it('routine off: no thread is started and no routine block is written', async () => {
    const p = aortaPhantom({ spacingMm: [3, 3, 3] });
    const m = await measureStudyConcurrently(p.ct, p.labels, { measure: { ...defaultConfig().measure, routine: false }, provenance: { ct: 'phantom', masks: 'phantom' } });
    expect('routine' in m).toBe(false);
  });

  it("'auto' uses the thread only for large studies run from the built code; 'always' and 'never' decide alone", () => {
    const small = { data: new Int16Array(1000) } as never;
    const large = { data: { length: ROUTINE_THREAD_MIN_VOXELS } } as never;
    expect(routineOnThread(small, 'always')).toBe(true);
    expect(routineOnThread(large, 'never')).toBe(false);
    expect(routineOnThread(small, 'auto')).toBe(false);
    // The tests run the TypeScript sources, where 'auto' keeps the routine inline even for a large study.
    expect(routineOnThread(large, 'auto')).toBe(false);
  });

  it("the built code (what the command runs) takes the thread under 'auto' for a large study", async () => {
    const built = (await import(new URL('../../dist/measure/measure-study.js', import.meta.url).href)) as typeof import('./measure-study.ts');
    expect(built.routineOnThread({ data: { length: ROUTINE_THREAD_MIN_VOXELS } } as never, 'auto')).toBe(true);
    expect(built.routineOnThread({ data: { length: ROUTINE_THREAD_MIN_VOXELS - 1 } } as never, 'auto')).toBe(false);
  });
});
