import { structureOrNull } from '../anatomy/index.ts';
import { PASSAGES, type Finding } from '../findings/index.ts';
import { citations, coverage, displayName, evidenceOf, findingsAbout, type Coverage, type VqaContext } from './context.ts';
import { answered, fmt1, unanswerable, yesNo, type Reply } from './reply.ts';

/**
 * Answers about labelled structures: volume and length, mean attenuation, comparisons, normality and "show me".
 * Whole-organ numbers (volume, length, size class) need the whole organ: a partially imaged structure's volume is
 * withheld (RadGPT, radgpt-partial-organ; groundct-partial-organ). A mean HU is a property of the imaged voxels,
 * so it is given for a partially imaged structure too, with a caveat.
 */

function whyNot(ctx: VqaContext, name: string, cov: Coverage, what: string): Reply {
  const n = displayName(name);
  const evidence = evidenceOf(cov.rows);
  if (cov.status === 'absent') return unanswerable('structure_absent', `The mask set has no label for the ${n}.`, { evidence });
  if (cov.status === 'not_imaged') return unanswerable('not_imaged', `The ${n} is labelled but has no voxel in this scan (not imaged).`, { evidence });
  return unanswerable('partially_imaged', `The ${n} is only partially imaged; its ${what} is withheld.`, {
    evidence,
    citations: citations(ctx, [PASSAGES.partialOrgan, PASSAGES.partialOrganRadgpt]),
  });
}

/** Findings about `name` carrying exactly this value under this key (e.g. 'spleen.size' for its volume). */
function findingsWithValue(ctx: VqaContext, name: string, key: string, value: number): string[] {
  return findingsAbout(ctx, name).filter((f) => f.subject.structure === name && f.values[key] === value).map((f) => f.id);
}

function totalVolumeMl(cov: Coverage): number {
  return cov.rows.reduce((a, r) => a + (r.volumeMl ?? 0), 0);
}

/** Voxel-weighted mean HU over the rows with voxels. */
function meanHu(cov: Coverage): number {
  let n = 0;
  let sum = 0;
  for (const r of cov.rows) {
    if (!r.present || r.huMean === null) continue;
    n += r.evidence.voxelCount;
    sum += r.huMean * r.evidence.voxelCount;
  }
  return sum / n;
}

export function answerStructureSize(ctx: VqaContext, name: string, measure: 'volume' | 'long_axis' | 'short_axis' | 'length'): Reply {
  const cov = coverage(ctx, name);
  if (measure === 'long_axis' || measure === 'short_axis')
    return unanswerable('out_of_scope', `Long and short axes are measured for lesions and nodes, not for the ${displayName(name)}.`, { evidence: evidenceOf(cov.rows) });
  if (cov.status !== 'complete') return whyNot(ctx, name, cov, measure === 'length' ? 'length' : 'volume');
  const evidence = evidenceOf(cov.rows);
  if (measure === 'length') {
    if (cov.rows.length !== 1 || cov.rows[0].craniocaudalMm === null)
      return unanswerable('out_of_scope', `A single craniocaudal length is not defined for the ${displayName(name)}.`, { evidence });
    const lengthMm = cov.rows[0].craniocaudalMm;
    const ids = findingsWithValue(ctx, name, 'craniocaudalLengthMm', lengthMm);
    return answered({ answer: `${fmt1(lengthMm)} mm`, value: lengthMm, unit: 'mm', findingIds: ids, evidence });
  }
  const volumeMl = totalVolumeMl(cov);
  const ids = cov.rows.flatMap((r) => (r.name === null ? [] : findingsWithValue(ctx, r.name, 'volumeMl', r.volumeMl ?? Number.NaN)));
  const caveats = cov.rows.length > 1 ? [`sum of ${cov.rows.map((r) => displayName(r.name ?? r.labelName)).join(' and ')}`] : [];
  return answered({ answer: `${fmt1(volumeMl)} mL`, value: volumeMl, unit: 'mL', findingIds: ids, evidence, caveats });
}

export function answerStructureAttenuation(ctx: VqaContext, name: string, askedClass: string | undefined): Reply {
  const cov = coverage(ctx, name);
  if (askedClass !== undefined)
    return unanswerable('out_of_scope', `Hypo-, iso- and hyperattenuating describe a lesion against its organ, not the ${displayName(name)} itself.`, { evidence: evidenceOf(cov.rows) });
  if (cov.status === 'absent' || cov.status === 'not_imaged') return whyNot(ctx, name, cov, 'attenuation');
  const hu = meanHu(cov);
  const ids = cov.rows.flatMap((r) => (r.name === null || r.huMean === null ? [] : findingsWithValue(ctx, r.name, 'huMean', r.huMean)));
  const caveats = cov.status === 'partial' ? [`mean over the imaged part of the ${displayName(name)} only`] : [];
  return answered({ answer: `${fmt1(hu)} HU`, value: hu, unit: 'HU', findingIds: ids, evidence: evidenceOf(cov.rows), caveats });
}

/**
 * Compares two or more structures by volume or mean attenuation; with none named, every labelled organ that is
 * wholly imaged (its largest / smallest). Volumes need whole organs; a mean HU is given for partly imaged ones too.
 */
export function answerComparison(
  ctx: VqaContext,
  named: readonly string[],
  property: 'volume' | 'attenuation',
  direction: 'larger' | 'smaller',
  form: 'which' | 'yesno',
): Reply {
  const all = named.length > 0;
  const pool = all
    ? [...named]
    : [...new Set(ctx.study.structures.filter((s) => s.name !== null && s.present && structureOrNull(s.name)?.kind === 'organ').map((s) => s.name!))];
  if (pool.length < 2) return unanswerable('structure_absent', 'Fewer than two labelled organs to compare.');
  const covs = pool.map((n) => coverage(ctx, n));
  const usable: number[] = [];
  for (let i = 0; i < pool.length; i++) {
    const ok = property === 'volume' ? covs[i].status === 'complete' : covs[i].status === 'complete' || covs[i].status === 'partial';
    if (ok) usable.push(i);
    else if (all) return whyNot(ctx, pool[i], covs[i], property);
  }
  if (usable.length < 2) return unanswerable('structure_absent', 'Fewer than two wholly imaged organs to compare.');
  const values = pool.map((_, i) => (usable.includes(i) ? (property === 'volume' ? totalVolumeMl(covs[i]) : meanHu(covs[i])) : Number.NaN));
  const unit = property === 'volume' ? 'mL' : 'HU';
  const evidence = usable.flatMap((i) => evidenceOf(covs[i].rows));
  const ids = usable.flatMap((i) => (property === 'volume' ? [`${pool[i]}.size`] : []).filter((id) => ctx.findingById.has(id)));
  const caveats = [usable.map((i) => `${displayName(pool[i])} ${fmt1(values[i])} ${unit}`).join(', ')];
  if (!all) caveats.push('compared over the wholly imaged organs of the mask set');
  if (form === 'yesno' && usable.length === 2) {
    const [a, b] = usable.map((i) => values[i]);
    if (a === b) return answered({ answer: 'no', findingIds: ids, evidence, caveats });
    return answered({ answer: yesNo(direction === 'larger' ? a > b : a < b), findingIds: ids, evidence, caveats });
  }
  const best = usable.reduce((bi, i) => ((direction === 'larger' ? values[i] > values[bi] : values[i] < values[bi]) ? i : bi), usable[0]);
  const tie = usable.some((i) => i !== best && values[i] === values[best]);
  return answered({ answer: tie ? 'equal' : displayName(pool[best]), findingIds: ids, evidence, caveats });
}

/** The size finding(s) of a structure: its own, or its members' for a composite (both kidneys). */
function sizeFindings(ctx: VqaContext, name: string, cov: Coverage): Finding[] {
  const own = ctx.findingById.get(`${name}.size`);
  if (own !== undefined) return [own];
  return cov.rows.flatMap((r) => (r.name === null ? [] : [ctx.findingById.get(`${r.name}.size`)].filter((f) => f !== undefined)));
}

export function answerNormality(ctx: VqaContext, name: string, aspect: 'size' | 'steatosis' | 'overall', polarity: 'normal' | 'abnormal'): Reply {
  const cov = coverage(ctx, name);
  const n = displayName(name);
  const reply = (isNormal: boolean, basis: readonly Finding[], caveats: string[] = [], value?: { value: number; unit: string }) =>
    answered({
      answer: yesNo(polarity === 'normal' ? isNormal : !isNormal),
      ...(value ?? {}),
      findingIds: basis.map((f) => f.id),
      evidence: basis.flatMap((f) => f.evidence),
      citations: citations(ctx, basis.flatMap((f) => f.criteria)),
      caveats: [...caveats, ...basis.flatMap((f) => f.caveats)],
    });

  if (aspect === 'steatosis') {
    const f = ctx.findingById.get(`${name}.steatosis`);
    if (f !== undefined && f.status !== 'indeterminate') return reply(f.status === 'normal', [f], [], { value: f.values.huMean, unit: 'HU' });
    if (cov.status === 'absent' || cov.status === 'not_imaged') return whyNot(ctx, name, cov, 'attenuation');
    if (f !== undefined) return unanswerable('out_of_scope', `Steatosis of the ${n} was not assessed: ${String(f.attributes.reason ?? f.statement)}.`, { findingIds: [f.id], evidence: f.evidence });
    const phase = ctx.study.phase;
    const why = phase === 'non-contrast' ? `no steatosis rule is defined for the ${n}` : `the steatosis thresholds are defined on non-contrast CT and this study's phase is '${phase}'`;
    return unanswerable('out_of_scope', `Steatosis is not assessed: ${why}.`, { evidence: evidenceOf(cov.rows), citations: citations(ctx, [PASSAGES.phaseCaveat]) });
  }
  if (cov.status !== 'complete') return whyNot(ctx, name, cov, aspect === 'size' ? 'size class' : 'normality');

  if (aspect === 'size') {
    const basis = sizeFindings(ctx, name, cov);
    if (basis.length === 0) return unanswerable('out_of_scope', `The knowledge base has no size norm for the ${n}.`, { evidence: evidenceOf(cov.rows) });
    const caveats: string[] = [];
    const length = name === 'spleen' ? ctx.findingById.get('spleen.length') : undefined;
    if (length !== undefined && length.status !== basis[0].status)
      caveats.push(`by craniocaudal length (${fmt1(length.values.craniocaudalLengthMm)} mm, Lugano) the spleen is ${length.statement}`);
    const volume = basis.length === 1 ? { value: basis[0].values.volumeMl, unit: 'mL' } : undefined;
    return reply(basis.every((f) => f.status === 'normal'), basis, caveats, volume);
  }

  const members = new Set([name, ...cov.rows.flatMap((r) => (r.name === null ? [] : [r.name]))]);
  const about = ctx.study.findings.filter((f) => (f.subject.organ !== null && members.has(f.subject.organ)) || (f.subject.structure !== null && members.has(f.subject.structure)));
  const abnormal = about.filter((f) => f.status === 'abnormal');
  if (abnormal.length > 0) return reply(false, abnormal);
  const normal = [...members].map((m) => ctx.findingById.get(`${m}.normal`)).filter((f) => f !== undefined);
  if (normal.length === 0) return unanswerable('out_of_scope', `No normality criterion is assessed for the ${n}.`, { evidence: evidenceOf(cov.rows) });
  const assessed = normal.flatMap((f) => (Array.isArray(f.attributes.assessed) ? f.attributes.assessed : []));
  return reply(true, normal, [`assessed: ${[...new Set(assessed)].join(', ')}`]);
}

export function answerShowStructure(ctx: VqaContext, name: string): Reply {
  const cov = coverage(ctx, name);
  if (cov.status === 'absent' || cov.status === 'not_imaged') return whyNot(ctx, name, cov, 'mask');
  const rows = cov.rows.filter((r) => r.present);
  return answered({
    answer: rows.map((r) => `label ${r.labelId} '${r.labelName}'`).join(', '),
    masks: rows.map((r) => ({ labelId: r.labelId, labelName: r.labelName })),
    evidence: evidenceOf(rows),
    caveats: cov.status === 'partial' ? [`the ${displayName(name)} is only partially imaged`] : [],
  });
}

/** "Is there ascites?": a labelled fluid compartment is present or, with its label empty, absent. */
export function answerStructurePresence(ctx: VqaContext, name: string): Reply {
  const cov = coverage(ctx, name);
  const fluid = ctx.findingById.get(`${name}.fluid`);
  if (fluid !== undefined)
    return answered({ answer: yesNo(fluid.statement === 'present'), findingIds: [fluid.id], evidence: fluid.evidence, citations: citations(ctx, fluid.criteria), caveats: fluid.caveats });
  if (cov.status === 'absent' || cov.status === 'not_imaged') return whyNot(ctx, name, cov, 'presence');
  return answered({ answer: 'yes', evidence: evidenceOf(cov.rows), caveats: cov.status === 'partial' ? [`the ${displayName(name)} is only partially imaged`] : [] });
}
