import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ReportSchema } from './schema.ts';

/** Where the exported JSON Schema of report.json lives (checked to be current by json-schema.test.ts). */
export const REPORT_JSON_SCHEMA_PATH = fileURLToPath(new URL('../../models/report.schema.json', import.meta.url));

/**
 * The JSON Schema (draft 2020-12, zod 4's `z.toJSONSchema`) of report.json, with an id and title, so tools in
 * other languages can validate our output. Written to models/ by write-report-schema.ts.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://groundct.local/schemas/report.schema.json',
    title: 'groundct report.json',
    description: 'Structured CT report with findings and grounded narrative sentences (generated from src/report/schema.ts; do not edit).',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The file's exact text: two-space JSON with a final newline. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
