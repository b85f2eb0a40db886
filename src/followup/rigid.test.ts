import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../phantom/index.ts';
import { axisAngleRotation, fitRigid, principalAxes, rigidMatrix, rotationAngleDeg, symmetricEigen, transformPoint, type Point3 } from './rigid.ts';

describe('symmetricEigen', () => {
  it('finds the eigenpairs of a hand-computed 3x3 matrix, values descending', () => {
    // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 5, 3, 1 with vectors e3, (1,1,0)/sqrt2, (1,-1,0)/sqrt2.
    const { values, vectors } = symmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], 3);
    expect(values.map((v) => Number(v.toFixed(10)))).toEqual([5, 3, 1]);
    const col = (c: number) => [vectors[c], vectors[3 + c], vectors[6 + c]].map((x) => Math.abs(Number(x.toFixed(10))));
    expect(col(0)).toEqual([0, 0, 1]);
    expect(col(1)).toEqual([Number(Math.SQRT1_2.toFixed(10)), Number(Math.SQRT1_2.toFixed(10)), 0]);
  });
});

describe('fitRigid (Horn 1987)', () => {
  const prng = mulberry32(5);
  const cloud: Point3[] = Array.from({ length: 12 }, () => [prng.next() * 200 - 100, prng.next() * 150 - 75, prng.next() * 300 - 150]);

  it('recovers a known rotation and translation exactly', () => {
    const truth = rigidMatrix(axisAngleRotation([0.3, -0.5, 0.8], 37), [12.5, -40, 7]);
    const moved = cloud.map((p) => transformPoint(truth, p));
    const fit = fitRigid(cloud, moved);
    for (let n = 0; n < 12; n++) expect(fit[n]).toBeCloseTo(truth[n], 9);
    expect(rotationAngleDeg(fit)).toBeCloseTo(37, 9);
  });

  it('never returns a mirror: fitting a reflected cloud gives a proper rotation (det +1)', () => {
    const mirrored = cloud.map((p) => [-p[0], p[1], p[2]] as Point3);
    const m = fitRigid(cloud, mirrored);
    const det = m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
    expect(det).toBeCloseTo(1, 9);
  });

  it('with noisy landmarks, the residual is the noise level and the transform stays close', () => {
    const truth = rigidMatrix(axisAngleRotation([0, 0, 1], 12), [5, 5, 5]);
    const noisy = cloud.map((p) => transformPoint(truth, p)).map((p) => [p[0] + prng.normal() * 0.5, p[1] + prng.normal() * 0.5, p[2] + prng.normal() * 0.5] as Point3);
    const fit = fitRigid(cloud, noisy);
    expect(rotationAngleDeg(fit)).toBeCloseTo(12, 0);
    const rms = Math.sqrt(cloud.reduce((a, p, i) => a + transformPoint(fit, p).reduce((b, x, k) => b + (x - noisy[i][k]) ** 2, 0), 0) / cloud.length);
    expect(rms).toBeLessThan(1.2);
  });
});

describe('principalAxes', () => {
  it('gives the variances of points on a line and a plane', () => {
    const line: Point3[] = [-2, -1, 0, 1, 2].map((t) => [t * 10, 0, 0]);
    const { variances } = principalAxes(line);
    expect(variances[0]).toBeCloseTo(200, 9); // mean of (20^2, 10^2, 0, 10^2, 20^2)
    expect(variances[1]).toBeCloseTo(0, 9);
  });
});
