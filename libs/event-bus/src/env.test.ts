import { envSchema, loadConfig } from '@industrialmind/config';
import { eventBusConfigFromEnv, eventBusEnv } from './env';

const schema = envSchema({ ...eventBusEnv });

describe('eventBusConfigFromEnv', () => {
  it('chooses the in-memory bus for lite without any Kafka variable', () => {
    const sut = eventBusConfigFromEnv('lite', loadConfig(schema, {}), 'svc');
    expect(sut).toEqual({ backend: 'memory', retentionMessages: 200_000 });
  });

  it('builds the Kafka config for full from the environment', () => {
    const vars = loadConfig(schema, {
      KAFKA_BROKERS: 'a:9092,b:9092',
      KAFKA_COMPRESSION: 'none',
      KAFKA_SESSION_TIMEOUT_MS: '10s',
      KAFKA_FETCH_MIN_BYTES: '65536',
      KAFKA_FETCH_MAX_WAIT_MS: '250ms',
    });
    expect(eventBusConfigFromEnv('full', vars, 'ingestion')).toMatchObject({
      backend: 'kafka',
      brokers: ['a:9092', 'b:9092'],
      clientId: 'ingestion',
      compression: 'none',
      sessionTimeoutMs: 10_000,
      minBytes: 65_536,
      maxWaitTimeMs: 250,
      ssl: false,
    });
  });

  it('lists every missing variable the full profile needs in one error', () => {
    const vars = loadConfig(schema, { KAFKA_SASL_MECHANISM: 'plain' });
    expect(() => eventBusConfigFromEnv('full', vars, 'svc')).toThrow(
      /KAFKA_BROKERS: is required when PROFILE=full[\s\S]*KAFKA_SASL_USERNAME[\s\S]*KAFKA_SASL_PASSWORD/,
    );
  });

  it('passes SASL credentials through', () => {
    const vars = loadConfig(schema, {
      KAFKA_BROKERS: 'a:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(eventBusConfigFromEnv('full', vars, 'svc')).toMatchObject({
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
  });

  it('rejects a session timeout below the broker minimum', () => {
    expect(() => loadConfig(schema, { KAFKA_SESSION_TIMEOUT_MS: '1000' })).toThrow(
      'KAFKA_SESSION_TIMEOUT_MS',
    );
  });
});
