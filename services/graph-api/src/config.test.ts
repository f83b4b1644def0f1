import { readConfig } from './config';

describe(readConfig.name, () => {
  it('runs lite with defaults and the in-memory adapters', () => {
    const sut = readConfig({ PROFILE: 'lite' });
    expect(sut.store).toEqual({ backend: 'memory' });
    expect(sut.eventBus.backend).toBe('memory');
    expect(sut.graphApi).toMatchObject({ topic: 'anomaly-detected', groupId: 'graph-api', seedDemoPlant: 0 });
    expect(sut.http.port).toBe(8084);
  });

  it('needs Kafka and Neo4j addresses and credentials for full, listing every missing variable', () => {
    expect(() => readConfig({ PROFILE: 'full' })).toThrow(/KAFKA_BROKERS/);
    expect(() => readConfig({ PROFILE: 'full', KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(
      /NEO4J_URI[\s\S]*NEO4J_USER[\s\S]*NEO4J_PASSWORD/,
    );
    const sut = readConfig({
      PROFILE: 'full',
      KAFKA_BROKERS: '127.0.0.1:9092',
      NEO4J_URI: 'bolt://127.0.0.1:7687',
      NEO4J_USER: 'neo4j',
      NEO4J_PASSWORD: 'pw-123456',
      ROOT_CAUSE_UPSTREAM_HOPS: '2',
    });
    expect(sut.store).toMatchObject({ backend: 'neo4j', uri: 'bolt://127.0.0.1:7687' });
    expect(sut.graphApi.rootCause.upstreamHops).toBe(2);
  });

  it('rejects out-of-range tuning values by name', () => {
    expect(() => readConfig({ PROFILE: 'lite', ROOT_CAUSE_UPSTREAM_HOPS: '0' })).toThrow(
      /ROOT_CAUSE_UPSTREAM_HOPS/,
    );
  });
});
