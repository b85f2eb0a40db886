import { ordinal, range, sided } from './define.ts';
import type { Structure } from './types.ts';

/**
 * Bones, the vertebral column, ribs and muscles (data only). Vertebrae and ribs are numbered as
 * TotalSegmentator names them (vertebrae_C1 .. vertebrae_L5, vertebrae_S1; rib_left_1 .. rib_right_12).
 * vertebrae_L6 (a transitional lumbar vertebra) is TotalSegmentator v3's class; it is kept so v3 label maps read.
 */

/** Vertebral levels in cranio-caudal order, with the TotalSegmentator task that names each. */
const VERTEBRA_LEVELS: readonly { level: string; task: string }[] = [
  ...range(1, 7).map((n) => ({ level: `C${n}`, task: 'total' })),
  ...range(1, 12).map((n) => ({ level: `T${n}`, task: 'total' })),
  ...range(1, 5).map((n) => ({ level: `L${n}`, task: 'total' })),
  { level: 'L6', task: 'total_v3' },
  { level: 'S1', task: 'total' },
];

const VERTEBRAE: Structure[] = VERTEBRA_LEVELS.map(({ level, task }) => ({
  name: `vertebrae_${level}`,
  displayName: `${level} vertebra`,
  laterality: 'midline',
  system: 'skeletal',
  parent: 'vertebral_column',
  kind: 'bone',
  totalsegTask: task,
}));

function ribs(side: 'left' | 'right'): Structure[] {
  return range(1, 12).map((n) => ({
    name: `rib_${side}_${n}`,
    displayName: `${side} ${ordinal(n)} rib`,
    laterality: side,
    system: 'skeletal',
    parent: `ribs_${side}`,
    kind: 'bone',
    totalsegTask: 'total',
  }));
}

const bone = { system: 'skeletal', parent: 'skeleton', kind: 'bone', totalsegTask: 'total' } as const;
const muscle = { system: 'muscular', parent: 'body', kind: 'muscle', totalsegTask: 'total' } as const;

export const MUSCULOSKELETAL_STRUCTURES: readonly Structure[] = [
  // The built-in segmenter's bone mask (threshold-based); parent of every bone below.
  { name: 'skeleton', displayName: 'skeleton', laterality: 'bilateral', system: 'skeletal', parent: 'body', kind: 'bone' },
  {
    name: 'vertebral_column', displayName: 'spine', laterality: 'midline', system: 'skeletal', parent: 'skeleton', kind: 'composite',
    members: [...VERTEBRAE.map((v) => v.name), 'sacrum'], subSegments: VERTEBRAE.map((v) => v.name),
  },
  ...VERTEBRAE,
  // TotalSegmentator v2 labels S1 separately; 'sacrum' is the rest of the sacrum.
  { name: 'sacrum', displayName: 'sacrum', laterality: 'midline', system: 'skeletal', parent: 'vertebral_column', kind: 'bone', totalsegTask: 'total' },
  { name: 'ribs', displayName: 'ribs', laterality: 'bilateral', system: 'skeletal', parent: 'skeleton', kind: 'composite', members: ['ribs_left', 'ribs_right'] },
  ...(['left', 'right'] as const).map((side): Structure => ({
    name: `ribs_${side}`, displayName: `${side} ribs`, laterality: side, system: 'skeletal', parent: 'ribs', kind: 'composite',
    members: range(1, 12).map((n) => `rib_${side}_${n}`),
  })),
  ...ribs('left'),
  ...ribs('right'),
  { name: 'sternum', displayName: 'sternum', laterality: 'midline', ...bone },
  { name: 'costal_cartilages', displayName: 'costal cartilages', laterality: 'bilateral', ...bone },
  { name: 'skull', displayName: 'skull', laterality: 'midline', ...bone },
  ...sided('clavicula', 'clavicle', bone),
  ...sided('scapula', 'scapula', bone),
  ...sided('humerus', 'humerus', bone),
  ...sided('hip', 'hip bone', bone),
  ...sided('femur', 'femur', bone),

  ...sided('gluteus_maximus', 'gluteus maximus', muscle),
  ...sided('gluteus_medius', 'gluteus medius', muscle),
  ...sided('gluteus_minimus', 'gluteus minimus', muscle),
  // TotalSegmentator's "autochthon": the autochthonous (intrinsic) back muscles, erector spinae and transversospinalis.
  ...sided('autochthon', 'autochthonous back muscles', muscle),
  ...sided('iliopsoas', 'iliopsoas', muscle),
];
