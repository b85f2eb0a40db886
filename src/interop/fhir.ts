/**
 * FHIR R4 (4.0.1, https://hl7.org/fhir/R4/) export of a report: a Bundle (type collection) holding
 *
 * - Patient: an anonymous placeholder (groundct never reads names or IDs); only gender when the CT says it.
 *   It exists because ImagingStudy.subject is 1..1.
 * - ImagingStudy: the CT study, identified by its DICOM Study Instance UID as `urn:oid:` (R4 ImagingStudy
 *   notes: "identifier ... system urn:dicom:uid"), with its CT series when known.
 * - One Observation per finding (status preliminary, category imaging): valueQuantity = the finding's main
 *   number, every number as a component, all in UCUM (system http://unitsofmeasure.org); bodySite coded with
 *   SNOMED CT when the anatomy catalogue has the code; derivedFrom the ImagingStudy; interpretation from the
 *   finding's status (v3 ObservationInterpretation N / A / IND); caveats as notes.
 * - DiagnosticReport: status preliminary (a draft nobody signed), category RAD, result = the observations,
 *   imagingStudy, conclusion = the IMPRESSION sentences, presentedForm = the whole narrative as text/plain.
 *
 * Units come from the value's key, the project's naming rule (STYLE.md 5): volumeMl -> mL, longAxisMm -> mm,
 * huMean -> [hnsf'U].
 */
import { randomUUID } from 'node:crypto';
import { getStructure, structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import { SCT, SNOMED_SYSTEM_URI, UCUM_SYSTEM_URI, type CodedConcept } from './codes.ts';
import type { NarrativeSentence } from './dicom-sr-write.ts';

/** What the export needs of a report (the report stage's Report fits). */
export interface FhirReportInput {
  readonly findings: readonly Finding[];
  readonly sentences: readonly NarrativeSentence[];
}

export interface FhirOptions {
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  /** Issued time; now by default. */
  readonly issued?: Date;
}

export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;
export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: FhirResource }[];
}

/** Code system of groundct's own value keys and finding types (a URI it controls; not a registered system). */
export const GROUNDCT_SYSTEM = 'https://groundct.dev/fhir/CodeSystem';
const DICOM_DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const V2_0074_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const LOINC_SYSTEM = 'http://loinc.org';
/** LOINC 18748-4 "Diagnostic imaging study" (document type of imaging reports). */
const LOINC_IMAGING_STUDY_REPORT = { system: LOINC_SYSTEM, code: '18748-4', display: 'Diagnostic imaging study' };

/** UCUM unit of a value key by its suffix (STYLE.md: units in names). Null: no unit suffix we know. */
export function ucumOfKey(key: string): { code: string; unit: string } | null {
  const table: readonly [RegExp, string, string][] = [
    [/Mm3$/, 'mm3', 'mm³'],
    [/Mm2$/, 'mm2', 'mm²'],
    [/Mm$/, 'mm', 'mm'],
    [/Cm$/, 'cm', 'cm'],
    [/Ml$/, 'mL', 'mL'],
    [/Hu$/, "[hnsf'U]", 'HU'],
    // HU statistics put the unit first: huMean, huSd, parenchymaHuMean, huP95.
    [/(^hu|Hu)(Mean|Sd|Median|Min|Max|P\d+)$/, "[hnsf'U]", 'HU'],
    [/Deg$/, 'deg', '°'],
    [/(Percent|Pct)$/, '%', '%'],
    [/(Fraction|ratio|Ratio|Index)$/, '1', '1'],
    [/(count|Count)$/, '{count}', 'count'],
  ];
  for (const [re, code, unit] of table) if (re.test(key)) return { code, unit };
  return null;
}

/** Standard codes for the values DICOM SR also codes (SCT), so both exports name them alike. */
const VALUE_CODES: Readonly<Record<string, CodedConcept>> = {
  volumeMl: SCT.volume,
  longAxisMm: SCT.longAxis,
  shortAxisMm: SCT.shortAxis,
};

function valueCode(key: string) {
  const c = VALUE_CODES[key];
  const coding = [...(c ? [{ system: SNOMED_SYSTEM_URI, code: c.value, display: c.meaning }] : []), { system: `${GROUNDCT_SYSTEM}/value`, code: key }];
  return { coding, text: key };
}

function quantity(key: string, value: number) {
  const unit = ucumOfKey(key);
  return unit ? { value, unit: unit.unit, system: UCUM_SYSTEM_URI, code: unit.code } : { value };
}

/** XHTML-escaped text (FHIR narrative, R4 narrative.html: the div is limited XHTML). */
const escapeXhtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A generated narrative (Resource.text, status `generated`): the human-readable summary that invariant dom-6
 * (best practice) asks every resource to carry, one paragraph per line of `lines`.
 */
function narrative(lines: readonly string[]) {
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${lines.map((l) => `<p>${escapeXhtml(l)}</p>`).join('')}</div>` };
}

/** The main number of a finding: its size for size findings, else the first value with a unit. */
function primaryKey(f: Finding): string | undefined {
  const keys = Object.keys(f.values);
  for (const preferred of ['longAxisMm', 'volumeMl', 'huMean', 'contactAngleDeg']) if (keys.includes(preferred)) return preferred;
  return keys.find((k) => ucumOfKey(k) !== null);
}

function bodySite(f: Finding) {
  const name = f.subject.organ ?? f.subject.structure;
  const s = name ? structureOrNull(name) : null;
  if (!s) return undefined;
  return {
    ...(s.snomedCt ? { coding: [{ system: SNOMED_SYSTEM_URI, code: s.snomedCt.code, display: s.snomedCt.display }] } : {}),
    text: getStructure(s.name).displayName,
  };
}

const INTERPRETATION = {
  normal: { code: 'N', display: 'Normal' },
  abnormal: { code: 'A', display: 'Abnormal' },
  indeterminate: { code: 'IND', display: 'Indeterminate' },
} as const;

function observation(f: Finding, id: string, refs: { patient: string; study: string }, issued: string): FhirResource {
  const keys = Object.keys(f.values);
  const main = primaryKey(f);
  const site = bodySite(f);
  return {
    resourceType: 'Observation',
    id,
    text: narrative([`${f.subject.displayName}: ${f.statement}`, ...f.caveats]),
    identifier: [{ system: `${GROUNDCT_SYSTEM}/finding-id`, value: f.id }],
    status: 'preliminary',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'imaging', display: 'Imaging' }] }],
    code: { coding: [{ system: `${GROUNDCT_SYSTEM}/finding-type`, code: f.type }], text: `${f.subject.displayName}: ${f.statement}` },
    subject: { reference: refs.patient },
    issued,
    ...(main !== undefined ? { valueQuantity: quantity(main, f.values[main]) } : { valueString: f.statement }),
    interpretation: [{ coding: [{ system: INTERPRETATION_SYSTEM, ...INTERPRETATION[f.status] }] }],
    ...(f.caveats.length > 0 ? { note: f.caveats.map((text) => ({ text })) } : {}),
    ...(site ? { bodySite: site } : {}),
    method: { text: `groundct rule; criteria: ${f.criteria.join(', ')}` },
    derivedFrom: [{ reference: refs.study }],
    ...(keys.length > 0 ? { component: keys.map((k) => ({ code: valueCode(k), valueQuantity: quantity(k, f.values[k]) })) } : {}),
  };
}

/** The FHIR R4 Bundle of a report. `measurements` supplies the study facts (sex, modality). */
export function toFhirBundle(report: FhirReportInput, measurements: Measurements, options: FhirOptions = {}): FhirBundle {
  const issued = (options.issued ?? new Date()).toISOString();
  const urn = () => `urn:uuid:${randomUUID()}`;
  const idOf = (u: string) => u.slice('urn:uuid:'.length);
  const patientUrl = urn();
  const studyUrl = urn();
  const reportUrl = urn();
  const sex = measurements.study.patientSex;
  const patient: FhirResource = {
    resourceType: 'Patient',
    id: idOf(patientUrl),
    text: narrative(['Patient of the imaging study; groundct reads no name or identifier.']),
    ...(sex ? { gender: sex === 'M' ? 'male' : sex === 'F' ? 'female' : 'other' } : {}),
  };
  const modality = { system: DICOM_DCM_SYSTEM, code: measurements.study.modality ?? 'CT' };
  const imagingStudy: FhirResource = {
    resourceType: 'ImagingStudy',
    id: idOf(studyUrl),
    text: narrative([`${modality.code} imaging study${options.studyInstanceUid ? ` ${options.studyInstanceUid}` : ''}`]),
    ...(options.studyInstanceUid ? { identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${options.studyInstanceUid}` }] } : {}),
    status: 'available',
    modality: [modality],
    subject: { reference: patientUrl },
    ...(options.seriesInstanceUid ? { numberOfSeries: 1, series: [{ uid: options.seriesInstanceUid, modality }] } : {}),
  };
  const observations = report.findings.map((f) => {
    const url = urn();
    return { fullUrl: url, resource: observation(f, idOf(url), { patient: patientUrl, study: studyUrl }, issued) };
  });
  const impression = report.sentences.filter((s) => s.section.toLowerCase() === 'impression').map((s) => s.text);
  const reportText = ['FINDINGS', ...report.sentences.filter((s) => s.section.toLowerCase() !== 'impression').map((s) => s.text), '', 'IMPRESSION', ...impression];
  const diagnosticReport: FhirResource = {
    resourceType: 'DiagnosticReport',
    id: idOf(reportUrl),
    text: narrative(reportText.filter((l) => l !== '')),
    status: 'preliminary',
    category: [{ coding: [{ system: V2_0074_SYSTEM, code: 'RAD', display: 'Radiology' }] }],
    code: { coding: [LOINC_IMAGING_STUDY_REPORT], text: 'CT report (groundct draft)' },
    subject: { reference: patientUrl },
    issued,
    result: observations.map((o) => ({ reference: o.fullUrl })),
    imagingStudy: [{ reference: studyUrl }],
    ...(impression.length > 0 ? { conclusion: impression.join(' ') } : {}),
    presentedForm: [{ contentType: 'text/plain; charset=utf-8', language: 'en', data: Buffer.from(reportText.join('\n'), 'utf8').toString('base64'), title: 'groundct draft report' }],
  };
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'collection',
    timestamp: issued,
    entry: [
      { fullUrl: reportUrl, resource: diagnosticReport },
      ...observations,
      { fullUrl: studyUrl, resource: imagingStudy },
      { fullUrl: patientUrl, resource: patient },
    ],
  };
}
