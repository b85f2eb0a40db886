import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { gctError } from '../../errors.ts';
import { errorResponses } from '../schemas.ts';

/** Most passages one search returns. */
export const PASSAGE_SEARCH_MAX_K = 20;

const PassageKindSchema = z.enum(['literature', 'method']);

const PassageSearchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(2000).optional().describe('Text to search for (a report sentence, a term); without it the index is listed'),
    k: z.coerce.number().int().min(1).max(PASSAGE_SEARCH_MAX_K).default(5).describe(`Passages to return, 1-${PASSAGE_SEARCH_MAX_K}`),
    kind: PassageKindSchema.optional().describe('Only passages of this kind'),
  })
  .strict();

const PassageSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: PassageKindSchema,
  topics: z.array(z.string()),
  /** Retrieval score (the default retriever's fused score); absent in the listing. */
  score: z.number().optional(),
  source: z.record(z.string(), z.unknown()),
});

/**
 * GET /v1/passages/:id: a knowledge-base passage (title, kind, source, text), for the citations a report lists.
 * GET /v1/passages?q=...&k=5&kind=literature: the passages that best support a text, best first, as the grounding
 * stage retrieves them (src/ground/retriever.ts); without q, every passage's id, title, kind and topics.
 */
export const knowledgeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/passages',
    {
      schema: {
        tags: ['knowledge-base'],
        summary: 'Search the knowledge base (or list it without q)',
        querystring: PassageSearchQuerySchema,
        response: { 200: z.object({ query: z.string().nullable(), embedderId: z.string().nullable(), passages: z.array(PassageSummarySchema) }), ...errorResponses },
      },
    },
    async (req) => {
      const kb = await app.groundct.knowledgeBase();
      const { q, k, kind } = req.query;
      const summary = (id: string, score?: number) => {
        const p = kb.byId.get(id)!;
        return { id: p.id, title: p.title, kind: p.kind, topics: p.topics, ...(score === undefined ? {} : { score: Number(score.toFixed(4)) }), source: p.source };
      };
      if (q === undefined) return { query: null, embedderId: null, passages: kb.passages.filter((p) => kind === undefined || p.kind === kind).map((p) => summary(p.id)) };
      const retriever = await app.groundct.retriever();
      const hits = await retriever.retrieve(q, { k, minScore: -1, ...(kind === undefined ? {} : { kind }) });
      return { query: q, embedderId: retriever.embedderId, passages: hits.map((h) => summary(h.passageId, h.score)) };
    },
  );

  app.get(
    '/passages/:id',
    {
      schema: {
        tags: ['knowledge-base'],
        summary: 'A knowledge-base passage cited by findings, report sentences and answers',
        params: z.object({ id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(120) }),
        response: { 200: z.record(z.string(), z.unknown()).describe('Passage: id, kind, title, topics, source, thresholds, related, body'), ...errorResponses },
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
