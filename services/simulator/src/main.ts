// Composition root of the simulator: config, logger, telemetry, the event bus for the profile, the service, the
// HTTP server; signals and shutdown come from service-kit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactConfig } from '@industrialmind/config';
import { createEventBus } from '@industrialmind/event-bus';
import { listen } from '@industrialmind/http';
import { createLogger } from '@industrialmind/logger';
import { runService } from '@industrialmind/service-kit';
import { startTelemetry } from '@industrialmind/telemetry';
import { readConfig, type Config } from './config';
import { createService } from './service';

const SERVICE = 'simulator';
const version = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

let config: Config;
try {
  config = readConfig(); // ConfigError lists every bad variable; nothing is open yet
} catch (err) {
  createLogger({ service: SERVICE, version, profile: 'unknown' }).fatal({ err }, 'config invalid');
  process.exit(1);
}

const logger = createLogger({ service: SERVICE, version, profile: config.profile, level: config.logLevel });
logger.info({ config: redactConfig(config) }, 'config loaded');

void runService({
  name: SERVICE,
  logger,
  gracePeriodMs: config.shutdownGraceMs,
  start: async (lifecycle) => {
    const telemetry = startTelemetry({
      serviceName: SERVICE,
      serviceVersion: version,
      exporter: config.otel.exporter,
      ...(config.otel.endpoint === undefined ? {} : { otlpEndpoint: config.otel.endpoint }),
      logger,
    });
    lifecycle.register('telemetry', () => telemetry.shutdown());

    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    await bus.connect();
    lifecycle.register('event-bus', () => bus.close());

    const service = createService({ config, logger, ports: { bus }, isReady: () => lifecycle.isReady() });
    await service.start();
    // Closed before the bus: the fleet stops and its in-flight publishes drain while the producer is still open.
    lifecycle.register('simulator', () => service.stop());

    const server = await listen(service.app, { port: config.http.port, host: config.http.host });
    lifecycle.register('http-server', () => server.close());
    logger.info({ port: server.port }, 'listening');
  },
});
