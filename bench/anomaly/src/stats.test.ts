import { attributeTail, createRandom, percentile, schedule } from './stats';

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

describe(attributeTail.name, () => {
  it('counts the slow requests that overlapped a server pause or were sent late', () => {
    const pauses = [
      { startMs: 1_010, ms: 2, minor: true },
      { startMs: 1_100, ms: 8, minor: false },
    ];
    // Scheduled at, latency, send lag: fast; slow over the scavenge; slow over the mark-compact; slow and late;
    // slow with neither; slow just before a pause (no overlap).
    const requests: [number, number, number][] = [
      [1_000, 1, 0],
      [1_008, 6, 0],
      [1_095, 9, 0],
      [1_200, 7, 3],
      [1_300, 6, 0.5],
      [1_090, 9.9, 0],
    ];

    const sut = attributeTail(
      requests.map((r) => r[1]),
      requests.map((r) => r[0]),
      requests.map((r) => r[2]),
      pauses,
      5,
    );

    expect(sut).toEqual({ slow: 5, withServerGc: 2, withServerMajorGc: 1, withSendLag: 1, unexplained: 2 });
  });
});
