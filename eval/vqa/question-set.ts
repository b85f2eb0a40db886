import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { QuestionTypeSchema, UnanswerableReasonSchema } from '../../src/vqa/index.ts';

/**
 * The VQA evaluation's question set format: one JSON object per line (eval/vqa/*.jsonl). `expected` is derived
 * from the phantom truth (eval/vqa/oracle.ts) or from reference numbers computed outside groundct
 * (eval/vqa/reference_shared.py), never from groundct's own output.
 */
export const ExpectedSchema = z.object({
  answerable: z.boolean(),
  reason: UnanswerableReasonSchema.optional(),
  /** Expected short answer ('yes', 'T4', 'Couinaud segment 7'); ' and '-joined parts compare as a set. */
  answer: z.string().optional(),
  value: z.number().optional(),
  unit: z.string().optional(),
  /** Absolute tolerance on `value`, in its unit. */
  toleranceAbs: z.number().nonnegative().optional(),
  mask: z.object({ labelName: z.string(), componentId: z.string().optional() }).optional(),
});
export type Expected = z.infer<typeof ExpectedSchema>;

export const QuestionItemSchema = z.object({
  id: z.string(),
  /** Study key: a PHANTOM_STUDIES key, or 'totalseg' / 'sts002' for ../shared/data cases. */
  study: z.string(),
  /** The question type it tests, or the kind of unanswerable question. */
  type: z.union([QuestionTypeSchema, z.enum(['out_of_scope', 'unparsed'])]),
  question: z.string(),
  expected: ExpectedSchema,
  /** Where the expected answer comes from (truth field or reference number). */
  basis: z.string(),
});
export type QuestionItem = z.infer<typeof QuestionItemSchema>;

export function readQuestionSet(file: string): QuestionItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const r = QuestionItemSchema.safeParse(JSON.parse(l));
      if (!r.success) throw new Error(`${file}:${i + 1}: ${r.error.message}`);
      return r.data;
    });
}
