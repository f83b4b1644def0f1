import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Where a publish came from: the live fleet or a data-set replay. */
export type PublishSource = 'fleet' | 'replay';

export interface SimulatorMetrics {
  messagesPublished: Counter<'topic' | 'source'>;
  readingsPublished: Counter<'source'>;
  publishDuration: Histogram<'topic' | 'source'>;
  publishFailures: Counter<'topic' | 'source'>;
  readingsAbandoned: Counter;
  faultsInjected: Counter<'kind'>;
  fleetSize: Gauge;
  targetRate: Gauge;
  running: Gauge;
  lag: Gauge;
  activeFaults: Gauge;
}

/** What the gauges read when /metrics is scraped. */
export interface MetricsProbe {
  fleetSize(): number;
  targetRatePerSec(): number;
  isRunning(): boolean;
  lagMs(): number;
  activeFaults(): number;
}

/**
 * The simulator's metrics (snake_case, unit suffix, `_total` on counters). `simulator_messages_published_total`
 * counts acknowledged Kafka messages per topic (a sensor-readings message carries a batch of one machine's
 * readings); `simulator_readings_published_total` counts the readings in them.
 */
export function createSimulatorMetrics(registry: Registry, probe: MetricsProbe): SimulatorMetrics {
  const registers = [registry];
  return {
    messagesPublished: new Counter({
      name: 'simulator_messages_published_total',
      help: 'Messages acknowledged by the event bus, by topic and source',
      labelNames: ['topic', 'source'],
      registers,
    }),
    readingsPublished: new Counter({
      name: 'simulator_readings_published_total',
      help: 'Readings acknowledged by the event bus (in batch messages), by source',
      labelNames: ['source'],
      registers,
    }),
    publishDuration: new Histogram({
      name: 'simulator_publish_duration_seconds',
      help: 'Time from publish to acknowledgement of one batch',
      labelNames: ['topic', 'source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    publishFailures: new Counter({
      name: 'simulator_publish_failures_total',
      help: 'Publishes that failed (each is retried)',
      labelNames: ['topic', 'source'],
      registers,
    }),
    readingsAbandoned: new Counter({
      name: 'simulator_readings_abandoned_total',
      help: 'Readings given up at stop because the bus kept refusing them',
      registers,
    }),
    faultsInjected: new Counter({
      name: 'simulator_faults_injected_total',
      help: 'Faults injected, by kind',
      labelNames: ['kind'],
      registers,
    }),
    fleetSize: new Gauge({
      name: 'simulator_fleet_size',
      help: 'Machines in the simulated fleet',
      registers,
      collect() {
        this.set(probe.fleetSize());
      },
    }),
    targetRate: new Gauge({
      name: 'simulator_target_readings_per_second',
      help: 'Configured readings per second of the whole fleet',
      registers,
      collect() {
        this.set(probe.targetRatePerSec());
      },
    }),
    running: new Gauge({
      name: 'simulator_running',
      help: '1 while the fleet publishes, else 0',
      registers,
      collect() {
        this.set(probe.isRunning() ? 1 : 0);
      },
    }),
    lag: new Gauge({
      name: 'simulator_lag_seconds',
      help: 'How far the next reading is behind the clock (backpressure from the bus)',
      registers,
      collect() {
        this.set(probe.lagMs() / 1000);
      },
    }),
    activeFaults: new Gauge({
      name: 'simulator_active_faults',
      help: 'Faults active on the fleet now',
      registers,
      collect() {
        this.set(probe.activeFaults());
      },
    }),
  };
}
