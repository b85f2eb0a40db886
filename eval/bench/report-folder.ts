/**
 * Benchmark: what the report folder of schema version 2 adds to `groundct report` (issue 19): the bone-surface
 * extraction (inside reportFromStudy) and the label volumes, label table, bone surface and study.json
 * (writeStudyFiles), against the report as it was (measure -> findings -> report -> grounding, then the JSON and
 * Markdown files). Both are timed in one process, back to back, three times per case; medians are reported.
 *   before = reportFromStudy - bone surface + JSON/Markdown writes
 *   after  = reportFromStudy + all writes (the CLI writes the JSON and the label volumes concurrently)
 * Cases: the shared real cases the report tests use, and a synthetic 512 x 512 x 400 abdomen-sized study.
 * Run: npx tsx eval/bench/report-folder.ts   (prints one JSON line per case; results in eval/results/report-folder.md)
 */
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { extractBoneSurface, writeStudyFiles } from '../../src/followup/index.ts';
import { loadStudy, openPipelineResources, reportFromStudy, type StudyInput } from '../../src/pipeline.ts';
import type { LabelMap, Volume } from '../../src/volume/index.ts';
import { dataPath } from '../../test/helpers/data.ts';

const config = defaultConfig();
const root = mkdtempSync(join(tmpdir(), 'gct-bench-folder-'));
const resources = await openPipelineResources({ ...config, dataDir: join(root, 'data') });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A 512 x 512 x 400 study at 0.7 x 0.7 x 1.25 mm: soft tissue, a bone column and ring, 20 organ-like blobs. */
function synthetic(): { ct: Volume; labels: LabelMap } {
  const dims = [512, 512, 400] as const;
  const n = dims[0] * dims[1] * dims[2];
  const ct = new Int16Array(n).fill(-1000);
  const layer = new Uint8Array(n);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const x = (i - 256) * 0.7;
        const y = (j - 256) * 0.7;
        const idx = i + 512 * (j + 512 * k);
        const body = (x / 170) ** 2 + (y / 130) ** 2;
        if (body > 1) continue;
        ct[idx] = 40;
        if (Math.hypot(x, y + 60) < 20) ct[idx] = 600; // spine
        else if (body > 0.8 && body < 0.84) ct[idx] = 700; // ribs as a ring
        for (let o = 0; o < 20; o++) {
          const cx = -120 + (o % 5) * 60;
          const cy = -40 + Math.floor(o / 5) * 30;
          const cz = 40 + (o % 7) * 60;
          if ((x - cx) ** 2 + (y - cy) ** 2 + ((k * 1.25 - cz) * 0.8) ** 2 < 22 ** 2) layer[idx] = o + 1;
        }
      }
  const grid = { dims, ijkToRas: [-0.7, 0, 0, 179, 0, -0.7, 0, 179, 0, 0, 1.25, -250, 0, 0, 0, 1] };
  const meta = { source: { format: 'phantom' as const, path: 'synthetic 512x512x400' } };
  const labels = Array.from({ length: 20 }, (_, o) => ({ id: o + 1, name: ['liver', 'spleen', 'kidney_left', 'kidney_right', 'pancreas', 'gallbladder', 'stomach', 'aorta', 'inferior_vena_cava', 'liver_lesion'][o % 10] + (o >= 10 ? `_${o}` : ''), layer: 0 }));
  return { ct: { kind: 'volume', grid, data: ct, meta }, labels: { kind: 'labelmap', grid, layers: [layer], labels, meta } };
}

const cases: { name: string; input: StudyInput }[] = [
  { name: 'STS_002 (161x143x48, 1 label)', input: { ctPath: dataPath('sts/STS_002/image/image.nii.gz'), masksPaths: [dataPath('sts/STS_002/mask/mask.nii.gz')] } },
  { name: 'totalseg example_ct_sm + 117 per-class masks', input: { ctPath: dataPath('totalseg/example_ct_sm.nii.gz'), masksPaths: [dataPath('totalseg/example_seg_fast')] } },
  { name: 'totalseg example DICOM (512x512x20) + 31-class multilabel', input: { ctPath: dataPath('totalseg/example_ct_dicom'), masksPaths: [dataPath('totalseg/example_seg_dicom.nii.gz')], labelMapPaths: [dataPath('totalseg/label_map_total_v2.json')] } },
];

async function bench(name: string, study: { ct: Volume; labels: LabelMap }, input: StudyInput): Promise<void> {
  const t = { reportMs: [] as number[], boneMs: [] as number[], jsonWriteMs: [] as number[], allWritesMs: [] as number[] };
  let bytes = 0;
  for (let rep = 0; rep < 3; rep++) {
    let start = performance.now();
    const result = await reportFromStudy(study, input, config, resources);
    t.reportMs.push(performance.now() - start);
    start = performance.now();
    extractBoneSurface(study.ct, config.followup);
    t.boneMs.push(performance.now() - start);
    const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
    const jsonFiles = (dir: string) => [
      writeFile(join(dir, 'report.json'), json(result.report)),
      writeFile(join(dir, 'findings.json'), json(result.findings)),
      writeFile(join(dir, 'measurements.json'), json(result.measurements)),
      writeFile(join(dir, 'report.md'), result.markdown),
    ];
    const a = join(root, `${rep}-a`);
    await mkdir(a);
    start = performance.now();
    await Promise.all(jsonFiles(a));
    t.jsonWriteMs.push(performance.now() - start);
    const b = join(root, `${rep}-b`);
    await mkdir(b);
    start = performance.now();
    await Promise.all([writeStudyFiles(b, result.study, study.labels, result.boneSurface), ...jsonFiles(b)]);
    t.allWritesMs.push(performance.now() - start);
    if (rep === 0) {
      const { statSync, readdirSync } = await import('node:fs');
      bytes = readdirSync(b).filter((f) => f.startsWith('masks-') || f === 'bone-surface.u16').reduce((s, f) => s + statSync(join(b, f)).size, 0);
    }
    await rm(a, { recursive: true });
    await rm(b, { recursive: true });
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(median(v))]));
  const before = m.reportMs - m.boneMs + m.jsonWriteMs;
  const after = m.reportMs + m.allWritesMs;
  console.log(JSON.stringify({ case: name, ...m, beforeMs: before, afterMs: after, ratio: Number((after / before).toFixed(3)), addedFilesBytes: bytes }));
}

console.log(JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }));
for (const c of cases) await bench(c.name, await loadStudy(c.input, config), c.input);
await bench('synthetic 512x512x400, 20 labels', synthetic(), { ctPath: 'synthetic', masksPaths: ['synthetic'] });
await rm(root, { recursive: true, force: true });
