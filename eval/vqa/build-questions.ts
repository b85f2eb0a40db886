/**
 * Writes the VQA question sets: eval/vqa/phantom.jsonl (expected answers from each phantom's truth) and
 * eval/vqa/heldout.jsonl (phrasings scored without tuning the parser to them) and eval/vqa/shared.jsonl (from eval/vqa/shared-reference.json, made by reference_shared.py). Run after changing a
 * template or a study:  npx tsx eval/vqa/build-questions.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { generateStudy } from '../../src/phantom/index.ts';
import { PhantomOracle } from './oracle.ts';
import { heldoutQuestions } from './heldout-questions.ts';
import { phantomQuestions } from './phantom-questions.ts';
import { QuestionItemSchema, type QuestionItem } from './question-set.ts';
import { sharedQuestions, type SharedReference } from './shared-questions.ts';
import { PHANTOM_STUDIES } from './studies.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function write(file: string, items: QuestionItem[]): void {
  for (const item of items) QuestionItemSchema.parse(item);
  writeFileSync(here(file), items.map((i) => JSON.stringify(i) + '\n').join(''));
  console.log(`${file}: ${items.length} questions`);
}

const kb = await loadKnowledgeBase();
const phantom: QuestionItem[] = [];
for (const [key, spec] of Object.entries(PHANTOM_STUDIES)) {
  const oracle = new PhantomOracle(generateStudy(spec).truth, kb);
  phantomQuestions(oracle).forEach((d, n) => phantom.push({ id: `${key}-${String(n + 1).padStart(3, '0')}`, study: key, ...d }));
}
write('phantom.jsonl', phantom);

const heldout: QuestionItem[] = [];
for (const key of ['abdomen', 'multifocal', 'partial-venous']) {
  const oracle = new PhantomOracle(generateStudy(PHANTOM_STUDIES[key]).truth, kb);
  heldoutQuestions(oracle).forEach((d, n) => heldout.push({ id: `heldout-${key}-${String(n + 1).padStart(2, '0')}`, study: key, ...d }));
}
write('heldout.jsonl', heldout);

const ref = JSON.parse(readFileSync(here('shared-reference.json'), 'utf8')) as SharedReference;
write('shared.jsonl', sharedQuestions(ref).map((d, n) => ({ id: `${d.study}-${String(n + 1).padStart(3, '0')}`, ...d })));
