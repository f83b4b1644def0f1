/** Message headers as strings (Kafka header bytes are decoded as UTF-8). */
export type MessageHeaders = Record<string, string>;

/** A message to publish. `key` decides the partition: messages with one key keep their order. */
export interface OutgoingMessage {
  key: string | null;
  value: Buffer | string;
  headers?: MessageHeaders;
  /** Producer timestamp; defaults to now. */
  timestampMs?: number;
}

/** A delivered message with its coordinates in the log. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Decimal string, as Kafka offsets exceed 2^53 in principle. */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: MessageHeaders;
  timestampMs: number;
}

/** What a batch handler may do besides returning. */
export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  /**
   * Marks one message of the batch as unprocessable: it goes to `<topic>.dlq` with `reason` (and the original
   * coordinates) before the batch's offsets are committed; the rest of the batch counts as handled.
   */
  deadLetter(message: IncomingMessage, reason: string): void;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** Aborted when the subscription stops or loses the partition: stop work, nothing will be committed. */
  readonly signal: AbortSignal;
}

/**
 * Handles messages of one topic-partition, in offset order. Returning means every message was handled
 * durably; the offsets are committed only then. Throwing an error makes the bus retry (see {@link RetryPolicy}).
 */
export type BatchHandler = (messages: IncomingMessage[], ctx: BatchContext) => Promise<void>;

export interface RetryPolicy {
  /** Retries after the first attempt for a retryable error, before the message is dead-lettered. */
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Something the consumer did that operators want to count or see. */
export type ConsumerEvent =
  | { type: 'batch-processed'; topic: string; partition: number; count: number; durationMs: number }
  | { type: 'retry'; topic: string; partition: number; attempt: number; error: string; backoffMs: number }
  | { type: 'blocked'; topic: string; partition: number; attempt: number; error: string; backoffMs: number }
  | { type: 'isolating'; topic: string; partition: number; count: number; error: string }
  | { type: 'dead-lettered'; topic: string; partition: number; offset: string; reason: string };

export interface SubscribeOptions {
  topics: string[];
  groupId: string;
  /** Where a group without committed offsets starts: the oldest retained message (default) or new ones only. */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Upper bound on messages handed to one handler call (default 1000). */
  maxBatchSize?: number;
  /** Partitions handled at once by this member (default 1). Order holds within a partition regardless. */
  partitionsConcurrently?: number;
  /**
   * Errors that mean "a dependency is down, not this message is bad" (default: AppError codes
   * UPSTREAM_UNAVAILABLE and UPSTREAM_TIMEOUT). For these the partition blocks and retries with capped
   * backoff, without limit and without dead-lettering: backpressure instead of data loss.
   */
  isBlocking?: (err: unknown) => boolean;
  onEvent?: (event: ConsumerEvent) => void;
  /** How long stop() lets an in-flight batch finish before abandoning it uncommitted (default 10 s). */
  drainTimeoutMs?: number;
}

/** A running consumer-group membership. */
export interface Subscription {
  readonly groupId: string;
  /** Stops fetching, lets the in-flight batch finish and commit (or aborts it if blocked), leaves the group. */
  stop(): Promise<void>;
}

/** How far a consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset to be written. */
  endOffset: number;
  /** Next offset the group will read (its committed offset, or the oldest retained one if it has none). */
  committedOffset: number;
  lag: number;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
}

/**
 * The EventBus port: how services exchange messages. At-least-once: a message is redelivered until a handler
 * returned for it or it was dead-lettered, so sinks must be idempotent.
 */
export interface EventBus {
  connect(): Promise<void>;
  /** Creates missing topics and their `<topic>.dlq` companions; existing ones are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** Deletes topics and their `<topic>.dlq` companions that exist (for tests and tooling; services never do). */
  deleteTopics(topics: string[]): Promise<void>;
  /** Resolves once every message is durably stored (Kafka: acknowledged by all in-sync replicas). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  /** The group's lag per partition of the topics, from committed offsets: for the consumer-lag metric. */
  consumerLag(groupId: string, topics: string[]): Promise<PartitionLag[]>;
  /** Throws an AppError (UPSTREAM_UNAVAILABLE) when the backend cannot be reached; for readiness probes. */
  ping(): Promise<void>;
  /** Stops every subscription (in reverse order of creation), then the producer. */
  close(): Promise<void>;
}

/** Minimal structured logger the adapters write to (pino's shape). */
export interface BusLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: BusLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
