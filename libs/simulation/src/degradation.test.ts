import { HOUR_MS, failureTimeMs, wearRate } from './degradation';
import type { Fault } from './faults';

function fault(overrides: Partial<Fault>): Fault {
  return {
    id: 'f',
    machineId: 'm',
    kind: 'bearing_wear',
    shape: 'step',
    severity: 1,
    component: 'bearing',
    channel: undefined,
    startMs: 0,
    onsetMs: 0,
    endMs: Infinity,
    endedReason: undefined,
    ...overrides,
  };
}

describe(failureTimeMs.name, () => {
  it('takes the remaining wear in hours when healthy', () => {
    expect(failureTimeMs(0, 10, [])).toBe(10 * HOUR_MS);
    expect(failureTimeMs(5, 0, [])).toBe(5);
  });

  it('divides by the wear rate of a fully developed fault', () => {
    // bearing wear: 1 + 6 x severity
    expect(failureTimeMs(0, 70, [fault({})]) / HOUR_MS).toBeCloseTo(10);
  });

  it('ignores sensor faults and faults that ended', () => {
    const faults = [
      fault({ kind: 'sensor_drift', channel: 'temperature' }),
      fault({ startMs: -2 * HOUR_MS, endMs: -HOUR_MS }),
    ];

    expect(failureTimeMs(0, 10, faults)).toBe(10 * HOUR_MS);
  });

  it('integrates a ramp and a fault that ends', () => {
    // Ramp from 0 to 1 over 2 h (rate 1 -> 7, mean 4: 8 wear-hours), then 1 h at rate 7, then rate 1.
    const faults = [fault({ shape: 'ramp', onsetMs: 2 * HOUR_MS, endMs: 3 * HOUR_MS })];

    expect(failureTimeMs(0, 8, faults) / HOUR_MS).toBeCloseTo(2, 2);
    expect(failureTimeMs(0, 15, faults) / HOUR_MS).toBeCloseTo(3, 2);
    expect(failureTimeMs(0, 20, faults) / HOUR_MS).toBeCloseTo(8, 2);
  });

  it('agrees with the wear rate it integrates', () => {
    const faults = [fault({ shape: 'exponential', startMs: HOUR_MS, onsetMs: 4 * HOUR_MS, severity: 0.5 })];
    let wear = 0;
    const failAt = failureTimeMs(0, 30, faults);
    for (let t = 0; t < failAt; t += 10_000) wear += (wearRate(faults, t + 5_000) * 10_000) / HOUR_MS;

    expect(wear).toBeCloseTo(30, 0);
  });
});
