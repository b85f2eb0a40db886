import { renderMarkdown, ReportSchema } from '../../report/index.ts';

/** report.md for a pipeline result that holds a report (checked against the report stage's schema first). */
export function renderReportMarkdown(report: unknown): string | undefined {
  if (report === undefined || report === null) return undefined;
  return renderMarkdown(ReportSchema.parse(report));
}
