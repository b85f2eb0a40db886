/**
 * FHIR R4 DiagnosticReport bundle of a real (phantom) report, validated against the official artefacts
 * (src/interop/fhir-validate.ts): the R4 JSON Schema, every invariant of the R4 StructureDefinitions evaluated with
 * FHIRPath, and the code systems. Planted errors show that each layer checks what it claims.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidFhir, loadFhirValidator, toFhirBundle, ucumOfKey, type FhirBundle, type FhirResource, type FhirValidator } from '../../src/interop/index.ts';
import { reportedStudy, type ReportedStudy } from './interop-helpers.ts';

describe('FHIR R4 DiagnosticReport bundle', () => {
  let dir: string;
  let r: ReportedStudy;
  let bundle: FhirBundle;
  let validator: FhirValidator;
  const byType = (t: string) => bundle.entry.filter((e) => e.resource.resourceType === t);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'groundct-fhir-'));
    [r, validator] = await Promise.all([reportedStudy(dir), loadFhirValidator()]);
    bundle = toFhirBundle(r.report, r.measurements, { studyInstanceUid: r.ct.meta.studyInstanceUid, seriesInstanceUid: r.ct.meta.seriesInstanceUid });
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes the official R4 schema, every R4 invariant (errors and warnings) and the code systems', () => {
    expect(validator.validate(JSON.parse(JSON.stringify(bundle)))).toEqual([]);
    // The invariants that apply to what we write were evaluated, not skipped.
    for (const key of ['ele-1', 'dom-2', 'dom-6', 'bdl-7', 'obs-6', 'obs-7', 'qty-3', 'att-1', 'ref-1']) expect(validator.lastInvariantsEvaluated.has(key), key).toBe(true);
  });

  /** The rules a planted error breaks. */
  const rulesOf = (mutate: (b: any) => void) => {
    const b = JSON.parse(JSON.stringify(bundle));
    mutate(b);
    return [...new Set(validator.validate(b).filter((i) => i.severity === 'error').map((i) => i.rule))];
  };
  const obsIndex = () => bundle.entry.findIndex((e) => e.resource.resourceType === 'Observation' && (e.resource as any).valueQuantity);

  it('rejects what the R4 schema forbids: a status outside its value set, a missing 1..1 element, an unknown element', () => {
    expect(rulesOf((b) => (b.entry[0].resource.status = 'draft'))).toEqual(['schema']);
    expect(rulesOf((b) => delete b.entry[1].resource.code)).toContain('schema');
    expect(rulesOf((b) => (b.entry[1].resource.valueWhatever = 1))).toEqual(['schema']);
  });

  it('rejects what only the R4 invariants state (bdl-7, obs-6, qty-3, att-1, ele-1)', () => {
    const i = obsIndex();
    expect(rulesOf((b) => (b.entry[2].fullUrl = b.entry[1].fullUrl))).toEqual(['bdl-7']);
    expect(rulesOf((b) => (b.entry[i].resource.dataAbsentReason = { text: 'not measured' }))).toEqual(['obs-6']);
    expect(rulesOf((b) => delete b.entry[i].resource.valueQuantity.system)).toEqual(['qty-3']);
    expect(rulesOf((b) => delete b.entry[0].resource.presentedForm[0].contentType)).toEqual(['att-1']);
    expect(rulesOf((b) => (b.entry[i].resource.note = [{}]))).toContain('ele-1');
  });

  it('rejects codes outside the code systems it names (FHIR/HL7 code systems, UCUM, SNOMED CT and LOINC check digits)', () => {
    const i = obsIndex();
    expect(rulesOf((b) => (b.entry[i].resource.category[0].coding[0].code = 'radiology'))).toEqual(['terminology']);
    expect(rulesOf((b) => (b.entry[0].resource.category[0].coding[0].code = 'XRAY'))).toEqual(['terminology']);
    expect(rulesOf((b) => (b.entry[i].resource.interpretation[0].coding[0].code = 'ABN'))).toEqual(['terminology']);
    expect(rulesOf((b) => (b.entry[i].resource.valueQuantity.code = 'HU'))).toEqual(['terminology']);
    expect(rulesOf((b) => (b.entry[0].resource.code.coding[0].code = '18748-5'))).toEqual(['terminology']);
    const site = bundle.entry.findIndex((e) => (e.resource as any).bodySite?.coding);
    expect(rulesOf((b) => (b.entry[site].resource.bodySite.coding[0].code = '10200005'))).toEqual(['terminology']);
  });

  it('the run-time check (fhir.validate) refuses an invalid Bundle with a coded error naming the rule', async () => {
    const broken = JSON.parse(JSON.stringify(bundle));
    broken.entry[2].fullUrl = broken.entry[1].fullUrl;
    await expect(assertValidFhir(broken, validator)).rejects.toMatchObject({ code: 'GCT_INTEROP_FHIR_INVALID', message: expect.stringContaining('bdl-7') });
    await expect(assertValidFhir(JSON.parse(JSON.stringify(bundle)), validator)).resolves.toEqual([]);
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
