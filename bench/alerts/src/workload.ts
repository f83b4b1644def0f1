import { encodeAnomalyDetected } from '@industrialmind/contracts';
import type { OutgoingMessage } from '@industrialmind/event-bus';

export interface Workload {
  machines: string[];
  messages: OutgoingMessage[];
  /** The rows the baseline inserts: one per message, with the same natural key the service derives. */
  rows: Array<{
    signalKey: string;
    machineId: string;
    eventId: string;
    readingId: string;
    at: string;
    score: number;
  }>;
}

/**
 * `count` anomalous readings spread round-robin over `machines` machines (one anomaly episode each), as the
 * anomaly detector would publish them during a storm. `runId` keeps machine ids unique per run.
 */
export function makeWorkload(count: number, machines: number, t0: number, runId: string): Workload {
  const ids = Array.from({ length: machines }, (_, i) => `${runId}-m${String(i).padStart(4, '0')}`);
  const messages: OutgoingMessage[] = [];
  const rows: Workload['rows'] = [];
  for (let n = 0; n < count; n++) {
    const machine = ids[n % machines]!;
    const seq = Math.floor(n / machines);
    const eventId = `${machine}-ev`;
    const readingId = `${machine}-r${seq}`;
    const at = new Date(t0 + seq * 100).toISOString();
    const score = 0.6 + ((n * 7919) % 400) / 1000;
    messages.push({
      key: machine,
      value: encodeAnomalyDetected({
        event_id: eventId,
        state: seq === 0 ? 'started' : 'continuing',
        reading_id: readingId,
        machine_id: machine,
        machine_type: 'centrifugal-pump',
        timestamp: at,
        score,
        threshold: 0.5,
        is_anomaly: true,
        confidence: 0.9,
        feature_contributions: { vibration: 0.6, temperature: 0.3 },
        model_version: 'bench@1',
      }),
    });
    rows.push({
      signalKey: `anomaly:${machine}:${eventId}:${readingId}`,
      machineId: machine,
      eventId,
      readingId,
      at,
      score,
    });
  }
  return { machines: ids, messages, rows };
}

/** The p-quantile (0..1) of `xs` by nearest rank. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
