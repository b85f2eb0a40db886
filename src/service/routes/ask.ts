import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import type { Findings } from '../../findings/index.ts';
import type { Measurements } from '../../measure/index.ts';
import { ErrorBodySchema, errorResponses, StudyParamsSchema } from '../schemas.ts';
import { principalOf } from '../auth/require-token.ts';
import { readJsonArtifact } from './artifacts.ts';

/**
 * POST /v1/studies/:id/ask: a grounded answer from the study's findings (the vqa stage), with its evidence
 * masks and citations. The vqa stage (and the LLM libraries behind its optional fallback) is imported on the
 * first question, not at startup.
 */
export const askRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/studies/:id/ask',
    {
      schema: {
        tags: ['studies'],
        summary: 'Ask a question about the study; answered from its findings, with evidence and citations',
        description: "Response: the vqa stage's Answer (kind 'vqa-answer': answerable, answer, value, unit, findingIds, evidence, citations, masks, caveats).",
        params: StudyParamsSchema,
        body: z.object({ question: z.string().min(1).max(1000) }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses, 409: ErrorBodySchema },
      },
    },
    async (req) => {
      const ctx = app.groundct;
      const measurements = (await readJsonArtifact(ctx, principalOf(req), req.params.id, 'measurements')) as Measurements;
      const findings = (await readJsonArtifact(ctx, principalOf(req), req.params.id, 'findings')) as Findings;
      const vqa = await import('../../vqa/index.ts');
      const context = vqa.makeVqaContext(vqa.studyFromArtifacts(measurements, findings), await ctx.knowledgeBase());
      return vqa.ask(context, req.body.question);
    },
  );
};
