import type { Finding } from '../findings/index.ts';
import { mulberry32 } from '../phantom/index.ts';
import { falseAlarms, MUTATION_OPERATORS, reportMutants, scoreMutant, type Mutant, type MutantResult, type MutationOperator } from './mutations.ts';

/**
 * The harness's self-test over many correct reports: every mutant of every report (or a seeded, per-operator
 * balanced sample of them), and the false alarms on the unmodified sentences. Goal (issue 6): >= 95 % of the
 * mutants flagged with the right error type, <= 2 % of unmodified sentences flagged.
 */

export interface BaseReport {
  /** 'phantom-abdomen/groundct' */
  readonly id: string;
  readonly sentences: readonly string[];
  readonly findings: readonly Finding[];
  readonly lesionsComplete: boolean;
}

export interface OperatorStats {
  readonly mutants: number;
  readonly flagged: number;
  readonly rightType: number;
  /** rightType / mutants, range 0-1; null without mutants. */
  readonly rightTypeRate: number | null;
}

export interface MutationStudy {
  readonly reports: number;
  readonly mutants: number;
  readonly flagged: number;
  readonly rightType: number;
  /** Mutants flagged with the expected error type / all mutants, range 0-1. */
  readonly rightTypeRate: number;
  readonly flaggedRate: number;
  readonly byOperator: Record<MutationOperator, OperatorStats>;
  readonly unmodified: {
    readonly sentences: number;
    readonly sentencesWithClaims: number;
    /** Sentences whose claims are all supported: the ones mutated. */
    readonly sentencesEligible: number;
    readonly flagged: number;
    /** flagged / sentences with at least one claim, range 0-1. */
    readonly falseAlarmRate: number;
    /** flagged / all sentences, range 0-1. */
    readonly falseAlarmRateAllSentences: number;
    readonly examples: readonly { readonly report: string; readonly text: string; readonly details: readonly string[] }[];
  };
  /** Mutants not flagged with the expected type (all of them), for reading. */
  readonly misses: readonly { readonly report: string; readonly operator: MutationOperator; readonly expected: readonly string[]; readonly got: readonly string[]; readonly original: string | null; readonly mutated: string | null }[];
}

export interface MutationStudyOptions {
  /** Score a balanced sample of this many mutants (round-robin over operators after a seeded shuffle); all when absent. */
  readonly sample?: number;
  readonly seed?: number;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const rand = mulberry32(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A seeded sample of `n` items, balanced over operators (round-robin). */
export function sampleMutants<T extends { mutant: Mutant }>(items: readonly T[], n: number, seed: number): T[] {
  const byOp = new Map<MutationOperator, T[]>();
  for (const it of shuffle([...items], seed)) {
    const list = byOp.get(it.mutant.operator) ?? [];
    list.push(it);
    byOp.set(it.mutant.operator, list);
  }
  const out: T[] = [];
  while (out.length < n && [...byOp.values()].some((l) => l.length > 0))
    for (const op of MUTATION_OPERATORS) {
      const next = byOp.get(op)?.shift();
      if (next !== undefined && out.length < n) out.push(next);
    }
  return out;
}

export function runMutationStudy(bases: readonly BaseReport[], options: MutationStudyOptions = {}): MutationStudy {
  let all: { base: BaseReport; mutant: Mutant }[] = [];
  for (const b of bases) for (const m of reportMutants(b.sentences, b.findings, b.lesionsComplete)) all.push({ base: b, mutant: m });
  if (options.sample !== undefined) all = sampleMutants(all, options.sample, options.seed ?? 1);
  const results: { base: BaseReport; r: MutantResult }[] = all.map(({ base, mutant }) => ({ base, r: scoreMutant(mutant, base.sentences, base.findings, base.lesionsComplete) }));
  const byOperator = Object.fromEntries(
    MUTATION_OPERATORS.map((op) => {
      const rs = results.filter((x) => x.r.mutant.operator === op);
      const rightType = rs.filter((x) => x.r.rightType).length;
      return [op, { mutants: rs.length, flagged: rs.filter((x) => x.r.flagged).length, rightType, rightTypeRate: rs.length === 0 ? null : rightType / rs.length }];
    }),
  ) as Record<MutationOperator, OperatorStats>;
  let sentences = 0;
  let withClaims = 0;
  let eligible = 0;
  const examples: { report: string; text: string; details: string[] }[] = [];
  for (const b of bases) {
    const fa = falseAlarms(b.sentences, b.findings, b.lesionsComplete);
    sentences += fa.sentences;
    withClaims += fa.withClaims;
    eligible += fa.allSupported;
    for (const f of fa.flagged) examples.push({ report: b.id, text: f.text, details: f.details });
  }
  const flagged = results.filter((x) => x.r.flagged).length;
  const rightType = results.filter((x) => x.r.rightType).length;
  return {
    reports: bases.length,
    mutants: results.length,
    flagged,
    rightType,
    rightTypeRate: results.length === 0 ? 0 : rightType / results.length,
    flaggedRate: results.length === 0 ? 0 : flagged / results.length,
    byOperator,
    unmodified: {
      sentences,
      sentencesWithClaims: withClaims,
      sentencesEligible: eligible,
      flagged: examples.length,
      falseAlarmRate: withClaims === 0 ? 0 : examples.length / withClaims,
      falseAlarmRateAllSentences: sentences === 0 ? 0 : examples.length / sentences,
      examples,
    },
    misses: results
      .filter((x) => !x.r.rightType)
      .map((x) => ({ report: x.base.id, operator: x.r.mutant.operator, expected: x.r.mutant.expected, got: x.r.got, original: x.r.mutant.original, mutated: x.r.mutant.mutated })),
  };
}
