import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { compressLabelLayers, loadStudyFolder, writeStudyFiles, type StudyArtifacts } from '../followup/index.ts';
import { parsePhase, PHASE_INPUTS } from '../measure/index.ts';
import { loadStudy, openPipelineResources, reportFromStudy, type SegmentChoice, type StudyInput } from '../pipeline.ts';
import { segmentChoiceOf } from './segmenter-flag.ts';
import { parseCommandArgs } from './args.ts';
import { withOutputs, type OutputTarget } from './output.ts';
import { createProgress, type ProgressMode } from './progress.ts';

export const REPORT_USAGE = `groundct report <ct> [--masks <file-or-folder> [--label-map <json>|totalseg:<task>]]... --out <dir>
    [--phase native|non-contrast|arterial|arterial-early|arterial-late|portal-venous|delayed|...]
    [--segmenter builtin|onnx:<model>|totalsegmentator[:<task>,...]] [--model <onnx-model>]
    [--dicom <dir>] [--fhir [--validate-fhir]] [--key-images] [--study-date YYYY-MM-DD]
    [--prior <report-dir> [--prior <older-report-dir>]...] [--allow-other-patient]
  Writes report.json (structured report; every sentence with its findings, mask evidence and citations),
  report.md (FINDINGS + IMPRESSION), findings.json, measurements.json, study.json (identity, folder schema
  version), the label volumes (masks-<layer>.nii.gz, masks.labels.json) and bone-surface.u16 into <dir>. Without
  --masks the segmentation stage runs first: the built-in segmenter (body, lungs, airways, bone, lung nodules,
  pleural effusion), an ONNX model (--segmenter onnx:<model>, or --model <model>), or a TotalSegmentator
  installed on PATH (--segmenter totalsegmentator, default task total). --dicom writes DICOM SEG + SR (and
  the CT as DICOM for a NIfTI input); --fhir writes fhir.json (FHIR R4 Bundle; --validate-fhir, or fhir.validate
  in the configuration, checks it against the official R4 schema, invariants and code systems first);
  --key-images writes one PNG per finding. --prior compares the study with earlier report folders (most recent
  first when a study has no date): lesions matched, changes, RECIST 1.1 response, followup.json.
  --allow-other-patient compares studies whose patient-ID hashes differ (anonymised data; the report says so).
  --study-date dates a NIfTI/NRRD input. Without --phase the contrast phase is estimated from the aorta and portal
  vein attenuation (the report says so).`;

export async function runReport(argv: string[], config: Config, out: (s: string) => void, progressMode: ProgressMode = 'off'): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    masks: { type: 'string', multiple: true },
    'label-map': { type: 'string', multiple: true },
    out: { type: 'string' },
    phase: { type: 'string' },
    model: { type: 'string' },
    segmenter: { type: 'string' },
    dicom: { type: 'string' },
    fhir: { type: 'boolean', default: false },
    'validate-fhir': { type: 'boolean', default: false },
    'key-images': { type: 'boolean', default: false },
    prior: { type: 'string', multiple: true },
    'allow-other-patient': { type: 'boolean', default: false },
    'study-date': { type: 'string' },
  });
  if (positionals.length === 0 && values.masks?.length) throw gctError('GCT_MASKS_WITHOUT_CT', `groundct report got --masks but no CT; masks are measured on a CT.\n${REPORT_USAGE}`);
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct report takes one CT path; got ${positionals.length}.\n${REPORT_USAGE}`);
  if (!values.out) throw gctError('GCT_CLI_USAGE', `groundct report needs --out <dir>.\n${REPORT_USAGE}`);
  const phase = values.phase === undefined ? undefined : parsePhase(values.phase);
  if (phase === null) throw gctError('GCT_CLI_USAGE', `--phase must be one of ${PHASE_INPUTS.join(', ')}; got '${values.phase}'.`);
  const masks = values.masks ?? [];
  const labelMaps = values['label-map'] ?? [];
  if (labelMaps.length > masks.length) throw gctError('GCT_CLI_USAGE', `Got ${labelMaps.length} --label-map for ${masks.length} --masks; give at most one label map per mask set, in the same order.`);
  const studyDate = values['study-date'];
  if (studyDate !== undefined && !isIsoDate(studyDate)) throw gctError('GCT_CLI_USAGE', `--study-date must be a date YYYY-MM-DD; got '${studyDate}'.`);
  // Priors are read (and an outdated or damaged folder refused) before any measuring.
  const priors: StudyArtifacts[] = [];
  for (const dir of values.prior ?? []) priors.push(await loadStudyFolder(dir, config.volume));
  const input: StudyInput & SegmentChoice = {
    ctPath: positionals[0],
    masksPaths: masks,
    labelMapPaths: labelMaps,
    ...(phase ? { phase } : {}),
    ...segmentChoiceOf(values),
    ...(studyDate ? { studyDate } : {}),
  };
  const followup = priors.length > 0 ? { priors, allowOtherPatient: values['allow-other-patient'], priorsGiven: 'newest-first' as const } : undefined;
  // Outputs are checked and staged before any work: a bad --out or --dicom fails in milliseconds, and a failure
  // at any later point (reading, measuring, comparing, writing SEG/SR) leaves neither folder behind (output.ts).
  const targets: OutputTarget[] = [{ kind: 'folder', path: values.out, flag: '--out' }, ...(values.dicom ? [{ kind: 'folder' as const, path: values.dicom, flag: '--dicom' }] : [])];
  const progress = createProgress('groundct report', progressMode);
  const result = await withOutputs(targets, async (staging) => {
    progress.update('read', 0);
    // Segmentation (only without --masks) takes 10-35 % of the run; the later stages report their own share.
    const [resources, study] = await Promise.all([openPipelineResources(config), loadStudy(input, config, (f) => progress.update('segment', 0.1 + 0.25 * f))]);
    // The label volumes depend on the masks alone. Compressed once measuring is done, they use the core the
    // measurement thread has left while this thread derives the findings, the report and its grounding.
    let compressedLayers: ReturnType<typeof compressLabelLayers> | undefined;
    const result = await reportFromStudy(study, input, config, resources, (p) => {
      progress.update(p.stage, p.percent / 100);
      if (p.stage === 'findings') compressedLayers ??= compressLabelLayers(study.labels);
    }, followup);
    progress.done();
    const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
    // DICOM, FHIR and PNG writers (dcmjs among them) load only when one of their options asks for them.
    const { assertValidFhir, toFhirBundle, writeDicomOutputs, writeKeyImages } = values.dicom || values.fhir || values['key-images'] ? await import('../interop/index.ts') : ({} as Partial<typeof import('../interop/index.ts')>);
    const tmp = staging(values.out!);
    await Promise.all([
      writeStudyFiles(tmp, result.study, study.labels, result.boneSurface, { compressedLayers }),
      writeFile(join(tmp, 'report.json'), json(result.report)),
      writeFile(join(tmp, 'findings.json'), json(result.findings)),
      writeFile(join(tmp, 'measurements.json'), json(result.measurements)),
      ...(result.followup ? [writeFile(join(tmp, 'followup.json'), json(result.followup))] : []),
    ]);
    let markdown = result.markdown;
    if (values['key-images']) {
      const images = await writeKeyImages!({ ...study, measurements: result.measurements, findings: result.findings.findings }, join(tmp, 'key-images'));
      if (images.length > 0) markdown += `\n## Key images\n\n${images.map((k) => `- ${k.findingId}: ![${k.findingId}](key-images/${basename(k.path)})`).join('\n')}\n`;
    }
    await writeFile(join(tmp, 'report.md'), markdown);
    if (values.fhir) {
      const bundle = toFhirBundle!({ findings: result.findings.findings, sentences: result.report.sentences }, result.measurements, {
        ...(study.ct.meta.studyInstanceUid ? { studyInstanceUid: study.ct.meta.studyInstanceUid } : {}),
        ...(study.ct.meta.seriesInstanceUid ? { seriesInstanceUid: study.ct.meta.seriesInstanceUid } : {}),
      });
      if (values['validate-fhir'] || config.fhir.validate) await assertValidFhir!(bundle);
      await writeFile(join(tmp, 'fhir.json'), json(bundle));
    }
    if (values.dicom) {
      // writeDicomOutputs wants a new or empty folder: the staged one is empty.
      await writeDicomOutputs!({ ...study, measurements: result.measurements, findings: result.findings, report: { sentences: result.report.sentences } }, staging(values.dicom), { volume: config.volume });
    }
    return result;
  }).finally(() => progress.done());
  const lesions = result.measurements.lesions.length;
  const response = result.followup ? `; compared with ${result.followup.studies.length - 1} prior${result.followup.studies.length > 2 ? 's' : ''}: RECIST 1.1 ${result.followup.recist.overallResponse}` : '';
  out(`wrote ${join(values.out, 'report.json')} and report.md: ${result.report.sentences.length} sentences, ${result.findings.findings.length} findings, ${lesions} lesion${lesions === 1 ? '' : 's'}${response}\n`);
  return 0;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
