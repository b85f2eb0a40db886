/**
 * The report's Markdown, when the report stage provides `renderMarkdown` and the pipeline returned a report.
 * Loaded by URL at run time so that the service works with or without the report stage present (it is being
 * built alongside); once src/report/index.ts exports renderMarkdown, report.md is written for every study.
 */
const REPORT_ENTRY = new URL('../../report/index.ts', import.meta.url).href;

export async function renderReportMarkdown(report: unknown): Promise<string | undefined> {
  if (report === undefined || report === null) return undefined;
  let mod: { renderMarkdown?: (r: unknown) => string };
  try {
    mod = (await import(REPORT_ENTRY)) as typeof mod;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
  return typeof mod.renderMarkdown === 'function' ? mod.renderMarkdown(report) : undefined;
}
