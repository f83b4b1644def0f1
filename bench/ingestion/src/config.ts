/** The benchmark's only environment reads: where the servers are unless options say otherwise. */
export const DEFAULT_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const DEFAULT_INFLUX_URL = process.env.INFLUX_URL ?? 'http://127.0.0.1:8086';
export const INHERITED_ENV: Record<string, string | undefined> = { ...process.env };
