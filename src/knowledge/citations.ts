import type { KnowledgeBase, Passage } from './knowledge-base.ts';

/** Why a passage is cited: a criterion the finding applied, or the literature a method criterion follows. */
export type CitationVia = 'criteria' | 'related';

export interface CitedPassage {
  readonly passage: Passage;
  readonly via: CitationVia;
}

/** At most this many literature passages are added through `related` when no criterion is literature. */
export const RELATED_LITERATURE_PER_CITATION = 1;

/**
 * The passages a statement resting on these criteria cites, so that it always cites literature when the knowledge
 * base can supply it without guessing:
 *   1. the criteria that are literature (a published definition or threshold the rule applied), in their order;
 *   2. the criteria that are method passages (how groundct measured), shown as "method";
 *   3. only when step 1 found none: the literature passages named in the `related` lists of the method criteria
 *      (a method passage names the published work it follows; a knowledge-base test requires one), at most
 *      RELATED_LITERATURE_PER_CITATION, in order of appearance.
 * Unknown ids are skipped (the rules check their criteria when they load). Retrieval is the caller's last resort
 * (src/ground/ground-report.ts) when even step 3 finds nothing, e.g. for a new finding type whose method passage
 * names no literature.
 */
export function citedPassages(kb: KnowledgeBase, criteriaIds: Iterable<string>): CitedPassage[] {
  const criteria = [...new Set(criteriaIds)].map((id) => kb.byId.get(id)).filter((p): p is Passage => p !== undefined);
  const literature = criteria.filter((p) => p.kind === 'literature');
  const method = criteria.filter((p) => p.kind === 'method');
  const out: CitedPassage[] = [...literature, ...method].map((passage) => ({ passage, via: 'criteria' as const }));
  if (literature.length > 0) return out;
  const seen = new Set(criteria.map((p) => p.id));
  const related: Passage[] = [];
  for (const p of method) {
    for (const id of p.related) {
      const r = kb.byId.get(id);
      if (r === undefined || r.kind !== 'literature' || seen.has(id)) continue;
      seen.add(id);
      related.push(r);
    }
  }
  return [...out, ...related.slice(0, RELATED_LITERATURE_PER_CITATION).map((passage) => ({ passage, via: 'related' as const }))];
}
