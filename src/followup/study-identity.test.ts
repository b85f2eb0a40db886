import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { patientIdDigest } from '../volume/readers/dicom-series.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { patientIdKeyId, studyIdentity } from './study-identity.ts';
import { StudyIdentitySchema } from './types.ts';

const grid = { dims: [4, 4, 4] as const, ijkToRas: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
const labels = { kind: 'labelmap', grid, layers: [new Uint8Array(64)], labels: [{ id: 1, name: 'liver', layer: 0 }], meta: { source: { format: 'nifti', path: 'x' } } } as LabelMap;

function volume(meta: Partial<Volume['meta']>): Volume {
  return { kind: 'volume', grid, data: new Int16Array(64), meta: { source: { format: 'dicom', path: 'ct/' }, ...meta } };
}

describe('studyIdentity', () => {
  it('keeps the study date and Frame of Reference, and the patient ID only as a keyed hash', () => {
    const digest = patientIdDigest('PAT-0042')!;
    const id = studyIdentity({ ct: volume({ studyDate: '2026-03-02', frameOfReferenceUid: '1.2.3', patientIdDigest: digest }), labels, boneSurface: null, provenance: { ct: 'ct/', masks: null } }, { patientIdKey: 'site-secret' });
    expect(StudyIdentitySchema.parse(id)).toEqual(id);
    expect(id).toMatchObject({ kind: 'study', folderSchemaVersion: 2, studyDate: '2026-03-02', frameOfReferenceUid: '1.2.3', labels: { table: 'masks.labels.json', layers: [0] } });
    expect(id.patientIdHash).toEqual({ algorithm: 'hmac-sha256', keyId: patientIdKeyId('site-secret'), value: createHmac('sha256', 'site-secret').update(digest).digest('hex') });
    const text = JSON.stringify(id);
    expect(text).not.toContain('PAT-0042');
    expect(text).not.toContain(digest);
  });

  it('the same ID under another key gives another hash and key id; no ID gives no hash', () => {
    const digest = patientIdDigest(' PAT-0042 ')!; // DICOM pads values: trimmed
    expect(digest).toBe(patientIdDigest('PAT-0042'));
    const a = studyIdentity({ ct: volume({ patientIdDigest: digest }), labels, boneSurface: null, provenance: { ct: 'a', masks: null } }, { patientIdKey: 'k1' });
    const b = studyIdentity({ ct: volume({ patientIdDigest: digest }), labels, boneSurface: null, provenance: { ct: 'b', masks: null } }, { patientIdKey: 'k2' });
    expect(a.patientIdHash!.value).not.toBe(b.patientIdHash!.value);
    expect(a.patientIdHash!.keyId).not.toBe(b.patientIdHash!.keyId);
    expect(patientIdDigest('  ')).toBeUndefined();
    expect(studyIdentity({ ct: volume({}), labels, boneSurface: null, provenance: { ct: 'c', masks: null } }, { patientIdKey: 'k1' }).patientIdHash).toBeUndefined();
  });

  it('a given study date overrides the header; a malformed one is refused', () => {
    const id = studyIdentity({ ct: volume({ studyDate: '2020-01-01' }), labels, boneSurface: null, provenance: { ct: 'c', masks: null }, studyDate: '2026-01-05' }, { patientIdKey: 'k' });
    expect(id.studyDate).toBe('2026-01-05');
    expect(() => studyIdentity({ ct: volume({}), labels, boneSurface: null, provenance: { ct: 'c', masks: null }, studyDate: '05.01.2026' }, { patientIdKey: 'k' })).toThrow(expect.objectContaining({ code: 'GCT_FOLLOWUP_INPUT_INVALID' }));
  });
});
