/**
 * FHIR R4 DiagnosticReport bundle of a real (phantom) report, validated against the FHIR R4 schema subset in
 * test/fixtures/fhir (see its README for where it comes from), plus the invariants a schema cannot state.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFhirBundle, ucumOfKey, type FhirBundle, type FhirResource } from '../../src/interop/index.ts';
import { REPO_ROOT } from '../helpers/data.ts';
import { reportedStudy, type ReportedStudy } from './interop-helpers.ts';

const SCHEMA = z.fromJSONSchema(JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/fhir/fhir-r4-subset.schema.json'), 'utf8')));

describe('FHIR R4 DiagnosticReport bundle', () => {
  let dir: string;
  let r: ReportedStudy;
  let bundle: FhirBundle;
  const byType = (t: string) => bundle.entry.filter((e) => e.resource.resourceType === t);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'groundct-fhir-'));
    r = await reportedStudy(dir);
    bundle = toFhirBundle(r.report, r.measurements, { studyInstanceUid: r.ct.meta.studyInstanceUid, seriesInstanceUid: r.ct.meta.seriesInstanceUid });
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validates against the FHIR R4 schema subset', () => {
    const result = SCHEMA.safeParse(JSON.parse(JSON.stringify(bundle)));
    expect(result.success ? [] : result.error.issues.slice(0, 5)).toEqual([]);
  });

  it('the schema rejects what R4 forbids (a check that it checks)', () => {
    const broken = JSON.parse(JSON.stringify(bundle));
    broken.entry[0].resource.status = 'draft'; // not in the DiagnosticReport status value set
    expect(SCHEMA.safeParse(broken).success).toBe(false);
    const noCode = JSON.parse(JSON.stringify(bundle));
    delete noCode.entry[1].resource.code; // Observation.code is 1..1
    expect(SCHEMA.safeParse(noCode).success).toBe(false);
  });

  it('has one Observation per finding, each with UCUM quantities, derived from the ImagingStudy', () => {
    const observations = byType('Observation').map((e) => e.resource);
    expect(observations).toHaveLength(r.findings.length);
    const study = byType('ImagingStudy')[0];
    expect(study.resource.identifier).toEqual([{ system: 'urn:dicom:uid', value: `urn:oid:${r.ct.meta.studyInstanceUid}` }]);
    for (const o of observations) expect(o.derivedFrom).toEqual([{ reference: study.fullUrl }]);

    const lesion = r.measurements.lesions.find((l) => l.id === 'liver_lesion-1')!;
    const obs = observations.find((o) => (o.identifier as { value: string }[])[0].value === 'liver_lesion-1')!;
    expect(obs.valueQuantity).toEqual({ value: lesion.longAxisMm, unit: 'mm', system: 'http://unitsofmeasure.org', code: 'mm' });
    const component = (key: string) => (obs.component as { code: { text: string }; valueQuantity: unknown }[]).find((c) => c.code.text === key)!.valueQuantity;
    expect(component('volumeMl')).toEqual({ value: lesion.volumeMl, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' });
    expect(component('huMean')).toEqual({ value: lesion.huMean, unit: 'HU', system: 'http://unitsofmeasure.org', code: "[hnsf'U]" });
    expect(component('shortAxisMm')).toEqual(expect.objectContaining({ value: lesion.shortAxisMm, code: 'mm' }));
    // Body site: the liver, SNOMED CT 10200004.
    expect(obs.bodySite).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '10200004', display: 'Liver structure' }], text: 'liver' });
    expect(obs.interpretation).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'A', display: 'Abnormal' }] }]);
  });

  it('the DiagnosticReport concludes with the IMPRESSION and lists every observation', () => {
    const report = byType('DiagnosticReport')[0].resource;
    const impression = r.report.sentences.filter((s) => s.section === 'impression').map((s) => s.text).join(' ');
    expect(impression.length).toBeGreaterThan(0);
    expect(report.conclusion).toBe(impression);
    expect(report.status).toBe('preliminary');
    expect((report.result as { reference: string }[]).map((x) => x.reference)).toEqual(byType('Observation').map((e) => e.fullUrl));
    const text = Buffer.from((report.presentedForm as { data: string }[])[0].data, 'base64').toString('utf8');
    for (const s of r.report.sentences) expect(text).toContain(s.text);
  });

  it('keeps the invariants a schema cannot state: qty-3, unique fullUrls (bdl-7), references resolve', () => {
    const urls = bundle.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    const quantities: Record<string, unknown>[] = [];
    const references: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (key === 'valueQuantity') quantities.push(o);
        if (typeof o.reference === 'string') references.push(o.reference);
        for (const [k, x] of Object.entries(o)) walk(x, k);
      }
    };
    bundle.entry.forEach((e) => walk(e.resource as FhirResource));
    expect(quantities.length).toBeGreaterThan(r.findings.length);
    for (const q of quantities) if (q.code !== undefined) expect(q.system).toBe('http://unitsofmeasure.org');
    for (const ref of references) expect(urls).toContain(ref);
  });

  it('reads units from the value keys', () => {
    expect(ucumOfKey('volumeMl')?.code).toBe('mL');
    expect(ucumOfKey('minLesionVolumeMm3')?.code).toBe('mm3');
    expect(ucumOfKey('contactAngleDeg')?.code).toBe('deg');
    expect(ucumOfKey('huMean')?.code).toBe("[hnsf'U]");
    expect(ucumOfKey('parenchymaHuSd')?.code).toBe("[hnsf'U]");
    expect(ucumOfKey('maxContactSlice')).toBeNull();
  });
});
