import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import type { Findings } from '../../findings/index.ts';
import type { Measurements } from '../../measure/index.ts';
import { ErrorBodySchema, errorResponses, StudyParamsSchema } from '../schemas.ts';
import { principalOf } from '../auth/require-token.ts';
import { readJsonArtifact } from './artifacts.ts';

/**
 * POST /v1/studies/:id/ground: grounds submitted report text (a radiologist's edit, an LLM's rewrite, another
 * system's report) against the study's findings with the grounding stage's groundText: each sentence's claims
 * are matched to findings (supported / contradicted / unverifiable) with their mask evidence and citations, as
 * `groundct ground` gives them: the findings' criteria (literature first, then method), the literature a method
 * criterion names, and retrieved supporting literature (the service's retriever, opened once; `retrieval: false`
 * cites criteria only). The grounding stage is imported on first use (its embedding libraries take seconds to load).
 */
export const groundRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/studies/:id/ground',
    {
      schema: {
        tags: ['studies'],
        summary: "Ground submitted report text against the study's findings",
        description: "Response: the grounding stage's GroundedText (sentences with claims, verdicts, findingIds, evidence, citations; a summary).",
        params: StudyParamsSchema,
        body: z.object({
          text: z.string().min(1).max(100_000),
          retrieval: z.boolean().default(true).describe('Add retrieved supporting literature (default true)'),
        }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses, 409: ErrorBodySchema },
      },
    },
    async (req) => {
      const ctx = app.groundct;
      const measurements = (await readJsonArtifact(ctx, principalOf(req), req.params.id, 'measurements')) as Measurements;
      const findings = (await readJsonArtifact(ctx, principalOf(req), req.params.id, 'findings')) as Findings;
      const { groundText } = await import('../../ground/index.ts');
      const retriever = req.body.retrieval ? await ctx.retriever() : undefined;
      const grounded = await groundText(req.body.text, { findings: findings.findings, measurements, kb: await ctx.knowledgeBase(), retriever, study: req.params.id });
      return grounded as unknown as Record<string, unknown>;
    },
  );
};
