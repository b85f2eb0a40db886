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
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { assertValidFhir, DEFAULT_PACS_TIMEOUT_MS, dicomwebClient, fetchPacsSeries, selectPacsSeries, storeDicomOutputs, toFhirBundle, writeDicomOutputs } from '../interop/index.ts';
import type { Phase } from '../measure/index.ts';
import { loadStudy, openPipelineResources, reportFromStudy, type StudyInput } from '../pipeline.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs } from './output.ts';
import { createProgress, type ProgressMode } from './progress.ts';

export const PACS_USAGE = `groundct pacs pull <StudyInstanceUID> --url <dicomweb-base> [--user <name>] [--masks <file-or-folder> [--label-map <json>]]
    [--phase <phase>] [--out <dir>] [--fhir] [--no-store] [--timeout-ms <ms>]
  Fetches the study's CT series over DICOMweb (QIDO-RS, WADO-RS), measures it with --masks or the study's own
  DICOM SEG, writes a DICOM SEG + TID 1500 SR (and with --fhir a FHIR R4 bundle) and stores SEG and SR back
  into the study with STOW-RS. Password: GROUNDCT_PACS__PASSWORD or pacs.password in the config file.`;

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

export async function runPacs(argv: string[], config: Config, out: (s: string) => void, env: NodeJS.ProcessEnv = process.env, progressMode: ProgressMode = 'off'): Promise<number> {
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
  const pacs = dicomwebClient({ baseUrl: values.url, timeoutMs, maxResponseBytes: config.pacs.maxRetrieveBytes, ...credentials(values.user, config, env) });

  const selection = await selectPacsSeries(pacs, studyUid, { withSeg: !values.masks?.length, where: new URL(values.url).host });
  const { ct: ctSeries, seg: segSeries } = selection;

  const work = await mkdtemp(join(tmpdir(), 'groundct-pacs-'));
  const progress = createProgress('groundct pacs pull', progressMode);
  try {
    const produce = async (outDir: string) => {
      // Shares of a pull, roughly as they go on a local PACS: retrieval a third, the pipeline half, SEG/SR + store the rest.
      progress.update('retrieve', 0.05);
      const fetched = await fetchPacsSeries(pacs, selection, work);
      const masksPaths = [...(values.masks ?? []), ...(fetched.segPath ? [fetched.segPath] : [])];
      const ctDir = fetched.ctDir;
      const input: StudyInput = { ctPath: ctDir, masksPaths, labelMapPaths: values['label-map'] ?? [], ...(values.phase ? { phase: values.phase as Phase } : {}) };
      progress.update('read', 0.35);
      const study = await loadStudy(input, config);
      const { ct, labels } = study;
      const { measurements, findings, report } = await reportFromStudy(study, input, config, await openPipelineResources(config), (p) => progress.update(p.stage, 0.35 + 0.5 * (p.percent / 100)));
      progress.update('dicom', 0.85);

      const dicom = await writeDicomOutputs({ ct, labels, measurements, findings, report }, join(outDir, 'dicom'), {
        volume: config.volume,
        patientStudy: fetched.patientStudy,
      });
      if (values.fhir) {
        const bundle = toFhirBundle(report, measurements, { studyInstanceUid: studyUid, seriesInstanceUid: ctSeries.seriesInstanceUid });
        if (config.fhir.validate) await assertValidFhir(bundle);
        await writeFile(join(outDir, 'fhir-bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
      }
      if (values.out) await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      if (!values['no-store']) progress.update('store', 0.9);
      const stored = values['no-store'] ? null : await storeDicomOutputs(pacs, studyUid, dicom);
      return {
        studyInstanceUid: studyUid,
        ctSeriesInstanceUid: ctSeries.seriesInstanceUid,
        ctInstances: fetched.ctInstances,
        masks: segSeries ? { seriesInstanceUid: segSeries.seriesInstanceUid } : masksPaths.length > 0 ? { files: masksPaths } : null,
        seg: dicom.seg,
        sr: dicom.sr,
        segments: dicom.segments.map((s) => ({ number: s.number, label: s.label, findingIds: s.findingIds, values: s.values })),
        stored: stored ? stored.storedSopInstanceUids.length : 0,
        ...(values.out ? { out: values.out } : {}),
      };
    };
    // --out is staged before the study is fetched and appears only when everything, the store included, succeeded.
    const outPath = values.out;
    const summary = outPath ? await withOutputs([{ kind: 'folder', path: outPath, flag: '--out' }], (staging) => produce(staging(outPath))) : await produce(join(work, 'out'));
    progress.done();
    out(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  } finally {
    progress.done();
    await rm(work, { recursive: true, force: true });
  }
}
