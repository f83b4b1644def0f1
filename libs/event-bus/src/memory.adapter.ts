import { AppError, ErrorCode } from '@industrialmind/errors';
import { partitionForKey } from './partitioner';
import {
  AbortedError,
  abortableSleep,
  injectTraceContext,
  resolvePolicy,
  runBatch,
  type ConsumerPolicy,
} from './processing';
import {
  dlqTopicOf,
  silentLogger,
  type BatchHandler,
  type BusLogger,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
  type PartitionLag,
  type SubscribeOptions,
  type Subscription,
  type TopicSpec,
} from './port';

export interface MemoryEventBusOptions {
  /** Partitions of a topic created implicitly by publish or subscribe (Kafka's num.partitions). */
  defaultPartitions?: number;
  /** Messages kept per partition; older ones are dropped like Kafka's retention (default 200,000). */
  retentionMessages?: number;
  logger?: BusLogger;
}

interface Partition {
  /** Offset of messages[0]. */
  base: number;
  messages: IncomingMessage[];
}

class Topic {
  readonly partitions: Partition[];
  private roundRobin = 0;
  constructor(
    readonly name: string,
    count: number,
  ) {
    this.partitions = Array.from({ length: count }, () => ({ base: 0, messages: [] }));
  }
  partitionFor(key: string | null): number {
    if (key === null) return this.roundRobin++ % this.partitions.length;
    return partitionForKey(key, this.partitions.length);
  }
  end(partition: number): number {
    const p = this.partitions[partition]!;
    return p.base + p.messages.length;
  }
}

class Group {
  readonly committed = new Map<string, number>();
  readonly members: MemoryMember[] = [];
  /** Partitions whose batch is being handled right now; a new owner waits for them, as in a Kafka rebalance. */
  readonly inFlight = new Set<string>();
  generation = 0;
  constructor(readonly id: string) {}
}

const tp = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The in-memory EventBus for the single-process lite profile and fast tests. It keeps Kafka's semantics that
 * services rely on: partitions by key hash, consumer groups sharing partitions, offsets committed only after
 * a handler returned, redelivery of uncommitted messages to the group, DLQ topics.
 */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions: MemoryMember[] = [];
  private waiters: Array<() => void> = [];
  private readonly defaultPartitions: number;
  private readonly retention: number;
  private readonly logger: BusLogger;
  private closed = false;
  private memberSeq = 0;

  constructor(options: MemoryEventBusOptions = {}) {
    this.defaultPartitions = options.defaultPartitions ?? 6;
    this.retention = options.retentionMessages ?? 200_000;
    this.logger = options.logger ?? silentLogger;
  }

  async connect(): Promise<void> {
    this.assertOpen();
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of specs) {
      this.topic(spec.topic, spec.partitions);
      this.topic(dlqTopicOf(spec.topic), spec.partitions);
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    this.assertOpen();
    for (const name of topics.flatMap((t) => [t, dlqTopicOf(t)])) this.topics.delete(name);
  }

  async publish(topicName: string, messages: OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    const topic = this.topic(topicName);
    const now = Date.now();
    const touched = new Set<(typeof topic.partitions)[number]>();
    for (const m of messages) {
      const partition = topic.partitionFor(m.key);
      const p = topic.partitions[partition]!;
      p.messages.push({
        topic: topicName,
        partition,
        offset: String(p.base + p.messages.length),
        key: m.key,
        value: Buffer.from(m.value),
        headers: injectTraceContext({ ...m.headers }),
        timestampMs: m.timestampMs ?? now,
      });
      touched.add(p);
    }
    // Retention is applied once per publish and partition: dropping from the front of the array per message
    // would move the whole partition for every message once it is full.
    for (const p of touched) {
      if (p.messages.length > this.retention) {
        const drop = p.messages.length - this.retention;
        p.messages.splice(0, drop);
        p.base += drop;
      }
    }
    this.notify();
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    const policy = resolvePolicy(options);
    for (const t of options.topics) this.topic(t);
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new Group(options.groupId);
      this.groups.set(options.groupId, group);
    }
    const member = new MemoryMember(
      this,
      group,
      `${options.groupId}-${++this.memberSeq}`,
      options,
      policy,
      handler,
      this.logger,
    );
    group.members.push(member);
    this.subscriptions.push(member);
    this.rebalance(group);
    member.start();
    return member;
  }

  async consumerLag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    this.assertOpen();
    const group = this.groups.get(groupId);
    const out: PartitionLag[] = [];
    for (const name of topics) {
      const topic = this.topics.get(name);
      if (!topic) continue;
      topic.partitions.forEach((p, partition) => {
        const endOffset = p.base + p.messages.length;
        const committedOffset = Math.max(group?.committed.get(tp(name, partition)) ?? p.base, p.base);
        out.push({ topic: name, partition, endOffset, committedOffset, lag: endOffset - committedOffset });
      });
    }
    return out;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'event bus is closed');
  }

  async close(): Promise<void> {
    for (const member of [...this.subscriptions].reverse()) await member.stop();
    this.closed = true;
    this.notify();
  }

  /** @internal used by members */
  topic(name: string, partitions?: number): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = new Topic(name, partitions ?? this.defaultPartitions);
      this.topics.set(name, topic);
      for (const group of this.groups.values()) this.rebalance(group);
    }
    return topic;
  }

  /** @internal Range-assigns every subscribed partition across the group's members, like Kafka's assignors. */
  rebalance(group: Group): void {
    group.generation += 1;
    const members = group.members;
    for (const m of members) m.assignment = [];
    if (members.length > 0) {
      const all: Array<[string, number]> = [];
      const topics = new Set(members.flatMap((m) => m.topics));
      for (const t of [...topics].sort()) {
        const topic = this.topic(t);
        for (let p = 0; p < topic.partitions.length; p++) all.push([t, p]);
      }
      all.forEach((entry, i) => {
        // Only members subscribed to the topic get its partitions.
        const candidates = members.filter((m) => m.topics.includes(entry[0]));
        candidates[i % candidates.length]!.assignment.push(entry);
      });
    }
    this.notify();
  }

  /** @internal */
  leave(group: Group, member: MemoryMember): void {
    const i = group.members.indexOf(member);
    if (i >= 0) group.members.splice(i, 1);
    const j = this.subscriptions.indexOf(member);
    if (j >= 0) this.subscriptions.splice(j, 1);
    this.rebalance(group);
  }

  /** @internal Resolves at the next publish, rebalance or close, or after `ms`. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'event bus is closed');
  }
}

/** One member of a consumer group in the memory bus. */
export class MemoryMember implements Subscription {
  assignment: Array<[string, number]> = [];
  readonly topics: string[];
  private readonly abort = new AbortController();
  /** Aborted on stop to end the idle wait at once. */
  private readonly wake = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private crashed = false;
  private stopping = false;

  constructor(
    private readonly bus: MemoryEventBus,
    private readonly group: Group,
    readonly memberId: string,
    private readonly options: SubscribeOptions,
    private readonly policy: ConsumerPolicy,
    private readonly handler: BatchHandler,
    private readonly logger: BusLogger,
  ) {
    this.topics = options.topics;
  }

  get groupId(): string {
    return this.group.id;
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => {
      this.logger.error({ err, group_id: this.group.id }, 'memory consumer loop failed');
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.wake.abort();
    const timer = setTimeout(() => this.abort.abort(), this.options.drainTimeoutMs ?? 10_000);
    await this.loop;
    clearTimeout(timer);
    this.bus.leave(this.group, this);
  }

  /**
   * Test hook standing in for SIGKILL: the member vanishes at once, its in-flight batch is never committed and
   * the group redistributes its partitions immediately.
   */
  kill(): void {
    this.crashed = true;
    this.stopping = true;
    this.abort.abort();
    this.wake.abort();
    for (const [t, p] of this.assignment) this.group.inFlight.delete(tp(t, p));
    this.bus.leave(this.group, this);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      for (const [topicName, partition] of [...this.assignment]) {
        if (this.stopping) break;
        if (await this.poll(topicName, partition)) worked = true;
      }
      if (!worked && !this.stopping) await this.bus.waitForChange(250, this.wake.signal);
    }
  }

  private owns(topicName: string, partition: number): boolean {
    return this.assignment.some(([t, q]) => t === topicName && q === partition);
  }

  /** Handles the next batch of one partition; true when there was one. */
  private async poll(topicName: string, partition: number): Promise<boolean> {
    const key = tp(topicName, partition);
    const group = this.group;
    if (!this.owns(topicName, partition) || group.inFlight.has(key)) return false;
    const topic = this.bus.topic(topicName);
    const p = topic.partitions[partition]!;
    let position = group.committed.get(key);
    if (position === undefined)
      position = this.options.fromBeginning === false ? topic.end(partition) : p.base;
    if (position < p.base) {
      this.logger.warn(
        { topic: topicName, partition, lost_before: p.base },
        'memory bus retention dropped uncommitted messages',
      );
      position = p.base;
    }
    if (!group.committed.has(key)) group.committed.set(key, position);
    const end = topic.end(partition);
    if (position >= end) return false;
    const batch = p.messages.slice(
      position - p.base,
      Math.min(end, position + this.policy.maxBatchSize) - p.base,
    );
    const generation = group.generation;
    group.inFlight.add(key);
    try {
      await runBatch(batch, this.handler, this.policy, {
        signal: this.abort.signal,
        isStopping: () => this.stopping,
        heartbeat: async () => {},
        publishDeadLetters: (records) => this.bus.publish(dlqTopicOf(topicName), records),
      });
      // A commit from a member that crashed or lost the partition is refused, as Kafka refuses stale generations.
      const stillOwner =
        !this.crashed && (group.generation === generation || this.owns(topicName, partition));
      if (stillOwner) group.committed.set(key, position + batch.length);
    } catch (err) {
      if (!(err instanceof AbortedError)) throw err;
    } finally {
      if (!this.crashed) group.inFlight.delete(key);
    }
    // Yield so a tight loop over a long partition never starves timers and I/O.
    await abortableSleep(0, this.wake.signal);
    return true;
  }
}

export function createMemoryEventBus(options: MemoryEventBusOptions = {}): MemoryEventBus {
  return new MemoryEventBus(options);
}
