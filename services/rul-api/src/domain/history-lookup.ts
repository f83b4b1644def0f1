import { toVector } from '@industrialmind/rul-forecasting';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';

/** What is known of a machine's past readings: its first ones (model channel order) and how many there were. */
export interface MachinePast {
  start: Float64Array[];
  count: number;
}

/**
 * A machine's first `startReadings` readings and its number of readings before `beforeMs`, from the time-series
 * store (where ingestion writes every reading): what a model with history inputs needs of a machine this process
 * has not followed from its first reading, e.g. after a restart. A stored point lacking a channel carries the
 * previous point's value; points before the first complete one are skipped. As good as the store's retention: a
 * store that dropped a machine's oldest points gives later "first" readings and a lower count.
 */
export async function lookupHistory(
  store: Pick<TimeSeriesStore, 'queryRange' | 'countPoints'>,
  machineId: string,
  channels: readonly string[],
  startReadings: number,
  beforeMs: number,
): Promise<MachinePast> {
  const [range, count] = await Promise.all([
    // A few spare rows, for points that lack a channel and are skipped.
    store.queryRange({
      machineId,
      fromMs: 0,
      toMs: beforeMs,
      channels: [...channels],
      limit: startReadings + 16,
    }),
    store.countPoints({ fromMs: 0, toMs: beforeMs, machineIds: [machineId] }),
  ]);
  const start: Float64Array[] = [];
  if (range.kind === 'raw') {
    for (const row of range.rows) {
      const { values, missing } = toVector(row.values, channels, start[start.length - 1]);
      if (missing.length > 0) continue;
      start.push(values);
      if (start.length === startReadings) break;
    }
  }
  return { start, count };
}
