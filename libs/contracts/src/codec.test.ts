import { AppError } from '@industrialmind/errors';
import {
  decode,
  encode,
  encodeAlert,
  encodeAnomalyDetected,
  encodeMaintenancePrediction,
  parseAlert,
  parseAnomalyDetected,
  parseMaintenancePrediction,
} from './codec';
import { createDefaultMachineTypeRegistry } from './default-machine-types';
import { IssueCode, type ParseResult } from './issues';
import {
  sampleAlert,
  sampleAnomalyDetected,
  sampleMaintenancePrediction,
  sampleSensorReading,
} from './testing';
import { ALL_TOPICS, type Topic } from './topics';

const machineTypes = createDefaultMachineTypeRegistry();

function reasonOf<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

const SAMPLES: { [T in Topic]: () => object } = {
  'sensor-readings': sampleSensorReading,
  'anomaly-detected': sampleAnomalyDetected,
  'maintenance-predictions': sampleMaintenancePrediction,
  alerts: sampleAlert,
};

describe(decode.name, () => {
  it.each(ALL_TOPICS)('round-trips a %s message through encode', (topic) => {
    const message = SAMPLES[topic]();

    const bytes = encode(topic, message as never, { machineTypes });
    const sut = decode(topic, bytes, { machineTypes });

    expect(sut).toEqual({ ok: true, value: message });
  });

  it.each(ALL_TOPICS)('rejects a %s message from an unknown MAJOR version', (topic) => {
    const sut = decode(topic, { ...SAMPLES[topic](), schema_version: '2.0' }, { machineTypes });

    expect(reasonOf(sut)).toMatch(/^schema_version: major version 2 \("2.0"\) is not supported/);
  });

  it.each(ALL_TOPICS)('accepts a %s message from a newer MINOR version with extra fields', (topic) => {
    const sut = decode(
      topic,
      { ...SAMPLES[topic](), schema_version: '1.4', added_in_1_4: true },
      { machineTypes },
    );

    expect(sut.ok && sut.value).toEqual({ ...SAMPLES[topic](), schema_version: '1.4' });
  });

  it('applies maxBytes to every topic', () => {
    const sut = decode('alerts', JSON.stringify(sampleAlert()), { maxBytes: 10 });

    expect(reasonOf(sut)).toMatch(/^payload: is \d+ bytes, over the limit of 10 bytes$/);
  });

  it('refuses to decode sensor-readings without machine types, as a programming error', () => {
    const untyped = decode as (topic: string, raw: unknown, options?: object) => unknown;

    expect(() => untyped('sensor-readings', sampleSensorReading(), {})).toThrow('needs options.machineTypes');
  });

  it('throws for a topic it has no contract for', () => {
    const untyped = decode as (topic: string, raw: unknown) => unknown;

    expect(() => untyped('sensor-readings.dlq', {})).toThrow('no contract for topic "sensor-readings.dlq"');
    expect(() => untyped('toString', {})).toThrow(AppError);
  });

  it.each([0, -1, 1.5, NaN])('throws for maxBytes %p', (maxBytes) => {
    expect(() => decode('alerts', '{}', { maxBytes })).toThrow('maxBytes must be a positive integer');
  });
});

describe(encode.name, () => {
  it('drops fields the schema does not define', () => {
    const sut = JSON.parse(
      encodeAlert({ ...sampleAlert(), internal_note: 'x' } as never).toString('utf8'),
    ) as object;

    expect(sut).toEqual(sampleAlert());
  });

  it('refuses a message whose schema_version has another MAJOR', () => {
    expect(() => encodeAlert(sampleAlert({ schema_version: '2.0' }))).toThrow(
      'major version 2 ("2.0") is not supported',
    );
  });

  it('refuses a message that would exceed maxBytes', () => {
    const act = () => encodeAlert(sampleAlert(), { maxBytes: 100 });

    expect(act).toThrow(
      expect.objectContaining({
        code: 'PAYLOAD_TOO_LARGE',
        details: expect.objectContaining({ maxBytes: 100 }),
      }),
    );
    expect(act).toThrow(/^alerts message is \d+ bytes, over the limit of 100 bytes$/);
  });
});

describe(parseAnomalyDetected.name, () => {
  it('accepts a valid event and, without machine types, any channel names', () => {
    const event = sampleAnomalyDetected({ feature_contributions: { anything: -0.2 } });

    expect(parseAnomalyDetected(JSON.stringify(event))).toEqual({ ok: true, value: event });
  });

  it('checks feature_contributions against the machine type when given machine types', () => {
    const event = sampleAnomalyDetected({ feature_contributions: { vibraton: 0.7 } });

    expect(reasonOf(parseAnomalyDetected(event, { machineTypes }))).toBe(
      'feature_contributions.vibraton: channel "vibraton" is not declared by machine type "cnc-mill" (declared: temperature, vibration, pressure, power). Did you mean "vibration"?',
    );
  });

  it.each([
    [{ state: 'begun' }, 'state: must be one of "started", "continuing", "ended", got "begun"'],
    [{ confidence: 1.5 }, 'confidence: must be at most 1, got 1.5'],
    [{ confidence: -0.1 }, 'confidence: must be at least 0, got -0.1'],
    [{ is_anomaly: 'yes' }, 'is_anomaly: expected a boolean, got "yes"'],
    [{ score: NaN }, 'score: must be a finite number, got NaN'],
    [
      { model_version: 'my model' },
      'model_version: must be 1-128 characters without whitespace, got "my model"',
    ],
    [
      { feature_contributions: { vibration: Infinity } },
      'feature_contributions.vibration: must be a finite number, got Infinity',
    ],
  ])('rejects %p', (override, reason) => {
    expect(reasonOf(parseAnomalyDetected({ ...sampleAnomalyDetected(), ...override }))).toBe(reason);
  });

  it('round-trips an "ended" event through its encoder', () => {
    const event = sampleAnomalyDetected({ state: 'ended', is_anomaly: false, score: 0.2 });

    expect(parseAnomalyDetected(encodeAnomalyDetected(event))).toEqual({ ok: true, value: event });
  });
});

describe(parseMaintenancePrediction.name, () => {
  it('accepts a prediction with a point estimate at the interval bound', () => {
    const prediction = sampleMaintenancePrediction({ predicted_rul: 70 });

    expect(parseMaintenancePrediction(encodeMaintenancePrediction(prediction))).toEqual({
      ok: true,
      value: prediction,
    });
  });

  it.each([
    [
      { confidence_interval: { lower: 20, upper: 10, level: 0.9 }, predicted_rul: 15 },
      'confidence_interval.lower: lower must not be greater than upper',
    ],
    [{ predicted_rul: 120 }, 'predicted_rul: must lie within confidence_interval [70, 101], got 120'],
    [{ predicted_rul: -1 }, 'predicted_rul: must be at least 0, got -1'],
    [{ rul_unit: 'days' }, 'rul_unit: must be one of "cycles", "hours", got "days"'],
    [{ priority: 'urgent' }, 'priority: must be one of "low", "medium", "high", "critical", got "urgent"'],
    [
      { confidence_interval: { lower: 70, upper: 101, level: 1 } },
      'confidence_interval.level: must be less than 1, got 1',
    ],
    [{ recommended_action: '' }, 'recommended_action: must be at least 1 characters long'],
  ])('rejects %p', (override, reason) => {
    expect(reasonOf(parseMaintenancePrediction({ ...sampleMaintenancePrediction(), ...override }))).toBe(
      reason,
    );
  });

  it('reports a cross-field problem together with field problems', () => {
    const prediction = { ...sampleMaintenancePrediction({ predicted_rul: 500 }), priority: 'urgent' };

    expect(reasonOf(parseMaintenancePrediction(prediction))).toBe(
      'priority: must be one of "low", "medium", "high", "critical", got "urgent"; predicted_rul: must lie within confidence_interval [70, 101], got 500',
    );
  });

  it('rejects an unregistered machine type when given machine types', () => {
    const prediction = sampleMaintenancePrediction({ machine_type: 'cmapss' });

    expect(parseMaintenancePrediction(prediction).ok).toBe(true);
    expect(reasonOf(parseMaintenancePrediction(prediction, { machineTypes }))).toContain(
      'machine_type: machine type "cmapss" is not registered',
    );
  });
});

describe(parseAlert.name, () => {
  it('accepts an alert through its whole lifecycle', () => {
    const acknowledged = sampleAlert({
      status: 'acknowledged',
      acknowledged_at: '2024-05-01T12:05:00Z',
      acknowledged_by: 'tech-7',
      assignee: 'tech-7',
      updated_at: '2024-05-01T12:05:00Z',
    });
    const resolved = {
      ...acknowledged,
      status: 'resolved' as const,
      resolved_at: '2024-05-01T13:00:00Z',
      updated_at: '2024-05-01T13:00:00Z',
    };

    for (const alert of [sampleAlert(), acknowledged, resolved]) {
      expect(parseAlert(encodeAlert(alert), { machineTypes })).toEqual({ ok: true, value: alert });
    }
  });

  it.each([
    [{ status: 'acknowledged' }, 'acknowledged_at: is required when status is "acknowledged"'],
    [{ status: 'resolved' }, 'resolved_at: is required when status is "resolved"'],
    [{ status: 'closed' }, 'status: must be one of "open", "acknowledged", "resolved", got "closed"'],
    [
      { updated_at: '2024-05-01T11:00:00Z' },
      'updated_at: must not be earlier than created_at (2024-05-01T12:00:01Z)',
    ],
    [{ severity: 'warning' }, 'severity: must be one of "low", "medium", "high", "critical", got "warning"'],
    [{ cause: { kind: 'anomaly' } }, 'cause.summary: is required'],
    [{ cause: 'vibration' }, 'cause: expected an object, got "vibration"'],
  ])('rejects %p', (override, reason) => {
    expect(reasonOf(parseAlert({ ...sampleAlert(), ...override }))).toBe(reason);
  });

  it('reports a missing lifecycle timestamp together with field problems', () => {
    const alert = { ...sampleAlert({ status: 'resolved' }), alert_id: '' };

    const sut = parseAlert(alert);

    expect(sut.ok === false && sut.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['alert_id', IssueCode.INVALID_FORMAT],
      ['resolved_at', IssueCode.MISSING_FIELD],
    ]);
  });
});
