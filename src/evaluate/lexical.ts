/**
 * Lexical overlap scores, only so that results can be set beside older report-generation papers. They reward
 * shared wording, not correct facts: a report with every side swapped scores almost as high as the original.
 *
 * Tokens: lower-case words and numbers (decimals kept whole: "2.1").
 */

export function lexicalTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+|\d+(?:\.\d+)?/g) ?? [];
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

/**
 * Corpus-level BLEU-4 (Papineni et al., ACL 2002, DOI 10.3115/1073083.1073135): geometric mean of the clipped
 * 1- to 4-gram precisions over all pairs, times the brevity penalty exp(1 - r/c) when the candidates are
 * shorter than the references (c < r). Uniform weights, one reference per candidate, no smoothing (0 when some
 * n-gram order has no match). Range 0-1.
 */
export function bleu4(pairs: readonly { candidate: string; reference: string }[]): number {
  const matches = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  let c = 0;
  let r = 0;
  for (const p of pairs) {
    const cand = lexicalTokens(p.candidate);
    const ref = lexicalTokens(p.reference);
    c += cand.length;
    r += ref.length;
    for (let n = 1; n <= 4; n++) {
      const cg = ngrams(cand, n);
      const rg = ngrams(ref, n);
      for (const [g, count] of cg) matches[n - 1]! += Math.min(count, rg.get(g) ?? 0);
      totals[n - 1]! += Math.max(0, cand.length - n + 1);
    }
  }
  if (c === 0 || totals.some((t, i) => t === 0 || matches[i] === 0)) return 0;
  const logP = matches.reduce((a, m, i) => a + Math.log(m / totals[i]!), 0) / 4;
  const bp = c < r ? Math.exp(1 - r / c) : 1;
  return bp * Math.exp(logP);
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** β of ROUGE-L's F-measure as in the COCO caption evaluation code (pycocoevalcap), which weights recall more. */
export const ROUGE_L_BETA = 1.2;

/**
 * ROUGE-L (Lin, "ROUGE: A Package for Automatic Evaluation of Summaries", ACL Workshop 2004): longest common
 * subsequence of tokens, F = (1 + β²) P R / (R + β² P) with P = LCS / |candidate|, R = LCS / |reference|.
 * Range 0-1; one score per report (summary-level LCS over the whole text).
 */
export function rougeL(candidate: string, reference: string): number {
  const c = lexicalTokens(candidate);
  const r = lexicalTokens(reference);
  if (c.length === 0 || r.length === 0) return 0;
  const lcs = lcsLength(c, r);
  if (lcs === 0) return 0;
  const p = lcs / c.length;
  const rec = lcs / r.length;
  const b2 = ROUGE_L_BETA * ROUGE_L_BETA;
  return ((1 + b2) * p * rec) / (rec + b2 * p);
}
