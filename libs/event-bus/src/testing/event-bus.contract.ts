import { AppError, ErrorCode } from '@industrialmind/errors';
import { uniqueName, waitFor } from '@industrialmind/testing';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { parseDeadLetter } from '../dead-letter';
import {
  dlqTopicOf,
  type EventBus,
  type IncomingMessage,
  type SubscribeOptions,
  type Subscription,
} from '../port';

/** What each adapter's test supplies to the shared contract suite. */
export interface EventBusHarness {
  /** A connected bus; the suite closes it after each test. */
  create(): Promise<EventBus>;
  /**
   * Starts a member of `groupId` on `topic` whose handler never returns, waits until it holds at least one
   * batch, and returns a kill function that makes it vanish without committing (SIGKILL for a real process).
   */
  startDoomedConsumer(bus: EventBus, topic: string, groupId: string): Promise<{ kill(): Promise<void> }>;
  /** Extra time adapters need for group joins and rebalances. */
  timeoutMs?: number;
}

interface Collector {
  messages: IncomingMessage[];
  sub: Subscription;
}

const fast = { maxRetries: 3, initialBackoffMs: 10, maxBackoffMs: 50 };

async function collect(
  bus: EventBus,
  options: Omit<SubscribeOptions, 'groupId'> & { groupId?: string },
  onMessage: (m: IncomingMessage) => void | Promise<void> = () => {},
): Promise<Collector> {
  const messages: IncomingMessage[] = [];
  const sub = await bus.subscribe(
    { groupId: uniqueName('group'), retry: fast, ...options },
    async (batch) => {
      for (const m of batch) await onMessage(m);
      messages.push(...batch);
    },
  );
  return { messages, sub };
}

const json = (v: unknown): string => JSON.stringify(v);
const body = (m: IncomingMessage): { key: string; seq: number } => JSON.parse(m.value.toString());

/**
 * The EventBus contract: the behaviours every adapter must have, run against the in-memory bus and a real
 * Kafka broker alike.
 */
export function describeEventBusContract(name: string, harness: EventBusHarness): void {
  const timeout = harness.timeoutMs ?? 60_000;
  describe(`EventBus contract: ${name}`, () => {
    let sut: EventBus;
    beforeEach(async () => {
      sut = await harness.create();
    });
    afterEach(async () => {
      await sut.close();
    });

    it(
      'publishes key, value bytes and headers unchanged',
      async () => {
        const topic = uniqueName('roundtrip');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        const value = Buffer.from([0, 1, 2, 250, 255]);
        await sut.publish(topic, [{ key: 'm-1', value, headers: { 'x-source': 'test' } }]);
        await sut.publish(topic, [{ key: null, value: 'plain text' }]);
        const { messages, sub } = await collect(sut, { topics: [topic] });
        await waitFor(() => messages.length === 2, { timeoutMs: timeout, description: '2 messages' });
        await sub.stop();
        expect(messages[0]!.key).toBe('m-1');
        expect(messages[0]!.value.equals(value)).toBe(true);
        expect(messages[0]!.headers['x-source']).toBe('test');
        expect(messages[0]!.topic).toBe(topic);
        expect(messages[1]!.key).toBeNull();
        expect(messages[1]!.value.toString()).toBe('plain text');
        expect(Number(messages[1]!.offset)).toBe(Number(messages[0]!.offset) + 1);
      },
      timeout,
    );

    it(
      'keeps per-key order across 6 partitions for 10,000 messages',
      async () => {
        const topic = uniqueName('order');
        await sut.ensureTopics([{ topic, partitions: 6 }]);
        const keys = 60;
        const total = 10_000;
        const seq = new Map<string, number>();
        for (let sent = 0; sent < total; sent += 1000) {
          const batch = Array.from({ length: 1000 }, (_, i) => {
            const key = `machine-${(sent + i) % keys}`;
            const n = seq.get(key) ?? 0;
            seq.set(key, n + 1);
            return { key, value: json({ key, seq: n }) };
          });
          await sut.publish(topic, batch);
        }
        const { messages, sub } = await collect(sut, {
          topics: [topic],
          partitionsConcurrently: 3,
          maxBatchSize: 250,
        });
        await waitFor(() => messages.length >= total, {
          timeoutMs: timeout,
          description: `${total} messages`,
        });
        await sub.stop();

        expect(messages).toHaveLength(total);
        expect(new Set(messages.map((m) => m.partition)).size).toBe(6);
        const last = new Map<string, number>();
        const partitionOfKey = new Map<string, number>();
        for (const m of messages) {
          const { key, seq: n } = body(m);
          expect(m.key).toBe(key);
          expect(n).toBe((last.get(key) ?? -1) + 1);
          last.set(key, n);
          expect(partitionOfKey.get(key) ?? m.partition).toBe(m.partition);
          partitionOfKey.set(key, m.partition);
        }
        expect(last.size).toBe(keys);
      },
      timeout,
    );

    it(
      'redelivers a killed member’s uncommitted messages to the group, none lost',
      async () => {
        const topic = uniqueName('crash');
        const groupId = uniqueName('crash-group');
        await sut.ensureTopics([{ topic, partitions: 3 }]);
        const total = 600;
        await sut.publish(
          topic,
          Array.from({ length: total }, (_, i) => ({
            key: `k-${i % 30}`,
            value: json({ key: `k-${i % 30}`, seq: i }),
          })),
        );
        const doomed = await harness.startDoomedConsumer(sut, topic, groupId);
        await doomed.kill();

        const { messages, sub } = await collect(sut, { topics: [topic], groupId });
        await waitFor(() => new Set(messages.map((m) => `${m.partition}/${m.offset}`)).size >= total, {
          timeoutMs: timeout,
          description: `redelivery of ${total} messages`,
        });
        await sub.stop();
        const seqs = new Set(messages.map((m) => body(m).seq));
        expect(seqs.size).toBe(total);
      },
      timeout,
    );

    it(
      'dead-letters a malformed message with its reason and handles the ones after it',
      async () => {
        const topic = uniqueName('poison');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        const values = ['{"seq":0}', '{"seq":1}', 'not json {', '{"seq":3}', '{"seq":4}'];
        await sut.publish(
          topic,
          values.map((value) => ({ key: 'm-1', value, headers: { 'x-trace-me': 'yes' } })),
        );
        const handled: number[] = [];
        const sub = await sut.subscribe(
          { topics: [topic], groupId: uniqueName('g'), retry: fast },
          async (batch) => {
            const parsed = batch.map((m) => {
              try {
                return JSON.parse(m.value.toString()) as { seq: number };
              } catch (err) {
                throw new AppError(ErrorCode.VALIDATION_FAILED, `payload is not JSON (offset ${m.offset})`, {
                  cause: err,
                });
              }
            });
            handled.push(...parsed.map((p) => p.seq));
          },
        );
        const dlq = await collect(sut, { topics: [dlqTopicOf(topic)] });
        await waitFor(() => dlq.messages.length === 1 && handled.includes(4), {
          timeoutMs: timeout,
          description: 'DLQ record',
        });
        await sub.stop();
        await dlq.sub.stop();

        expect([...new Set(handled)].sort()).toEqual([0, 1, 3, 4]);
        const record = dlq.messages[0]!;
        expect(record.value.toString()).toBe('not json {');
        expect(record.key).toBe('m-1');
        const info = parseDeadLetter(record)!;
        expect(info).toMatchObject({ originalTopic: topic, originalPartition: 0, originalOffset: '2' });
        expect(info.reason).toBe('VALIDATION_FAILED: payload is not JSON (offset 2)');
        expect(info.errors).toEqual([info.reason]);
        expect(info.headers['x-trace-me']).toBe('yes');
      },
      timeout,
    );

    it(
      'dead-letters a message the handler marks, with the handler’s reason, and commits the batch',
      async () => {
        const topic = uniqueName('marked');
        const groupId = uniqueName('g');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(
          topic,
          [0, 1, 2].map((seq) => ({ key: 'm', value: json({ key: 'm', seq }) })),
        );
        const ok: number[] = [];
        const sub = await sut.subscribe({ topics: [topic], groupId }, async (batch, ctx) => {
          for (const m of batch) {
            if (body(m).seq === 1) ctx.deadLetter(m, 'readings.temp: channel "temp" is not declared');
            else ok.push(body(m).seq);
          }
        });
        const dlq = await collect(sut, { topics: [dlqTopicOf(topic)] });
        await waitFor(() => dlq.messages.length === 1 && ok.length >= 2, {
          timeoutMs: timeout,
          description: 'marked DLQ record',
        });
        await sub.stop();
        await dlq.sub.stop();
        expect(parseDeadLetter(dlq.messages[0]!)).toMatchObject({
          reason: 'readings.temp: channel "temp" is not declared',
          originalOffset: '1',
          groupId,
        });
        // Committed: the same group sees nothing again.
        const again = await collect(sut, { topics: [topic], groupId });
        await sut.publish(topic, [{ key: 'm', value: json({ key: 'm', seq: 3 }) }]);
        await waitFor(() => again.messages.length >= 1, {
          timeoutMs: timeout,
          description: 'the new message',
        });
        await again.sub.stop();
        expect(again.messages.map((m) => body(m).seq)).toEqual([3]);
      },
      timeout,
    );

    it(
      'retries a retryable error with backoff and then succeeds, without dead-lettering',
      async () => {
        const topic = uniqueName('retry');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(topic, [{ key: 'm', value: json({ key: 'm', seq: 0 }) }]);
        let attempts = 0;
        const events: string[] = [];
        const done: number[] = [];
        const sub = await sut.subscribe(
          { topics: [topic], groupId: uniqueName('g'), retry: fast, onEvent: (e) => events.push(e.type) },
          async (batch) => {
            attempts += 1;
            if (attempts <= 2) throw new AppError(ErrorCode.INTERNAL, 'transient', { retryable: true });
            done.push(...batch.map((m) => body(m).seq));
          },
        );
        await waitFor(() => done.length === 1, { timeoutMs: timeout, description: 'success after retries' });
        await sub.stop();
        expect(attempts).toBe(3);
        expect(events.filter((e) => e === 'retry')).toHaveLength(2);
        expect(events).not.toContain('dead-lettered');
      },
      timeout,
    );

    it(
      'dead-letters after bounded retries, keeping every error',
      async () => {
        const topic = uniqueName('exhaust');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(topic, [{ key: 'm', value: 'x' }]);
        let attempts = 0;
        const sub = await sut.subscribe(
          { topics: [topic], groupId: uniqueName('g'), retry: { ...fast, maxRetries: 2 } },
          async () => {
            attempts += 1;
            throw new Error(`flaky ${attempts}`);
          },
        );
        const dlq = await collect(sut, { topics: [dlqTopicOf(topic)] });
        await waitFor(() => dlq.messages.length === 1, {
          timeoutMs: timeout,
          description: 'DLQ after retries',
        });
        await sub.stop();
        await dlq.sub.stop();
        expect(attempts).toBe(3);
        expect(parseDeadLetter(dlq.messages[0]!)!.errors).toEqual([
          'Error: flaky 1',
          'Error: flaky 2',
          'Error: flaky 3',
        ]);
      },
      timeout,
    );

    it(
      'blocks on an upstream failure instead of dead-lettering, then continues in order',
      async () => {
        const topic = uniqueName('blocked');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(
          topic,
          [0, 1, 2].map((seq) => ({ key: 'm', value: json({ key: 'm', seq }) })),
        );
        let failures = 0;
        const seen: number[] = [];
        const events: string[] = [];
        const sub = await sut.subscribe(
          {
            topics: [topic],
            groupId: uniqueName('g'),
            retry: { maxRetries: 0, initialBackoffMs: 5, maxBackoffMs: 20 },
            onEvent: (e) => events.push(e.type),
          },
          async (batch) => {
            if (failures < 6) {
              failures += 1;
              throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'store is down');
            }
            seen.push(...batch.map((m) => body(m).seq));
          },
        );
        await waitFor(() => seen.length === 3, {
          timeoutMs: timeout,
          description: 'processing after the outage',
        });
        await sub.stop();
        expect(seen).toEqual([0, 1, 2]);
        expect(events.filter((e) => e === 'blocked')).toHaveLength(6);
        expect(events).not.toContain('dead-lettered');
      },
      timeout,
    );

    it(
      'abandons a blocked batch uncommitted on stop, so the group gets it again',
      async () => {
        const topic = uniqueName('stop-blocked');
        const groupId = uniqueName('g');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(topic, [{ key: 'm', value: json({ key: 'm', seq: 7 }) }]);
        let attempts = 0;
        const sub = await sut.subscribe({ topics: [topic], groupId, retry: fast }, async () => {
          attempts += 1;
          throw new AppError(ErrorCode.UPSTREAM_TIMEOUT, 'still down');
        });
        await waitFor(() => attempts >= 2, { timeoutMs: timeout, description: 'blocked retries' });
        await sub.stop();
        const after = await collect(sut, { topics: [topic], groupId });
        await waitFor(() => after.messages.length === 1, { timeoutMs: timeout, description: 'redelivery' });
        await after.sub.stop();
        expect(body(after.messages[0]!).seq).toBe(7);
      },
      timeout,
    );

    it(
      'resumes from the committed offset after a restart',
      async () => {
        const topic = uniqueName('resume');
        const groupId = uniqueName('g');
        await sut.ensureTopics([{ topic, partitions: 2 }]);
        const first = Array.from({ length: 100 }, (_, i) => ({
          key: `k${i % 7}`,
          value: json({ key: `k${i % 7}`, seq: i }),
        }));
        await sut.publish(topic, first);
        const a = await collect(sut, { topics: [topic], groupId });
        await waitFor(() => a.messages.length === 100, { timeoutMs: timeout, description: 'first 100' });
        await a.sub.stop();

        await sut.publish(
          topic,
          Array.from({ length: 50 }, (_, i) => ({
            key: `k${i % 7}`,
            value: json({ key: `k${i % 7}`, seq: 100 + i }),
          })),
        );
        const b = await collect(sut, { topics: [topic], groupId });
        await waitFor(() => b.messages.length >= 50, { timeoutMs: timeout, description: 'next 50' });
        await b.sub.stop();
        const seqs = b.messages.map((m) => body(m).seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
      },
      timeout,
    );

    it(
      'carries the producer’s trace context in message headers to the consumer',
      async () => {
        const topic = uniqueName('trace');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        const tracer = trace.getTracer('contract-test');
        const span = tracer.startSpan('produce reading');
        const traceId = span.spanContext().traceId;
        await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
          sut.publish(topic, [{ key: 'm', value: '{}' }]),
        );
        span.end();
        let handlerTraceId: string | undefined;
        const { messages, sub } = await collect(sut, { topics: [topic] }, () => {
          handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
        });
        await waitFor(() => messages.length === 1, { timeoutMs: timeout, description: 'traced message' });
        await sub.stop();
        expect(messages[0]!.headers.traceparent).toContain(traceId);
        // A single message continues its producer's trace inside the handler.
        expect(handlerTraceId).toBe(traceId);
      },
      timeout,
    );

    it(
      'reports the group’s lag from committed offsets',
      async () => {
        const topic = uniqueName('lag');
        const groupId = uniqueName('g');
        await sut.ensureTopics([{ topic, partitions: 2 }]);
        await sut.publish(
          topic,
          Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: 'x' })),
        );
        const before = await sut.consumerLag(groupId, [topic]);
        expect(before).toHaveLength(2);
        expect(before.reduce((n, p) => n + p.lag, 0)).toBe(30);
        const { messages, sub } = await collect(sut, { topics: [topic], groupId });
        await waitFor(() => messages.length === 30, { timeoutMs: timeout, description: '30 messages' });
        await sub.stop();
        const after = await sut.consumerLag(groupId, [topic]);
        expect(after.map((p) => p.lag)).toEqual([0, 0]);
        expect(after.reduce((n, p) => n + p.endOffset, 0)).toBe(30);
      },
      timeout,
    );

    it(
      'deletes topics with their DLQs, and ignores ones that do not exist',
      async () => {
        const topic = uniqueName('doomed');
        await sut.ensureTopics([{ topic, partitions: 1 }]);
        await sut.publish(topic, [{ key: 'k', value: 'x' }]);
        await sut.deleteTopics([topic, uniqueName('never-created')]);
        // A deleted topic starts empty when used again.
        const lag = await sut.consumerLag(uniqueName('g'), [topic]).catch(() => []);
        expect(lag.reduce((n, p) => n + p.endOffset, 0)).toBe(0);
      },
      timeout,
    );

    it('answers ping when connected', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
