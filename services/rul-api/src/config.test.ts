import { readConfig } from './config';

describe(readConfig.name, () => {
  const full = { PROFILE: 'full', KAFKA_BROKERS: '127.0.0.1:9092' };

  it('reads machine history from InfluxDB only in the full profile and only when INFLUX_URL is set', () => {
    const withStore = readConfig({
      ...full,
      INFLUX_URL: 'http://127.0.0.1:8086',
      INFLUX_BUCKET: 'readings/autogen',
    });
    expect(withStore.history).toMatchObject({
      backend: 'influx',
      url: 'http://127.0.0.1:8086',
      bucket: 'readings/autogen',
    });
    // Read only: no write batching set, the adapter's default stays.
    expect(withStore.history).not.toHaveProperty('writeBatchPoints');
    expect(readConfig(full).history).toBeUndefined();
    expect(readConfig({ PROFILE: 'lite', INFLUX_URL: 'http://127.0.0.1:8086' }).history).toBeUndefined();
  });

  it('names the missing bucket when INFLUX_URL is set without it', () => {
    expect(() => readConfig({ ...full, INFLUX_URL: 'http://127.0.0.1:8086' })).toThrow(/INFLUX_BUCKET/);
  });
});
