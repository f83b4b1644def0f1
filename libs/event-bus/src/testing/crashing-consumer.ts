/**
 * A consumer process for the Kafka contract suite's crash test: joins the group, prints `holding <n>` when it
 * holds a batch, and never lets the handler return (so nothing is committed) until the test SIGKILLs it.
 * Usage: node crashing-consumer.js <brokers> <topic> <groupId>
 */
import { createKafkaEventBus } from '../kafka.adapter';

async function main(): Promise<void> {
  const [brokers, topic, groupId] = process.argv.slice(2);
  if (!brokers || !topic || !groupId) throw new Error('usage: crashing-consumer <brokers> <topic> <groupId>');
  const bus = createKafkaEventBus({
    brokers: brokers.split(','),
    clientId: 'crashing-consumer',
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });
  await bus.subscribe({ topics: [topic], groupId }, async (batch) => {
    process.stdout.write(`holding ${batch.length}\n`);
    await new Promise(() => {});
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
