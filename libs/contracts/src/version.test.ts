import { z } from 'zod';
import { ISO_DATETIME_PATTERN, TimestampSchema } from './primitives';
import { ALL_TOPICS, SCHEMA_VERSIONS, TOPICS, dlqTopic, isTopic } from './topics';
import { compatibleVersionTest, isCompatibleSchemaVersion, parseSchemaVersion } from './version';

describe(parseSchemaVersion.name, () => {
  it('splits MAJOR.MINOR and MAJOR.MINOR.PATCH', () => {
    expect(parseSchemaVersion('1.0')).toEqual({ major: 1, minor: 0, patch: 0 });
    expect(parseSchemaVersion('12.3.4')).toEqual({ major: 12, minor: 3, patch: 4 });
  });

  it.each(['1', '1.0.0.0', '01.0', '1.00', 'v1.0', '1.0-rc.1', ' 1.0', ''])('rejects %p', (version) => {
    expect(parseSchemaVersion(version)).toBeUndefined();
  });
});

describe(isCompatibleSchemaVersion.name, () => {
  it('accepts any MINOR or PATCH of the same MAJOR, older or newer', () => {
    expect(isCompatibleSchemaVersion('1.9.2', '1.0')).toBe(true);
    expect(isCompatibleSchemaVersion('1.0', '1.3')).toBe(true);
  });

  it('rejects another MAJOR and malformed versions', () => {
    expect(isCompatibleSchemaVersion('2.0', '1.0')).toBe(false);
    expect(isCompatibleSchemaVersion('0.9', '1.0')).toBe(false);
    expect(isCompatibleSchemaVersion('1', '1.0')).toBe(false);
  });
});

describe(compatibleVersionTest.name, () => {
  it('agrees with isCompatibleSchemaVersion', () => {
    const sut = compatibleVersionTest('1.0');

    for (const version of ['1.0', '1.2.3', '10.0', '2.0', '1', '1.', '1.0.0.0', '11.0']) {
      expect(sut(version)).toBe(isCompatibleSchemaVersion(version, '1.0'));
    }
  });

  it('refuses an invalid current version', () => {
    expect(() => compatibleVersionTest('one')).toThrow('invalid current schema version "one"');
  });
});

describe(dlqTopic.name, () => {
  it('appends .dlq', () => {
    expect(dlqTopic(TOPICS.SENSOR_READINGS)).toBe('sensor-readings.dlq');
  });
});

describe(isTopic.name, () => {
  it('knows the four topics and their current versions', () => {
    expect(ALL_TOPICS).toEqual(['sensor-readings', 'anomaly-detected', 'maintenance-predictions', 'alerts']);
    expect(ALL_TOPICS.every(isTopic)).toBe(true);
    expect(isTopic('sensor-readings.dlq')).toBe(false);
    expect(SCHEMA_VERSIONS).toEqual({
      // 1.1: a message may be a batch of one machine's readings (a JSON array).
      // 1.2: a batch may also be written in the row form (channels once, one row per reading).
      'sensor-readings': '1.2',
      'anomaly-detected': '1.0',
      'maintenance-predictions': '1.0',
      // 1.1: optional event_count and group_key (issue 7, alerts).
      alerts: '1.1',
    });
  });
});

describe('ISO_DATETIME_PATTERN', () => {
  it('is the regex behind TimestampSchema, so the fast path and the schema agree', () => {
    expect((TimestampSchema as unknown as z.ZodString)._zod.def).toMatchObject({
      pattern: ISO_DATETIME_PATTERN,
    });
  });
});
