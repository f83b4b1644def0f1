/** The benchmark's only environment reads: where the servers are unless options say otherwise. */
export const DEFAULT_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const DEFAULT_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
export const INHERITED_ENV: Record<string, string | undefined> = { ...process.env };
