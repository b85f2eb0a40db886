import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gctError } from '../../errors.ts';
import { errorResponses } from '../schemas.ts';

/** GET /v1/passages/:id: a knowledge-base passage (title, source, text), for the citations a report lists. */
export const knowledgeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/passages/:id',
    {
      schema: {
        tags: ['knowledge-base'],
        summary: 'A knowledge-base passage cited by findings, report sentences and answers',
        params: z.object({ id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(120) }),
        response: { 200: z.record(z.string(), z.unknown()).describe('Passage: id, title, topics, source, thresholds, related, body'), ...errorResponses },
      },
    },
    async (req) => {
      const kb = await app.groundct.knowledgeBase();
      const passage = kb.byId.get(req.params.id);
      if (!passage) throw gctError('GCT_SERVICE_PASSAGE_NOT_FOUND', `No knowledge-base passage '${req.params.id}'.`, { passageId: req.params.id });
      return passage;
    },
  );
};
