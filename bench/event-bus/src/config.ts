/** The benchmark's only environment read: where the broker is unless --brokers says otherwise. */
export const DEFAULT_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
