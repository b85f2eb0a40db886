import type { Report } from './schema.ts';

/**
 * report.md: a short study line, FINDINGS organ by organ (one bold heading per group, its sentences as one
 * paragraph), IMPRESSION as a numbered list, most significant first. Only the report's sentences are written as
 * prose; the study line is metadata (no patient names, IDs or dates exist in the report to leak).
 */

function fixed(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

export function renderMarkdown(report: Report): string {
  const st = report.study;
  const lines: string[] = ['# CT report (draft)', ''];
  const studyBits = [
    st.modality ?? 'CT',
    `phase: ${st.phase}`,
    `${st.dims.join(' x ')} voxels`,
    `spacing ${st.spacingMm.map(fixed).join(' x ')} mm`,
    ...(st.patientAge === undefined ? [] : [`age ${st.patientAge}`]),
    ...(st.patientSex === undefined ? [] : [`sex ${st.patientSex}`]),
  ];
  lines.push(`Study: ${studyBits.join(', ')}.`, '');
  lines.push('## FINDINGS', '');
  for (const g of report.groups) {
    const text = report.sentences.filter((s) => s.section === 'findings' && s.group === g.key).map((s) => s.text).join(' ');
    if (text !== '') lines.push(`**${g.heading}.** ${text}`, '');
  }
  lines.push('## IMPRESSION', '');
  const impression = report.sentences.filter((s) => s.section === 'impression' && s.kind !== 'suggestion');
  impression.forEach((s, i) => lines.push(`${i + 1}. ${s.text}`));
  if (impression.length > 0) lines.push('');
  const suggestions = report.sentences.filter((s) => s.kind === 'suggestion');
  if (suggestions.length > 0) {
    lines.push('## RECOMMENDATIONS (suggestions for the radiologist, from the cited guidelines)', '');
    for (const s of suggestions) lines.push(`- ${s.text}`);
    lines.push('');
  }
  if (report.narrator.kind === 'llm') {
    const n = report.narrator.replaced.length;
    lines.push(`_Narrative rephrased by a language model; ${n} sentence${n === 1 ? '' : 's'} replaced by the template wording after checking._`, '');
  }
  return lines.join('\n');
}
