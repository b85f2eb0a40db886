/**
 * Writes docs/errors.md from the error catalogue (src/errors.ts), so the document can never drift from the
 * codes the program throws. Run: npx tsx scripts/errors-doc.ts  (test/contract/errors.test.ts checks it is current).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../src/errors.ts';

export function renderErrorsDoc(): string {
  const rows = Object.values(ERRORS).map((e) => `| \`${e.code}\` | ${e.statusCode} | ${e.hint.replace(/\|/g, '\\|')} |`);
  return [
    '# groundct error codes',
    '',
    'Every error groundct raises carries one of these codes. The CLI prints `<code>: <message>` and the hint, and',
    'exits 1 (2 for usage errors); the API answers the HTTP status below with `{ code, message, hint, details }`.',
    'Codes are stable: never renamed or reused. This file is generated from `src/errors.ts` by',
    '`npx tsx scripts/errors-doc.ts`.',
    '',
    '| code | HTTP | what to do |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
}
