import { generateDemoPlant } from '@industrialmind/graph-store';
import { runTrial, summarise, type TrialResult } from './evaluation';
import { percentile } from './latency';

describe(runTrial.name, () => {
  const plant = generateDemoPlant({ size: 24, machinesPerLine: 6, linesPerPlant: 4 });

  it('scores a propagated fault on the first downstream machine against the root component', async () => {
    const sut = await runTrial(0, plant, { faults: 1, seed: 1, propagatedShare: 1 });
    expect(sut.propagated).toBe(true);
    expect(sut.truth.startsWith(sut.targetMachineId)).toBe(false);
    expect(sut.truth).toMatch(/\/(seal|impeller|cooling)$/);
    if (sut.isDetected) expect(sut.top3.length).toBeGreaterThan(0);
  });

  it('scores a local fault on its own machine, deterministically for a seed', async () => {
    const a = await runTrial(3, plant, { faults: 1, seed: 5, propagatedShare: 0 });
    const b = await runTrial(3, plant, { faults: 1, seed: 5, propagatedShare: 0 });
    expect(a).toEqual(b);
    expect(a.truth.startsWith(`${a.targetMachineId}/`)).toBe(true);
  });
});

describe(summarise.name, () => {
  const result = (over: Partial<TrialResult>): TrialResult => ({
    trial: 0,
    kind: 'bearing_wear',
    propagated: false,
    truth: 'm/bearing',
    targetMachineId: 'm',
    isDetected: true,
    rank: 1,
    top3: ['m/bearing'],
    falsePositives: 0,
    detectionDelayMs: 10_000,
    rootDetectionDelayMs: undefined,
    ...over,
  });

  it('counts misses as wrong overall and leaves them out of the detected-only shares', () => {
    const sut = summarise([
      result({}),
      result({ rank: 3, propagated: true, kind: 'pressure_leak' }),
      result({ rank: undefined, isDetected: false, falsePositives: 2 }),
      result({ rank: undefined }),
    ]);
    expect(sut).toMatchObject({
      faults: 4,
      propagated: 1,
      detected: 3,
      top1: 0.25,
      top3: 0.5,
      top1Detected: 0.333,
    });
    expect(sut.top3Detected).toBe(0.667);
    expect(sut.falsePositiveEvents).toBe(2);
    expect(sut.byGroup['propagated:pressure_leak']).toEqual({ faults: 1, detected: 1, top1: 0, top3: 1 });
  });
});

describe(percentile.name, () => {
  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 99)).toBe(0);
  });
});
