/**
 * The viewer of a follow-up study in real Chromium: the prior is shown beside the current study, and clicking a
 * change sentence highlights the lesion in both panels, each moved to the lesion's slices on its own grid. The
 * slices come from each phantom's label voxels, not from the pipeline. Screenshot: test/artifacts/viewer-followup.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study } from '../../../src/phantom/index.ts';
import { startServer, type StartedServer } from '../../../src/service/index.ts';
import { newToken, phantomSeriesParts, removeDir, sliceRangeOf, tempDataDir, testConfig, upload, waitForJob, type Parts } from '../http/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS_DIR = new URL('../../artifacts/', import.meta.url);

interface PanelState {
  ready?: boolean;
  sliceIndex: number | null;
  highlightedLabels: number[];
  labelAlpha: (id: number) => number | null;
}
interface ViewerState extends PanelState {
  ready: boolean;
  error: string | null;
  selectedSentenceId: string | null;
  sentences: { id: string; findingIds: string[] }[];
  prior: PanelState | null;
}

describe.skipIf(!existsSync(CHROMIUM))('follow-up viewer in Chromium', () => {
  let dir: string;
  let dataDir: string;
  let server: StartedServer;
  let browser: Browser;
  let token: string;
  let currentId: string;
  const studies: Record<string, Study> = {};

  async function parts(name: string, liverLesionMm: number): Promise<Parts> {
    const made = await phantomSeriesParts(dir, name, liverLesionMm);
    studies[name] = made.study;
    return made.parts;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gct-viewer-followup-'));
    dataDir = await tempDataDir();
    server = await startServer(testConfig(dataDir, { port: 0 }));
    token = await newToken(server.app);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const prior = await upload(server.app, token, await parts('baseline', 21));
    expect((await waitForJob(server.app, token, prior.json().jobId, 60_000)).last.state).toBe('done');
    const current = await upload(server.app, token, { ...(await parts('follow-up', 30)), priorStudyId: prior.json().studyId });
    currentId = current.json().studyId;
    expect((await waitForJob(server.app, token, current.json().jobId, 60_000)).last.state).toBe('done');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    if (dataDir) await removeDir(dataDir);
    if (dir) await removeDir(dir);
  });

  it('shows the prior beside the current study and highlights a changed lesion in both', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 850 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/studies/${currentId}/view#token=${token}`);
    await page.waitForFunction(() => {
      const v = (globalThis as unknown as { groundctViewer?: { ready: boolean; error: string | null } }).groundctViewer;
      return v?.ready === true || !!v?.error;
    }, null, { timeout: 60_000 });
    expect(await page.evaluate(() => ({ error: (globalThis as unknown as { groundctViewer: ViewerState }).groundctViewer.error, prior: (globalThis as unknown as { groundctViewer: ViewerState }).groundctViewer.prior?.ready }))).toEqual({ error: null, prior: true });
    expect(await page.isVisible('#gl-prior')).toBe(true);

    const lesionId = 210; // liver_lesion in the phantom's label table (src/phantom/label-table.ts)
    const sentenceId = await page.evaluate(() => {
      const v = (globalThis as unknown as { groundctViewer: ViewerState }).groundctViewer;
      return v.sentences.find((s) => s.findingIds.includes('change.liver_lesion-1'))?.id ?? null;
    });
    expect(sentenceId).not.toBeNull();
    await page.click(`[data-sentence-id="${sentenceId}"]`);
    await page.waitForFunction((id) => (globalThis as unknown as { groundctViewer: ViewerState }).groundctViewer.selectedSentenceId === id, sentenceId);
    const after = await page.evaluate((id) => {
      const v = (globalThis as unknown as { groundctViewer: ViewerState }).groundctViewer;
      return { current: { slice: v.sliceIndex, labels: v.highlightedLabels, alpha: v.labelAlpha(id) }, prior: { slice: v.prior!.sliceIndex, labels: v.prior!.highlightedLabels, alpha: v.prior!.labelAlpha(id) } };
    }, lesionId);
    for (const [name, panel] of [['follow-up', after.current], ['baseline', after.prior]] as const) {
      const s = studies[name];
      const [kMin, kMax] = sliceRangeOf(s.labels.layers[0], s.labels.grid.dims, lesionId);
      expect(panel.labels, name).toContain(lesionId);
      expect(panel.alpha, name).toBe(255);
      expect(panel.slice!, name).toBeGreaterThanOrEqual(kMin);
      expect(panel.slice!, name).toBeLessThanOrEqual(kMax);
    }
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: new URL('viewer-followup.png', ARTIFACTS_DIR).pathname });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
