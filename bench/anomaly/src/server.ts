/**
 * The anomaly-api under test, in its own process so the load generator does not share its event loop:
 * REST only (no consumer), the in-memory bus, models from argv[2]. Tells the parent its port over IPC.
 * argv[3] `telemetry`: starts the OpenTelemetry SDK with its HTTP instrumentation and no exporter, as the
 * deployed service does with OTEL_EXPORTER=none (libs/service-kit's runServiceMain). `otlp` and argv[4], an
 * endpoint: the same with the OTLP/HTTP exporter (OTEL_EXPORTER=otlp).
 */
import { createService } from '@industrialmind/anomaly-api';
import { createMemoryEventBus } from '@industrialmind/event-bus';
import { listen } from '@industrialmind/http';
import { createLogger } from '@industrialmind/logger';
import { startTelemetry } from '@industrialmind/telemetry';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { observeGc } from './gc-stats';

async function main(): Promise<void> {
  const modelDir = process.argv[2]!;
  const logger = createLogger({ service: 'anomaly-api', version: 'bench', profile: 'lite', level: 'error' });
  const telemetry =
    process.argv[3] === 'telemetry'
      ? startTelemetry({ serviceName: 'anomaly-api', serviceVersion: 'bench', exporter: 'none', logger })
      : process.argv[3] === 'otlp'
        ? startTelemetry({
            serviceName: 'anomaly-api',
            serviceVersion: 'bench',
            exporter: 'otlp',
            otlpEndpoint: process.argv[4]!,
            logger,
          })
        : undefined;
  const service = createService({
    settings: {
      modelDir,
      modelPollMs: 0,
      inputTopic: 'sensor-readings',
      outputTopic: 'anomaly-detected',
      groupId: 'anomaly-api',
      topicPartitions: 1,
      maxBatch: 512,
      consumerBatch: 2000,
      continuingEvery: 10,
      partitionsConcurrently: 1,
    },
    logger,
    ports: { bus: createMemoryEventBus() },
    consume: false,
  });
  await service.start();
  const server = await listen(service.app, { host: '127.0.0.1', port: 0 });
  process.send?.({ port: server.port });
  // The parent asks for CPU time around the timed run: CPU per request does not count time spent waiting
  // for a core, so it says more than latency on a shared machine.
  // And for the server's event-loop delay over a run (a stall here is the server's, not the generator's).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const gc = observeGc();
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd === 'cpu') {
      process.send?.({
        cpu: process.cpuUsage(),
        loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        gc: gc.take(),
      });
      loopDelay.reset();
    }
  });
  process.on('SIGTERM', () => {
    void server
      .close()
      .then(() => service.stop())
      .then(() => telemetry?.shutdown())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.send?.({ error: String(err) });
  process.exit(1);
});
