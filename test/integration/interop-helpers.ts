/**
 * Shared set-up of the interop tests: a small synthetic abdomen (phantom truth known), written as a DICOM CT
 * series and read back (so the CT carries real UIDs), measured, with its findings and report (template narrator).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings, type Finding } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import type { NarrativeSentence } from '../../src/interop/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { buildReport, loadTemplates, type Report } from '../../src/report/index.ts';
import { abdomenPreset, generateStudy, type Study, type StudySpec } from '../../src/phantom/index.ts';
import { readVolume, sameGrid, writeDicomSeries, type LabelMap, type Volume } from '../../src/volume/index.ts';

export const PYTHON = '/usr/bin/python3';
export const DCIODVFY = '/usr/bin/dciodvfy';
export const DSRDUMP = '/usr/bin/dsrdump';
export const DCMDUMP = '/usr/bin/dcmdump';

export function hasPydicom(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Reads a TID 1500 SR with pydicom: measurement groups (tracking id, NUM values with units, segment) and texts. */
export const SR_SCRIPT = `
import sys, json, pydicom
d = pydicom.dcmread(sys.argv[1])
def name(item): return item.ConceptNameCodeSequence[0].CodeMeaning if 'ConceptNameCodeSequence' in item else None
groups, texts = [], []
def walk(items):
    for it in items:
        if it.ValueType == 'CONTAINER' and name(it) == 'Measurement Group':
            g = {'values': {}, 'segment': None}
            for c in it.ContentSequence:
                if name(c) == 'Tracking Identifier': g['id'] = c.TextValue
                if c.ValueType == 'NUM':
                    mv = c.MeasuredValueSequence[0]
                    g['values'][name(c)] = [float(mv.NumericValue), mv.MeasurementUnitsCodeSequence[0].CodeValue]
                if c.ValueType == 'IMAGE': g['segment'] = [c.ReferencedSOPSequence[0].ReferencedSOPInstanceUID, int(c.ReferencedSOPSequence[0].ReferencedSegmentNumber)]
                if c.ValueType == 'CODE' and name(c) == 'Finding Site': g['site'] = c.ConceptCodeSequence[0].CodeValue
            groups.append(g)
        elif it.ValueType == 'TEXT' and name(it) in ('Finding', 'Impression'):
            texts.append({'concept': name(it), 'text': it.TextValue, 'ids': [c.TextValue for c in it.get('ContentSequence', [])]})
        elif 'ContentSequence' in it:
            walk(it.ContentSequence)
walk(d.ContentSequence)
print(json.dumps({'title': d.ConceptNameCodeSequence[0].CodeValue, 'template': d.ContentTemplateSequence[0].TemplateIdentifier,
                  'completion': d.CompletionFlag, 'groups': groups, 'texts': texts, 'study': d.StudyInstanceUID}))
`;

/** Runs a Python script on `arg` with Debian's python3 and parses its JSON output. */
export function python(script: string, arg: string): any {
  return JSON.parse(execFileSync(PYTHON, ['-c', script, arg], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

/** 150 x 120 x 50 voxels of 2 x 2 x 3 mm: every lesion of the abdomen preset, small enough to be quick. */
export const SMALL_FOV: StudySpec['fovMm'] = [300, 240, 150];

export interface ReportedStudy {
  readonly report: Report;
  readonly study: Study;
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly measurements: Measurements;
  readonly findings: readonly Finding[];
  readonly sentences: readonly NarrativeSentence[];
}

/** Phantom -> DICOM CT series in `dir`/ct -> read back; labels stay on the phantom grid (identical for it). */
export async function reportedStudy(dir: string, overrides: Partial<StudySpec> = {}): Promise<ReportedStudy> {
  const study = generateStudy(abdomenPreset({ fovMm: SMALL_FOV, ...overrides }));
  const config = defaultConfig();
  await writeDicomSeries({ grid: study.ct.grid, data: study.ct.data }, join(dir, 'ct'), { seriesDescription: 'phantom CT', studyDate: '2024-06-01' });
  const ct = await readVolume(join(dir, 'ct'), config.volume);
  if (!sameGrid(ct.grid, study.labels.grid)) throw new Error('the phantom grid is right-handed and must read back unchanged');
  const labels = study.labels;
  const measurements = measureStudy(ct, labels, { measure: config.measure, provenance: { ct: join(dir, 'ct'), masks: null } });
  const findings = deriveFindings(measurements, await loadKnowledgeBase());
  const report = buildReport(measurements, findings, { templates: await loadTemplates() });
  return { study, ct, labels, measurements, findings: findings.findings, sentences: report.sentences, report };
}
