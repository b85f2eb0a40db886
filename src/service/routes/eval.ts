import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { gctError } from '../../errors.ts';
import { FindingsSchema, type Findings } from '../../findings/index.ts';
import { errorResponses, ErrorBodySchema } from '../schemas.ts';
import { principalOf } from '../auth/require-token.ts';
import { readJsonArtifact } from './artifacts.ts';

const EvalBodySchema = z
  .object({
    /** Reference: the findings of a study processed by this service ... */
    studyId: z.string().uuid().optional(),
    /** ... or reference findings in groundct's findings.json schema. */
    findings: FindingsSchema.optional(),
    /** The reference labels every lesion of every wholly imaged organ ("no lesion" claims become checkable). */
    lesionsComplete: z.boolean().default(false),
    /** Reports to score: plain text or Markdown. */
    candidates: z.array(z.object({ id: z.string().min(1).max(200), text: z.string().min(1).max(100_000) })).min(1).max(50),
  })
  .refine((b) => (b.studyId === undefined) !== (b.findings === undefined), { message: 'give exactly one of studyId or findings as the reference' });

/**
 * POST /v1/eval: scores report texts against reference findings with the evaluation harness (claim precision,
 * recall of significant findings, error types, numeric error, lesion detection). The same metrics as `groundct
 * eval` (eval/factuality/README.md); 3D grounding is not scored here, since no reference masks are uploaded.
 */
export const evalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/eval',
    {
      schema: {
        tags: ['eval'],
        summary: 'Score report texts against reference findings (factuality, recall, error types, detection)',
        body: EvalBodySchema,
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses, 409: ErrorBodySchema },
      },
    },
    async (req) => {
      const body = req.body;
      const findings: Findings = body.findings ?? ((await readJsonArtifact(app.groundct, principalOf(req), body.studyId!, 'findings')) as Findings);
      if (findings.kind !== 'findings') throw gctError('GCT_EVAL_REFERENCE_INVALID', 'The reference is not a findings artifact.');
      const { scoreCandidate, summarise } = await import('../../evaluate/index.ts');
      const { splitSentences } = await import('../../claims/index.ts');
      const reference = { findings, lesionsComplete: body.lesionsComplete };
      const scores = body.candidates.map((c) => {
        const sentences = splitSentences(c.text).map((s) => ({ id: s.id, text: s.text, section: s.section }));
        return scoreCandidate('api', { id: c.id, format: 'text', text: c.text, sentences }, reference);
      });
      return summarise('api', scores, [], []) as unknown as Record<string, unknown>;
    },
  );
};
