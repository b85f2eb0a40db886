/**
 * Benchmark: what the routine measurements (issue 16: vessel calibre, vertebrae, lungs, body composition, calcium,
 * stones, dissection; measure.routine) add to `groundct report` on a 512 x 512 x 400 CT with 117 classes.
 *
 * Run: npx tsx eval/bench/report-routine.ts [--runs 3] [--skip-cli]
 *
 * Synthesises once (cached in eval/bench/.cache/, gitignored) a 512 x 512 x 400 int16 CT at 0.8 x 0.8 x 1 mm and a
 * 117-class uint8 label volume named by TotalSegmentator's total task: a thoraco-abdominal aorta with its branches
 * and iliac arteries (the aorta phantom), heart, T5-L5 vertebrae, five lung lobes, abdominal organs with a kidney
 * stone, a body with subcutaneous fat, and the remaining classes as small ellipsoids. Then, back to back and
 * alternating so that the machine's load hits both alike:
 *   (a) in process: measureStudy + deriveFindings + buildReport with measure.routine false, then true;
 *   (b) the CLI (the built `node bin/groundct.js report`, under /usr/bin/time: wall and user + system CPU) with
 *       GROUNDCT_MEASURE__ROUTINE=false, then true, on this case and on issue 14's benchmark case
 *       (eval/bench/synthetic-abdomen.ts: 117 ellipsoid classes + 20 lesions, the case of eval/bench/cli-speed.ts).
 * Writes eval/results/report-routine.{md,json} with the command, the machine, the load and the date.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { aortaSolids } from '../../src/phantom/vessel-phantom.ts';
import { buildScene, type SceneSolid } from '../../src/phantom/scene.ts';
import { box, difference, ellipticCylinder, superellipsoid } from '../../src/phantom/shapes.ts';
import { buildReport, loadTemplates } from '../../src/report/index.ts';
import { readMasks, readVolume } from '../../src/volume/index.ts';
import { writeNifti } from '../../src/volume/readers/nifti-write.ts';
import { build } from '../../scripts/build.mjs';
import { CT_PATH, ensureBenchCase, LESION_LABEL_MAP_PATH, LESION_PATH, SEG_LABEL_MAP_PATH, SEG_PATH } from './synthetic-abdomen.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const CACHE = resolve(HERE, '.cache');
const CT = resolve(CACHE, 'routine-ct.nii.gz');
const SEG = resolve(CACHE, 'routine-seg.nii.gz');
const MAP = resolve(CACHE, 'routine-labels.json');
const arg = (name: string) => process.argv.indexOf(name);
const RUNS = arg('--runs') > 0 ? Number(process.argv[arg('--runs') + 1]) : 3;
const SKIP_CLI = arg('--skip-cli') > 0;
const LIMITS = { ...defaultConfig().volume, maxDecompressedBytes: 2 ** 31 - 1 };

const TOTAL = JSON.parse(readFileSync(resolve(REPO, '../shared/data/totalseg/label_map_total_v2.json'), 'utf8')) as Record<string, string>;

function solids(): SceneSolid[] {
  const aorta = aortaSolids({ aneurysm: { arcMm: 330, extraRadiusMm: 6, sigmaMm: 10 } }).solids.filter((s) => !String(s.name).startsWith('vertebrae_'));
  const out: SceneSolid[] = [
    { name: null, shape: ellipticCylinder({ centerXYRas: [0, -10], semiAxesMm: [190, 150] }), hu: -100 },
    { name: null, shape: ellipticCylinder({ centerXYRas: [0, -10], semiAxesMm: [170, 130] }), hu: 40 },
    { name: 'lung_upper_lobe_right', shape: superellipsoid({ centerRas: [-85, 0, 130], semiAxesMm: [60, 85, 60] }), hu: -860 },
    { name: 'lung_middle_lobe_right', shape: superellipsoid({ centerRas: [-85, 30, 60], semiAxesMm: [55, 50, 25] }), hu: -860 },
    { name: 'lung_lower_lobe_right', shape: superellipsoid({ centerRas: [-85, -20, 40], semiAxesMm: [60, 70, 55] }), hu: -860 },
    { name: 'lung_upper_lobe_left', shape: superellipsoid({ centerRas: [85, 0, 120], semiAxesMm: [60, 85, 65] }), hu: -860 },
    { name: 'lung_lower_lobe_left', shape: superellipsoid({ centerRas: [85, -20, 40], semiAxesMm: [60, 70, 55] }), hu: -860 },
    { name: 'liver', shape: superellipsoid({ centerRas: [-70, 10, -50], semiAxesMm: [80, 70, 60] }), hu: 55 },
    { name: 'spleen', shape: superellipsoid({ centerRas: [90, -30, -40], semiAxesMm: [40, 30, 50] }), hu: 45 },
    { name: 'kidney_right', shape: superellipsoid({ centerRas: [-60, -55, -100], semiAxesMm: [25, 20, 45] }), hu: 30 },
    { name: 'kidney_left', shape: superellipsoid({ centerRas: [60, -55, -100], semiAxesMm: [25, 20, 45] }), hu: 30 },
    { name: null, shape: box([58, -57, -102], [62, -53, -96]), hu: 800 },
    { name: 'pancreas', shape: superellipsoid({ centerRas: [10, 10, -80], semiAxesMm: [50, 12, 15] }), hu: 40 },
    { name: 'stomach', shape: superellipsoid({ centerRas: [60, 40, -40], semiAxesMm: [45, 35, 40] }), hu: 20 },
    { name: 'gluteus_maximus_left', shape: superellipsoid({ centerRas: [90, -80, -185], semiAxesMm: [40, 30, 15] }), hu: 50 },
    { name: 'iliopsoas_left', shape: superellipsoid({ centerRas: [40, -60, -120], semiAxesMm: [15, 15, 70] }), hu: 50 },
    { name: 'iliopsoas_right', shape: superellipsoid({ centerRas: [-40, -60, -120], semiAxesMm: [15, 15, 70] }), hu: 50 },
    { name: 'autochthon_left', shape: superellipsoid({ centerRas: [25, -115, -50], semiAxesMm: [15, 15, 150] }), hu: 50 },
    { name: 'autochthon_right', shape: superellipsoid({ centerRas: [-25, -115, -50], semiAxesMm: [15, 15, 150] }), hu: 50 },
    ...aorta,
  ];
  // T5-L5: bodies 24 mm high with 8 mm discs, a posterior arch behind an 8 mm canal.
  const levels = ['T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5'];
  levels.forEach((level, n) => {
    const zc = 190 - 12 - n * 32;
    const canal = ellipticCylinder({ centerXYRas: [0, -100], semiAxesMm: [8, 8] });
    out.push({ name: `vertebrae_${level}`, shape: ellipticCylinder({ centerXYRas: [0, -75], semiAxesMm: [22, 15], zRangeMm: [zc - 12, zc + 12] }), hu: 250 });
    out.push({ name: `vertebrae_${level}`, shape: difference(box([-14, -115, zc - 8], [14, -91, zc + 8]), canal), hu: 400 });
  });
  const used = new Set(out.map((s) => s.name).filter((x) => x !== null));
  // The other total-task classes: small ellipsoids on a lattice in front of the spine.
  const rest = Object.values(TOTAL).filter((name) => !used.has(name));
  rest.forEach((name, n) => {
    const x = -150 + (n % 15) * 20;
    const z = -190 + Math.floor(n / 15) * 45;
    out.push({ name, shape: superellipsoid({ centerRas: [x, 120, z], semiAxesMm: [6, 6, 10] }), hu: 40 });
  });
  return out;
}

async function ensureData(): Promise<void> {
  if (existsSync(CT) && existsSync(SEG) && existsSync(MAP)) return;
  mkdirSync(CACHE, { recursive: true });
  const scene = buildScene({ spacingMm: [0.8, 0.8, 1], fovMinRas: [-204.8, -204.8, -200], fovMaxRas: [204.8, 204.8, 200], backgroundHu: -1000, solids: solids(), noiseSdHu: 10, seed: 7 });
  if (scene.labels.layers.length !== 1) throw new Error('expected one label layer');
  await writeNifti(CT, scene.ct);
  await writeNifti(SEG, { grid: scene.labels.grid, data: scene.labels.layers[0] });
  writeFileSync(MAP, JSON.stringify(Object.fromEntries([...scene.labelIds.entries()].map(([name, id]) => [String(id), name])), null, 1));
}

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await ensureData();
  const config = defaultConfig();
  const ct = await readVolume(CT, LIMITS);
  const labels = await readMasks(SEG, LIMITS, { labelMapPath: MAP, reference: ct.grid });
  const [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
  const once = (routine: boolean) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const m = measureStudy(ct, labels, { measure: { ...config.measure, routine }, provenance: { ct: CT, masks: SEG } });
    const f = deriveFindings(m, kb);
    buildReport(m, f, { templates });
    return { wallMs: performance.now() - t0, cpuMs: cpuMs(process.cpuUsage(c0)), findings: f.findings.length };
  };
  const inProcess = { off: [] as number[], on: [] as number[], offCpu: [] as number[], onCpu: [] as number[], findingsOff: 0, findingsOn: 0 };
  for (let r = 0; r < RUNS; r++) {
    const a = once(false);
    const b = once(true);
    inProcess.off.push(a.wallMs);
    inProcess.on.push(b.wallMs);
    inProcess.offCpu.push(a.cpuMs);
    inProcess.onCpu.push(b.cpuMs);
    inProcess.findingsOff = a.findings;
    inProcess.findingsOn = b.findings;
    console.log(`in process run ${r + 1}: routine off ${a.wallMs.toFixed(0)} ms (cpu ${a.cpuMs.toFixed(0)}), on ${b.wallMs.toFixed(0)} ms (cpu ${b.cpuMs.toFixed(0)})`);
  }
  // The CLI, as users run it: built once, then each case with the routine measurements off and on, alternating.
  const cases = [
    { id: 'routine', what: 'this case (aorta, vertebrae, lobes, stone)', args: [CT, '--masks', SEG, '--label-map', MAP] },
    { id: 'abdomen117', what: "issue 14's case (117 classes + 20 lesions)", args: [CT_PATH, '--masks', SEG_PATH, '--label-map', SEG_LABEL_MAP_PATH, '--masks', LESION_PATH, '--label-map', LESION_LABEL_MAP_PATH] },
  ];
  const cli: Record<string, { offWall: number[]; onWall: number[]; offCpu: number[]; onCpu: number[] }> = {};
  if (!SKIP_CLI) {
    await ensureBenchCase();
    await build({ log: (m: string) => console.log(m) });
    const scratch = mkdtempSync(join(tmpdir(), 'gct-routine-bench-'));
    for (const c of cases) cli[c.id] = { offWall: [], onWall: [], offCpu: [], onCpu: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const c of cases) {
        for (const routine of [false, true]) {
          const out = mkdtempSync(join(scratch, `${c.id}-`)) + '/out';
          const p = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S', process.execPath, resolve(REPO, 'bin/groundct.js'), 'report', ...c.args, '--out', out], {
            cwd: REPO,
            encoding: 'utf8',
            maxBuffer: 256 << 20,
            env: { ...process.env, GROUNDCT_MEASURE__ROUTINE: String(routine), GROUNDCT_DATA_DIR: join(scratch, 'data') },
          });
          const line = p.stderr.split('\n').reverse().find((l) => l.startsWith('BENCH '));
          if (p.status !== 0 || line === undefined) throw new Error(`report on ${c.id} failed (${p.status}): ${p.stderr.slice(-2000)}`);
          const [wall, user, sys] = line.split(' ').slice(1).map(Number);
          const k = cli[c.id]!;
          (routine ? k.onWall : k.offWall).push(wall * 1000);
          (routine ? k.onCpu : k.offCpu).push((user + sys) * 1000);
          rmSync(out, { recursive: true, force: true });
          console.log(`cli run ${r + 1} ${c.id}: routine ${routine ? 'on ' : 'off'} wall ${(wall * 1000).toFixed(0)} ms, cpu ${((user + sys) * 1000).toFixed(0)} ms`);
        }
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  const result = {
    date: new Date().toISOString(),
    command: `npx tsx eval/bench/report-routine.ts --runs ${RUNS}${SKIP_CLI ? ' --skip-cli' : ''}`,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), loadavgAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
    data: { dims: ct.grid.dims, spacingMm: [0.8, 0.8, 1], classes: labels.labels.length },
    inProcess: {
      ...inProcess,
      medianAddedWallMs: median(inProcess.on) - median(inProcess.off),
      medianAddedCpuMs: median(inProcess.onCpu) - median(inProcess.offCpu),
      medianRatio: median(inProcess.on) / median(inProcess.off),
    },
    cli: SKIP_CLI
      ? null
      : Object.fromEntries(cases.map((c) => {
          const k = cli[c.id]!;
          return [c.id, { what: c.what, ...k, medianAddedWallMs: median(k.onWall) - median(k.offWall), medianAddedCpuMs: median(k.onCpu) - median(k.offCpu), wallRatio: median(k.onWall) / median(k.offWall), cpuRatio: median(k.onCpu) / median(k.offCpu) }];
        })),
  };
  writeFileSync(resolve(REPO, 'eval/results/report-routine.json'), JSON.stringify(result, null, 1) + '\n');
  const md = [
    '# Routine measurements: added time on `groundct report`',
    '',
    `Command: \`${result.command}\` (${result.date}); machine: ${result.machine.cpus} x ${result.machine.model}, ${result.machine.memoryGiB} GiB; load average at the end ${result.machine.loadavgAtEnd.join(', ')} (shared machine: compare the ratios, measured back to back and alternating).`,
    '',
    `Data: synthetic ${result.data.dims.join(' x ')} CT at 0.8 x 0.8 x 1 mm, ${result.data.classes} TotalSegmentator classes (aorta with branches and an infrarenal aneurysm, iliac arteries, heart, T5-L5, five lobes, abdominal organs, a kidney stone).`,
    '',
    '| path | routine off (median) | routine on (median) | added | ratio |',
    '|---|---|---|---|---|',
    `| in process: measure + findings + report (wall) | ${median(inProcess.off).toFixed(0)} ms | ${median(inProcess.on).toFixed(0)} ms | ${result.inProcess.medianAddedWallMs.toFixed(0)} ms | ${result.inProcess.medianRatio.toFixed(2)} |`,
    `| in process (CPU time) | ${median(inProcess.offCpu).toFixed(0)} ms | ${median(inProcess.onCpu).toFixed(0)} ms | ${result.inProcess.medianAddedCpuMs.toFixed(0)} ms | |`,
    ...(SKIP_CLI
      ? []
      : cases.flatMap((c) => {
          const k = cli[c.id]!;
          return [
            `| \`groundct report\`, ${c.what}: wall | ${median(k.offWall).toFixed(0)} ms | ${median(k.onWall).toFixed(0)} ms | ${(median(k.onWall) - median(k.offWall)).toFixed(0)} ms | ${(median(k.onWall) / median(k.offWall)).toFixed(2)} |`,
            `| \`groundct report\`, ${c.what}: user + system CPU | ${median(k.offCpu).toFixed(0)} ms | ${median(k.onCpu).toFixed(0)} ms | ${(median(k.onCpu) - median(k.offCpu)).toFixed(0)} ms | ${(median(k.onCpu) / median(k.offCpu)).toFixed(2)} |`,
          ];
        })),
    '',
    `Findings: ${inProcess.findingsOff} without, ${inProcess.findingsOn} with the routine measurements. Runs: ${RUNS} each.`,
    '',
  ].join('\n');
  writeFileSync(resolve(REPO, 'eval/results/report-routine.md'), md);
  console.log(md);
}

await main();
