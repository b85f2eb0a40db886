/**
 * Retrieval evaluation runner: recall@1/@3 on the dev and test splits of eval/retrieval/labelled.jsonl and the
 * latency of one retrieve call per sentence, for the default embedder, a few ablations of it (options were chosen
 * on dev only), BM25 fusion, and any local transformers.js model named with --model <name> (a folder under models/).
 *
 *   npx tsx eval/retrieval/run.ts [--model <name>] [--out eval/results]
 *
 * Writes <out>/retrieval.json and <out>/retrieval.md. The index is built in a temporary data directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embedder } from '../../src/ground/embedder.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { createDefaultEmbedder, openRetriever } from '../../src/ground/retriever.ts';
import { loadTransformersEmbedder } from '../../src/ground/transformers-embedder.ts';
import { evaluateRetriever, loadLabelledSet, type SplitResult } from './evaluate.ts';

interface Row {
  name: string;
  embedderId: string;
  lexicalWeight: number;
  buildMs: number;
  indexOrigin: string;
  dev: SplitResult;
  test: SplitResult;
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const outDir = path.resolve(flag('--out') ?? path.join(repoRoot, 'eval/results'));
const modelName = flag('--model');

const kb = await loadKnowledgeBase();
const items = loadLabelledSet();
const dev = items.filter((i) => i.split === 'dev');
const test = items.filter((i) => i.split === 'test');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gct-retrieval-eval-'));

const configs: { name: string; make: () => Promise<Embedder>; lexicalWeight?: number }[] = [
  { name: 'hashed-tfidf (default)', make: async () => createDefaultEmbedder(kb) },
  { name: 'hashed-tfidf + BM25 fusion w=0.3', make: async () => createDefaultEmbedder(kb), lexicalWeight: 0.3 },
  { name: 'ablation: no synonym table', make: async () => createDefaultEmbedder(kb, { synonyms: false }) },
  { name: 'ablation: no character n-grams', make: async () => createDefaultEmbedder(kb, { charWeight: 0 }) },
  { name: 'ablation: no word bigrams', make: async () => createDefaultEmbedder(kb, { bigramWeight: 0 }) },
  { name: 'ablation: character n-grams only', make: async () => createDefaultEmbedder(kb, { unigramWeight: 0, bigramWeight: 0 }) },
  { name: 'ablation: 1024 dimensions', make: async () => createDefaultEmbedder(kb, { dimensions: 1024 }) },
];
if (modelName !== undefined) {
  configs.push({ name: `transformers.js ${modelName}`, make: () => loadTransformersEmbedder({ modelName, modelsDir: path.join(repoRoot, 'models') }) });
}

const rows: Row[] = [];
try {
  for (const c of configs) {
    const embedder = await c.make();
    const t0 = performance.now();
    const retriever = await openRetriever({ kb, embedder, dataDir, lexicalWeight: c.lexicalWeight ?? 0 });
    const buildMs = performance.now() - t0;
    const row = { name: c.name, embedderId: embedder.id, lexicalWeight: c.lexicalWeight ?? 0, buildMs, indexOrigin: retriever.indexOrigin, dev: await evaluateRetriever(retriever, dev), test: await evaluateRetriever(retriever, test) };
    rows.push(row);
    console.log(`${row.name}: dev R@1 ${row.dev.recallAt1.toFixed(3)} R@3 ${row.dev.recallAt3.toFixed(3)} | test R@1 ${row.test.recallAt1.toFixed(3)} R@3 ${row.test.recallAt3.toFixed(3)} | p50 ${row.test.latencyP50Ms.toFixed(2)} ms`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const command = `npx tsx eval/retrieval/run.ts${modelName ? ` --model ${modelName}` : ''}`;
const date = new Date().toISOString();
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'retrieval.json'),
  `${JSON.stringify({ date, machine, command, kbContentHash: kb.contentHash, passages: kb.passages.length, labelled: { dev: dev.length, test: test.length }, rows }, null, 1)}\n`,
);

const pct = (x: number) => (100 * x).toFixed(1);
const lines = [
  '# Retrieval evaluation',
  '',
  `- date: ${date}`,
  `- machine: ${machine}`,
  `- command: \`${command}\``,
  `- knowledge base: ${kb.passages.length} passages, content hash ${kb.contentHash.slice(0, 16)}`,
  `- labelled set: eval/retrieval/labelled.jsonl, ${dev.length} dev + ${test.length} test sentences (every passage has at least one of each)`,
  '',
  'recall@k = share of sentences with at least one correct passage in the top k. Latency = wall time of one',
  '`retrieve` call (embed the sentence + HNSW search), after a warm-up pass, one sentence at a time, on a shared',
  'machine. Options were chosen on dev only; test numbers are reported, not tuned on.',
  '',
  '| configuration | dev R@1 | dev R@3 | test R@1 | test R@3 | p50 ms | p95 ms | index open ms |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${pct(r.dev.recallAt1)} | ${pct(r.dev.recallAt3)} | ${pct(r.test.recallAt1)} | ${pct(r.test.recallAt3)} | ` +
      `${r.test.latencyP50Ms.toFixed(2)} | ${r.test.latencyP95Ms.toFixed(2)} | ${r.buildMs.toFixed(0)} (${r.indexOrigin}) |`,
  ),
  '',
  `Default embedder id: \`${rows[0].embedderId}\``,
  '',
  '## Test-split misses of the default embedder (not in the top 3)',
  '',
  ...(rows[0].test.misses.length === 0 ? ['none'] : rows[0].test.misses.map((m) => `- "${m.text}" expected ${m.expected.join(', ')}; got ${m.got.join(', ')}`)),
  '',
  '## Notes',
  '',
  '- Selection on dev only: the default options (4096 dims, word unigrams + half-weight bigrams + character 3-5-grams,',
  '  synonym table) were set before the sweep, and no variant tried on dev beat them on dev recall@3 (some tie it',
  '  with one or two more dev hits at rank 1). BM25 fusion is off by default because it lowered dev recall@3 while',
  '  raising dev recall@1; it is available as `openRetriever({ lexicalWeight })`.',
  '- The dev and test halves hold about one sentence per passage each, so one sentence is 1.1-1.2 points; ablation',
  '  differences of one or two sentences are within noise.',
  '- "index open ms" is openRetriever alone (the embedder was fitted before); "loaded" means the persisted index',
  '  of an earlier row with the same embedder id was reused from disk.',
  ...(modelName === undefined
    ? ['- No transformers.js row: no sentence-embedding model was given (`--model <folder under models/>`). The tiny model',
       '  in test/fixtures/tiny-embedder has random weights and only tests loading and pooling; it is not evaluated here.']
    : []),
  '',
];
writeFileSync(path.join(outDir, 'retrieval.md'), lines.join('\n'));
console.log(`wrote ${path.join(outDir, 'retrieval.md')}`);
