import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ERROR_TYPES } from '../../src/claims/index.ts';
import { UNGROUNDED_REASONS } from '../../src/ground/index.ts';

/**
 * The labelled sentence set of the grounding evaluation (eval/grounding/sentences.jsonl): one human-style report
 * sentence per line, the study it speaks about, and what `groundct ground` should make of it.
 *
 * - grounded: `findingId` is a finding the sentence must be linked to (its `findingIds` include it);
 * - ungrounded: the `reason`; for 'contradicts_finding' optionally the contradicted finding and the error type,
 * *   for 'not_in_imaged_part' optionally the limiting finding (e.g. 'liver.partial').
 */
export const ExpectedSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('grounded'), findingId: z.string().min(1) }),
  z.object({
    status: z.literal('ungrounded'),
    reason: z.enum(UNGROUNDED_REASONS),
    findingId: z.string().min(1).optional(),
    errorType: z.enum(ERROR_TYPES).optional(),
  }),
]);
export type Expected = z.infer<typeof ExpectedSchema>;

export const SentenceItemSchema = z.object({
  id: z.string().min(1),
  /** A key of PHANTOM_STUDIES or SHARED_STUDIES (studies.ts). */
  study: z.string().min(1),
  text: z.string().min(1),
  expect: ExpectedSchema,
});
export type SentenceItem = z.infer<typeof SentenceItemSchema>;

/** Reads and validates a JSONL sentence set; every bad line is reported at once, and ids must be unique. */
export function readSentenceSet(file: string): SentenceItem[] {
  const items: SentenceItem[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      problems.push(`line ${n + 1}: not JSON`);
      return;
    }
    const r = SentenceItemSchema.safeParse(obj);
    if (!r.success) problems.push(`line ${n + 1}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    else if (seen.has(r.data.id)) problems.push(`line ${n + 1}: id '${r.data.id}' repeats`);
    else {
      seen.add(r.data.id);
      items.push(r.data);
    }
  });
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return items;
}
