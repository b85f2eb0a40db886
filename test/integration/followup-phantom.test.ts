import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { axisAngleRotation, FollowupSchema, loadStudyFolder, rigidMatrix, transformPoint, writeStudyFiles, type Followup, type StudyArtifacts } from '../../src/followup/index.ts';
import { generateStudy, reorientStudy, type LesionSpec, type Study } from '../../src/phantom/index.ts';
import { openPipelineResources, reportFromStudy, type PipelineResources, type PipelineResult } from '../../src/pipeline.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { ReportSchema } from '../../src/report/index.ts';
import { ask, makeVqaContext, studyFromArtifacts } from '../../src/vqa/index.ts';
import { multiplyMat4, type Grid, type Mat4 } from '../../src/volume/index.ts';

/**
 * Follow-up on phantom series with known truth: the same synthetic patient at several time points, lesions grown,
 * shrunk, gone and new by known amounts, the follow-up stored in another axis order, at another spacing and moved
 * by a known rigid transform. Each RECIST 1.1 category is produced by a series built for it.
 */

const config = defaultConfig();
let resources: PipelineResources;
const root = mkdtempSync(join(tmpdir(), 'gct-followup-phantom-'));

beforeAll(async () => {
  resources = await openPipelineResources({ ...config, dataDir: join(root, 'data') });
}, 120_000);

/** Lesion centres (RAS mm of the phantom frame) where lesions up to 38 mm (segment 7) and 32 mm (segment 5) fit. */
const SEG7: [number, number, number] = [63, -37, 54];
const SEG5: [number, number, number] = [81, 15, 3];
const SEG4: [number, number, number] = [7, 23, 48];
const SPLEEN: [number, number, number] = [-87, -27, 30];

const liver = (diameterMm: number, centerRasMm: [number, number, number]): LesionSpec => ({ organ: 'liver', diameterMm, centerRasMm });

function moved(study: Study, transform: Mat4): Study {
  const move = (g: Grid): Grid => ({ dims: g.dims, ijkToRas: multiplyMat4(transform, g.ijkToRas) });
  return { ...study, ct: { ...study.ct, grid: move(study.ct.grid) }, labels: { ...study.labels, grid: move(study.labels.grid) } };
}

let folders = 0;
/** Reports a study as `groundct report` does (in memory) and writes its report folder; returns both. */
async function report(study: Study, studyDate: string, priors: StudyArtifacts[] = []): Promise<{ result: PipelineResult; dir: string }> {
  const result = await reportFromStudy(study, { ctPath: `phantom:${studyDate}`, masksPaths: ['phantom labels'], studyDate }, config, resources, undefined, priors.length > 0 ? { priors } : undefined);
  const dir = join(root, `study-${++folders}`);
  await mkdir(dir);
  await writeFile(join(dir, 'measurements.json'), JSON.stringify(result.measurements));
  await writeFile(join(dir, 'findings.json'), JSON.stringify(result.findings));
  await writeFile(join(dir, 'report.json'), JSON.stringify(result.report));
  await writeStudyFiles(dir, result.study, study.labels, result.boneSurface);
  return { result, dir };
}

/** Prior folders by spec, so that series sharing a baseline report it once. */
const priorFolders = new Map<string, Promise<string>>();

async function series(specs: { lesions: LesionSpec[]; date: string }[]): Promise<PipelineResult> {
  const priors: StudyArtifacts[] = [];
  for (const [n, s] of specs.slice(0, -1).entries()) {
    const key = JSON.stringify([n, s]);
    if (!priorFolders.has(key)) priorFolders.set(key, report(generateStudy({ name: `s${n}`, seed: 10 + n, lesions: s.lesions }), s.date).then((r) => r.dir));
    priors.push(await loadStudyFolder(await priorFolders.get(key)!, config.volume));
  }
  const last = specs[specs.length - 1];
  return (await report(generateStudy({ name: `s${specs.length - 1}`, seed: 10 + specs.length - 1, lesions: last.lesions }), last.date, priors)).result;
}

describe('phantom follow-up: moved, reoriented and resampled, lesions grown / shrunk / gone / new', () => {
  // Follow-up stored with i <- k (reversed), j <- i, k <- j (reversed), 2.5 mm isotropic instead of 2 x 2 x 3 mm, and
  // the patient moved by 10 degrees about a tilted axis and 12, -25, 40 mm.
  const truthTransform = rigidMatrix(axisAngleRotation([0.2, 0.3, 1], 10), [12, -25, 40]);
  let followup: Followup;
  let current: PipelineResult;
  beforeAll(async () => {
    const baseline = generateStudy({ name: 'baseline', seed: 3, lesions: [liver(24, SEG7), liver(22, SEG5), { organ: 'spleen', diameterMm: 16, centerRasMm: SPLEEN }, { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 20, hu: 5 }] });
    const later = generateStudy({ name: 'follow-up', seed: 4, spacingMm: [2.5, 2.5, 2.5], lesions: [liver(32, SEG7), liver(14, SEG5), liver(14, SEG4), { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 20, hu: 5 }] });
    const prior = await report(baseline, '2026-01-05');
    current = (await report(moved(reorientStudy(later, { permutation: [2, 0, 1], flips: [true, false, true] }), truthTransform), '2026-03-02', [await loadStudyFolder(prior.dir, config.volume)])).result;
    followup = current.followup!;
  }, 180_000);

  it('aligns on bone and organ centroids with a residual under one voxel and recovers the transform', () => {
    expect(FollowupSchema.parse(followup)).toEqual(followup);
    const a = followup.comparisons[0].alignment;
    // The vertebrae alone lie on one line (the phantom's spine is straight): they cannot fix the roll.
    expect(a.attempts.map((x) => [x.method, x.accepted])).toEqual([['same-frame-of-reference', false], ['landmarks-bone', false], ['landmarks-bone-organs', true]]);
    expect(a.method).toBe('landmarks-bone-organs');
    expect(a.residualMm).toBeLessThan(2); // the finer study's voxel is 2 mm
    for (const p of [SEG7, SEG5, SPLEEN, [0, -55, 0] as [number, number, number]]) {
      const got = transformPoint(a.earlierToLater, p);
      const want = transformPoint(truthTransform, p);
      expect(Math.hypot(got[0] - want[0], got[1] - want[1], got[2] - want[2])).toBeLessThan(1);
    }
  });

  it('matches every lesion right: grown, shrunk, stable cyst, one gone, one new', () => {
    const rows = followup.comparisons[0].matches.map((m) => `${m.kind}:${m.earlierLesionIds.join('+')}>${m.laterLesionIds.join('+')}`).sort();
    // Ids rank lesions of one label by size: baseline liver-1 = segment 7 (24 mm), liver-2 = segment 5 (22 mm); at
    // follow-up liver-1 = segment 7 (32 mm), liver-2 / -3 = segment 5 (14 mm) / segment 4 (14 mm), by voxel count.
    const seg5Now = current.measurements.lesions.find((l) => l.lesionClass === 'liver_lesion' && l.segments.includes('liver_segment_5'))!.id;
    const seg4Now = current.measurements.lesions.find((l) => l.lesionClass === 'liver_lesion' && l.segments.includes('liver_segment_4'))!.id;
    expect(rows).toEqual(
      [
        'matched:kidney_cyst_left-1>kidney_cyst_left-1',
        'matched:liver_lesion-1>liver_lesion-1',
        `matched:liver_lesion-2>${seg5Now}`,
        `new:>${seg4Now}`,
        'disappeared:spleen_lesion-1>',
      ].sort(),
    );
  });

  it('measures each diameter change within half an in-plane voxel diagonal of the constructed change', () => {
    const changes = followup.comparisons[0].lesionChanges;
    const halfDiagonal = Math.hypot(2.5, 2.5) / 2; // the coarser study
    const seg7 = changes.find((c) => c.earlierLesionIds[0] === 'liver_lesion-1')!;
    const seg5 = changes.find((c) => c.earlierLesionIds[0] === 'liver_lesion-2')!;
    const cyst = changes.find((c) => c.organ === 'kidney_left')!;
    expect(Math.abs(seg7.changeMm - (32 - 24))).toBeLessThanOrEqual(halfDiagonal);
    expect(Math.abs(seg5.changeMm - (14 - 22))).toBeLessThanOrEqual(halfDiagonal);
    expect(Math.abs(cyst.changeMm)).toBeLessThanOrEqual(halfDiagonal);
    expect([seg7.status, seg5.status, cyst.status]).toEqual(['grown', 'shrunk', 'stable']);
  });

  it('calls progressive disease for the new lesion, and words every change with evidence on both grids', () => {
    expect(followup.recist.targets.map((t) => t.baselineLesionId)).toEqual(['liver_lesion-1', 'liver_lesion-2', 'spleen_lesion-1']);
    expect(followup.recist.targetResponse).toBe('SD'); // 24 + ~21.6 + 16 -> ~31.8 + ~13.5 + 0: -26 %
    expect(followup.recist.overallResponse).toBe('PD');
    const report = ReportSchema.parse(current.report);
    expect(report.comparison!.priors).toEqual([expect.objectContaining({ key: 'prior-1', studyDate: '2026-01-05', dims: [180, 140, 73] })]);
    const grown = report.sentences.find((s) => s.findingIds.includes('change.liver_lesion-1'))!;
    expect(grown.text).toMatch(/has grown from 2\.4 to 3\.2 cm in long axis .* since the prior study of 2026-01-05\./);
    expect(grown.findingIds).toEqual(['change.liver_lesion-1', 'liver_lesion-1', 'prior-1:liver_lesion-1']);
    expect(grown.evidence!.map((e) => [e.study ?? 'current', e.componentId])).toEqual([['current', 'liver_lesion-1'], ['prior-1', 'liver_lesion-1']]);
    const gone = report.sentences.find((s) => s.findingIds.includes('change.gone.spleen_lesion-1'))!;
    expect(gone.text).toMatch(/^The 1\.\d x 1\.\d cm lesion in the spleen seen on the prior study of 2026-01-05 is no longer seen\.$/);
    expect(gone.evidence!.every((e) => e.study === 'prior-1')).toBe(true);
    const impression = report.sentences.filter((s) => s.section === 'impression');
    expect(impression[0].text).toMatch(/^Progressive disease by RECIST 1\.1: new lesion \(1\.\d cm in the liver\)\.$/);
    expect(report.priorFindings!.map((f) => f.id).sort()).toEqual(['prior-1:kidney_cyst_left-1', 'prior-1:liver_lesion-1', 'prior-1:liver_lesion-2', 'prior-1:spleen_lesion-1'].concat(report.priorFindings!.filter((f) => f.type !== 'lesion').map((f) => f.id)).sort());
  });
});

describe('phantom follow-up: questions about change', () => {
  it('answers growth, new lesions and the response from the change findings, with evidence on both grids', async () => {
    const r = await series([
      { lesions: [liver(24, SEG7), { organ: 'pancreas', diameterMm: 22, region: 'body' }], date: '2026-01-05' },
      { lesions: [liver(32, SEG7), { organ: 'pancreas', diameterMm: 14, region: 'body' }, liver(14, SEG4)], date: '2026-03-02' },
    ]);
    const kb = await loadKnowledgeBase();
    const ctx = makeVqaContext(studyFromArtifacts(r.measurements, r.findings), kb);
    const grew = await ask(ctx, 'Did the pancreatic lesion grow?');
    expect([grew.intent?.type, grew.answer, grew.unit]).toEqual(['change', 'no', '%']);
    expect(grew.value!).toBeLessThan(-20);
    expect(new Set(grew.evidence.map((e) => e.study ?? 'current'))).toEqual(new Set(['current', 'prior-1']));
    expect((await ask(ctx, 'Has the segment 7 liver lesion grown since the prior study?')).answer).toBe('yes');
    const fresh = await ask(ctx, 'Are there new lesions?');
    expect([fresh.answer, fresh.value]).toEqual(['yes', 1]);
    expect((await ask(ctx, 'Is there a new lesion in the pancreas?')).answer).toBe('no');
    const response = await ask(ctx, 'What is the RECIST response?');
    expect([response.intent?.type, response.answer]).toEqual(['response', 'PD']);
    expect((await ask(ctx, 'Is this a partial response?')).answer).toBe('no');
    // One study, no prior: still out of scope, as before.
    const single = makeVqaContext(studyFromArtifacts(r.measurements, { ...r.findings, findings: r.findings.findings.filter((f) => !['comparison', 'lesion_change', 'organ_change', 'response'].includes(f.type)) }), kb);
    expect(await ask(single, 'Did the pancreatic lesion grow?')).toMatchObject({ answerable: false, reason: 'out_of_scope' });
    // One-study questions keep their type.
    expect((await ask(ctx, 'Which kidney is larger?')).intent?.type).toBe('comparison');
  }, 120_000);
});

describe('phantom follow-up: one series per RECIST 1.1 category', () => {
  const baseline = { lesions: [liver(30, SEG7), liver(25, SEG5)], date: '2026-01-05' };
  const cases: [string, LesionSpec[], string, string | null][] = [
    ['complete response (both targets gone)', [], 'CR', 'CR'],
    ['partial response (-40 %)', [liver(18, SEG7), liver(15, SEG5)], 'PR', 'PR'],
    ['stable disease (-5 %)', [liver(29, SEG7), liver(23, SEG5)], 'SD', 'SD'],
    ['progression by growth (+24 %, +13 mm)', [liver(38, SEG7), liver(30, SEG5)], 'PD', 'PD'],
    ['progression by a new lesion (targets unchanged)', [liver(30, SEG7), liver(25, SEG5), liver(14, SEG4)], 'PD', 'SD'],
  ];
  for (const [name, lesions, overall, target] of cases) {
    it(name, async () => {
      const r = await series([baseline, { lesions, date: '2026-03-02' }]);
      const recist = r.followup!.recist;
      expect([recist.overallResponse, recist.targetResponse], recist.steps.join('\n')).toEqual([overall, target]);
      const words = { CR: 'Complete response', PR: 'Partial response', SD: 'Stable disease', PD: 'Progressive disease' }[overall]!;
      expect(r.report.sentences.find((s) => s.section === 'impression')!.text.startsWith(`${words} by RECIST 1.1`)).toBe(true);
    }, 120_000);
  }

  it('a target that splits is summed from its fragments, not counted as a new lesion', async () => {
    // One 36 mm lesion, later two 12 mm lesions inside its former volume.
    const r = await series([{ lesions: [liver(36, SEG7)], date: '2026-01-05' }, { lesions: [liver(12, [SEG7[0], SEG7[1] - 9, SEG7[2]]), liver(12, [SEG7[0], SEG7[1] + 9, SEG7[2]])], date: '2026-03-02' }]);
    const f = r.followup!;
    expect(f.comparisons[0].matches.map((m) => m.kind)).toEqual(['split']);
    expect(f.recist.newLesionIds).toEqual([]);
    const t = f.recist.targets[0];
    expect(t.lesionIdsByStudy.current).toHaveLength(2);
    expect(f.recist.overallResponse).toBe('PR'); // ~35 mm -> ~11 + 11 mm: -37 %
    expect(r.report.sentences.some((s) => /has split into two lesions/.test(s.text))).toBe(true);
  }, 120_000);

  it('the nadir comes from the smallest earlier sum across several priors (dates decide the order)', async () => {
    // Sums about 53 mm (baseline), 32 mm (first follow-up: the nadir), 41 mm now: -23 % from baseline but +28 % and
    // +9 mm over the nadir: progression.
    const r = await series([
      { lesions: [liver(30, SEG7), liver(25, SEG5)], date: '2026-01-05' },
      { lesions: [liver(18, SEG7), liver(16, SEG5)], date: '2026-03-02' },
      { lesions: [liver(23, SEG7), liver(20, SEG5)], date: '2026-05-11' },
    ]);
    const recist = r.followup!.recist;
    expect(r.followup!.orderedBy).toBe('study-date');
    expect(r.followup!.studies.map((s) => [s.key, s.studyDate])).toEqual([['prior-2', '2026-01-05'], ['prior-1', '2026-03-02'], ['current', '2026-05-11']]);
    expect(recist.nadir.study).toBe('prior-1');
    expect(recist.changeFromBaselinePercent!).toBeLessThan(-15);
    expect(recist.targetResponse).toBe('PD');
    expect(recist.steps.join('\n')).toMatch(/Nadir .* at prior-1 \(2026-03-02\)/);
  }, 180_000);
});
