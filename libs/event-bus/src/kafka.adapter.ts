import { AppError, ErrorCode } from '@industrialmind/errors';
import {
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { AbortedError, injectTraceContext, resolvePolicy, runBatch } from './processing';
import {
  dlqTopicOf,
  silentLogger,
  type BatchHandler,
  type BusLogger,
  type EventBus,
  type IncomingMessage,
  type MessageHeaders,
  type OutgoingMessage,
  type PartitionLag,
  type SubscribeOptions,
  type Subscription,
  type TopicSpec,
} from './port';

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** gzip (default) trades CPU for bandwidth; kafkajs has no built-in snappy/lz4/zstd codec. */
  compression?: 'gzip' | 'none';
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** A member that sends no heartbeat for this long is removed and its partitions reassigned (broker min 6 s). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest the broker holds a fetch waiting for data; bounds end-to-end latency at low rates. */
  maxWaitTimeMs?: number;
  /** Bytes a fetch waits for (up to maxWaitTimeMs) before the broker answers; 1 answers as soon as any arrive. */
  minBytes?: number;
  maxBytesPerPartition?: number;
  /** Messages per produce request; larger sends are split. */
  maxMessagesPerRequest?: number;
  /**
   * By default handled offsets are committed after every fetch round (and on rebalance and stop). With this
   * set, they are also committed between the chunks of one large fetch once this much time passed. Either
   * way a crash redelivers uncommitted work, never loses any.
   */
  commitIntervalMs?: number;
  ssl?: boolean;
  sasl?: SASLOptions;
  logger?: BusLogger;
}

/** Attempts of `ensureTopics` when the broker answers a retriable error; waits 100, 200, 400, 800 ms between. */
export const ENSURE_TOPICS_ATTEMPTS = 5;
const ENSURE_TOPICS_BACKOFF_MS = 100;
/** Our knobs' defaults, chosen for ~1 kB-or-smaller readings at tens of thousands per second. */
const DEFAULTS = {
  compression: 'gzip' as const,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  maxWaitTimeMs: 100,
  minBytes: 1,
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxMessagesPerRequest: 5_000,
};

/** The EventBus on Apache Kafka through kafkajs: acks=all, idempotent producer, commit after handling. */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly options: KafkaEventBusOptions &
    Omit<typeof DEFAULTS, 'compression'> & { compression: 'gzip' | 'none' };
  private readonly logger: BusLogger;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private connecting: Promise<void> | undefined;
  private replacing: Promise<Producer> | undefined;
  private producerResets = 0;
  private readonly subscriptions: KafkaSubscription[] = [];

  constructor(options: KafkaEventBusOptions) {
    if (options.brokers.length === 0)
      throw new AppError(ErrorCode.CONFIG_INVALID, 'at least one Kafka broker is required');
    this.options = {
      ...DEFAULTS,
      ...stripUndefined(options),
      brokers: options.brokers,
      clientId: options.clientId,
    };
    this.logger = options.logger ?? silentLogger;
    const logger = this.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: this.options.connectionTimeoutMs,
      requestTimeout: this.options.requestTimeoutMs,
      ...(options.ssl ? { ssl: true } : {}),
      ...(options.sasl ? { sasl: options.sasl } : {}),
      logLevel: logLevel.WARN,
      // kafkajs logs through ours, so its warnings reach the same JSON stream with the same fields.
      logCreator:
        () =>
        ({ level, log }) => {
          const {
            message,
            timestamp: _t,
            logger: _l,
            stack: _s,
            ...extra
          } = log as typeof log & Record<string, unknown>;
          const fields = { source: 'kafkajs', ...extra };
          if (level === logLevel.ERROR) logger.error(fields, message);
          else if (level === logLevel.WARN) logger.warn(fields, message);
          else logger.debug(fields, message);
        },
    });
  }

  // Idempotence needs acks=all and one in-flight request per connection (kafkajs enforces the latter), so a
  // retried produce can never be written twice nor reordered.
  private createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      // Java-compatible murmur2: a key maps to the same partition as with Kafka's own clients.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * Replaces a producer whose idempotence state the broker no longer accepts (see {@link isProducerStateError}):
   * a new producer gets a new producer id, so its sequence numbers start afresh. Concurrent callers that saw the
   * same failed producer share one replacement.
   */
  private replaceProducer(failed: Producer): Promise<Producer> {
    if (this.producer !== failed && this.producer !== undefined) return Promise.resolve(this.producer);
    this.replacing ??= (async () => {
      const next = this.createProducer();
      try {
        await next.connect();
      } catch (err) {
        await next.disconnect().catch(() => undefined);
        throw err;
      } finally {
        this.replacing = undefined;
      }
      this.producer = next;
      this.producerResets += 1;
      await failed.disconnect().catch(() => undefined);
      return next;
    })();
    return this.replacing;
  }

  /** Times the producer was replaced after the broker refused its sequence state (for tests and metrics). */
  get producerResetCount(): number {
    return this.producerResets;
  }

  connect(): Promise<void> {
    this.connecting ??= (async () => {
      const producer = this.createProducer();
      const admin = this.kafka.admin();
      try {
        await producer.connect();
        await admin.connect();
      } catch (err) {
        this.connecting = undefined;
        await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
        throw translate(err, 'connect to Kafka');
      }
      this.producer = producer;
      this.admin = admin;
    })();
    return this.connecting;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.ready().then(() => this.admin!);
    const wanted = specs.flatMap((s) => [
      { topic: s.topic, numPartitions: s.partitions ?? -1 },
      { topic: dlqTopicOf(s.topic), numPartitions: s.partitions ?? -1 },
    ]);
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((t) => !existing.has(t.topic));
        if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
        return;
      } catch (err) {
        // A broker that has just started can answer a retriable error (e.g. UNKNOWN_TOPIC_OR_PARTITION while the
        // new topics' metadata propagates): look again, a bounded number of times, before giving up.
        if (
          (err as { retriable?: boolean } | undefined)?.retriable !== true ||
          attempt >= ENSURE_TOPICS_ATTEMPTS
        )
          throw translate(err, 'create topics');
        await new Promise((resolve) => setTimeout(resolve, ENSURE_TOPICS_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.ready().then(() => this.admin!);
    try {
      const existing = new Set(await admin.listTopics());
      const doomed = topics.flatMap((t) => [t, dlqTopicOf(t)]).filter((t) => existing.has(t));
      if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    } catch (err) {
      throw translate(err, `delete topics ${topics.join(',')}`);
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ready();
    const producer = this.producer!;
    try {
      await this.send(producer, topic, messages);
    } catch (err) {
      if (!isProducerStateError(err)) throw translate(err, `publish to ${topic}`);
      // The broker refused the producer's sequence numbers (kafkajs can get out of step with the broker after a
      // timed-out request, and then fails every later send to that partition). A new producer starts a new
      // sequence; the send is repeated once. Whatever of it the broker had already written is written again:
      // at-least-once, and our sinks are idempotent.
      this.logger.warn(
        { source: 'event-bus', topic, error: (err as Error).message },
        'producer sequence refused by the broker; replacing the producer and sending again',
      );
      try {
        await this.send(await this.replaceProducer(producer), topic, messages);
      } catch (again) {
        throw translate(again, `publish to ${topic}`);
      }
    }
  }

  private async send(producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> {
    const compression = this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const traceHeaders = injectTraceContext({});
    const hasTrace = Object.keys(traceHeaders).length > 0;
    const size = this.options.maxMessagesPerRequest;
    for (let i = 0; i < messages.length; i += size) {
      const chunk = messages.slice(i, i + size);
      await producer.send({
        topic,
        acks: -1,
        compression,
        // Our message shape is kafkajs's (it ignores timestampMs), so untraced messages go through uncopied.
        messages: chunk.map((m) =>
          !hasTrace && m.timestampMs === undefined
            ? m
            : {
                key: m.key,
                value: m.value,
                headers: hasTrace ? { ...traceHeaders, ...m.headers } : m.headers,
                ...(m.timestampMs === undefined ? {} : { timestamp: String(m.timestampMs) }),
              },
        ),
      });
    }
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    await this.ready();
    const policy = resolvePolicy(options);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs,
      minBytes: this.options.minBytes,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      allowAutoTopicCreation: true,
    });
    const subscription = new KafkaSubscription(
      options.groupId,
      consumer,
      options.drainTimeoutMs ?? 10_000,
      () => {
        const i = this.subscriptions.indexOf(subscription);
        if (i >= 0) this.subscriptions.splice(i, 1);
      },
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        // Offsets are resolved only after the handler returned for them, and kafkajs commits only resolved
        // offsets (after each batch, on rebalance and on stop). A crash before that redelivers the messages.
        autoCommit: true,
        ...(this.options.commitIntervalMs === undefined
          ? {}
          : { autoCommitInterval: this.options.commitIntervalMs }),
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
        eachBatch: async ({
          batch,
          heartbeat,
          isRunning,
          isStale,
          resolveOffset,
          commitOffsetsIfNecessary,
        }) => {
          const { topic, partition } = batch;
          const all = batch.messages;
          for (let i = 0; i < all.length; i += policy.maxBatchSize) {
            if (!isRunning() || isStale() || subscription.isStopping) return;
            const chunk = all.slice(i, i + policy.maxBatchSize).map((m) => toIncoming(topic, partition, m));
            try {
              await runBatch(chunk, handler, policy, {
                signal: subscription.signal,
                isStopping: () => subscription.isStopping,
                heartbeat,
                publishDeadLetters: (records) => this.publish(dlqTopicOf(topic), records),
              });
            } catch (err) {
              if (err instanceof AbortedError) return;
              throw err;
            }
            resolveOffset(chunk[chunk.length - 1]!.offset);
            if (this.options.commitIntervalMs !== undefined) await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      });
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      throw translate(err, `subscribe ${options.groupId} to ${options.topics.join(',')}`);
    }
    this.subscriptions.push(subscription);
    this.logger.info({ group_id: options.groupId, topics: options.topics }, 'consumer subscribed');
    return subscription;
  }

  async consumerLag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    await this.ready();
    const admin = this.admin!;
    try {
      const out: PartitionLag[] = [];
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const byPartition = new Map(
          committed.find((c) => c.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ??
            [],
        );
        for (const end of ends) {
          const endOffset = Number(end.high);
          const c = byPartition.get(end.partition) ?? -1;
          // -1: the group has no commit here yet, so everything retained is still ahead of it.
          const committedOffset = c < 0 ? Number(end.low) : c;
          out.push({
            topic,
            partition: end.partition,
            endOffset,
            committedOffset,
            lag: Math.max(0, endOffset - committedOffset),
          });
        }
      }
      return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    } catch (err) {
      throw translate(err, `read the lag of group ${groupId}`);
    }
  }

  async ping(): Promise<void> {
    await this.ready();
    try {
      await this.admin!.describeCluster();
    } catch (err) {
      throw translate(err, 'reach Kafka');
    }
  }

  async close(): Promise<void> {
    for (const sub of [...this.subscriptions].reverse()) await sub.stop();
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    this.connecting = undefined;
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
  }

  private async ready(): Promise<void> {
    if (!this.producer) await this.connect();
  }
}

class KafkaSubscription implements Subscription {
  private readonly abort = new AbortController();
  private stopped: Promise<void> | undefined;
  isStopping = false;
  constructor(
    readonly groupId: string,
    private readonly consumer: Consumer,
    private readonly drainTimeoutMs: number,
    private readonly onStopped: () => void,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      // kafkajs waits for the running eachBatch to return. A batch waiting to retry gives up at once; one still
      // in its handler gets drainTimeoutMs, then is abandoned uncommitted, so a stop never hangs.
      this.isStopping = true;
      const timer = setTimeout(() => this.abort.abort(), this.drainTimeoutMs);
      try {
        await this.consumer.stop();
        await this.consumer.disconnect();
      } finally {
        clearTimeout(timer);
        this.abort.abort();
        this.onStopped();
      }
    })();
    return this.stopped;
  }
}

function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString(),
    value: m.value ?? Buffer.alloc(0),
    headers: decodeHeaders(m.headers),
    timestampMs: Number(m.timestamp),
  };
}

function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  if (!headers) return out;
  for (const key in headers) {
    const v = headers[key];
    if (v === undefined) continue;
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    if (one !== undefined) out[key] = one.toString();
  }
  return out;
}

/** kafkajs errors become AppErrors: retriable ones as UPSTREAM_UNAVAILABLE, so consumers block instead of dropping. */
/** Broker errors meaning the idempotent producer's id/epoch/sequence state is out of step: only a new producer helps. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** kafkajs wraps the broker's error (`type`) in KafkaJSProtocolError, or in a retry-exhausted error's `cause`. */
export function isProducerStateError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && PRODUCER_STATE_ERRORS.has(type)) return true;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return false;
}

function translate(err: unknown, action: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; message?: string; retriable?: boolean };
  const message = `could not ${action}: ${e?.message ?? String(err)}`;
  if (e?.name === 'KafkaJSRequestTimeoutError' || e?.name === 'KafkaJSTimeout') {
    return new AppError(ErrorCode.UPSTREAM_TIMEOUT, message, { cause: err });
  }
  const connectionLike =
    /KafkaJS(Connection|NumberOfRetriesExceeded|BrokerNotFound|ConnectionClosed|Timeout)/.test(e?.name ?? '');
  if (e?.retriable || connectionLike)
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, message, { cause: err });
  return new AppError(ErrorCode.INTERNAL, message, { cause: err, retryable: false });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createKafkaEventBus(options: KafkaEventBusOptions): KafkaEventBus {
  return new KafkaEventBus(options);
}
