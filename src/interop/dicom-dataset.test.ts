import { describe, expect, it } from 'vitest';
import { decodePart10, ds, encodePart10, newUid } from './dicom-dataset.ts';

describe('DICOM data set helpers', () => {
  it('formats decimal strings in at most 16 characters (PS3.5 6.2)', () => {
    expect(ds(0)).toBe('0');
    expect(ds(-0)).toBe('0');
    expect(ds(1.5)).toBe('1.5');
    expect(ds(-179.33333333333334)).toBe('-179.33333333333');
    expect(ds(1e-20).length).toBeLessThanOrEqual(16);
    expect(Number(ds(Math.PI))).toBeCloseTo(Math.PI, 13);
  });

  it('makes 2.25 UUID UIDs of at most 64 characters (PS3.5 B.2)', () => {
    const uid = newUid();
    expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(newUid()).not.toBe(uid);
  });

  it('round-trips a data set with a sequence, and refuses an unknown keyword instead of dropping it', () => {
    const dataset = { SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.33', SOPInstanceUID: '1.2.3', Modality: 'SR', ContentSequence: [{ ValueType: 'TEXT', TextValue: 'a liver lesion' }] };
    const back = decodePart10(encodePart10(dataset));
    expect(back.Modality).toBe('SR');
    expect((back.ContentSequence as { TextValue: string }[])[0].TextValue).toBe('a liver lesion');
    expect(back.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(() => encodePart10({ ...dataset, PerformedProceduresCodeSequence: [] })).toThrow(/PerformedProceduresCodeSequence/);
  });
});
