import { ConfigError, loadConfig } from './config';
import { envSchema } from './schema';
import { serviceEnv, serviceSettings } from './service';

const schema = envSchema({ ...serviceEnv({ port: 8099, profile: 'lite: memory; full: Kafka' }) }, (e) =>
  serviceSettings(e),
);

describe(serviceEnv.name, () => {
  it('defaults everything but PROFILE, with the service port', () => {
    expect(loadConfig(schema, { PROFILE: 'lite' })).toEqual({
      profile: 'lite',
      logLevel: 'info',
      http: { host: '0.0.0.0', port: 8099 },
      otel: { exporter: 'none', endpoint: undefined },
      shutdownGraceMs: 25_000,
    });
  });

  it('reads every variable and lists every problem at once', () => {
    expect(
      loadConfig(schema, {
        PROFILE: 'full',
        LOG_LEVEL: 'debug',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        OTEL_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        SHUTDOWN_GRACE_MS: '5s',
      }),
    ).toEqual({
      profile: 'full',
      logLevel: 'debug',
      http: { host: '127.0.0.1', port: 0 },
      otel: { exporter: 'otlp', endpoint: 'http://collector:4318' },
      shutdownGraceMs: 5_000,
    });
    let error: unknown;
    try {
      loadConfig(schema, { PROFILE: 'medium', HTTP_PORT: '70000', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.key).sort()).toEqual([
      'HTTP_PORT',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'PROFILE',
    ]);
  });
});
