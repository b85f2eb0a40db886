/**
 * CI's run of the malformed-input corpus (test/corpus/generate.ts, >= 150 inputs) through `groundct info`,
 * `measure` and `report` (test/corpus/run.ts): every run must end in its listed outcome, with no stack trace,
 * no hang, no partial output, and the memory cases within the stated peak-RSS bound. Bombs inflate to 512 MiB here;
 * the recorded full run (4 GiB bombs, every memory run in a fresh process) is eval/robustness/run.ts ->
 * eval/results/robustness-corpus.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCorpus, type Corpus } from './generate.ts';
import { runCorpus, type RunResult } from './run.ts';

/** Per run; the slowest honest run (report on the 256 x 256 x 96 control) takes a few seconds on an idle machine. */
const RUN_TIMEOUT_MS = 60_000;

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('malformed-input corpus', () => {
  let corpus: Corpus;
  let results: RunResult[];

  it('generates at least 150 inputs across every family', { timeout: 300_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'gct-corpus-'));
    // 512 MiB bombs: a reader that inflated one whole would pass the 450 MiB RSS bound; the recorded run uses 4 GiB.
    corpus = await generateCorpus(dir, { bombBytes: 512 * 1024 ** 2 });
    expect(corpus.cases.length).toBeGreaterThanOrEqual(150);
    const families = new Set(corpus.cases.map((c) => c.family));
    for (const f of ['nifti', 'nrrd', 'dicom', 'seg', 'masks', 'labelmap', 'zip', 'fs', 'output']) expect(families, f).toContain(f);
    expect(corpus.cases.filter((c) => c.memory).length).toBeGreaterThanOrEqual(6);
  });

  it('every input gives its listed outcome under info, measure and report: coded error or correct result, no stack, no hang, no partial output, RSS within the bound', { timeout: 1_200_000 }, async () => {
    results = await runCorpus(corpus, { workers: 2, timeoutMs: RUN_TIMEOUT_MS, memoryRuns: 'first' });
    const failed = results.filter((r) => !r.pass).map((r) => `${r.caseId} ${r.command}: ${r.problems.join('; ')}`);
    expect(failed).toEqual([]);
    expect(results.length).toBe(3 * corpus.cases.length);
    // The memory cases were measured, and the bombs among them refused within the bound.
    expect(results.filter((r) => r.maxRssMb !== undefined).length).toBeGreaterThanOrEqual(6);
  });
});
