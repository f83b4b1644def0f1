import { median, quantileSorted, robustFit } from './stats';

describe(robustFit.name, () => {
  it('uses the median and the larger of 1.4826 MAD and std, as the trainer does', () => {
    const rows = [1, 2, 3, 4, 100].map((v) => Float64Array.from([v, 7]));
    const { center, scale } = robustFit(rows, 2);
    expect(center[0]).toBe(3);
    // std of [1,2,3,4,100] (population) = 39.01; MAD = 1 -> 1.48
    expect(scale[0]).toBeCloseTo(39.0128, 3);
    // A constant channel: 1e-3 * |7| + 1e-6
    expect(scale[1]).toBeCloseTo(0.007001, 6);
  });
});

describe(quantileSorted.name, () => {
  it('interpolates linearly like numpy.quantile', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.99)).toBeCloseTo(3.97, 10);
    expect(quantileSorted([5], 1)).toBe(5);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });

  it('has a median of the middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
