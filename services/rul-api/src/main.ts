/** Composition root of rul-api: config, adapters for the profile, start, signals. */
import { ConfigError, redactConfig } from '@industrialmind/config';
import { createEventBus } from '@industrialmind/event-bus';
import { listen } from '@industrialmind/http';
import { createLogger } from '@industrialmind/logger';
import { runService } from '@industrialmind/service-kit';
import { startTelemetry } from '@industrialmind/telemetry';
import { readConfig, type Config } from './config';
import { createService } from './service';

const VERSION = '0.1.0';

let config: Config;
try {
  config = readConfig();
} catch (err) {
  const logger = createLogger({ service: 'rul-api', version: VERSION, profile: 'unknown' });
  if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message);
  else logger.fatal({ err }, 'config could not be read');
  process.exit(1);
}

const logger = createLogger({
  service: 'rul-api',
  version: VERSION,
  profile: config.profile,
  level: config.logLevel,
});
logger.info({ config: redactConfig(config) }, 'config loaded');

void runService({
  name: 'rul-api',
  logger,
  gracePeriodMs: config.shutdownGraceMs,
  start: async (lifecycle) => {
    const telemetry = startTelemetry({
      serviceName: 'rul-api',
      serviceVersion: VERSION,
      exporter: config.otel.exporter,
      ...(config.otel.endpoint ? { otlpEndpoint: config.otel.endpoint } : {}),
      logger,
    });
    lifecycle.register('telemetry', () => telemetry.shutdown());
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    const service = createService({ settings: config.rul, models: config.models, logger, ports: { bus } });
    const server = await listen(service.app, config.http);
    lifecycle.register('http-server', () => server.close());
    logger.info({ port: server.port, host: config.http.host }, 'http listening');
    await service.start();
    // Registered last, so it stops first: intake ends and the in-flight batch is published and committed.
    lifecycle.register('readings-consumer', () => service.stop());
  },
});
