/**
 * Okapi BM25 lexical scoring (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
 * Found. Trends Inf. Retr. 2009, doi:10.1561/1500000019) over pre-analysed token lists:
 *   score(q, d) = sum over distinct query terms t of idf(t) * tf(t,d) (k1 + 1) / (tf(t,d) + k1 (1 - b + b |d| / avgdl))
 * with the non-negative idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) used by Lucene.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export class Bm25Index {
  private readonly tf: ReadonlyArray<ReadonlyMap<string, number>>;
  private readonly lengths: readonly number[];
  private readonly avgLength: number;
  private readonly idf: ReadonlyMap<string, number>;

  constructor(docs: readonly (readonly string[])[], readonly k1 = BM25_K1, readonly b = BM25_B) {
    const df = new Map<string, number>();
    this.tf = docs.map((tokens) => {
      const m = new Map<string, number>();
      for (const t of tokens) m.set(t, (m.get(t) ?? 0) + 1);
      for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
      return m;
    });
    this.lengths = docs.map((d) => d.length);
    this.avgLength = this.lengths.reduce((a, x) => a + x, 0) / Math.max(1, docs.length);
    const n = docs.length;
    this.idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + (n - d + 0.5) / (d + 0.5))]));
  }

  get size(): number {
    return this.tf.length;
  }

  /** BM25 score of every document for the query tokens (repeated query terms count once). */
  scores(queryTokens: readonly string[]): Float64Array {
    const out = new Float64Array(this.tf.length);
    for (const t of new Set(queryTokens)) {
      const idf = this.idf.get(t);
      if (idf === undefined) continue;
      for (let d = 0; d < this.tf.length; d++) {
        const f = this.tf[d].get(t);
        if (f === undefined) continue;
        out[d] += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * this.lengths[d]) / this.avgLength));
      }
    }
    return out;
  }
}
