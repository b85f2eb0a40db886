import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import type { LesionRecord, Measurements } from '../measure/index.ts';
import { recistResponse, type TimepointStudy } from './recist.ts';
import { resolveRecistRules, type RecistRules } from './recist-rules.ts';
import type { LesionMatch, PairComparison } from './types.ts';

/**
 * RECIST 1.1 (Eisenhauer et al. 2009) on hand-built series: each expected category and sum below is computed by
 * hand from the guideline's rules, never read back from the code.
 */

interface L {
  id: string;
  organ?: string | null;
  long?: number;
  short?: number;
  cls?: string;
  type?: string;
  border?: boolean;
  ml?: number;
}

function lesion(x: L): LesionRecord {
  const cls = x.cls ?? (x.organ ? `${x.organ}_lesion` : 'lesion');
  return {
    id: x.id,
    labelId: 1,
    labelName: cls,
    componentIndex: 0,
    lesionClass: cls,
    lesionType: x.type ?? 'lesion',
    organ: x.organ === undefined ? 'liver' : x.organ,
    longAxisMm: x.long ?? x.short ?? 10,
    shortAxisMm: x.short ?? (x.long ?? 10) * 0.8,
    axialAxis: 'k',
    touchesBorder: { touches: x.border ?? false, faces: [] },
    volumeMl: x.ml ?? 1,
  } as unknown as LesionRecord;
}

function study(key: string, lesions: L[], sliceMm = 2): TimepointStudy {
  return { key, measurements: { study: { spacingMm: [0.8, 0.8, sliceMm] }, lesions: lesions.map(lesion) } as unknown as Measurements };
}

const pair = (earlier: string, later: string, matches: LesionMatch[]): PairComparison => ({ earlier, later, matches } as unknown as PairComparison);
const m = (kind: LesionMatch['kind'], earlierLesionIds: string[], laterLesionIds: string[], organ = 'liver'): LesionMatch => ({ kind, earlierLesionIds, laterLesionIds, organ });

let rules: RecistRules;
beforeAll(async () => {
  rules = resolveRecistRules(await loadKnowledgeBase());
});

describe('RECIST 1.1 target selection at baseline', () => {
  it('takes the largest measurable lesions, at most 2 per organ and 5 in all; cysts, normal nodes and small lesions are handled by the guideline', () => {
    const baseline = study('prior-1', [
      { id: 'liver-a', long: 30 },
      { id: 'liver-b', long: 25 },
      { id: 'liver-c', long: 20 },
      { id: 'lung-a', organ: 'lung', long: 28 },
      { id: 'spleen-a', organ: 'spleen', long: 12 },
      { id: 'kidney-a', organ: 'kidney_left', long: 18 },
      { id: 'node-big', organ: null, cls: 'lymph_node', short: 16, long: 20 },
      { id: 'node-mid', organ: null, cls: 'lymph_node', short: 12, long: 14 },
      { id: 'node-small', organ: null, cls: 'lymph_node', short: 8, long: 9 },
      { id: 'cyst', organ: 'kidney_right', cls: 'kidney_cyst_right', type: 'cyst', long: 40 },
      { id: 'small', organ: 'pancreas', long: 8 },
      { id: 'edge', organ: 'stomach', long: 50, border: true },
    ]);
    const same = baseline.measurements.lesions.map((l) => m('matched', [l.id], [l.id], l.organ ?? 'none'));
    const r = recistResponse([baseline, { ...baseline, key: 'current' }], [pair('prior-1', 'current', same)], rules);
    // Measurable, by RECIST diameter: liver-a 30, lung-a 28, liver-b 25, liver-c 20, kidney-a 18, node-big 16 (short), spleen-a 12.
    expect(r.targets.map((t) => t.baselineLesionId)).toEqual(['liver-a', 'lung-a', 'liver-b', 'kidney-a', 'node-big']);
    expect(r.baselineSumMm).toBe(30 + 28 + 25 + 18 + 16);
    const reason = (id: string) => r.nonTargets.find((n) => n.baselineLesionId === id)?.reason;
    expect(reason('liver-c')).toMatch(/beyond 2 targets in liver/);
    expect(reason('spleen-a')).toMatch(/beyond the 5 targets/);
    expect(reason('node-mid')).toMatch(/under 15 mm/);
    expect(reason('small')).toMatch(/under the measurable 10.0 mm/);
    expect(reason('edge')).toMatch(/scan border/);
    // Cysts and nodes under 10 mm are not tumour: neither target nor non-target.
    expect(reason('cyst')).toBeUndefined();
    expect(reason('node-small')).toBeUndefined();
    expect(r.targetResponse).toBe('SD');
    expect(r.overallResponse).toBe('SD');
  });

  it('with slices thicker than 5 mm, the measurable minimum is twice the slice thickness', () => {
    const baseline = study('prior-1', [{ id: 'a', long: 12 }, { id: 'b', long: 16 }], 7);
    const r = recistResponse([baseline, { ...baseline, key: 'current' }], [pair('prior-1', 'current', [m('matched', ['a'], ['a']), m('matched', ['b'], ['b'])])], rules);
    expect(r.targets.map((t) => t.baselineLesionId)).toEqual(['b']);
    expect(r.nonTargets[0].reason).toMatch(/under the measurable 14.0 mm/);
  });
});

describe('RECIST 1.1 target response', () => {
  const twoTargets = (a: number, b: number, key = 'current') => study(key, [{ id: 'a', long: a }, { id: 'b', organ: 'lung', long: b }]);
  const matched = (e: string, l: string) => pair(e, l, [m('matched', ['a'], ['a']), m('matched', ['b'], ['b'], 'lung')]);

  it('PR at exactly -30 % from baseline; SD just above', () => {
    const pr = recistResponse([twoTargets(60, 40, 'prior-1'), twoTargets(42, 28)], [matched('prior-1', 'current')], rules);
    expect(pr.currentSumMm).toBe(70);
    expect(pr.changeFromBaselinePercent).toBe(-30);
    expect(pr.targetResponse).toBe('PR');
    const sd = recistResponse([twoTargets(60, 40, 'prior-1'), twoTargets(42.2, 28)], [matched('prior-1', 'current')], rules);
    expect(sd.targetResponse).toBe('SD');
  });

  it('PD needs +20 % and +5 mm over the nadir, which is the smallest earlier sum (baseline included)', () => {
    const series = (current: number) => [twoTargets(60, 40, 'prior-2'), twoTargets(36, 24, 'prior-1'), twoTargets(current * 0.6, current * 0.4)];
    const pairs = [matched('prior-2', 'prior-1'), matched('prior-1', 'current')];
    const pd = recistResponse(series(72), pairs, rules); // nadir 60 (prior-1): +12 mm, +20 %
    expect(pd.nadir).toEqual({ study: 'prior-1', sumMm: 60 });
    expect(pd.changeFromNadirPercent).toBe(20);
    expect(pd.targetResponse).toBe('PD');
    expect(pd.overallResponse).toBe('PD');
    const stillPr = recistResponse(series(70), pairs, rules); // +16.7 % over the nadir; -30 % from baseline 100
    expect(stillPr.targetResponse).toBe('PR');
    // +20 % but only +4 mm over a small nadir: not progression.
    const small = recistResponse([study('prior-1', [{ id: 'a', long: 20 }]), study('current', [{ id: 'a', long: 24 }])], [pair('prior-1', 'current', [m('matched', ['a'], ['a'])])], rules);
    expect(small.changeFromNadirPercent).toBe(20);
    expect(small.targetResponse).toBe('SD');
    expect(small.steps.join('\n')).toMatch(/progression needs \+20 % and \+5 mm: not met/);
  });

  it('CR when every target is gone and target nodes are under 10 mm; a node of 10 mm or more prevents CR', () => {
    const base = study('prior-1', [{ id: 'a', long: 30 }, { id: 'n', organ: null, cls: 'lymph_node', short: 18 }]);
    const gone = (nodeShort: number) =>
      recistResponse(
        [base, study('current', [{ id: 'n2', organ: null, cls: 'lymph_node', short: nodeShort }])],
        [pair('prior-1', 'current', [m('disappeared', ['a'], []), m('matched', ['n'], ['n2'], 'lymph_node')])],
        rules,
      );
    const cr = gone(9);
    expect(cr.currentSumMm).toBe(9); // RECIST keeps the node's short axis in the sum
    expect(cr.targetResponse).toBe('CR');
    expect(cr.overallResponse).toBe('CR');
    expect(gone(11).targetResponse).toBe('PR'); // (0 + 11) / (30 + 18) = -77 %
  });

  it('a split target is the sum of its fragments; merged targets count once', () => {
    const split = recistResponse(
      [study('prior-1', [{ id: 'a', long: 30 }]), study('current', [{ id: 'f1', long: 10 }, { id: 'f2', long: 12 }])],
      [pair('prior-1', 'current', [m('split', ['a'], ['f1', 'f2'])])],
      rules,
    );
    expect(split.targets[0].diameterMmByStudy.current).toBe(22);
    expect(split.newLesionIds).toEqual([]);
    const merged = recistResponse(
      [study('prior-1', [{ id: 'a', long: 20 }, { id: 'b', long: 15 }]), study('current', [{ id: 'ab', long: 30 }])],
      [pair('prior-1', 'current', [m('merged', ['a', 'b'], ['ab'])])],
      rules,
    );
    expect(merged.targets.map((t) => t.diameterMmByStudy.current)).toEqual([30, 0]);
    expect(merged.currentSumMm).toBe(30);
    expect(merged.targetResponse).toBe('SD'); // 35 -> 30: -14 %
  });

  it('a target outside the current field of view makes the target response not evaluable', () => {
    const r = recistResponse([study('prior-1', [{ id: 'a', long: 30 }]), study('current', [])], [pair('prior-1', 'current', [m('outside-later-field', ['a'], [])])], rules);
    expect(r.targetResponse).toBe('NE');
    expect(r.overallResponse).toBe('NE');
  });
});

describe('RECIST 1.1 new lesions, non-targets and overall response', () => {
  it('a new lesion is PD even when the targets respond; a new node under 10 mm, a new cyst and a lesion outside the prior field are not new', () => {
    const r = recistResponse(
      [
        study('prior-1', [{ id: 'a', long: 40 }]),
        study('current', [
          { id: 'a', long: 20 },
          { id: 'new', organ: 'liver', long: 8 },
          { id: 'node', organ: null, cls: 'lymph_node', short: 9 },
          { id: 'cyst', organ: 'kidney_left', cls: 'kidney_cyst_left', type: 'cyst', long: 15 },
          { id: 'far', organ: 'lung', long: 25 },
        ]),
      ],
      [pair('prior-1', 'current', [m('matched', ['a'], ['a']), m('new', [], ['new']), m('new', [], ['node'], 'lymph_node'), m('new', [], ['cyst'], 'kidney_left'), m('outside-earlier-field', [], ['far'], 'lung')])],
      rules,
    );
    expect(r.targetResponse).toBe('PR');
    expect(r.newLesionIds).toEqual(['new']);
    expect(r.overallResponse).toBe('PD');
    expect(r.caveats.join(' ')).toMatch(/outside an earlier study's field of view/);
  });

  it('a lesion that appeared at an earlier follow-up stays new at the current study', () => {
    const r = recistResponse(
      [study('prior-2', [{ id: 'a', long: 40 }]), study('prior-1', [{ id: 'a', long: 38 }, { id: 'x', long: 12 }]), study('current', [{ id: 'a', long: 37 }, { id: 'x', long: 13 }])],
      [pair('prior-2', 'prior-1', [m('matched', ['a'], ['a']), m('new', [], ['x'])]), pair('prior-1', 'current', [m('matched', ['a'], ['a']), m('matched', ['x'], ['x'])])],
      rules,
    );
    expect(r.newLesionIds).toEqual(['x']);
    expect(r.overallResponse).toBe('PD');
    expect(r.steps.join('\n')).toMatch(/appeared at an earlier follow-up/);
  });

  it('Table 1: target CR with a persisting non-target is PR; Table 2 (no target): non-CR/non-PD, or CR when all are gone', () => {
    const base = study('prior-1', [{ id: 't', long: 20 }, { id: 'nt', long: 6 }]);
    const persists = recistResponse([base, study('current', [{ id: 'nt', long: 6 }])], [pair('prior-1', 'current', [m('disappeared', ['t'], []), m('matched', ['nt'], ['nt'])])], rules);
    expect([persists.targetResponse, persists.nonTargetResponse, persists.overallResponse]).toEqual(['CR', 'non-CR/non-PD', 'PR']);
    const onlyNonTarget = study('prior-1', [{ id: 'nt', long: 6 }]);
    const t2 = recistResponse([onlyNonTarget, study('current', [{ id: 'nt', long: 7 }])], [pair('prior-1', 'current', [m('matched', ['nt'], ['nt'])])], rules);
    expect([t2.targetResponse, t2.overallResponse]).toEqual([null, 'non-CR/non-PD']);
    expect(t2.steps.join('\n')).toMatch(/Table 2/);
    const t2gone = recistResponse([onlyNonTarget, study('current', [])], [pair('prior-1', 'current', [m('disappeared', ['nt'], [])])], rules);
    expect(t2gone.overallResponse).toBe('CR');
  });

  it('writes every step with its numbers', () => {
    const r = recistResponse([study('prior-1', [{ id: 'a', long: 50 }]), study('current', [{ id: 'a', long: 30 }])], [pair('prior-1', 'current', [m('matched', ['a'], ['a'])])], rules);
    expect(r.steps).toEqual([
      'Baseline prior-1: 1 lesion(s); 1 measurable.',
      'Target T1: a (liver), long axis 50.0 mm; current: 30.0 mm.',
      'Sum of diameters: prior-1 50.0 mm, current 30.0 mm.',
      'Nadir (smallest sum before the current study, baseline included): 50.0 mm at prior-1.',
      'New lesions: none.',
      'Current sum 30.0 mm vs nadir 50.0 mm: -20.0 mm (-40.0 %); progression needs +20 % and +5 mm: not met.',
      'Current sum vs baseline 50.0 mm: -40.0 %; partial response needs -30 %: met.',
      'Target response PR.',
      'Overall response (RECIST 1.1 Table 1): PR.',
    ]);
  });
});
