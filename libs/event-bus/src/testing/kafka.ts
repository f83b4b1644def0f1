import { createKafkaEventBus } from '../kafka.adapter';

/** The brokers integration tests use: KAFKA_BROKERS, or the one infrastructure/local/kafka.sh runs. */
export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

/** Fails (never skips) with the command that starts a broker when none answers; for a suite's beforeAll. */
export async function requireKafka(brokers: string[] = testKafkaBrokers()): Promise<void> {
  const probe = createKafkaEventBus({ brokers, clientId: 'kafka-probe', connectionTimeoutMs: 2000 });
  try {
    await probe.ping();
  } catch (err) {
    throw new Error(
      `Kafka is not reachable at ${brokers.join(',')}: ${String(err)}; start it with: infrastructure/local/kafka.sh start (or make up)`,
    );
  } finally {
    await probe.close();
  }
}
