import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestionMetrics {
  readingsWritten: Counter;
  deadLetters: Counter<'reason'>;
  batchSize: Histogram;
  writeDuration: Histogram<'result'>;
  blocked: Counter;
  readingsPerSecond: Gauge;
  consumerLag: Gauge<'partition'>;
  /** Feeds the readings/s gauge (a 10 s sliding window). */
  recordWritten(count: number): void;
}

/** The service's metrics, registered on the app's registry (so /metrics shows them with the RED metrics). */
export function createIngestionMetrics(
  registry: Registry,
  lag: () => Promise<Array<{ partition: number; lag: number }>>,
): IngestionMetrics {
  const windowSec = 10;
  const buckets = new Array<number>(windowSec).fill(0);
  let bucketSecond = Math.floor(Date.now() / 1000);
  const roll = (): void => {
    const now = Math.floor(Date.now() / 1000);
    for (let s = bucketSecond + 1; s <= now && s <= bucketSecond + windowSec; s++) buckets[s % windowSec] = 0;
    bucketSecond = Math.max(bucketSecond, now);
  };
  return {
    readingsWritten: new Counter({
      name: 'ingestion_readings_written_total',
      help: 'Readings durably written to the time-series store (a redelivered reading counts again)',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'ingestion_dead_letters_total',
      help: 'Readings sent to sensor-readings.dlq, by the first validation issue code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'ingestion_write_batch_size',
      help: 'Points per store write',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 20000],
      registers: [registry],
    }),
    writeDuration: new Histogram({
      name: 'ingestion_write_duration_seconds',
      help: 'Latency of store writes',
      labelNames: ['result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    blocked: new Counter({
      name: 'ingestion_store_unavailable_retries_total',
      help: 'Batches held back and retried because the store was down or slow (backpressure)',
      registers: [registry],
    }),
    readingsPerSecond: new Gauge({
      name: 'ingestion_readings_per_second',
      help: 'Readings written per second over the last 10 s',
      registers: [registry],
      collect() {
        roll();
        const now = Math.floor(Date.now() / 1000);
        // Complete seconds only: the current one is still filling.
        let sum = 0;
        for (let s = now - windowSec + 1; s < now; s++)
          sum += buckets[((s % windowSec) + windowSec) % windowSec]!;
        this.set(sum / (windowSec - 1));
      },
    }),
    consumerLag: new Gauge({
      name: 'ingestion_consumer_lag_messages',
      help: 'Messages of sensor-readings not yet committed by the ingestion group, per partition',
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        try {
          for (const p of await lag()) this.set({ partition: String(p.partition) }, p.lag);
        } catch {
          // The lag is best effort; a scrape must not fail because the broker is briefly away.
        }
      },
    }),
    recordWritten(count: number) {
      roll();
      const s = Math.floor(Date.now() / 1000);
      buckets[s % windowSec] = (buckets[s % windowSec] ?? 0) + count;
      this.readingsWritten.inc(count);
    },
  };
}
