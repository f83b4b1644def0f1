/** One progress line of the demo. */
export interface ProgressRow {
  elapsedSec: number;
  produced: number;
  /** Readings ingestion wrote to the time-series store. */
  written: number;
  /** Readings written per second over the last interval. */
  readingsPerSec: number;
  machinesSeen: number;
  deadLetters: number;
  lastDeadLetterReason: string | undefined;
  /** With graph-api and alerts running: the chain anomaly → root cause → alert so far. */
  chain?: { anomalies: number; analyses: number; openAlerts: number };
}

/** The chain's totals after the drain: anomaly events started, root-cause analyses stored, alerts. */
export interface ChainSummary {
  anomalyEvents: number;
  analyses: number;
  openAlerts: number;
  alerts: number;
}

/** The end-of-run totals. */
export interface DemoSummary {
  elapsedSec: number;
  produced: number;
  /** Of `produced`, the messages broken on purpose. */
  malformedSent: number;
  written: number;
  deadLettered: number;
  /** produced == written + deadLettered, after the drain. */
  isBalanced: boolean;
  machinesSeen: number;
  /** Whether the shutdown closed every resource cleanly. */
  isCleanShutdown: boolean;
  exitCode: number;
  chain?: ChainSummary;
}

export interface StartInfo {
  profile: string;
  machines: number;
  ratePerSec: number;
  seed: number;
  runId: string;
  durationSec: number | undefined;
  badEvery: number;
  topic: string;
  /** Base URL of the ingestion REST API. */
  ingestionUrl: string;
  /** A machine of the fleet, for the example URLs. */
  exampleMachineId: string;
}

/** The example requests printed at start. */
export function exampleUrls(info: Pick<StartInfo, 'ingestionUrl' | 'exampleMachineId'>): string[] {
  return [
    `${info.ingestionUrl}/machines/latest`,
    `${info.ingestionUrl}/machines/${info.exampleMachineId}/readings?window=10s`,
  ];
}

const REASON_CHARS = 60;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const COLUMNS = [
  ['elapsed', 8],
  ['produced', 10],
  ['written', 10],
  ['readings/s', 11],
  ['machines', 9],
  ['dlq', 6],
] as const;
const CHAIN_COLUMNS = [
  ['anomalies', 10],
  ['causes', 7],
  ['alerts', 7],
] as const;

/** Formats the demo's output: a fixed-width table for people, or one JSON object per line for scripts. */
export interface DemoReporter {
  start(info: StartInfo): string;
  progress(row: ProgressRow): string;
  summary(summary: DemoSummary): string;
}

export function createTableReporter(): DemoReporter {
  let hasHeader = false;
  return {
    start(info) {
      const until =
        info.durationSec === undefined ? 'until Ctrl-C' : `for ${info.durationSec} s (Ctrl-C stops early)`;
      const bad =
        info.badEvery === 0 ? 'no malformed messages' : `every ${info.badEvery}th message malformed`;
      return (
        `demo: ${info.profile} profile, ${info.machines} machines, ${info.ratePerSec} readings/s, seed ${info.seed}, ` +
        `${bad}, running ${until}\n` +
        `simulator -> sensor-readings (in-memory bus) -> ingestion -> embedded time-series store\n` +
        `try:\n${exampleUrls(info)
          .map((url) => `  curl '${url}'\n`)
          .join('')}`
      );
    },
    progress(row) {
      const cells = [
        `${row.elapsedSec.toFixed(1)}s`,
        String(row.produced),
        String(row.written),
        String(Math.round(row.readingsPerSec)),
        String(row.machinesSeen),
        String(row.deadLetters),
      ];
      const columns: ReadonlyArray<readonly [string, number]> = row.chain
        ? [...COLUMNS, ...CHAIN_COLUMNS]
        : COLUMNS;
      if (row.chain)
        cells.push(String(row.chain.anomalies), String(row.chain.analyses), String(row.chain.openAlerts));
      const line = `${cells.map((cell, i) => cell.padStart(columns[i]![1])).join(' ')}  ${truncate(
        row.lastDeadLetterReason ?? '-',
        REASON_CHARS,
      )}\n`;
      if (hasHeader) return line;
      hasHeader = true;
      const header = `${columns.map(([name, width]) => name.padStart(width)).join(' ')}  last DLQ reason\n`;
      return header + line;
    },
    summary(s) {
      const width = String(s.produced).length;
      const n = (value: number) => String(value).padStart(width);
      const lines = [
        `summary after ${s.elapsedSec.toFixed(1)} s:`,
        `  produced       ${n(s.produced)}  (${s.malformedSent} malformed on purpose)`,
        `  written        ${n(s.written)}  from ${s.machinesSeen} machines, by ingestion to the store`,
        `  dead-lettered  ${n(s.deadLettered)}`,
        s.isBalanced
          ? `  balanced       yes: produced = written + dead-lettered (${s.produced} = ${s.written} + ${s.deadLettered})`
          : `  balanced       NO: produced != written + dead-lettered (${s.produced} != ${s.written} + ${s.deadLettered})`,
      ];
      if (s.chain) {
        lines.push(
          `  anomaly chain  ${s.chain.anomalyEvents} anomaly events -> ${s.chain.analyses} root-cause analyses stored -> ` +
            `${s.chain.openAlerts} open alerts (${s.chain.alerts} in all)`,
        );
      }
      if (!s.isCleanShutdown) lines.push('  shutdown was not clean: see the error log on stderr');
      return `${lines.join('\n')}\n`;
    },
  };
}

export function createJsonReporter(): DemoReporter {
  const line = (value: object) => `${JSON.stringify(value)}\n`;
  return {
    start: (info) =>
      line({
        type: 'start',
        profile: info.profile,
        machines: info.machines,
        rate_per_s: info.ratePerSec,
        seed: info.seed,
        run_id: info.runId,
        duration_s: info.durationSec ?? null,
        bad_every: info.badEvery,
        topic: info.topic,
        urls: exampleUrls(info),
      }),
    progress: (row) =>
      line({
        type: 'progress',
        elapsed_s: Math.round(row.elapsedSec * 10) / 10,
        produced: row.produced,
        written: row.written,
        readings_per_s: Math.round(row.readingsPerSec),
        machines_seen: row.machinesSeen,
        dead_letters: row.deadLetters,
        last_dlq_reason: row.lastDeadLetterReason ?? null,
        ...(row.chain
          ? {
              anomaly_events: row.chain.anomalies,
              analyses: row.chain.analyses,
              open_alerts: row.chain.openAlerts,
            }
          : {}),
      }),
    summary: (s) =>
      line({
        type: 'summary',
        elapsed_s: Math.round(s.elapsedSec * 10) / 10,
        produced: s.produced,
        malformed_sent: s.malformedSent,
        written: s.written,
        dead_lettered: s.deadLettered,
        balanced: s.isBalanced,
        machines_seen: s.machinesSeen,
        clean_shutdown: s.isCleanShutdown,
        exit_code: s.exitCode,
        ...(s.chain
          ? {
              anomaly_events: s.chain.anomalyEvents,
              analyses: s.chain.analyses,
              open_alerts: s.chain.openAlerts,
              alerts: s.chain.alerts,
            }
          : {}),
      }),
  };
}
