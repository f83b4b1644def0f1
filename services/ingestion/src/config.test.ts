import { createService, readConfig } from './index';

describe('readConfig', () => {
  it('gives the lite profile embedded adapters and documented defaults', () => {
    const sut = readConfig({ PROFILE: 'lite' });
    expect(sut.eventBus.backend).toBe('memory');
    expect(sut.store.backend).toBe('embedded');
    expect(sut.ingestion).toEqual({
      topic: 'sensor-readings',
      groupId: 'ingestion',
      topicPartitions: 12,
      maxBatchSize: 5000,
      lingerMs: 50,
      partitionsConcurrently: 6,
      consumers: 1,
    });
    expect(sut.http).toEqual({ host: '0.0.0.0', port: 8082 });
    expect(typeof createService).toBe('function');
  });

  it('lists every bad or missing variable of the full profile in one error, secrets masked', () => {
    expect(() =>
      readConfig({
        PROFILE: 'full',
        HTTP_PORT: 'eighty',
        INFLUX_TOKEN: 'hunter2',
        INGESTION_BATCH_SIZE: '0',
      }),
    ).toThrow(/HTTP_PORT[\s\S]*INGESTION_BATCH_SIZE/);
    try {
      readConfig({ PROFILE: 'full', HTTP_PORT: 'eighty', INFLUX_TOKEN: 'hunter2' });
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
    expect(() => readConfig({ PROFILE: 'full' })).toThrow(
      /KAFKA_BROKERS[\s\S]*is required when PROFILE=full/,
    );
  });

  it('builds the Kafka and InfluxDB configs for the full profile', () => {
    const sut = readConfig({
      PROFILE: 'full',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      INFLUX_URL: 'http://influx:8086',
      INFLUX_BUCKET: 'industrialmind/autogen',
      INGESTION_LINGER_MS: '20ms',
    });
    expect(sut.eventBus).toMatchObject({
      backend: 'kafka',
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'ingestion',
    });
    expect(sut.store).toMatchObject({
      backend: 'influx',
      url: 'http://influx:8086',
      bucket: 'industrialmind/autogen',
    });
    expect(sut.ingestion.lingerMs).toBe(20);
  });
});
