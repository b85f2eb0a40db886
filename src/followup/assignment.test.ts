import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../phantom/index.ts';
import { assignMinCost } from './assignment.ts';

/** Exhaustive minimum over every partial one-to-one assignment (small sizes only). */
function bruteForce(cost: number[][], unassigned: number): number {
  const rows = cost.length;
  const cols = cost[0].length;
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number, total: number, pairedCols: number) => {
    if (r === rows) {
      best = Math.min(best, total + (cols - pairedCols) * unassigned);
      return;
    }
    go(r + 1, total + unassigned, pairedCols);
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = true;
      go(r + 1, total + cost[r][c], pairedCols + 1);
      used[c] = false;
    }
  };
  go(0, 0, 0);
  return best;
}

function totalOf(cost: number[][], assigned: number[], unassigned: number): number {
  const cols = cost[0].length;
  const paired = assigned.filter((c) => c >= 0);
  return assigned.reduce((a, c, r) => a + (c >= 0 ? cost[r][c] : unassigned), 0) + (cols - paired.length) * unassigned;
}

describe('assignMinCost (Hungarian method)', () => {
  it('solves a hand-made case where the greedy choice is wrong', () => {
    // Greedy takes (0,0)=1 then must pay (1,1)=10; the optimum is (0,1)+(1,0) = 2 + 2.
    expect(assignMinCost([[1, 2], [2, 10]], 100)).toEqual([1, 0]);
  });

  it('leaves rows and columns unassigned when pairing costs more than leaving both alone', () => {
    expect(assignMinCost([[5, 0.5], [5, 5]], 1.5)).toEqual([1, -1]);
    expect(assignMinCost([[1]], 0.4)).toEqual([-1]);
    expect(assignMinCost([], 1)).toEqual([]);
    expect(assignMinCost([[], []], 1)).toEqual([-1, -1]);
  });

  it('matches an exhaustive search on random rectangular matrices, one to one', () => {
    const prng = mulberry32(42);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + Math.floor(prng.next() * 5);
      const cols = 1 + Math.floor(prng.next() * 5);
      const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (prng.next() < 0.2 ? 10 : Math.round(prng.next() * 200) / 100)));
      const assigned = assignMinCost(cost, 1.5);
      const paired = assigned.filter((c) => c >= 0);
      expect(new Set(paired).size).toBe(paired.length);
      expect(totalOf(cost, assigned, 1.5)).toBeCloseTo(bruteForce(cost, 1.5), 9);
    }
  });
});
