import { PredictRequest, fastPredictRequest } from './predict.schemas';

const valid = {
  machine_id: 'pump-1',
  machine_type: 'centrifugal-pump',
  readings: { flow_rate: 12.5, vibration_rms: 0.3 },
};

// Every input the fast path answers must be answered identically by zod; what it declines zod decides.
const inputs: unknown[] = [
  valid,
  { ...valid, reading_id: 'r-1', timestamp: '2024-05-01T12:00:00Z' },
  { ...valid, timestamp: '2024-05-01T14:00:00.123+02:00' },
  { ...valid, extra: 'dropped' },
  { ...valid, readings: {} },
  { ...valid, machine_id: '' },
  { ...valid, machine_id: 'x'.repeat(129) },
  { ...valid, machine_id: 7 },
  { ...valid, machine_type: 'Centrifugal Pump' },
  { ...valid, reading_id: 'bad id' },
  { ...valid, reading_id: null },
  { ...valid, timestamp: '2024-05-01 12:00:00' },
  { ...valid, timestamp: '2024-05-01T12:00:00' },
  { ...valid, readings: { FlowRate: 1 } },
  { ...valid, readings: { flow_rate: '1' } },
  { ...valid, readings: { flow_rate: null } },
  { ...valid, readings: JSON.parse('{"__proto__": 1}') as unknown },
  { ...valid, readings: [1, 2] },
  { ...valid, readings: undefined },
  { ...valid, window: [{ flow_rate: 1 }] },
  { ...valid, window: null },
  { machine_id: 'pump-1', machine_type: 'centrifugal-pump', window: [{ flow_rate: 1 }] },
  [valid],
  'pump',
  null,
  undefined,
];

describe(fastPredictRequest.name, () => {
  it.each(inputs.map((input, i) => [i, input]))('agrees with the zod schema on input %i', (_, input) => {
    const fast = fastPredictRequest(input);
    const slow = PredictRequest.safeParse(input);

    if (fast !== undefined) expect(slow).toEqual({ success: true, data: fast });
    // Valid requests left to zod: whole windows, and odd keys the fast path does not vouch for.
    else if (slow.success)
      expect(slow.data.window !== undefined || Object.keys(slow.data.readings ?? {}).length === 0).toBe(true);
  });

  it('takes plain one-reading requests without zod, or the optimisation is gone', () => {
    expect(fastPredictRequest(valid)).toEqual(valid);
    expect(fastPredictRequest({ ...valid, reading_id: 'r-1', timestamp: '2024-05-01T12:00:00Z' })).toEqual({
      ...valid,
      reading_id: 'r-1',
      timestamp: '2024-05-01T12:00:00Z',
    });
  });

  it('declines what zod rejects, so the 400 names the field', () => {
    for (const input of inputs)
      if (!PredictRequest.safeParse(input).success) expect(fastPredictRequest(input)).toBeUndefined();
  });
});
