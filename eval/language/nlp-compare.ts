/**
 * Does a real NLP toolkit read real report text better than groundct's rules? (issue 13, item 6.) wink-nlp 2.4.0
 * with wink-eng-lite-web-model 1.8.1 (the toolkit STACK.md checked: sentences, tokens, parts of speech and
 * negation flags, offline) is put in place of the rules where it could replace them, one part at a time, and the
 * claim figures on the gold sentences (dev split) and the parser sensitivity on the corpus (dev split) are
 * measured for each variant:
 *   rules            groundct's sentence splitter and NegEx/ConText negation (src/claims)
 *   wink-negation    wink's per-token negation flags as the negation scopes, groundct's splitter
 *   wink-sentences   wink's sentence splitter, groundct's negation
 *   wink-both        both
 * The toolkit is not a dependency of groundct: install it for this comparison only,
 *   npm install --no-save wink-nlp@2.4.0 wink-eng-lite-web-model@1.8.1 && npx tsx eval/language/nlp-compare.ts
 * Writes eval/results/language-nlp.md and .json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseClaims, splitSentences, type Claim, type NegationScope } from '../../src/claims/index.ts';
import { NO_DATA_REASON } from '../../test/helpers/data.ts';
import { corpusAvailable } from './gold.ts';
import { errorRate, sensitivity } from './mutate.ts';
import { evaluateSplit, type Figures } from './run.ts';

interface WinkToken { out(f?: unknown): string }
interface WinkDoc {
  sentences(): { each(f: (s: { out(): string }) => void): void };
  tokens(): { each(f: (t: WinkToken) => void): void };
}
interface Wink { readDoc(text: string): WinkDoc; its: { negationFlag: unknown; precedingSpaces: unknown } }

function loadWink(): Wink | null {
  const require = createRequire(import.meta.url);
  try {
    const winkNLP = require('wink-nlp') as (model: unknown) => Wink;
    return winkNLP(require('wink-eng-lite-web-model'));
  } catch {
    return null;
  }
}

/** wink's negation flags as character spans of the clause: each run of flagged tokens is one scope. */
function winkNegation(nlp: Wink): (clause: string) => NegationScope[] {
  return (clause) => {
    const scopes: NegationScope[] = [];
    let at = 0;
    let open: number | null = null;
    nlp.readDoc(clause).tokens().each((t) => {
      const text = t.out();
      const start = clause.indexOf(text, at);
      if (start < 0) return;
      at = start + text.length;
      const neg = t.out(nlp.its.negationFlag) as unknown as boolean;
      if (neg && open === null) open = start;
      if (!neg && open !== null) {
        scopes.push({ start: open, end: start });
        open = null;
      }
    });
    if (open !== null) scopes.push({ start: open, end: clause.length });
    return scopes;
  };
}

function winkSentences(nlp: Wink, text: string): string[] {
  const out: string[] = [];
  nlp.readDoc(text).sentences().each((s) => out.push(s.out()));
  return out;
}

function main() {
  if (!corpusAvailable()) {
    console.log(`skipped: ${NO_DATA_REASON}`);
    return;
  }
  const nlp = loadWink();
  if (nlp === null) {
    console.log('skipped: wink-nlp is not installed (npm install --no-save wink-nlp@2.4.0 wink-eng-lite-web-model@1.8.1)');
    return;
  }
  const negation = winkNegation(nlp);
  const variants: Record<string, (text: string) => Claim[]> = {
    rules: (t) => splitSentences(t).flatMap((s) => parseClaims(s.text)),
    'wink-negation': (t) => splitSentences(t).flatMap((s) => parseClaims(s.text, { negation })),
    'wink-sentences': (t) => winkSentences(nlp, t).flatMap((s) => parseClaims(s)),
    'wink-both': (t) => winkSentences(nlp, t).flatMap((s) => parseClaims(s, { negation })),
  };
  const rows: { variant: string; figures: Figures; sensitivityPct: number; ms: number }[] = [];
  for (const [variant, read] of Object.entries(variants)) {
    const t0 = performance.now();
    const figures = evaluateSplit('dev', undefined, read);
    const sensitivityPct = errorRate(sensitivity(read, ['dev']).tallies, 'dev');
    rows.push({ variant, figures, sensitivityPct, ms: Math.round(performance.now() - t0) });
    console.log(`${variant}: recall ${figures.claimRecallPct} %, precision ${figures.claimPrecisionPct} %, numbers ${figures.numbersPct} %, side ${figures.sidePct} %, certainty ${figures.certaintyPct} %, sensitivity ${sensitivityPct} %`);
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}, ${platform()} ${release()}, Node ${process.version}`;
  const command = 'npm install --no-save wink-nlp@2.4.0 wink-eng-lite-web-model@1.8.1 && npx tsx eval/language/nlp-compare.ts';
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}language-nlp.json`, JSON.stringify({ date, command, machine, rows }, null, 2) + '\n');
  const table = rows.map((r) => `| ${r.variant} | ${r.figures.claimRecallPct} % | ${r.figures.claimPrecisionPct} % | ${r.figures.numbersPct} % | ${r.figures.sidePct} % | ${r.figures.certaintyPct} % | ${r.sensitivityPct} % | ${(r.ms / 1000).toFixed(1)} s |`);
  const best = [...rows].sort((a, b) => b.figures.claimRecallPct + b.figures.claimPrecisionPct + b.sensitivityPct - (a.figures.claimRecallPct + a.figures.claimPrecisionPct + a.sensitivityPct))[0]!;
  writeFileSync(
    `${out}language-nlp.md`,
    [
      '# An NLP toolkit (wink-nlp) against groundct\'s rules, on real report text',
      '',
      `- date: ${date}`,
      `- command: ${command}`,
      `- machine: ${machine} (shared; times are one run, for scale only)`,
      '- data: gold sentences and number-rich sentences, dev split (eval/language); parser sensitivity on the dev reports of the corpus (eval/language/mutate.ts)',
      '',
      '| variant | claim recall | claim precision | numbers | side | certainty | sensitivity (planted errors shown) | wall time |',
      '|---|---|---|---|---|---|---|---|',
      ...table,
      '',
      `Best by recall + precision + sensitivity: **${best.variant}**. ${best.variant === 'rules' ? 'Decision: wink-nlp is not added to groundct; the rules measure better on this text.' : 'Decision: see the report.'}`,
      '',
    ].join('\n'),
  );
  console.log(`wrote ${out}language-nlp.md`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
