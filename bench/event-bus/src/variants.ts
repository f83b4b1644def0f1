import { randomBytes } from 'node:crypto';
import { createKafkaEventBus } from '@industrialmind/event-bus';
import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';

export interface RunOptions {
  brokers: string[];
  topic: string;
  payloads: Array<{ key: string; value: Buffer }>;
  messages: number;
  /** Messages per publish call / produce request. */
  batch: number;
  /** Publish calls kept in flight. */
  inFlight: number;
  compression: 'gzip' | 'none';
}

export interface RunResult {
  /** Messages/s from the first publish until the producer's last acknowledgement. */
  produceRate: number;
  /** Messages/s from the first publish until the consumer held the last message: produce + consume together. */
  endToEndRate: number;
  consumed: number;
}

/** Produces `messages` with `inFlight` concurrent publish calls of `batch` messages each. */
async function produceAll(
  options: RunOptions,
  send: (messages: Array<{ key: string; value: Buffer }>) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.messages) {
      const start = next;
      next = Math.min(options.messages, next + options.batch);
      const chunk: Array<{ key: string; value: Buffer }> = [];
      for (let i = start; i < next; i++) chunk.push(options.payloads[i % options.payloads.length]!);
      await send(chunk);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
}

function waitForCount(get: () => number, target: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = (): void => {
      if (get() >= target) return resolve(Date.now());
      if (Date.now() > deadline)
        return reject(new Error(`consumed ${get()} of ${target} before the timeout`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

/** Our layer: EventBus.publish with acks=all + idempotence, subscribe with commit-after-handler. */
export async function runOurs(options: RunOptions): Promise<RunResult> {
  const bus = createKafkaEventBus({
    brokers: options.brokers,
    clientId: 'bench-ours',
    compression: options.compression,
    maxMessagesPerRequest: options.batch,
  });
  await bus.connect();
  await bus.ensureTopics([{ topic: options.topic, partitions: 6 }]);
  let consumed = 0;
  let joined = false;
  const sub = await bus.subscribe(
    {
      topics: [options.topic],
      groupId: `bench-ours-${randomBytes(4).toString('hex')}`,
      partitionsConcurrently: 6,
      maxBatchSize: 100_000,
    },
    async (batch) => {
      joined = true;
      consumed += batch.length;
    },
  );
  await warmUp(
    () => joined,
    (m) => bus.publish(options.topic, m),
    options,
  );
  const base = consumed;
  const t0 = Date.now();
  await produceAll(options, (m) => bus.publish(options.topic, m));
  const produced = Date.now();
  const done = await waitForCount(() => consumed - base, options.messages, 300_000);
  await sub.stop();
  await bus.close();
  return rates(options.messages, t0, produced, done, consumed - base);
}

/** Plain kafkajs as one would write it for throughput: same producer settings, eachBatch with auto-commit. */
export async function runPlain(options: RunOptions): Promise<RunResult> {
  const kafka = new Kafka({ clientId: 'bench-plain', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  await admin.createTopics({ topics: [{ topic: options.topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const consumer = kafka.consumer({
    groupId: `bench-plain-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
  let consumed = 0;
  let joined = false;
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      joined = true;
      consumed += batch.messages.length;
    },
  });
  const compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const send = async (messages: Array<{ key: string; value: Buffer }>): Promise<void> => {
    await producer.send({ topic: options.topic, acks: -1, compression, messages });
  };
  await warmUp(() => joined, send, options);
  const base = consumed;
  const t0 = Date.now();
  await produceAll(options, send);
  const produced = Date.now();
  const done = await waitForCount(() => consumed - base, options.messages, 300_000);
  await consumer.disconnect();
  await producer.disconnect();
  return rates(options.messages, t0, produced, done, consumed - base);
}

/** Publishes a few messages until the consumer has joined and fetched, so group setup is not timed. */
async function warmUp(
  joined: () => boolean,
  send: (m: Array<{ key: string; value: Buffer }>) => Promise<void>,
  options: RunOptions,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!joined()) {
    if (Date.now() > deadline) throw new Error('consumer did not join within 60 s');
    await send(options.payloads.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500));
}

function rates(messages: number, t0: number, produced: number, done: number, consumed: number): RunResult {
  return {
    produceRate: messages / ((produced - t0) / 1000),
    endToEndRate: messages / ((done - t0) / 1000),
    consumed,
  };
}

/** Deletes the benchmark's topics (and their DLQs), so the broker does not accumulate state across rounds. */
export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.flatMap((t) => [t, `${t}.dlq`]).filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
