import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { LABEL_TABLE_FILE, labelLayerFile, STUDY_FILE } from '../followup/index.ts';
import { compareReportFolders, openPipelineResources } from '../pipeline.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs } from './output.ts';

export const COMPARE_USAGE = `groundct compare <prior-report-dir>... <current-report-dir> --out <dir> [--allow-other-patient]
  Compares report folders written by 'groundct report' (the last one is the current study; priors oldest first
  when a study has no date): aligns the studies (same frame of reference, else bone then organ centroids, else
  the CTs' bone surfaces), matches lesions one to one, measures each change and assesses the RECIST 1.1 response.
  Writes into <dir> the current study's folder with the comparison added: report.json / report.md with change
  sentences (evidence on both studies' grids), findings.json with the change findings, followup.json (alignment,
  matches, RECIST steps), and the current study's measurements, study.json and label volumes.
  --allow-other-patient compares studies whose patient-ID hashes differ (anonymised data; the report says so).`;

export async function runCompare(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    out: { type: 'string' },
    'allow-other-patient': { type: 'boolean', default: false },
  });
  if (positionals.length < 2) throw gctError('GCT_CLI_USAGE', `groundct compare takes at least one prior report folder and the current one; got ${positionals.length} folder(s).\n${COMPARE_USAGE}`);
  if (!values.out) throw gctError('GCT_CLI_USAGE', `groundct compare needs --out <dir>.\n${COMPARE_USAGE}`);
  const currentDir = positionals[positionals.length - 1];
  const priorDirs = positionals.slice(0, -1);
  // The output is checked and staged first; a refused comparison (old folder, other patient, no alignment)
  // leaves nothing behind (output.ts).
  const result = await withOutputs([{ kind: 'folder', path: values.out, flag: '--out' }], async (staging) => {
    const resources = await openPipelineResources(config);
    const result = await compareReportFolders(currentDir, priorDirs, config, resources, { allowOtherPatient: values['allow-other-patient'] });
    const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
    const tmp = staging(values.out!);
    await writeFile(join(tmp, 'report.json'), json(result.report));
    await writeFile(join(tmp, 'report.md'), result.markdown);
    await writeFile(join(tmp, 'findings.json'), json(result.findings));
    await writeFile(join(tmp, 'followup.json'), json(result.followup));
    await writeFile(join(tmp, 'measurements.json'), json(result.current.measurements));
    // The current study's identity and label volumes are copied unchanged: the output is a complete report folder.
    const identity = result.current.identity;
    const files = [STUDY_FILE, LABEL_TABLE_FILE, ...identity.labels.layers.map(labelLayerFile), ...(identity.boneSurface === null ? [] : [identity.boneSurface.file])];
    await Promise.all(files.map((f) => copyFile(join(currentDir, f), join(tmp, f))));
    return result;
  });
  const r = result.followup.recist;
  const last = result.followup.comparisons[result.followup.comparisons.length - 1];
  const count = (kind: string) => last.matches.filter((m) => m.kind === kind).length;
  out(
    `wrote ${join(values.out, 'report.json')}, report.md and followup.json: aligned by ${last.alignment.method} (residual ${last.alignment.residualMm} mm); ` +
      `${count('matched')} matched, ${count('new')} new, ${count('disappeared')} disappeared, ${count('split')} split, ${count('merged')} merged; RECIST 1.1 ${r.overallResponse}\n`,
  );
  return 0;
}
