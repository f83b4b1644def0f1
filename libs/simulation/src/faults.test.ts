import { faultIntensity, faultState, resolveFaultSpec, shapeFraction, type Fault } from './faults';

function fault(overrides: Partial<Fault> = {}): Fault {
  return {
    id: 'f-1',
    machineId: 'cnc-mill-001',
    kind: 'bearing_wear',
    shape: 'ramp',
    severity: 0.8,
    component: 'bearing',
    channel: undefined,
    startMs: 1000,
    onsetMs: 1000,
    endMs: 5000,
    endedReason: undefined,
    ...overrides,
  };
}

describe(shapeFraction.name, () => {
  it.each([
    ['step', 0.5, 1],
    ['ramp', 0.25, 0.25],
    ['ramp', 2, 1],
    ['ramp', -1, 0],
  ] as const)('%s at %d is %d', (shape, x, expected) => {
    expect(shapeFraction(shape, x)).toBeCloseTo(expected);
  });

  it('grows the exponential shape slowly first, then fast', () => {
    expect(shapeFraction('exponential', 0.5)).toBeLessThan(0.1);
    expect(shapeFraction('exponential', 0.9)).toBeGreaterThan(0.5);
    expect(shapeFraction('exponential', 1)).toBe(1);
  });
});

describe(faultIntensity.name, () => {
  it('is zero outside the window and severity x shape inside', () => {
    const sut = fault();

    expect(faultIntensity(sut, 999)).toBe(0);
    expect(faultIntensity(sut, 1500)).toBeCloseTo(0.4);
    expect(faultIntensity(sut, 3000)).toBeCloseTo(0.8);
    expect(faultIntensity(sut, 5000)).toBe(0);
    expect(faultIntensity(fault({ onsetMs: 0 }), 1000)).toBeCloseTo(0.8);
  });

  it('tells scheduled, active and ended apart', () => {
    expect(faultState(fault(), 0)).toBe('scheduled');
    expect(faultState(fault(), 1000)).toBe('active');
    expect(faultState(fault(), 5000)).toBe('ended');
  });
});

describe(resolveFaultSpec.name, () => {
  it('fills in the defaults', () => {
    const result = resolveFaultSpec({ machineId: 'm', kind: 'overheating' }, 'compressor', 42);

    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        shape: 'ramp',
        severity: 1,
        component: 'cooling',
        startMs: 42,
        onsetMs: 3_600_000,
        endMs: Infinity,
      }),
    });
  });

  it('names a sensor fault component after its channel and uses the duration as onset', () => {
    const result = resolveFaultSpec(
      { machineId: 'm', kind: 'sensor_drift', channel: 'pressure', durationMs: 10_000 },
      'cnc-mill',
      0,
    );

    expect(result).toMatchObject({
      ok: true,
      value: { component: 'pressure-sensor', onsetMs: 10_000, endMs: 10_000 },
    });
  });

  it('lists every problem with its field', () => {
    const result = resolveFaultSpec(
      {
        machineId: 'm',
        kind: 'cavitation',
        shape: 'wobble' as never,
        severity: 2,
        durationMs: -1,
        onsetMs: -5,
        startMs: NaN,
        channel: 'power',
        component: 'Bad Name',
      },
      'compressor',
      0,
    );

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual([
      'kind',
      'shape',
      'severity',
      'duration_sec',
      'onset_sec',
      'start_ms',
      'channel',
      'component',
    ]);
  });

  it('requires a known channel for sensor faults and a known kind', () => {
    const missing = resolveFaultSpec({ machineId: 'm', kind: 'sensor_stuck' }, 'cnc-mill', 0);
    const unknown = resolveFaultSpec(
      { machineId: 'm', kind: 'sensor_stuck', channel: 'rpm' as never },
      'cnc-mill',
      0,
    );
    const badKind = resolveFaultSpec({ machineId: 'm', kind: 'gremlins' as never }, 'cnc-mill', 0);

    expect(missing).toMatchObject({ ok: false, problems: [{ path: 'channel' }] });
    expect(unknown).toMatchObject({ ok: false, problems: [{ path: 'channel' }] });
    expect(badKind).toMatchObject({ ok: false, problems: [{ path: 'kind' }] });
  });
});
