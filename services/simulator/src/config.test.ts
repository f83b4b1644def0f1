import { ConfigError } from '@industrialmind/config';
import { readConfig } from './config';

describe(readConfig.name, () => {
  it('starts a small fleet on the in-memory bus with PROFILE=lite alone', () => {
    const sut = readConfig({ PROFILE: 'lite' });

    expect(sut).toMatchObject({
      profile: 'lite',
      http: { port: 8081 },
      eventBus: { backend: 'memory' },
      fleet: { size: 20, seed: 42, lifeHours: 720, repairHours: 8 },
      runner: { ratePerSec: 20, isAutostart: true, tickMs: 100, maxInFlight: 4 },
      groundTruth: { mode: 'topic' },
      replay: { datasetsDir: undefined },
    });
  });

  it('uses Kafka in the full profile', () => {
    const sut = readConfig({ PROFILE: 'full', KAFKA_BROKERS: 'a:9092,b:9092', SIMULATOR_TICK_MS: '250ms' });

    expect(sut.eventBus).toMatchObject({
      backend: 'kafka',
      brokers: ['a:9092', 'b:9092'],
      clientId: 'simulator',
    });
    expect(sut.runner.tickMs).toBe(250);
  });

  it('lists every problem at once, including those across variables', () => {
    let error: ConfigError | undefined;
    try {
      readConfig({
        PROFILE: 'full',
        SIMULATOR_GROUND_TRUTH: 'file',
        OTEL_EXPORTER: 'otlp',
        SIMULATOR_FLEET_SIZE: '1',
        SIMULATOR_RATE_PER_SEC: '5000',
      });
    } catch (err) {
      error = err as ConfigError;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.key)).toEqual([
      'KAFKA_BROKERS',
      'SIMULATOR_GROUND_TRUTH_FILE',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'SIMULATOR_RATE_PER_SEC',
    ]);
  });

  it('rejects malformed values through the schema', () => {
    expect(() => readConfig({ PROFILE: 'lite', SIMULATOR_FLEET_SIZE: '0', HTTP_PORT: 'x' })).toThrow(
      /SIMULATOR_FLEET_SIZE.*\n.*HTTP_PORT|HTTP_PORT[\s\S]*SIMULATOR_FLEET_SIZE/,
    );
  });
});
