/**
 * Writes models/report.schema.json from the zod ReportSchema. Run after changing src/report/schema.ts (or
 * src/findings/schema.ts):  npx tsx src/report/write-report-schema.ts
 * json-schema.test.ts fails while the file is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText } from './json-schema.ts';

mkdirSync(path.dirname(REPORT_JSON_SCHEMA_PATH), { recursive: true });
writeFileSync(REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText());
console.log(`wrote ${REPORT_JSON_SCHEMA_PATH}`);
