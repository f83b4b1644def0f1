import type { AnomalyDetected, MaintenancePrediction } from '@industrialmind/contracts';
import type { Rule, Silence } from '@industrialmind/relational-store';
import { evaluateAnomaly, evaluatePrediction, isSilenced, ruleFor, severityFor } from './rules';

const T = '2026-01-01T00:00:00.000Z';
const event = (extra: Partial<AnomalyDetected> = {}): AnomalyDetected => ({
  schema_version: '1.0',
  event_id: 'ev-1',
  state: 'continuing',
  reading_id: 'r-1',
  machine_id: 'pump-1',
  machine_type: 'pump',
  timestamp: T,
  score: 0.9,
  threshold: 0.5,
  is_anomaly: true,
  confidence: 0.9,
  feature_contributions: { vibration: 0.8, temperature: 0.1 },
  model_version: 'ae@1',
  ...extra,
});
const rule = (extra: Partial<Rule> = {}): Rule => ({
  id: 'r',
  name: 'r',
  enabled: true,
  kind: 'anomaly',
  machineType: null,
  machineId: null,
  minScore: null,
  hysteresis: 0,
  minDurationSec: 0,
  rulHorizon: null,
  severity: 'medium',
  severityMap: [],
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...extra,
});
const prediction = (rul: number): MaintenancePrediction => ({
  schema_version: '1.0',
  machine_id: 'pump-1',
  machine_type: 'pump',
  timestamp: T,
  predicted_rul: rul,
  rul_unit: 'hours',
  confidence_interval: { lower: 0, upper: rul + 10, level: 0.9 },
  recommended_action: 'replace the seal',
  priority: 'high',
  model_version: 'rul@1',
});
const none = { rules: [] as Rule[], silences: [] as Silence[] };

describe(evaluateAnomaly.name, () => {
  it('turns an anomalous reading into a signal keyed by machine, event and reading', () => {
    const { signal } = evaluateAnomaly(event(), none);
    expect(signal).toMatchObject({
      signalKey: 'anomaly:pump-1:ev-1:r-1',
      causeKey: 'anomaly',
      severity: 'high',
      sourceEventId: 'ev-1',
      mayOpen: true,
      occurredAt: new Date(T),
    });
    expect(signal!.summary).toBe('anomaly, score 0.900 > 0.500, mostly vibration');
    expect(evaluateAnomaly(event({ score: 1.2 }), none).signal!.severity).toBe('critical');
    expect(evaluateAnomaly(event({ score: 0.6 }), none).signal!.severity).toBe('medium');
  });

  it('ignores normal readings and the end of an anomaly', () => {
    expect(evaluateAnomaly(event({ is_anomaly: false, score: 0.1 }), none).signal).toBeNull();
    expect(evaluateAnomaly(event({ state: 'ended' }), none).signal).toBeNull();
  });

  it('applies the most specific rule: its min_score, hysteresis band, duration and severity bands', () => {
    const rules = [
      rule({ id: 'global', minScore: 0.5 }),
      rule({ id: 'type', machineType: 'pump', minScore: 0.7 }),
      rule({
        id: 'machine',
        machineId: 'pump-1',
        minScore: 0.9,
        hysteresis: 0.2,
        minDurationSec: 30,
        severityMap: [{ minScore: 0.95, severity: 'critical' }],
      }),
      rule({ id: 'off', machineId: 'pump-1', minScore: 0.1, enabled: false }),
    ];
    const ctx = { rules, silences: [] };
    expect(evaluateAnomaly(event({ score: 0.96 }), ctx).signal).toMatchObject({
      ruleId: 'machine',
      severity: 'critical',
      minDurationSec: 30,
      mayOpen: true,
    });
    // In the band: counts into an open episode, cannot open one.
    expect(evaluateAnomaly(event({ score: 0.75, is_anomaly: false }), ctx).signal).toMatchObject({
      mayOpen: false,
    });
    expect(evaluateAnomaly(event({ score: 0.65 }), ctx).signal).toBeNull();
    expect(evaluateAnomaly(event({ machine_id: 'pump-2', score: 0.75 }), ctx).signal!.ruleId).toBe('type');
    expect(
      evaluateAnomaly(event({ machine_id: 'fan-1', machine_type: 'fan', score: 0.6 }), ctx).signal!.ruleId,
    ).toBe('global');
  });

  it('stores silenced readings without letting them open an alert', () => {
    const silences: Silence[] = [
      {
        id: 's',
        kind: 'maintenance',
        machineType: null,
        machineId: 'pump-1',
        startsAt: new Date('2025-12-31T00:00:00Z'),
        endsAt: new Date('2026-01-02T00:00:00Z'),
        reason: 'overhaul',
        createdBy: 'ana',
        createdAt: new Date(0),
      },
    ];
    expect(evaluateAnomaly(event(), { rules: [], silences })).toMatchObject({
      silenced: true,
      signal: { mayOpen: false },
    });
    expect(isSilenced(silences, 'pump-1', 'pump', new Date('2026-01-02T00:00:00Z'))).toBe(false);
    expect(isSilenced(silences, 'pump-2', 'pump', new Date(T))).toBe(false);
  });
});

describe(evaluatePrediction.name, () => {
  const defaults = { rulHorizon: 50 };
  it('alerts below the horizon with the priority as severity, or the rule’s higher one', () => {
    expect(evaluatePrediction(prediction(60), { ...none, defaults }).signal).toBeNull();
    const { signal } = evaluatePrediction(prediction(20), { ...none, defaults });
    expect(signal).toMatchObject({ causeKey: 'rul', severity: 'high', signalKey: `rul:pump-1:${T}:rul@1` });
    expect(signal!.summary).toContain('RUL 20.0 hours < 50 hours: replace the seal');
    const rules = [rule({ kind: 'rul', rulHorizon: 100, severity: 'critical' })];
    expect(evaluatePrediction(prediction(60), { rules, silences: [], defaults }).signal!.severity).toBe(
      'critical',
    );
  });
});

describe(ruleFor.name, () => {
  it('finds nothing when no enabled rule of the kind applies', () => {
    expect(ruleFor([rule({ kind: 'rul' })], 'anomaly', 'm', 't')).toBeUndefined();
    expect(severityFor({ severity: 'high', severityMap: [{ minScore: 0.1, severity: 'low' }] }, 0.5)).toBe(
      'high',
    );
  });
});
