/**
 * `groundct pacs pull <StudyInstanceUID> --url <dicomweb-base>`: a PACS round trip over DICOMweb.
 *
 * QIDO-RS finds the study's CT series (the one with most instances when there are several) and, unless --masks
 * is given, a segmentation to measure (the newest SEG series not written by groundct); WADO-RS fetches them
 * into a temporary folder; the pipeline measures, derives findings and writes the report; the SEG and the TID
 * 1500 SR go back into the same study with STOW-RS.
 *
 * Credentials: --user, or GROUNDCT_PACS__USERNAME / pacs.username in the config file; the password only from
 * GROUNDCT_PACS__PASSWORD or pacs.password (never a flag: flags show up in process lists). Neither is ever
 * printed or put into an error.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { deriveFindings } from '../findings/index.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { DEFAULT_PACS_TIMEOUT_MS, dicomwebClient, patientStudyAttributesOf, toFhirBundle, writeDicomOutputs, type SeriesMatch } from '../interop/index.ts';
import type { Phase } from '../measure/index.ts';
import { loadStudy, runPipeline, type StudyInput } from '../pipeline.ts';
import { buildReport, loadTemplates } from '../report/index.ts';
import { parseCommandArgs } from './args.ts';

export const PACS_USAGE = `groundct pacs pull <StudyInstanceUID> --url <dicomweb-base> [--user <name>] [--masks <file-or-folder> [--label-map <json>]]
    [--phase <phase>] [--out <dir>] [--fhir] [--no-store] [--timeout-ms <ms>]
  Fetches the study's CT series over DICOMweb (QIDO-RS, WADO-RS), measures it with --masks or the study's own
  DICOM SEG, writes a DICOM SEG + TID 1500 SR (and with --fhir a FHIR R4 bundle) and stores SEG and SR back
  into the study with STOW-RS. Password: GROUNDCT_PACS__PASSWORD or pacs.password in the config file.`;

/** Series descriptions groundct writes (dicom-seg-write.ts, dicom-sr-write.ts): never taken as input masks. */
const OWN_SERIES = /^groundct /;

interface PacsCredentials {
  readonly username?: string;
  readonly password?: string;
}

/** Credentials from the flag, the environment, then the config file (a `pacs` section when present). */
function credentials(userFlag: string | undefined, config: Config, env: NodeJS.ProcessEnv): PacsCredentials {
  const fromConfig = (config as { pacs?: { username?: unknown; password?: unknown } }).pacs ?? {};
  const username = userFlag ?? env.GROUNDCT_PACS__USERNAME ?? (typeof fromConfig.username === 'string' ? fromConfig.username : undefined);
  const password = env.GROUNDCT_PACS__PASSWORD ?? (typeof fromConfig.password === 'string' ? fromConfig.password : undefined);
  return { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

function pickCt(series: readonly SeriesMatch[], studyUid: string): SeriesMatch {
  const cts = series.filter((s) => s.modality === 'CT');
  if (cts.length === 0)
    throw gctError('GCT_PACS_STUDY_NOT_FOUND', `study ${studyUid} has no CT series on the PACS (series found: ${series.map((s) => s.modality || '?').join(', ') || 'none'})`, { studyInstanceUid: studyUid });
  return [...cts].sort((a, b) => (b.numberOfInstances ?? 0) - (a.numberOfInstances ?? 0))[0];
}

export async function runPacs(argv: string[], config: Config, out: (s: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandArgs('pacs', argv, {
    url: { type: 'string' },
    user: { type: 'string' },
    masks: { type: 'string', multiple: true },
    'label-map': { type: 'string', multiple: true },
    phase: { type: 'string' },
    out: { type: 'string' },
    fhir: { type: 'boolean', default: false },
    'no-store': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string' },
  });
  const [action, studyUid, ...extra] = positionals;
  if (action !== 'pull' || !studyUid || extra.length > 0) throw gctError('GCT_CLI_USAGE', `groundct pacs takes 'pull <StudyInstanceUID>'.\n${PACS_USAGE}`);
  if (!values.url) throw gctError('GCT_CLI_USAGE', 'groundct pacs pull needs --url <dicomweb-base>, e.g. http://localhost:8042/dicom-web');
  const timeoutMs = values['timeout-ms'] !== undefined ? Number(values['timeout-ms']) : DEFAULT_PACS_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw gctError('GCT_CLI_USAGE', `--timeout-ms must be a positive number of milliseconds; got '${values['timeout-ms']}'`);
  const pacs = dicomwebClient({ baseUrl: values.url, timeoutMs, ...credentials(values.user, config, env) });

  const series = await pacs.searchSeries(studyUid);
  if (series.length === 0) throw gctError('GCT_PACS_STUDY_NOT_FOUND', `study ${studyUid} is not on the PACS at ${new URL(values.url).host}`, { studyInstanceUid: studyUid });
  const ctSeries = pickCt(series, studyUid);
  const segSeries = values.masks?.length ? undefined : series.filter((s) => s.modality === 'SEG' && !OWN_SERIES.test(s.seriesDescription ?? '')).at(-1);

  const work = await mkdtemp(join(tmpdir(), 'groundct-pacs-'));
  try {
    const ctDir = join(work, 'ct');
    await mkdir(ctDir);
    const instances = await pacs.retrieveSeries(studyUid, ctSeries.seriesInstanceUid);
    if (instances.length === 0) throw gctError('GCT_PACS_STUDY_NOT_FOUND', `CT series ${ctSeries.seriesInstanceUid} returned no instances`, { seriesInstanceUid: ctSeries.seriesInstanceUid });
    await Promise.all(instances.map((bytes, n) => writeFile(join(ctDir, `${String(n + 1).padStart(5, '0')}.dcm`), bytes)));
    const masksPaths = [...(values.masks ?? [])];
    if (segSeries) {
      const [segBytes] = await pacs.retrieveSeries(studyUid, segSeries.seriesInstanceUid);
      if (segBytes) {
        await writeFile(join(work, 'masks.dcm'), segBytes);
        masksPaths.push(join(work, 'masks.dcm'));
      }
    }
    const input: StudyInput = { ctPath: ctDir, masksPaths, labelMapPaths: values['label-map'] ?? [], ...(values.phase ? { phase: values.phase as Phase } : {}) };
    const { ct, labels } = await loadStudy(input, config);
    const { measurements } = await runPipeline(input, config);
    const findings = deriveFindings(measurements, await loadKnowledgeBase());
    const report = buildReport(measurements, findings, { templates: await loadTemplates() });

    const outDir = values.out ?? join(work, 'out');
    const dicom = await writeDicomOutputs({ ct, labels, measurements, findings, report }, join(outDir, 'dicom'), {
      volume: config.volume,
      patientStudy: patientStudyAttributesOf(instances[0]),
    });
    if (values.fhir) {
      const bundle = toFhirBundle(report, measurements, { studyInstanceUid: studyUid, seriesInstanceUid: ctSeries.seriesInstanceUid });
      await writeFile(join(outDir, 'fhir-bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
    }
    if (values.out) await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const stored = values['no-store'] ? null : await pacs.store([new Uint8Array(await readFile(dicom.segPath)), new Uint8Array(await readFile(dicom.srPath))], studyUid);
    out(
      `${JSON.stringify(
        {
          studyInstanceUid: studyUid,
          ctSeriesInstanceUid: ctSeries.seriesInstanceUid,
          ctInstances: instances.length,
          masks: segSeries ? { seriesInstanceUid: segSeries.seriesInstanceUid } : masksPaths.length > 0 ? { files: masksPaths } : null,
          seg: dicom.seg,
          sr: dicom.sr,
          segments: dicom.segments.map((s) => ({ number: s.number, label: s.label, findingIds: s.findingIds, values: s.values })),
          stored: stored ? stored.storedSopInstanceUids.length : 0,
          ...(values.out ? { out: outDir } : {}),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
