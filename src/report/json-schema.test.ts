import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText } from './json-schema.ts';

describe('models/report.schema.json', () => {
  it('is current with the zod ReportSchema (regenerate: npx tsx src/report/write-report-schema.ts)', () => {
    expect(readFileSync(REPORT_JSON_SCHEMA_PATH, 'utf8')).toBe(reportJsonSchemaText());
  });

  it('requires findingIds with at least one item on every sentence', () => {
    const schema = JSON.parse(reportJsonSchemaText());
    const sentence = schema.properties.sentences.items;
    expect(sentence.required).toEqual(expect.arrayContaining(['id', 'section', 'text', 'findingIds']));
    expect(sentence.properties.findingIds.minItems).toBe(1);
    expect(sentence.required).not.toContain('evidence');
    expect(sentence.required).not.toContain('citations');
  });
});
