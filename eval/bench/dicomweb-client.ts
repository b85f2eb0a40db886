/**
 * DICOMweb round trip against a real Orthanc on loopback (Debian `orthanc` + `orthanc-dicomweb`): QIDO-RS series
 * search, WADO-RS retrieve of a whole CT series and STOW-RS of the retrieved instances back into their study, each
 * timed over several runs through groundct's client (`src/interop/dicomweb.ts`: dicomweb-client over the fetch
 * transport). Series: a synthetic uncompressed phantom CT (0.8 x 0.8 x 2.5 mm; the shared TotalSegmentator DICOM example
 * cannot be used: its Study/Series/SOP Instance UIDs are empty, which Orthanc refuses).
 *
 *   npx tsx eval/bench/dicomweb-client.ts [--runs 5] [--client <module exporting dicomwebClient>]
 *
 * `--client` times another implementation of the same DicomwebClient interface in the same way (the hand-written
 * client it replaced was measured so; see eval/results/dicomweb-client.md).
 */
import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { DicomwebClient, DicomwebOptions } from '../../src/interop/index.ts';
import { abdomenPreset, generateStudy } from '../../src/phantom/index.ts';
import { writeDicomSeries } from '../../src/volume/index.ts';
import { ORTHANC_SKIP_REASON, startOrthanc } from '../../test/helpers/orthanc.ts';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs') ?? 5);
const clientModule = opt('--client');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const readAll = async (dir: string) => Promise.all((await readdir(dir)).sort().map(async (n) => new Uint8Array(await readFile(join(dir, n)))));

if (ORTHANC_SKIP_REASON) throw new Error(ORTHANC_SKIP_REASON);
const { dicomwebClient } = (await import(clientModule ? pathToFileURL(resolve(clientModule)).href : '../../src/interop/index.ts')) as { dicomwebClient: (o: DicomwebOptions) => DicomwebClient };
const pacs = await startOrthanc();
try {
  const series: { name: string; files: Uint8Array[] }[] = [];
  const phantom = generateStudy(abdomenPreset({ spacingMm: [0.8, 0.8, 2.5] }));
  await writeDicomSeries({ grid: phantom.ct.grid, data: phantom.ct.data }, join(pacs.dir, 'phantom'), { seriesDescription: 'bench phantom' });
  series.push({ name: `phantom, ${phantom.ct.grid.dims[2]} x ${phantom.ct.grid.dims[0]} x ${phantom.ct.grid.dims[1]}, uncompressed`, files: await readAll(join(pacs.dir, 'phantom')) });

  const client = dicomwebClient({ baseUrl: pacs.dicomwebUrl, username: pacs.user, password: pacs.password });
  const studyUids = async () => {
    const ids = (await (await fetch(`${pacs.base}/studies`, { headers: { Authorization: pacs.auth } })).json()) as string[];
    return Promise.all(ids.map(async (id) => ((await (await fetch(`${pacs.base}/studies/${id}`, { headers: { Authorization: pacs.auth } })).json()) as { MainDicomTags: { StudyInstanceUID: string } }).MainDicomTags.StudyInstanceUID));
  };
  console.log(`# DICOMweb round trip through ${clientModule ?? 'src/interop/dicomweb.ts'}: ${new Date().toISOString()}, ${cpus()[0]?.model} x${cpus().length}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${runs} runs, medians`);
  for (const s of series) {
    const before = new Set(await studyUids());
    await pacs.upload(s.files);
    const uid = (await studyUids()).find((u) => !before.has(u))!;
    const times = { qido: [] as number[], wado: [] as number[], stow: [] as number[] };
    let bytes = 0;
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      const ct = (await client.searchSeries(uid)).find((x) => x.modality === 'CT')!;
      times.qido.push(performance.now() - t);
      t = performance.now();
      const instances = await client.retrieveSeries(uid, ct.seriesInstanceUid);
      times.wado.push(performance.now() - t);
      bytes = instances.reduce((n, i) => n + i.byteLength, 0);
      t = performance.now();
      await client.store(instances, uid);
      times.stow.push(performance.now() - t);
    }
    console.log(`${s.name}: QIDO ${median(times.qido).toFixed(1)} ms | WADO ${median(times.wado).toFixed(1)} ms, ${(bytes / 1e6).toFixed(1)} MB | STOW ${median(times.stow).toFixed(1)} ms`);
  }
} finally {
  await pacs.stop();
}
