/**
 * DICOM SEG + SR of a report, checked by independent readers: dicom3tools' dciodvfy (IOD conformance),
 * pydicom (pixels, geometry, SR values), dcmtk's dsrdump/dcmdump, and our own SEG reader (same voxels).
 * Truth: the phantom's masks and the measurements they gave.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { writeDicomOutputs, type DicomOutputs } from '../../src/interop/index.ts';
import { allOrientations, generateStudy, abdomenPreset, reorientStudy } from '../../src/phantom/index.ts';
import { readDicomSeg } from '../../src/volume/readers/dicom-seg.ts';
import { readMasks, readVolume, splitIjkToRas, type LabelMap } from '../../src/volume/index.ts';
import { DCIODVFY, DCMDUMP, DSRDUMP, hasPydicom, python, reportedStudy, SMALL_FOV, SR_SCRIPT, type ReportedStudy } from './interop-helpers.ts';

const HAS_DCIODVFY = existsSync(DCIODVFY);
const HAS_DCMTK = existsSync(DSRDUMP) && existsSync(DCMDUMP);
const HAS_PYDICOM = hasPydicom();
const config = defaultConfig();

/** dciodvfy's "Error" lines (it prints warnings too; those are allowed). */
function dciodvfyErrors(path: string): string[] {
  const r = spawnSync(DCIODVFY, [path], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^Error/.test(l.trim()));
}

/** Voxels of `name` (a label of `labels`) as a sorted list of linear indices. */
function voxelsOf(labels: LabelMap, name: string): number[] {
  const entry = labels.labels.find((l) => l.name === name)!;
  const layer = labels.layers[entry.layer];
  const out: number[] = [];
  for (let n = 0; n < layer.length; n++) if (layer[n] === entry.id) out.push(n);
  return out;
}

const SEG_SCRIPT = `
import sys, json, pydicom, numpy as np
d = pydicom.dcmread(sys.argv[1])
px = d.pixel_array
if px.ndim == 2: px = px[None]
sh = d.SharedFunctionalGroupsSequence[0]
row_cos = np.array([float(v) for v in sh.PlaneOrientationSequence[0].ImageOrientationPatient[:3]])
col_cos = np.array([float(v) for v in sh.PlaneOrientationSequence[0].ImageOrientationPatient[3:]])
row_sp, col_sp = [float(v) for v in sh.PixelMeasuresSequence[0].PixelSpacing]
acc = {}
for f, fg in enumerate(d.PerFrameFunctionalGroupsSequence):
    n = int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    ipp = np.array([float(v) for v in fg.PlanePositionSequence[0].ImagePositionPatient])
    r, c = np.nonzero(px[f])
    pts = ipp[None, :] + c[:, None] * col_sp * row_cos[None, :] + r[:, None] * row_sp * col_cos[None, :]
    a = acc.setdefault(n, [0, np.zeros(3)])
    a[0] += len(r); a[1] += pts.sum(axis=0)
out = []
for s in d.SegmentSequence:
    n = int(s.SegmentNumber)
    t = s.SegmentedPropertyTypeCodeSequence[0]
    count, total = acc.get(n, [0, np.zeros(3)])
    out.append({'number': n, 'label': s.SegmentLabel, 'category': s.SegmentedPropertyCategoryCodeSequence[0].CodeValue,
                'type': t.get('CodeValue', t.get('LongCodeValue')), 'scheme': t.CodingSchemeDesignator,
                'count': int(count), 'centroidLps': (total / max(count, 1)).tolist()})
print(json.dumps({'segments': out, 'refSeries': d.ReferencedSeriesSequence[0].SeriesInstanceUID, 'study': d.StudyInstanceUID,
                  'frameOfReference': d.FrameOfReferenceUID, 'frames': int(d.NumberOfFrames), 'modality': d.Modality}))
`;


const FRAME_SOURCE_SCRIPT = `
import sys, os, json, pydicom
seg_path, ct_dir = sys.argv[1].split('|')
ipp = {}
for n in os.listdir(ct_dir):
    c = pydicom.dcmread(os.path.join(ct_dir, n), stop_before_pixels=True)
    ipp[c.SOPInstanceUID] = [float(v) for v in c.ImagePositionPatient]
d = pydicom.dcmread(seg_path)
mismatched = missing = 0
for fg in d.PerFrameFunctionalGroupsSequence:
    uid = fg.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    pos = [float(v) for v in fg.PlanePositionSequence[0].ImagePositionPatient]
    if uid not in ipp: missing += 1
    elif max(abs(a - b) for a, b in zip(ipp[uid], pos)) > 1e-4: mismatched += 1
print(json.dumps({'frames': len(d.PerFrameFunctionalGroupsSequence), 'mismatched': mismatched, 'missing': missing}))
`;


describe('DICOM SEG and SR of a report (DICOM CT input)', () => {
  let dir: string;
  let r: ReportedStudy;
  let out: DicomOutputs;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'groundct-interop-'));
    r = await reportedStudy(dir);
    out = await writeDicomOutputs({ ct: r.ct, labels: r.labels, measurements: r.measurements, findings: r.findings, report: { sentences: r.sentences } }, join(dir, 'dicom'));
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds one segment per structure and lesion the findings cite, and references the CT series', async () => {
    const labels = out.segments.map((s) => s.label);
    expect(labels).toEqual(expect.arrayContaining(['kidney_cyst_left-1', 'liver_lesion-1', 'pancreas_lesion-1', 'pancreas', 'liver']));
    // Lesion labels appear only as their components, never whole.
    expect(labels).not.toContain('liver_lesion');
    expect(out.referenced.seriesInstanceUid).toBe(r.ct.meta.seriesInstanceUid);
    expect(out.ctSeriesDir).toBeUndefined();
    expect((await readdir(out.dir)).sort()).toEqual(['seg.dcm', 'sr.dcm']);
  });

  it.skipIf(!HAS_DCIODVFY)('SEG and SR pass dciodvfy with no errors', () => {
    expect(dciodvfyErrors(out.segPath)).toEqual([]);
    expect(dciodvfyErrors(out.srPath)).toEqual([]);
  });

  it('our SEG reader gives back exactly the masks, on the CT grid', async () => {
    const back = await readMasks(out.segPath, config.volume, { reference: r.ct.grid });
    for (const name of ['pancreas', 'liver', 'spleen']) {
      if (!out.segments.some((s) => s.label === name)) continue;
      const entry = back.labels.find((l) => l.name === name)!;
      const layer = back.layers[entry.layer];
      const got: number[] = [];
      for (let n = 0; n < layer.length; n++) if (layer[n] === entry.id) got.push(n);
      expect(got, name).toEqual(voxelsOf(r.labels, name));
    }
    // Each lesion label here has one component, so the component is the label's voxels.
    const seg = await readDicomSeg(out.segPath, config.volume);
    const lesion = seg.segments.find((s) => s.label === 'liver_lesion-1')!;
    const count = lesion.data.reduce((n, v) => n + v, 0);
    expect(count).toBe(r.measurements.lesions.find((l) => l.id === 'liver_lesion-1')!.voxelCount);
    expect(seg.meta.notes?.join(' ')).toContain(r.ct.meta.seriesInstanceUid!);
  });

  it.skipIf(!HAS_PYDICOM)('pydicom reads the SEG: codes, voxel counts and lesion centroids in LPS', () => {
    const seg = python(SEG_SCRIPT, out.segPath);
    expect(seg.modality).toBe('SEG');
    expect(seg.refSeries).toBe(r.ct.meta.seriesInstanceUid);
    expect(seg.study).toBe(r.ct.meta.studyInstanceUid);
    expect(seg.frameOfReference).toBe(r.ct.meta.frameOfReferenceUid);
    for (const lesion of r.measurements.lesions) {
      const s = seg.segments.find((x: { label: string }) => x.label === lesion.id);
      expect(s.category).toBe('49755003'); // Morphologically Abnormal Structure
      expect(s.type).toBe('52988006'); // Lesion
      expect(s.count).toBe(lesion.voxelCount);
      // RAS -> LPS negates x and y; the centroid from pydicom's own geometry must match ours to 1e-6 mm.
      const lps = [-lesion.rasCentroid[0], -lesion.rasCentroid[1], lesion.rasCentroid[2]];
      s.centroidLps.forEach((v: number, a: number) => expect(v).toBeCloseTo(lps[a], 6));
    }
    const liver = seg.segments.find((x: { label: string }) => x.label === 'liver');
    expect([liver.category, liver.type, liver.scheme]).toEqual(['123037004', '10200004', 'SCT']);
    const liverStats = r.measurements.structures.find((s) => s.name === 'liver')!;
    expect(liver.count).toBe(liverStats.voxelCount);
  });

  it.skipIf(!HAS_PYDICOM)('pydicom reads the SR: a TID 1500 group per segment with the measured values in UCUM units', () => {
    const sr = python(SR_SCRIPT, out.srPath);
    expect([sr.title, sr.template, sr.completion]).toEqual(['126000', '1500', 'PARTIAL']);
    expect(sr.groups).toHaveLength(out.segments.length);
    for (const lesion of r.measurements.lesions) {
      const g = sr.groups.find((x: { id: string }) => x.id === lesion.id);
      expect(g.segment).toEqual([out.seg.sopInstanceUid, out.segments.find((s) => s.label === lesion.id)!.number]);
      expect(g.values.Volume[1]).toBe('ml');
      expect(g.values.Volume[0]).toBeCloseTo(lesion.volumeMl, 9);
      expect(g.values['Long Axis']).toEqual([expect.closeTo(lesion.longAxisMm, 9), 'mm']);
      expect(g.values['Short Axis']).toEqual([expect.closeTo(lesion.shortAxisMm, 9), 'mm']);
      expect(g.values['Attenuation Coefficient']).toEqual([expect.closeTo(lesion.huMean, 9), "[hnsf'U]"]);
    }
    // The liver lesion's group names the liver as its finding site (SNOMED CT 10200004).
    expect(sr.groups.find((x: { id: string }) => x.id === 'liver_lesion-1').site).toBe('10200004');
    // Every sentence is there, with its finding ids.
    expect(sr.texts).toHaveLength(r.sentences.length);
    const lesionSentence = sr.texts.find((t: { ids: string[] }) => t.ids.includes('liver_lesion-1'));
    expect(lesionSentence.concept).toBe('Finding');
    expect(sr.texts.filter((t: { concept: string }) => t.concept === 'Impression').length).toBe(r.sentences.filter((s) => s.section === 'impression').length);
  });

  it.skipIf(!HAS_DCMTK)('dsrdump and dcmdump read the SR and the SEG', () => {
    const dump = execFileSync(DSRDUMP, ['+Pc', '+Pl', out.srPath], { encoding: 'utf8' });
    const cyst = r.measurements.lesions.find((l) => l.id === 'kidney_cyst_left-1')!;
    expect(dump).toContain('<CONTAINER:(126000,DCM,"Imaging Measurement Report")=SEPARATE>');
    expect(dump).toContain(`<has obs context TEXT:(112039,DCM,"Tracking Identifier")="kidney_cyst_left-1">`);
    expect(dump).toContain(`<contains NUM:(118565006,SCT,"Volume")="${cyst.volumeMl}" (ml,UCUM,"milliliter")>`);
    expect(dump).toContain('<inferred from TEXT:(112039,DCM,"Tracking Identifier")="liver_lesion-1">');
    const segDump = execFileSync(DCMDUMP, ['+P', 'SegmentLabel', out.segPath], { encoding: 'utf8' });
    expect(segDump.match(/SegmentLabel/g)).toHaveLength(out.segments.length);
  });
});

describe('DICOM SEG for a NIfTI-style CT (no UIDs): the CT is written as DICOM first', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('references the written series slice by slice in space, also on a left-handed grid', async () => {
    dir = await mkdtemp(join(tmpdir(), 'groundct-interop-nifti-'));
    // i reversed: the NIfTI-usual left-handed storage; written to DICOM it reads back with k reversed.
    const flipI = allOrientations().find((o) => o.permutation.join() === '0,1,2' && o.flips.join() === 'true,false,false')!;
    const study = reorientStudy(generateStudy(abdomenPreset({ fovMm: SMALL_FOV })), flipI);
    expect(Math.sign(splitIjkToRas(study.ct.grid.ijkToRas).direction[0])).toBe(1); // i -> patient right
    const measurements = measureStudy(study.ct, study.labels, { measure: config.measure, provenance: { ct: 'phantom', masks: null } });
    const out = await writeDicomOutputs({ ct: study.ct, labels: study.labels, measurements }, join(dir, 'dicom'));
    expect(out.ctSeriesDir).toBe(join(dir, 'dicom', 'ct-dicom'));
    const series = await readVolume(out.ctSeriesDir!, config.volume);
    expect(out.referenced.seriesInstanceUid).toBe(series.meta.seriesInstanceUid);
    const back = await readMasks(out.segPath, config.volume, { reference: study.ct.grid });
    const entry = back.labels.find((l) => l.name === 'liver_lesion-1')!;
    const got: number[] = [];
    back.layers[entry.layer].forEach((v, n) => v === entry.id && got.push(n));
    expect(got).toEqual(voxelsOf(study.labels, 'liver_lesion'));
    if (HAS_DCIODVFY) expect(dciodvfyErrors(out.segPath)).toEqual([]);
    // Every frame's source image is the written CT slice at the frame's own position (pydicom, independently).
    if (HAS_PYDICOM) expect(python(FRAME_SOURCE_SCRIPT, `${out.segPath}|${out.ctSeriesDir}`)).toEqual({ frames: expect.any(Number), mismatched: 0, missing: 0 });
  }, 60_000);
});
