/**
 * The viewer in real Chromium (Debian's /usr/bin/chromium driven by playwright-core): upload the phantom, open
 * its page with the token in the URL fragment, click the sentence about the liver lesion, and read back from
 * the page (window.groundctViewer, NiiVue's own crosshair and colour table) that the viewer moved to the
 * lesion's slices and shows the lesion mask highlighted. The lesion's slices come from the phantom's label
 * voxels, not from the pipeline. Screenshot: test/artifacts/viewer-liver-lesion.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../../../src/service/index.ts';
import { makeStudyFiles, newToken, removeDir, sliceRangeOf, standardParts, tempDataDir, testConfig, upload, waitForJob, type StudyFiles } from '../http/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

/** window.groundctViewer, as src/service/viewer/viewer.js exposes it (this project's tsconfig has no DOM types). */
interface ViewerState {
  ready: boolean;
  error: string | null;
  sliceIndex: number | null;
  ijk: [number, number, number];
  highlightedLabels: number[];
  source: string;
  selectedSentenceId: string | null;
  sentences: { id: string }[];
  evidenceOf: (s: unknown) => { labelId: number; componentId?: string }[];
  labelAlpha: (id: number) => number | null;
}
interface PageGlobal {
  groundctViewer?: ViewerState;
  location: { hash: string };
  sessionStorage: { getItem(key: string): string | null };
}
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS_DIR = new URL('../../artifacts/', import.meta.url);
/** Flags from /work/shared/STACK.md: headless, no sandbox (root in CI), software GL, no network chatter. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!HAS_CHROMIUM) console.warn(`viewer browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!HAS_CHROMIUM)('study viewer in Chromium', () => {
  let files: StudyFiles;
  let dataDir: string;
  let server: StartedServer;
  let browser: Browser;
  let token: string;
  let studyId: string;

  beforeAll(async () => {
    files = await makeStudyFiles();
    dataDir = await tempDataDir();
    server = await startServer(testConfig(dataDir, { port: 0 }));
    token = await newToken(server.app);
    const res = await upload(server.app, token, standardParts(files));
    expect(res.statusCode).toBe(202);
    studyId = res.json().studyId;
    const [done] = await Promise.all([
      waitForJob(server.app, token, res.json().jobId),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => (browser = b)),
    ]);
    expect(done.last.state).toBe('done');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    if (dataDir) await removeDir(dataDir);
    if (files) await removeDir(files.dir);
  });

  it('clicking the liver lesion sentence moves to its slices and highlights its mask', async () => {
    const lesion = files.study.truth.lesions.find((l) => l.labelName === 'liver_lesion')!;
    const liver = files.study.truth.structures.find((s) => s.name === 'liver')!;
    const [kMin, kMax] = sliceRangeOf(files.study.labels.layers[0], files.study.labels.grid.dims, lesion.labelId);

    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${server.url}/studies/${studyId}/view#token=${token}`);
    await page.waitForFunction(() => {
      const v = (globalThis as unknown as PageGlobal).groundctViewer;
      return v?.ready === true || !!v?.error;
    }, null, { timeout: 30_000 });
    const before = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobal;
      const v = g.groundctViewer!;
      return { error: v.error, sliceIndex: v.sliceIndex, source: v.source, hash: g.location.hash, stored: g.sessionStorage.getItem('groundct.token') !== null };
    });
    expect(before.error).toBeNull();
    // The token left the address bar and lives in this tab's sessionStorage.
    expect(before.hash).toBe('');
    expect(before.stored).toBe(true);
    expect(before.source).toBe('report');
    expect(before.sliceIndex === null || before.sliceIndex < kMin || before.sliceIndex > kMax).toBe(true);

    // The sentence whose evidence is the liver lesion's connected component (report, findings or measurements).
    const sentenceId = await page.evaluate((labelId) => {
      const v = (globalThis as unknown as PageGlobal).groundctViewer!;
      const hit = v.sentences.find((s) => v.evidenceOf(s).some((e) => e.labelId === labelId && e.componentId));
      return hit?.id ?? null;
    }, lesion.labelId);
    expect(sentenceId).not.toBeNull();
    await page.click(`[data-sentence-id="${sentenceId}"]`);
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobal).groundctViewer!.selectedSentenceId === id, sentenceId);

    const after = await page.evaluate(
      ([lesionId, liverId]) => {
        const v = (globalThis as unknown as PageGlobal).groundctViewer!;
        return { sliceIndex: v.sliceIndex, ijk: v.ijk, highlighted: v.highlightedLabels, lesionAlpha: v.labelAlpha(lesionId), liverAlpha: v.labelAlpha(liverId) };
      },
      [lesion.labelId, liver.labelId],
    );
    expect(after.sliceIndex).not.toBeNull();
    expect(after.sliceIndex).toBeGreaterThanOrEqual(kMin);
    expect(after.sliceIndex).toBeLessThanOrEqual(kMax);
    expect(after.highlighted).toContain(lesion.labelId);
    expect(after.lesionAlpha).toBe(255);
    expect(after.liverAlpha).toBeLessThan(255);
    // The crosshair sits on a lesion voxel of that slice's neighbourhood: the label under it is the lesion.
    const [i, j, k] = after.ijk;
    const dims = files.study.labels.grid.dims;
    expect(files.study.labels.layers[0][i + dims[0] * (j + dims[1] * k)]).toBe(lesion.labelId);

    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: new URL('viewer-liver-lesion.png', ARTIFACTS_DIR).pathname });
    // The sentence's citations are listed with their sources (resolved through /v1/passages/:id).
    await page.waitForFunction(() => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('#citation-list li')?.textContent ?? '').includes('['));
    const citation = await page.textContent('#citation-list li');
    expect(citation).toMatch(/\[[a-z0-9-]+, (criteria|retrieval)\]/);

    // The question box answers with the same highlighting: ask about the pancreatic mass.
    const mass = files.study.truth.lesions.find((l) => l.labelName === 'pancreas_lesion')!;
    await page.fill('#question', 'Where is the pancreatic lesion?');
    await page.click('#ask button[type=submit]');
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobal).groundctViewer!.highlightedLabels.includes(id), mass.labelId, { timeout: 15_000 });
    const [mMin, mMax] = sliceRangeOf(files.study.labels.layers[0], dims, mass.labelId);
    const asked = await page.evaluate(() => (globalThis as unknown as PageGlobal).groundctViewer!.sliceIndex);
    expect(asked).toBeGreaterThanOrEqual(mMin);
    expect(asked).toBeLessThanOrEqual(mMax);
    expect(await page.textContent('#answer')).toMatch(/head/i);
    await page.screenshot({ path: new URL('viewer-ask-pancreas.png', ARTIFACTS_DIR).pathname });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
