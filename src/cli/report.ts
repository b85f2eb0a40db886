import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { gctError } from '../errors.ts';
import { toFhirBundle, writeDicomOutputs, writeKeyImages } from '../interop/index.ts';
import type { Phase } from '../measure/index.ts';
import { loadStudy, openPipelineResources, reportFromStudy, type SegmentChoice, type StudyInput } from '../pipeline.ts';
import { segmentChoiceOf } from './segmenter-flag.ts';
import { parseCommandArgs } from './args.ts';

export const REPORT_USAGE = `groundct report <ct> [--masks <file-or-folder> [--label-map <json>]]... --out <dir>
    [--phase non-contrast|contrast-enhanced|arterial|portal-venous|delayed|unknown]
    [--segmenter builtin|onnx:<model>|totalsegmentator[:<task>,...]] [--model <onnx-model>]
    [--dicom <dir>] [--fhir] [--key-images]
  Writes report.json (structured report; every sentence with its findings, mask evidence and citations),
  report.md (FINDINGS + IMPRESSION), findings.json and measurements.json into <dir>. Without --masks the
  segmentation stage runs first: the built-in segmenter (body, lungs, airways, bone, lung nodules, pleural
  effusion), an ONNX model (--segmenter onnx:<model>, or --model <model>), or a TotalSegmentator installed on
  PATH (--segmenter totalsegmentator, default task total). --dicom writes DICOM SEG + SR (and the CT as
  DICOM for a NIfTI input); --fhir writes fhir.json (FHIR R4 Bundle); --key-images writes one PNG per finding.`;

const PHASES: readonly Phase[] = ['non-contrast', 'contrast-enhanced', 'arterial', 'portal-venous', 'delayed', 'unknown'];

/** Writes a folder of outputs all-or-nothing: into a temp sibling, renamed into place at the end. */
export async function writeFolderAtomic(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const existing = await readdir(dir).catch(() => null);
  if (existing && existing.length > 0) throw gctError('GCT_CLI_USAGE', `Output folder ${dir} exists and is not empty; choose a new folder.`, { dir });
  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(tmp);
    await write(tmp);
    if (existing) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

export async function runReport(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    masks: { type: 'string', multiple: true },
    'label-map': { type: 'string', multiple: true },
    out: { type: 'string' },
    phase: { type: 'string' },
    model: { type: 'string' },
    segmenter: { type: 'string' },
    dicom: { type: 'string' },
    fhir: { type: 'boolean', default: false },
    'key-images': { type: 'boolean', default: false },
  });
  if (positionals.length === 0 && values.masks?.length) throw gctError('GCT_MASKS_WITHOUT_CT', `groundct report got --masks but no CT; masks are measured on a CT.\n${REPORT_USAGE}`);
  if (positionals.length !== 1) throw gctError('GCT_CLI_USAGE', `groundct report takes one CT path; got ${positionals.length}.\n${REPORT_USAGE}`);
  if (!values.out) throw gctError('GCT_CLI_USAGE', `groundct report needs --out <dir>.\n${REPORT_USAGE}`);
  if (values.phase && !PHASES.includes(values.phase as Phase)) throw gctError('GCT_CLI_USAGE', `--phase must be one of ${PHASES.join(', ')}; got '${values.phase}'.`);
  const masks = values.masks ?? [];
  const labelMaps = values['label-map'] ?? [];
  if (labelMaps.length > masks.length) throw gctError('GCT_CLI_USAGE', `Got ${labelMaps.length} --label-map for ${masks.length} --masks; give at most one label map per mask set, in the same order.`);
  const input: StudyInput & SegmentChoice = {
    ctPath: positionals[0],
    masksPaths: masks,
    labelMapPaths: labelMaps,
    ...(values.phase ? { phase: values.phase as Phase } : {}),
    ...segmentChoiceOf(values),
  };
  const [resources, study] = await Promise.all([openPipelineResources(config), loadStudy(input, config)]);
  const result = await reportFromStudy(study, input, config, resources);
  const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
  await writeFolderAtomic(values.out, async (tmp) => {
    await writeFile(join(tmp, 'report.json'), json(result.report));
    await writeFile(join(tmp, 'findings.json'), json(result.findings));
    await writeFile(join(tmp, 'measurements.json'), json(result.measurements));
    let markdown = result.markdown;
    if (values['key-images']) {
      const images = await writeKeyImages({ ...study, measurements: result.measurements, findings: result.findings.findings }, join(tmp, 'key-images'));
      if (images.length > 0) markdown += `\n## Key images\n\n${images.map((k) => `- ${k.findingId}: ![${k.findingId}](key-images/${basename(k.path)})`).join('\n')}\n`;
    }
    await writeFile(join(tmp, 'report.md'), markdown);
    if (values.fhir) {
      const bundle = toFhirBundle({ findings: result.findings.findings, sentences: result.report.sentences }, result.measurements, {
        ...(study.ct.meta.studyInstanceUid ? { studyInstanceUid: study.ct.meta.studyInstanceUid } : {}),
        ...(study.ct.meta.seriesInstanceUid ? { seriesInstanceUid: study.ct.meta.seriesInstanceUid } : {}),
      });
      await writeFile(join(tmp, 'fhir.json'), json(bundle));
    }
  });
  if (values.dicom) {
    await writeDicomOutputs({ ...study, measurements: result.measurements, findings: result.findings, report: { sentences: result.report.sentences } }, values.dicom);
  }
  const lesions = result.measurements.lesions.length;
  out(`wrote ${join(values.out, 'report.json')} and report.md: ${result.report.sentences.length} sentences, ${result.findings.findings.length} findings, ${lesions} lesion${lesions === 1 ? '' : 's'}\n`);
  return 0;
}
