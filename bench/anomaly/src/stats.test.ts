import { createRandom, percentile, schedule } from './stats';

describe(percentile.name, () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe(schedule.name, () => {
  it('spaces requests evenly at the rate', () => {
    expect(schedule(4, 1)).toEqual([0, 250, 500, 750]);
    expect(schedule(1000, 2)).toHaveLength(2000);
  });
});

describe(createRandom.name, () => {
  it('repeats with the same seed and stays in [0, 1)', () => {
    const a = createRandom(1);
    const b = createRandom(1);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
