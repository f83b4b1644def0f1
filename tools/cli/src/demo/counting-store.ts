import type { Point, TimeSeriesStore } from '@industrialmind/timeseries-store';

export interface CountingStore extends TimeSeriesStore {
  /** Points whose write the store acknowledged. */
  readonly pointsWritten: number;
  /** Distinct machines among them. */
  readonly machinesWritten: number;
}

/**
 * The time-series store with counters around `writePoints`, so the demo can report what ingestion made durable
 * without reaching into its metrics. Every other call goes straight to the wrapped store.
 */
export function createCountingStore(store: TimeSeriesStore): CountingStore {
  let pointsWritten = 0;
  const machines = new Set<string>();
  return {
    connect: () => store.connect(),
    async writePoints(points: Point[]) {
      await store.writePoints(points);
      pointsWritten += points.length;
      for (const point of points) machines.add(point.machineId);
    },
    queryRange: (query) => store.queryRange(query),
    latest: (options) => store.latest(options),
    countPoints: (query) => store.countPoints(query),
    ping: () => store.ping(),
    close: () => store.close(),
    get pointsWritten() {
      return pointsWritten;
    },
    get machinesWritten() {
      return machines.size;
    },
  };
}
