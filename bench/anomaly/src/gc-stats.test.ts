import { observeGc } from './gc-stats';

describe(observeGc.name, () => {
  it('counts the scavenges that allocation causes, then starts again from zero', async () => {
    const before = Date.now();
    const gc = observeGc();
    let keep: number[][] = [];
    // Far more than any young generation: several scavenges at least.
    for (let i = 0; i < 200_000; i++) {
      keep.push(new Array<number>(64).fill(i));
      if (keep.length > 100) keep = [];
    }
    // Entries reach the observer asynchronously.
    await new Promise((ok) => setTimeout(ok, 50));
    const taken = gc.take();
    gc.stop();

    expect(taken.minor).toBeGreaterThan(0);
    expect(taken.count).toBe(taken.minor + taken.major);
    expect(taken.maxMs).toBeGreaterThan(0);
    expect(taken.totalMs).toBeGreaterThanOrEqual(taken.maxMs);
    expect(['minor', 'major']).toContain(taken.maxKind);
    // Each pause with its epoch start, within the test's time.
    expect(taken.pauses).toHaveLength(taken.count);
    expect(taken.pauses.filter((p) => p.minor)).toHaveLength(taken.minor);
    for (const pause of taken.pauses) {
      expect(pause.startMs).toBeGreaterThanOrEqual(before - 5);
      expect(pause.startMs).toBeLessThanOrEqual(Date.now());
    }
    expect(gc.take()).toEqual({
      count: 0,
      totalMs: 0,
      maxMs: 0,
      minor: 0,
      major: 0,
      maxKind: '',
      pauses: [],
    });
  });
});
