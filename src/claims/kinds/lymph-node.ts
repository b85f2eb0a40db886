import { nodeCues, type Span } from '../cues.ts';
import { baseClaim, certaintyAt, locationsOf, negatedAt, nearest, type ClaimExtractor, type ClauseContext } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim, ClaimSide, SizeClass } from '../types.ts';
import { lesionNumbers } from './lesion.ts';
import { bad, compareAll, ok, unknown } from './match-helpers.ts';

/**
 * Lymph node claims: "no enlarged lymph nodes", "lymph nodes in the right axilla, the largest with a short axis of
 * 1 cm", "nodes with a short axis under 1 cm". A size class from the words ("pathological size", "enlarged" ->
 * enlarged; "not pathological in size", "less than 1 cm" -> normal size; RECIST 1.1: a node is pathological at a
 * short axis of 10 mm or more). A side only when the whole statement has one ("in both axillae", "in the right
 * axilla"); a list of stations with sides ("prevascular, subcarinal or bilateral hilar") gives none.
 */

const ENLARGED = /\b(?:patholog\w*\s+(?:size|dimensions?|appearance)|enlarged|enlargement|lymphadenopath\w*|adenopath\w*|lymphadenomegal\w*|bulky|LAPs?)\b/i;
const NORMAL_SIZE = /\b(?:not\s+(?:\w+\s+){0,2}patholog\w*\s+(?:in\s+)?(?:size|dimensions?)|(?:did\s+not|do\s+not|does\s+not|not)\s+reach\w*\s+patholog\w*|non-?patholog\w*|(?:less|smaller)\s+than\s+(?:1\s*cm|10\s*mm)|sub-?centimet\w*|normal[- ]sized|normal\s+size|non-?enlarged|within\s+normal\s+limits)\b/i;

function sizeClassOf(text: string): SizeClass | undefined {
  if (NORMAL_SIZE.test(text)) return 'normal size';
  if (ENLARGED.test(text)) return 'enlarged';
  return undefined;
}

function nodeSide(ctx: ClauseContext, node: Span): ClaimSide | undefined {
  // An intrapulmonary node in a sided lung or lobe ("in the right lung lower lobe ... lymph node?") is on that side.
  const sidedPlaces = ctx.mentions.filter((m) => m.side !== undefined && m.role !== 'node');
  if (ctx.sides.length === 0 && sidedPlaces.length > 0 && new Set(sidedPlaces.map((m) => m.side)).size === 1) return sidedPlaces[0]!.side;
  const sides = ctx.sides.filter((s) => !/[,;]|\band\b|\bor\b/i.test(ctx.text.slice(Math.min(node.end, s.end), Math.max(node.start, s.start))));
  if (sides.length === 0 || sides.length !== ctx.sides.length) return undefined;
  const set = new Set(sides.map((s) => s.side));
  return set.size === 1 ? sides[0]!.side : 'bilateral';
}

/** Node words of the clause (the catalogue's lymph node names and the cue words), the statement's first. */
function nodeWords(ctx: ClauseContext): Span[] {
  const words: Span[] = [...ctx.mentions.filter((m) => m.role === 'node'), ...nodeCues(ctx.text)];
  return words.sort((a, b) => a.start - b.start);
}

export const lymphNodeExtractor: ClaimExtractor = {
  kinds: ['lymph_node'],
  extract(ctx, state) {
    const words = nodeWords(ctx);
    if (words.length === 0) return;
    const at = ctx.interpretation.at ?? ctx.text.length;
    const stated = words.filter((w) => w.start < at);
    // A lesion noun of the statement wins ("a mass and nodes"); a lesion adjective of the node does not ("metastatic nodes").
    const adjectiveOfNode = (w: { start: number; end: number }) => words.some((n) => n.start >= w.end && n.start - w.end <= 20 && /^[\s\w-]*$/.test(ctx.text.slice(w.end, n.start)));
    const lesionNouns = ctx.lesionWords.filter((w) => !w.interpretive && !adjectiveOfNode(w));
    if (lesionNouns.length > 0) return;
    const n = stated[0] ?? (ctx.lesionWords.some((w) => !w.interpretive) ? undefined : words[0]);
    if (n === undefined) return;
    const negated = negatedAt(ctx, n.start);
    const sizeClass = sizeClassOf(ctx.text);
    const certainty = stated.length === 0 ? 'uncertain' : certaintyAt(ctx, n.start);
    const side = nodeSide(ctx, n);
    const near = nearest(ctx.sizes, n.start);
    const cls = sizeClass ?? (near === undefined ? undefined : near.value.cls === 'massively enlarged' ? 'enlarged' : near.value.cls);
    // The node's side is its statement's (nodeSide), never a side word of another part of the clause.
    const { side: _other, ...claim } = baseClaim(ctx, state, 'lymph_node', negated, null, {
      locations: locationsOf(ctx, null),
      numbers: negated ? [] : lesionNumbers(ctx.numbers, ctx.text, true),
      ...(cls ? { sizeClass: cls } : {}),
      ...(certainty ? { certainty } : {}),
    });
    state.claims.push({ ...claim, ...(side ? { side } : {}) });
    state.claimed.add('lymph_node');
  },
};

export function matchNode(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const nodes = ref.findings.filter((f) => f.type === 'lymph_node');
  if (nodes.length === 0) return unknown('no lymph node label in the reference masks');
  const enlarged = nodes.filter((f) => f.status === 'abnormal');
  if (claim.negated) {
    if (enlarged.length > 0) return bad('negated_present', enlarged.map((f) => f.id), `nodes denied but ${enlarged.length} enlarged in the reference`);
    return ok(nodes.map((f) => f.id), 'no enlarged node, as in the reference');
  }
  const pool = claim.sizeClass === 'normal size' ? nodes.filter((f) => f.status !== 'abnormal') : claim.sizeClass === 'enlarged' ? enlarged : nodes;
  if (pool.length === 0) return bad(claim.sizeClass === 'normal size' ? 'negated_present' : 'present_absent', nodes.map((f) => f.id), `no ${claim.sizeClass ?? ''} node in the reference`);
  let best: { id: string; numeric: ReturnType<typeof compareAll>; bad: number } | undefined;
  for (const f of pool) {
    const numeric = compareAll(claim.numbers, f);
    const nb = numeric.filter((c) => !c.withinTolerance).length;
    if (best === undefined || nb < best.bad) best = { id: f.id, numeric, bad: nb };
  }
  if (best!.bad > 0) return bad('number_off', [best!.id], `node size differs from ${best!.id}`, best!.numeric);
  return ok([best!.id], `matches ${best!.id}`, best!.numeric);
}
