import { envSchema, loadConfig } from '@industrialmind/config';
import { timeSeriesStoreConfigFromEnv, timeSeriesStoreEnv } from './env';
import { createTimeSeriesStore } from './factory';
import { InfluxTimeSeriesStore } from './influx.adapter';

const schema = envSchema({ ...timeSeriesStoreEnv });

describe('timeSeriesStoreConfigFromEnv', () => {
  it('chooses the embedded store for lite without any InfluxDB variable', () => {
    const sut = timeSeriesStoreConfigFromEnv('lite', loadConfig(schema, {}));
    expect(sut).toEqual({ backend: 'embedded', maxPointsPerMachine: 100_000 });
  });

  it('builds the InfluxDB config for full from the environment', () => {
    const vars = loadConfig(schema, {
      INFLUX_URL: 'http://127.0.0.1:8086',
      INFLUX_BUCKET: 'industrialmind/autogen',
      INFLUX_TOKEN: 'user:pass',
      INFLUX_ORG: 'acme',
      INFLUX_TIMEOUT_MS: '5s',
      INFLUX_WRITE_BATCH_POINTS: '2000',
    });
    const sut = timeSeriesStoreConfigFromEnv('full', vars);
    expect(sut).toEqual({
      backend: 'influx',
      url: 'http://127.0.0.1:8086',
      bucket: 'industrialmind/autogen',
      token: 'user:pass',
      org: 'acme',
      timeoutMs: 5000,
      writeBatchPoints: 2000,
    });
    expect(createTimeSeriesStore(sut)).toBeInstanceOf(InfluxTimeSeriesStore);
  });

  it('lists every missing variable the full profile needs in one error', () => {
    const vars = loadConfig(schema, {});
    expect(() => timeSeriesStoreConfigFromEnv('full', vars)).toThrow(
      /INFLUX_URL: is required when PROFILE=full[\s\S]*INFLUX_BUCKET: is required when PROFILE=full/,
    );
  });

  it('rejects a URL without a scheme and masks the token in errors', () => {
    expect(() => loadConfig(schema, { INFLUX_URL: 'influx:8086', INFLUX_TOKEN: '' })).toThrow(/INFLUX_URL/);
    let message = '';
    try {
      loadConfig(schema, { INFLUX_URL: 'nope', INFLUX_TOKEN: ' ' });
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain('INFLUX_TOKEN');
    expect(message).not.toContain('" "');
  });
});
